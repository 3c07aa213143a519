import { DOCUMENT, NgTemplateOutlet, isPlatformBrowser } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  PLATFORM_ID,
  RESPONSE_INIT,
  TransferState,
  afterNextRender,
  afterRenderEffect,
  computed,
  effect,
  inject,
  linkedSignal,
  makeStateKey,
  resource,
  signal,
  untracked,
  viewChild,
  viewChildren,
} from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { HeadingDto } from '@lectern/api-types';
import { map } from 'rxjs';
import { ContentApi } from '../../content/content.api';
import { goalLabel, layerBadges, typeLabel } from '../../content/layers';
import { statusOf } from '../../core/http-errors';
import { PageMeta, describeMarkdown } from '../../core/page-meta';
import { revealAnchor } from '../../lesson/anchor';
import { highlightTerms, searchTerms } from '../../lesson/highlight-terms';
import { MarkdownRenderer } from '../../lesson/markdown-renderer.service';
import { MarkdownView } from '../../lesson/markdown-view';
import { PRERENDERED, type Prerendered, type SanitizedHtml } from '../../lesson/sanitized-html';
import { PersonalizedLesson } from '../../personalize/personalized-lesson';
import { STATUS_LABELS } from '../../progress/format';
import { ReadingTracker } from '../../progress/reading-tracker';
import { AskButton } from '../../tutor/ask-button';
import { SelectionMenu } from '../../tutor/selection-menu';
import { BookNav } from '../../reader/book-nav';
import { ReaderViewService, isReaderView } from '../../reader/reader-view.service';
import { SPY_OFFSET_PX, canonicalAnchor, currentHeading } from '../../reader/scroll-spy';

export const LESSON_TABS = [
  { id: 'original', label: 'Original' },
  { id: 'personalized', label: 'Personalized' },
] as const;
export type LessonTab = (typeof LESSON_TABS)[number]['id'];

interface TocEntry extends HeadingDto {
  children: HeadingDto[];
}

/** Lessons with at least this many headings (levels 2–3) get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

/** Set by the server-side render: the slug of the lesson whose Original text is already in the page. */
const PRERENDERED_BODY = makeStateKey<string>('lx-lesson-body');

/** The heading id of an anchor in a tab's rendering. */
function idIn(tab: LessonTab, anchor: string): string {
  return tab === 'personalized' ? `personalized-${anchor}` : anchor;
}

/**
 * One lesson: its place in the book (sidebar, breadcrumbs, previous/next),
 * the Original text (rendered at once from the content endpoint) and the
 * learner's Personalized version. The view is in the URL (`?view=personalized`)
 * and remembered for the learner; switching keeps the section on screen.
 */
