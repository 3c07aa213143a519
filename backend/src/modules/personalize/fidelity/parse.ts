import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/**
 * The one place the fidelity check parses Markdown: unified + remark-parse
 * with GFM (tables, autolink literals) and directives (`:::note` boxes).
 * Kept alone in this file so it can be swapped for the shared
 * `@lectern/markdown` parser (same mdast Root) without touching the check.
 * Front matter is removed by the caller before parsing.
 */
const processor = unified().use(remarkParse).use(remarkGfm).use(remarkDirective);

export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}
