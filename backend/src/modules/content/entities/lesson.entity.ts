import type { LearningGoal } from '@lectern/api-types';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LessonType } from '@lectern/importer';
import { BookEntity } from './book.entity';
import { ChapterEntity } from './chapter.entity';

export interface LessonHeading {
  level: number;
  text: string;
  id: string;
}

/**
 * A lesson's structure and the hash of its text. The text itself lives in
 * the content store under `storage_key`, addressed by `content_hash`.
 */
@Entity({ name: 'lessons' })
@Index('idx_lessons_chapter', ['chapterId'])
@Index('idx_lessons_book_position', ['bookId', 'position'])
export class LessonEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 160, unique: true })
  slug!: string;

  @Column({ name: 'book_id', type: 'uuid' })
  bookId!: string;

  @ManyToOne(() => BookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'book_id' })
  book?: BookEntity;

  @Column({ name: 'chapter_id', type: 'uuid' })
  chapterId!: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: ChapterEntity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  /** Reading order across the whole book, 1-based. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 16 })
  type!: LessonType;

  /** The lesson's layer id; null in a book without layers. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  layer!: string | null;

  @Column({ name: 'estimated_minutes', type: 'integer' })
  estimatedMinutes!: number;

  /** Lesson slugs this one needs first. */
  @Column({ type: 'varchar', length: 160, array: true, default: () => "'{}'" })
  prerequisites!: string[];

  @Column({ type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  goals!: LearningGoal[];

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'storage_key', type: 'varchar', length: 200 })
  storageKey!: string;

  @Column({ name: 'word_count', type: 'integer', default: 0 })
  wordCount!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  headings!: LessonHeading[];

  /** Labels of the nested groups (deeper than the chapter) the lesson sits in, outermost first. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  groups!: string[];

  @Column({ name: 'source_path', type: 'varchar', length: 500, default: '' })
  sourcePath!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
