import { DOCUMENT } from '@angular/common';
import { Injectable, REQUEST_CONTEXT, inject } from '@angular/core';
import { Meta, Title } from '@angular/platform-browser';
import type { SsrRequestContext } from '../ssr/request-context';

export interface PageMetaInput {
  /** The page's own title; " · Lectern" is added. */
  title: string;
  /** One or two sentences for search results and link previews. */
  description: string;
  /** The page's path (no query), e.g. `/lessons/x`: the canonical URL. */
  path: string;
  /** Open Graph type: `article` for a lesson, `website` for the rest. */
  type?: 'article' | 'website';
}

const SITE = 'Lectern';

/**
 * Title, description, canonical URL and Open Graph tags of a public page. Set
 * while the server renders it (so search engines and link previews read them
 * without JavaScript) and again in the browser on in-app navigation.
 */
@Injectable({ providedIn: 'root' })
export class PageMeta {
  private readonly title = inject(Title);
  private readonly meta = inject(Meta);
  private readonly document = inject(DOCUMENT);
  private readonly context = inject(REQUEST_CONTEXT, { optional: true }) as SsrRequestContext | null;

  set(page: PageMetaInput): void {
    const title = `${page.title} · ${SITE}`;
    const url = `${this.origin()}${page.path}`;
    this.title.setTitle(title);
    this.meta.updateTag({ name: 'description', content: page.description });
    this.meta.updateTag({ property: 'og:title', content: page.title });
    this.meta.updateTag({ property: 'og:description', content: page.description });
    this.meta.updateTag({ property: 'og:type', content: page.type ?? 'website' });
    this.meta.updateTag({ property: 'og:url', content: url });
    this.meta.updateTag({ property: 'og:site_name', content: SITE });
    this.meta.updateTag({ name: 'twitter:card', content: 'summary' });
    let link = this.document.head.querySelector<HTMLLinkElement>('link[rel="canonical"]');
    if (!link) {
      link = this.document.createElement('link');
      link.setAttribute('rel', 'canonical');
      this.document.head.appendChild(link);
    }
    link.setAttribute('href', url);
  }

  private origin(): string {
    return this.context?.origin ?? this.document.location?.origin ?? '';
  }
}

/**
 * A description from a lesson's Markdown: its first paragraph of prose, as
 * plain text, cut at a word before `max` characters.
 */
export function describeMarkdown(markdown: string, fallback: string, max = 160): string {
  const withoutFences = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  const paragraph = withoutFences
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => block && !/^(#|:::|<|>|\||[-*+] |\d+\. |!\[|import |export )/.test(block));
  if (!paragraph) return fallback;
  const text = paragraph
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return fallback;
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > max / 2 ? cut.lastIndexOf(' ') : cut.length).replace(/[\s,;:.]+$/, '')}…`;
}
