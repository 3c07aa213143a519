import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LEARNING_GOALS } from '@lectern/api-types';
import type { ReadBookResult, SourceLesson } from './book-source.types';
import { parseMarkdown, plainText, type Root } from '@lectern/markdown';
import { readBook } from './read-book';

const FIXTURE = join(__dirname, '../test-fixtures/docusaurus-book');

const lessonsOf = (result: ReadBookResult): SourceLesson[] => result.book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons));
const lesson = (result: ReadBookResult, slug: string): SourceLesson => {
  const found = lessonsOf(result).find((l) => l.slug === slug);
  if (!found) throw new Error(`no lesson ${slug}`);
  return found;
};

/** Each line of the document's prose (paragraphs, headings, lists; not code). */
function proseLines(root: Root): string[] {
  return root.children.filter((node) => node.type !== 'code').flatMap((node) => plainText(node).split('\n'));
}

describe('a Docusaurus docs tree (test-fixtures/docusaurus-book)', () => {
  let result: ReadBookResult;
  beforeAll(async () => {
    result = await readBook(FIXTURE);
  });

  it('is detected and takes the book title and tagline from docusaurus.config.js', () => {
    expect(result.format).toBe('docusaurus');
    expect(result.book).toMatchObject({ slug: 'robot-cookbook', title: 'Robot Cookbook', description: 'Small recipes for small robots', version: '1.0.0' });
  });

  it('maps the tree as the site shows it: parts, chapters, loose docs as chapters of their own, no invented layers', () => {
    const outline = result.book.parts.map((p) => ({
      part: [p.number, p.slug, p.title, p.layer, p.implicit ?? false],
      chapters: p.chapters.map((c) => [c.number, c.localNumber, c.slug, c.title, c.lessons.map((l) => l.slug)]),
    }));
    expect(outline).toEqual([
      {
        part: [1, 'basics', 'Robot Basics', null, false],
        chapters: [
          // The generated index of basics/_category_.json (link: generated-index), first in its part.
          [1, 1, 'robot-basics', 'Robot Basics', ['robot-basics']],
          [2, 2, 'sensing', 'Sensing the World', ['lidar', 'cameras', 'imu-fusion']],
          [3, 3, 'motion', 'motion', ['wheels', 'legs', 'balance']],
          [4, 4, 'overview', 'Overview', ['overview']],
        ],
      },
      { part: [2, 'welcome-to-the-cookbook', 'Welcome to the Cookbook', null, true], chapters: [[5, 1, 'welcome-to-the-cookbook', 'Welcome to the Cookbook', ['welcome']]] },
      {
        part: [3, 'projects', 'Projects', null, false],
        chapters: [
          [6, 1, 'line-follower', 'Line Follower', ['line-follower', 'wiring-guide']],
          [7, 2, 'obstacle-avoider', 'obstacle-avoider', ['obstacle-avoider-overview']],
        ],
      },
      { part: [4, 'setting-up', 'Setting Up', null, true], chapters: [[8, 1, 'setting-up', 'Setting Up', ['setup']]] },
    ]);
    expect(result.book.layers).toEqual([]);
    expect(result.book.parts[2].chapters[0].overview).toBe('line-follower');
    expect(result.book.parts.flatMap((p) => p.chapters).every((c) => c.prerequisites.length === 0)).toBe(true);
  });

  it('takes titles from front matter, else the first H1, else sidebar_label', () => {
    expect(lessonsOf(result).map((l) => [l.slug, l.title])).toEqual([
      ['robot-basics', 'Robot Basics'],
      ['lidar', 'LiDAR'],
      ['cameras', 'Cameras'],
      ['imu-fusion', 'IMU Fusion'],
      ['wheels', 'Wheels'],
      ['legs', 'Walking on Legs'],
      ['balance', 'Balance'],
      ['overview', 'Overview'],
      ['welcome', 'Welcome to the Cookbook'],
      ['line-follower', 'Line Follower'],
      ['wiring-guide', 'Wiring the Line Follower'],
      ['obstacle-avoider-overview', 'Obstacle Avoider Overview'],
      ['setup', 'Setting Up'],
    ]);
  });

  it('gives every lesson the part layer, all five goals, type lesson, minutes and its source path', () => {
    for (const part of result.book.parts) {
      for (const l of part.chapters.flatMap((c) => c.lessons)) {
        expect(l).toMatchObject({ layer: null, goals: [...LEARNING_GOALS], type: 'lesson', prerequisites: [] });
        expect(l.estimatedMinutes).toBeGreaterThanOrEqual(1);
        expect(l.sourcePath).toMatch(/^docs\/.+\.(?:mdx?|json)$/);
      }
    }
    expect(lesson(result, 'legs').sourcePath).toBe('docs/basics/02-motion/02-legs.mdx');
  });

  it('skips partials, drafts and folders without docs, and reports each problem once with its line', () => {
    const paths = lessonsOf(result).map((l) => l.sourcePath);
    expect(paths.some((p) => p.includes('_shared') || p.includes('_snippets') || p.includes('draft-notes') || p.includes('broken'))).toBe(false);
    expect(result.problems).toEqual([
      {
        path: 'docs/02-projects/obstacle-avoider/broken.md',
        line: 3,
        message: expect.stringMatching(/^front matter: YAML syntax error.*the doc is skipped/) as string,
      },
      { path: 'docs/basics/02-motion/02-legs.mdx', line: 19, message: expect.stringMatching(/^component <Highlight> is not supported.*\(1 use in the book\)$/) as string },
      { path: 'docs/basics/02-motion/02-legs.mdx', line: 21, message: expect.stringMatching(/^component <Diagram> is not supported/) as string },
      { path: 'docs/basics/02-motion/draft-notes.md', message: 'draft: true; left out' },
      { path: 'docs/intro.md', line: 16, message: expect.stringContaining('"./basics/missing.md"') as string },
    ]);
  });

  it('rewrites file, route and URL-relative doc links to /lessons/<slug>, not touching code', () => {
    const intro = lesson(result, 'welcome').markdown;
    expect(intro).toContain('[the wheels](/lessons/wheels)');
    expect(intro).toContain('[walking](/lessons/legs#gait-cycle)');
    expect(intro).toContain('[camera recipe](/lessons/cameras)');
    expect(intro).toContain('[Docusaurus](https://docusaurus.io/docs)');
    expect(intro).toContain('[the team](mailto:team@example.com)');
    expect(intro).toContain('[the outline](#outline)');
    const robotSha = createHash('sha256').update(readFileSync(join(FIXTURE, 'docs/img/robot.png'))).digest('hex');
    expect(intro).toContain(`![A small robot](/api/content/assets/${robotSha}.png)`);
    expect(result.book.assets?.map((a) => [a.sha256, a.ext, a.contentType, a.path])).toEqual([[robotSha, 'png', 'image/png', 'docs/img/robot.png']]);
    expect(intro).toContain('[gone](./basics/missing.md)');
    expect(intro).toContain('`[not a link](./setup.mdx)`');
    expect(intro).toContain('```md\n[Also not a link](./basics/overview.md)\n```');
    expect(lesson(result, 'wheels').markdown).toBe(
      'Two wheels and a caster make the simplest mobile robot. Next: [legs](/lessons/legs),\n' +
        '[balance](/lessons/balance) and back to the [overview](/lessons/overview).\n',
    );
    expect(lesson(result, 'line-follower').markdown).toContain('[wiring](/lessons/wiring-guide#parts-list)');
    expect(lesson(result, 'obstacle-avoider-overview').markdown).toContain('[LiDAR](/lessons/lidar)');
  });

  it('strips a duplicated H1 title', () => {
    expect(lesson(result, 'welcome').markdown.startsWith('This cookbook collects')).toBe(true);
    expect(lesson(result, 'setup').markdown.startsWith('You need a microcontroller board')).toBe(true);
  });

  it('turns MDX into Lectern blocks: imports, exports and comments go, Tabs become tabs, other components placeholders', () => {
    const legs = lesson(result, 'legs').markdown;
    // Outside code, no line of prose is an import or export.
    expect(proseLines(parseMarkdown(legs).root).filter((line) => /^(?:import|export) /.test(line))).toEqual([]);
    expect(legs).toMatch(/^import x from 'y';$/m);
    expect(legs).not.toContain('@theme/Tabs');
    expect(legs).not.toContain("phases: ['stance'");
    expect(legs).not.toContain('editors only');
    expect(legs).not.toContain('<Diagram');
    expect(legs).not.toContain('<Highlight');
    expect(legs.startsWith('Legs let a robot step over obstacles. <span data-lx="component" data-name="Highlight">')).toBe(true);
    expect(legs).toContain(
      '## Gait cycle\n\n<div data-lx="tabs">\n\n<div data-lx="tab" data-label="Python">\n\nRun the Python controller:\n\n```python\nimport gait\ngait.walk(speed=0.2)\n```\n\n</div>\n\n<div data-lx="tab" data-label="cpp">\n\nThe C++ controller is faster.\n\n</div>\n\n</div>',
    );
    expect(lesson(result, 'setup').markdown).toBe(
      'You need a microcontroller board, two motors and a battery. See the\n[overview](/lessons/overview) first.\n\n[Open the overview](/lessons/overview)\n',
    );
  });

  it('keeps fenced code byte for byte, including import lines and JSX tags in it', () => {
    const fence = ['```jsx title="Example.jsx"', "import x from 'y';", 'export const answer = 42;', '', '<Tag>', '  <TabItem value="kept" />', '</Tag>', '```'].join('\n');
    expect(readFileSync(join(FIXTURE, 'docs/basics/02-motion/02-legs.mdx'), 'utf8')).toContain(fence);
    expect(lesson(result, 'legs').markdown).toContain(fence);
  });

  it('keeps admonitions and <details> as written', () => {
    const legs = lesson(result, 'legs').markdown;
    for (const block of [
      ':::tip[Start slowly]\nBegin with a low walking speed.\n:::',
      ':::warning Watch the battery\nWalking drains it fast.\n:::',
      ':::note\nEvery gait has a stance phase and a swing phase.\n:::',
      ':::info\nHumanoids use the same ideas.\n:::',
      ':::danger\nNever test on a table edge.\n:::',
      '<details>\n<summary>Why legs?</summary>\n\nStairs.\n\n</details>',
    ]) {
      expect(legs).toContain(block);
    }
  });
});

