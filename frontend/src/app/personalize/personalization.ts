import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { PersonalizeJobStatus, PersonalizeReady } from '@lectern/api-types';
import { type Observable, type Subscription, take } from 'rxjs';
import { apiErrorOf, statusOf } from '../core/http-errors';
import { SessionService } from '../core/session.service';
import { JobStream } from './job-stream';
import { PersonalizeApi } from './personalize.api';

export type PersonalizeState =
  | { kind: 'idle' }
  /** Asking the server (POST, or DELETE then POST for Regenerate). */
  | { kind: 'requesting' }
  /**
   * A job is writing the rewrite; `progress` is the worker's 0..100 and
   * `draft` the text so far when it streams ('' when polling).
   */
  | { kind: 'writing'; jobId: string; jobState: 'queued' | 'active'; progress: number; draft: string }
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

/**
 * Everything a learner may read when personalizing goes wrong: what happened
 * and what they can do. Never a server's own message, a configuration hint or
 * a job's failure reason (those are for operators, in the server's logs).
 */
export const MESSAGES = {
  unreachable: 'Lectern could not be reached. Check your connection and try again.',
  needsOnboarding: 'Lessons are personalized from your answers to a few questions. Answer them first, then come back here.',
  notFound: 'This lesson could not be found, so there is nothing to personalize.',
  tooMany: 'You have asked for many personalized versions in a short time. Wait a minute, then try again.',
  pausedToday:
    'Personalized versions are paused for today. Lessons already personalized for you still open, and the original is always here.',
  unavailable: 'Personalized versions are not available right now. You can read the original lesson meanwhile.',
  failed: 'Your version could not be written this time. You are reading the original lesson; you can try again.',
  tooLong: 'Your version is taking much longer than usual. You are reading the original lesson; you can try again.',
  lost: 'Your version could not be finished. You are reading the original lesson; you can try again.',
  generic: 'Your version could not be prepared. Please try again.',
} as const;

function httpFailure(error: unknown): { message: string; needsOnboarding: boolean } {
  switch (statusOf(error)) {
    case 0:
      return { message: MESSAGES.unreachable, needsOnboarding: false };
    case 409:
      return { message: MESSAGES.needsOnboarding, needsOnboarding: true };
    case 404:
      return { message: MESSAGES.notFound, needsOnboarding: false };
    case 429:
      return {
        message: apiErrorOf(error)?.code === 'daily_budget_exhausted' ? MESSAGES.pausedToday : MESSAGES.tooMany,
        needsOnboarding: false,
      };
    case 503:
      return { message: MESSAGES.unavailable, needsOnboarding: false };
    default:
      return { message: MESSAGES.generic, needsOnboarding: false };
  }
}

function progressOf(job: PersonalizeJobStatus): number {
  return clampProgress(job.progress);
}

function clampProgress(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}

function isReady(value: unknown): value is PersonalizeReady {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as PersonalizeReady).status === 'ready' &&
    typeof (value as PersonalizeReady).content === 'string'
  );
}

/**
 * The state machine behind the Personalized tab, one per open panel:
 * POST → ready (cached) at once, or queued → follow the job's stream (the
 * draft as it is written, then the checked rewrite), falling back to polling
 * with backoff when streaming is unavailable → completed or failed.
 * Everything in flight is dropped on stop(), on opening another lesson, and
 * when the panel goes.
 */
@Injectable()
export class Personalization {
  private readonly api = inject(PersonalizeApi);
  private readonly session = inject(SessionService);
  private readonly stream = inject(JobStream);

  private readonly stateSignal = signal<PersonalizeState>({ kind: 'idle' });
  readonly state = this.stateSignal.asReadonly();

  private slug: string | null = null;
  /** Bumped by every start and stop: answers of an older run are ignored. */
  private run = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private call: Subscription | undefined;
  private abort: AbortController | undefined;

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

