import baseConfig from '../../eslint.config.mjs';

// The book importer: reads a book folder (Lectern's book.yaml or a Docusaurus
// docs tree) into plain data. Framework-free, so that a parser fix re-tests
// the importer alone: no NestJS, TypeORM, BullMQ, Redis or HTTP client may
// creep in (the content domain stores what it returns).
const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'typeorm/*', 'bullmq', 'bullmq/*', 'ioredis', 'ioredis/*', '@angular/*', 'class-validator', 'class-transformer', 'pg', 'openai', 'fastify', 'fastify/*'];

export default [
  ...baseConfig,
  // test-fixtures hold authors' files (a sidebars.ts, a docusaurus.config.ts) as a real book has them: not our code.
  { ignores: ['test-fixtures/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: FRAMEWORKS, message: '@lectern/importer is framework-free: no NestJS, TypeORM, queue, database or HTTP imports.' }],
        },
      ],
    },
  },
];
