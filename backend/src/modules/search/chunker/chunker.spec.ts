import { headings, parseMarkdown } from '@lectern/markdown';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chunkLesson, embeddingInput, type ChunkerOptions, type LessonChunk } from './chunker';
import { estimateTokens, truncateToTokens } from './tokens';

const SAMPLE_BOOK = resolve(__dirname, '../../../../../content');

const sentences = (n: number, prefix = 'Sentence'): string =>
  Array.from({ length: n }, (_, i) => `${prefix} number ${i + 1} talks about robots and sensors in some detail.`).join(' ');

const codeBlock = (lines: number, fence = '```'): string =>
  [`${fence}python`, ...Array.from({ length: lines }, (_, i) => `value_${i} = compute(${i})  # step ${i}`), fence].join('\n');

const summary = (chunks: LessonChunk[]) => chunks.map((c) => ({ path: c.headingPath, heading: c.heading, anchor: c.anchor }));

describe('chunkLesson: sections and heading paths', () => {
  const cases: Array<{ name: string; markdown: string; expected: Array<{ path: string[]; heading: string; anchor: string }> }> = [
    {
      name: 'intro, nested headings, back up a level',
      markdown: 'Intro text.\n\n## Two kinds of AI\n\nBody A.\n\n### The *closed* loop\n\nBody A1.\n\n## Where they meet\n\nBody B.\n',
      expected: [
        { path: [], heading: '', anchor: '' },
        { path: ['Two kinds of AI'], heading: 'Two kinds of AI', anchor: 'two-kinds-of-ai' },
        { path: ['Two kinds of AI', 'The closed loop'], heading: 'The closed loop', anchor: 'the-closed-loop' },
        { path: ['Where they meet'], heading: 'Where they meet', anchor: 'where-they-meet' },
      ],
    },
    {
      name: 'duplicate headings get the renderer’s -1 suffix; explicit ids are kept',
      markdown: '## Setup\n\nOne.\n\n## Setup\n\nTwo.\n\n## Wiring the [motor](https://x.y) {#motor-wiring}\n\nThree.\n',
      expected: [
        { path: ['Setup'], heading: 'Setup', anchor: 'setup' },
        { path: ['Setup'], heading: 'Setup', anchor: 'setup-1' },
        { path: ['Wiring the motor'], heading: 'Wiring the motor', anchor: 'motor-wiring' },
      ],
    },
    {
      name: 'setext headings; "#" lines inside code are not headings',
      markdown: 'Getting started\n===============\n\nText.\n\n```bash\n# not a heading\nls\n```\n\nDetails\n-------\n\nMore.\n',
      expected: [
        { path: ['Getting started'], heading: 'Getting started', anchor: 'getting-started' },
        { path: ['Getting started', 'Details'], heading: 'Details', anchor: 'details' },
      ],
    },
    {
      name: 'a heading with no body of its own makes no chunk, but stays in its children’s path',
      markdown: '## Part\n\n### Child\n\nChild body.\n',
      expected: [{ path: ['Part', 'Child'], heading: 'Child', anchor: 'child' }],
    },
    {
      name: 'Urdu headings keep their letters in the anchor',
      markdown: '## روبوٹ کیسے محسوس کرتے ہیں\n\nروبوٹ سینسر استعمال کرتے ہیں۔\n',
      expected: [{ path: ['روبوٹ کیسے محسوس کرتے ہیں'], heading: 'روبوٹ کیسے محسوس کرتے ہیں', anchor: 'روبوٹ-کیسے-محسوس-کرتے-ہیں' }],
    },
  ];

  it.each(cases)('$name', ({ markdown, expected }) => {
    const chunks = chunkLesson(markdown, 'A lesson');
    expect(summary(chunks)).toEqual(expected);
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
    // Every anchor is one the renderer gives a heading of this Markdown.
    const ids = new Set(headings(parseMarkdown(markdown).root).map((h) => h.id));
    for (const c of chunks) if (c.anchor) expect(ids.has(c.anchor)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['blank lines only', '\n\n   \n'],
    ['headings only', '## One\n\n## Two\n'],
  ])('a lesson with no text (%s) has no chunks', (_name, markdown) => {
    expect(chunkLesson(markdown, 'Empty')).toEqual([]);
  });

  it('turns inline Markdown into plain text and drops table rulers, admonition fences and quote marks', () => {
    const [chunk] = chunkLesson(
      [
        'A **bold** claim with [a link](/lessons/x#y), `inline code`, ![alt text](img.png) and <b>tags</b>.',
        '',
        '| Aspect | Digital |',
        '|---|---|',
        '| Input | Curated |',
        '',
        ':::note',
        '> Quoted _words_.',
        ':::',
      ].join('\n'),
      'T',
    );
    expect(chunk.text).toBe(
      'A bold claim with a link, inline code, alt text and tags.\n\nAspect | Digital\nInput | Curated\n\nQuoted words.',
    );
  });
});

describe('chunkLesson: imported MDX blocks', () => {
  it('indexes the text of tabs and details, never a component placeholder (its text is not the lesson)', () => {
    const markdown = [
      '<div data-lx="tabs">',
      '',
      '<div data-lx="tab" data-label="Python">',
      '',
      'Spin the motor.',
      '',
      '</div>',
      '',
      '</div>',
      '',
      '<div data-lx="component" data-name="Quiz"><span data-lx="component-name">Quiz</span> Check yourself</div>',
      '',
      'After the quiz.',
    ].join('\n');
    expect(chunkLesson(markdown, 'T').map((c) => c.text)).toEqual(['Spin the motor.\n\nAfter the quiz.']);
  });
});

describe('chunkLesson: bounds, code blocks and overlap', () => {
  const small: ChunkerOptions = { maxTokens: 60, overlapTokens: 20 };

  it('keeps every chunk within the bound when there is no code', () => {
    const chunks = chunkLesson(`## Long\n\n${sentences(40)}\n\n${sentences(5, 'Second')}\n`, 'T', small);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(small.maxTokens);
  });

  it('repeats the closing sentence of a chunk at the start of the next one in the same section', () => {
    const chunks = chunkLesson(`## Long\n\n${sentences(30)}\n`, 'T', small);
    for (let i = 1; i < chunks.length; i += 1) {
      const previous = chunks[i - 1].text.split(/(?<=\.)\s+/);
      const closing = previous[previous.length - 1];
      expect(chunks[i].text.startsWith(closing)).toBe(true);
      expect(estimateTokens(closing)).toBeLessThanOrEqual(small.overlapTokens);
    }
    // Nothing is lost: every sentence is in some chunk, in order.
    const all = chunks.map((c) => c.text).join(' ');
    for (let n = 1; n <= 30; n += 1) expect(all).toContain(`Sentence number ${n} talks`);
  });

  it('overlaps with the closing words when no whole sentence fits the overlap', () => {
    const chunks = chunkLesson(`## Long\n\n${sentences(30)}\n`, 'T', { maxTokens: 60, overlapTokens: 8 });
    for (let i = 1; i < chunks.length; i += 1) {
      const opening = chunks[i].text.split(' ').slice(0, 3).join(' ');
      expect(chunks[i - 1].text.endsWith('in some detail.')).toBe(true);
      expect(chunks[i - 1].text).toContain(opening);
      expect(chunks[i].text.startsWith('Sentence')).toBe(false);
    }
  });

  it('does not overlap across sections', () => {
    const chunks = chunkLesson(`## A\n\n${sentences(12)}\n\n## B\n\nOnly this.\n`, 'T', small);
    const b = chunks.filter((c) => c.heading === 'B');
    expect(b).toHaveLength(1);
    expect(b[0].text).toBe('Only this.');
  });

  it.each([
    ['a short block between paragraphs', `${sentences(3)}\n\n${codeBlock(3)}\n\n${sentences(3)}`, 3],
    ['a block longer than the bound', `${sentences(3)}\n\n${codeBlock(60)}\n\n${sentences(3)}`, 60],
    ['a tilde fence holding backticks', `${sentences(2)}\n\n~~~md\n\`\`\`js\nx()\n\`\`\`\n~~~\n\n${sentences(2)}`, 0],
    ['a block at the very end, unclosed', `${sentences(6)}\n\n${codeBlock(40).replace(/```$/, '')}`, 40],
  ])('never cuts a code block: %s', (_name, body, codeLines) => {
    const markdown = `## Code\n\n${body}\n`;
    const chunks = chunkLesson(markdown, 'T', small);
    const code =
      codeLines > 0 ? Array.from({ length: codeLines }, (_, i) => `value_${i} = compute(${i})  # step ${i}`).join('\n') : '```js\nx()\n```';
    const holding = chunks.filter((c) => c.text.includes(code.split('\n')[0]));
    expect(holding).toHaveLength(1);
    expect(holding[0].text).toContain(code);
    // No other chunk carries any line of it (no partial copy through overlap either).
    for (const c of chunks.filter((x) => x !== holding[0])) {
      for (const line of code.split('\n')) if (line.length > 6) expect(c.text).not.toContain(line);
    }
    for (const c of chunks.filter((x) => x !== holding[0])) expect(c.tokenCount).toBeLessThanOrEqual(small.maxTokens);
  });

  it('cuts a sentence too long for one chunk at words, and a run without spaces by characters', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const blob = 'x'.repeat(2000);
    const chunks = chunkLesson(`${words}\n\n${blob}\n`, 'T', small);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(small.maxTokens);
    expect(chunks.map((c) => c.text).join(' ')).toContain('word299');
    expect(chunks.map((c) => c.text.replace(/[^x]/g, '')).join('').length).toBeGreaterThanOrEqual(2000);
  });

  it('splits Urdu at its full stop (۔), keeps emoji whole, and estimates non-Latin text on the high side', () => {
    const urdu = Array.from({ length: 40 }, (_, i) => `روبوٹ نمبر ${i} اپنے ماحول کو سینسر سے محسوس کرتا ہے 🤖۔`).join(' ');
    const chunks = chunkLesson(`## حصہ اول\n\n${urdu}\n`, 'روبوٹکس', small);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(small.maxTokens);
      expect(c.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(c.text.trim().endsWith('۔')).toBe(true);
      expect(c.headingPath).toEqual(['حصہ اول']);
    }
    expect(estimateTokens('روبوٹ')).toBeGreaterThan(estimateTokens('robot'));
  });
});

