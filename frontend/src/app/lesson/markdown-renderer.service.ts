import { Injectable, inject } from '@angular/core';
import { MARKDOWN_WINDOW } from '../ssr/request-context';
import type { MarkdownEngine } from './markdown-engine';
import type { RenderOptions, SanitizedHtml } from './sanitized-html';

/**
 * Renders lesson Markdown to sanitized HTML. marked, DOMPurify and
 * highlight.js are fetched on first use (dynamic imports, separate chunks), so
 * none of them weighs on the initial bundle.
 */
@Injectable({ providedIn: 'root' })
export class MarkdownRenderer {
  /** The browser's window, or the server-side render's (jsdom). */
  private readonly window = inject(MARKDOWN_WINDOW, { optional: true }) ?? globalThis.window;
  private engine: Promise<MarkdownEngine> | null = null;

  async render(markdown: string, options?: RenderOptions): Promise<SanitizedHtml> {
    return (await this.load()).render(markdown, options);
  }

  /** The absolute URLs of the external images a document shows (what a rewrite of it may show too). */
  async externalImageSources(markdown: string): Promise<string[]> {
    return (await this.load()).externalImageSources(markdown);
  }

  private load(): Promise<MarkdownEngine> {
    this.engine ??= loadEngine(this.window).catch((error: unknown) => {
      this.engine = null; // a failed chunk load (offline) is retried next time
      throw error;
    });
    return this.engine;
  }
}

async function loadEngine(win: Window & typeof globalThis): Promise<MarkdownEngine> {
  const [{ createMarkdownEngine }, { highlight }] = await Promise.all([import('./markdown-engine'), import('./highlighter')]);
  return createMarkdownEngine(highlight, win);
}
