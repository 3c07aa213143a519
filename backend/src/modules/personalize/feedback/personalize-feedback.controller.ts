import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PersonalizeFeedbackSummary } from '@lectern/api-types';
import { AdminGuard, Learner, LearnerGuard, RateLimit, RateLimitGuard, type LearnerIdentity } from '@lectern/infra';
import { PersonalizeFeedbackDto, PersonalizeFeedbackSummaryDto } from './personalize-feedback.dto';
import { PersonalizeFeedbackService } from './personalize-feedback.service';

@ApiTags('personalization')
@Controller()
export class PersonalizeFeedbackController {
  constructor(private readonly feedback: PersonalizeFeedbackService) {}

  @Post('api/personalize/feedback')
  @HttpCode(204)
  @UseGuards(LearnerGuard, RateLimitGuard)
  @RateLimit('learner-write')
  @ApiBearerAuth('learner')
  @ApiOperation({ summary: 'Rate your personalized version of a lesson (sending again replaces your rating)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Unknown lesson, or you have no personalized version of it' })
  async submit(@Learner() learner: LearnerIdentity, @Body() body: PersonalizeFeedbackDto): Promise<void> {
    await this.feedback.submit(learner.userId, body);
  }

  @Get('api/admin/personalize/feedback')
  @UseGuards(AdminGuard)
  @ApiTags('admin')
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Feedback on rewrites per lesson and prompt version: ups, downs and the reasons given' })
  @ApiOkResponse({ type: [PersonalizeFeedbackSummaryDto] })
  summary(): Promise<PersonalizeFeedbackSummary[]> {
    return this.feedback.summary();
  }
}
