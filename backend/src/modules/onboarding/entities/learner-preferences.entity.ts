import type { AiMlExperience, EducationLevel, LearningGoal, PreferredLanguage, ProgrammingExperience } from '@lectern/api-types';
import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A learner's six answers and the hash that keys personalization on them. */
@Entity({ name: 'learner_preferences' })
export class LearnerPreferencesEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  @Column({ name: 'education_level', type: 'varchar', length: 32 })
  educationLevel!: EducationLevel;

  @Column({ name: 'programming_experience', type: 'varchar', length: 32 })
  programmingExperience!: ProgrammingExperience;

  @Column({ name: 'robotics_background', type: 'boolean' })
  roboticsBackground!: boolean;

  @Column({ name: 'ai_ml_experience', type: 'varchar', length: 32 })
  aiMlExperience!: AiMlExperience;

  /** Stored sorted, without duplicates. */
  @Column({ name: 'learning_goals', type: 'varchar', length: 32, array: true })
  learningGoals!: LearningGoal[];

  @Column({ name: 'preferred_language', type: 'varchar', length: 8 })
  preferredLanguage!: PreferredLanguage;

  @Column({ name: 'questionnaire_version', type: 'integer' })
  questionnaireVersion!: number;

  @Index('idx_learner_preferences_hash')
  @Column({ name: 'preferences_hash', type: 'char', length: 64 })
  preferencesHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
