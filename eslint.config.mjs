import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Project boundaries (see STYLE.md): the web app can never import backend
// code; the shared API types depend on nothing; domain modules use infra and
// each other's exported services; only tests may import the test helpers.
const depConstraints = [
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'type:testing'] },
  { sourceTag: 'type:types', onlyDependOnLibsWithTags: ['type:types'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:types'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:types'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:data', 'type:types', 'type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:types', 'type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:data', 'type:types', 'type:util'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:data', 'type:types', 'type:util'] },
];
const testDepConstraints = depConstraints.map((c) =>
  c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:types' && c.sourceTag !== 'type:data'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);
const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: false,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^.*/jest\\.backend\\.cjs$'],
    depConstraints: constraints,
  },
];

// Domain modules (backend/src/modules/<domain>/…).
const inDomain = (path) => path.replaceAll('\\', '/').includes('/backend/src/modules/');

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/node_modules',
      '.toolchain/**',
      '.lectern/**',
      '**/vite.config.*.timestamp*',
      '**/vitest.config.*.timestamp*',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.cts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(depConstraints) },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(testDepConstraints) },
  },
  {
    // Type-aware rules for all TypeScript: promises must be awaited or handled,
    // and a switch over a union must cover every case.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.cts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // A domain reaches another domain through its exported services, events
    // and types, never its TypeORM entities (its tables are its own).
    // (Matched on the absolute path: Nx lints each project from its own folder, where relative patterns shift.)
    // A foreign key to another domain's table stays in the migrations and is
    // declared on the plain column by table name: @ForeignKey('lessons', 'slug').
    files: [(path) => inDomain(path) && path.endsWith('.ts')],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@lectern/*', '!@lectern/infra', '!@lectern/api-types', '!@lectern/testing', '!@lectern/migrations'],
              importNamePattern: 'Entity$',
              message: "Another domain's entities are its own: use its exported service, events or types.",
            },
          ],
        },
      ],
      // The same reach without an import: a relation whose target is an entity's name (a string).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "Decorator > CallExpression[callee.name=/^(ManyToOne|OneToOne|OneToMany|ManyToMany)$/][arguments.0.type='Literal']",
          message:
            "A relation names its target with `() => Entity` of this domain; another domain's table is reached by a plain column and @ForeignKey('table', 'column').",
        },
      ],
    },
  },
];
