module.exports = require('../../jest.backend.cjs').backendJestConfig(__dirname, 'importer');
