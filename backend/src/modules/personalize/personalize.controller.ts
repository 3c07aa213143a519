import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PersonalizeJobStatus, PersonalizeQueued } from '@lectern/api-types';
import { Learner, LearnerGuard, type LearnerIdentity } from '@lectern/infra';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { PersonalizeService } from './personalize.service';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class PersonalizeRequestDto {
  @ApiProperty({
    example: 'the-embodiment-hypothesis',
    description: 'The server reads the lesson itself; it never takes lesson text from the client',
  })
  @IsString({ message: 'lessonSlug must be a string' })
  @MaxLength(160, { message: 'lessonSlug is at most 160 characters' })
  @Matches(SLUG, { message: 'lessonSlug must be a lesson slug (lowercase letters, digits and dashes)' })
  lessonSlug!: string;
}

export class DropCacheQueryDto {
  @ApiPropertyOptional({ description: 'One lesson; all lessons when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(160)
  @Matches(SLUG, { message: 'lessonSlug must be a lesson slug (lowercase letters, digits and dashes)' })
  lessonSlug?: string;
}

@ApiTags('personalization')
@ApiBearerAuth('learner')
@UseGuards(LearnerGuard)
@Controller('api/personalize')
export class PersonalizeController {
  constructor(private readonly personalize: PersonalizeService) {}

  @Post()
  @ApiOperation({ summary: 'The lesson rewritten for your profile: 200 with it when cached, 202 with a job to poll otherwise' })
  @ApiResponse({
    status: 200,
    description: '{ status: "ready", lessonSlug, content, cached, contentHash, preferencesHash, generatedAt, model, promptVersion }',
  })
  @ApiResponse({ status: 202, description: '{ status: "queued", jobId, statusUrl }' })
  @ApiResponse({ status: 409, description: 'Before onboarding' })
  @ApiResponse({ status: 429, description: 'Over your rate limit, or the daily LLM budget is used up' })
  @ApiResponse({ status: 503, description: 'No LLM configured, or the job queue is unavailable' })
  async request(
    @Learner() learner: LearnerIdentity,
    @Body() body: PersonalizeRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | PersonalizeQueued> {
    const answer = await this.personalize.request(learner.userId, body.lessonSlug);
    if (answer.status === 'ready') {
      // A PersonalizeReady (@lectern/api-types), serialized once per kept rewrite.
      void reply.status(200).header('content-type', 'application/json; charset=utf-8');
      return answer.json;
    }
    void reply.status(202);
    return answer;
  }

  @Get('jobs/:jobId')
  @ApiOperation({ summary: 'A rewrite job: state, progress, attempts, failure reason, timestamps, and the result once completed' })
  jobStatus(@Param('jobId') jobId: string): Promise<PersonalizeJobStatus> {
    return this.personalize.jobStatus(jobId);
  }

  @Delete('cache')
  @HttpCode(204)
  @ApiOperation({ summary: 'Drop your current cached rewrite(s) (one lesson, or all) so the next request regenerates' })
  async dropCache(@Learner() learner: LearnerIdentity, @Query() query: DropCacheQueryDto): Promise<void> {
    await this.personalize.dropCache(learner.userId, query.lessonSlug);
  }
}
