import {
  countCodeLines,
  countWords,
  estimateReadingMinutes,
  extractHeadings,
  firstHeading,
  maskCode,
  rewriteLessonLinks,
  slugifyHeading,
  splitFrontMatter,
  stripDuplicateTitle,
} from './markdown';

describe('splitFrontMatter', () => {
  it('parses the YAML block and says on which line the body starts', () => {
    const result = splitFrontMatter('---\ntitle: Hello\ngoals: [hobby]\n---\n# Hello\n\nText\n');
    if (!result.ok) throw new Error(result.message);
    expect(result.data).toEqual({ title: 'Hello', goals: ['hobby'] });
    expect(result.body).toBe('# Hello\n\nText\n');
    expect(result.bodyLine).toBe(5);
    expect(result.lineOfKey('goals')).toBe(3);
  });

  it('accepts a file without front matter, CRLF line ends and a byte-order mark', () => {
    expect(splitFrontMatter('# Only a body\n')).toMatchObject({ ok: true, data: {}, body: '# Only a body\n', bodyLine: 1 });
    const crlf = splitFrontMatter('\uFEFF---\r\ntitle: Windows\r\n---\r\nBody\r\n');
    expect(crlf).toMatchObject({ ok: true, data: { title: 'Windows' }, body: 'Body\n', bodyLine: 4 });
  });

  it('treats an empty or comment-only block as no fields', () => {
    expect(splitFrontMatter('---\n# just a comment\n---\nBody')).toMatchObject({ ok: true, data: {}, body: 'Body', bodyLine: 4 });
  });

  it('reports bad YAML with the file line of the error', () => {
    const result = splitFrontMatter('---\ntitle: Fine\nsizes: {a: 1\nother: 2\n---\nBody\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(3);
    expect(result.message).toMatch(/^front matter: YAML syntax error/);
  });

  it('reports duplicate keys, an unclosed block and a non-mapping block', () => {
    const duplicate = splitFrontMatter('---\ntitle: A\ntitle: B\n---\n');
    expect(duplicate).toMatchObject({ ok: false, line: 3 });
    expect(splitFrontMatter('---\ntitle: A\nno closing line\n')).toMatchObject({ ok: false, line: 1, message: expect.stringContaining('no closing') });
    expect(splitFrontMatter('---\n- a\n- b\n---\n')).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('mapping') });
  });
});

describe('slugifyHeading (GitHub style)', () => {
  it.each([
    ['Hello World', 'hello-world'],
    ['What Is Physical AI? The Rise of Embodied Intelligence', 'what-is-physical-ai-the-rise-of-embodied-intelligence'],
    ['Sensors, Actuators & the Humanoid Body Plan', 'sensors-actuators--the-humanoid-body-plan'],
    ['C++ and ROS 2', 'c-and-ros-2'],
    ['snake_case_name', 'snake_case_name'],
    ['Already-dashed  twice', 'already-dashed--twice'],
    ['Привет, мир', 'привет-мир'],
    ['روبوٹ کی حرکت', 'روبوٹ-کی-حرکت'],
    ['Café crème', 'café-crème'],
    ['日本語の見出し', '日本語の見出し'],
    ['Emoji 🤖 robots', 'emoji--robots'],
  ])('%s → %s', (text, slug) => {
    expect(slugifyHeading(text)).toBe(slug);
  });
});

describe('extractHeadings', () => {
  it('finds ATX and setext headings, strips inline markup and dedupes ids like GitHub', () => {
    const markdown = [
      '# Intro',
      '',
      'Text.',
      '',
      '## The `rclpy` API and [links](https://x.org)',
      '',
      '## Intro',
      '',
      '### **Bold** and _emphasis_ in `__init__.py` and snake_case',
      '',
      'Setext Title',
      '------------',
      '',
      '## Intro',
      '',
      '## Intro-1',
    ].join('\n');
    expect(extractHeadings(markdown)).toEqual([
      { level: 1, text: 'Intro', id: 'intro', line: 1 },
      { level: 2, text: 'The rclpy API and links', id: 'the-rclpy-api-and-links', line: 5 },
      { level: 2, text: 'Intro', id: 'intro-1', line: 7 },
      { level: 3, text: 'Bold and emphasis in __init__.py and snake_case', id: 'bold-and-emphasis-in-__init__py-and-snake_case', line: 9 },
      { level: 2, text: 'Setext Title', id: 'setext-title', line: 11 },
      { level: 2, text: 'Intro', id: 'intro-2', line: 14 },
      { level: 2, text: 'Intro-1', id: 'intro-1-1', line: 16 },
    ]);
  });

  it('ignores # lines inside code fences and list items underlined by dashes', () => {
    const markdown = ['```bash', '# not a heading', '```', '', '- item', '---', '', '~~~', '## nor this', '~~~', '## Real'].join('\n');
    expect(extractHeadings(markdown).map((h) => h.text)).toEqual(['Real']);
  });

  it('keeps Unicode headings and honours explicit {#ids}', () => {
    const headings = extractHeadings('## Введение\n\n## روبوٹ کا تعارف\n\n## Custom anchor {#my-anchor}\n\n## Введение\n');
    expect(headings.map((h) => [h.text, h.id])).toEqual([
      ['Введение', 'введение'],
      ['روبوٹ کا تعارف', 'روبوٹ-کا-تعارف'],
      ['Custom anchor', 'my-anchor'],
      ['Введение', 'введение-1'],
    ]);
  });

  it('gives the title heading to firstHeading (H1 first, else the first heading)', () => {
    expect(firstHeading('## Second\n\n# First H1\n')).toBe('First H1');
    expect(firstHeading('Text\n\n## Only H2\n')).toBe('Only H2');
    expect(firstHeading('No heading at all.')).toBeUndefined();
  });
});

