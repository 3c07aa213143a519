import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadBookResult, SourceLesson } from './book-source.types';
import { compareSortEntries, docId, globToRegExp, isExcluded, isIndexDoc, planDoc } from './docusaurus/plan';
import { readBook } from './read-book';

const FIXTURES = join(__dirname, '../test-fixtures');

/** The tree as `P title / C title / lesson-slug "title" [groups]` lines, in order. */
function outline(result: ReadBookResult): string[] {
  const lines: string[] = [];
  for (const part of result.book.parts) {
    lines.push(`P ${part.title}${part.implicit ? ' (implicit)' : ''}${part.overview ? ` → ${part.overview}` : ''}`);
    for (const chapter of part.chapters) {
      lines.push(`  C${chapter.number} ${chapter.title}${chapter.overview ? ` → ${chapter.overview}` : ''}`);
      for (const lesson of chapter.lessons) lines.push(`    ${lesson.slug} "${lesson.title}"${lesson.groups?.length ? ` [${lesson.groups.join(' > ')}]` : ''}`);
    }
  }
  return lines;
}

const lessonOf = (result: ReadBookResult, slug: string): SourceLesson => {
  const found = result.book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons)).find((l) => l.slug === slug);
  if (!found) throw new Error(`no lesson ${slug}`);
  return found;
};

describe('Docusaurus rules (pure)', () => {
  it.each([
    [{ position: 1, name: 'z.md' }, { name: '01-a.md' }, -1],
    [{ name: '02-a.md' }, { name: '10-b.md' }, -1],
    [{ name: '01-z.md' }, { name: 'a.md' }, -1],
    [{ name: 'b.md' }, { name: 'a.md' }, 1],
    [{ position: 2, name: 'a.md' }, { position: 1, name: 'b.md' }, 1],
  ])('sorts by position, then number prefix, then name: %o vs %o', (a, b, sign) => {
    expect(Math.sign(compareSortEntries(a, b))).toBe(sign);
  });

  it.each([
    ['a/index.md', true],
    ['a/README.md', true],
    ['sensors/Sensors.mdx', true],
    ['a/intro.md', false],
  ])('index page %s → %s', (path, expected) => expect(isIndexDoc(path)).toBe(expected));

  it('strips number prefixes from ids; front matter id replaces the name', () => {
    expect(docId('01-basics/02-motion/03-wheels.md', {})).toBe('basics/motion/wheels');
    expect(docId('01-basics/x.md', { id: 'custom' })).toBe('basics/custom');
    // Version- and date-like names are not number prefixes (as in Docusaurus).
    expect(docId('module-1/1.1-intro/index.md', {})).toBe('module-1/1.1-intro/index');
    expect(docId('2021-11-notes.md', {})).toBe('2021-11-notes');
  });

  it('applies default and configured exclusions', () => {
    expect(isExcluded('a/_partial.md')).toBe(true);
    expect(isExcluded('_snippets/x.md')).toBe(true);
    expect(isExcluded('a/__tests__/x.md')).toBe(true);
    expect(isExcluded('a/lesson.md')).toBe(false);
    expect(isExcluded('x/templates/t.md', ['**/templates/**'])).toBe(true);
    expect(globToRegExp('**/*.{md,mdx}').test('a/b/c.mdx')).toBe(true);
  });

  it('titles: front matter title, else first H1, else sidebar_label, else file name; labels prefer sidebar_label', () => {
    expect(planDoc({ path: '01-x.md', front: { title: 'T', sidebar_label: 'L' }, firstHeading: 'H' })).toMatchObject({ title: 'T', label: 'L', titleFromHeading: false });
    expect(planDoc({ path: '01-x.md', front: {}, firstHeading: 'H' })).toMatchObject({ title: 'H', label: 'H', titleFromHeading: true });
    expect(planDoc({ path: '01-x.md', front: {} })).toMatchObject({ title: 'x', label: 'x' });
  });
});

