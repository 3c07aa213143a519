import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEARNING_GOALS } from '@lectern/api-types';
import { parse } from 'yaml';
import { BookSourceError, type ReadBookResult, type SourceLesson } from './book-source.types';
import { parseManifest } from './lectern-format';
import { expandLayerRange } from './lesson-fields';
import { links, parseMarkdown } from '@lectern/markdown';
import { readBook } from './read-book';

const CONTENT = join(__dirname, '../../../content');
const FIXTURES = join(__dirname, '../test-fixtures');

const lessonsOf = (result: ReadBookResult): SourceLesson[] => result.book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons));

async function bookError(promise: Promise<unknown>): Promise<BookSourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BookSourceError) return error;
    throw error;
  }
  throw new Error('expected a BookSourceError');
}

function manifestError(yamlText: string): BookSourceError {
  try {
    parseManifest(yamlText, 'book.yaml');
  } catch (error) {
    if (error instanceof BookSourceError) return error;
    throw error;
  }
  throw new Error('expected a BookSourceError');
}

describe('the sample book (content/book.yaml), per CURRICULUM.md', () => {
  let result: ReadBookResult;
  beforeAll(async () => {
    result = await readBook(CONTENT);
  });

  const PARTS = [
    { number: 1, title: 'Physical AI Foundations', layer: 'L1', chapters: [1, 2, 3] },
    { number: 2, title: 'ROS 2 Fundamentals', layer: 'L2-L3', chapters: [4, 5, 6, 7] },
    { number: 3, title: 'Simulation Systems', layer: 'L2', chapters: [8, 9, 10, 11] },
    { number: 4, title: 'NVIDIA Isaac Robotics AI', layer: 'L2-L3', chapters: [12, 13, 14] },
    { number: 5, title: 'Vision-Language-Action', layer: 'L4', chapters: [15, 16, 17] },
    { number: 6, title: 'Capstone Project', layer: 'L5', chapters: [18] },
  ];
  const CHAPTER_TITLES = [
    'What Is Physical AI? The Rise of Embodied Intelligence',
    'Sensors, Actuators & the Humanoid Body Plan',
    'The Humanoid Robotics Landscape',
    'ROS 2 Architecture',
    'Creating ROS 2 Packages with Python',
    'URDF for Humanoids',
    'Bridging AI Agents to ROS 2',
    'Digital Twins',
    'Gazebo Simulation',
    'Unity for Robotics',
    'Sensor Simulation',
    'Isaac Sim Fundamentals',
    'Isaac ROS Perception',
    'Nav2 for Humanoids',
    'Whisper for Voice-to-Action',
    'Cognitive Planning (LLM to ROS 2)',
    'Multimodal Perception',
    'Build an Autonomous Humanoid Robot',
  ];
  const CHAPTER_PREREQUISITES: Record<number, number[]> = {
    1: [],
    2: [1],
    3: [1],
    4: [3],
    5: [4],
    6: [4],
    7: [5, 6],
    8: [6],
    9: [8],
    10: [8],
    11: [9],
    12: [9],
    13: [12],
    14: [13],
    15: [7],
    16: [15],
    17: [16],
    18: [14, 17],
  };

  it('is read in the Lectern format with the book metadata and five layers', () => {
    expect(result.format).toBe('lectern');
    expect(result.book).toMatchObject({ slug: 'robo-genesis-ai', title: 'Physical AI & Humanoid Robotics', version: '1.0.0' });
    expect(result.book.layers.map((l) => l.id)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
    expect(result.book.layers[0].label).toBe('Conceptual foundations');
  });

  it('has 6 parts with their titles, layers and chapters in order', () => {
    expect(result.book.parts.map((p) => ({ number: p.number, title: p.title, layer: p.layer, chapters: p.chapters.map((c) => c.number) }))).toEqual(PARTS);
    expect(result.book.parts[5].transitionCheck).toBe('Does your design respect the safety constraints?');
    expect(result.book.parts.map((p) => p.weeks)).toEqual(['1-2', '3-5', '6-7', '8-10', '11-12', '13']);
  });

  it('has 18 chapters numbered 1-18, local numbers per part, titles from the outline', () => {
    const chapters = result.book.parts.flatMap((p) => p.chapters);
    expect(chapters.map((c) => c.number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(chapters.map((c) => c.title)).toEqual(CHAPTER_TITLES);
    expect(result.book.parts.map((p) => p.chapters.map((c) => c.localNumber))).toEqual([[1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3], [1, 2, 3], [1]]);
  });

  it('has the chapter prerequisites exactly as in the outline', () => {
    const prerequisites = Object.fromEntries(result.book.parts.flatMap((p) => p.chapters.map((c) => [c.number, c.prerequisites])));
    expect(prerequisites).toEqual(CHAPTER_PREREQUISITES);
  });

  it('imports every lesson whose file exists, in manifest order, and reports only the missing ones', () => {
    const manifest = parse(readFileSync(join(CONTENT, 'book.yaml'), 'utf8')) as {
      parts: { chapters: { lessons: { slug: string; file: string }[] }[] }[];
    };
    const entries = manifest.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons));
    const present = entries.filter((e) => existsSync(join(CONTENT, e.file)));
    expect(entries.length).toBeGreaterThanOrEqual(18);
    expect(lessonsOf(result).map((l) => l.slug)).toEqual(present.map((e) => e.slug));
    for (const problem of result.problems) {
      expect(problem.message).toMatch(/lesson file not found|does not point at a lesson|is dropped: that lesson was skipped/);
    }
    for (const missing of entries.filter((e) => !present.includes(e))) {
      expect(result.problems).toContainEqual(expect.objectContaining({ path: missing.file, message: expect.stringContaining('not found') }));
    }
  });

  it('gives every lesson goals, a layer within its part, a title, minutes and a body without front matter', () => {
    for (const part of result.book.parts) {
      for (const lesson of part.chapters.flatMap((c) => c.lessons)) {
        expect(lesson.goals.length).toBeGreaterThan(0);
        expect(lesson.goals.every((g) => (LEARNING_GOALS as readonly string[]).includes(g))).toBe(true);
        expect(expandLayerRange(part.layer ?? '')).toContain(lesson.layer);
        expect(lesson.title).not.toBe('');
        expect(lesson.estimatedMinutes).toBeGreaterThanOrEqual(1);
        expect(lesson.markdown.startsWith('---')).toBe(false);
      }
    }
    const layerOf = (slug: string): string | null | undefined => lessonsOf(result).find((l) => l.slug === slug)?.layer;
    const available = new Set(lessonsOf(result).map((l) => l.slug));
    if (available.has('digital-ai-vs-physical-ai')) expect(layerOf('digital-ai-vs-physical-ai')).toBe('L1');
    if (available.has('describing-a-humanoid-in-urdf')) expect(layerOf('describing-a-humanoid-in-urdf')).toBe('L2');
    if (available.has('nodes-topics-services-actions')) expect(layerOf('nodes-topics-services-actions')).toBe('L3');
  });

  it('rewrites links between lessons to /lessons/<slug>; what is left points at a missing lesson and is reported', () => {
    const lessons = lessonsOf(result);
    const relativeDocLink = /^(?![a-z]+:|\/|#)[^\s]*\.mdx?(?:#\S*)?$/;
    for (const lesson of lessons) {
      const leftovers = links(parseMarkdown(lesson.markdown).root).filter((link) => relativeDocLink.test(link.url));
      const reported = result.problems.filter((p) => p.path === lesson.sourcePath && p.message.startsWith('link'));
      expect(leftovers.length).toBe(reported.length);
      for (const problem of reported) {
        const target = /it resolves to (\S+), which is not an imported lesson\)$/.exec(problem.message)?.[1];
        expect(target && existsSync(join(CONTENT, target))).toBe(false);
      }
    }
    const urdf = lessons.find((l) => l.slug === 'your-first-ros2-python-package');
    if (urdf) expect(urdf.markdown).toContain('](/lessons/nodes-topics-services-actions)');
    const allLinks = lessons.flatMap((l) => l.markdown.match(/\]\(\/lessons\/[a-z0-9-]+(?:#[^)]*)?\)/g) ?? []);
    expect(allLinks.length).toBeGreaterThan(0);
    const slugs = new Set(lessons.map((l) => l.slug));
    for (const link of allLinks) expect(slugs.has(/\/lessons\/([a-z0-9-]+)/.exec(link)?.[1] ?? '')).toBe(true);
  });
});

describe('a Lectern book with a broken lesson file (test-fixtures/lectern-broken)', () => {
  let result: ReadBookResult;
  beforeAll(async () => {
    result = await readBook(join(FIXTURES, 'lectern-broken'));
  });

  it('reports the broken front matter with its path and line, and skips only that lesson', () => {
    expect(result.problems).toContainEqual({
      path: 'part-1/ch01-basics/02-broken.md',
      line: expect.any(Number) as number,
      message: expect.stringMatching(/^front matter: YAML syntax error.*the lesson is skipped$/) as string,
    });
    const broken = result.problems.find((p) => p.path === 'part-1/ch01-basics/02-broken.md');
    expect(broken?.line).toBe(3);
    expect(lessonsOf(result).map((l) => l.slug)).toEqual(['hello', 'after-broken', 'practice']);
  });

  it('drops a prerequisite on the skipped lesson and reports the dead link to it', () => {
    const after = lessonsOf(result).find((l) => l.slug === 'after-broken');
    expect(after?.prerequisites).toEqual(['hello']);
    expect(result.problems).toContainEqual({ path: 'part-1/ch01-basics/03-after-broken.md', message: 'prerequisite "broken" is dropped: that lesson was skipped' });
    expect(result.problems).toContainEqual(expect.objectContaining({ path: 'part-1/ch01-basics/03-after-broken.md', line: 7 }));
  });

  it('merges manifest and front matter (front matter wins) and fills the defaults', () => {
    const [hello, after, practice] = lessonsOf(result);
    expect(hello).toMatchObject({ title: 'Hello, Robot', goals: ['hobby', 'teaching'], layer: 'L1', type: 'lesson', estimatedMinutes: 1 });
    expect(hello.markdown).toBe('The first lesson. Continue with [practice](/lessons/practice#try-it).\n');
    expect(after).toMatchObject({ title: 'After the Broken One', type: 'lab', goals: [...LEARNING_GOALS] });
    expect(after.markdown.startsWith('This lesson has no title')).toBe(true);
    expect(practice).toMatchObject({ layer: 'L2', estimatedMinutes: 12, markdown: '## Try it\n\nBuild something small.\n' });
    expect(result.book.layers).toEqual([
      { id: 'L1', label: 'Foundations' },
      { id: 'L2', label: 'Practice' },
    ]);
  });
});

describe('a Lectern book with a chapter prerequisite cycle (test-fixtures/lectern-cycle)', () => {
  it('is rejected with a BookSourceError naming the cycle', async () => {
    const error = await bookError(readBook(join(FIXTURES, 'lectern-cycle')));
    expect(error.message).toContain('chapter prerequisites form a cycle: 2 → 3 → 2');
    expect(error.problems).toEqual([{ path: 'book.yaml', message: 'chapter prerequisites form a cycle: 2 → 3 → 2' }]);
  });
});

describe('parseManifest', () => {
  const valid = [
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
  ];

  it('fills defaults: description, version, part number and slug, chapter slug, layers from the parts', () => {
    const { manifest, warnings } = parseManifest(valid.join('\n'));
    expect(warnings).toEqual([]);
    expect(manifest).toMatchObject({
      slug: 'mini',
      description: '',
      version: '1.0.0',
      layers: [{ id: 'L1', label: 'Layer 1' }],
      parts: [{ number: 1, slug: 'only', chapters: [{ number: 1, localNumber: 1, slug: 'first', prerequisites: [] }] }],
    });
  });

  it('reports a YAML syntax error with its line', () => {
    const error = manifestError('slug: mini\ntitle: [unclosed\nparts: []\n');
    expect(error.message).toMatch(/^book\.yaml is not valid YAML/);
    expect(error.problems[0]).toMatchObject({ path: 'book.yaml', line: expect.any(Number) as number });
  });

  it('reports every missing field and wrong type with its line', () => {
    const text = [
      'slug: mini',
      'parts:',
      '  - title: Only',
      '    layer: L9-L2',
      '    chapters:',
      '      - number: first',
      '        title: First',
      '        prerequisites: one',
      '        lessons:',
      '          - { slug: one, goals: [hobby, fame], estimatedMinutes: -3 }',
      '          - { slug: two, file: ../outside.md }',
    ].join('\n');
    const error = manifestError(text);
    expect(error.problems).toEqual([
      { path: 'book.yaml', line: 1, message: 'missing required field "title"' },
      { path: 'book.yaml', line: 4, message: 'parts[0].layer: "layer" must be a layer (L2) or an ascending range (L2-L3), got "L9-L2"' },
      { path: 'book.yaml', line: 6, message: 'parts[0].chapters[0].number: "number" must be a whole number above 0 (got "first")' },
      { path: 'book.yaml', line: 8, message: 'parts[0].chapters[0].prerequisites: "prerequisites" must be a list of chapter numbers' },
      { path: 'book.yaml', line: 10, message: 'parts[0].chapters[0].lessons[0]: missing required field "file"' },
      { path: 'book.yaml', line: 10, message: expect.stringContaining('unknown goal "fame"') as string },
      { path: 'book.yaml', line: 10, message: expect.stringContaining('"estimatedMinutes" must be a whole number') as string },
      { path: 'book.yaml', line: 11, message: expect.stringContaining('must be a path inside the book folder') as string },
    ]);
    expect(error.message).toContain('book.yaml:6: parts[0].chapters[0].number');
  });

  it('rejects duplicate chapter numbers and lesson slugs, pointing at the second one', () => {
    const text = [
      ...valid,
      '      - number: 1',
      '        title: Again',
      '        lessons:',
      '          - { slug: one, file: two.md }',
    ].join('\n');
    expect(manifestError(text).problems).toEqual([
      { path: 'book.yaml', line: 11, message: 'parts[0].chapters[1].number: chapter number 1 is used twice' },
      { path: 'book.yaml', line: 14, message: 'parts[0].chapters[1].lessons[0].slug: lesson slug "one" is already used on line 10' },
    ]);
  });

  it('warns about unknown fields without failing', () => {
    const { warnings } = parseManifest([...valid.slice(0, 9), '          - { slug: one, file: one.md, prerequisite: [x] }'].join('\n'));
    expect(warnings).toEqual([{ path: 'book.yaml', line: 10, message: 'parts[0].chapters[0].lessons[0].prerequisite: unknown field "prerequisite" is ignored' }]);
  });
});
