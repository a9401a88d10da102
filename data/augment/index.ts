// Seeded augmentations of market data (see each file for the method and why).
export type { RngLike } from './rng-like.js';
export { blockBootstrap, bootstrapIndex, type BlockBootstrapParams } from './block-bootstrap.js';
export { gaussianNoise, type GaussianNoiseParams, type NoiseMode } from './gaussian-noise.js';
export { magnitudeScale, drawScale, type MagnitudeScaleParams } from './magnitude-scale.js';
export { resample, type ResampleParams } from './resample.js';
export { timeWarp, warpBoundaries, type TimeWarpParams } from './time-warp.js';
export { gbmPaths, fitGbm, logReturns, type GbmParams, type GbmFit } from './gbm.js';
export {
  fitGarch11, garch11LogLik, simulateGarch11, garchPaths, checkGarch11,
  type Garch11Params, type Garch11Fit, type Garch11FitOptions, type Garch11Simulation, type GarchPathOptions,
} from './garch.js';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './nelder-mead.js';
export { jitterBookSizes, type BookJitterParams } from './book-jitter.js';
export {
  AugmentationSchema, BookAugmentationSchema, AUGMENTATION_KINDS, BOOK_AUGMENTATION_KINDS,
  parseAugmentation, parseBookAugmentation, applyAugmentation, applyAugmentations, applyBookAugmentation,
  type Augmentation, type AugmentationKind, type BookAugmentation,
} from './augmentation.js';