describe('reading time', () => {
  it('counts prose words outside code and code lines inside fences', () => {
    const markdown = "It's a well-known robot.\n\n```python\nimport rclpy\n\nrclpy.init()\n```\n\nTwo words";
    expect(countWords(markdown)).toBe(6);
    expect(countCodeLines(markdown)).toBe(2);
  });

  it('does not count link destinations or HTML tags as words', () => {
    expect(countWords('See [the wheels](../part-1/ch02-x/01-wheels.md "Wheels") and <kbd>Ctrl</kbd>.')).toBe(5);
  });

  it('estimates minutes at 200 words and 10 code lines a minute, at least 1', () => {
    expect(estimateReadingMinutes('')).toBe(1);
    expect(estimateReadingMinutes('word '.repeat(1000))).toBe(5);
    const code = `\`\`\`\n${'x = 1\n'.repeat(30)}\`\`\``;
    expect(estimateReadingMinutes(`${'word '.repeat(400)}\n\n${code}`)).toBe(5);
  });
});

describe('stripDuplicateTitle', () => {
  it('drops a leading H1 equal to the title (ignoring case, spacing and markup)', () => {
    expect(stripDuplicateTitle('\n# Hello  *Robot*\n\nBody\n', 'hello robot')).toBe('Body\n');
  });

  it('keeps an H1 that differs, an H2, or an H1 that is not first', () => {
    expect(stripDuplicateTitle('# Other\n\nBody', 'Title')).toBe('# Other\n\nBody');
    expect(stripDuplicateTitle('## Title\n\nBody', 'Title')).toBe('## Title\n\nBody');
    expect(stripDuplicateTitle('Intro\n\n# Title', 'Title')).toBe('Intro\n\n# Title');
  });
});

describe('maskCode', () => {
  it('blanks out code but keeps length and lines', () => {
    const markdown = 'a `b` c\n```\n[x](y.md)\n```\nd';
    const masked = maskCode(markdown);
    expect(masked).toHaveLength(markdown.length);
    expect(masked.split('\n')).toHaveLength(5);
    expect(masked).not.toContain('b');
    expect(masked).not.toContain('[x]');
    expect(masked.startsWith('a ')).toBe(true);
  });
});

describe('rewriteLessonLinks', () => {
  const index = new Map([
    ['part-1/ch01-intro/01-hello.md', 'hello'],
    ['part-1/ch02-next/03-deep-dive.md', 'deep-dive'],
    ['part-2/ch03-more/01-foo.mdx', 'foo'],
    ['/docs/guides/setup', 'setup'],
  ]);
  const from = 'part-2/ch03-more/02-bar.md';

  it('rewrites relative lesson links to /lessons/<slug>, keeping the anchor and title', () => {
    const markdown = [
      'See [hello](../../part-1/ch01-intro/01-hello.md) and [the deep dive](../../part-1/ch02-next/03-deep-dive.md#section-2 "Deep").',
      'Also [foo](./01-foo.mdx#top), [foo again](01-foo.mdx) and [angle](<./01-foo.mdx>).',
      'A Docusaurus route: [setup](/docs/guides/setup/).',
      '',
      '[ref]: ../../part-1/ch01-intro/01-hello.md',
    ].join('\n');
    const { markdown: out, problems } = rewriteLessonLinks(markdown, from, index);
    expect(problems).toEqual([]);
    expect(out).toBe(
      [
        'See [hello](/lessons/hello) and [the deep dive](/lessons/deep-dive#section-2 "Deep").',
        'Also [foo](/lessons/foo#top), [foo again](/lessons/foo) and [angle](/lessons/foo).',
        'A Docusaurus route: [setup](/lessons/setup).',
        '',
        '[ref]: /lessons/hello',
      ].join('\n'),
    );
  });

  it('leaves absolute URLs, mailto:, in-page anchors, images and assets alone', () => {
    const markdown =
      '[web](https://example.com/a.md) [mail](mailto:a@b.c) [top](#intro) [proto](//cdn.example.com/x.md) ' +
      '![pic](./img.png) [pdf](../files/spec.pdf) [![badge](./b.svg)](https://ci.example.com)';
    expect(rewriteLessonLinks(markdown, from, index)).toEqual({ markdown, problems: [] });
  });

  it('does not touch links in fenced code or inline code', () => {
    const markdown = ['`[x](./01-foo.mdx)`', '', '```md', '[x](./01-foo.mdx)', '```', '', '~~~', '[y](../../part-1/ch01-intro/01-hello.md)', '~~~'].join(
      '\n',
    );
    expect(rewriteLessonLinks(markdown, from, index)).toEqual({ markdown, problems: [] });
  });

  it('reports links to Markdown files that are not lessons, with the file line, and leaves them as written', () => {
    const markdown = 'Fine: [foo](./01-foo.mdx).\n\nBroken: [gone](./99-gone.md#x)\n[no ext](../ch09-missing/intro)';
    const result = rewriteLessonLinks(markdown, from, index, { firstLine: 4 });
    expect(result.markdown).toBe('Fine: [foo](/lessons/foo).\n\nBroken: [gone](./99-gone.md#x)\n[no ext](../ch09-missing/intro)');
    expect(result.problems).toEqual([
      { path: from, line: 6, message: expect.stringContaining('"./99-gone.md#x"') },
      { path: from, line: 7, message: expect.stringContaining('"../ch09-missing/intro"') },
    ]);
  });

  it('treats a link that climbs out of the book as missing', () => {
    const result = rewriteLessonLinks('[out](../../../outside.md)', from, index);
    expect(result.problems).toHaveLength(1);
  });
});
