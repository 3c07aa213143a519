import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Learner, LearnerGuard, RateLimit, RateLimitGuard, type LearnerIdentity } from '@lectern/infra';
import { LessonTimeDto, StartLessonDto } from './dto/progress-body.dto';
import { LessonProgressResponse, ProgressSummaryResponse } from './dto/progress.dto';
import { ProgressService } from './progress.service';

/** Reading progress of the token's learner (there is no user id in these paths: nobody else's data is reachable). */
@ApiTags('progress')
@ApiBearerAuth('learner')
@ApiUnauthorizedResponse({ description: 'No token, or a bad one' })
@UseGuards(LearnerGuard)
@Controller('api/progress')
export class ProgressController {
  constructor(private readonly progress: ProgressService) {}

  @Get()
  @ApiOperation({ summary: "The whole book's completion, each part's and chapter's, time spent, and where to continue" })
  @ApiOkResponse({ type: ProgressSummaryResponse })
  @ApiNotFoundResponse({ description: 'No book imported yet' })
  summary(@Learner() learner: LearnerIdentity): Promise<ProgressSummaryResponse> {
    return this.progress.summary(learner.userId);
  }

  @Get('lessons/:slug')
  @ApiOperation({ summary: "One lesson's progress (not_started until opened)" })
  @ApiOkResponse({ type: LessonProgressResponse })
  @ApiNotFoundResponse({ description: 'No such lesson' })
  lesson(@Learner() learner: LearnerIdentity, @Param('slug') slug: string): Promise<LessonProgressResponse> {
    return this.progress.lesson(learner.userId, slug);
  }

  @Post('lessons/:slug/start')
  @UseGuards(RateLimitGuard)
  @RateLimit('learner-write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Opening a lesson starts it; starting again keeps the first startedAt. The body is optional.' })
  @ApiBody({ type: StartLessonDto, required: false })
  @ApiOkResponse({ type: LessonProgressResponse })
  @ApiBadRequestResponse({ description: 'A bad section or an unknown field; `details` names it' })
  @ApiNotFoundResponse({ description: 'No such lesson' })
  start(@Learner() learner: LearnerIdentity, @Param('slug') slug: string, @Body() body?: StartLessonDto): Promise<LessonProgressResponse> {
    return this.progress.start(learner.userId, slug, body?.section);
  }

  @Post('lessons/:slug/complete')
  @UseGuards(RateLimitGuard)
  @RateLimit('learner-write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark as complete; completing again is a no-op; completing a lesson never started starts it too' })
  @ApiOkResponse({ type: LessonProgressResponse })
  @ApiNotFoundResponse({ description: 'No such lesson' })
  complete(@Learner() learner: LearnerIdentity, @Param('slug') slug: string): Promise<LessonProgressResponse> {
    return this.progress.complete(learner.userId, slug);
  }

  @Put('lessons/:slug/time')
  @UseGuards(RateLimitGuard)
  @RateLimit('learner-write')
  @ApiOperation({ summary: 'A reading heartbeat: adds 1..3600 seconds (concurrent heartbeats all count) and records the section' })
  @ApiOkResponse({ type: LessonProgressResponse })
  @ApiBadRequestResponse({ description: 'seconds outside 1..3600, not a whole number, a bad section or an unknown field' })
  @ApiNotFoundResponse({ description: 'No such lesson' })
  addTime(@Learner() learner: LearnerIdentity, @Param('slug') slug: string, @Body() body: LessonTimeDto): Promise<LessonProgressResponse> {
    return this.progress.addTime(learner.userId, slug, body.seconds, body.section);
  }
}
