export * from './test-app';
export * from './learner';
export * from './test-database';
export * from './fake-openai';
export * from './private-redis';
export * from './private-postgres';
export * from './free-port';
