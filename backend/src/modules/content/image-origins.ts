import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { CONTENT_STORE, type ContentStore } from '@lectern/infra';
import { Repository } from 'typeorm';
import { LESSON_CHANGED, type LessonChangedEvent } from './content.events';
import { LessonImageOriginEntity } from './entities/lesson-image-origin.entity';

const MARKDOWN_IMAGE = /!\[[^\]]*\]\(\s*<?([^)\s>]+)/g;
const HTML_IMAGE = /<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)/gi;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)/gm;

/**
 * The origins (scheme://host[:port]) of the absolute http(s) image URLs in a
 * lesson's Markdown: `![alt](url)`, `<img src="url">`, and reference
 * definitions used by images. Relative URLs (served by the app) are not origins.
 */
export function imageOrigins(markdown: string): string[] {
  const urls: string[] = [];
  for (const re of [MARKDOWN_IMAGE, HTML_IMAGE]) for (const m of markdown.matchAll(re)) urls.push(m[1]);
  // `![alt][ref]` images point at a definition; definitions of links are included too (harmless: same book).
  if (/!\[[^\]]*\]\[[^\]]*\]/.test(markdown)) for (const m of markdown.matchAll(REFERENCE_DEFINITION)) urls.push(m[1]);
  const origins = new Set<string>();
  for (const url of urls) {
    if (!/^https?:\/\//i.test(url)) continue;
    try {
      const origin = new URL(url).origin;
      if (origin !== 'null' && origin.length <= 300) origins.add(origin.toLowerCase());
    } catch {
      // Not a URL: nothing to allow.
    }
  }
  return [...origins].sort();
}

/**
 * Keeps `lesson_image_origins` in step with the book: after a sync commits,
 * each added or changed lesson's text is scanned for image origins (removed
 * lessons take their rows with them, by foreign key).
 */
@Injectable()
export class ImageOriginsService {
  private readonly logger = new Logger(ImageOriginsService.name);

  constructor(
    @InjectRepository(LessonImageOriginEntity) private readonly rows: Repository<LessonImageOriginEntity>,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  /** Every origin the book's lessons load images from. */
  async all(): Promise<string[]> {
    const rows: Array<{ origin: string }> = await this.rows.query('SELECT DISTINCT origin FROM lesson_image_origins ORDER BY origin');
    return rows.map((r) => r.origin);
  }

  /** Image origins of one lesson. */
  async ofLesson(lessonSlug: string): Promise<string[]> {
    return (await this.rows.findBy({ lessonSlug })).map((r) => r.origin).sort();
  }

  async collect(lessonSlug: string, contentHash: string): Promise<void> {
    const markdown = await this.store.get(contentHash);
    if (markdown === null) return;
    const origins = imageOrigins(markdown);
    await this.rows.manager.transaction(async (manager) => {
      await manager.delete(LessonImageOriginEntity, { lessonSlug });
      if (origins.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(LessonImageOriginEntity)
          .values(origins.map((origin) => ({ lessonSlug, origin })))
          .orIgnore()
          .execute();
      }
    });
  }

  @OnEvent(LESSON_CHANGED, { async: true, promisify: true })
  async onLessonChanged(event: LessonChangedEvent): Promise<void> {
    if (event.metadataOnly) return;
    try {
      await this.collect(event.slug, event.contentHash);
    } catch (error) {
      this.logger.warn(`Could not collect the image origins of ${event.slug}: ${String(error)}`);
    }
  }
}
