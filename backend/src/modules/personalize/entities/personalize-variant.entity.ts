import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** `lessonSlug` of the row that applies to every lesson of the learner. */
export const ALL_LESSONS = '*';

/**
 * A learner's own rewrites: after "drop my rewrite" the learner's key points
 * to `variant` (a random tag) instead of the shared row, so regenerating
 * never deletes what other learners with the same answers read.
 */
@Entity({ name: 'personalize_variants' })
export class PersonalizeVariantEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  /** One lesson, or ALL_LESSONS. */
  @PrimaryColumn({ name: 'lesson_slug', type: 'varchar', length: 160 })
  lessonSlug!: string;

  @Column({ type: 'varchar', length: 32 })
  variant!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
