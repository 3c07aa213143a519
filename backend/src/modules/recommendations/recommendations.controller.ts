import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RECOMMENDATIONS_DEFAULT_LIMIT } from '@lectern/api-types';
import { Learner, LearnerGuard, type LearnerIdentity } from '@lectern/infra';
import { RecommendationsQueryDto, RecommendationsResponseDto } from './dto/recommendations.dto';
import { RecommendationsService } from './recommendations.service';

@ApiTags('progress')
@ApiBearerAuth('learner')
@ApiUnauthorizedResponse({ description: 'No token, or a bad one' })
@UseGuards(LearnerGuard)
@Controller('api/progress/recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get()
  @ApiOperation({
    summary:
      'What to read next, with the reasons: never a completed lesson, never one whose prerequisites are unmet unless it is the next step to meet them',
  })
  @ApiOkResponse({ type: RecommendationsResponseDto })
  @ApiBadRequestResponse({ description: 'limit outside 1..20' })
  get(@Learner() learner: LearnerIdentity, @Query() query: RecommendationsQueryDto): Promise<RecommendationsResponseDto> {
    return this.recommendations.forLearner(learner.userId, query.limit ?? RECOMMENDATIONS_DEFAULT_LIMIT);
  }
}
