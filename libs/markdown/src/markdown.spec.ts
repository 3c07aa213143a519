import {
  admonitions,
  codeBlocks,
  codeLineMask,
  countWords,
  directiveLabel,
  frontMatter,
  headings,
  images,
  links,
  parseMarkdown,
  plainText,
  tables,
  visit,
  type ContainerDirective,
  type MdxJsxFlowElement,
} from './index';

describe('parseMarkdown', () => {
  it('reads GFM, front matter and directives', () => {
    const { root, mdx, problems } = parseMarkdown(
      ['---', 'title: T', '---', '# Hi', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', ':::tip[Be careful]', 'text', ':::', ''].join('\n'),
    );
    expect(mdx).toBe(false);
    expect(problems).toEqual([]);
    expect(frontMatter(root)).toEqual({ yaml: 'title: T', line: 2, endLine: 3 });
    expect(tables(root).map((t) => t.rows)).toEqual([
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ]);
    expect(admonitions(root).map(({ kind, title, line }) => ({ kind, title, line }))).toEqual([{ kind: 'tip', title: 'Be careful', line: 10 }]);
  });

  it('reads MDX: JSX elements, ESM and expressions are nodes, not text', () => {
    const { root, mdx } = parseMarkdown("import Tabs from '@theme/Tabs';\n\n<Tabs>\n  <TabItem value=\"py\" label=\"Python\">\n\n  Hello **there**\n\n  </TabItem>\n</Tabs>\n", {
      mdx: true,
    });
    expect(mdx).toBe(true);
    expect(root.children.map((n) => n.type)).toEqual(['mdxjsEsm', 'mdxJsxFlowElement']);
    const names: string[] = [];
    visit(root, 'mdxJsxFlowElement', (node: MdxJsxFlowElement) => void names.push(node.name ?? ''));
    expect(names).toEqual(['Tabs', 'TabItem']);
    expect(plainText(root).trim()).toBe('Hello there');
  });

  it('falls back to Markdown, with the line, when MDX does not parse', () => {
    const { root, mdx, problems } = parseMarkdown('# Title\n\nSome text\n\nA < b and {oops\n', { mdx: true });
    expect(mdx).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(5);
    expect(problems[0].message).toMatch(/MDX does not parse/);
    expect(headings(root).map((h) => h.text)).toEqual(['Title']);
  });

  it('reads a leading --- block as front matter only when asked to (a rewrite has none of its own)', () => {
    const text = '---\n\n## Kept\n\n---\n\nText\n';
    expect(parseMarkdown(text).root.children.map((n) => n.type)).toEqual(['yaml', 'paragraph']);
    const { root } = parseMarkdown(text, { frontmatter: false });
    expect(root.children.map((n) => n.type)).toEqual(['thematicBreak', 'heading', 'thematicBreak', 'paragraph']);
    expect(headings(root).map((h) => h.text)).toEqual(['Kept']);
    expect(parseMarkdown('---\ntitle: x\n---\n<Tabs>\n\nHi\n\n</Tabs>\n', { mdx: true, frontmatter: false }).root.children[0].type).toBe('thematicBreak');
  });

  it('reads HTML comments in MDX as comments (Docusaurus does), and keeps them as written in code', () => {
    const text = '# Post\n\nIntro.\n\n<!-- truncate -->\n\nMore `<!-- inline -->`.\n\n```html\n<!-- in code -->\n<b>x</b>\n```\n';
    const { root, mdx, problems, source } = parseMarkdown(text, { mdx: true });
    expect([mdx, problems]).toEqual([true, []]);
    expect(source).toBe(text);
    expect(root.children.map((n) => n.type)).toEqual(['heading', 'paragraph', 'mdxFlowExpression', 'paragraph', 'code']);
    expect(codeBlocks(root)[0].code).toBe('<!-- in code -->\n<b>x</b>');
    expect(plainText(root.children[3])).toBe('More <!-- inline -->.');
    const comment = root.children[2];
    expect(text.slice(comment.position?.start.offset, comment.position?.end.offset)).toBe('<!-- truncate -->');
  });

  it('keeps Docusaurus explicit heading ids in MDX, offsets unchanged', () => {
    const text = '## Set up {#setup}\n\n## Set up\n';
    const { root, source } = parseMarkdown(text, { mdx: true });
    expect(source).toBe(text);
    expect(headings(root).map(({ level, text: t, id, line }) => ({ level, text: t, id, line }))).toEqual([
      { level: 2, text: 'Set up', id: 'setup', line: 1 },
      { level: 2, text: 'Set up', id: 'set-up', line: 3 },
    ]);
  });
});

describe('tree helpers', () => {
  it('gives headings GitHub anchors, deduped, never from code', () => {
    const { root } = parseMarkdown('# A *b* `c`\n\n```md\n# not a heading\n```\n\nSetext\n---\n\n# A b c\n');
    expect(headings(root).map((h) => [h.level, h.text, h.id, h.line])).toEqual([
      [1, 'A b c', 'a-b-c', 1],
      [2, 'Setext', 'setext', 7],
      [1, 'A b c', 'a-b-c-1', 10],
    ]);
  });

  it('reads code titles, highlight ranges and magic comments (removed from the shown code)', () => {
    const md = [
      '```python title="robot.py" {1}',
      'import rospy',
      '# highlight-next-line',
      'rospy.init_node("x")',
      '# highlight-start',
      'a = 1',
      'b = 2',
      '# highlight-end',
      'print(a)',
      '```',
    ].join('\n');
    const [block] = codeBlocks(parseMarkdown(md).root);
    expect(block.title).toBe('robot.py');
    expect(block.code).toBe('import rospy\nrospy.init_node("x")\na = 1\nb = 2\nprint(a)');
    expect(block.highlightLines).toEqual([1, 2, 3, 4]);
  });

  it('lists links and images with lines, and a code mask by line', () => {
    const { root } = parseMarkdown('See [x](./a.md).\n\n![Robot](/img/r.png)\n\n```\ncode [y](b.md)\n```\n');
    expect(links(root).map((l) => [l.url, l.line])).toEqual([['./a.md', 1]]);
    expect(images(root).map((i) => [i.url, i.alt, i.line])).toEqual([['/img/r.png', 'Robot', 3]]);
    expect(codeLineMask(root, 8)).toEqual([false, false, false, false, true, true, true, false]);
    expect(countWords(root)).toBe(2); // "See", "x": image alt text and code are not prose
  });

  it('reads a directive label', () => {
    const { root } = parseMarkdown('::::os-tabs[Pick one]\n\n:::tab[Linux]\napt\n:::\n\n::::\n');
    const outer = root.children[0] as ContainerDirective;
    expect(outer.name).toBe('os-tabs');
    expect(directiveLabel(outer)).toBe('Pick one');
  });
});
