import type { TutorAction, TutorCitation, TutorMessageRole, TutorMessageStatus, TutorSelection } from '@lectern/api-types';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TutorThreadEntity } from './tutor-thread.entity';

/**
 * One turn of a thread: the learner's question (`user`, completed at once) or
 * the tutor's answer (`assistant`, written by the worker: queued → active →
 * completed | failed). Citations are stored with the answer: the sections it
 * cites, with the number `[n]` the answer uses for each.
 */
@Entity({ name: 'tutor_messages' })
@Index('idx_tutor_messages_thread_created', ['threadId', 'createdAt'])
export class TutorMessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @ManyToOne(() => TutorThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id' })
  thread?: TutorThreadEntity;

  @Column({ type: 'varchar', length: 16 })
  role!: TutorMessageRole;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: TutorMessageStatus;

  /** What the learner asked for (user messages). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  action!: TutorAction | null;

  /** The passage the learner selected (user messages). */
  @Column({ type: 'jsonb', nullable: true })
  selection!: TutorSelection | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  citations!: TutorCitation[];

  /** Assistant messages: whether the book covered the question (null until answered). */
  @Column({ type: 'boolean', nullable: true })
  covered!: boolean | null;

  @Column({ name: 'prompt_version', type: 'integer', nullable: true })
  promptVersion!: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ name: 'prompt_tokens', type: 'integer', default: 0 })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer', default: 0 })
  completionTokens!: number;

  /** Why the answer failed (for operators; the learner sees a fixed message). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
