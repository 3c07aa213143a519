import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { BookDto, ChapterDto, LessonDto, LessonGroupDto, PartDto, PartSummaryDto } from '@lectern/api-types';
import { CONTENT_STORE, NotFoundError, type ContentStore } from '@lectern/infra';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { ContentChanges } from './content-changes';
import { ContentAssetEntity } from './entities/asset.entity';
import { BookEntity } from './entities/book.entity';
import { ChapterEntity } from './entities/chapter.entity';
import { LessonEntity } from './entities/lesson.entity';
import { PartEntity } from './entities/part.entity';
import { TextCache } from './text-cache';

/** Lesson texts kept in memory, at most (the sample book is about 1 MB). */
export const TEXT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Even while the change channel is subscribed, the book copy is checked
 * against PostgreSQL (one small query) this often: a sync run while Redis was
 * unreachable is seen within this delay.
 */
export const SNAPSHOT_REVALIDATE_MS = 10_000;

/** The content-addressed URL of a lesson text. */
export const textUrl = (contentHash: string): string => `/api/content/text/${contentHash}.md`;
/** The stable URL of a lesson's current Markdown. */
export const markdownUrl = (slug: string): string => `/lessons/${slug}.md`;

/** The book as read by the API, rebuilt only when a sync changed something (contentVersion). */
export interface BookSnapshot {
  bookId: string;
  version: number;
  tree: BookDto;
  etag: string;
  lessons: Map<string, LessonDto & { storageKey: string }>;
  /** Every lesson in reading order. */
  order: LessonDto[];
  /** The tree as JSON, serialized and UTF-8 encoded once per version (what is written to the socket). */
  treeJson: Buffer;
  /** Each lesson's metadata as JSON, serialized and encoded once per version. */
  lessonJson: Map<string, Buffer>;
  /** Each lesson's metadata by slug (what `lesson()` answers). */
  lessonDtos: Map<string, LessonDto>;
  /** Lessons by content hash (what the content-addressed URLs serve). */
  byHash: Map<string, LessonDto>;
}

interface CachedSnapshot {
  snapshot: BookSnapshot;
  /** The change channel's generation when the copy was last known current. */
  generation: number;
  checkedAt: number;
}

/**
 * A lesson with its text, as another domain reads it to index or quote it:
 * the lesson's metadata, the slug of its part, and its Markdown.
 */
export interface LessonText extends LessonDto {
  partSlug: string;
  markdown: string;
}

/** Content-store reads in flight at once while reading many lessons' text. */
const TEXT_READS_IN_FLIGHT = 8;

export class BookNotImportedError extends NotFoundError {
  constructor() {
    super('book_not_imported', 'No book has been imported yet: run `npm run cli -- content sync content`');
  }
}

@Injectable()
export class ContentService {
  private snapshotCache: CachedSnapshot | null = null;
  private loading: Promise<BookSnapshot> | null = null;
  private readonly texts = new TextCache(TEXT_CACHE_MAX_BYTES);

  constructor(
    @InjectRepository(BookEntity) private readonly books: Repository<BookEntity>,
    @InjectRepository(PartEntity) private readonly parts: Repository<PartEntity>,
    @InjectRepository(ChapterEntity) private readonly chapters: Repository<ChapterEntity>,
    @InjectRepository(LessonEntity) private readonly lessons: Repository<LessonEntity>,
    @InjectRepository(ContentAssetEntity) private readonly assets: Repository<ContentAssetEntity>,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
    private readonly changes: ContentChanges,
  ) {}

