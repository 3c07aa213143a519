import { DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JOB_HANDLERS, type JobHandler, type JobHandlers } from './job-handler';
import { JobRunEntity } from './job-run.entity';
import { WorkerRunner } from './worker-runner';

/**
 * Runs the queues' workers in this process. `handlers` names the handler
 * class of every queue (a missing one is a compile error); `imports` are the
 * modules that provide and export those classes.
 */
@Module({})
export class WorkerRunnerModule {
  static forRoot(handlers: JobHandlers, imports: Array<Type<unknown> | DynamicModule>): DynamicModule {
    const names = Object.keys(handlers) as Array<keyof JobHandlers>;
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
