import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HEARTBEAT_MAX_SECONDS, HEARTBEAT_MIN_SECONDS, type LessonTimeRequest, type StartLessonRequest } from '@lectern/api-types';
import { IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * A heading anchor id as the content module makes them (GitHub-style slugs:
 * letters, combining marks, digits, `_`-like connectors and dashes), so
 * headings in Urdu or with diacritics are accepted too.
 */
export const SECTION_ANCHOR = /^[\p{L}\p{M}\p{N}\p{Pc}-]+$/u;
export const SECTION_MAX_LENGTH = 200;

const SECTION_DOC = {
  description: 'Anchor id of the heading the learner is at',
  example: 'how-a-robot-senses',
  maxLength: SECTION_MAX_LENGTH,
};

/** POST …/start: the body is optional (an empty body starts the lesson). */
export class StartLessonDto implements StartLessonRequest {
  @ApiPropertyOptional(SECTION_DOC)
  @IsOptional()
  @IsString({ message: 'section must be a heading anchor id (a string)' })
  @MaxLength(SECTION_MAX_LENGTH, { message: `section is at most ${SECTION_MAX_LENGTH} characters` })
  @Matches(SECTION_ANCHOR, { message: 'section must be a heading anchor id (letters, digits, dashes and underscores)' })
  section?: string;
}

/** PUT …/time: one reading heartbeat. */
export class LessonTimeDto extends StartLessonDto implements LessonTimeRequest {
  @ApiProperty({
    minimum: HEARTBEAT_MIN_SECONDS,
    maximum: HEARTBEAT_MAX_SECONDS,
    example: 30,
    description: 'Whole seconds read since the last heartbeat',
  })
  @IsDefined({ message: 'seconds is required' })
  @IsInt({ message: 'seconds must be a whole number' })
  @Min(HEARTBEAT_MIN_SECONDS, { message: `seconds must be between ${HEARTBEAT_MIN_SECONDS} and ${HEARTBEAT_MAX_SECONDS}` })
  @Max(HEARTBEAT_MAX_SECONDS, { message: `seconds must be between ${HEARTBEAT_MIN_SECONDS} and ${HEARTBEAT_MAX_SECONDS}` })
  seconds!: number;
}
