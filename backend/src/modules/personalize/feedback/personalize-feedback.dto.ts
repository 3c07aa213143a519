import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FEEDBACK_COMMENT_MAX,
  FEEDBACK_RATINGS,
  FEEDBACK_REASONS,
  type FeedbackRating,
  type FeedbackReason,
  type PersonalizeFeedbackRequest,
  type PersonalizeFeedbackSummary,
} from '@lectern/api-types';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class PersonalizeFeedbackDto implements PersonalizeFeedbackRequest {
  @ApiProperty({ example: 'the-embodiment-hypothesis' })
  @IsString({ message: 'lessonSlug must be a string' })
  @MaxLength(160, { message: 'lessonSlug is at most 160 characters' })
  @Matches(SLUG, { message: 'lessonSlug must be a lesson slug (lowercase letters, digits and dashes)' })
  lessonSlug!: string;

  @ApiProperty({ enum: FEEDBACK_RATINGS })
  @IsIn(FEEDBACK_RATINGS, { message: `rating must be one of: ${FEEDBACK_RATINGS.join(', ')}` })
  rating!: FeedbackRating;

  @ApiPropertyOptional({ enum: FEEDBACK_REASONS })
  @IsOptional()
  @IsIn(FEEDBACK_REASONS, { message: `reason must be one of: ${FEEDBACK_REASONS.join(', ')}` })
  reason?: FeedbackReason;

  @ApiPropertyOptional({ maxLength: FEEDBACK_COMMENT_MAX })
  @IsOptional()
  @IsString({ message: 'comment must be a string' })
  @MaxLength(FEEDBACK_COMMENT_MAX, { message: `comment is at most ${FEEDBACK_COMMENT_MAX} characters` })
  comment?: string;
}

export class PersonalizeFeedbackSummaryDto implements PersonalizeFeedbackSummary {
  @ApiProperty() lessonSlug!: string;
  @ApiProperty() promptVersion!: number;
  @ApiProperty() ups!: number;
  @ApiProperty() downs!: number;
  @ApiProperty({ description: 'How many "down" ratings gave each reason', example: { inaccurate: 2 } })
  reasons!: Partial<Record<FeedbackReason, number>>;
}
