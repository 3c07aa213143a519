import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { FEEDBACK_COMMENT_MAX, FEEDBACK_REASONS, type FeedbackRating, type FeedbackReason } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { statusOf } from '../core/http-errors';
import { PersonalizeApi } from './personalize.api';

export const REASON_LABELS: Record<FeedbackReason, string> = {
  inaccurate: 'Something is wrong or inaccurate',
  too_simple: 'Too simple for me',
  too_hard: 'Too hard for me',
  wrong_language: 'Not in my language',
  lost_content: 'Something from the original is missing',
  formatting: 'Formatting or code looks broken',
  other: 'Something else',
};

/** "Was this version helpful?": thumbs up, or down with a reason, a comment and an offer to write a new version. */
@Component({
  selector: 'lx-feedback-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './feedback-bar.html',
  styleUrl: './feedback-bar.css',
})
export class FeedbackBar {
  readonly slug = input.required<string>();
  /** The learner asked for a new version after a thumbs down. */
  readonly regenerate = output<void>();

  private readonly api = inject(PersonalizeApi);

  protected readonly reasons = FEEDBACK_REASONS.map((id) => ({ id, label: REASON_LABELS[id] }));
  protected readonly commentMax = FEEDBACK_COMMENT_MAX;
  protected readonly rating = signal<FeedbackRating | null>(null);
  protected readonly reason = signal<FeedbackReason | ''>('');
  protected readonly comment = signal('');
  protected readonly sending = signal(false);
  protected readonly sent = signal(false);
  protected readonly error = signal('');
  protected readonly remaining = computed(() => this.commentMax - this.comment().length);

  protected async rate(rating: FeedbackRating): Promise<void> {
    this.rating.set(rating);
    this.sent.set(false);
    this.error.set('');
    // A thumbs up is sent at once; a thumbs down first asks what was wrong.
    if (rating === 'up') await this.send();
  }

  protected onReason(event: Event): void {
    this.reason.set((event.target as HTMLSelectElement).value as FeedbackReason | '');
  }

  protected onComment(event: Event): void {
    this.comment.set((event.target as HTMLTextAreaElement).value.slice(0, this.commentMax));
  }

  protected async send(): Promise<void> {
    const rating = this.rating();
    if (!rating || this.sending()) return;
    this.sending.set(true);
    this.error.set('');
    const reason = this.reason();
    const comment = this.comment().trim();
    try {
      await firstValueFrom(
        this.api.feedback({
          lessonSlug: this.slug(),
          rating,
          ...(rating === 'down' && reason ? { reason } : {}),
          ...(rating === 'down' && comment ? { comment } : {}),
        }),
      );
      this.sent.set(true);
    } catch (error) {
      this.error.set(
        statusOf(error) === 0
          ? 'Your feedback could not be sent. Check your connection and try again.'
          : 'Your feedback could not be sent. Please try again later.',
      );
    } finally {
      this.sending.set(false);
    }
  }
}
