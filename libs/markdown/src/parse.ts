import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/**
 * The one Markdown parser of the backend: unified with remark-parse, GFM
 * (tables, strikethrough, task lists, autolinks, footnotes), directives
 * (`:::note`, `::::os-tabs`), YAML front matter and, for MDX, remark-mdx
 * (JSX, ESM, `{expressions}`).
 */

export interface ParseOptions {
  /** Parse as MDX (JSX, import/export, `{expressions}`). Default false. */
  mdx?: boolean;
  /**
   * Read a leading `---` … `---` block as YAML front matter (a `yaml` node).
   * Default true. False for text that has no front matter of its own, such
   * as an LLM's rewrite: there a leading `---` is a thematic break, and a
   * block below it must stay in the tree.
   */
  frontmatter?: boolean;
}

export interface MarkdownProblem {
  /** 1-based line in the text given, when known. */
  line?: number;
  message: string;
}

export interface ParsedMarkdown {
  root: Root;
  /** The text the tree's offsets refer to (newlines normalised, no byte-order mark). */
  source: string;
  /** Whether the tree is MDX (false when MDX was asked for but did not parse). */
  mdx: boolean;
  /** MDX that did not parse (the text was then read as Markdown), and the like. */
  problems: MarkdownProblem[];
}

const processors = {
  markdown: unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkDirective),
  mdx: unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkDirective).use(remarkMdx),
  markdownOnly: unified().use(remarkParse).use(remarkGfm).use(remarkDirective),
  mdxOnly: unified().use(remarkParse).use(remarkGfm).use(remarkDirective).use(remarkMdx),
};

/** A Docusaurus explicit heading id, `## Title {#my-id}`: MDX would read `{#my-id}` as a (broken) expression. */
const HEADING_ID_LINE = /^( {0,3}#{1,6}[ \t].*?)\{(#[^\s{}]+)\}([ \t]*)$/gm;

const ID_OPEN = '\uE010';
const ID_CLOSE = '\uE011';

/**
 * An HTML comment, `<!-- truncate -->`: Docusaurus accepts it in MDX, the MDX
 * parser does not. It becomes an MDX comment of the same length,
 * `{/*\uE012 truncate *\/}`, so offsets stay valid; where the stand-in lands
 * in code (an HTML example), the comment is put back as written.
 */
const HTML_COMMENT = /<!--([\s\S]*?)-->/g;
const COMMENT_MARK = '\uE012';
const HIDDEN_COMMENT = /\{\/\*\uE012([\s\S]*?)\*\/\}/g;

function restoreHidden(root: Root): void {
  visit(root, (node) => {
    const withValue = node as { value?: unknown };
    if (typeof withValue.value !== 'string') return;
    let value = withValue.value;
    if (value.includes(ID_OPEN)) value = value.replaceAll(ID_OPEN, '{').replaceAll(ID_CLOSE, '}');
    if (value.includes(COMMENT_MARK)) value = value.replace(HIDDEN_COMMENT, '<!--$1-->');
    withValue.value = value;
  });
}

/**
 * Parses Markdown, or MDX with `{ mdx: true }`. MDX that does not parse (real
 * books have sloppy MDX: a stray `<`, `{` in prose) is reported with its line
 * and read as plain Markdown instead, so nothing is lost. Line numbers in the
 * tree are those of `text`.
 */
export function parseMarkdown(text: string, options: ParseOptions = {}): ParsedMarkdown {
  const source = normalizeNewlines(text);
  const withFrontMatter = options.frontmatter !== false;
  const markdownProcessor = withFrontMatter ? processors.markdown : processors.markdownOnly;
  const mdxProcessor = withFrontMatter ? processors.mdx : processors.mdxOnly;
  if (!options.mdx) return { root: markdownProcessor.parse(source), source, mdx: false, problems: [] };
  try {
    // Docusaurus hides explicit heading ids from MDX; so do we, with stand-ins of the same length (offsets stay valid).
    const hidden = source
      .replace(HEADING_ID_LINE, (_all, head: string, id: string, tail: string) => `${head}${ID_OPEN}${id}${ID_CLOSE}${tail}`)
      .replace(HTML_COMMENT, (_all, body: string) => (body.includes('*/') ? _all : `{/*${COMMENT_MARK}${body}*/}`));
    const root = mdxProcessor.parse(hidden);
    restoreHidden(root);
    return { root, source, mdx: true, problems: [] };
  } catch (error) {
    return { root: markdownProcessor.parse(source), source, mdx: false, problems: [mdxProblem(error)] };
  }
}

function mdxProblem(error: unknown): MarkdownProblem {
  const place = (error as { line?: unknown; place?: { line?: unknown; start?: { line?: unknown } } } | null) ?? {};
  const line = typeof place.line === 'number' ? place.line : typeof place.place?.line === 'number' ? place.place.line : place.place?.start?.line;
  const reason = (error as { reason?: unknown })?.reason;
  const message = typeof reason === 'string' ? reason : error instanceof Error ? error.message : String(error);
  return {
    ...(typeof line === 'number' && { line }),
    message: `MDX does not parse (${message}); the file is read as plain Markdown`,
  };
}

/** `\r\n` and `\r` → `\n`, byte-order mark dropped. */
export function normalizeNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}
