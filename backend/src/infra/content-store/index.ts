export * from './content-store';
export * from './fs-content-store';
export * from './s3-content-store';
export * from './content-store.module';
