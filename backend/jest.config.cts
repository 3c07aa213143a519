// The app project's own tests live in backend/test (whole-app tests); each
// domain module under src/ is its own Nx project with its own config.
const config = require('../jest.backend.cjs').backendJestConfig(__dirname, 'backend');
module.exports = { ...config, roots: ['<rootDir>/test'] };
