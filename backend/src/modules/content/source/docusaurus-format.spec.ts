import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LEARNING_GOALS } from '@lectern/api-types';
import { BookSourceError, type ReadBookResult, type SourceLesson } from './book-source.types';
import { maskCode } from './markdown';
import { readBook } from './read-book';

const FIXTURE = join(__dirname, '../test-fixtures/docusaurus-book');

const lessonsOf = (result: ReadBookResult): SourceLesson[] => result.book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons));
const lesson = (result: ReadBookResult, slug: string): SourceLesson => {
  const found = lessonsOf(result).find((l) => l.slug === slug);
  if (!found) throw new Error(`no lesson ${slug}`);
  return found;
};

describe('a Docusaurus docs tree (test-fixtures/docusaurus-book)', () => {
  let result: ReadBookResult;
  beforeAll(async () => {
    result = await readBook(FIXTURE);
  });

  it('is detected and takes the book title and tagline from docusaurus.config.js', () => {
    expect(result.format).toBe('docusaurus');
    expect(result.book).toMatchObject({ slug: 'robot-cookbook', title: 'Robot Cookbook', description: 'Small recipes for small robots', version: '1.0.0' });
  });

  it('maps root docs, top-level folders and sub-folders to parts and chapters, ordered by position, prefix and name', () => {
    const outline = result.book.parts.map((p) => ({
      part: [p.number, p.slug, p.title, p.layer],
      chapters: p.chapters.map((c) => [c.number, c.localNumber, c.slug, c.title, c.lessons.map((l) => l.slug)]),
    }));
    expect(outline).toEqual([
      { part: [1, 'introduction', 'Introduction', 'L1'], chapters: [[1, 1, 'introduction', 'Introduction', ['welcome', 'setup']]] },
      {
        part: [2, 'basics', 'Robot Basics', 'L2'],
        chapters: [
          [2, 1, 'basics', 'Robot Basics', ['overview']],
          [3, 2, 'sensing', 'Sensing the World', ['lidar', 'cameras', 'imu-fusion']],
          [4, 3, 'motion', 'Motion', ['wheels', 'legs', 'balance']],
        ],
      },
      {
        part: [3, 'projects', 'Projects', 'L3'],
        chapters: [
          [5, 1, 'line-follower', 'Line follower', ['line-follower', 'wiring-guide']],
          [6, 2, 'obstacle-avoider', 'Obstacle avoider', ['obstacle-avoider-overview']],
        ],
      },
    ]);
    expect(result.book.layers).toEqual([
      { id: 'L1', label: 'Layer 1' },
      { id: 'L2', label: 'Layer 2' },
      { id: 'L3', label: 'Layer 3' },
    ]);
    expect(result.book.parts.flatMap((p) => p.chapters).every((c) => c.prerequisites.length === 0)).toBe(true);
  });

  it('takes titles from front matter, else the first H1, else sidebar_label', () => {
    expect(lessonsOf(result).map((l) => [l.slug, l.title])).toEqual([
      ['welcome', 'Welcome to the Cookbook'],
      ['setup', 'Setting Up'],
      ['overview', 'Overview'],
      ['lidar', 'LiDAR'],
      ['cameras', 'Cameras'],
      ['imu-fusion', 'IMU Fusion'],
      ['wheels', 'Wheels'],
      ['legs', 'Walking on Legs'],
      ['balance', 'Balance'],
      ['line-follower', 'Line Follower'],
      ['wiring-guide', 'Wiring the Line Follower'],
      ['obstacle-avoider-overview', 'Obstacle Avoider Overview'],
    ]);
  });

  it('gives every lesson the part layer, all five goals, type lesson, minutes and its source path', () => {
    for (const part of result.book.parts) {
      for (const l of part.chapters.flatMap((c) => c.lessons)) {
        expect(l).toMatchObject({ layer: part.layer, goals: [...LEARNING_GOALS], type: 'lesson', prerequisites: [] });
        expect(l.estimatedMinutes).toBeGreaterThanOrEqual(1);
        expect(l.sourcePath).toMatch(/^docs\/.+\.mdx?$/);
      }
    }
    expect(lesson(result, 'legs').sourcePath).toBe('docs/basics/02-motion/02-legs.mdx');
  });

  it('skips partials, drafts and folders without docs, and reports the broken doc with its line', () => {
    const paths = lessonsOf(result).map((l) => l.sourcePath);
    expect(paths.some((p) => p.includes('_shared') || p.includes('_snippets') || p.includes('draft-notes') || p.includes('broken'))).toBe(false);
    expect(result.problems).toEqual([
      {
        path: 'docs/02-projects/obstacle-avoider/broken.md',
        line: 3,
        message: expect.stringMatching(/^front matter: YAML syntax error.*the doc is skipped$/) as string,
      },
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
    expect(intro).toContain('![A small robot](./img/robot.png)');
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

  it('degrades MDX to Markdown: imports, exports, comments and components go, Tabs become labels', () => {
    const legs = lesson(result, 'legs').markdown;
    expect(maskCode(legs)).not.toMatch(/^(?:import|export) /m);
    expect(legs).toMatch(/^import x from 'y';$/m);
    expect(legs).not.toContain('@theme/Tabs');
    expect(legs).not.toContain("phases: ['stance'");
    expect(legs).not.toContain('editors only');
    expect(legs).not.toContain('<Diagram');
    expect(legs).not.toContain('<Highlight');
    expect(legs.startsWith('Legs let a robot step over obstacles. Balance is everything.\n')).toBe(true);
    expect(legs).toContain('## Gait cycle\n\n**Python**\n\nRun the Python controller:\n\n```python\nimport gait\ngait.walk(speed=0.2)\n```\n\n**cpp**\n\nThe C++ controller is faster.');
    expect(lesson(result, 'setup').markdown).toBe(
      'You need a microcontroller board, two motors and a battery. See the\n[overview](/lessons/overview) first.\n\nOpen the overview\n',
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

  it('reads a folder that is itself the docs root, caps layers at L5 and names the book after the folder', async () => {
    const files: Record<string, string> = {};
    for (let n = 1; n <= 6; n++) files[`${n}-unit-${n}/lesson.md`] = `---\ntitle: Lesson ${n}\n---\nText ${n}.\n`;
    files['1-unit-1/_category_.yml'] = 'label: First Unit\n';
    const result = await readBook(await tree('my-course', files));
    expect(result.format).toBe('docusaurus');
    expect(result.book.title).toBe('My course');
    expect(result.book.slug).toBe('my-course');
    expect(result.book.parts.map((p) => [p.title, p.layer])).toEqual([
      ['First Unit', 'L1'],
      ['Unit 2', 'L2'],
      ['Unit 3', 'L3'],
      ['Unit 4', 'L4'],
      ['Unit 5', 'L5'],
      ['Unit 6', 'L5'],
    ]);
    expect(result.book.layers.map((l) => l.id)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
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
      'docs/learn/a.md': '---\ntitle: A\n---\nA.\n',
      'docs/build/b.md': '---\ntitle: B\nlayer: L2\ngoals: [research]\nprerequisites: [a]\ntype: lab\nestimatedMinutes: 25\n---\nB.\n',
      'docs/build/c.md': '---\ntitle: C\n---\nC.\n',
    });
    const result = await readBook(dir);
    expect(result.book).toMatchObject({ slug: 'robots-101', title: 'Robots 101', version: '2.0.0', layers: [{ label: 'Basics' }, { label: 'Building' }] });
    expect(result.book.parts.map((p) => [p.slug, p.layer, p.weeks, p.transitionCheck])).toEqual([
      ['build', 'L1-L2', '2-3', 'Did it move?'],
      ['learn', 'L2', undefined, undefined],
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
    expect(result.book.parts[0].title).toBe('Getting started');
    expect(result.problems).toEqual([
      { path: 'docs/01-getting-started/_category_.json', line: expect.any(Number) as number, message: expect.stringContaining('not valid JSON') as string },
    ]);
    expect(result.problems[0].line).toBeGreaterThanOrEqual(3);
  });

  it('rejects a lesson prerequisite that names no lesson', async () => {
    const dir = await tree('bad-prerequisite', { 'docs/part/a.md': '---\nprerequisites: [nowhere]\n---\n# A\n' });
    await expect(readBook(dir)).rejects.toThrow(BookSourceError);
    await expect(readBook(dir)).rejects.toThrow('lesson "a" needs lesson "nowhere", which does not exist');
  });
});
