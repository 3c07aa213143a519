import {
  ADMONITION_KINDS,
  codeBlockInfo,
  directiveLabel,
  plainText,
  type Code,
  type ContainerDirective,
  type MdxJsxAttribute,
  type MdxJsxFlowElement,
  type MdxJsxTextElement,
  type Nodes,
  type ParsedMarkdown,
} from '@lectern/markdown';

/**
 * A parsed doc (MDX or Markdown) → the Markdown Lectern stores and the web
 * reader renders. The source is spliced, not re-printed: every node that needs
 * no change keeps its text exactly as written.
 *
 * - ESM (`import`/`export`) and `{expressions}` (MDX comments) go.
 * - `<Tabs>`/`<TabItem label>` and tab directives (`::::os-tabs` holding
 *   `:::tab[Linux]` …) → `<div data-lx="tabs">` / `<div data-lx="tab"
 *   data-label="…">` HTML blocks around the Markdown of each tab.
 * - `<details>`/`<summary>` stay HTML blocks; `<Admonition type title>` →
 *   `:::type[title]`; admonition directives are kept as written.
 * - Other directives → `<div data-lx="section" data-label="name">`.
 * - Code: magic comments (`highlight-next-line`, `highlight-start/end`)
 *   removed from the code; title and highlighted lines put in the fence meta
 *   as `title="…" {1,3-4}`.
 * - Any other component → one HTML block `<div data-lx="component"
 *   data-name="Quiz">` holding only its text children, escaped (never its
 *   props: a `questions={[…]}` prop never reaches the reader or search).
 * - Links and images: `rewriteUrl` decides (lesson links, asset URLs).
 */

export interface TransformHooks {
  /** A link's new URL (or undefined to keep it); `line` for messages. */
  link?(url: string, line: number): string | undefined;
  /** An image's new URL (or undefined to keep it). */
  image?(url: string, line: number): string | undefined;
  /** Called once per unknown component occurrence. */
  unknownComponent?(name: string, line: number): void;
  /** Drop this node (e.g. the first heading, when it is the title). */
  skip?(node: Nodes): boolean;
}

