import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  output,
  resource,
  signal,
  untracked,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { forkJoin } from 'rxjs';
import { MarkdownRenderer } from '../lesson/markdown-renderer.service';
import { MarkdownView } from '../lesson/markdown-view';
import { OnboardingApi } from '../onboarding/onboarding.api';
import { personalizedFor } from '../onboarding/profile-summary';
import { FeedbackBar } from './feedback-bar';
import { Personalization } from './personalization';
import type { SanitizedHtml } from '../lesson/sanitized-html';

/** The draft is rendered again at most this often while it grows. */
export const DRAFT_RENDER_MS = 150;

/** Share of Arabic-script letters above which a text is shown right-to-left. */
const RTL_SHARE = 0.3;

function looksRightToLeft(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const arabic = text.match(/\p{Script=Arabic}/gu)?.length ?? 0;
  return letters > 0 && arabic / letters > RTL_SHARE;
}

/**
 * The Personalized tab's content: the learner's rewrite of the lesson, at once
 * when it exists, otherwise written while they watch the progress.
 */
@Component({
  selector: 'lx-personalized-lesson',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MarkdownView, RouterLink, DatePipe, FeedbackBar],
  providers: [Personalization],
  // Focus lands here when the button that had it goes away (Try again, Regenerate).
  host: { tabindex: '-1' },
  templateUrl: './personalized-lesson.html',
  styleUrl: './personalized-lesson.css',
})
export class PersonalizedLesson {
  readonly slug = input.required<string>();
  /** The original Markdown, shown when writing the rewrite failed. */
  readonly originalMarkdown = input<string | null>(null);
  /** Where onboarding sends the learner back to (this lesson, in this view). */
  readonly returnTo = input<string | null>(null);
  /** The text on screen changed (draft, rewrite or original): the page re-applies its anchor. */
  readonly shown = output<void>();

  private readonly personalization = inject(Personalization);
  private readonly renderer = inject(MarkdownRenderer);
  private readonly onboarding = inject(OnboardingApi);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  protected readonly state = this.personalization.state;

  private readonly profile = rxResource({
    stream: () => forkJoin({ questions: this.onboarding.questions(), preferences: this.onboarding.preferences() }),
  });

  /**
   * "an undergraduate · beginner programmer · new to robotics · in Urdu";
   * null until the profile is known (the line is shown once it is complete).
   */
  protected readonly forWhom = computed(() => {
    if (this.profile.hasValue()) {
      const { questions, preferences } = this.profile.value();
      return personalizedFor(questions, preferences);
    }
    return this.profile.error() ? 'your profile' : null;
  });

  private readonly readyContent = computed(() => {
    const state = this.state();
    return state.kind === 'ready' ? state.result.content : undefined;
  });

  /** Urdu rewrites read right to left (code stays left to right: the renderer marks it). */
  protected readonly rtl = computed(() => {
    if (this.profile.hasValue()) return this.profile.value().preferences.preferredLanguage === 'ur';
    return looksRightToLeft(this.readyContent() ?? '');
  });

  /**
   * A rewrite shows only the external images the original lesson has: any
   * other is not loaded (until the original is known, none is).
   */
  protected readonly rewrite = resource({
    params: () => {
      const content = this.readyContent();
      return content === undefined ? undefined : { content, original: this.originalMarkdown() };
    },
    loader: async ({ params }) =>
      this.renderer.render(params.content, {
        idPrefix: 'personalized-',
        allowedImageSources: params.original === null ? [] : await this.renderer.externalImageSources(params.original),
      }),
  });

  private readonly showsOriginal = computed(() => {
    const state = this.state();
    return state.kind === 'failed' && state.showOriginal ? (this.originalMarkdown() ?? undefined) : undefined;
  });

  protected readonly original = resource({
    params: () => this.showsOriginal(),
    loader: ({ params }) => this.renderer.render(params, { idPrefix: 'personalized-' }),
  });

  /** The draft while it is written, rendered (throttled); the previous rendering stays until the next is ready. */
  protected readonly draftHtml = signal<SanitizedHtml | null>(null);
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private draftRendering = false;

  protected readonly draft = computed(() => {
    const state = this.state();
    return state.kind === 'writing' ? state.draft : '';
  });

  constructor() {
    effect(() => {
      const slug = this.slug();
      untracked(() => this.personalization.open(slug));
    });
    effect(() => {
      const draft = this.draft();
      untracked(() => (draft ? this.scheduleDraft() : this.draftHtml.set(null)));
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(this.draftTimer));
    afterRenderEffect(() => {
      // Read what is shown, so this runs after each change of it.
      this.draftHtml();
      this.rewrite.value();
      this.original.value();
      this.shown.emit();
    });
  }

  private scheduleDraft(): void {
    if (this.draftTimer !== undefined || this.draftRendering) return;
    this.draftTimer = setTimeout(
      () => {
        this.draftTimer = undefined;
        void this.renderDraft();
      },
      this.draftHtml() ? DRAFT_RENDER_MS : 0,
    );
  }

  private async renderDraft(): Promise<void> {
    const markdown = this.draft();
    if (!markdown) return;
    this.draftRendering = true;
    try {
      const html = await this.renderer.render(markdown, { idPrefix: 'draft-' });
      if (this.draft()) this.draftHtml.set(html);
    } catch {
      // A draft that cannot be rendered yet is shown at the next piece.
    } finally {
      this.draftRendering = false;
    }
    if (this.draft() !== markdown && this.draft()) this.scheduleDraft();
  }

  protected retry(): void {
    this.personalization.retry();
    this.host.focus({ preventScroll: true });
  }

  protected regenerate(): void {
    this.personalization.regenerate();
    this.host.focus({ preventScroll: true });
  }
}
