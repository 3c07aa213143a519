import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LessonEntity } from './lesson.entity';

/**
 * An origin a lesson of the book loads images from (`![…](https://host/…)` or
 * `<img src>`), collected when the lesson is synced: the page's content
 * security policy allows images from these origins and no others.
 */
@Entity({ name: 'lesson_image_origins' })
export class LessonImageOriginEntity {
  @PrimaryColumn({ name: 'lesson_slug', type: 'varchar', length: 160 })
  lessonSlug!: string;

  @ManyToOne(() => LessonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_slug', referencedColumnName: 'slug' })
  lesson?: LessonEntity;

  /** e.g. `https://upload.wikimedia.org` */
  @PrimaryColumn({ type: 'varchar', length: 300 })
  origin!: string;
}
