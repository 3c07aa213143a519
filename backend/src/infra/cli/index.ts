export * from './cli-context';
export * from './progress-bar';
