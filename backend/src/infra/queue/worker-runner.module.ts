import { DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JOB_HANDLERS, type JobHandler, type SomeJobHandlers } from './job-handler';
import { JobRunEntity } from './job-run.entity';
import { WorkerRunner } from './worker-runner';

/**
 * Runs workers in this process for the queues `handlers` names (each with its
 * handler class); `imports` are the modules that provide and export those
 * classes. A test registers only the queues it needs; the worker process
 * (backend/src/worker.ts) passes a complete map and checks it.
 */
@Module({})
export class WorkerRunnerModule {
  static forRoot(handlers: SomeJobHandlers, imports: Array<Type<unknown> | DynamicModule>): DynamicModule {
    const names = (Object.keys(handlers) as Array<keyof SomeJobHandlers>).filter((n) => handlers[n]);
    const classes = names.map((n) => handlers[n] as unknown as Type<JobHandler>);
    return {
      module: WorkerRunnerModule,
      imports: [TypeOrmModule.forFeature([JobRunEntity]), ...imports],
      providers: [
        {
          provide: JOB_HANDLERS,
          inject: classes,
          useFactory: (...instances: JobHandler[]) => Object.fromEntries(names.map((n, i) => [n, instances[i]])),
        },
        WorkerRunner,
      ],
    };
  }
}
