import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LayerDef } from '@lectern/importer';

/** The imported book. Lectern serves one book; a sync of another book replaces it. */
@Entity({ name: 'books' })
export class BookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 120, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 40 })
  version!: string;

  /** The book's ordered levels with their labels, e.g. [{ id: 'L1', label: 'Conceptual foundations' }]. */
  @Column({ type: 'jsonb' })
  layers!: LayerDef[];

  /** Terms a rewrite keeps as written (book.yaml / lectern.yaml `glossary:`). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  glossary!: string[];

  @Column({ name: 'source_format', type: 'varchar', length: 16 })
  sourceFormat!: 'lectern' | 'docusaurus';

  /** Bumped by every sync that changed anything: caches of the tree key on it. */
  @Column({ name: 'content_version', type: 'integer', default: 1 })
  contentVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
