export {
  MAX_LENGTH_RATIO,
  MIN_LENGTH_RATIO,
  MIN_URDU_SHARE,
  checkFidelity,
  normaliseRewrite,
  type FidelityCount,
  type FidelityOptions,
  type FidelityResult,
  type NormalisedRewrite,
  type RewriteCleanup,
} from './fidelity-check';
