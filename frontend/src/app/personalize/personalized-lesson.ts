import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, resource, untracked } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { forkJoin } from 'rxjs';
import { MarkdownRenderer } from '../lesson/markdown-renderer.service';
import { MarkdownView } from '../lesson/markdown-view';
import { OnboardingApi } from '../onboarding/onboarding.api';
import { personalizedFor } from '../onboarding/profile-summary';
import { Personalization } from './personalization';

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
  imports: [MarkdownView, RouterLink, DatePipe],
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

  constructor() {
    effect(() => {
      const slug = this.slug();
      untracked(() => this.personalization.open(slug));
    });
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