@Component({
  selector: 'lx-lesson-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MarkdownView, PersonalizedLesson, BookNav, NgTemplateOutlet, AskButton, SelectionMenu],
  providers: [ReadingTracker],
  templateUrl: './lesson-page.html',
  styleUrl: './lesson-page.css',
})
export class LessonPage {
  private readonly route = inject(ActivatedRoute);
  private readonly api = inject(ContentApi);
  private readonly renderer = inject(MarkdownRenderer);
  private readonly pageMeta = inject(PageMeta);
  private readonly transferState = inject(TransferState);
  private readonly browser = isPlatformBrowser(inject(PLATFORM_ID));
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly tracker = inject(ReadingTracker);
  private readonly readerView = inject(ReaderViewService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly tabs = LESSON_TABS;
  protected readonly slug = toSignal(this.route.paramMap.pipe(map((params) => params.get('slug') ?? '')), { requireSync: true });
  private readonly fragment = toSignal(this.route.fragment, { initialValue: null });
  private readonly urlView = toSignal(this.route.queryParamMap.pipe(map((params) => params.get('view'))), { requireSync: true });
  /** A search's words to mark in the section it opened (`?highlight=…`, from the search pop-up and page). */
  private readonly highlight = toSignal(this.route.queryParamMap.pipe(map((params) => params.get('highlight')?.trim() || null)), {
    requireSync: true,
  });

  // The `id`s carry what the server read to the browser, which then has it at
  // once while hydrating (and shows the same page instead of "Loading").
  protected readonly lesson = rxResource({ id: 'lx-lesson', params: () => this.slug(), stream: ({ params }) => this.api.lesson(params) });
  // Read at the lesson's content-addressed URL once its metadata is in: a text read before comes from the browser's cache.
  protected readonly markdown = rxResource({
    id: 'lx-lesson-content',
    params: () => (this.lesson.hasValue() ? this.lesson.value().contentUrl : undefined),
    stream: ({ params }) => this.api.text(params),
  });
  private readonly book = rxResource({ id: 'lx-book', stream: () => this.api.book() });

  /**
   * The lesson whose Original text the server rendered into this page: the
   * browser adopts that HTML as it is (no second rendering, no Markdown engine
   * to download) until the reader moves to another lesson.
   */
  private readonly prerenderedSlug = signal(this.browser ? this.takePrerendered() : null);

  /** The Original text as sanitized HTML, headings carrying the server's anchor ids. */
  protected readonly body = resource({
    params: () =>
      this.lesson.hasValue() && this.markdown.hasValue() && this.prerenderedSlug() !== this.slug()
        ? { slug: this.slug(), markdown: this.markdown.value(), headingIds: this.lesson.value().headings.map((h) => h.id) }
        : undefined,
    loader: async ({ params }) => {
      const html = await this.renderer.render(params.markdown, { headingIds: params.headingIds });
      if (!this.browser) this.transferState.set(PRERENDERED_BODY, params.slug);
      return html;
    },
  });
  /** What the Original panel shows: the rendered text, the server's (already in the page), or nothing yet. */
  protected readonly bodyHtml = computed<SanitizedHtml | Prerendered | null>(() => {
    if (this.lesson.hasValue() && this.prerenderedSlug() === this.slug()) return PRERENDERED;
    return this.body.hasValue() ? this.body.value() : null;
  });

  protected readonly originalMarkdown = computed(() => (this.markdown.hasValue() ? this.markdown.value() : null));
  protected readonly notFound = computed(() => statusOf(this.lesson.error()) === 404);

  protected readonly meta = computed(() => {
    if (!this.lesson.hasValue()) return null;
    const lesson = this.lesson.value();
    const layers = this.book.hasValue() ? this.book.value().layers : [];
    return {
      layerBadges: layerBadges(lesson.layer, layers),
      typeLabel: typeLabel(lesson.type),
      goals: lesson.goals.map(goalLabel).join(', '),
    };
  });

  /** Level-2 headings, each with the level-3 headings under it; empty for short lessons. */
  protected readonly toc = computed(() => {
    if (!this.lesson.hasValue()) return [];
    const headings = this.lesson.value().headings.filter((h) => h.level === 2 || h.level === 3);
    if (headings.length < TOC_MIN_HEADINGS) return [];
    const entries: TocEntry[] = [];
    for (const heading of headings) {
      const parent = entries.at(-1);
      if (heading.level === 3 && parent) parent.children.push(heading);
      else entries.push({ ...heading, children: [] });
    }
    return entries;
  });

  /** A view picked on this page (cleared when the lesson or the URL's view changes). */
  private readonly chosen = linkedSignal<{ url: string | null; slug: string }, LessonTab | null>({
    source: () => ({ url: this.urlView(), slug: this.slug() }),
    computation: () => null,
  });
  /** The view on screen: picked here, else the URL's, else the learner's stored choice once known, else Original. */
  protected readonly tab = computed<LessonTab>(() => {
    const url = this.urlView();
    const stored = this.readerView.view();
    return this.chosen() ?? (isReaderView(url) ? url : isReaderView(stored) ? stored : 'original');
  });
  /** Query parameters that keep the view on links to other lessons. */
  protected readonly viewParams = computed<Record<string, string>>(() =>
    this.tab() === 'personalized' ? { view: 'personalized' } : ({} as Record<string, string>),
  );
  /** Where onboarding sends a learner back to: this lesson, Personalized. */
  protected readonly returnTo = computed(() => `/lessons/${this.slug()}?view=personalized`);

  /**
   * The lesson the Personalized panel works on: the current one while that
   * view shows; kept when the learner switches back to Original on the same
   * lesson (no new request when they return), dropped on another lesson.
   */
  protected readonly personalizedSlug = linkedSignal<{ slug: string; tab: LessonTab }, string | null>({
    source: () => ({ slug: this.slug(), tab: this.tab() }),
    computation: ({ slug, tab }, previous) => (tab === 'personalized' || previous?.value === slug ? slug : null),
  });

  /** The learner's progress in this lesson: null until the server said. */
  protected readonly status = computed(() => {
    const progress = this.tracker.progress();
    return progress && progress.lessonSlug === this.slug() ? { id: progress.status, label: STATUS_LABELS[progress.status] } : null;
  });
  protected readonly completedNow = computed(() => (this.status()?.id === 'completed' ? [this.slug()] : []));
  protected readonly completing = signal(false);
  protected readonly completeError = signal('');
  /** Said by a polite live region once the lesson is marked as complete. */
  protected readonly announcement = signal('');
  /** The section being read (its anchor in the Original), for the table of contents. */
  protected readonly activeSection = signal<string | null>(null);

  private readonly tabButtons = viewChildren<ElementRef<HTMLButtonElement>>('tabButton');
  private readonly originalPanel = viewChild<ElementRef<HTMLElement>>('originalPanel');
  private readonly personalizedPanel = viewChild<ElementRef<HTMLElement>>('personalizedPanel');
  private readonly completedNote = viewChild<ElementRef<HTMLElement>>('completedNote');
  /** Bumped when the Personalized panel shows new text: anchors waiting for it are tried again. */
  private readonly personalizedShown = signal(0);
  private lastBody: SanitizedHtml | Prerendered | null = null;
  private revealed: string | null = null;
  /**
   * After a switch of view: the section held at the height it had, in the
   * other view, as that view fills (the draft, then the checked text, images)
   * — until the learner scrolls, types, taps or picks another section.
   */
  private keep: { anchor: string; top: number; tab: LessonTab } | null = null;
  /** A section asked for (table of contents) that the view on screen does not show yet. */
  private pendingAnchor: string | null = null;
  /** The search whose first match was scrolled into view (once per lesson, search and view). */
  private highlightShown: string | null = null;

  constructor() {
    // Title, description, canonical URL and Open Graph tags (in the server's HTML too).
    effect(() => {
      const lesson = this.lesson.hasValue() ? this.lesson.value() : null;
      if (!lesson) {
        this.pageMeta.set({ title: this.notFound() ? 'Lesson not found' : 'Lesson', description: 'A lesson of the book.', path: this.path() });
        return;
      }
      const markdown = this.markdown.hasValue() ? this.markdown.value() : '';
      const fallback = `${lesson.title}: a lesson of Chapter ${lesson.chapterNumber}, ${lesson.chapterTitle}.`;
      this.pageMeta.set({ title: lesson.title, description: describeMarkdown(markdown, fallback), path: this.path(), type: 'article' });
    });
    // A lesson that does not exist is a 404 for crawlers too.
    const response = inject(RESPONSE_INIT, { optional: true });
    if (response) {
      effect(() => {
        if (this.notFound()) response.status = 404;
      });
    }
    // Once the reader is on another lesson, the server's rendering is gone from the page.
    effect(() => {
      const slug = this.slug();
      untracked(() => {
        if (this.prerenderedSlug() !== null && this.prerenderedSlug() !== slug) this.prerenderedSlug.set(null);
      });
    });

    // Everything below is the learner's, in the browser only: the server renders the Original text.
    if (!this.browser) return;

    // Without a view in the URL, the learner's stored choice applies.
    if (this.readerView.view() === null) void this.readerView.load();
    // The URL always says the view on screen, so a shared or reloaded link opens the same.
    effect(() => {
      const tab = this.tab();
      if (!this.lesson.hasValue()) return;
      untracked(() => this.writeUrl({ view: tab }));
    });

    // Opening a lesson starts it (at a deep link's section); moving to another
    // lesson or page flushes the reading time of this one (see ReadingTracker).
    this.tracker.watchSections(() => this.visiblePanel());
    effect(() => {
      const lesson = this.lesson.hasValue() ? this.lesson.value() : null;
      untracked(() => {
        if (!lesson) {
          this.tracker.close();
          return;
        }
        const fragment = this.fragment();
        const anchor = fragment ? canonicalAnchor(fragment) : null;
        this.completeError.set('');
        this.announcement.set('');
        this.tracker.open(lesson.slug, lesson.headings.some((h) => h.id === anchor) ? anchor : null);
      });
    });

    // A deep link (`/lessons/x#heading`, e.g. from search or the table of
    // contents) scrolls to its heading in the view on screen once the text is
    // rendered: the router cannot, it is not there yet.
    afterRenderEffect(() => {
      const body = this.bodyHtml();
      const fragment = this.fragment();
      const tab = this.tab();
      this.personalizedShown();
      if (body !== this.lastBody) {
        this.lastBody = body;
        this.revealed = null;
      }
      this.applyKeep();
      if (body && this.pendingAnchor) {
        const id = idIn(tab, this.pendingAnchor);
        if (this.shows(id)) {
          this.pendingAnchor = null;
          revealAnchor(this.document, id);
        }
      }
      if (body && fragment) {
        const key = `${tab}#${fragment}`;
        const anchor = canonicalAnchor(fragment);
        if (this.revealed !== key && this.shows(idIn(tab, anchor))) {
          this.revealed = key;
          revealAnchor(this.document, idIn(tab, anchor));
        }
      }
      if (body) this.markSearchTerms(tab, fragment);
    });

    // Scroll-spy: the table of contents follows the section being read.
    const view = this.document.defaultView;
    if (view) {
      let frame = 0;
      const onScroll = () => {
        if (frame) return;
        frame = view.requestAnimationFrame(() => {
          frame = 0;
          this.spy();
        });
      };
      view.addEventListener('scroll', onScroll, { passive: true });
      view.addEventListener('resize', onScroll, { passive: true });
      inject(DestroyRef).onDestroy(() => {
        view.removeEventListener('scroll', onScroll);
        view.removeEventListener('resize', onScroll);
        if (frame) view.cancelAnimationFrame(frame);
      });
    }
    afterRenderEffect(() => {
      this.tab();
      this.personalizedShown();
      if (this.bodyHtml()) this.spy();
    });

    // The section kept across a switch follows every change of the page's
    // height (a growing draft, the checked text, an image) until the learner
    // moves on their own: wheel, touch, keys, pointer.
    afterNextRender(() => {
      const view = this.document.defaultView;
      if (!view) return;
      const release = () => (this.keep = null);
      const inputs = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
      for (const type of inputs) view.addEventListener(type, release, { capture: true, passive: true });
      const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.applyKeep()) : null;
      resized?.observe(this.document.body);
      this.destroyRef.onDestroy(() => {
        for (const type of inputs) view.removeEventListener(type, release, { capture: true });
        resized?.disconnect();
      });
    });
  }

