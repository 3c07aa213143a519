import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CONTENT_QUEUE, ContentJobsModule, ContentSyncHandler } from '@lectern/content';
import {
  InfraModule,
  jobBinding,
  QueueModule,
  QueueRegistry,
  queuesWithoutHandler,
  WorkerRunnerModule,
  type AppConfig,
  type JobBinding,
} from '@lectern/infra';
import { PERSONALIZE_QUEUE, PersonalizeHandler, PersonalizeJobsModule } from '@lectern/personalize';
import { INDEX_QUEUE, SearchIndexHandler, SearchJobsModule } from '@lectern/search';
import { TUTOR_QUEUE, TutorHandler, TutorJobsModule } from '@lectern/tutor';
import { DOMAIN_MODULES } from './app.module';

/** Every domain queue and the handler that runs its jobs (each domain declares its queue in `<domain>.jobs.ts`). */
export const JOB_BINDINGS: readonly JobBinding[] = [
  jobBinding(CONTENT_QUEUE, ContentSyncHandler),
  jobBinding(PERSONALIZE_QUEUE, PersonalizeHandler),
  jobBinding(INDEX_QUEUE, SearchIndexHandler),
  jobBinding(TUTOR_QUEUE, TutorHandler),
];

const JOBS_MODULES = [ContentJobsModule, PersonalizeJobsModule, SearchJobsModule, TutorJobsModule];

/**
 * Refuses to start a worker that would leave a queue without a handler: every
 * queue the domain modules registered (the same modules the api runs, so the
 * same queues the api enqueues into) must be bound in JOB_BINDINGS. Runs before
 * the workers start (they start on application bootstrap).
 */
@Injectable()
export class EveryQueueHasAHandler implements OnModuleInit {
  constructor(private readonly registry: QueueRegistry) {}

  onModuleInit(): void {
    const missing = queuesWithoutHandler(JOB_BINDINGS, this.registry.names());
    if (missing.length > 0) throw new Error(`No handler for queue(s): ${missing.join(', ')}; refusing to start`);
  }
}

/** The worker process's composition root: the infrastructure, the domain modules, and a worker for each of their queues. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        InfraModule.forRoot(config),
        QueueModule.forRoot(),
        ...DOMAIN_MODULES,
        WorkerRunnerModule.forRoot(JOB_BINDINGS, JOBS_MODULES),
      ],
      providers: [EveryQueueHasAHandler],
    };
  }
}
