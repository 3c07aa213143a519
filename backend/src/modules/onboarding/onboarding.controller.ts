import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Learner, LearnerGuard, RateLimit, RateLimitGuard, type LearnerIdentity } from '@lectern/infra';
import { OnboardingAnswersDto, UpdatePreferencesDto } from './dto/onboarding-answers.dto';
import { OnboardingResponseDto, PreferencesResponse, QuestionDto } from './dto/preferences.dto';
import { OnboardingService } from './onboarding.service';
import { QUESTIONS } from './questionnaire';

@ApiTags('onboarding')
@Controller()
export class OnboardingController {
  constructor(private readonly onboarding: OnboardingService) {}

  @Get('api/onboarding/questions')
  @ApiOperation({ summary: 'The six onboarding questions; the form renders from this' })
  @ApiOkResponse({ type: [QuestionDto] })
  questions(): readonly QuestionDto[] {
    return QUESTIONS;
  }

  @Post('api/onboarding')
  @HttpCode(201)
  @UseGuards(LearnerGuard, RateLimitGuard)
  @RateLimit('learner-write')
  @ApiBearerAuth('learner')
  @ApiOperation({ summary: 'Answer the questionnaire (answering again replaces the answers)' })
  @ApiCreatedResponse({ type: OnboardingResponseDto })
  @ApiBadRequestResponse({ description: 'A missing, unknown or out-of-range answer; `details` names each field' })
  async submit(@Learner() learner: LearnerIdentity, @Body() answers: OnboardingAnswersDto): Promise<OnboardingResponseDto> {
    const row = await this.onboarding.submit(learner.userId, answers);
    return Object.assign(new OnboardingResponseDto(), { preferences: PreferencesResponse.from(row), onboardingCompleted: true as const });
  }

  @Get('api/user/preferences')
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiOkResponse({ type: PreferencesResponse })
  @ApiNotFoundResponse({ description: 'Before onboarding' })
  async get(@Learner() learner: LearnerIdentity): Promise<PreferencesResponse> {
    return PreferencesResponse.from(await this.onboarding.get(learner.userId));
  }

  @Put('api/user/preferences')
  @UseGuards(LearnerGuard, RateLimitGuard)
  @RateLimit('learner-write')
  @ApiBearerAuth('learner')
  @ApiOperation({ summary: 'Change any of the answers; returns the preferences with their new hash' })
  @ApiOkResponse({ type: PreferencesResponse })
  async update(@Learner() learner: LearnerIdentity, @Body() change: UpdatePreferencesDto): Promise<PreferencesResponse> {
    return PreferencesResponse.from(await this.onboarding.update(learner.userId, change));
  }
}
