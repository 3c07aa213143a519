import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One searchable passage of a lesson (see chunker/). Title, layer and part are
 * copied from the lesson so a search filters and ranks from this table alone;
 * the rows go with the lesson (foreign key to the content's `lessons` table by
 * name, ON DELETE CASCADE; no content entity is imported). Written with
 * raw SQL only (search.sql.ts), which also computes `tsv`.
 */
@Entity({ name: 'lesson_chunks' })
@Index('uq_lesson_chunks_position', ['lessonSlug', 'position'], { unique: true })
@Index('idx_lesson_chunks_hash', ['chunkHash'])
@Index('idx_lesson_chunks_tsv', ['tsv'], { type: 'gin' })
export class LessonChunkEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'lesson_slug', type: 'varchar', length: 160 })
  @ForeignKey('lessons', 'slug', { onDelete: 'CASCADE' })
  lessonSlug!: string;

  /** 0-based order within the lesson. */
  @Column({ type: 'integer' })
  position!: number;

  /** Headings above the passage, outermost first. */
  @Column({ name: 'heading_path', type: 'text', array: true })
  headingPath!: string[];

  /** The nearest heading ('' for the lesson's introduction). */
  @Column({ type: 'text' })
  heading!: string;

  /** Its anchor id as rendered ('' for the introduction). */
  @Column({ type: 'text' })
  anchor!: string;

  @Column({ type: 'text' })
  text!: string;

  /** SHA-256 of lesson title + heading path + text: the key of its embedding. */
  @Column({ name: 'chunk_hash', type: 'char', length: 64 })
  chunkHash!: string;

  @Column({ name: 'token_count', type: 'integer' })
  tokenCount!: number;

  @Column({ name: 'lesson_title', type: 'varchar', length: 300 })
  lessonTitle!: string;

  @Column({ type: 'varchar', length: 8 })
  layer!: string;

  @Column({ name: 'part_slug', type: 'varchar', length: 120 })
  partSlug!: string;

  /** setweight(title,'A') || setweight(heading path,'B') || setweight(text,'C'), english; computed on insert. */
  @Column({ type: 'tsvector', select: false })
  tsv!: string;
}
