import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobState = 'queued' | 'active' | 'completed' | 'failed';

/**
 * A job's last known state, kept in PostgreSQL so it survives Redis
 * retention and a Redis flush. Written when a job starts and when it ends.
 */
@Entity({ name: 'job_runs' })
@Index('idx_job_runs_queue_state', ['queue', 'state'])
export class JobRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  queue!: string;

  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 200 })
  jobId!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: JobState;

  @Column({ type: 'smallint', default: 0 })
  progress!: number;

  @Column({ name: 'attempts_made', type: 'integer', default: 0 })
  attemptsMade!: number;

  @Column({ name: 'failed_reason', type: 'text', nullable: true })
  failedReason!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
