declare const sanitized: unique symbol;

/**
 * HTML that went through the Markdown engine's DOMPurify pass. Only
 * `markdown-engine.ts` makes values of this type, so a plain string can never
 * reach the DOM through `MarkdownView` by mistake.
 */
export type SanitizedHtml = string & { readonly [sanitized]: true };

/**
 * Said instead of HTML when the page already holds the document: the server
 * rendered it and the browser adopts those very nodes while hydrating
 * (rendering it again would replace them).
 */
export const PRERENDERED = Symbol('prerendered');
export type Prerendered = typeof PRERENDERED;

/** What the renderer needs to know about one document. */
export interface RenderOptions {
  /**
   * Anchor ids of the document's headings in order, as the server computed
   * them (LessonDto.headings): the i-th heading gets the i-th id. Headings
   * past the list fall back to the same GitHub-style slug algorithm.
   */
  headingIds?: readonly string[];
  /** Put before every heading id (and in-page `#` link), for a second document on the same page. */
  idPrefix?: string;
  /**
   * When set, images from another origin are shown only if their absolute URL
   * is in this list (for a rewrite: the images of the original lesson); any
   * other external image loses its source and keeps its alt text. Images of
   * this origin (relative URLs) are always shown.
   */
  allowedImageSources?: readonly string[];
}
