import type { StoredLessonStatus } from '@lectern/api-types';
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * One learner's progress in one lesson; no row means "not started". Unique on
 * (learner, lesson), so every write is one `INSERT … ON CONFLICT … DO UPDATE`.
 *
 * Both foreign keys cascade: a deleted learner takes their progress along, and
 * a lesson removed from the book by a content sync takes every learner's
 * progress in it along too, so summaries never count lessons that no longer
 * exist (re-adding the lesson later starts it afresh). The keys name the
 * other domains' tables only (`users`, `lessons`): no entity of theirs is
 * imported, and nothing here joins them; lessons are read through ContentService.
 */
@Entity({ name: 'lesson_progress' })
@Index('uq_lesson_progress_user_lesson', ['userId', 'lessonSlug'], { unique: true })
// "Continue where you left off": a learner's most recently touched lessons. The migration creates it
// on (user_id, updated_at DESC); @Index cannot express the order and the drift check compares columns only.
@Index('idx_lesson_progress_user_updated', ['userId', 'updatedAt'])
// Serves the cascade when a lesson is removed (without it, every removal scans the table).
@Index('idx_lesson_progress_lesson', ['lessonSlug'])
export class LessonProgressEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  @Column({ name: 'lesson_slug', type: 'varchar', length: 160 })
  @ForeignKey('lessons', 'slug', { onDelete: 'CASCADE' })
  lessonSlug!: string;

  /** in_progress | completed (a missing row is not_started). */
  @Column({ type: 'varchar', length: 16 })
  status!: StoredLessonStatus;

  /** When the lesson was first opened; never moves once set. */
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  /** When it was first marked complete; completing again keeps it. */
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** Sum of the reading heartbeats, in seconds. */
  @Column({ name: 'time_spent_seconds', type: 'integer', default: 0 })
  timeSpentSeconds!: number;

  /**
   * Up to when reading time has been credited: a heartbeat claiming `seconds`
   * is credited only for the part of the last `seconds` after this instant
   * (plus a small allowance), so replays and bursts add nothing. Null until
   * the first heartbeat (started_at counts then).
   */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  /**
   * Which Redis heartbeat buffer this row last took credit from, and how much
   * of its credit is in time_spent_seconds: a flush adds only the difference,
   * so running one twice (a flush cut short and redone) never counts twice.
   */
  @Column({ name: 'beats_epoch', type: 'uuid', nullable: true })
  beatsEpoch!: string | null;

  @Column({ name: 'beats_applied', type: 'integer', default: 0 })
  beatsApplied!: number;

  /** Anchor id of the heading the learner was last at. */
  @Column({ name: 'last_section', type: 'varchar', length: 200, nullable: true })
  lastSection!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