const KNOWN_HTML = new Set(['details', 'summary', 'br', 'img', 'div', 'span', 'p', 'b', 'i', 'em', 'strong', 'code', 'kbd', 'sub', 'sup', 'a', 'table', 'tr', 'td', 'th', 'thead', 'tbody', 'ul', 'ol', 'li', 'pre', 'hr', 'figure', 'figcaption', 'center', 'mark', 'u', 'small', 'iframe', 'video', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const TAB_DIRECTIVES = /tabs$/i;

export function transformDoc(parsed: ParsedMarkdown, hooks: TransformHooks = {}): string {
  const { source } = parsed;
  const start = (node: Nodes): number => node.position?.start.offset ?? 0;
  const end = (node: Nodes): number => node.position?.end.offset ?? 0;
  const column = (node: Nodes): number => (node.position?.start.column ?? 1) - 1;

  /** Children of a block container, each emitted and dedented by its own column, joined by blank lines. */
  const blocks = (children: readonly Nodes[]): string =>
    children
      .map((child) => dedent(emit(child), column(child)))
      .filter((text) => text.trim() !== '')
      .join('\n\n');

  const splice = (node: Nodes): string => {
    if (!('children' in node) || node.children.length === 0) return source.slice(start(node), end(node));
    let out = '';
    let at = start(node);
    for (const child of node.children as Nodes[]) {
      if (child.position?.start.offset === undefined) continue;
      out += source.slice(at, start(child)) + emit(child);
      at = end(child);
    }
    return out + source.slice(at, end(node));
  };

  const emit = (node: Nodes): string => {
    if (hooks.skip?.(node)) return '';
    switch (node.type) {
      case 'yaml':
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        return '';
      case 'code':
        return codeFence(node);
      case 'link': {
        const url = hooks.link?.(node.url, node.position?.start.line ?? 1);
        if (url === undefined) return splice(node);
        return `[${innerSource(node)}](${url}${node.title ? ` "${node.title.replace(/"/g, '\\"')}"` : ''})`;
      }
      case 'definition': {
        const url = hooks.link?.(node.url, node.position?.start.line ?? 1) ?? hooks.image?.(node.url, node.position?.start.line ?? 1);
        return url === undefined ? splice(node) : `[${node.label ?? node.identifier}]: ${url}`;
      }
      case 'image': {
        const url = hooks.image?.(node.url, node.position?.start.line ?? 1);
        return url === undefined ? splice(node) : `![${escapeBrackets(node.alt ?? '')}](${url})`;
      }
      case 'mdxJsxFlowElement':
        return jsxFlow(node);
      case 'mdxJsxTextElement':
        return jsxText(node);
      case 'containerDirective':
        return directive(node);
      default:
        return splice(node);
    }
  };

  const innerSource = (node: Nodes & { children: Nodes[] }): string => {
    if (node.children.length === 0) return '';
    let out = '';
    let at = start(node.children[0]);
    for (const child of node.children) {
      out += source.slice(at, start(child)) + emit(child);
      at = end(child);
    }
    return out;
  };

  const jsxFlow = (node: MdxJsxFlowElement): string => {
    const name = node.name ?? '';
    const children = node.children as Nodes[];
    if (name === '') return blocks(children);
    switch (name) {
      case 'Tabs':
        return `<div data-lx="tabs">\n\n${blocks(children)}\n\n</div>`;
      case 'TabItem':
        return `<div data-lx="tab" data-label="${escapeHtml(attr(node, 'label') ?? attr(node, 'value') ?? 'Tab')}">\n\n${blocks(children)}\n\n</div>`;
      case 'Admonition': {
        const type = attr(node, 'type') ?? 'note';
        const title = attr(node, 'title');
        return `:::${type}${title ? `[${title}]` : ''}\n\n${blocks(children)}\n\n:::`;
      }
      case 'details': {
        const isSummary = (c: Nodes): boolean =>
          (c.type === 'mdxJsxFlowElement' && c.name === 'summary') ||
          (c.type === 'paragraph' && c.children.length === 1 && c.children[0].type === 'mdxJsxTextElement' && c.children[0].name === 'summary');
        const summary = children.find(isSummary);
        const rest = children.filter((c) => c !== summary);
        const summaryText = summary ? plainText(summary).trim() : 'Details';
        return `<details>\n<summary>${escapeHtml(summaryText)}</summary>\n\n${blocks(rest)}\n\n</details>`;
      }
      case 'summary':
        return `<p><strong>${escapeHtml(plainText(node).trim())}</strong></p>`;
      case 'img': {
        const src = attr(node, 'src');
        if (!src) return '';
        return `![${escapeBrackets(attr(node, 'alt') ?? '')}](${hooks.image?.(src, node.position?.start.line ?? 1) ?? src})`;
      }
      case 'Link': {
        const to = attr(node, 'to') ?? attr(node, 'href');
        const text = blocks(children).trim();
        return to ? `[${text}](${hooks.link?.(to, node.position?.start.line ?? 1) ?? to})` : text;
      }
      case 'br':
      case 'hr':
        return name === 'hr' ? '---' : '';
      default:
        if (KNOWN_HTML.has(name)) return blocks(children);
        return placeholder(name, node, true);
    }
  };

  const jsxText = (node: MdxJsxTextElement): string => {
    const name = node.name ?? '';
    if (name === 'br') return '<br>';
    if (name === 'img') {
      const src = attr(node, 'src');
      return src ? `![${escapeBrackets(attr(node, 'alt') ?? '')}](${hooks.image?.(src, node.position?.start.line ?? 1) ?? src})` : '';
    }
    if (name === 'Admonition') {
      const type = attr(node, 'type') ?? 'note';
      const title = attr(node, 'title');
      return `\n\n:::${type}${title ? `[${title}]` : ''}\n${innerSource(node as unknown as Nodes & { children: Nodes[] })}\n:::\n\n`;
    }
    if (name === 'Link') {
      const to = attr(node, 'to') ?? attr(node, 'href');
      const text = innerSource(node as unknown as Nodes & { children: Nodes[] });
      return to ? `[${text}](${hooks.link?.(to, node.position?.start.line ?? 1) ?? to})` : text;
    }
    if (name === '' || KNOWN_HTML.has(name)) return innerSource(node as unknown as Nodes & { children: Nodes[] });
    return placeholder(name, node, false);
  };

  const placeholder = (name: string, node: MdxJsxFlowElement | MdxJsxTextElement, block: boolean): string => {
    hooks.unknownComponent?.(name, node.position?.start.line ?? 1);
    const text = plainText(node.children as Nodes[])
      .replace(/\s+/g, ' ')
      .trim();
    const inner = `<span data-lx="component-name">${escapeHtml(name)}</span>${text ? ` ${escapeHtml(text)}` : ''}`;
    return block ? `<div data-lx="component" data-name="${escapeHtml(name)}">${inner}</div>` : `<span data-lx="component" data-name="${escapeHtml(name)}">${inner}</span>`;
  };

  const directive = (node: ContainerDirective): string => {
    if ((ADMONITION_KINDS as readonly string[]).includes(node.name)) return splice(node);
    const label = directiveLabel(node);
    const children = (node.children as Nodes[]).filter((c) => !(c.type === 'paragraph' && (c.data as { directiveLabel?: boolean } | undefined)?.directiveLabel));
    const tabs = children.filter((c): c is ContainerDirective => c.type === 'containerDirective');
    if (TAB_DIRECTIVES.test(node.name) && tabs.length > 0) {
      const inner = tabs
        .map((tab) => {
          const tabLabel = directiveLabel(tab) ?? (typeof tab.attributes?.label === 'string' ? tab.attributes.label : tab.name);
          const body = (tab.children as Nodes[]).filter((c) => !(c.type === 'paragraph' && (c.data as { directiveLabel?: boolean } | undefined)?.directiveLabel));
          return `<div data-lx="tab" data-label="${escapeHtml(tabLabel)}">\n\n${blocks(body)}\n\n</div>`;
        })
        .join('\n\n');
      return `<div data-lx="tabs" data-label="${escapeHtml(label ?? node.name)}">\n\n${inner}\n\n</div>`;
    }
    return `<div data-lx="section" data-label="${escapeHtml(label ?? node.name)}">\n\n${blocks(children)}\n\n</div>`;
  };

  const codeFence = (node: Code): string => {
    const info = codeBlockInfo(node);
    const longest = Math.max(2, ...[...info.code.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    const meta = [
      info.title !== undefined ? `title="${info.title.replace(/"/g, "'")}"` : '',
      info.highlightLines.length > 0 ? `{${compressRanges(info.highlightLines)}}` : '',
      info.showLineNumbers ? 'showLineNumbers' : '',
    ].filter((m) => m !== '');
    return `${fence}${[info.lang ?? '', ...meta].join(' ').trim()}\n${info.code}\n${fence}`;
  };

  return tidy(blocks(parsed.root.children as Nodes[]));
}

function attr(node: MdxJsxFlowElement | MdxJsxTextElement, name: string): string | undefined {
  const found = node.attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!found) return undefined;
  if (typeof found.value === 'string') return found.value;
  const expression = found.value?.value;
  const literal = expression ? /^\s*(["'`])([^"'`]*)\1\s*$/.exec(expression) : null;
  return literal ? literal[2] : undefined;
}

/** Removes `indent` columns from every line but the first (the first starts at the node). */
function dedent(text: string, indent: number): string {
  if (indent === 0) return text;
  const strip = new RegExp(`^[ \\t]{0,${indent}}`);
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(strip, '')))
    .join('\n');
}

/** [1,2,3,5] → "1-3,5". */
export function compressRanges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(i === j ? String(lines[i]) : `${lines[i]}-${lines[j]}`);
    i = j;
  }
  return out.join(',');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function escapeBrackets(text: string): string {
  return text.replace(/[[\]]/g, '\\$&');
}

function tidy(markdown: string): string {
  const trimmed = markdown.trim();
  return trimmed === '' ? '' : `${trimmed}\n`;
}
