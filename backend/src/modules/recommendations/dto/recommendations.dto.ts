import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  RECOMMENDATIONS_DEFAULT_LIMIT,
  RECOMMENDATIONS_MAX_LIMIT,
  type LessonType,
  type RecommendationDto,
  type RecommendationsResponse,
  type RecommendedLessonDto,
} from '@lectern/api-types';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const LIMIT_MESSAGE = `limit must be a whole number between 1 and ${RECOMMENDATIONS_MAX_LIMIT}`;

/** GET /api/progress/recommendations?limit= (query values arrive as strings; this one is converted explicitly). */
export class RecommendationsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: RECOMMENDATIONS_MAX_LIMIT, default: RECOMMENDATIONS_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(RECOMMENDATIONS_MAX_LIMIT, { message: LIMIT_MESSAGE })
  limit?: number;
}

export class RecommendedLessonResponse implements RecommendedLessonDto {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'L2', nullable: true, type: String, description: 'Null when the book declares no layers' }) layer!: string | null;
  @ApiProperty({ enum: ['lesson', 'lab', 'summary'] }) type!: LessonType;
  @ApiProperty() estimatedMinutes!: number;
}

export class RecommendationResponse implements RecommendationDto {
  @ApiProperty({ type: RecommendedLessonResponse }) lesson!: RecommendedLessonResponse;
  @ApiProperty() chapterTitle!: string;
  @ApiProperty() partTitle!: string;
  @ApiProperty({ description: 'Higher first; the hundreds are the tier (3xx continue, 2xx open now, 1xx later for you)' }) score!: number;
  @ApiProperty({
    type: [String],
    example: ['Next in Chapter 2: Sensors, Actuators & the Humanoid Body Plan', 'Matches your goal: building projects'],
    description:
      "Why it was chosen, in plain words and the learner's language (English or Urdu); the first says where it is in the book; never empty",
  })
  reasons!: string[];
}

export class RecommendationsResponseDto implements RecommendationsResponse {
  @ApiProperty({ type: [RecommendationResponse] }) recommendations!: RecommendationResponse[];
  @ApiProperty({ description: 'How many lessons could be recommended now (before limit)' }) total!: number;
}
