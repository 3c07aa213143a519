// Shared Jest settings for every backend project. One config per project,
// two tiers chosen by JEST_TIER (set by the Nx `test` and `integration`
// targets): unit tests (`*.spec.ts`, no I/O) and integration tests
// (`*.int-spec.ts`, real PostgreSQL and Redis, a fresh database per run).
const { join } = require('node:path');

const ESM_ONLY = [
  'content-disposition',
  // unified / remark / micromark and their helpers (the Markdown syntax tree).
  'unified',
  'bail',
  'trough',
  'vfile[a-z-]*',
  'devlop',
  'zwitch',
  'ccount',
  'longest-streak',
  'markdown-table',
  'remark-[a-z-]+',
  'mdast-util-[a-z-]+',
  'micromark[a-z-]*',
  'unist-util-[a-z-]+',
  'character-[a-z0-9-]+',
  'decode-named-character-reference',
  'is-(?:alphabetical|alphanumerical|decimal|hexadecimal|plain-obj)',
  'parse-entities',
  'stringify-entities',
  'escape-string-regexp',
];

function backendJestConfig(projectDir, name) {
  const tier = process.env.JEST_TIER === 'integration' ? 'integration' : 'unit';
  const integration = tier === 'integration';
  return {
    displayName: `${name}:${tier}`,
    rootDir: projectDir,
    testEnvironment: 'node',
    resolver: '@nx/jest/plugins/resolver',
    moduleFileExtensions: ['ts', 'js', 'json'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'backend/tsconfig.spec.json') }],
      // A few dependencies ship ES modules only (Node's require(esm) loads them, Jest's runtime cannot).
      '^.+\\.js$': ['ts-jest', { tsconfig: join(__dirname, 'backend/tsconfig.spec.json') }],
    },
    transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_ONLY.join('|')})/).*/node_modules/`],
    testMatch: integration ? ['**/*.int-spec.ts'] : ['**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...(integration
      ? {
          globalSetup: join(__dirname, 'backend/testing/global-setup.ts'),
          globalTeardown: join(__dirname, 'backend/testing/global-teardown.ts'),
          testTimeout: 60_000,
        }
      : { testTimeout: 10_000 }),
  };
}

module.exports = { backendJestConfig };
