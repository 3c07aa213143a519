import { Body, Controller, Delete, Get, HttpCode, Injectable, type OnModuleInit, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PersonalizeJobStatus, PersonalizeQueued } from '@lectern/api-types';
import { bearerToken, Learner, LearnerGuard, type LearnerIdentity, SessionVerifier } from '@lectern/infra';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PersonalizeService } from './personalize.service';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MAX = 160;
const JSON_TYPE = 'application/json; charset=utf-8';

export class PersonalizeRequestDto {
  @ApiProperty({
    example: 'the-embodiment-hypothesis',
    description: 'The server reads the lesson itself; it never takes lesson text from the client',
  })
  @IsString({ message: 'lessonSlug must be a string' })
  @MaxLength(SLUG_MAX, { message: `lessonSlug is at most ${SLUG_MAX} characters` })
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
      void reply.status(200).header('content-type', JSON_TYPE);
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

/**
 * The lesson slug of a body PersonalizeRequestDto's rules accept as it is
 * (a plain object with `lessonSlug` alone, a slug of at most 160
 * characters); undefined for any other body, which the validation pipe
 * answers with its field messages.
 */
export function plainRequestSlug(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
  const keys = Object.keys(body);
  const slug = (body as { lessonSlug?: unknown }).lessonSlug;
  if (keys.length !== 1 || typeof slug !== 'string' || slug.length > SLUG_MAX || !SLUG.test(slug)) return undefined;
  return slug;
}

/**
 * A cache hit of POST /api/personalize answered before Nest's pipeline
 * (guard, validation pipe, interceptors, response controller), which was
 * most of a hit's cost in the load bench: in Fastify's preHandler (after
 * the body is parsed and the input limits are checked), a well-formed body
 * (plainRequestSlug) with the token of a live session (the same
 * SessionVerifier LearnerGuard asks) and a ready rewrite kept in memory is
 * sent the controller's answer, byte for byte. Everything else (a miss, a
 * hit not kept yet, a body with a problem, a missing or bad token, an
 * error) goes on to the controller, which answers it as before. The
 * rewrite lookup's statement is never run here, so a miss does not run it
 * twice.
 */
@Injectable()
export class PersonalizeFastPath implements OnModuleInit {
  private verifier?: SessionVerifier;
  /** Cache hits answered here since start. */
  answered = 0;

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly personalize: PersonalizeService,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify) return;
    fastify.addHook('preHandler', (request, reply, done) => {
      if (request.method !== 'POST' || request.routeOptions.url !== '/api/personalize') return done();
      const slug = plainRequestSlug(request.body);
      const token = bearerToken(request);
      if (slug === undefined || token === undefined) return done();
      this.verifier ??= this.moduleRef.get(SessionVerifier, { strict: false });
      this.verifier
        .verify(token)
        .then((check) => (check.ok ? this.personalize.keptReadyJson(check.userId, slug) : undefined))
        .then(
          (json) => {
            if (!json) return done();
            this.answered += 1;
            void reply.status(200).header('content-type', JSON_TYPE).send(json);
          },
          () => done(),
        );
    });
  }
}
