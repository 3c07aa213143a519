export * from './queue-catalogue';
export * from './queue.module';
export * from './queue.service';
export * from './recorded-processor';
export * from './job-run.entity';
export * from './job-status';
export * from './redis-connection';
