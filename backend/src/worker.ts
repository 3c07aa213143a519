import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ContentJobsModule, ContentSyncHandler } from '@lectern/content';
import { AppConfig, ConfigError, createLogger, InfraModule, loadConfig, QueueModule, WorkerRunnerModule } from '@lectern/infra';
import { PersonalizeHandler, PersonalizeJobsModule } from '@lectern/personalize';

/**
 * The worker process: the same infrastructure, running every queue's jobs.
 * The handler map must name a handler for every queue of the catalogue
 * (a compile error otherwise), and the runner refuses to start without one.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        InfraModule.forRoot(config),
        QueueModule.forRoot(),
        WorkerRunnerModule.forRoot({ content: ContentSyncHandler, personalize: PersonalizeHandler }, [
          ContentJobsModule,
          PersonalizeJobsModule,
        ]),
      ],
    };
  }
}

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: createLogger(config, 'Worker') });
  app.enableShutdownHooks();
  Logger.log('Lectern worker started', 'Worker');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `Lectern worker failed to start: ${String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
