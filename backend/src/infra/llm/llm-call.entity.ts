import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One request to the LLM provider: what it cost and how it went. */
@Entity({ name: 'llm_calls' })
@Index('idx_llm_calls_created', ['createdAt'])
export class LlmCallEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  /** What the call was for, e.g. `personalize`. */
  @Column({ type: 'varchar', length: 32 })
  purpose!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 200, nullable: true })
  jobId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: 'ok' | 'error';

  @Column({ name: 'prompt_tokens', type: 'integer', default: 0 })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer', default: 0 })
  completionTokens!: number;

  @Column({ name: 'cost_usd', type: 'numeric', precision: 12, scale: 6, default: 0 })
  costUsd!: string;

  @Column({ name: 'duration_ms', type: 'integer', default: 0 })
  durationMs!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
