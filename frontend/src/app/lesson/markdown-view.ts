import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Directive,
  ElementRef,
  Renderer2,
  ViewEncapsulation,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { Router } from '@angular/router';
import { fragmentOf, revealAnchor } from './anchor';
import { PRERENDERED, type Prerendered, type SanitizedHtml } from './sanitized-html';

/**
 * Puts sanitized HTML into its element. Written by hand rather than bound to
 * `[innerHTML]`: hydration sets every bound property again, which would
 * replace the nodes the server rendered; `PRERENDERED` leaves them as they are.
 */
@Directive({ selector: '[lxHtml]' })
export class SetHtml {
  readonly lxHtml = input.required<SanitizedHtml | Prerendered>();

  constructor() {
    const element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const renderer = inject(Renderer2);
    effect(() => {
      const html = this.lxHtml();
      // Safe: `html` is DOMPurify's output (see markdown-engine.ts), never raw text.
      if (html !== PRERENDERED) renderer.setProperty(element, 'innerHTML', html);
    });
  }
}

/** Same-origin paths that are files or API calls, not pages of the app. */
const NOT_A_PAGE = /^\/api\/|\.[a-z0-9]{1,8}$/i;

/**
 * Shows rendered lesson HTML. Only `SanitizedHtml` (DOMPurify's output) is
 * accepted (or `PRERENDERED`: the server's rendering, already in the page). Clicks are handled
 * here: same-origin links go through the router, `#` links scroll within the
 * page, and code blocks' Copy buttons copy their code.
 */
@Component({
  selector: 'lx-markdown',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // The HTML is not made by Angular templates, so the styles cannot be scoped
  // by emulation: they are scoped by the `.markdown` class instead.
  encapsulation: ViewEncapsulation.None,
  styleUrl: './markdown-view.css',
  host: { class: 'markdown-host', '(click)': 'onClick($event)' },
  imports: [SetHtml],
  template: `
    <div class="markdown" [lxHtml]="html()"></div>
    <p class="visually-hidden" role="status" aria-live="polite">{{ announcement() }}</p>
  `,
})
export class MarkdownView {
  readonly html = input.required<SanitizedHtml | Prerendered>();

  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  protected readonly announcement = signal('');

  constructor() {
    inject(DestroyRef).onDestroy(() => this.timers.forEach((timer) => clearTimeout(timer)));
  }

  protected onClick(event: MouseEvent): void {
    const target = event.target;
    if (!(target instanceof Element) || event.defaultPrevented) return;
    const copy = target.closest<HTMLButtonElement>('button.copy-code');
    if (copy && this.host.contains(copy)) {
      void this.copy(copy);
      return;
    }
    const tab = target.closest<HTMLButtonElement>('button.lx-tab');
    if (tab && this.host.contains(tab)) {
      this.selectTab(tab);
      return;
    }
    const link = target.closest<HTMLAnchorElement>('a[href]');
    if (!link || !this.host.contains(link)) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if ((link.target && link.target !== '_self') || link.hasAttribute('download')) return;

    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) {
      event.preventDefault();
      void this.goToFragment(fragmentOf(href));
      return;
    }
    const url = new URL(link.href, this.document.baseURI);
    const origin = this.document.defaultView?.location.origin;
    if (url.origin !== origin || NOT_A_PAGE.test(url.pathname)) return;
    event.preventDefault();
    void this.router.navigateByUrl(url.pathname + url.search + url.hash);
  }

  /** Shows the tab's panel and hides its siblings (tabs made by enhanceBlocks in markdown-engine.ts). */
  private selectTab(tab: HTMLButtonElement): void {
    const list = tab.parentElement;
    if (!list) return;
    for (const other of Array.from(list.querySelectorAll<HTMLButtonElement>('button.lx-tab'))) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = this.host.querySelector<HTMLElement>(`#${CSS.escape(other.getAttribute('aria-controls') ?? '')}`);
      if (panel) panel.hidden = !selected;
    }
  }

  private async goToFragment(fragment: string): Promise<void> {
    const tree = this.router.parseUrl(this.router.url);
    tree.fragment = fragment;
    await this.router.navigateByUrl(tree);
    revealAnchor(this.document, fragment);
  }

  private async copy(button: HTMLButtonElement): Promise<void> {
    const code = button.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
    this.announcement.set('');
    try {
      await this.document.defaultView?.navigator.clipboard.writeText(code.replace(/\n$/, ''));
      button.textContent = 'Copied';
      this.announcement.set('Copied');
      this.later(() => {
        button.textContent = 'Copy';
        this.announcement.set('');
      }, 2000);
    } catch {
      this.announcement.set('Copying failed: select the code and copy it yourself.');
    }
  }

  private later(action: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}
