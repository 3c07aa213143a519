import { Injectable } from '@nestjs/common';
import type { ContentSyncPayload, JobHandler } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import { BookSourceError } from '@lectern/importer';
import { ContentSyncService } from './content-sync.service';
import type { SyncSummary } from './sync-plan';

/** Runs `content` queue jobs in the worker, reporting progress to BullMQ. */
@Injectable()
export class ContentSyncHandler implements JobHandler {
  constructor(private readonly sync: ContentSyncService) {}

  async handle(job: Job): Promise<SyncSummary> {
    switch (job.name) {
      case 'sync': {
        const payload = job.data as ContentSyncPayload;
        try {
          return await this.sync.sync(payload.sourceDir, (done, total) => job.updateProgress(Math.round((done / Math.max(total, 1)) * 100)));
        } catch (error) {
          // A broken book will not fix itself on retry.
          if (error instanceof BookSourceError) throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      default:
        throw new UnrecoverableError(`The content queue has no job named ${job.name}`);
    }
  }
}