describe('chunk hashes', () => {
  const markdown = `Intro.\n\n## A\n\n${sentences(3)}\n\n## B\n\n${sentences(3)}\n`;

  it('are deterministic and depend on the lesson title, the heading path and the text', () => {
    const one = chunkLesson(markdown, 'Title');
    expect(chunkLesson(markdown, 'Title').map((c) => c.hash)).toEqual(one.map((c) => c.hash));
    for (const c of one) expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
    const [, a, b] = one;
    expect(a.text).toBe(b.text);
    expect(a.hash).not.toBe(b.hash);
    const retitled = chunkLesson(markdown, 'Another title');
    retitled.forEach((c, i) => expect(c.hash).not.toBe(one[i].hash));
  });

  it('change only for the section that was edited', () => {
    const before = chunkLesson(markdown, 'Title');
    const after = chunkLesson(markdown.replace('## B\n\nSentence number 1', '## B\n\nAn edited sentence. Sentence number 1'), 'Title');
    expect(after.map((c) => c.hash === before[c.position]?.hash)).toEqual([true, true, false]);
  });

  it('embed the title and heading path with the text', () => {
    expect(embeddingInput('Digital AI', ['Two kinds', 'Loop'], 'Body')).toBe('Digital AI › Two kinds › Loop\n\nBody');
  });
});

