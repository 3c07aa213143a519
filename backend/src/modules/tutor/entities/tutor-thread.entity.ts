import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A learner's conversation with the tutor. Goes with the learner (ON DELETE CASCADE); a removed lesson leaves the thread without one. */
@Entity({ name: 'tutor_threads' })
@Index('idx_tutor_threads_user_updated', ['userId', 'updatedAt'])
export class TutorThreadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  /** The first question, shortened; "New thread" until there is one. */
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** The lesson the thread was opened from (steers retrieval), if any. */
  @Column({ name: 'lesson_slug', type: 'varchar', length: 160, nullable: true })
  @ForeignKey('lessons', 'slug', { onDelete: 'SET NULL' })
  lessonSlug!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