  /**
   * The current book, from memory: no query at all while the change channel
   * is subscribed and no sync was announced since the copy was made (and
   * SNAPSHOT_REVALIDATE_MS has not passed); otherwise one small query for the
   * book's version, and a rebuild only when it moved. Concurrent callers share
   * one revalidation.
   */
  snapshot(): Promise<BookSnapshot> {
    const cached = this.snapshotCache;
    const channel = this.changes.channel;
    if (cached && channel.listening && cached.generation === channel.generation && Date.now() - cached.checkedAt < SNAPSHOT_REVALIDATE_MS) {
      return Promise.resolve(cached.snapshot);
    }
    this.loading ??= this.revalidate().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async revalidate(): Promise<BookSnapshot> {
    // Taken before reading: a change announced while reading leaves the copy untrusted.
    const generation = this.changes.channel.generation;
    const checkedAt = Date.now();
    const book = await this.books.findOne({ where: {}, order: { updatedAt: 'DESC' }, select: { id: true, contentVersion: true } });
    if (!book) throw new BookNotImportedError();
    const cached = this.snapshotCache?.snapshot;
    const snapshot = cached && cached.bookId === book.id && cached.version === book.contentVersion ? cached : await this.build(book.id);
    this.snapshotCache = { snapshot, generation, checkedAt };
    return snapshot;
  }

  /** A lesson of the current book, or undefined (no error: for callers that answer 404 themselves). */
  async findLesson(slug: string): Promise<LessonDto | undefined> {
    return (await this.snapshot()).lessonDtos.get(slug);
  }

  async partSummaries(): Promise<PartSummaryDto[]> {
    const { tree } = await this.snapshot();
    return tree.parts.map((p) => ({
      number: p.number,
      slug: p.slug,
      title: p.title,
      layer: p.layer,
      chapterCount: p.chapters.length,
      lessonCount: p.chapters.reduce((n, c) => n + c.lessons.length, 0),
    }));
  }

  async part(number: number): Promise<PartDto> {
    const part = (await this.snapshot()).tree.parts.find((p) => p.number === number);
    if (!part) throw new NotFoundError('part_not_found', `No part ${number}`);
    return part;
  }

  async chapter(number: number): Promise<ChapterDto> {
    for (const part of (await this.snapshot()).tree.parts) {
      const chapter = part.chapters.find((c) => c.number === number);
      if (chapter) return chapter;
    }
    throw new NotFoundError('chapter_not_found', `No chapter ${number}`);
  }

  async lesson(slug: string): Promise<LessonDto> {
    const lesson = (await this.snapshot()).lessonDtos.get(slug);
    if (!lesson) throw new NotFoundError('lesson_not_found', `No lesson "${slug}"`);
    return lesson;
  }

  /** The lesson's metadata already serialized and encoded (what GET /api/content/lessons/:slug answers). */
  async lessonJson(slug: string): Promise<Buffer> {
    const json = (await this.snapshot()).lessonJson.get(slug);
    if (json === undefined) throw new NotFoundError('lesson_not_found', `No lesson "${slug}"`);
    return json;
  }

  /** A lesson of the current book by the hash of its text; 404 for any other hash (an edited lesson's old text included). */
  async lessonByHash(contentHash: string): Promise<LessonDto> {
    const lesson = (await this.snapshot()).byHash.get(contentHash);
    if (!lesson) throw new NotFoundError('text_not_found', `No lesson of the current book has the text ${contentHash}`);
    return lesson;
  }

  /**
   * Many lessons at once, by slug: one look-up of the book (one small query
   * when nothing changed) however many slugs. Slugs not in the book are left
   * out of the map; asking twice for one slug answers it once.
   */
  async lessonsBySlug(slugs: Iterable<string>): Promise<Map<string, LessonDto>> {
    return pickLessons(await this.snapshot(), slugs);
  }

  /**
   * Lessons with their Markdown, in the order asked (every lesson of the book
   * in reading order when `slugs` is left out): one look-up of the book for
   * the whole batch, the texts read from the content store a few at a time.
   * Slugs not in the book are left out.
   */
  async lessonTexts(slugs?: readonly string[]): Promise<LessonText[]> {
    const snapshot = await this.snapshot();
    const lessons = slugs ? [...pickLessons(snapshot, slugs).values()] : snapshot.order;
    const partSlugs = new Map(snapshot.tree.parts.map((p) => [p.number, p.slug]));
    const texts: LessonText[] = new Array(lessons.length);
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < lessons.length) {
        const i = next++;
        const lesson = lessons[i];
        texts[i] = { ...lesson, partSlug: partSlugs.get(lesson.partNumber) ?? '', markdown: await this.textOf(lesson) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(TEXT_READS_IN_FLIGHT, lessons.length) }, reader));
    return texts;
  }

  /** An image or file of the book by `{sha256}.{ext}`; 404 for anything else. */
  async asset(file: string): Promise<{ data: Buffer; contentType: string; ext: string }> {
    const match = /^([0-9a-f]{64})\.([a-z0-9]{1,16})$/.exec(file);
    const row = match ? await this.assets.findOne({ where: { sha256: match[1] } }) : null;
    // The bytes come from the content store, checked against their hash on the way.
    const data = match && row && row.ext === match[2] ? await this.store.getAsset(row.sha256) : null;
    if (!row || !data) throw new NotFoundError('asset_not_found', `No asset "${file}"`);
    return { data, contentType: row.contentType, ext: row.ext };
  }

  /** The lesson's Markdown from the content store, with its hash (the ETag). */
  async lessonMarkdown(slug: string): Promise<{ markdown: string; contentHash: string }> {
    const lesson = await this.lesson(slug);
    return { markdown: await this.textOf(lesson), contentHash: lesson.contentHash };
  }

  /** The Markdown of a lesson already looked up (no second look-up of the book). */
  async textOf(lesson: Pick<LessonDto, 'slug' | 'contentHash'>): Promise<string> {
    const cached = this.texts.get(lesson.contentHash);
    if (cached !== undefined) return cached;
    const markdown = await this.store.get(lesson.contentHash);
    if (markdown === null) throw new NotFoundError('lesson_text_missing', `The text of "${lesson.slug}" is missing from the content store; re-sync the book`);
    // The store checks the hash on read: what is kept here is the text of that hash.
    this.texts.set(lesson.contentHash, markdown);
    return markdown;
  }

  /** The Markdown of a lesson as UTF-8 bytes, encoded once and kept with the text (what the HTTP answers send). */
  async textBytesOf(lesson: Pick<LessonDto, 'slug' | 'contentHash'>): Promise<Buffer> {
    const kept = this.texts.bytes(lesson.contentHash);
    if (kept) return kept;
    const markdown = await this.textOf(lesson);
    // A text too large for the cache is not kept: encoded for this answer only.
    return this.texts.bytes(lesson.contentHash) ?? Buffer.from(markdown, 'utf8');
  }

  private async build(bookId: string): Promise<BookSnapshot> {
    const [book, parts, chapters, lessons] = await Promise.all([
      this.books.findOneByOrFail({ id: bookId }),
      this.parts.find({ where: { bookId }, order: { number: 'ASC' } }),
      this.chapters.find({ where: { bookId }, order: { number: 'ASC' } }),
      this.lessons.find({ where: { bookId }, order: { position: 'ASC' } }),
    ]);
    const partById = new Map(parts.map((p) => [p.id, p]));
    const chapterById = new Map(chapters.map((c) => [c.id, c]));
    const tree: BookDto = {
      slug: book.slug,
      title: book.title,
      description: book.description,
      version: book.version,
      layers: book.layers.map((l) => ({ id: l.id, label: l.label })),
      glossary: [...book.glossary],
      parts: parts.map((p) => ({
        number: p.number,
        slug: p.slug,
        title: p.title,
        implicit: p.implicit,
        overview: p.overview,
        layer: p.layer,
        weeks: p.weeks,
        transitionCheck: p.transitionCheck,
        chapters: chapters
          .filter((c) => c.partId === p.id)
          .map((c) => ({
            number: c.number,
            localNumber: c.localNumber,
            slug: c.slug,
            title: c.title,
            partNumber: p.number,
            prerequisites: [...c.prerequisites],
            overview: c.overview,
            lessons: lessons
              .filter((l) => l.chapterId === c.id)
              .map((l) => ({ slug: l.slug, title: l.title, position: l.position, type: l.type, layer: l.layer, estimatedMinutes: l.estimatedMinutes })),
            groups: groupLessons(lessons.filter((l) => l.chapterId === c.id)),
          })),
      })),
    };
    const order: Array<LessonDto & { storageKey: string }> = lessons.map((l, i) => {
      const chapter = chapterById.get(l.chapterId) as ChapterEntity;
      const part = partById.get(chapter.partId) as PartEntity;
      const prev = lessons[i - 1];
      const next = lessons[i + 1];
      return {
        slug: l.slug,
        title: l.title,
        type: l.type,
        layer: l.layer,
        partNumber: part.number,
        partTitle: part.title,
        chapterNumber: chapter.number,
        chapterTitle: chapter.title,
        prerequisites: [...l.prerequisites],
        goals: [...l.goals],
        estimatedMinutes: l.estimatedMinutes,
        contentHash: l.contentHash,
        contentUrl: textUrl(l.contentHash),
        markdownUrl: markdownUrl(l.slug),
        headings: l.headings,
        previous: prev ? { slug: prev.slug, title: prev.title } : null,
        next: next ? { slug: next.slug, title: next.title } : null,
        storageKey: l.storageKey,
      };
    });
    const treeJson = Buffer.from(JSON.stringify(tree), 'utf8');
    const etag = `"${createHash('sha256').update(treeJson).digest('hex').slice(0, 32)}"`;
    const dtos = order.map(({ storageKey: _k, ...l }) => l);
    return {
      bookId,
      version: book.contentVersion,
      tree,
      etag,
      lessons: new Map(order.map((l) => [l.slug, l])),
      order: dtos,
      treeJson,
      lessonJson: new Map(dtos.map((l) => [l.slug, Buffer.from(JSON.stringify(l), 'utf8')])),
      lessonDtos: new Map(dtos.map((l) => [l.slug, l])),
      byHash: new Map(dtos.map((l) => [l.contentHash, l])),
    };
  }
}

