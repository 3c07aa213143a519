import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { JobRunEntity } from './job-run.entity';
import type { QueueDefinition } from './queue-definition';
import { QueueRegistry } from './queue-registry';
import { QueueService } from './queue.service';
import { bullConnection } from './redis-connection';

/**
 * BullMQ on Redis (producer side). `forRoot()` once per process: the
 * connection (failing commands fast when Redis is away, so a request never
 * hangs on it), the registry and QueueService. Each domain module registers
 * its own queues with `register(...)`, their settings as default job options.
 * Workers run in the worker process (WorkerRunnerModule).
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        TypeOrmModule.forFeature([JobRunEntity]),
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ connection: bullConnection(config.REDIS_URL, 'producer'), prefix: config.QUEUE_PREFIX }),
        }),
      ],
      providers: [QueueService, QueueRegistry],
      exports: [QueueService, QueueRegistry, BullModule, TypeOrmModule],
    };
  }

  /** A domain's queues: registered with BullMQ (producer side) and in the registry. Needs `forRoot()` in the process. */
  static register(...definitions: QueueDefinition[]): DynamicModule {
    return {
      module: QueueRegistrationModule,
      imports: [
        BullModule.registerQueue(
          ...definitions.map(({ name, settings: q }) => ({
            name,
            defaultJobOptions: {
              attempts: q.attempts,
              backoff: { type: 'exponential', delay: q.backoffMs },
              removeOnComplete: { age: q.keepCompleted.ageSeconds, count: q.keepCompleted.count },
              removeOnFail: { age: q.keepFailed.ageSeconds, count: q.keepFailed.count },
            },
          })),
        ),
      ],
      providers: [
        {
          provide: `queue-registration:${definitions.map((d) => d.name).join(',')}`,
          inject: [QueueRegistry],
          useFactory: (registry: QueueRegistry) => registry.add(definitions),
        },
      ],
      exports: [BullModule],
    };
  }
}

@Module({})
class QueueRegistrationModule {}
