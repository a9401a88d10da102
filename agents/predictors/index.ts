// Supervised LSTM / GRU predictors of next-k-bar direction or return: fit, predict, persist, and
// use as a Policy or as features for RL.
export { PredictorConfigSchema, resolvePredictorConfig, type PredictorConfig, type PredictorConfigInput } from './config.js';
export { fitPredictor, predictorTargets, trainStep, type FitPredictorInput } from './train.js';
export { SequencePredictor, type PredictorMeta } from './predictor.js';
export { predictorFeatures, predictorColumn, concatFeatures } from './features.js';
export { savePredictor, loadPredictor, PREDICTOR_FORMAT, type PredictorJson } from './io.js';
export { predictorPolicy, windowClassifier, type WindowClassifier } from './policy.js';
export { windowReady, windowEnds, gatherWindows } from './windows.js';
