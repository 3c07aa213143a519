import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  BookDto,
  ChapterDto,
  ContentSyncAccepted,
  HeadingDto,
  LayerDto,
  LessonDto,
  LessonGroupDto,
  LessonLinkDto,
  LessonSummaryDto,
  LessonType,
  PartDto,
  PartSummaryDto,
} from '@lectern/api-types';
import { LEARNING_GOALS, type LearningGoal } from '@lectern/api-types';

// OpenAPI descriptions of the content responses (the types live in @lectern/api-types).

export class LayerResponse implements LayerDto {
  @ApiProperty({ example: 'L1' }) id!: string;
  @ApiProperty({ example: 'Conceptual foundations' }) label!: string;
}

export class LessonSummaryResponse implements LessonSummaryDto {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Reading order across the book, 1-based' }) position!: number;
  @ApiProperty({ enum: ['lesson', 'lab', 'summary'] }) type!: LessonType;
  @ApiProperty({ type: String, nullable: true, example: 'L2', description: 'null when the book has no layers' }) layer!: string | null;
  @ApiProperty() estimatedMinutes!: number;
}

export class LessonGroupResponse implements LessonGroupDto {
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String], description: 'Slugs of the lessons directly in this group' }) lessons!: string[];
  @ApiProperty({ type: () => [LessonGroupResponse], description: 'Deeper groups' }) groups!: LessonGroupResponse[];
}

export class ChapterResponse implements ChapterDto {
  @ApiProperty({ description: 'Global chapter number' }) number!: number;
  @ApiProperty() localNumber!: number;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() partNumber!: number;
  @ApiProperty({ type: [Number], description: 'Global numbers of the chapters needed first' }) prerequisites!: number[];
  @ApiPropertyOptional({ type: String, nullable: true, description: "Slug of the chapter's own overview page (its first lesson)" }) overview!: string | null;
  @ApiProperty({ type: [LessonSummaryResponse], description: 'Every lesson of the chapter in reading order, those in groups too' }) lessons!: LessonSummaryResponse[];
  @ApiProperty({ type: [LessonGroupResponse], description: 'Nested levels deeper than the chapter ([] when none)' }) groups!: LessonGroupResponse[];
}

export class PartResponse implements PartDto {
  @ApiProperty() number!: number;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Not a part of the source: show no part heading' }) implicit!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: "Slug of the part's own overview page" }) overview!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'L2-L3', description: 'A layer or a range of layers; null when the book has none' }) layer!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) weeks!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) transitionCheck!: string | null;
  @ApiProperty({ type: [ChapterResponse] }) chapters!: ChapterResponse[];
}

export class BookResponse implements BookDto {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ type: [LayerResponse] }) layers!: LayerResponse[];
  @ApiProperty({ type: [String], description: 'Terms a rewrite keeps as written' }) glossary!: string[];
  @ApiProperty({ type: [PartResponse] }) parts!: PartResponse[];
}

export class PartSummaryResponse implements PartSummaryDto {
  @ApiProperty() number!: number;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the book has no layers' }) layer!: string | null;
  @ApiProperty() chapterCount!: number;
  @ApiProperty() lessonCount!: number;
}

export class LessonLinkResponse implements LessonLinkDto {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
}

export class HeadingResponse implements HeadingDto {
  @ApiProperty() level!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Anchor id of the heading in the rendered lesson' }) id!: string;
}

export class LessonResponse implements LessonDto {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['lesson', 'lab', 'summary'] }) type!: LessonType;
  @ApiProperty({ type: String, nullable: true, description: 'null when the book has no layers' }) layer!: string | null;
  @ApiProperty() partNumber!: number;
  @ApiProperty() partTitle!: string;
  @ApiProperty() chapterNumber!: number;
  @ApiProperty() chapterTitle!: string;
  @ApiProperty({ type: [String], description: 'Lesson slugs needed first' }) prerequisites!: string[];
  @ApiProperty({ enum: LEARNING_GOALS, isArray: true }) goals!: LearningGoal[];
  @ApiProperty() estimatedMinutes!: number;
  @ApiProperty({ description: 'SHA-256 of the lesson Markdown' }) contentHash!: string;
  @ApiProperty({
    example: '/api/content/text/3f2a….md',
    description: 'The Markdown at a content-addressed URL: Cache-Control public, max-age=31536000, immutable; a new URL when the text changes',
  })
  contentUrl!: string;
  @ApiProperty({ example: '/lessons/the-embodiment-hypothesis.md', description: 'The current Markdown at a stable URL (ETag)' })
  markdownUrl!: string;
  @ApiProperty({ type: [HeadingResponse] }) headings!: HeadingResponse[];
  @ApiPropertyOptional({ type: LessonLinkResponse, nullable: true }) previous!: LessonLinkResponse | null;
  @ApiPropertyOptional({ type: LessonLinkResponse, nullable: true }) next!: LessonLinkResponse | null;
}

export class ContentSyncAcceptedResponse implements ContentSyncAccepted {
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: '/api/admin/content/sync/42' }) statusUrl!: string;
}
