// Supervised sequence predictors (LSTM / GRU) of the next-k-bar direction or return from windows
// of feature rows: hyperparameters with a comment per field, validated so a bad value names its field.
import { z } from 'zod';
import { ConfigError } from '../../data/errors.js';

const positiveInt = () => z.number().int().positive();

export const PredictorConfigSchema = z.strictObject({
  /** Recurrent cell: 'lstm' (Hochreiter & Schmidhuber) or 'gru' (Cho et al.; fewer parameters, often as good). */
  cell: z.enum(['lstm', 'gru']).default('lstm'),
  /** 'direction': P(close[t + horizon] > close[t]) with binary cross-entropy; 'return': the forward log return with MSE. */
  task: z.enum(['direction', 'return']).default('direction'),
  /** Bars ahead the label looks (training windows whose label reaches past their split are dropped). */
  horizon: positiveInt().default(1),
  /** Feature rows per window: the prediction at row t reads rows t - seqLen + 1 .. t. */
  seqLen: positiveInt().default(32),
  units: positiveInt().default(32),
  /** Epochs at most; early stopping on the validation loss usually ends training sooner. */
  epochs: positiveInt().default(50),
  batchSize: positiveInt().default(64),
  learningRate: z.number().positive().default(3e-3),
  /** Epochs without a validation improvement before stopping (the best epoch's weights are kept). */
  patience: positiveInt().default(5),
  /** Global gradient-norm clip (RNNs' exploding gradients); 0 = off. */
  clipNorm: z.number().min(0).default(1),
  /** Seed of the initial weights and the minibatch order. */
  seed: z.number().int().default(0),
  /** tfjs backend ('auto': native if installed, else wasm, else cpu). */
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
});

export type PredictorConfig = z.infer<typeof PredictorConfigSchema>;
export type PredictorConfigInput = z.input<typeof PredictorConfigSchema>;

export function resolvePredictorConfig(input: PredictorConfigInput = {}): PredictorConfig {
  const r = PredictorConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'predictor');
    throw new ConfigError(`predictor.${field}`, issue.message);
  }
  return r.data;
}
