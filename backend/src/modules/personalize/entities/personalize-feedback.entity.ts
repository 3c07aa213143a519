import type { FeedbackRating, FeedbackReason } from '@lectern/api-types';
import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A learner's verdict on one rewrite, named by the rewrite's key (so it
 * outlives the cached row, which is dropped on Regenerate or purged when the
 * lesson changes). One per learner per rewrite: sending again replaces it.
 */
@Entity({ name: 'personalize_feedback' })
@Index('uq_personalize_feedback', ['userId', 'lessonSlug', 'contentHash', 'preferencesHash', 'promptVersion', 'model'], { unique: true })
@Index('idx_personalize_feedback_lesson', ['lessonSlug', 'promptVersion'])
export class PersonalizeFeedbackEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  @Column({ name: 'lesson_slug', type: 'varchar', length: 160 })
  lessonSlug!: string;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'preferences_hash', type: 'char', length: 64 })
  preferencesHash!: string;

  @Column({ name: 'prompt_version', type: 'integer' })
  promptVersion!: number;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ type: 'varchar', length: 8 })
  rating!: FeedbackRating;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: FeedbackReason | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
