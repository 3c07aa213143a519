import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  AI_ML_EXPERIENCE,
  EDUCATION_LEVELS,
  LEARNING_GOALS,
  PREFERRED_LANGUAGES,
  PROGRAMMING_EXPERIENCE,
  type AiMlExperience,
  type EducationLevel,
  type LearningGoal,
  type OnboardingAnswers,
  type PreferredLanguage,
  type ProgrammingExperience,
} from '@lectern/api-types';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsIn, IsOptional } from 'class-validator';

const oneOf = (field: string, values: readonly string[]) => ({ message: `${field} must be one of: ${values.join(', ')}` });
const required = (field: string) => ({ message: `${field} is required` });

/**
 * The six answers of POST /api/onboarding. Unknown fields are rejected by the
 * global pipe; preferredLanguage may be omitted (the service defaults it to en).
 */
export class OnboardingAnswersDto implements Omit<OnboardingAnswers, 'preferredLanguage'> {
  @ApiProperty({ enum: EDUCATION_LEVELS })
  @IsDefined(required('educationLevel'))
  @IsIn(EDUCATION_LEVELS, oneOf('educationLevel', EDUCATION_LEVELS))
  educationLevel!: EducationLevel;

  @ApiProperty({ enum: PROGRAMMING_EXPERIENCE })
  @IsDefined(required('programmingExperience'))
  @IsIn(PROGRAMMING_EXPERIENCE, oneOf('programmingExperience', PROGRAMMING_EXPERIENCE))
  programmingExperience!: ProgrammingExperience;

  @ApiProperty()
  @IsDefined(required('roboticsBackground'))
  @IsBoolean({ message: 'roboticsBackground must be true or false' })
  roboticsBackground!: boolean;

  @ApiProperty({ enum: AI_ML_EXPERIENCE })
  @IsDefined(required('aiMlExperience'))
  @IsIn(AI_ML_EXPERIENCE, oneOf('aiMlExperience', AI_ML_EXPERIENCE))
  aiMlExperience!: AiMlExperience;

  @ApiProperty({ enum: LEARNING_GOALS, isArray: true, minItems: 1, maxItems: LEARNING_GOALS.length })
  @IsDefined(required('learningGoals'))
  @IsArray({ message: 'learningGoals must be a list of goals' })
  @ArrayMinSize(1, { message: 'learningGoals needs at least one goal' })
  @ArrayMaxSize(LEARNING_GOALS.length, { message: `learningGoals takes at most ${LEARNING_GOALS.length} goals` })
  @ArrayUnique({ message: 'learningGoals must not repeat a goal' })
  @IsIn(LEARNING_GOALS, { each: true, message: `each of learningGoals must be one of: ${LEARNING_GOALS.join(', ')}` })
  learningGoals!: LearningGoal[];

  @ApiPropertyOptional({ enum: PREFERRED_LANGUAGES, default: 'en' })
  @IsOptional()
  @IsIn(PREFERRED_LANGUAGES, oneOf('preferredLanguage', PREFERRED_LANGUAGES))
  preferredLanguage?: PreferredLanguage;
}

/** PUT /api/user/preferences: any subset of the six answers. */
export class UpdatePreferencesDto extends PartialType(OnboardingAnswersDto) {}
