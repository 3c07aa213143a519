export * from './test-app';
export * from './learner';
export * from './test-database';
