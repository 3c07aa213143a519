import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BookSourceError } from './book-source.types';
import { prettifyName, splitNumberPrefix, toUrlSlug, uniqueSlug } from './naming';
import { readBook } from './read-book';

const MINI_MANIFEST = [
  'slug: mini',
  'title: Mini',
  'parts:',
  '  - title: Only',
  '    layer: L1',
  '    chapters:',
  '      - number: 1',
  '        title: First',
  '        lessons:',
  '          - { slug: one, file: one.md }',
].join('\n');

describe('readBook: format detection', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-read-book-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function tree(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it('reads book.yml as the Lectern format, even beside a docs/ folder', async () => {
    const dir = await tree('lectern-yml', { 'book.yml': MINI_MANIFEST, 'one.md': '# One\n\nText.\n', 'docs/x.md': '---\nid: x\n---\n' });
    const result = await readBook(dir);
    expect(result.format).toBe('lectern');
    expect(result.book.parts[0].chapters[0].lessons.map((l) => [l.slug, l.title, l.markdown])).toEqual([['one', 'One', 'Text.\n']]);
  });

  it('reads a docs/ folder as Docusaurus even without front matter or categories', async () => {
    const result = await readBook(await tree('docs-only', { 'docs/guide/start.md': '# Start\n\nGo.\n' }));
    expect(result.format).toBe('docusaurus');
    expect(result.book.parts.flatMap((p) => p.chapters.map((c) => c.title))).toEqual(['guide']);
  });

  it('refuses a folder of plain Markdown, saying what it looked for', async () => {
    const dir = await tree('plain-notes', { 'notes.md': 'Just notes.\n' });
    const error = await readBook(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BookSourceError);
    expect((error as Error).message).toContain('book.yaml or book.yml');
    expect((error as Error).message).toContain('_category_.json');
    expect((error as Error).message).toContain('front matter');
  });

  it('refuses a folder that does not exist', async () => {
    await expect(readBook(join(root, 'nowhere'))).rejects.toThrow(/does not exist/);
  });

  it('rejects a book whose only lesson is missing', async () => {
    const error = await readBook(await tree('no-lessons', { 'book.yaml': MINI_MANIFEST })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BookSourceError);
    expect((error as BookSourceError).problems).toEqual([
      { path: 'book.yaml', message: 'the book has no lessons' },
      { path: 'one.md', message: expect.stringContaining('lesson file not found (listed in book.yaml line 10 as "one")') as string },
    ]);
    expect((error as Error).message).toMatch(/the book has no lessons\nAlso found while reading the files:\n {2}- one\.md: lesson file not found/);
  });

  it('rejects a chapter prerequisite naming a chapter that does not exist', async () => {
    const manifest = MINI_MANIFEST.replace('        title: First', '        title: First\n        prerequisites: [7]');
    const error = await readBook(await tree('missing-chapter', { 'book.yaml': manifest, 'one.md': 'Text.\n' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BookSourceError);
    expect((error as Error).message).toContain('chapter 1 (first) needs chapter 7, which does not exist');
  });
});

describe('naming helpers', () => {
  it('makes URL-safe slugs', () => {
    expect(toUrlSlug('Crème Brûlée & ROS 2!')).toBe('creme-brulee-ros-2');
    expect(toUrlSlug('--Already--slugged--')).toBe('already-slugged');
    expect(toUrlSlug('روبوٹ')).toBe('');
  });

  it('splits number prefixes and prettifies names', () => {
    expect(splitNumberPrefix('01-intro')).toEqual({ number: 1, rest: 'intro' });
    expect(splitNumberPrefix('10_advanced.topics')).toEqual({ number: 10, rest: 'advanced.topics' });
    expect(splitNumberPrefix('2024')).toEqual({ rest: '2024' });
    expect(prettifyName('02-getting-started.mdx')).toBe('Getting started');
    expect(prettifyName('sensor_fusion')).toBe('Sensor fusion');
  });

  it('dedupes slugs with a prefix, then a counter', () => {
    const taken = new Set<string>();
    expect(uniqueSlug('intro', taken, 'ch1')).toBe('intro');
    expect(uniqueSlug('intro', taken, 'ch2')).toBe('ch2-intro');
    expect(uniqueSlug('intro', taken, 'ch2')).toBe('ch2-intro-2');
    expect(uniqueSlug('intro', taken)).toBe('intro-2');
  });
});
