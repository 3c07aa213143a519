import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { OnboardingField, Question } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { fieldErrorsOf, statusOf } from '../../core/http-errors';
import { SessionService } from '../../core/session.service';
import {
  type AnswerDraft,
  type AnswerValue,
  type FieldMessages,
  initialDraft,
  isAnswered,
  isComplete,
  splitFieldErrors,
  toAnswers,
} from '../../onboarding/answers';
import { OnboardingApi } from '../../onboarding/onboarding.api';
import { QuestionField } from '../../onboarding/question-field';

type LoadState = 'loading' | 'ready' | 'failed';

/** A path of this app to return to (never another site: `//host` and schemes are refused). */
export function safeReturnUrl(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.startsWith('/onboarding')) return null;
  return value;
}

/** The questionnaire, one question per step; Complete saves and goes home (or back to the lesson that sent the learner here). */
@Component({
  selector: 'lx-onboarding-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [QuestionField],
  templateUrl: './onboarding-page.html',
  styleUrl: './onboarding-page.css',
})
export class OnboardingPage {
  private readonly api = inject(OnboardingApi);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private destroyed = false;

  /** `?edit=1`: an onboarded learner answering again. */
  protected readonly editing = inject(ActivatedRoute).snapshot.queryParamMap.get('edit') === '1';
  /** Where the learner came from (a lesson): they go back there once the questions are answered. */
  private readonly returnTo = safeReturnUrl(inject(ActivatedRoute).snapshot.queryParamMap.get('returnTo'));
  protected readonly state = signal<LoadState>('loading');
  protected readonly questions = signal<Question[]>([]);
  protected readonly draft = signal<AnswerDraft>({});
  protected readonly step = signal(0);
  protected readonly saving = signal(false);
  protected readonly fieldErrors = signal<FieldMessages>({});
  protected readonly formError = signal('');

  protected readonly total = computed(() => this.questions().length);
  protected readonly current = computed<Question | undefined>(() => this.questions()[this.step()]);
  protected readonly isLast = computed(() => this.step() === this.total() - 1);
  protected readonly answered = computed(() => {
    const question = this.current();
    return !!question && isAnswered(question, this.draft()[question.id]);
  });
  protected readonly stepLabel = computed(() => `Step ${this.step() + 1} of ${this.total()}`);
  protected readonly progress = computed(() => (this.total() ? ((this.step() + 1) / this.total()) * 100 : 0));

  private readonly field = viewChild(QuestionField);

  constructor() {
    inject(DestroyRef).onDestroy(() => (this.destroyed = true));
    void this.load();
  }

  protected async load(): Promise<void> {
    this.state.set('loading');
    try {
      const questions = await firstValueFrom(this.api.questions());
      // Answering again starts from the saved answers.
      const saved = this.session.onboarded() ? await firstValueFrom(this.api.preferences()).catch(() => null) : null;
      this.questions.set(questions);
      this.draft.set(initialDraft(questions, saved));
      this.state.set(questions.length ? 'ready' : 'failed');
    } catch {
      this.state.set('failed');
    }
  }

  protected answer(field: OnboardingField, value: AnswerValue): void {
    this.draft.update((draft) => ({ ...draft, [field]: value }));
    this.fieldErrors.update(({ [field]: _cleared, ...rest }) => rest);
  }

  protected onSubmit(event: Event): void {
    event.preventDefault();
    void this.advance();
  }

  /** Enter on a radio or checkbox moves on, in every browser. */
  protected onEnter(event: Event): void {
    if (!(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    void this.advance();
  }

  protected back(): void {
    if (this.step() === 0 || this.saving()) return;
    this.goTo(this.step() - 1);
  }

  private async advance(): Promise<void> {
    if (!this.answered() || this.saving()) return;
    if (!this.isLast()) {
      this.goTo(this.step() + 1);
      return;
    }
    await this.complete();
  }

  private async complete(): Promise<void> {
    const answers = toAnswers(this.draft());
    if (!isComplete(answers)) {
      const missing = this.questions().findIndex((q) => !isAnswered(q, this.draft()[q.id]));
      this.goTo(Math.max(missing, 0));
      return;
    }
    this.saving.set(true);
    this.formError.set('');
    try {
      await firstValueFrom(this.api.submit(answers));
      this.session.markOnboarded();
      if (!this.destroyed) await this.router.navigateByUrl(this.returnTo ?? '/');
    } catch (error) {
      this.showSaveError(error);
    } finally {
      this.saving.set(false);
    }
  }

  private showSaveError(error: unknown): void {
    const { byField, other } = splitFieldErrors(this.questions(), fieldErrorsOf(error));
    this.fieldErrors.set(byField);
    const first = this.questions().findIndex((q) => byField[q.id]);
    if (first >= 0) {
      this.formError.set(other.join(' ') || 'Some answers need attention. The message is shown with the question.');
      this.goTo(first);
    } else if (statusOf(error) === 0) {
      this.formError.set('Could not reach Lectern to save your answers. Check your connection and try again.');
    } else {
      this.formError.set(other.join(' ') || 'Your answers could not be saved. Please try again.');
    }
  }

  /** Shows another step and moves focus to its question. */
  private goTo(index: number): void {
    this.step.set(index);
    afterNextRender(() => this.field()?.focus(), { injector: this.injector });
  }
}
