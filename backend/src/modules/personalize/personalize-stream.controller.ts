import { Controller, Get, Logger, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LearnerGuard, sendSse } from '@lectern/infra';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PersonalizeStreamService } from './personalize-stream.service';

@ApiTags('personalization')
@ApiBearerAuth('learner')
@UseGuards(LearnerGuard)
@Controller('api/personalize')
export class PersonalizeStreamController {
  private readonly logger = new Logger(PersonalizeStreamController.name);

  constructor(private readonly streams: PersonalizeStreamService) {}

  @Get('jobs/:jobId/stream')
  @ApiOperation({
    summary:
      'A rewrite as it is written, as server-sent events: progress, delta { text } (the draft so far first), then done { result } or failed { reason }',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 404, description: 'No such job' })
  async stream(@Param('jobId') jobId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // Opened before the response starts, so an unknown job still answers 404 in the error shape.
    const abort = new AbortController();
    const events = await this.streams.open(jobId, abort.signal);
    await sendSse(
      request,
      reply,
      (signal) => {
        signal.addEventListener('abort', () => abort.abort(), { once: true });
        return events;
      },
      {
        onError: (error) => {
          this.logger.warn(`Rewrite stream ${jobId} broke: ${error instanceof Error ? error.message : String(error)}`);
          return null;
        },
      },
    );
  }
}
