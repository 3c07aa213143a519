import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { FidelityResult, RewriteCleanup } from '../fidelity';

export interface FidelityRecord {
  passed: boolean;
  failures: string[];
  attempts: number;
  metrics: FidelityResult['metrics'];
  /** What was removed from the model's answer before the check (a wrapping fence, one chatty opening line); absent on rows from before. */
  removed?: RewriteCleanup[];
  /** How many times a cut-off answer (finish_reason "length") was continued. */
  continuations?: number;
}

/**
 * One cached rewrite, shared by every learner with the same answers: unique
 * on (lesson, content hash, preferences hash, prompt version, model,
 * variant). `variant` is '' for the shared row; a learner who asked for a
 * fresh rewrite gets rows of their own variant (see PersonalizeVariantEntity).
 */
@Entity({ name: 'personalized_lessons' })
@Index('uq_personalized_key_variant', ['lessonSlug', 'contentHash', 'preferencesHash', 'promptVersion', 'model', 'variant'], {
  unique: true,
})
@Index('idx_personalized_preferences', ['preferencesHash'])
@Index('idx_personalized_stale', ['staleSince'])
export class PersonalizedLessonEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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

  /** '' for the row every learner with these answers shares; a learner's own regeneration otherwise. */
  @Column({ type: 'varchar', length: 32, default: '' })
  variant!: string;

  @Column({ type: 'text' })
  content!: string;

  /** The fidelity check's verdict on this rewrite (kept with it). */
  @Column({ type: 'jsonb' })
  fidelity!: FidelityRecord;

  @Column({ name: 'prompt_tokens', type: 'integer', default: 0 })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer', default: 0 })
  completionTokens!: number;

  @Column({ name: 'cost_usd', type: 'numeric', precision: 12, scale: 6, default: 0 })
  costUsd!: string;

  @Column({ name: 'generated_at', type: 'timestamptz', default: () => 'now()' })
  generatedAt!: Date;

  /** Set when the lesson's text changed: the row is no longer served and is purged after the grace period. */
  @Column({ name: 'stale_since', type: 'timestamptz', nullable: true })
  staleSince!: Date | null;
}
