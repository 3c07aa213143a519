import { DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JOB_HANDLERS, type JobBinding, type JobHandler } from './job-handler';
import { JobRunEntity } from './job-run.entity';
import { WorkerRunner, type BoundHandler } from './worker-runner';

/**
 * Runs workers in this process for the queues `bindings` name (each with its
 * handler class); `imports` are the modules that provide and export those
 * classes. A test binds only the queues it needs; the worker process
 * (backend/src/worker.ts) binds every registered queue and checks it.
 */
@Module({})
export class WorkerRunnerModule {
  static forRoot(bindings: readonly JobBinding[], imports: Array<Type<unknown> | DynamicModule>): DynamicModule {
    const names = bindings.map((b) => b.queue.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`Queue ${duplicate} is bound to two handlers`);
    return {
      module: WorkerRunnerModule,
      imports: [TypeOrmModule.forFeature([JobRunEntity]), ...imports],
      providers: [
        {
          provide: JOB_HANDLERS,
          inject: bindings.map((b) => b.handler),
          useFactory: (...instances: JobHandler[]): BoundHandler[] => bindings.map((b, i) => ({ queue: b.queue, handler: instances[i] })),
        },
        WorkerRunner,
      ],
    };
  }
}
