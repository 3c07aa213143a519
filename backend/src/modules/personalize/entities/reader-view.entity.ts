import type { ReaderView } from '@lectern/api-types';
import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * How a learner reads lessons (Original or Personalized). Kept beside the
 * preferences but in a table of its own: it is no answer, never part of the
 * preferences hash, so it never splits the shared rewrite cache.
 */
@Entity({ name: 'learner_reader_view' })
export class ReaderViewEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  @ForeignKey('users', 'id', { onDelete: 'CASCADE' })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  view!: ReaderView;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
