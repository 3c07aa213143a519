import { Injectable } from '@nestjs/common';
import type { JobHandler } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import type { ContentSyncPayload } from '../content.jobs';
import { BookSourceError } from '@lectern/importer';
import { ContentSyncService } from './content-sync.service';
import type { SyncSummary } from './sync-plan';

/** Runs `content` queue jobs in the worker, reporting progress to BullMQ. */
@Injectable()
export class ContentSyncHandler implements JobHandler<ContentSyncPayload> {
  constructor(private readonly sync: ContentSyncService) {}

  async handle(job: Job<ContentSyncPayload>): Promise<SyncSummary> {
    switch (job.name) {
      case 'sync': {
        const payload = job.data;
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