  /** Stops streaming or polling and forgets any request in flight. */
  stop(): void {
    this.run++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.call?.unsubscribe();
    this.call = undefined;
    this.abort?.abort();
    this.abort = undefined;
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
      this.stateSignal.set({ kind: 'writing', jobId: answer.jobId, jobState: 'queued', progress: 0, draft: '' });
      void this.follow(answer.jobId, run);
    } catch (error) {
      if (run !== this.run) return;
      this.stateSignal.set({ kind: 'failed', showOriginal: false, ...httpFailure(error) });
    }
  }

  /** Follows the job's stream; anything short of its outcome falls back to polling. */
  private async follow(jobId: string, run: number): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    let draft = '';
    let progress = 0;
    try {
      for await (const { event, data } of this.stream.events(this.api.streamUrl(jobId), abort.signal)) {
        if (run !== this.run) return;
        const payload = (data ?? {}) as Record<string, unknown>;
        switch (event) {
          case 'progress':
            progress = Math.max(progress, clampProgress(payload['progress']));
            break;
          case 'restart':
            draft = '';
            break;
          case 'delta':
            if (typeof payload['text'] === 'string') draft += payload['text'];
            break;
          case 'done':
            if (isReady(payload['result'])) {
              this.abort = undefined;
              this.stateSignal.set({ kind: 'ready', result: payload['result'], cached: false });
              return;
            }
            break;
          case 'failed':
            this.abort = undefined;
            this.fail(MESSAGES.failed);
            return;
          default:
            // 'error' (the server's stream broke) or an event this client does not know: poll below.
            continue;
        }
        this.stateSignal.set({ kind: 'writing', jobId, jobState: draft || progress > 0 ? 'active' : 'queued', progress, draft });
      }
    } catch {
      // Streaming unavailable (an old proxy, a network blip): polling takes over.
    }
    if (run !== this.run) return;
    this.abort = undefined;
    this.schedulePoll(jobId, run, POLLING.firstDelayMs, Date.now() + POLLING.giveUpAfterMs, 0);
  }

  private schedulePoll(jobId: string, run: number, delay: number, deadline: number, errors: number): void {
    this.timer = setTimeout(() => void this.poll(jobId, run, delay, deadline, errors), delay);
  }

  private async poll(jobId: string, run: number, delay: number, deadline: number, errors: number): Promise<void> {
    if (run !== this.run) return;
    if (Date.now() >= deadline) {
      this.fail(MESSAGES.tooLong);
      return;
    }
    let job: PersonalizeJobStatus;
    try {
      job = await this.fetch(this.api.job(jobId));
    } catch (error) {
      if (run !== this.run) return;
      if (statusOf(error) === 404) {
        this.fail(MESSAGES.lost);
      } else if (errors + 1 >= POLLING.maxErrors) {
        this.fail(statusOf(error) === 0 ? MESSAGES.unreachable : MESSAGES.lost);
      } else {
        this.schedulePoll(jobId, run, nextDelay(delay), deadline, errors + 1);
      }
      return;
    }
    if (run !== this.run) return;
    switch (job.state) {
      case 'completed':
        if (job.result) this.stateSignal.set({ kind: 'ready', result: job.result, cached: false });
        else this.fail(MESSAGES.lost);
        return;
      case 'failed':
        // The job's own reason is for operators (it is in the server's logs), never shown.
        this.fail(MESSAGES.failed);
        return;
      default: {
        // queued or active (or a state this client does not know yet): keep polling.
        const previous = this.stateSignal();
        const draft = previous.kind === 'writing' ? previous.draft : '';
        this.stateSignal.set({
          kind: 'writing',
          jobId,
          jobState: job.state === 'active' ? 'active' : 'queued',
          progress: progressOf(job),
          draft,
        });
        this.schedulePoll(jobId, run, nextDelay(delay), deadline, 0);
        return;
      }
    }
  }

  private fail(message: string): void {
    this.stop();
    this.stateSignal.set({ kind: 'failed', message, showOriginal: true, needsOnboarding: false });
  }

  /** The first value of `source`; cancelled (never settles) by stop(). */
  private fetch<T>(source: Observable<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.call = source.pipe(take(1)).subscribe({ next: resolve, error: reject });
    });
  }
}
