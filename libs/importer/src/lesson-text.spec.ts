import { parseMarkdown } from '@lectern/markdown';
import type { SourceProblem } from './book-source.types';
import { estimateReadingMinutes, lessonBody, readFrontMatter, resolveLessonLink, titleHeading } from './lesson-text';

describe('readFrontMatter (the tree\'s yaml node)', () => {
  it('parses the YAML block with the file lines of its keys', () => {
    const result = readFrontMatter(parseMarkdown('---\ntitle: Hello\ngoals: [hobby]\n---\n# Hello\n\nText\n'));
    if (!result.ok) throw new Error(result.message);
    expect(result.data).toEqual({ title: 'Hello', goals: ['hobby'] });
    expect(result.lineOfKey('goals')).toBe(3);
  });

  it('accepts a file without front matter, CRLF line ends and a byte-order mark', () => {
    expect(readFrontMatter(parseMarkdown('# Only a body\n'))).toMatchObject({ ok: true, data: {} });
    expect(readFrontMatter(parseMarkdown('\uFEFF---\r\ntitle: Windows\r\n---\r\nBody\r\n'))).toMatchObject({ ok: true, data: { title: 'Windows' } });
  });

  it('treats an empty or comment-only block as no fields', () => {
    expect(readFrontMatter(parseMarkdown('---\n# just a comment\n---\nBody'))).toMatchObject({ ok: true, data: {} });
  });

  it('reports bad YAML with the file line of the error', () => {
    const result = readFrontMatter(parseMarkdown('---\ntitle: Fine\nsizes: {a: 1\nother: 2\n---\nBody\n'));
    expect(result).toMatchObject({ ok: false, kind: 'yaml', line: 3, message: expect.stringMatching(/^front matter: YAML syntax error/) });
  });

  it('reports duplicate keys, an unclosed block and a non-mapping block', () => {
    expect(readFrontMatter(parseMarkdown('---\ntitle: A\ntitle: B\n---\n'))).toMatchObject({ ok: false, kind: 'yaml', line: 3 });
    expect(readFrontMatter(parseMarkdown('---\ntitle: A\n\nno closing line\n'))).toMatchObject({ ok: false, kind: 'unclosed', line: 1 });
    expect(readFrontMatter(parseMarkdown('---\n- a\n- b\n---\n'))).toMatchObject({ ok: false, kind: 'not-mapping', line: 2 });
  });
});

describe('titleHeading', () => {
  it('is the first H1, else the first heading; never a # line in code', () => {
    expect(titleHeading(parseMarkdown('## Second\n\n# First H1\n').root)).toBe('First H1');
    expect(titleHeading(parseMarkdown('```bash\n# not a heading\n```\n\n## Only H2\n').root)).toBe('Only H2');
    expect(titleHeading(parseMarkdown('No heading at all.').root)).toBeUndefined();
  });
});

describe('estimateReadingMinutes', () => {
  it('reads prose at 200 words and code at 10 lines a minute, at least 1', () => {
    expect(estimateReadingMinutes(parseMarkdown('').root)).toBe(1);
    expect(estimateReadingMinutes(parseMarkdown('word '.repeat(1000)).root)).toBe(5);
    const code = `\`\`\`\n${'x = 1\n'.repeat(30)}\`\`\``;
    expect(estimateReadingMinutes(parseMarkdown(`${'word '.repeat(400)}\n\n${code}`).root)).toBe(5);
  });

  it('does not count link destinations, HTML tags or front matter as words', () => {
    const root = parseMarkdown('---\ntitle: many words in the front matter here\n---\n' + 'See [the wheels](../a/01-wheels.md "Wheels") and <kbd>Ctrl</kbd>.\n'.repeat(100)).root;
    expect(estimateReadingMinutes(root)).toBe(3); // 5 words × 100 = 500 words
  });
});

