import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard, NotFoundError, QueueService, type JobStatus } from '@lectern/infra';
import { resolve } from 'node:path';
import { ContentSyncAcceptedResponse } from './dto/content.dto';
import type { SyncSummary } from './sync/sync-plan';
import { CONTENT_QUEUE } from './content.jobs';
import { ContentConfig } from './content.config';

@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminGuard)
@Controller('api/admin/content')
export class ContentAdminController {
  constructor(
    private readonly queues: QueueService,
    private readonly config: ContentConfig,
  ) {}

  @Post('sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Import the configured book source (CONTENT_SOURCE_DIR) in the worker; same as `content sync`' })
  @ApiAcceptedResponse({ type: ContentSyncAcceptedResponse })
  async sync(): Promise<ContentSyncAcceptedResponse> {
    const sourceDir = resolve(this.config.CONTENT_SOURCE_DIR);
    // While a sync of this folder waits or runs, another request joins it.
    const job = await this.queues.enqueue(CONTENT_QUEUE, 'sync', { sourceDir, requestedBy: 'admin' }, { deduplicationId: 'content-sync' });
    const jobId = String(job.id);
    return { jobId, statusUrl: `/api/admin/content/sync/${jobId}` };
  }

  @Get('sync/:jobId')
  @ApiOperation({ summary: 'Status of a sync job, with its summary once completed' })
  @ApiOkResponse({ description: '{ jobId, state, progress, attemptsMade, failedReason, enqueuedAt, startedAt, finishedAt, result }' })
  @ApiNotFoundResponse()
  async status(@Param('jobId') jobId: string): Promise<JobStatus<SyncSummary>> {
    const status = await this.queues.status<SyncSummary>(CONTENT_QUEUE, jobId);
    if (!status) throw new NotFoundError('job_not_found', `No sync job ${jobId}`);
    return status;
  }
}
