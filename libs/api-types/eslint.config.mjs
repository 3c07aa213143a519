import baseConfig from '../../eslint.config.mjs';

// The HTTP contract shared by the backend and the web app: types, constants and
// pure functions only. No framework, database, queue or I/O import may creep in
// (scripts/check-boundaries.sh proves this rule bites).
const FRAMEWORKS = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'bullmq',
  'bullmq/*',
  'ioredis',
  'ioredis/*',
  '@angular/*',
  'class-validator',
  'class-transformer',
  'pg',
  'openai',
  'node:*',
];

export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: FRAMEWORKS,
              message: '@lectern/api-types holds types and pure functions only: no framework, database, queue or Node I/O imports.',
            },
          ],
        },
      ],
    },
  },
];
