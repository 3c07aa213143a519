import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  SEARCH_LAYERS,
  SEARCH_LIMIT_DEFAULT,
  SEARCH_LIMIT_MAX,
  SEARCH_QUERY_MAX_LENGTH,
  type SearchLayer,
  type SearchMode,
  type SearchRequest,
  type SearchResponse,
  type SearchResult,
} from '@lectern/api-types';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class SearchRequestDto implements SearchRequest {
  @ApiProperty({
    example: 'how do robots keep their balance',
    description: `1–${SEARCH_QUERY_MAX_LENGTH} characters after trimming; web-search syntax ("quoted phrase", -exclude, or)`,
  })
  // class-validator runs the decorators nearest the property first (stopAtFirstError shows only that one).
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(SEARCH_QUERY_MAX_LENGTH, { message: `query must be at most ${SEARCH_QUERY_MAX_LENGTH} characters` })
  @MinLength(1, { message: 'query must not be empty' })
  @IsString({ message: 'query must be a string' })
  query!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_LIMIT_MAX, default: SEARCH_LIMIT_DEFAULT })
  @IsOptional()
  @Max(SEARCH_LIMIT_MAX, { message: `limit must be between 1 and ${SEARCH_LIMIT_MAX}` })
  @Min(1, { message: `limit must be between 1 and ${SEARCH_LIMIT_MAX}` })
  @IsInt({ message: 'limit must be a whole number' })
  limit?: number;

  @ApiPropertyOptional({ enum: SEARCH_LAYERS, description: 'Only lessons of this layer' })
  @IsOptional()
  @IsIn(SEARCH_LAYERS, { message: `layer must be one of ${SEARCH_LAYERS.join(', ')}` })
  layer?: SearchLayer;

  @ApiPropertyOptional({ example: 'ros2-fundamentals', description: 'Only lessons of this part' })
  @IsOptional()
  @Matches(SLUG, { message: 'partSlug must be a part slug (lowercase letters, digits and dashes)' })
  @MaxLength(120, { message: 'partSlug is at most 120 characters' })
  @IsString({ message: 'partSlug must be a string' })
  partSlug?: string;
}

export class SearchResultResponse implements SearchResult {
  @ApiProperty({ example: 'digital-ai-vs-physical-ai' }) lessonSlug!: string;
  @ApiProperty({ example: 'Digital AI vs Physical AI' }) lessonTitle!: string;
  @ApiProperty({ example: 'A tiny closed loop', description: "The nearest heading above the passage ('' for the introduction)" })
  heading!: string;
  @ApiProperty({
    example: 'a-tiny-closed-loop',
    description: "The heading's anchor id: /lessons/{lessonSlug}#{anchor} ('' for the introduction)",
  })
  anchor!: string;
  @ApiProperty({ description: 'Plain text, HTML-escaped, matches wrapped in <mark>…</mark>: safe to insert as HTML' }) snippet!: string;
  @ApiProperty({ description: 'Reciprocal-rank-fusion score; higher is better, comparable within one response' }) score!: number;
}

export class SearchResponseDto implements SearchResponse {
  @ApiProperty({
    enum: ['hybrid', 'fulltext'],
    description: 'hybrid: full-text fused with vector similarity; fulltext: no embeddings available for this query',
  })
  mode!: SearchMode;
  @ApiProperty({ type: [SearchResultResponse], description: 'Best first; a lesson appears at most twice' })
  results!: SearchResultResponse[];
}
