import type { BookDto, LessonDto } from '@lectern/api-types';
import { CONTENT_STORE, QueueModule, sha256Hex, type ContentStore } from '@lectern/infra';
import { createTestApp, type TestApp } from '@lectern/testing';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ContentChanges } from './content-changes';
import { ContentFastPath } from './content-fast-path';
import { ContentModule } from './content.module';
import { ContentService } from './content.service';
import { BookEntity } from './entities/book.entity';
import { ContentSyncService } from './sync/content-sync.service';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const LESSON = 'the-embodiment-hypothesis';

/** Resolves when `app`'s content change channel has heard a message (the sync's announcement). */
function announced(app: TestApp): Promise<unknown> {
  return once(app.app.get(ContentChanges).channel, 'message');
}

/** Fails after `ms`: a generous deadline for a loaded machine, not a speed target. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('content caches: two api instances, one sync (real PostgreSQL, Redis pub/sub, filesystem store)', () => {
  let a: TestApp;
  let b: TestApp;
  let book: string;
  let lessonFile: string;

  beforeAll(async () => {
    // Two api instances of one deployment (same database, Redis and QUEUE_PREFIX), each with its own memory.
    a = await createTestApp([QueueModule.forRoot(), ContentModule]);
    b = await createTestApp([QueueModule.forRoot(), ContentModule]);
    book = mkdtempSync(join(tmpdir(), 'lectern-cache-book-'));
    cpSync(SAMPLE_BOOK, book, { recursive: true });
    const manifest = readFileSync(join(book, 'book.yaml'), 'utf8');
    const file = new RegExp(`slug: ${LESSON},[^}]*file: ([^,}\\s]+)`).exec(manifest)?.[1];
    if (!file) throw new Error(`${LESSON} not found in book.yaml`);
    lessonFile = join(book, file);
    await a.app.get(ContentSyncService).sync(book);
  });

  afterAll(async () => {
    // Leave the run's database as the other content tests expect it: no book.
    await a.dataSource.query('TRUNCATE books, parts, chapters, lessons CASCADE');
    await a.close();
    await b.close();
    rmSync(book, { recursive: true, force: true });
  });

  const lessonOf = async (t: TestApp): Promise<LessonDto> => (await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}` })).json<LessonDto>();
  const textOf = async (t: TestApp): Promise<string> => (await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` })).body;

  it('serves the book and lessons from memory: no query while nothing changed', async () => {
    // Warm both instances, then count the statements one more round of reads runs.
    for (const t of [a, b]) {
      await t.app.inject({ method: 'GET', url: '/api/content/book' });
      await textOf(t);
    }
    const books = jest.spyOn(b.dataSource.getRepository(BookEntity), 'findOne');
    const store = jest.spyOn(b.app.get<ContentStore>(CONTENT_STORE), 'get');
    try {
      const tree = await b.app.inject({ method: 'GET', url: '/api/content/book' });
      expect(tree.statusCode).toBe(200);
      expect(tree.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(tree.json<BookDto>().parts.length).toBe(6);
      const text = await b.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` });
      expect(text.statusCode).toBe(200);
      expect(sha256Hex(text.body)).toBe((await lessonOf(b)).contentHash);
      expect(books).not.toHaveBeenCalled();
      expect(store).not.toHaveBeenCalled();
    } finally {
      books.mockRestore();
      store.mockRestore();
    }
  });

  it('answers the hot reads before Nest routes them, as the controller would; anything else still reaches the controller', async () => {
    const fastPath = a.app.get(ContentFastPath);
    const before = fastPath.answered;
    const get = (url: string, headers: Record<string, string> = {}) => a.app.inject({ method: 'GET', url, headers });
    const tree = await get('/api/content/book');
    expect(tree.statusCode).toBe(200);
    expect(tree.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(tree.headers['x-dns-prefetch-control']).toBe('off'); // helmet's headers still apply
    expect(tree.json<BookDto>().parts.length).toBeGreaterThan(0);
    expect((await get('/api/content/book?x=1', { 'if-none-match': String(tree.headers.etag) })).statusCode).toBe(304);

    const lesson = await get(`/api/content/lessons/${LESSON}`);
    expect(lesson.json<LessonDto>().slug).toBe(LESSON);
    const text = await get(`/api/content/lessons/${LESSON}/content`);
    expect(text.headers).toMatchObject({ 'content-type': 'text/markdown; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    expect(text.headers.etag).toBe(`"${lesson.json<LessonDto>().contentHash}"`);
    const notModified = await get(`/api/content/lessons/${LESSON}/content`, { 'if-none-match': String(text.headers.etag) });
    expect([notModified.statusCode, notModified.body]).toEqual([304, '']);
    const byHash = await get(lesson.json<LessonDto>().contentUrl);
    expect([byHash.statusCode, byHash.body, byHash.headers['cache-control']]).toEqual([200, text.body, 'public, max-age=31536000, immutable']);
    expect(fastPath.answered - before).toBe(6); // every one of them answered before routing

    // Not a plain hit: the controller answers, as before (its 404, never a 500 for a path that is not valid encoding).
    const missing = await get('/api/content/lessons/no-such-lesson');
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([404, 'lesson_not_found']);
    expect((await get('/api/content/lessons/%E0%A4%A/content')).statusCode).toBeLessThan(500);
    expect((await get(`/api/content/text/${'0'.repeat(64)}.md`)).statusCode).toBe(404);
    expect(fastPath.answered - before).toBe(6);
  });

  it('an edited and re-synced lesson is served fresh from both instances as soon as the sync is announced', async () => {
    const before = await Promise.all([lessonOf(a), lessonOf(b), textOf(a), textOf(b)]);
    expect(before[0].contentHash).toBe(before[1].contentHash);
    const marker = `A paragraph added by the cache test (${Date.now()}).`;
    writeFileSync(lessonFile, `${readFileSync(lessonFile, 'utf8')}\n\n${marker}\n`);

    const heard = Promise.all([announced(a), announced(b)]);
    // The sync runs in a third place as far as B is concerned: A's process (as the worker or the CLI would).
    const summary = await a.app.get(ContentSyncService).sync(book);
    expect(summary.changed).toEqual([LESSON]);
    await deadline(heard, 5_000, 'the sync announcement');

    for (const t of [a, b]) {
      const lesson = await lessonOf(t);
      expect(lesson.contentHash).not.toBe(before[0].contentHash);
      expect(lesson.contentUrl).toBe(`/api/content/text/${lesson.contentHash}.md`);
      const text = await textOf(t);
      expect(text).toContain(marker);
      expect(sha256Hex(text)).toBe(lesson.contentHash);
      const md = await t.app.inject({ method: 'GET', url: `/lessons/${LESSON}.md` });
      expect(md.body).toBe(text);
      expect(md.headers.etag).toBe(`"${lesson.contentHash}"`);
    }
  });

  it('after any announcement the copy is checked against the database once (same version: same copy), then trusted again', async () => {
    const service = b.app.get(ContentService);
    const channel = b.app.get(ContentChanges).channel;
    expect(channel.listening).toBe(true);
    const generation = channel.generation;
    // A message bumps the generation: the next read checks the version again (one small query) and keeps the same snapshot.
    const first = await service.snapshot();
    await channel.publish({ bookSlug: first.tree.slug });
    expect(channel.generation).toBeGreaterThan(generation);
    const spy = jest.spyOn(b.dataSource.getRepository(BookEntity), 'findOne');
    try {
      expect(await service.snapshot()).toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
      // Trusted again afterwards: no further query.
      await service.snapshot();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  describe('content-addressed lesson text', () => {
    it('is immutable at its URL, changes URL when the text changes, and never serves the old text', async () => {
      const old = await lessonOf(a);
      const first = await a.app.inject({ method: 'GET', url: old.contentUrl });
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(first.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(sha256Hex(first.body)).toBe(old.contentHash);

      const marker = `One more line (${Date.now()}).`;
      writeFileSync(lessonFile, `${readFileSync(lessonFile, 'utf8')}\n${marker}\n`);
      const heard = Promise.all([announced(a), announced(b)]);
      await a.app.get(ContentSyncService).sync(book);
      await deadline(heard, 5_000, 'the sync announcement');

      for (const t of [a, b]) {
        const now = await lessonOf(t);
        expect(now.contentUrl).not.toBe(old.contentUrl);
        const fresh = await t.app.inject({ method: 'GET', url: now.contentUrl });
        expect(fresh.statusCode).toBe(200);
        expect(fresh.body).toContain(marker);
        expect(sha256Hex(fresh.body)).toBe(now.contentHash);
        // The old URL answers 404, never the old text under a URL a reader could take for current.
        const gone = await t.app.inject({ method: 'GET', url: old.contentUrl });
        expect(gone.statusCode).toBe(404);
        expect(gone.headers['cache-control'] ?? '').not.toContain('immutable');
      }
    });

    it('404 for a malformed or unknown hash', async () => {
      for (const url of ['/api/content/text/abc.md', `/api/content/text/${'0'.repeat(64)}.md`, `/api/content/text/${'A'.repeat(64)}.md`]) {
        expect((await a.app.inject({ method: 'GET', url })).statusCode).toBe(404);
      }
    });
  });

  describe('machine-readable endpoints', () => {
    it('sitemap.xml lists the home page, the book and every lesson page with absolute URLs', async () => {
      const tree = (await a.app.inject({ method: 'GET', url: '/api/content/book' })).json<BookDto>();
      const slugs = tree.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => l.slug)));
      const res = await a.app.inject({ method: 'GET', url: '/sitemap.xml', headers: { host: 'books.example.org' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      const locs = [...res.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
      expect(locs).toEqual(['http://books.example.org/', 'http://books.example.org/book', ...slugs.map((s) => `http://books.example.org/lessons/${s}`)]);
    });

    it('robots.txt allows the book, keeps the learner pages and the API out, and names the sitemap', async () => {
      const res = await a.app.inject({ method: 'GET', url: '/robots.txt', headers: { host: 'books.example.org' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toContain('User-agent: *');
      expect(res.body).toContain('Disallow: /api/');
      expect(res.body).toContain('Disallow: /progress');
      expect(res.body).toContain('Sitemap: http://books.example.org/sitemap.xml');
    });

    it('llms.txt is the outline: the title, one section per part, each lesson linked to its Markdown that answers', async () => {
      const tree = (await a.app.inject({ method: 'GET', url: '/api/content/book' })).json<BookDto>();
      const res = await a.app.inject({ method: 'GET', url: '/llms.txt', headers: { host: 'books.example.org' } });
      expect(res.statusCode).toBe(200);
      const lines = res.body.split('\n');
      expect(lines[0]).toBe(`# ${tree.title}`);
      expect(lines.filter((l) => l.startsWith('## Part '))).toEqual(tree.parts.map((p) => `## Part ${p.number}: ${p.title}`));
      const links = [...res.body.matchAll(/^- \[[^\]]+\]\(http:\/\/books\.example\.org(\/lessons\/[^)]+\.md)\)/gm)].map((m) => m[1]);
      expect(links).toEqual(tree.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => `/lessons/${l.slug}.md`))));
      const md = await a.app.inject({ method: 'GET', url: links[0], headers: { host: 'books.example.org' } });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.headers.link).toBe(`<http://books.example.org${links[0].replace(/\.md$/, '')}>; rel="canonical"`);
    });

    it('a lesson .md answers 304 on its ETag and 404 for an unknown lesson', async () => {
      const lesson = await lessonOf(a);
      const res = await a.app.inject({ method: 'GET', url: `/lessons/${LESSON}.md`, headers: { 'if-none-match': `"${lesson.contentHash}"` } });
      expect(res.statusCode).toBe(304);
      expect(lesson.markdownUrl).toBe(`/lessons/${LESSON}.md`);
      expect((await a.app.inject({ method: 'GET', url: '/lessons/no-such-lesson.md' })).statusCode).toBe(404);
    });
  });
});
