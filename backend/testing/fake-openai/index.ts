export * from './fake-openai-server';
export * from './tutor';
