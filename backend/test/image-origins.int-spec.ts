import { ContentSyncService, ImageOriginsService } from '@lectern/content';
import { createTestApp, type TestApp } from '@lectern/testing';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const SAMPLE_BOOK = resolve(__dirname, '../../content');
const LESSON_FILE = 'part-1/ch01-what-is-physical-ai/02-the-embodiment-hypothesis.md';

/**
 * The page's img-src: this origin, data: URLs, and the image hosts the book's
 * own lessons use, collected at import — never any https: host (a rewrite
 * must not be able to load a tracking image from anywhere).
 */
describe("the page's image policy follows the book's own image hosts", () => {
  let t: TestApp;
  let book: string;
  let site: string;

  beforeAll(async () => {
    book = mkdtempSync(join(tmpdir(), 'lectern-images-book-'));
    cpSync(SAMPLE_BOOK, book, { recursive: true });
    appendFileSync(
      join(book, LESSON_FILE),
      '\n\n![A humanoid](https://images.example.org/humanoid.png)\n\n<img src="https://cdn.example.net:8443/x.svg" alt="x">\n\n![local](./img/local.png)\n',
    );
    site = mkdtempSync(join(tmpdir(), 'lectern-images-site-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Lectern</title><lx-root></lx-root>');
    t = await createTestApp((config) => AppModule.forRoot(config), { FRONTEND_DIST: site });
    await t.app.get(ContentSyncService).sync(book);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(book, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  });

  it('collects the absolute image origins of each lesson when it is synced', async () => {
    const origins = t.app.get(ImageOriginsService);
    expect(await origins.ofLesson('the-embodiment-hypothesis')).toEqual(['https://cdn.example.net:8443', 'https://images.example.org']);
    expect(await origins.all()).toEqual(expect.arrayContaining(['https://cdn.example.net:8443', 'https://images.example.org']));
  });

  it('allows images from the app, data: URLs and those origins only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    const imgSrc = String(res.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('img-src'));
    // The sample book itself links no external image.
    expect(imgSrc).toBe("img-src 'self' data: https://cdn.example.net:8443 https://images.example.org");
    expect(imgSrc).not.toMatch(/(^|\s)https:(\s|$)/);
  });

  it("drops a lesson's origins when its images are gone after a re-sync", async () => {
    cpSync(join(SAMPLE_BOOK, LESSON_FILE), join(book, LESSON_FILE));
    await t.app.get(ContentSyncService).sync(book);
    expect(await t.app.get(ImageOriginsService).ofLesson('the-embodiment-hypothesis')).toEqual([]);
  });
});