/** The lessons of `slugs` found in the snapshot, each once, without their storage key. */
function pickLessons(snapshot: BookSnapshot, slugs: Iterable<string>): Map<string, LessonDto> {
  const found = new Map<string, LessonDto>();
  for (const slug of slugs) {
    const lesson = snapshot.lessons.get(slug);
    if (!lesson || found.has(slug)) continue;
    const { storageKey: _key, ...dto } = lesson;
    found.set(slug, dto);
  }
  return found;
}

/**
 * The nested groups of a chapter from its lessons' group labels (outermost
 * first), in reading order: consecutive lessons sharing a label share a group.
 * Lessons with no group are not in any.
 */
export function groupLessons(lessons: readonly Pick<LessonEntity, 'slug' | 'groups'>[]): LessonGroupDto[] {
  const top: LessonGroupDto[] = [];
  // The open group at each depth, as the path of labels that leads to it.
  let open: LessonGroupDto[] = [];
  for (const lesson of lessons) {
    const path = lesson.groups ?? [];
    let depth = 0;
    while (depth < path.length && depth < open.length && open[depth].title === path[depth]) depth++;
    open = open.slice(0, depth);
    for (let d = depth; d < path.length; d++) {
      const group: LessonGroupDto = { title: path[d], lessons: [], groups: [] };
      (d === 0 ? top : open[d - 1].groups).push(group);
      open.push(group);
    }
    if (path.length > 0) open[path.length - 1].lessons.push(lesson.slug);
  }
  return top;
}
