import type { BookDto, ChapterDto, ContentSyncAccepted, LessonDto, PartSummaryDto } from '@lectern/api-types';
import { BullBoardModule, CONTENT_STORE, FsContentStore, QueueModule, QueueService, sha256Hex, WorkerRunnerModule, type ContentStore, type JobStatus, jobBinding } from '@lectern/infra';
import { CONTENT_TABLES, createTestApp, queriesDuring, type TestApp } from '@lectern/testing';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LESSON_CHANGED, LESSON_REMOVED, type LessonChangedEvent, type LessonRemovedEvent } from './content.events';
import { ContentJobsModule, ContentModule } from './content.module';
import { ContentService, type LessonText } from './content.service';
import { ContentSyncHandler } from './sync/content-sync.handler';
import { LessonEntity } from './entities/lesson.entity';
import { ContentSyncService } from './sync/content-sync.service';
import type { SyncSummary } from './sync/sync-plan';
import { CONTENT_QUEUE } from './content.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const DOCUSAURUS = resolve(__dirname, '../../../../libs/importer/test-fixtures/docusaurus-book');
const RULES_BOOK = resolve(__dirname, '../../../../libs/importer/test-fixtures/dz-rules');

/** A private copy of the sample book that a test may edit. */
function copyOfSampleBook(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-book-'));
  cpSync(SAMPLE_BOOK, dir, { recursive: true });
  return dir;
}

