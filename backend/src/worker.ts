import { Logger, Module, type DynamicModule, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, NestFactory } from '@nestjs/core';
import { ContentJobsModule } from '@lectern/content';
import { AppConfig, ConfigError, createLogger, InfraModule, loadConfig, QUEUE_NAMES, QueueModule, type QueueName } from '@lectern/infra';

/**
 * Every queue's processor module. A queue added to the catalogue without a
 * processor here does not compile; `assertEveryQueueHasAProcessor` checks the
 * same at start-up, so a worker never runs while some queue's jobs would sit
 * unprocessed.
 */
const PROCESSOR_MODULES: { readonly [Q in QueueName]: Type<unknown> } = {
  content: ContentJobsModule,
};

/** The worker process: the same infrastructure, running the queue processors. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [InfraModule.forRoot(config), QueueModule.forRoot('worker'), DiscoveryModule, ...new Set(Object.values(PROCESSOR_MODULES))],
    };
  }
}

const PROCESSOR_METADATA = 'bullmq:processor_metadata';

function assertEveryQueueHasAProcessor(discovery: DiscoveryService): void {
  const handled = new Set<string>();
  for (const wrapper of discovery.getProviders()) {
    const meta: unknown = wrapper.metatype ? Reflect.getMetadata(PROCESSOR_METADATA, wrapper.metatype) : undefined;
    const name = (meta as { name?: string } | undefined)?.name;
    if (name) handled.add(name);
  }
  const missing = QUEUE_NAMES.filter((q) => !handled.has(q));
  if (missing.length > 0) throw new Error(`No processor for queue(s): ${missing.join(', ')}; refusing to start`);
}

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: createLogger(config, 'Worker') });
  app.enableShutdownHooks();
  assertEveryQueueHasAProcessor(app.get(DiscoveryService));
  Logger.log(`Lectern worker started: processing ${QUEUE_NAMES.join(', ')}`, 'Worker');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `Lectern worker failed to start: ${String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
