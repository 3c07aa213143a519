import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { PersonalizeJobStatus, PersonalizeReady } from '@lectern/api-types';
import { type Observable, type Subscription, take } from 'rxjs';
import { apiErrorOf, statusOf } from '../core/http-errors';
import { SessionService } from '../core/session.service';
import { PersonalizeApi } from './personalize.api';

export type PersonalizeState =
  | { kind: 'idle' }
  /** Asking the server (POST, or DELETE then POST for Regenerate). */
  | { kind: 'requesting' }
  /** A job is writing the rewrite; `progress` is the worker's 0..100. */
  | { kind: 'writing'; jobId: string; jobState: 'queued' | 'active'; progress: number }
  | { kind: 'ready'; result: PersonalizeReady; cached: boolean }
  | {
      kind: 'failed';
      message: string;
      /** The job failed or took too long: the panel shows the original instead. */
      showOriginal: boolean;
      /** 409: the learner has not answered the questionnaire. */
      needsOnboarding: boolean;
    };

/** Polling of a job: 1 s, then ×1.5 up to 5 s; given up after 10 minutes. */
export const POLLING = {
  firstDelayMs: 1000,
  factor: 1.5,
  maxDelayMs: 5000,
  giveUpAfterMs: 10 * 60 * 1000,
  /** Consecutive failed status calls (network) tolerated before giving up. */
  maxErrors: 3,
} as const;

export function nextDelay(delay: number): number {
  return Math.min(Math.round(delay * POLLING.factor), POLLING.maxDelayMs);
}

const UNREACHABLE = 'Lectern could not be reached. Check your connection and try again.';

function httpFailure(error: unknown): { message: string; needsOnboarding: boolean } {
  const message = apiErrorOf(error)?.message;
  const status = statusOf(error);
  switch (status) {
    case 0:
      return { message: UNREACHABLE, needsOnboarding: false };
    case 409:
      return { message: 'Lessons are personalized from your answers: answer the questionnaire first.', needsOnboarding: true };
    case 404:
      return { message: 'This lesson could not be found, so there is nothing to personalize.', needsOnboarding: false };
    case 429:
      return { message: message ?? 'You have asked for many rewrites in a short time. Try again in a moment.', needsOnboarding: false };
    case 503:
      return { message: message ?? 'Personalization is not available right now.', needsOnboarding: false };
    default:
      return {
        message: message ? `Your version could not be prepared: ${message}` : 'Your version could not be prepared. Please try again.',
        needsOnboarding: false,
      };
  }
}

function progressOf(job: PersonalizeJobStatus): number {
  const value = typeof job.progress === 'number' && Number.isFinite(job.progress) ? job.progress : 0;
  return Math.max(0, Math.min(100, Math.round(value)));
}

/**
 * The state machine behind the Personalized tab, one per open panel:
 * POST → ready (cached) at once, or queued → poll the job with backoff →
 * completed (the rewrite) or failed (its reason). Everything in flight is
 * dropped on stop(), on opening another lesson, and when the panel goes.
 */
@Injectable()
export class Personalization {
  private readonly api = inject(PersonalizeApi);
  private readonly session = inject(SessionService);

  private readonly stateSignal = signal<PersonalizeState>({ kind: 'idle' });
  readonly state = this.stateSignal.asReadonly();

  private slug: string | null = null;
  /** Bumped by every start and stop: answers of an older run are ignored. */
  private run = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private call: Subscription | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Starts personalizing `slug`, unless that is already under way or done. */
  open(slug: string): void {
    if (slug === this.slug && this.stateSignal().kind !== 'idle') return;
    this.slug = slug;
    void this.start(false);
  }

  retry(): void {
    if (this.slug) void this.start(false);
  }

  /** Drops the cached rewrite, then asks for a new one. */
  regenerate(): void {
    if (this.slug) void this.start(true);
  }

  /** Stops polling and forgets any request in flight. */
  stop(): void {
    this.run++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.call?.unsubscribe();
    this.call = undefined;
  }

  private async start(regenerate: boolean): Promise<void> {
    this.stop();
    const run = this.run;
    const slug = this.slug;
    if (!slug) return;
    this.stateSignal.set({ kind: 'requesting' });
    try {
      await this.session.ensure(); // the learner's token, for the Bearer header
      if (run !== this.run) return;
      if (regenerate) await this.fetch(this.api.dropCached(slug));
      const answer = await this.fetch(this.api.request(slug));
      if (run !== this.run) return;
      if (answer.status === 'ready') {
        this.stateSignal.set({ kind: 'ready', result: answer, cached: answer.cached !== false });
        return;
      }
      this.stateSignal.set({ kind: 'writing', jobId: answer.jobId, jobState: 'queued', progress: 0 });
      this.schedulePoll(answer.jobId, run, POLLING.firstDelayMs, Date.now() + POLLING.giveUpAfterMs, 0);
    } catch (error) {
      if (run !== this.run) return;
      this.stateSignal.set({ kind: 'failed', showOriginal: false, ...httpFailure(error) });
    }
  }

  private schedulePoll(jobId: string, run: number, delay: number, deadline: number, errors: number): void {
    this.timer = setTimeout(() => void this.poll(jobId, run, delay, deadline, errors), delay);
  }

  private async poll(jobId: string, run: number, delay: number, deadline: number, errors: number): Promise<void> {
    if (run !== this.run) return;
    if (Date.now() >= deadline) {
      this.fail('Your version is taking much longer than usual to write.', true);
      return;
    }
    let job: PersonalizeJobStatus;
    try {
      job = await this.fetch(this.api.job(jobId));
    } catch (error) {
      if (run !== this.run) return;
      if (statusOf(error) === 404) {
        this.fail('The job writing your version was lost.', true);
      } else if (errors + 1 >= POLLING.maxErrors) {
        this.fail(statusOf(error) === 0 ? UNREACHABLE : 'The progress of your version could not be checked.', true);
      } else {
        this.schedulePoll(jobId, run, nextDelay(delay), deadline, errors + 1);
      }
      return;
    }
    if (run !== this.run) return;
    switch (job.state) {
      case 'completed':
        if (job.result) this.stateSignal.set({ kind: 'ready', result: job.result, cached: false });
        else this.fail('The job finished without a rewrite.', true);
        return;
      case 'failed':
        this.fail(job.failedReason?.trim() || 'Writing your version failed.', true);
        return;
      default:
        // queued or active (or a state this client does not know yet): keep polling.
        this.stateSignal.set({ kind: 'writing', jobId, jobState: job.state === 'active' ? 'active' : 'queued', progress: progressOf(job) });
        this.schedulePoll(jobId, run, nextDelay(delay), deadline, 0);
        return;
    }
  }

  private fail(message: string, showOriginal: boolean): void {
    this.stop();
    this.stateSignal.set({ kind: 'failed', message, showOriginal, needsOnboarding: false });
  }

  /** The first value of `source`; cancelled (never settles) by stop(). */
  private fetch<T>(source: Observable<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.call = source.pipe(take(1)).subscribe({ next: resolve, error: reject });
    });
  }
}
