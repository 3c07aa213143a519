import { ApiProperty } from '@nestjs/swagger';
import {
  AI_ML_EXPERIENCE,
  EDUCATION_LEVELS,
  LEARNING_GOALS,
  PREFERRED_LANGUAGES,
  PROGRAMMING_EXPERIENCE,
  type AiMlExperience,
  type EducationLevel,
  type LearningGoal,
  type OnboardingResponse,
  type PreferencesDto,
  type PreferredLanguage,
  type ProgrammingExperience,
  type Question,
  type QuestionOption,
} from '@lectern/api-types';
import type { LearnerPreferencesEntity } from '../entities/learner-preferences.entity';

export class PreferencesResponse implements PreferencesDto {
  @ApiProperty({ enum: EDUCATION_LEVELS }) educationLevel!: EducationLevel;
  @ApiProperty({ enum: PROGRAMMING_EXPERIENCE }) programmingExperience!: ProgrammingExperience;
  @ApiProperty() roboticsBackground!: boolean;
  @ApiProperty({ enum: AI_ML_EXPERIENCE }) aiMlExperience!: AiMlExperience;
  @ApiProperty({ enum: LEARNING_GOALS, isArray: true }) learningGoals!: LearningGoal[];
  @ApiProperty({ enum: PREFERRED_LANGUAGES }) preferredLanguage!: PreferredLanguage;
  @ApiProperty({ description: 'SHA-256 of the canonical answers + questionnaire version' }) preferencesHash!: string;
  @ApiProperty() questionnaireVersion!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(row: LearnerPreferencesEntity): PreferencesResponse {
    return Object.assign(new PreferencesResponse(), {
      educationLevel: row.educationLevel,
      programmingExperience: row.programmingExperience,
      roboticsBackground: row.roboticsBackground,
      aiMlExperience: row.aiMlExperience,
      learningGoals: [...row.learningGoals],
      preferredLanguage: row.preferredLanguage,
      preferencesHash: row.preferencesHash,
      questionnaireVersion: row.questionnaireVersion,
      updatedAt: row.updatedAt.toISOString(),
    });
  }
}

export class OnboardingResponseDto implements OnboardingResponse {
  @ApiProperty({ type: PreferencesResponse }) preferences!: PreferencesResponse;
  @ApiProperty({ enum: [true] }) onboardingCompleted!: true;
}

export class QuestionOptionDto implements QuestionOption {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'boolean' }] }) value!: string | boolean;
  @ApiProperty() label!: string;
  @ApiProperty({ required: false }) hint?: string;
}

export class QuestionDto implements Question {
  @ApiProperty() id!: Question['id'];
  @ApiProperty() text!: string;
  @ApiProperty() help!: string;
  @ApiProperty({ enum: ['single', 'multi'] }) kind!: 'single' | 'multi';
  @ApiProperty({ type: [QuestionOptionDto] }) options!: QuestionOptionDto[];
  @ApiProperty() required!: boolean;
  @ApiProperty({ required: false }) minSelected?: number;
  @ApiProperty({ required: false, oneOf: [{ type: 'string' }, { type: 'boolean' }] }) default?: string | boolean;
}
