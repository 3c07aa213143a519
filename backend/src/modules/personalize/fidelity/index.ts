export {
  MAX_LENGTH_RATIO,
  MIN_LENGTH_RATIO,
  checkFidelity,
  normaliseRewrite,
  type FidelityOptions,
  type FidelityResult,
} from './fidelity-check';