describe('the sample book', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : name.endsWith('.md') ? [path] : [];
    });

  it('chunks every lesson within the bound (code blocks aside), keeping every code block whole in one chunk', () => {
    const lessons = files(SAMPLE_BOOK);
    expect(lessons.length).toBeGreaterThan(20);
    for (const file of lessons) {
      const markdown = readFileSync(file, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
      const chunks = chunkLesson(markdown, 'Lesson');
      expect(chunks.length).toBeGreaterThan(0);
      const blocks = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)\n```$/gm)].map((m) => m[1].trim()).filter(Boolean);
      for (const block of blocks) expect(chunks.filter((c) => c.text.includes(block))).toHaveLength(1);
      for (const c of chunks.filter((x) => !blocks.some((b) => x.text.includes(b)))) expect(c.tokenCount).toBeLessThanOrEqual(400);
    }
  });
});

describe('token estimates', () => {
  it.each([
    ['', 0],
    ['abcd', 1],
    ['abcde', 2],
    ['روبوٹ', 4],
  ])('estimateTokens(%j) = %d', (text, tokens) => expect(estimateTokens(text)).toBe(tokens));

  it('truncates at a word boundary within the budget, never inside a surrogate pair', () => {
    const text = 'one two three four five six seven eight nine ten';
    const cut = truncateToTokens(text, 5);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(5);
    expect(text.startsWith(cut)).toBe(true);
    expect(cut.endsWith(' ')).toBe(false);
    const emoji = truncateToTokens('🤖'.repeat(10), 3);
    expect(emoji).toMatch(/^(🤖)+$/);
  });
});
