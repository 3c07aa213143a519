import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONTENT_STORE, type ContentStore } from '@lectern/infra';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { BOOK_CHANGED, LESSON_CHANGED, LESSON_REMOVED, type BookChangedEvent, type LessonChangedEvent, type LessonRemovedEvent } from '../content.events';
import { BookEntity } from '../entities/book.entity';
import { ChapterEntity } from '../entities/chapter.entity';
import { LessonEntity } from '../entities/lesson.entity';
import { PartEntity } from '../entities/part.entity';
import { countWords, headings, parseMarkdown } from '@lectern/markdown';
import { ContentAssetEntity } from '../entities/asset.entity';
import { readBook, type SourceBook } from '@lectern/importer';
import { emptySummary, sameFields, type LessonFields, type SyncSummary } from './sync-plan';

export type SyncProgress = (done: number, total: number, phase: 'reading' | 'storing' | 'writing') => void | Promise<void>;

const LESSON_KEYS: ReadonlyArray<keyof LessonFields> = [
  'bookId',
  'title',
  'chapterId',
  'position',
  'type',
  'layer',
  'estimatedMinutes',
  'prerequisites',
  'goals',
  'contentHash',
  'storageKey',
  'wordCount',
  'headings',
  'sourcePath',
  'groups',
];

/**
 * Imports a book folder: reads it, stores each lesson's text in the content
 * store under its hash, and makes PostgreSQL match — writing only rows that
 * differ, in one transaction. A re-sync with no change writes nothing.
 * Events for changed and removed lessons are emitted after the commit.
 */
@Injectable()
export class ContentSyncService {
  private readonly logger = new Logger(ContentSyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
    private readonly events: EventEmitter2,
  ) {}

