import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { JobRunEntity } from './job-run.entity';
import { QUEUE_NAMES, QUEUES } from './queue-catalogue';
import { QueueService } from './queue.service';
import { bullConnection } from './redis-connection';

/**
 * BullMQ on Redis, with every queue of the catalogue registered and its
 * settings applied as default job options. `role` picks the connection
 * behaviour: the api fails fast, the worker retries forever.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        TypeOrmModule.forFeature([JobRunEntity]),
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ connection: bullConnection(config.REDIS_URL, role), prefix: config.QUEUE_PREFIX }),
        }),
        BullModule.registerQueue(
          ...QUEUE_NAMES.map((name) => {
            const q = QUEUES[name];
            return {
              name,
              defaultJobOptions: {
                attempts: q.attempts,
                backoff: { type: 'exponential', delay: q.backoffMs },
                removeOnComplete: { age: q.keepCompleted.ageSeconds, count: q.keepCompleted.count },
                removeOnFail: { age: q.keepFailed.ageSeconds, count: q.keepFailed.count },
              },
            };
          }),
        ),
      ],
      providers: [QueueService],
      exports: [QueueService, BullModule, TypeOrmModule],
    };
  }
}