describe('content: sync and the book API (real PostgreSQL, Redis, filesystem store)', () => {
  let t: TestApp;
  let sync: ContentSyncService;
  let book: string;
  const events: Array<[string, LessonChangedEvent | LessonRemovedEvent]> = [];

  beforeAll(async () => {
    t = await createTestApp([
      QueueModule.forRoot(),
      BullBoardModule,
      ContentModule,
      WorkerRunnerModule.forRoot([jobBinding(CONTENT_QUEUE, ContentSyncHandler)], [ContentJobsModule]),
    ]);
    sync = t.app.get(ContentSyncService);
    const emitter = t.app.get(EventEmitter2);
    emitter.on(LESSON_CHANGED, (e: LessonChangedEvent) => events.push([LESSON_CHANGED, e]));
    emitter.on(LESSON_REMOVED, (e: LessonRemovedEvent) => events.push([LESSON_REMOVED, e]));
    book = copyOfSampleBook();
  });
  afterAll(async () => {
    await t.close();
    rmSync(book, { recursive: true, force: true });
  });
  beforeEach(() => {
    events.length = 0;
  });

  const get = async <T>(url: string, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: 'GET', url, headers });
    return { res, body: res.statusCode === 200 && res.headers['content-type']?.toString().includes('json') ? res.json<T>() : (undefined as T) };
  };

  describe('first import of the sample book', () => {
    let first: SyncSummary;

    beforeAll(async () => {
      first = await sync.sync(book);
    });

    it('adds every lesson and reports no problem', () => {
      expect(first.format).toBe('lectern');
      expect(first.problems).toEqual([]);
      expect(first.added.length).toBeGreaterThanOrEqual(27);
      expect(first.changed).toEqual([]);
      expect(first.removed).toEqual([]);
    });

    it('serves the whole tree in order: 6 parts, 18 chapters, layers with their labels', async () => {
      const { res, body } = await get<BookDto>('/api/content/book');
      expect(res.statusCode).toBe(200);
      expect(body).toMatchObject({ slug: 'robo-genesis-ai', title: 'Physical AI & Humanoid Robotics', version: '1.0.0' });
      expect(body.layers.map((l) => `${l.id} ${l.label}`)).toEqual([
        'L1 Conceptual foundations',
        'L2 Simulation and digital twins',
        'L3 Control and embodiment',
        'L4 Vision-language-action',
        'L5 Capstone',
      ]);
      expect(body.parts.map((p) => [p.number, p.layer])).toEqual([
        [1, 'L1'],
        [2, 'L2-L3'],
        [3, 'L2'],
        [4, 'L2-L3'],
        [5, 'L4'],
        [6, 'L5'],
      ]);
      const chapters = body.parts.flatMap((p) => p.chapters);
      expect(chapters.map((c) => c.number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
      expect(chapters.find((c) => c.number === 18)?.prerequisites).toEqual([14, 17]);
      const positions = chapters.flatMap((c) => c.lessons.map((l) => l.position));
      expect(positions).toEqual(positions.map((_, i) => i + 1));
      expect(chapters[0].lessons.map((l) => l.slug)).toEqual(['digital-ai-vs-physical-ai', 'the-embodiment-hypothesis', 'real-world-constraints', 'lab-try-with-ai']);
      expect(chapters[0].lessons[3].type).toBe('lab');
      expect(body.glossary).toEqual(expect.arrayContaining(['ROS 2', 'Isaac Sim', 'C++', 'VLA']));
      expect(body.parts.every((p) => !p.implicit && p.overview === null)).toBe(true);
      expect(chapters.every((c) => c.groups.length === 0)).toBe(true);
    });

    it('stores each lesson in the content store under the SHA-256 of its text', async () => {
      const store = t.app.get<ContentStore>(CONTENT_STORE);
      const rows = await t.dataSource.getRepository(LessonEntity).find();
      for (const row of rows) {
        const text = await store.get(row.contentHash);
        expect(text).not.toBeNull();
        expect(sha256Hex(text as string)).toBe(row.contentHash);
      }
    });

    it('emitted one "added" event per lesson', () => {
      // events were cleared before this test; the first sync's were checked through the summary
      expect(first.added.length).toBe(new Set(first.added).size);
    });
  });

  describe('lesson API', () => {
    it('gives metadata with previous and next', async () => {
      const { body } = await get<LessonDto>('/api/content/lessons/the-embodiment-hypothesis');
      expect(body).toMatchObject({
        slug: 'the-embodiment-hypothesis',
        type: 'lesson',
        layer: 'L1',
        partNumber: 1,
        chapterNumber: 1,
        chapterTitle: 'What Is Physical AI? The Rise of Embodied Intelligence',
        previous: { slug: 'digital-ai-vs-physical-ai' },
        next: { slug: 'real-world-constraints' },
      });
      expect(body.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(body.goals.length).toBeGreaterThan(0);
      expect(body.estimatedMinutes).toBeGreaterThan(0);
    });

    it('serves the Markdown with its hash as ETag, and 304 on a match', async () => {
      const meta = (await get<LessonDto>('/api/content/lessons/digital-ai-vs-physical-ai')).body;
      const res = await t.app.inject({ method: 'GET', url: '/api/content/lessons/digital-ai-vs-physical-ai/content' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(res.headers.etag).toBe(`"${meta.contentHash}"`);
      expect(sha256Hex(res.body)).toBe(meta.contentHash);
      const again = await t.app.inject({ method: 'GET', url: '/api/content/lessons/digital-ai-vs-physical-ai/content', headers: { 'if-none-match': `"${meta.contentHash}"` } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    });

    it('answers the book tree with an ETag and 304 on If-None-Match', async () => {
      const first = await t.app.inject({ method: 'GET', url: '/api/content/book' });
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await t.app.inject({ method: 'GET', url: '/api/content/book', headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
    });

    it('lists parts and serves one part and one chapter', async () => {
      const parts = (await get<PartSummaryDto[]>('/api/content/parts')).body;
      expect(parts).toHaveLength(6);
      expect(parts[0]).toMatchObject({ number: 1, chapterCount: 3, lessonCount: 12 });
      const chapter = (await get<ChapterDto>('/api/content/chapters/7')).body;
      expect(chapter).toMatchObject({ number: 7, localNumber: 4, partNumber: 2, prerequisites: [5, 6] });
      expect((await get('/api/content/parts/2')).res.statusCode).toBe(200);
    });

    it.each(['/api/content/parts/99', '/api/content/chapters/0', '/api/content/lessons/no-such-lesson', '/api/content/lessons/no-such-lesson/content', '/api/content/lessons/..%2F..%2Fetc%2Fpasswd/content'])(
      '404 for %s',
      async (url) => {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
      },
    );

    it('400 for a part number that is not a number', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/content/parts/abc' })).statusCode).toBe(400);
    });
  });

  describe('what other domains read: many lessons in one look-up', () => {
    const contentQueries = (run: () => Promise<unknown>) => queriesDuring(CONTENT_TABLES, run);

    it('lessonsBySlug answers a whole batch with at most one query, skipping unknown and repeated slugs', async () => {
      const content = t.app.get(ContentService);
      const { order } = await content.snapshot();
      const slugs = order.map((l) => l.slug);
      let found = new Map<string, LessonDto>();
      const batch = await contentQueries(async () => {
        found = await content.lessonsBySlug([...slugs, 'no-such-lesson', slugs[0]]);
      });
      // At most the book's version check: the book itself is kept in memory between syncs.
      expect(batch.length).toBeLessThanOrEqual(1);
      expect([...found.keys()]).toEqual(slugs);
      expect(found.get('the-embodiment-hypothesis')).toEqual(await content.lesson('the-embodiment-hypothesis'));
      expect(found.get(slugs[0])).not.toHaveProperty('storageKey');
      // The same lessons one by one cost no more: every read is from the same in-memory copy of the book.
      const oneByOne = await contentQueries(async () => {
        for (const slug of slugs) await content.lesson(slug);
      });
      expect(oneByOne.length).toBeLessThanOrEqual(1);
    });

    it('lessonTexts gives the Markdown and part of each lesson, in the order asked, with at most one query', async () => {
      const content = t.app.get(ContentService);
      const store = t.app.get<ContentStore>(CONTENT_STORE);
      const asked = ['real-world-constraints', 'no-such-lesson', 'the-embodiment-hypothesis'];
      let texts: LessonText[] = [];
      expect((await contentQueries(async () => (texts = await content.lessonTexts(asked)))).length).toBeLessThanOrEqual(1);
      expect(texts.map((l) => l.slug)).toEqual(['real-world-constraints', 'the-embodiment-hypothesis']);
      for (const lesson of texts) {
        expect(lesson.markdown).toBe(await store.get(lesson.contentHash));
        expect(lesson.partSlug).toBe((await content.part(lesson.partNumber)).slug);
        expect(lesson).toMatchObject(await content.lesson(lesson.slug));
      }
      const all = await content.lessonTexts();
      expect(all.map((l) => l.slug)).toEqual((await content.snapshot()).order.map((l) => l.slug));
      expect(all.every((l) => sha256Hex(l.markdown) === l.contentHash && l.partSlug !== '')).toBe(true);
    });
  });

  describe('re-sync', () => {
    it('with no change writes nothing and emits nothing', async () => {
      const before = await t.dataSource.query('SELECT slug, updated_at FROM lessons ORDER BY slug');
      const version = await t.dataSource.query('SELECT content_version FROM books');
      const summary = await sync.sync(book);
      expect(summary.writes).toBe(0);
      expect(summary.added).toEqual([]);
      expect(summary.changed).toEqual([]);
      expect(summary.removed).toEqual([]);
      expect(summary.unchanged.length).toBeGreaterThanOrEqual(27);
      expect(events).toEqual([]);
      expect(await t.dataSource.query('SELECT slug, updated_at FROM lessons ORDER BY slug')).toEqual(before);
      expect(await t.dataSource.query('SELECT content_version FROM books')).toEqual(version);
    });

    it('after editing one lesson changes one hash and emits one event', async () => {
      const before = (await get<LessonDto>('/api/content/lessons/how-robots-sense')).body.contentHash;
      const file = join(book, 'part-1/ch02-sensors-actuators-body-plan/01-how-robots-sense.md');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n\nAn extra closing paragraph written by the test.\n`);
      const summary = await sync.sync(book);
      expect(summary.changed).toEqual(['how-robots-sense']);
      expect(summary.added).toEqual([]);
      expect(summary.removed).toEqual([]);
      const after = (await get<LessonDto>('/api/content/lessons/how-robots-sense')).body.contentHash;
      expect(after).not.toBe(before);
      expect(events).toEqual([[LESSON_CHANGED, { slug: 'how-robots-sense', kind: 'changed', previousHash: before, contentHash: after, metadataOnly: false }]]);
      const text = await t.app.inject({ method: 'GET', url: '/api/content/lessons/how-robots-sense/content' });
      expect(text.body).toContain('An extra closing paragraph written by the test.');
    });

    it('after deleting a lesson removes it from the tree and the API', async () => {
      const manifest = join(book, 'book.yaml');
      const yaml = readFileSync(manifest, 'utf8');
      writeFileSync(manifest, yaml.split('\n').filter((line) => !line.includes('slug: real-world-constraints,')).join('\n'));
      const summary = await sync.sync(book);
      expect(summary.removed).toEqual(['real-world-constraints']);
      expect(events.filter(([name]) => name === LESSON_REMOVED)).toEqual([[LESSON_REMOVED, expect.objectContaining({ slug: 'real-world-constraints' })]]);
      // Later lessons move up one position (metadata only); lessons that linked to it change text (the link can
      // no longer point at a lesson), and the sync reports that link.
      for (const [, event] of events.filter(([name]) => name === LESSON_CHANGED)) {
        const { slug, metadataOnly } = event as LessonChangedEvent;
        if (metadataOnly) continue;
        const [row] = await t.dataSource.query('SELECT source_path FROM lessons WHERE slug = $1', [slug]);
        expect(readFileSync(join(book, row.source_path), 'utf8')).toContain('real-world-constraints');
      }
      expect(events.filter(([name, e]) => name === LESSON_CHANGED && !(e as LessonChangedEvent).metadataOnly).length).toBeGreaterThanOrEqual(2);
      expect(summary.problems.some((p) => p.message.includes('real-world-constraints'))).toBe(true);
      const tree = (await get<BookDto>('/api/content/book')).body;
      expect(tree.parts[0].chapters[0].lessons.map((l) => l.slug)).toEqual(['digital-ai-vs-physical-ai', 'the-embodiment-hypothesis', 'lab-try-with-ai']);
      expect((await t.app.inject({ method: 'GET', url: '/api/content/lessons/real-world-constraints' })).statusCode).toBe(404);
      const next = (await get<LessonDto>('/api/content/lessons/the-embodiment-hypothesis')).body.next;
      expect(next?.slug).toBe('lab-try-with-ai');
    });
  });

  describe('admin sync endpoint and job', () => {
    it('needs the admin credential', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/admin/content/sync' });
      expect(res.statusCode).toBe(401);
      const learnerish = await t.app.inject({ method: 'POST', url: '/api/admin/content/sync', headers: { authorization: 'Bearer lt1.abc.def' } });
      expect(learnerish.statusCode).toBe(401);
    });

    it('enqueues the same sync as the CLI; the worker runs it and the status API reports the summary', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/admin/content/sync', headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } });
      expect(res.statusCode).toBe(202);
      const { jobId, statusUrl } = res.json<ContentSyncAccepted>();
      let status: JobStatus<SyncSummary> | undefined;
      // Polls the job's state; a whole-book sync by the worker takes a while on a loaded 2-core machine.
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const poll = await t.app.inject({ method: 'GET', url: statusUrl, headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } });
        expect(poll.statusCode).toBe(200);
        status = poll.json<JobStatus<SyncSummary>>();
        if (status.state === 'completed' || status.state === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status?.state).toBe('completed');
      expect(status?.progress).toBe(100);
      expect(status?.jobId).toBe(jobId);
      // The configured source is the repository's sample book: importing it over the edited copy restores the deleted lesson.
      expect(status?.result?.added).toContain('real-world-constraints');
      // Its final state is kept in PostgreSQL.
      const [row] = await t.dataSource.query('SELECT state, progress FROM job_runs WHERE queue = $1 AND job_id = $2', ['content', jobId]);
      expect(row).toEqual({ state: 'completed', progress: 100 });
      // ...so the status survives the job's removal from Redis.
      await t.app.get(QueueService).queue('content').remove(jobId);
      const kept = await t.app.inject({ method: 'GET', url: statusUrl, headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } });
      expect(kept.json()).toMatchObject({ jobId, state: 'completed' });
    });
  });

  describe('a Docusaurus docs tree', () => {
    it('imports and replaces the book', async () => {
      const summary = await sync.sync(DOCUSAURUS);
      expect(summary.format).toBe('docusaurus');
      expect(summary.added.length).toBeGreaterThan(0);
      const tree = (await get<BookDto>('/api/content/book')).body;
      expect(tree.parts.length).toBeGreaterThan(0);
      expect((await t.app.inject({ method: 'GET', url: '/api/content/lessons/the-embodiment-hypothesis' })).statusCode).toBe(404);
      const removedAll = summary.removed.length;
      expect(removedAll).toBeGreaterThanOrEqual(27);
    });
  });

  describe('a five-level Docusaurus book with images (libs/importer/test-fixtures/dz-rules)', () => {
    let first: SyncSummary;
    beforeAll(async () => {
      first = await sync.sync(RULES_BOOK);
    });

    it('serves the deeper levels as nested groups, overview pages, implicit parts and no layers', async () => {
      const tree = (await get<BookDto>('/api/content/book')).body;
      expect(tree.layers).toEqual([]);
      expect(tree.parts.map((p) => [p.title, p.implicit, p.overview, p.layer])).toEqual([
        ['Welcome', true, null, null],
        ['Foundations', false, 'foundations', null],
        ['appendix', false, 'appendix-index', null],
      ]);
      // No layer anywhere: null in the tree and in each lesson (no badges, no layer-based ranking).
      expect(tree.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => l.layer))).every((layer) => layer === null)).toBe(true);
      expect((await get<LessonDto>('/api/content/lessons/lidar')).body.layer).toBeNull();
      // The category linked to a generated index has its page, listing its items.
      const appendix = await t.app.inject({ method: 'GET', url: '/api/content/lessons/appendix-index/content' });
      expect(appendix.body).toBe('Reference material for the whole book.\n\n- [glossary](/lessons/terms)\n- [Sloppy MDX](/lessons/sloppy)\n');
      const sensors = tree.parts[1].chapters.find((c) => c.title === 'Sensors') as ChapterDto;
      expect(sensors.overview).toBe('sensors');
      expect(sensors.lessons.map((l) => l.slug)).toEqual(['sensors', 'lidar', 'quiz', 'deep-intro', 'level4', 'fusion', 'cameras']);
      expect(sensors.groups).toEqual([
        { title: 'Going deeper', lessons: ['deep-intro'], groups: [{ title: 'Level four', lessons: ['level4'], groups: [{ title: 'level5', lessons: ['fusion'], groups: [] }] }] },
      ]);
      expect(first.structure).toEqual(expect.arrayContaining(['chapter 4 added: "Sensors"']));
      expect(first.problems.map((p) => p.path)).toContain('docs/01-foundations/02-sensors/01-lidar.md');
    });

    it('serves images by SHA-256, immutable, with their content type; SVG sandboxed; 404 otherwise', async () => {
      const markdown = (await t.app.inject({ method: 'GET', url: '/api/content/lessons/lidar/content' })).body;
      const svgUrl = /\(\/api\/content\/assets\/([0-9a-f]{64})\.svg\)/.exec(markdown);
      const gifUrl = /\((\/api\/content\/assets\/[0-9a-f]{64}\.gif)\)/.exec(markdown);
      expect(svgUrl).not.toBeNull();
      expect(gifUrl).not.toBeNull();
      const svg = await t.app.inject({ method: 'GET', url: `/api/content/assets/${svgUrl?.[1]}.svg` });
      expect(svg.statusCode).toBe(200);
      expect(svg.headers['content-type']).toBe('image/svg+xml');
      expect(svg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(svg.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
      expect(svg.headers['x-content-type-options']).toBe('nosniff');
      expect(sha256Hex(svg.rawPayload)).toBe(svgUrl?.[1]);
      const gif = await t.app.inject({ method: 'GET', url: gifUrl?.[1] as string });
      expect(gif.statusCode).toBe(200);
      expect(gif.headers['content-type']).toBe('image/gif');
      expect(gif.rawPayload.subarray(0, 6).toString('latin1')).toBe('GIF89a');
      for (const url of [`/api/content/assets/${'0'.repeat(64)}.png`, `/api/content/assets/${svgUrl?.[1]}.png`, '/api/content/assets/..%2F..%2Fetc%2Fpasswd', '/api/content/assets/x.svg']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect([url, res.statusCode]).toEqual([url, 404]);
        expect(res.json()).toMatchObject({ statusCode: 404, code: 'asset_not_found' });
      }
    });

    it('keeps the bytes in the content store under their SHA-256, not in PostgreSQL', async () => {
      const store = t.app.get<ContentStore>(CONTENT_STORE);
      const markdown = (await t.app.inject({ method: 'GET', url: '/api/content/lessons/lidar/content' })).body;
      const gifHash = /\/api\/content\/assets\/([0-9a-f]{64})\.gif/.exec(markdown)?.[1] as string;
      const bytes = await store.getAsset(gifHash);
      expect(bytes && sha256Hex(bytes)).toBe(gifHash);
      expect(bytes?.equals(readFileSync(join(RULES_BOOK, 'docs/01-foundations/02-sensors/lidar-beam.gif')))).toBe(true);
      const columns: { column_name: string }[] = await t.dataSource.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'content_assets' ORDER BY ordinal_position",
      );
      expect(columns.map((c) => c.column_name)).toEqual(['sha256', 'ext', 'content_type', 'size', 'created_at']);
    });

    it('re-syncs with no change: no writes, no structural change', async () => {
      const again = await sync.sync(RULES_BOOK);
      expect(again.writes).toBe(0);
      expect(again.structure).toEqual([]);
      expect(again.unchanged.length).toBe(first.added.length + first.changed.length);
    });

    it('a store that lost an image answers 404 until the next sync puts the bytes back', async () => {
      const store = t.app.get<ContentStore>(CONTENT_STORE);
      if (!(store instanceof FsContentStore)) throw new Error('the test app uses the fs content store');
      const markdown = (await t.app.inject({ method: 'GET', url: '/api/content/lessons/lidar/content' })).body;
      const url = /\/api\/content\/assets\/[0-9a-f]{64}\.svg/.exec(markdown)?.[0] as string;
      rmSync(store.assetPathOf(url.slice(-68, -4)));
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
      const again = await sync.sync(RULES_BOOK);
      expect(again.writes).toBe(1);
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(sha256Hex(res.rawPayload)).toBe(url.slice(-68, -4));
    });
  });
});
