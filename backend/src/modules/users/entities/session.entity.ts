import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * A server-side session: what a learner's bearer token stands for. Only the
 * token's SHA-256 is stored, so a copy of this table opens no session.
 * Revoking sets `revoked_at` (the row stays until the user is deleted, so a
 * revoked legacy signed token cannot be mapped to a new session again).
 */
@Entity({ name: 'sessions' })
@Index('idx_sessions_user', ['userId'])
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** hex SHA-256 of the bearer token; the one indexed lookup of a session check. */
  @Index('uq_sessions_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** anonymous | account | legacy (a pre-session signed token, mapped on first use). */
  @Column({ type: 'varchar', length: 16 })
  kind!: 'anonymous' | 'account' | 'legacy';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', default: () => 'now()' })
  lastUsedAt!: Date;

  /** Sliding: moved forward as the session is used. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
