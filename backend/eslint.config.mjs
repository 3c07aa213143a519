import baseConfig from '../eslint.config.mjs';

// The domain modules, infra and testing folders are Nx projects of their own
// and lint themselves.
export default [{ ignores: ['src/infra/**', 'src/modules/**', 'testing/**'] }, ...baseConfig];
