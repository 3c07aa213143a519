// Markdown → sanitized HTML: marked (GFM) with Lectern's extensions, then
// DOMPurify with a strict configuration. Loaded lazily by MarkdownRenderer,
// in its own chunk: nothing here is in the initial bundle.
import DOMPurify, { type Config, type DOMPurify as Purifier, type WindowLike } from 'dompurify';
import { Marked, type RendererThis, type TokenizerAndRendererExtension, type TokenizerThis, type Tokens } from 'marked';
import { EXPLICIT_HEADING_ID, HeadingSlugger, headingPlainText } from './heading-slug';
import type { Highlighter } from './highlighter';
import type { RenderOptions, SanitizedHtml } from './sanitized-html';

export interface MarkdownEngine {
  render(markdown: string, options?: RenderOptions): SanitizedHtml;
  /** The absolute URLs of the images of another origin the document shows, as rendered. */
  externalImageSources(markdown: string): string[];
}

const ADMONITION_TITLES = {
  note: 'Note',
  tip: 'Tip',
  info: 'Info',
  warning: 'Warning',
  danger: 'Danger',
  caution: 'Caution',
} as const;
type AdmonitionKind = keyof typeof ADMONITION_TITLES;

/**
 * Docusaurus admonitions: `:::tip`, `:::tip[Title]` or `:::tip Title`, closed
 * by a line of as many colons (more colons let admonitions nest).
 */
const ADMONITION =
  /^ {0,3}(:{3,})[ \t]*(note|tip|info|warning|danger|caution)(?:\[([^\]\n]*)\]|[ \t]+([^\n]*?))?[ \t]*(?:\n|$)(?:([\s\S]*?)\n)?[ \t]*\1[ \t]*(?:\n+|$)/;

/** Only these URLs survive: http(s), mailto, in-page `#`, and relative (no scheme). */
export const SAFE_URL = /^(?:https?:|mailto:|#|\/|\.{1,2}\/|[^:/?#]*(?:[/?#]|$))/i;

/** Heading ids the sanitizer keeps even when they shadow a `document` property (e.g. "images", "title"). */
const HEADING_ID = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}_-]+$/u;

const PURIFY_CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'script',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'form',
    'style',
    'link',
    'meta',
    'base',
    'noscript',
    'template',
    'svg',
    'math',
  ],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href', 'ping', 'background', 'name'],
  ALLOWED_URI_REGEXP: SAFE_URL,
  ALLOW_DATA_ATTR: true,
};

