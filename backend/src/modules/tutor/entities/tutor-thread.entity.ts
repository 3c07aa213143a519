import { LessonEntity } from '@lectern/content';
import { UserEntity } from '@lectern/users';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A learner's conversation with the tutor. Goes with the learner (ON DELETE CASCADE); a removed lesson leaves the thread without one. */
@Entity({ name: 'tutor_threads' })
@Index('idx_tutor_threads_user_updated', ['userId', 'updatedAt'])
export class TutorThreadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** The first question, shortened; "New thread" until there is one. */
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** The lesson the thread was opened from (steers retrieval), if any. */
  @Column({ name: 'lesson_slug', type: 'varchar', length: 160, nullable: true })
  lessonSlug!: string | null;

  @ManyToOne(() => LessonEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'lesson_slug', referencedColumnName: 'slug' })
  lesson?: LessonEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
