import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { OnboardingField, Question } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { fieldErrorsOf, statusOf } from '../../core/http-errors';
import {
  type AnswerDraft,
  type AnswerValue,
  type FieldMessages,
  initialDraft,
  isAnswered,
  isComplete,
  missingMessage,
  splitFieldErrors,
  toAnswers,
} from '../../onboarding/answers';
import { OnboardingApi } from '../../onboarding/onboarding.api';
import { profileSummary } from '../../onboarding/profile-summary';
import { QuestionField } from '../../onboarding/question-field';
import { AccountPanel } from '../../account/account-panel';

type LoadState = 'loading' | 'ready' | 'failed';
type SaveStatus = { kind: 'idle' | 'saved' | 'failed'; message: string };

/** The six answers on one form; Save replaces them (PUT /api/user/preferences). */
@Component({
  selector: 'lx-profile-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [QuestionField, RouterLink, AccountPanel],
  templateUrl: './profile-page.html',
})
export class ProfilePage {
  private readonly api = inject(OnboardingApi);

  protected readonly state = signal<LoadState>('loading');
  protected readonly questions = signal<Question[]>([]);
  protected readonly draft = signal<AnswerDraft>({});
  protected readonly saving = signal(false);
  protected readonly status = signal<SaveStatus>({ kind: 'idle', message: '' });
  protected readonly fieldErrors = signal<FieldMessages>({});
  protected readonly summary = signal('');

  protected readonly errorCount = computed(() => Object.keys(this.fieldErrors()).length);

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.state.set('loading');
    try {
      const [questions, preferences] = await Promise.all([
        firstValueFrom(this.api.questions()),
        firstValueFrom(this.api.preferences()),
      ]);
      this.questions.set(questions);
      this.draft.set(initialDraft(questions, preferences));
      this.summary.set(profileSummary(questions, preferences));
      this.state.set('ready');
    } catch {
      this.state.set('failed');
    }
  }

  protected answer(field: OnboardingField, value: AnswerValue): void {
    this.draft.update((draft) => ({ ...draft, [field]: value }));
    this.fieldErrors.update(({ [field]: _cleared, ...rest }) => rest);
    if (this.status().kind === 'saved') this.status.set({ kind: 'idle', message: '' });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.saving()) return;
    const questions = this.questions();
    const missing: FieldMessages = {};
    for (const question of questions) {
      if (!isAnswered(question, this.draft()[question.id])) missing[question.id] = missingMessage(question);
    }
    const answers = toAnswers(this.draft());
    if (Object.keys(missing).length || !isComplete(answers)) {
      this.fieldErrors.set(missing);
      this.status.set({ kind: 'failed', message: 'Not saved: some answers need attention.' });
      return;
    }
    this.saving.set(true);
    this.status.set({ kind: 'idle', message: 'Saving…' });
    try {
      const saved = await firstValueFrom(this.api.updatePreferences(answers));
      this.fieldErrors.set({});
      this.draft.set(initialDraft(questions, saved));
      this.summary.set(profileSummary(questions, saved));
      this.status.set({ kind: 'saved', message: 'Saved. New lessons will follow your updated profile.' });
    } catch (error) {
      const { byField, other } = splitFieldErrors(questions, fieldErrorsOf(error));
      this.fieldErrors.set(byField);
      const reason =
        other.join(' ') ||
        (Object.keys(byField).length
          ? 'some answers need attention.'
          : statusOf(error) === 0
            ? 'Lectern could not be reached. Check your connection and try again.'
            : 'please try again.');
      this.status.set({ kind: 'failed', message: `Not saved: ${reason}` });
    } finally {
      this.saving.set(false);
    }
  }
}
