import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { READER_VIEWS, type ReaderView, type ReaderViewDto } from '@lectern/api-types';
import { Learner, LearnerGuard, RateLimit, RateLimitGuard, type LearnerIdentity } from '@lectern/infra';
import { IsIn } from 'class-validator';
import { ReaderViewService } from './reader-view.service';

export class ReaderViewBody implements ReaderViewDto {
  @ApiProperty({ enum: READER_VIEWS })
  @IsIn(READER_VIEWS, { message: `view must be one of: ${READER_VIEWS.join(', ')}` })
  view!: ReaderView;
}

@ApiTags('users')
@ApiBearerAuth('learner')
@UseGuards(LearnerGuard)
@Controller('api/user/reader-view')
export class ReaderViewController {
  constructor(private readonly views: ReaderViewService) {}

  @Get()
  @ApiOperation({ summary: 'How you read lessons: "original" (the default) or "personalized"' })
  @ApiOkResponse({ type: ReaderViewBody })
  async get(@Learner() learner: LearnerIdentity): Promise<ReaderViewDto> {
    return { view: await this.views.get(learner.userId) };
  }

  @Put()
  @UseGuards(RateLimitGuard)
  @RateLimit('learner-write')
  @ApiOperation({ summary: 'Choose how lessons open (kept outside the preferences hash: it never changes which rewrite you get)' })
  @ApiOkResponse({ type: ReaderViewBody })
  async set(@Learner() learner: LearnerIdentity, @Body() body: ReaderViewBody): Promise<ReaderViewDto> {
    return { view: await this.views.set(learner.userId, body.view) };
  }
}
