import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TUTOR_ACTIONS, TUTOR_CONTENT_MAX_LENGTH, TUTOR_SELECTION_MAX_LENGTH, type TutorAction } from '@lectern/api-types';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = 'lessonSlug must be a lesson slug (lowercase letters, digits and dashes)';

export class CreateThreadDto {
  @ApiPropertyOptional({ example: 'the-embodiment-hypothesis', description: 'The lesson the thread is opened from (steers retrieval)' })
  @IsOptional()
  @IsString()
  @MaxLength(160)
  @Matches(SLUG, { message: SLUG_MESSAGE })
  lessonSlug?: string;
}

export class SelectionDto {
  @ApiProperty({ example: 'how-robots-sense' })
  @IsString()
  @MaxLength(160)
  @Matches(SLUG, { message: SLUG_MESSAGE })
  lessonSlug!: string;

  @ApiProperty({ maxLength: TUTOR_SELECTION_MAX_LENGTH })
  @IsString({ message: 'selection.text must be a string' })
  @IsNotEmpty({ message: 'selection.text must not be empty' })
  @MaxLength(TUTOR_SELECTION_MAX_LENGTH, { message: `selection.text is at most ${TUTOR_SELECTION_MAX_LENGTH} characters` })
  text!: string;

  @ApiPropertyOptional({ description: 'The anchor of the heading above the selection' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  anchor?: string;
}

export class PostMessageDto {
  @ApiProperty({ minLength: 1, maxLength: TUTOR_CONTENT_MAX_LENGTH, example: 'What is a digital twin?' })
  @IsString({ message: 'content must be a string' })
  @MinLength(1, { message: 'content must not be empty' })
  @MaxLength(TUTOR_CONTENT_MAX_LENGTH, { message: `content is at most ${TUTOR_CONTENT_MAX_LENGTH} characters` })
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;

  @ApiPropertyOptional({ enum: TUTOR_ACTIONS, default: 'ask' })
  @IsOptional()
  @IsIn(TUTOR_ACTIONS, { message: `action must be one of ${TUTOR_ACTIONS.join(', ')}` })
  action?: TutorAction;

  @ApiPropertyOptional({ type: SelectionDto })
  @IsOptional()
  @IsObject({ message: 'selection must be an object' })
  @ValidateNested()
  @Type(() => SelectionDto)
  selection?: SelectionDto;
}
