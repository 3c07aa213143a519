import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BookEntity } from './book.entity';
import { PartEntity } from './part.entity';

@Entity({ name: 'chapters' })
@Index('uq_chapters_book_number', ['bookId', 'number'], { unique: true })
export class ChapterEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'book_id', type: 'uuid' })
  bookId!: string;

  @ManyToOne(() => BookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'book_id' })
  book?: BookEntity;

  @Column({ name: 'part_id', type: 'uuid' })
  partId!: string;

  @ManyToOne(() => PartEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'part_id' })
  part?: PartEntity;

  /** Global chapter number, unique in the book. */
  @Column({ type: 'integer' })
  number!: number;

  @Column({ name: 'local_number', type: 'integer' })
  localNumber!: number;

  @Column({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  /** Slug of the chapter's own overview page (its first lesson). */
  @Column({ type: 'varchar', length: 160, nullable: true })
  overview!: string | null;

  /** Global numbers of the chapters this one needs first. */
  @Column({ type: 'integer', array: true, default: () => "'{}'" })
  prerequisites!: number[];
}