  /** The lesson's path, for its canonical URL. */
  private path(): string {
    return `/lessons/${encodeURIComponent(this.slug())}`;
  }

  /** The slug the server rendered the Original text of, read once (a later page of the visit renders its own). */
  private takePrerendered(): string | null {
    const slug = this.transferState.get(PRERENDERED_BODY, null);
    this.transferState.remove(PRERENDERED_BODY);
    return slug;
  }

  protected select(tab: LessonTab): void {
    if (tab === this.tab()) return;
    // Keep the section being read where it is on screen once the other view shows.
    const heading = currentHeading(this.visiblePanel());
    this.keep = heading ? { anchor: canonicalAnchor(heading.id), top: heading.getBoundingClientRect().top, tab } : null;
    this.revealed = this.fragment() ? `${tab}#${this.fragment()}` : null; // the switch, not the old link, decides the position
    this.pendingAnchor = null;
    this.chosen.set(tab);
    this.readerView.choose(tab);
  }

  protected onPersonalizedShown(): void {
    this.personalizedShown.update((n) => n + 1);
  }

  /** A table-of-contents link: the URL gets the section, the view on screen scrolls to it (either view). */
  protected goToSection(event: MouseEvent, anchor: string): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.writeUrl({ fragment: anchor });
    const id = idIn(this.tab(), anchor);
    this.pendingAnchor = null;
    this.keep = null;
    if (this.shows(id)) revealAnchor(this.document, id);
    else this.pendingAnchor = anchor; // not shown yet (the rewrite is being written): revealed once it is
  }

  protected sectionHref(anchor: string): string {
    const params = this.tab() === 'personalized' ? '?view=personalized' : '';
    return `/lessons/${encodeURIComponent(this.slug())}${params}#${encodeURIComponent(anchor)}`;
  }

  /** ARIA tabs with automatic activation: arrows, Home and End move focus and select. */
  protected onTabKeydown(event: KeyboardEvent): void {
    const ids = this.tabs.map((t) => t.id);
    const current = ids.indexOf(this.tab());
    let next: number;
    switch (event.key) {
      case 'ArrowRight':
        next = (current + 1) % ids.length;
        break;
      case 'ArrowLeft':
        next = (current - 1 + ids.length) % ids.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = ids.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.select(ids[next]);
    this.tabButtons()[next]?.nativeElement.focus({ preventScroll: true });
  }

  protected async complete(): Promise<void> {
    if (this.completing()) return;
    this.completing.set(true);
    this.completeError.set('');
    this.announcement.set('');
    try {
      await this.tracker.complete();
      this.announcement.set('Lesson marked as complete.');
      // The button is gone: keep keyboard focus on what replaced it.
      afterNextRender(() => this.completedNote()?.nativeElement.focus({ preventScroll: true }), { injector: this.injector });
    } catch {
      this.completeError.set('The lesson could not be marked as complete. Check your connection and try again.');
    } finally {
      this.completing.set(false);
    }
  }

  protected retry(): void {
    // A text that failed may have been replaced by a sync meanwhile (its old URL then answers 404): the
    // lesson is read again too, and the text follows its new URL.
    if (this.lesson.error() || this.markdown.error()) this.lesson.reload();
    if (this.markdown.error()) this.markdown.reload();
    if (this.body.error()) this.body.reload();
  }

  private visiblePanel(): HTMLElement | null {
    return (this.tab() === 'personalized' ? this.personalizedPanel() : this.originalPanel())?.nativeElement ?? null;
  }

  /** Whether the view on screen shows the element with this id. */
  private shows(id: string): boolean {
    const element = this.document.getElementById(id);
    return !!element && !!this.visiblePanel()?.contains(element);
  }

  private spy(): void {
    const heading = currentHeading(this.visiblePanel());
    this.activeSection.set(heading ? canonicalAnchor(heading.id) : null);
  }

  /**
   * Marks a search's words (`?highlight=`) in the section the result pointed
   * at, in the view on screen once it shows its final text (not a draft), and
   * brings the first mark into view the first time.
   */
  private markSearchTerms(tab: LessonTab, fragment: string | null): void {
    const query = this.highlight();
    if (!query) return;
    const selector = tab === 'personalized' ? '[data-testid="personalized-body"] .markdown' : '[data-testid="lesson-body"] .markdown';
    const container = this.visiblePanel()?.querySelector<HTMLElement>(selector);
    if (!container || container.querySelector('mark.search-hit')) return; // not shown yet, or already marked
    const anchor = fragment ? canonicalAnchor(fragment) : null;
    const marks = highlightTerms(container, searchTerms(query), anchor ? idIn(tab, anchor) : null);
    const key = `${this.slug()}|${query}|${tab}`;
    if (!marks.length || this.highlightShown === key) return;
    this.highlightShown = key;
    const view = this.document.defaultView;
    const box = marks[0].getBoundingClientRect();
    if (view && (box.top < SPY_OFFSET_PX || box.bottom > view.innerHeight)) marks[0].scrollIntoView?.({ block: 'center' });
  }

  /**
   * Puts the section kept across a switch at its height, in the view now on
   * screen: in the checked text, else in the draft being written; not shown
   * yet, it is tried again at the next change.
   */
  private applyKeep(): void {
    const keep = this.keep;
    if (!keep || keep.tab !== this.tab()) return;
    const ids = keep.tab === 'personalized' ? [idIn(keep.tab, keep.anchor), `draft-${keep.anchor}`] : [keep.anchor];
    const id = ids.find((candidate) => this.shows(candidate));
    if (!id) return;
    const delta = (this.document.getElementById(id) as HTMLElement).getBoundingClientRect().top - keep.top;
    if (Math.abs(delta) >= 1) this.document.defaultView?.scrollBy({ top: delta, behavior: 'instant' });
  }

  /**
   * Updates the address bar in place (view and section) without a router
   * navigation, which would scroll the page to the top.
   */
  private writeUrl(change: { view?: LessonTab; fragment?: string }): void {
    const view = this.document.defaultView;
    if (!view) return;
    const url = new URL(view.location.href);
    if (change.view === 'personalized') url.searchParams.set('view', 'personalized');
    else if (change.view === 'original') url.searchParams.delete('view');
    if (change.fragment !== undefined) url.hash = change.fragment;
    const next = url.pathname + url.search + url.hash;
    if (next !== view.location.pathname + view.location.search + view.location.hash) {
      view.history.replaceState(view.history.state, '', next);
    }
  }
}
