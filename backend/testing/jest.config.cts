// The test helpers' own tests (the fake OpenAI server).
module.exports = require('../../jest.backend.cjs').backendJestConfig(__dirname, 'backend-testing');