describe('a five-level Docusaurus book (test-fixtures/dz-rules)', () => {
  let result: ReadBookResult;
  beforeAll(async () => {
    result = await readBook(join(FIXTURES, 'dz-rules'));
  });

  it('keeps the tree, order and titles the site shows: index pages first, deeper levels as groups, no doc lost', () => {
    expect(outline(result)).toEqual([
      'P Welcome (implicit)',
      '  C1 Welcome',
      '    intro "Welcome"',
      'P Foundations → foundations',
      '  C2 About the foundations',
      '    foundations "About the foundations"',
      '  C3 actuators',
      '    motors "Motors"',
      '  C4 Sensors → sensors',
      '    sensors "Sensors"',
      '    lidar "LiDAR"',
      '    quiz "Sensors quiz"',
      '    deep-intro "Deeper into sensors" [Going deeper]',
      '    level4 "Level four" [Going deeper > Level four]',
      '    fusion "Sensor fusion" [Going deeper > Level four > level5]',
      '    cameras "Cameras"',
      'P appendix → appendix-index',
      '  C5 Appendix pages',
      '    appendix-index "Appendix pages"',
      '  C6 glossary',
      '    terms "Terms"',
      '  C7 Sloppy MDX',
      '    sloppy "Sloppy MDX"',
    ]);
  });

  it('ignores the author front matter keys named like Lectern fields; reads Lectern fields under lectern:', () => {
    expect(lessonOf(result, 'intro')).toMatchObject({ prerequisites: [], layer: null });
    expect(lessonOf(result, 'quiz')).toMatchObject({ type: 'summary', prerequisites: ['lidar'] });
    expect(result.book.layers).toEqual([]);
  });

  it('reports each problem once with its path (and line where there is one); excluded files are silent', () => {
    const messages = result.problems.map((p) => `${p.path}${p.line ? `:${p.line}` : ''} ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^docs\/01-foundations\/01-actuators\/motors\.mdx:\d+ component <Quiz> is not supported.*\(2 uses in the book\)$/),
      'docs/01-foundations/02-sensors/01-lidar.md:13 image "./missing-figure.png" is missing (looked for docs/01-foundations/02-sensors/missing-figure.png)',
      'docs/01-foundations/02-sensors/02-quiz.md lectern.prerequisites: "not-a-lesson" is not a lesson of this book; ignored',
      'docs/01-foundations/wip.md draft: true; left out',
      expect.stringMatching(/^docs\/99-appendix\/sloppy\.mdx:3 MDX does not parse .*read as plain Markdown$/),
    ]);
  });

  it('turns MDX into Lectern blocks: tabs, details, admonitions, code titles and highlights, directives, placeholders without props', () => {
    const md = lessonOf(result, 'motors').markdown;
    expect(md).not.toMatch(/import /);
    expect(md).toContain('<div data-lx="tabs">');
    expect(md).toContain('<div data-lx="tab" data-label="Python">');
    expect(md).toContain('```python title="spin.py" {1-2}\nmotor.spin()\nmotor.stop()\n```');
    expect(md).toContain('<details>\n<summary>Why two motors?</summary>');
    expect(md).toContain(':::tip[Careful]');
    expect(md).toContain('data-lx="component" data-name="Quiz"><span data-lx="component-name">Quiz</span> Check yourself</');
    expect(md).not.toContain('THE-SECRET-ANSWER');
    expect(md).toContain('<div data-lx="tabs" data-label="Install">');
    expect(md).toContain('<div data-lx="tab" data-label="macOS">');
    expect(md).toContain('```js {1}\nconst a = 1;\nconst b = 2;\n```');
    expect(md).not.toContain('highlight-');
  });

  it('shows the first heading once when it is the title, and not at all with hide_title', () => {
    expect(lessonOf(result, 'lidar').markdown.startsWith('Laser ranging.\n')).toBe(true);
    expect(lessonOf(result, 'fusion').markdown).toBe('Five levels down.\n');
  });
});

describe('a category linked to a generated index (test-fixtures/dz-rules, 99-appendix)', () => {
  it('gets the overview page Docusaurus generates: its title, description and each item linked, first in the part', async () => {
    const result = await readBook(join(FIXTURES, 'dz-rules'));
    const appendix = result.book.parts.find((p) => p.title === 'appendix');
    expect(appendix?.overview).toBe('appendix-index');
    const page = appendix?.chapters[0].lessons[0];
    expect(page).toMatchObject({
      slug: 'appendix-index',
      title: 'Appendix pages',
      sourcePath: 'docs/99-appendix/_category_.json',
      markdown: 'Reference material for the whole book.\n\n- [glossary](/lessons/terms)\n- [Sloppy MDX](/lessons/sloppy)\n',
    });
  });
});

describe('images and files (test-fixtures/dz-rules)', () => {
  it('takes images from static/ and beside lessons, and linked files, under their SHA-256; rewrites the references', async () => {
    const result = await readBook(join(FIXTURES, 'dz-rules'));
    const sha = (path: string): string => createHash('sha256').update(readFileSync(join(FIXTURES, 'dz-rules', path))).digest('hex');
    const logo = sha('static/img/logo.svg');
    const beam = sha('docs/01-foundations/02-sensors/lidar-beam.gif');
    const scan = sha('docs/01-foundations/02-sensors/scan.csv');
    const md = lessonOf(result, 'lidar').markdown;
    expect(md).toContain(`![Logo](/api/content/assets/${logo}.svg)`);
    expect(md).toContain(`![Beam](/api/content/assets/${beam}.gif)`);
    expect(md).toContain('![Gone](./missing-figure.png)');
    expect(md).toContain(`[the scan](/api/content/assets/${scan}.csv)`);
    expect(result.book.assets?.map((a) => [a.ext, a.contentType, a.path]).sort()).toEqual([
      ['csv', 'text/csv; charset=utf-8', 'docs/01-foundations/02-sensors/scan.csv'],
      ['gif', 'image/gif', 'docs/01-foundations/02-sensors/lidar-beam.gif'],
      ['svg', 'image/svg+xml', 'static/img/logo.svg'],
    ]);
  });
});

describe('sidebars.ts is the order (test-fixtures/dz-sidebars)', () => {
  it('evaluates the sidebars file in a child process and follows it; unlisted docs are left out and reported', async () => {
    const result = await readBook(join(FIXTURES, 'dz-sidebars'));
    expect(outline(result)).toEqual([
      'P Dz sidebars (implicit)',
      '  C1 Welcome aboard',
      '    welcome "Welcome aboard"',
      '  C2 Getting Started → overview',
      '    overview "Getting started overview"',
      '    install "Install"',
      '    first-robot "First robot"',
      '  C3 Reference',
      '    a "A reference"',
      '    b "B reference"',
    ]);
    expect(result.problems.map((p) => `${p.path} ${p.message}`)).toEqual(['docs/orphan.md not in the sidebars file (the site does not list it); left out']);
  });
});

describe('a flat book (test-fixtures/dz-flat)', () => {
  it('gets no made-up part title: one implicit part, one chapter per doc, by sidebar_position', async () => {
    const result = await readBook(join(FIXTURES, 'dz-flat'));
    expect(outline(result)).toEqual(['P Dz flat (implicit)', '  C1 First', '    a "First"', '  C2 Second', '    b "Second"', '  C3 Third', '    c "Third"']);
  });
});
