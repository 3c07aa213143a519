export * from './draft-stream.service';
export * from './sse';
export * from './stream.module';
