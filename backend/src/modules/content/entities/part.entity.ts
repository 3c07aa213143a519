import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BookEntity } from './book.entity';

@Entity({ name: 'parts' })
@Index('uq_parts_book_number', ['bookId', 'number'], { unique: true })
export class PartEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'book_id', type: 'uuid' })
  bookId!: string;

  @ManyToOne(() => BookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'book_id' })
  book?: BookEntity;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  /** A layer id (`L1`) or a range (`L2-L3`); null in a book without layers. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  layer!: string | null;

  /** Not a part of the source (top-level docs, a book without part folders): the reader shows no part title. */
  @Column({ type: 'boolean', default: false })
  implicit!: boolean;

  /** Slug of the part's own overview page. */
  @Column({ type: 'varchar', length: 160, nullable: true })
  overview!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  weeks!: string | null;

  @Column({ name: 'transition_check', type: 'text', nullable: true })
  transitionCheck!: string | null;
}
