import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PostTutorMessageResponse, TutorThread, TutorThreadDetail, TutorThreadSummary } from '@lectern/api-types';
import { Learner, LearnerGuard, sendSse, type LearnerIdentity } from '@lectern/infra';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateThreadDto, PostMessageDto } from './dto/tutor.dto';
import { TutorService } from './tutor.service';

@ApiTags('tutor')
@ApiBearerAuth('learner')
@UseGuards(LearnerGuard)
@Controller('api/tutor')
export class TutorController {
  constructor(private readonly tutor: TutorService) {}

  @Post('threads')
  @ApiOperation({ summary: 'Start a thread, optionally from a lesson (which steers the answers)' })
  @ApiResponse({ status: 201, description: '{ id, title, lessonSlug, createdAt, updatedAt }' })
  createThread(@Learner() learner: LearnerIdentity, @Body() body: CreateThreadDto): Promise<TutorThread> {
    return this.tutor.createThread(learner.userId, body.lessonSlug);
  }

  @Get('threads')
  @ApiOperation({ summary: 'Your threads, newest first (from PostgreSQL alone)' })
  listThreads(@Learner() learner: LearnerIdentity): Promise<TutorThreadSummary[]> {
    return this.tutor.listThreads(learner.userId);
  }

  @Get('threads/:id')
  @ApiOperation({ summary: 'A thread with its messages and their citations (the polling fallback of the stream)' })
  @ApiResponse({ status: 403, description: "Another learner's thread" })
  getThread(@Learner() learner: LearnerIdentity, @Param('id') id: string): Promise<TutorThreadDetail> {
    return this.tutor.getThread(learner.userId, id);
  }

  @Delete('threads/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a thread and its messages' })
  async deleteThread(@Learner() learner: LearnerIdentity, @Param('id') id: string): Promise<void> {
    await this.tutor.deleteThread(learner.userId, id);
  }

  @Post('threads/:id/messages')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask: the answer is written in the background; follow streamUrl (or poll the thread)' })
  @ApiResponse({ status: 202, description: '{ userMessage, assistantMessage: { id, status: "queued" }, jobId, streamUrl }' })
  @ApiResponse({ status: 409, description: 'Before onboarding' })
  @ApiResponse({ status: 429, description: 'Over your question limit, or the daily LLM budget is used up' })
  @ApiResponse({ status: 503, description: 'No LLM configured, or Redis / the job queue is unavailable' })
  postMessage(
    @Learner() learner: LearnerIdentity,
    @Param('id') id: string,
    @Body() body: PostMessageDto,
  ): Promise<PostTutorMessageResponse> {
    return this.tutor.postMessage(learner.userId, id, body);
  }

  @Get('messages/:id/stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'An answer as it is written: `citations`, then `delta` { text }…, then `done` { message } or `failed` { reason }',
  })
  async stream(
    @Learner() learner: LearnerIdentity,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Ownership is checked before the stream starts, so 403/404 keep the one error shape.
    await this.tutor.ownMessage(learner.userId, id);
    await sendSse(request, reply, (signal) => this.tutor.events(learner.userId, id, signal), {
      onError: () => ({
        event: 'failed',
        data: { reason: 'The live answer is unavailable right now; it will appear in the thread when it is ready.' },
      }),
    });
  }
}
