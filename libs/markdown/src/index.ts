// One Markdown/MDX syntax tree for the whole backend: the importer, the
// search chunker and the heading anchors all read documents through here.
export { parseMarkdown, normalizeNewlines, type ParseOptions, type ParsedMarkdown, type MarkdownProblem } from './parse';
export * from './tree';
export type { Code, Heading, Html, Image, Link, Nodes, Parent, Root, RootContent } from 'mdast';
export type { MdxJsxAttribute, MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx';
export type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
export { visit, SKIP, CONTINUE, EXIT } from 'unist-util-visit';
