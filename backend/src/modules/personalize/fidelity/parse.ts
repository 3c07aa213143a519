import { parseMarkdown as parseShared, type Root } from '@lectern/markdown';

/**
 * The one place the fidelity check parses Markdown: the backend's shared
 * parser (@lectern/markdown: remark-parse, GFM, directives), so the check,
 * the importer, the search chunker and the anchors agree on what is code, a
 * heading or a link. A rewrite has no front matter of its own (the caller
 * removes the lesson's before parsing), so a leading `---` stays a thematic
 * break instead of swallowing the text below it.
 */
export function parseMarkdown(text: string): Root {
  return parseShared(text, { frontmatter: false }).root;
}