describe('Docusaurus trees built on the fly', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-docusaurus-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function tree(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it('reads a folder that is itself the docs root, invents no layers and names the book after the folder', async () => {
    const files: Record<string, string> = {};
    for (let n = 1; n <= 6; n++) files[`${n}-unit-${n}/lesson.md`] = `---\ntitle: Lesson ${n}\n---\nText ${n}.\n`;
    files['1-unit-1/_category_.yml'] = 'label: First Unit\n';
    const result = await readBook(await tree('my-course', files));
    expect(result.format).toBe('docusaurus');
    expect(result.book.title).toBe('My course');
    expect(result.book.slug).toBe('my-course');
    expect(result.book.parts.map((p) => [p.title, p.implicit])).toEqual([['My course', true]]);
    expect(result.book.parts[0].chapters.map((c) => c.title)).toEqual(['First Unit', 'unit-2', 'unit-3', 'unit-4', 'unit-5', 'unit-6']);
    expect(result.book.layers).toEqual([]);
    expect(lessonsOf(result).map((l) => l.slug)).toEqual(['lesson', 'unit-2-lesson', 'unit-3-lesson', 'unit-4-lesson', 'unit-5-lesson', 'unit-6-lesson']);
  });

  it('applies lectern.yaml overrides and Lectern front matter fields', async () => {
    const dir = await tree('with-overrides', {
      'lectern.yaml': [
        'slug: robots-101',
        'title: Robots 101',
        'version: 2.0.0',
        'goals: [hobby, teaching]',
        'layers:',
        '  - { id: L1, label: Basics }',
        '  - { id: L2, label: Building }',
        'parts:',
        '  build: { layer: L1-L2, weeks: "2-3", transitionCheck: Did it move? }',
      ].join('\n'),
      'docs/learn/x/a.md': '---\ntitle: A\n---\nA.\n',
      'docs/build/y/b.md': '---\ntitle: B\nlayer: theirs\nlectern:\n  layer: L2\n  goals: [research]\n  prerequisites: [a]\n  type: lab\n  estimatedMinutes: 25\n---\nB.\n',
      'docs/build/y/c.md': '---\ntitle: C\n---\nC.\n',
    });
    const result = await readBook(dir);
    expect(result.book).toMatchObject({ slug: 'robots-101', title: 'Robots 101', version: '2.0.0', layers: [{ label: 'Basics' }, { label: 'Building' }] });
    expect(result.book.parts.map((p) => [p.slug, p.layer, p.weeks, p.transitionCheck])).toEqual([
      ['build', 'L1-L2', '2-3', 'Did it move?'],
      ['learn', 'L1', undefined, undefined],
    ]);
    expect(lesson(result, 'b')).toMatchObject({ layer: 'L2', goals: ['research'], prerequisites: ['a'], type: 'lab', estimatedMinutes: 25 });
    expect(lesson(result, 'c')).toMatchObject({ layer: 'L1', goals: ['hobby', 'teaching'] });
  });

  it('reports a broken _category_.json with its line and falls back to the folder name', async () => {
    const dir = await tree('bad-category', {
      'docs/01-getting-started/_category_.json': '{\n  "label": "Getting Started",\n  "position": 1,\n}\n',
      'docs/01-getting-started/intro.md': '# Intro\n\nHello.\n',
    });
    const result = await readBook(dir);
    expect(result.book.parts[0].chapters[0].title).toBe('getting-started');
    expect(result.problems).toEqual([
      { path: 'docs/01-getting-started/_category_.json', line: expect.any(Number) as number, message: expect.stringContaining('not valid JSON') as string },
    ]);
    expect(result.problems[0].line).toBeGreaterThanOrEqual(3);
  });

  it('warns about a lectern prerequisite that names no lesson, and imports the rest; the author\'s own prerequisites: is theirs', async () => {
    const dir = await tree('bad-prerequisite', {
      'docs/part/a.md': '---\nprerequisites: Some algebra\nlayer: 3\nlectern:\n  prerequisites: [nowhere]\n---\n# A\n',
    });
    const result = await readBook(dir);
    expect(lesson(result, 'a').prerequisites).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual(['lectern.prerequisites: "nowhere" is not a lesson of this book; ignored']);
  });

});
