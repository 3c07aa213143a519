// Shared Jest settings for every backend project. One config per project,
// two tiers chosen by JEST_TIER (set by the Nx `test` and `integration`
// targets): unit tests (`*.spec.ts`, no I/O) and integration tests
// (`*.int-spec.ts`, real PostgreSQL and Redis, a fresh database per run).
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Dependencies that ship ES modules only (Node's require(esm) loads them,
 * Jest's runtime cannot), so Jest transforms them: content-disposition, and
 * every `"type": "module"` package (the unified/remark/micromark family
 * behind @lectern/markdown).
 */
function esmOnlyPackages() {
  const names = new Set(['content-disposition']);
  const root = join(__dirname, 'node_modules');
  const consider = (name) => {
    try {
      const pkg = JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.add(name);
    } catch {
      // not a package
    }
  };
  for (const entry of readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(join(root, entry))) consider(`${entry}/${scoped}`);
    } else consider(entry);
  }
  return [...names].map((name) => name.replace(/[.+]/g, '\\$&'));
}

const ESM_ONLY = esmOnlyPackages();

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
