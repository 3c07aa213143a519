import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { JobRunEntity } from './job-run.entity';
import { QUEUE_NAMES, QUEUES } from './queue-catalogue';
import { QueueService } from './queue.service';
import { bullConnection } from './redis-connection';

/**
 * BullMQ queues on Redis (producer side): every queue of the catalogue
 * registered with its settings as default job options. The connection fails
 * commands fast when Redis is away, so a request never hangs on it. Workers
 * run in the worker process (WorkerRunnerModule).
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