describe('lessonBody (a Lectern lesson printed back from its tree)', () => {
  const links = new Map([
    ['part-1/ch01-intro/01-hello.md', 'hello'],
    ['part-1/ch02-next/03-deep-dive.md', 'deep-dive'],
    ['part-2/ch03-more/01-foo.mdx', 'foo'],
  ]);
  const path = 'part-2/ch03-more/02-bar.md';
  const body = (markdown: string, title = 'Bar'): { markdown: string; problems: SourceProblem[] } => {
    const problems: SourceProblem[] = [];
    return { markdown: lessonBody(parseMarkdown(markdown), title, { path, links, problems }), problems };
  };

  it('rewrites lesson links to /lessons/<slug>, keeping the anchor and title; reference definitions too', () => {
    const { markdown, problems } = body(
      [
        'See [hello](../../part-1/ch01-intro/01-hello.md) and [the deep dive](../../part-1/ch02-next/03-deep-dive.md#section-2 "Deep").',
        'Also [foo](./01-foo.mdx#top), [foo again](01-foo.mdx) and [angle](<./01-foo.mdx>).',
        '',
        '[ref]: ../../part-1/ch01-intro/01-hello.md',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(markdown).toBe(
      [
        'See [hello](/lessons/hello) and [the deep dive](/lessons/deep-dive#section-2 "Deep").',
        'Also [foo](/lessons/foo#top), [foo again](/lessons/foo) and [angle](/lessons/foo).',
        '',
        '[ref]: /lessons/hello',
        '',
      ].join('\n'),
    );
  });

  it('leaves absolute URLs, mailto:, in-page anchors, and everything in code alone', () => {
    const text = [
      '[web](https://example.com/a.md) [mail](mailto:a@b.c) [top](#intro) [proto](//cdn.example.com/x.md)',
      '',
      '`[x](./01-foo.mdx)`',
      '',
      '```md',
      '[x](./01-foo.mdx)',
      '```',
      '',
    ].join('\n');
    expect(body(text)).toEqual({ markdown: text, problems: [] });
  });

  it('reports links to Markdown files that are not lessons, with the file line, and leaves them as written', () => {
    const text = '---\ntitle: Bar\n---\nFine: [foo](./01-foo.mdx).\n\nBroken: [gone](./99-gone.md#x)\n[no ext](../ch09-missing/intro)\n';
    const { markdown, problems } = body(text);
    expect(markdown).toBe('Fine: [foo](/lessons/foo).\n\nBroken: [gone](./99-gone.md#x)\n[no ext](../ch09-missing/intro)\n');
    expect(problems).toEqual([
      { path, line: 6, message: expect.stringContaining('"./99-gone.md#x"') },
      { path, line: 7, message: expect.stringContaining('"../ch09-missing/intro"') },
    ]);
  });

  it('drops a leading H1 equal to the title (ignoring case, spacing and markup), and only that', () => {
    expect(body('\n# Hello  *Robot*\n\nBody\n', 'hello robot').markdown).toBe('Body\n');
    expect(body('Hello Robot\n===========\n\nBody\n', 'hello robot').markdown).toBe('Body\n');
    expect(body('# Other\n\nBody', 'Title').markdown).toBe('# Other\n\nBody\n');
    expect(body('## Title\n\nBody', 'Title').markdown).toBe('## Title\n\nBody\n');
    expect(body('Intro\n\n# Title', 'Title').markdown).toBe('Intro\n\n# Title\n');
  });

  it('shows code-block titles and magic-comment highlights the way Docusaurus does', () => {
    const { markdown } = body('```python title="node.py"\nimport rclpy\n# highlight-next-line\nrclpy.init()\n```\n');
    expect(markdown).toBe('```python title="node.py" {2}\nimport rclpy\nrclpy.init()\n```\n');
  });
});

describe('resolveLessonLink', () => {
  const index = new Map([
    ['part-1/ch01-intro/01-hello.md', 'hello'],
    ['/docs/guides/setup', 'setup'],
  ]);
  it('resolves relative paths, extension-less paths and site routes; an escaping path is missing', () => {
    expect(resolveLessonLink('../ch01-intro/01-hello.md#a', 'part-1/ch02/x.md', index)).toEqual({ kind: 'lesson', slug: 'hello', anchor: 'a' });
    expect(resolveLessonLink('/docs/guides/setup/', 'x.md', index)).toEqual({ kind: 'lesson', slug: 'setup' });
    expect(resolveLessonLink('../../../outside.md', 'part-1/ch02/x.md', index)).toMatchObject({ kind: 'missing' });
    expect(resolveLessonLink('./diagram.png', 'part-1/ch02/x.md', index)).toEqual({ kind: 'other' });
  });
});