  async sync(dir: string, onProgress: SyncProgress = () => undefined): Promise<SyncSummary> {
    const started = Date.now();
    await onProgress(0, 1, 'reading');
    const { book, problems, format } = await readBook(dir);
    const summary = emptySummary(format, book.slug);
    summary.problems = problems;
    summary.assets = book.assets?.length ?? 0;

    const lessons = book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons));
    const stored = new Map<string, { hash: string; key: string }>();
    let done = 0;
    for (const lesson of lessons) {
      const put = await this.store.put(lesson.markdown);
      if (put.created) summary.writes += 1;
      stored.set(lesson.slug, { hash: put.hash, key: put.key });
      done += 1;
      if (done % 25 === 0 || done === lessons.length) await onProgress(done, lessons.length, 'storing');
    }

    const emitted: Array<[string, LessonChangedEvent | LessonRemovedEvent]> = [];
    await this.dataSource.transaction(async (manager) => {
      // One sync at a time per database: a second waits for the first to commit.
      await manager.query('SELECT pg_advisory_xact_lock($1)', [72_716_002]);
      const bookRow = await this.upsertBook(manager, book, format, summary);
      summary.writes += await this.storeAssets(manager, book);
      const partIds = await this.syncParts(manager, bookRow.id, book, summary);
      const chapterIds = await this.syncChapters(manager, bookRow.id, book, partIds, summary);

      // Every stored lesson, of this book or of a book this one replaces (slugs are unique across books).
      const existing = new Map((await manager.find(LessonEntity)).map((l) => [l.slug, l]));
      let position = 0;
      for (const part of book.parts) {
        for (const chapter of part.chapters) {
          for (const lesson of chapter.lessons) {
            position += 1;
            const { hash, key } = stored.get(lesson.slug) as { hash: string; key: string };
            const tree = parseMarkdown(lesson.markdown).root;
            const wanted: LessonFields = {
              slug: lesson.slug,
              bookId: bookRow.id,
              title: lesson.title,
              chapterId: chapterIds.get(chapter.number) as string,
              position,
              type: lesson.type,
              layer: lesson.layer,
              estimatedMinutes: lesson.estimatedMinutes,
              prerequisites: lesson.prerequisites,
              goals: lesson.goals,
              contentHash: hash,
              storageKey: key,
              wordCount: countWords(tree),
              headings: headings(tree).map((h) => ({ level: h.level, text: h.text, id: h.id })),
              sourcePath: lesson.sourcePath,
              groups: lesson.groups ?? [],
            };
            const current = existing.get(lesson.slug);
            existing.delete(lesson.slug);
            if (!current) {
              await manager.insert(LessonEntity, wanted);
              summary.writes += 1;
              summary.added.push(lesson.slug);
              emitted.push([LESSON_CHANGED, { slug: lesson.slug, kind: 'added', previousHash: null, contentHash: hash, metadataOnly: false }]);
            } else if (sameFields<LessonFields>(current, wanted, LESSON_KEYS)) {
              summary.unchanged.push(lesson.slug);
            } else {
              await manager.update(LessonEntity, { id: current.id }, wanted);
              summary.writes += 1;
              summary.changed.push(lesson.slug);
              emitted.push([
                LESSON_CHANGED,
                { slug: lesson.slug, kind: 'changed', previousHash: current.contentHash, contentHash: hash, metadataOnly: current.contentHash === hash },
              ]);
            }
          }
        }
      }
      // Lessons no longer in the book. Rows that refer to a lesson (progress, caches) go with it through their foreign keys.
      for (const gone of existing.values()) {
        await manager.delete(LessonEntity, { id: gone.id });
        summary.writes += 1;
        summary.removed.push(gone.slug);
        emitted.push([LESSON_REMOVED, { slug: gone.slug, contentHash: gone.contentHash }]);
      }
      await this.deleteStaleStructure(manager, bookRow.id, partIds, chapterIds, summary);
      // Lectern serves one book: importing another one replaces it (its lessons were removed above, with events).
      const others = await manager.delete(BookEntity, { id: Not(bookRow.id) });
      summary.writes += others.affected ?? 0;
      if (summary.writes > 0) {
        await manager.increment(BookEntity, { id: bookRow.id }, 'contentVersion', 1);
      }
      await onProgress(lessons.length, lessons.length, 'writing');
    });

    // Caches of the book (in every process, through Redis) first: the lesson events' listeners read the new book.
    if (summary.writes > 0) await this.events.emitAsync(BOOK_CHANGED, { bookSlug: book.slug } satisfies BookChangedEvent);
    for (const [name, payload] of emitted) {
      await this.events.emitAsync(name, payload);
    }
    summary.durationMs = Date.now() - started;
    this.logger.log(
      `Synced ${book.slug} (${format}): ${summary.added.length} added, ${summary.changed.length} changed, ${summary.unchanged.length} unchanged, ${summary.removed.length} removed, ${summary.problems.length} problem(s), ${summary.writes} write(s)`,
    );
    return summary;
  }

  private async upsertBook(manager: EntityManager, book: SourceBook, format: SyncSummary['format'], summary: SyncSummary): Promise<BookEntity> {
    const wanted = {
      slug: book.slug,
      title: book.title,
      description: book.description,
      version: book.version,
      layers: book.layers,
      glossary: book.glossary ?? [],
      sourceFormat: format,
    };
    const current = await manager.findOneBy(BookEntity, { slug: book.slug });
    if (!current) {
      summary.writes += 1;
      return manager.save(manager.create(BookEntity, wanted));
    }
    if (!sameFields(current, { ...current, ...wanted }, ['title', 'description', 'version', 'layers', 'glossary', 'sourceFormat'])) {
      await manager.update(BookEntity, { id: current.id }, wanted);
      summary.writes += 1;
      if (current.title !== wanted.title) summary.structure.push(`book renamed: "${current.title}" → "${wanted.title}"`);
    }
    return current;
  }

  /**
   * The book's images and files: their bytes into the content store under
   * their SHA-256 (a put of bytes already there writes nothing, so a store
   * that lost them, or a database migrated from bytes in PostgreSQL, gets
   * them back), and a row saying how to serve them. Counts what was written.
   */
  private async storeAssets(manager: EntityManager, book: SourceBook): Promise<number> {
    const assets = book.assets ?? [];
    if (assets.length === 0) return 0;
    const known = new Set(
      (await manager.find(ContentAssetEntity, { select: { sha256: true }, where: { sha256: In(assets.map((a) => a.sha256)) } })).map((a) => a.sha256),
    );
    let writes = 0;
    for (const asset of assets) {
      const put = await this.store.putAsset(asset.data);
      if (put.hash !== asset.sha256) throw new Error(`asset ${asset.path}: the content store hashed it to ${put.hash}, not ${asset.sha256}`);
      if (put.created) writes += 1;
      if (known.has(asset.sha256)) continue;
      await manager.insert(ContentAssetEntity, { sha256: asset.sha256, ext: asset.ext, contentType: asset.contentType, size: asset.data.length });
      writes += 1;
    }
    return writes;
  }

  private async syncParts(manager: EntityManager, bookId: string, book: SourceBook, summary: SyncSummary): Promise<Map<number, string>> {
    const existing = new Map((await manager.findBy(PartEntity, { bookId })).map((p) => [p.number, p]));
    const ids = new Map<number, string>();
    for (const part of book.parts) {
      const wanted = {
        bookId,
        number: part.number,
        slug: part.slug,
        title: part.title,
        implicit: part.implicit ?? false,
        overview: part.overview ?? null,
        layer: part.layer,
        weeks: part.weeks ?? null,
        transitionCheck: part.transitionCheck ?? null,
      };
      const current = existing.get(part.number);
      if (!current) {
        const row = await manager.save(manager.create(PartEntity, wanted));
        summary.writes += 1;
        summary.structure.push(`part ${part.number} added: "${part.title}"`);
        ids.set(part.number, row.id);
      } else {
        if (!sameFields(current, { ...current, ...wanted }, ['slug', 'title', 'implicit', 'overview', 'layer', 'weeks', 'transitionCheck'])) {
          await manager.update(PartEntity, { id: current.id }, wanted);
          summary.writes += 1;
          summary.structure.push(
            current.title !== part.title ? `part ${part.number} renamed: "${current.title}" → "${part.title}"` : `part ${part.number} "${part.title}" changed`,
          );
        }
        ids.set(part.number, current.id);
      }
    }
    return ids;
  }

  private async syncChapters(
    manager: EntityManager,
    bookId: string,
    book: SourceBook,
    partIds: Map<number, string>,
    summary: SyncSummary,
  ): Promise<Map<number, string>> {
    const existing = new Map((await manager.findBy(ChapterEntity, { bookId })).map((c) => [c.number, c]));
    const ids = new Map<number, string>();
    for (const part of book.parts) {
      for (const chapter of part.chapters) {
        const wanted = {
          bookId,
          partId: partIds.get(part.number) as string,
          number: chapter.number,
          localNumber: chapter.localNumber,
          slug: chapter.slug,
          title: chapter.title,
          overview: chapter.overview ?? null,
          prerequisites: chapter.prerequisites,
        };
        const current = existing.get(chapter.number);
        if (!current) {
          const row = await manager.save(manager.create(ChapterEntity, wanted));
          summary.writes += 1;
          summary.structure.push(`chapter ${chapter.number} added: "${chapter.title}"`);
          ids.set(chapter.number, row.id);
        } else {
          if (!sameFields(current, { ...current, ...wanted }, ['partId', 'localNumber', 'slug', 'title', 'overview', 'prerequisites'])) {
            await manager.update(ChapterEntity, { id: current.id }, wanted);
            summary.writes += 1;
            summary.structure.push(
              current.title !== chapter.title
                ? `chapter ${chapter.number} renamed: "${current.title}" → "${chapter.title}"`
                : current.partId !== wanted.partId || current.localNumber !== wanted.localNumber
                  ? `chapter ${chapter.number} "${chapter.title}" moved`
                  : `chapter ${chapter.number} "${chapter.title}" changed`,
            );
          }
          ids.set(chapter.number, current.id);
        }
      }
    }
    return ids;
  }

  private async deleteStaleStructure(
    manager: EntityManager,
    bookId: string,
    partIds: Map<number, string>,
    chapterIds: Map<number, string>,
    summary: SyncSummary,
  ): Promise<void> {
    const staleChapters = await manager.findBy(ChapterEntity, { bookId, id: Not(In([...chapterIds.values()])) });
    const staleParts = await manager.findBy(PartEntity, { bookId, id: Not(In([...partIds.values()])) });
    for (const chapter of staleChapters) summary.structure.push(`chapter ${chapter.number} removed: "${chapter.title}"`);
    for (const part of staleParts) summary.structure.push(`part ${part.number} removed: "${part.title}"`);
    const chapters = await manager.delete(ChapterEntity, { bookId, id: Not(In([...chapterIds.values()])) });
    const parts = await manager.delete(PartEntity, { bookId, id: Not(In([...partIds.values()])) });
    summary.writes += (chapters.affected ?? 0) + (parts.affected ?? 0);
  }
}
