import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  LESSON_STATUSES,
  type ChapterProgressDto,
  type LessonProgressDto,
  type LessonStatus,
  type LessonStatusDto,
  type PartProgressDto,
  type ProgressSummaryDto,
  type ResumeDto,
  type StoredLessonStatus,
} from '@lectern/api-types';

// OpenAPI descriptions of the progress responses (the types live in @lectern/api-types).

export class LessonProgressResponse implements LessonProgressDto {
  @ApiProperty() lessonSlug!: string;
  @ApiProperty({ enum: LESSON_STATUSES }) status!: LessonStatus;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'First opened; starting again keeps it' })
  startedAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'First completed; completing again keeps it' })
  completedAt!: string | null;
  @ApiProperty() timeSpentSeconds!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Anchor id of the heading the learner was last at' })
  lastSection!: string | null;
}

export class ResumeResponse implements ResumeDto {
  @ApiProperty() lessonSlug!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Heading anchor id to scroll to' }) section!: string | null;
}

export class ChapterProgressResponse implements ChapterProgressDto {
  @ApiProperty({ description: 'Global chapter number' }) number!: number;
  @ApiProperty() title!: string;
  @ApiProperty() totalLessons!: number;
  @ApiProperty() completedLessons!: number;
  @ApiProperty() inProgressLessons!: number;
  @ApiProperty({ description: '0..100, one decimal' }) completionPercentage!: number;
}

export class PartProgressResponse implements PartProgressDto {
  @ApiProperty() number!: number;
  @ApiProperty() title!: string;
  @ApiProperty() totalLessons!: number;
  @ApiProperty() completedLessons!: number;
  @ApiProperty() inProgressLessons!: number;
  @ApiProperty({ description: '0..100, one decimal' }) completionPercentage!: number;
  @ApiProperty({ type: [ChapterProgressResponse] }) chapters!: ChapterProgressResponse[];
}

export class LessonStatusResponse implements LessonStatusDto {
  @ApiProperty() lessonSlug!: string;
  @ApiProperty({ enum: ['in_progress', 'completed'] }) status!: StoredLessonStatus;
}

export class ProgressSummaryResponse implements ProgressSummaryDto {
  @ApiProperty({ description: 'Lessons in the current book' }) totalLessons!: number;
  @ApiProperty() completedLessons!: number;
  @ApiProperty() inProgressLessons!: number;
  @ApiProperty({ description: '0..100, one decimal' }) completionPercentage!: number;
  @ApiProperty() totalTimeSpentSeconds!: number;
  @ApiPropertyOptional({ type: ResumeResponse, nullable: true, description: 'The most recently touched lesson still in progress' })
  resume!: ResumeResponse | null;
  @ApiProperty({ type: [PartProgressResponse] }) parts!: PartProgressResponse[];
  @ApiProperty({ type: [LessonStatusResponse], description: 'Lessons started or completed, in reading order (check marks)' })
  lessons!: LessonStatusResponse[];
}