interface AdmonitionToken extends Tokens.Generic {
  type: 'admonition';
  kind: AdmonitionKind;
  title: string;
  titleTokens: Tokens.Generic[];
  tokens: Tokens.Generic[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const admonition: TokenizerAndRendererExtension = {
  name: 'admonition',
  level: 'block',
  start(src: string) {
    return src.match(/^ {0,3}:{3,}/m)?.index;
  },
  tokenizer(this: TokenizerThis, src: string) {
    const match = ADMONITION.exec(src);
    if (!match) return undefined;
    const kind = match[2] as AdmonitionKind;
    const title = (match[3] ?? match[4] ?? '').trim();
    const token: AdmonitionToken = { type: 'admonition', raw: match[0], kind, title, titleTokens: [], tokens: [] };
    if (title) this.lexer.inline(title, token.titleTokens);
    this.lexer.blockTokens(match[5] ?? '', token.tokens);
    return token;
  },
  renderer(this: RendererThis, token: Tokens.Generic) {
    const { kind, title, titleTokens, tokens } = token as AdmonitionToken;
    const heading = title ? this.parser.parseInline(titleTokens) : ADMONITION_TITLES[kind];
    return (
      `<aside class="admonition admonition-${kind}" role="note" aria-label="${escapeHtml(title || ADMONITION_TITLES[kind])}">` +
      `<p class="admonition-title">${heading}</p>${this.parser.parse(tokens)}</aside>\n`
    );
  },
  childTokens: ['titleTokens', 'tokens'],
};

/**
 * A fence's info string as the importer writes it: `python title="spin.py" {1,3-4}`
 * (Docusaurus code-block titles, line highlights; magic comments already turned into ranges).
 */
export function codeInfo(info: string): { language: string; title?: string; highlight: Set<number> } {
  const language = info.trim().split(/\s+/)[0]?.replace(/[^\w+#.-]/g, '') ?? '';
  const title = /\btitle=(?:"([^"]*)"|'([^']*)')/.exec(info);
  const highlight = new Set<number>();
  const ranges = /(?:^|\s)\{([\d,\s-]+)\}/.exec(info);
  for (const part of ranges?.[1].split(',') ?? []) {
    const [from, to] = part.split('-').map((n) => Number(n.trim()));
    if (!Number.isInteger(from)) continue;
    for (let n = from; n <= (Number.isInteger(to) ? to : from) && n - from < 10_000; n++) highlight.add(n);
  }
  return { language: language.startsWith('title=') || language.startsWith('{') ? '' : language, title: title ? (title[1] ?? title[2]) : undefined, highlight };
}

/**
 * Wraps the highlighted lines of code HTML in `<span class="code-line highlighted">`,
 * closing and reopening highlight.js spans that cross a line break so every line is well formed.
 */
export function markLines(html: string, lines: ReadonlySet<number>): string {
  if (lines.size === 0) return html;
  const out: string[] = [];
  const open: string[] = [];
  let line = 1;
  let current = '';
  const flush = (): void => {
    const closed = current + '</span>'.repeat(open.length);
    out.push(lines.has(line) ? `<span class="code-line highlighted">${closed}</span>` : closed);
  };
  for (const piece of html.split(/(<span[^>]*>|<\/span>|\n)/)) {
    if (piece === '\n') {
      flush();
      line += 1;
      current = open.join('');
    } else if (piece.startsWith('<span')) {
      open.push(piece);
      current += piece;
    } else if (piece === '</span>') {
      open.pop();
      current += piece;
    } else current += piece;
  }
  flush();
  return out.join('\n');
}

/** One Marked instance per document: heading ids are numbered per document. */
function createMarked(highlight: Highlighter, options: RenderOptions): Marked {
  const serverIds = options.headingIds ?? [];
  const prefix = options.idPrefix ?? '';
  const slugger = new HeadingSlugger();
  let headingIndex = 0;

  const nextHeadingId = (source: string): string => {
    const given = serverIds[headingIndex++];
    if (given) return slugger.claim(given);
    const explicit = EXPLICIT_HEADING_ID.exec(source);
    return explicit ? slugger.claim(explicit[1]) : slugger.slug(headingPlainText(source));
  };

  return new Marked({
    gfm: true,
    breaks: false,
    extensions: [admonition],
    walkTokens(token) {
      if (!prefix || token.type !== 'link') return;
      const link = token as Tokens.Link;
      if (link.href.startsWith('#')) link.href = `#${prefix}${link.href.slice(1)}`;
    },
    renderer: {
      heading({ tokens, depth, text }: Tokens.Heading) {
        const explicit = EXPLICIT_HEADING_ID.exec(text);
        const plain = headingPlainText(explicit ? text.slice(0, explicit.index) : text);
        const id = escapeHtml(prefix + nextHeadingId(text));
        let inner = this.parser.parseInline(tokens);
        if (explicit) inner = inner.replace(EXPLICIT_HEADING_ID, '');
        return (
          `<h${depth} id="${id}">${inner} ` +
          `<a class="heading-anchor" href="#${id}" aria-label="Direct link to ${escapeHtml(plain)}">#</a></h${depth}>\n`
        );
      },
      code({ text, lang }: Tokens.Code) {
        const info = codeInfo(lang ?? '');
        const language = info.language;
        const highlighted = language ? highlight(text, language) : null;
        const body = markLines(highlighted ?? escapeHtml(text), info.highlight);
        const languageClass = language ? ` language-${escapeHtml(language)}` : '';
        return (
          '<div class="code-block">' +
          '<div class="code-toolbar">' +
          (info.title ? `<span class="code-title">${escapeHtml(info.title)}</span>` : '') +
          (language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '') +
          '<button type="button" class="copy-code" data-testid="copy-code">Copy</button>' +
          '</div>' +
          `<pre dir="ltr"><code class="hljs${languageClass}" dir="ltr">${body}\n</code></pre>` +
          '</div>\n'
        );
      },
      codespan({ text }: Tokens.Codespan) {
        return `<code dir="ltr">${text}</code>`;
      },
    },
    hooks: {
      // Wide tables scroll on their own instead of the page.
      postprocess(html: string) {
        return html.replace(/<table>/g, '<div class="table-scroll"><table>').replace(/<\/table>/g, '</table></div>');
      },
    },
  });
}

/** The absolute URL of an image source, when it is on another origin than the page; else null. */
function externalUrl(src: string, win: Window & typeof globalThis): string | null {
  try {
    const url = new URL(src, win.document.baseURI);
    return url.origin !== win.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

/** Link targets, image loading, and the URL policy, on every element DOMPurify keeps. */
function addHooks(purify: Purifier, win: Window & typeof globalThis, imagePolicy: { allowed: ReadonlySet<string> | null }): void {
  purify.addHook('uponSanitizeAttribute', (node, event) => {
    if (event.attrName.startsWith('on')) {
      event.keepAttr = false;
      return;
    }
    if (event.attrName === 'id' && /^H[1-6]$/.test(node.nodeName) && HEADING_ID.test(event.attrValue)) {
      event.forceKeepAttr = true;
    }
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const attribute of ['href', 'src'] as const) {
      const value = node.getAttribute(attribute);
      if (value !== null && !SAFE_URL.test(value.trim())) node.removeAttribute(attribute);
    }
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      let external = false;
      if (href && /^(?:https?:)?\/\//i.test(href.trim())) {
        try {
          external = new URL(href, win.document.baseURI).origin !== win.location.origin;
        } catch {
          node.removeAttribute('href');
        }
      }
      if (external) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('target');
      }
    }
    if (node.nodeName === 'IMG') {
      const src = node.getAttribute('src');
      const external = src ? externalUrl(src, win) : null;
      if (external && imagePolicy.allowed && !imagePolicy.allowed.has(external)) {
        // An image the original lesson does not have (a tracking pixel, say): never fetched.
        node.removeAttribute('src');
        node.removeAttribute('srcset');
        node.setAttribute('data-blocked-image', '');
        node.setAttribute('title', 'Image not in the original lesson: not loaded');
      }
      node.setAttribute('loading', 'lazy');
      node.setAttribute('decoding', 'async');
      if (!node.hasAttribute('alt')) node.setAttribute('alt', '');
    }
  });
}

/**
 * The importer's blocks (see the README's book section), after sanitizing:
 * `div[data-lx=tabs]` → a tab list of buttons over its `div[data-lx=tab]`
 * panels (first one shown); `div[data-lx=section]` → a labelled section;
 * `[data-lx=component]` placeholders are styled by CSS only. Labels come
 * from data attributes and are set as text, never as HTML.
 */
export function enhanceBlocks(html: string, doc: Document, idPrefix = ''): string {
  if (!html.includes('data-lx=')) return html;
  const template = doc.createElement('template');
  template.innerHTML = html;
  const root = template.content;
  let tabsIndex = 0;
  for (const tabs of Array.from(root.querySelectorAll<HTMLElement>('div[data-lx="tabs"]'))) {
    const panels = Array.from(tabs.children).filter((c): c is HTMLElement => (c as HTMLElement).dataset?.['lx'] === 'tab');
    if (panels.length === 0) continue;
    tabsIndex += 1;
    tabs.classList.add('lx-tabs');
    const label = tabs.dataset['label'];
    if (label) {
      const caption = doc.createElement('p');
      caption.className = 'lx-tabs-label';
      caption.textContent = label;
      tabs.insertBefore(caption, tabs.firstChild);
    }
    const list = doc.createElement('div');
    list.className = 'lx-tablist';
    list.setAttribute('role', 'tablist');
    panels.forEach((panel, i) => {
      const id = `${idPrefix}lx-tabs-${tabsIndex}-${i}`;
      const button = doc.createElement('button');
      button.type = 'button';
      button.className = 'lx-tab';
      button.id = `${id}-tab`;
      button.setAttribute('role', 'tab');
      button.setAttribute('aria-controls', id);
      button.setAttribute('aria-selected', String(i === 0));
      button.tabIndex = i === 0 ? 0 : -1;
      button.textContent = panel.dataset['label'] || `Tab ${i + 1}`;
      list.appendChild(button);
      panel.id = id;
      panel.classList.add('lx-tabpanel');
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', button.id);
      if (i > 0) panel.hidden = true;
    });
    tabs.insertBefore(list, panels[0]);
  }
  for (const section of Array.from(root.querySelectorAll<HTMLElement>('div[data-lx="section"]'))) {
    section.classList.add('lx-section');
    const caption = doc.createElement('p');
    caption.className = 'lx-section-label';
    caption.textContent = section.dataset['label'] ?? '';
    section.insertBefore(caption, section.firstChild);
  }
  return template.innerHTML;
}

export function createMarkdownEngine(highlight: Highlighter, win: Window & typeof globalThis = window): MarkdownEngine {
  const purify = DOMPurify(win as WindowLike);
  // Set for the length of one (synchronous) sanitize call.
  const imagePolicy: { allowed: ReadonlySet<string> | null } = { allowed: null };
  addHooks(purify, win, imagePolicy);
  return {
    render(markdown: string, options: RenderOptions = {}): SanitizedHtml {
      const html = createMarked(highlight, options).parse(markdown, { async: false });
      imagePolicy.allowed = options.allowedImageSources
        ? new Set(options.allowedImageSources.map((src) => externalUrl(src, win)).filter((u): u is string => u !== null))
        : null;
      try {
        const clean = purify.sanitize(html, PURIFY_CONFIG) as string;
        return enhanceBlocks(clean, win.document, options.idPrefix ?? '') as SanitizedHtml;
      } finally {
        imagePolicy.allowed = null;
      }
    },
    externalImageSources(markdown: string): string[] {
      const html = createMarked(highlight, {}).parse(markdown, { async: false });
      const fragment = purify.sanitize(html, { ...PURIFY_CONFIG, RETURN_DOM_FRAGMENT: true });
      const sources = [...fragment.querySelectorAll('img[src]')].map((img) => externalUrl(img.getAttribute('src') ?? '', win));
      return [...new Set(sources.filter((u): u is string => u !== null))];
    },
  };
}
