import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  afterRenderEffect,
  computed,
  effect,
  inject,
  linkedSignal,
  resource,
  signal,
  untracked,
  viewChild,
  viewChildren,
} from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { HeadingDto } from '@lectern/api-types';
import { map } from 'rxjs';
import { ContentApi } from '../../content/content.api';
import { goalLabel, layerBadges, typeLabel } from '../../content/layers';
import { statusOf } from '../../core/http-errors';
import { revealAnchor } from '../../lesson/anchor';
import { MarkdownRenderer } from '../../lesson/markdown-renderer.service';
import { MarkdownView } from '../../lesson/markdown-view';
import { PersonalizedLesson } from '../../personalize/personalized-lesson';
import { STATUS_LABELS } from '../../progress/format';
import { ReadingTracker } from '../../progress/reading-tracker';
import { AskButton } from '../../tutor/ask-button';
import { SelectionMenu } from '../../tutor/selection-menu';

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

/**
 * One lesson: its place in the book, the Original text (rendered at once from
 * the content endpoint) and, on demand, the learner's Personalized version.
 */
@Component({
  selector: 'lx-lesson-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MarkdownView, PersonalizedLesson, AskButton, SelectionMenu],
  providers: [ReadingTracker],
  templateUrl: './lesson-page.html',
  styleUrl: './lesson-page.css',
})
export class LessonPage {
  private readonly route = inject(ActivatedRoute);
  private readonly api = inject(ContentApi);
  private readonly renderer = inject(MarkdownRenderer);
  private readonly title = inject(Title);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly tracker = inject(ReadingTracker);

  protected readonly tabs = LESSON_TABS;
  protected readonly slug = toSignal(this.route.paramMap.pipe(map((params) => params.get('slug') ?? '')), { requireSync: true });
  private readonly fragment = toSignal(this.route.fragment, { initialValue: null });

  protected readonly lesson = rxResource({ params: () => this.slug(), stream: ({ params }) => this.api.lesson(params) });
  protected readonly markdown = rxResource({ params: () => this.slug(), stream: ({ params }) => this.api.lessonContent(params) });
  private readonly book = rxResource({ stream: () => this.api.book() });

  /** The Original text as sanitized HTML, headings carrying the server's anchor ids. */
  protected readonly body = resource({
    params: () =>
      this.lesson.hasValue() && this.markdown.hasValue()
        ? { markdown: this.markdown.value(), headingIds: this.lesson.value().headings.map((h) => h.id) }
        : undefined,
    loader: ({ params }) => this.renderer.render(params.markdown, { headingIds: params.headingIds }),
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

  protected readonly tab = signal<LessonTab>('original');
  /**
   * The lesson the Personalized panel works on: set when the learner opens
   * the tab, follows the lesson while the tab is open, and is cleared when
   * they move to another lesson with the Original tab showing (which stops
   * any polling: the panel is destroyed).
   */
  protected readonly personalizedSlug = linkedSignal<string, string | null>({
    source: this.slug,
    computation: (slug) => (untracked(this.tab) === 'personalized' ? slug : null),
  });

  /** The learner's progress in this lesson: null until the server said. */
  protected readonly status = computed(() => {
    const progress = this.tracker.progress();
    return progress && progress.lessonSlug === this.slug() ? { id: progress.status, label: STATUS_LABELS[progress.status] } : null;
  });
  protected readonly completing = signal(false);
  protected readonly completeError = signal('');
  /** Said by a polite live region once the lesson is marked as complete. */
  protected readonly announcement = signal('');

  private readonly tabButtons = viewChildren<ElementRef<HTMLButtonElement>>('tabButton');
  private readonly originalPanel = viewChild<ElementRef<HTMLElement>>('originalPanel');
  private readonly completedNote = viewChild<ElementRef<HTMLElement>>('completedNote');
  private lastBody: string | null = null;
  private revealed: string | null = null;

  constructor() {
    effect(() => {
      const lesson = this.lesson.hasValue() ? this.lesson.value() : null;
      this.title.setTitle(lesson ? `${lesson.title} · Lectern` : 'Lesson · Lectern');
    });

    // Opening a lesson starts it (at a deep link's section); moving to another
    // lesson or page flushes the reading time of this one (see ReadingTracker).
    this.tracker.watchSections(() => (this.tab() === 'original' ? (this.originalPanel()?.nativeElement ?? null) : null));
    effect(() => {
      const lesson = this.lesson.hasValue() ? this.lesson.value() : null;
      untracked(() => {
        if (!lesson) {
          this.tracker.close();
          return;
        }
        const fragment = this.fragment();
        this.completeError.set('');
        this.announcement.set('');
        this.tracker.open(lesson.slug, lesson.headings.some((h) => h.id === fragment) ? fragment : null);
      });
    });

    // A deep link (`/lessons/x#heading`, e.g. from search) scrolls to its
    // heading once the text is rendered: the router cannot, it is not there yet.
    afterRenderEffect(() => {
      const body = this.body.hasValue() ? this.body.value() : null;
      const fragment = this.fragment();
      const tab = this.tab();
      if (body !== this.lastBody) {
        this.lastBody = body;
        this.revealed = null;
      }
      if (!body || !fragment || this.revealed === fragment) return;
      const target = this.document.getElementById(fragment);
      if (!target) return;
      if (tab !== 'original' && this.originalPanel()?.nativeElement.contains(target)) {
        this.tab.set('original'); // runs again once the Original panel shows
        return;
      }
      this.revealed = fragment;
      revealAnchor(this.document, fragment);
    });
  }

  protected select(tab: LessonTab): void {
    this.tab.set(tab);
    if (tab === 'personalized') this.personalizedSlug.set(this.slug());
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
    this.tabButtons()[next]?.nativeElement.focus();
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
    if (this.lesson.error()) this.lesson.reload();
    if (this.markdown.error()) this.markdown.reload();
    if (this.body.error()) this.body.reload();
  }
}
