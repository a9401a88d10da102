// Fresh augmented data per episode: each reset draws a new series from the (training) candles
// through the seeded augmentations and rebuilds the features on it, so the agent never sees the
// same path twice and the draw is reproducible from the env's seed.
import type { Rng } from '../data/random.js';
import type { Candles } from '../data/types.js';
import type { FeatureMatrix } from '../data/features/log-return-window.js';
import { applyAugmentations, type Augmentation } from '../data/augment/index.js';
import { candleMarket, type CandleMarket } from './candle-market.js';

export function augmentedEpisodes(
  source: Candles,
  augmentations: readonly Augmentation[],
  features: (c: Candles) => FeatureMatrix,
): (env: number, rng: Rng) => CandleMarket {
  return (_env, rng) => {
    const c = applyAugmentations(source, augmentations, rng);
    return candleMarket(c, features(c));
  };
}
