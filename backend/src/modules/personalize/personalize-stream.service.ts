import { Injectable, Logger } from '@nestjs/common';
import type { PersonalizeJobStatus } from '@lectern/api-types';
import { DraftStreamService, type DraftEvent } from '@lectern/infra';
import { personalizeStreamKey, REWRITE_FAILED_FOR_LEARNER } from './personalize-draft';
import { PersonalizeService } from './personalize.service';

/** While the stream is quiet, the job's state is checked this often (a worker that died publishes no `failed`). */
export const STREAM_STATE_CHECK_MS = 5_000;

const TERMINAL = new Set(['done', 'failed']);

/**
 * A rewrite job as server-sent events: the draft so far, then each new piece,
 * then `done` with the ready answer or `failed` with a reason for the learner.
 * A job already finished answers with its outcome at once.
 */
@Injectable()
export class PersonalizeStreamService {
  private readonly logger = new Logger(PersonalizeStreamService.name);

  constructor(
    private readonly personalize: PersonalizeService,
    private readonly streams: DraftStreamService,
  ) {}

  /** Checks the job exists (404 otherwise) and returns its events. */
  async open(jobId: string, signal: AbortSignal): Promise<AsyncIterable<DraftEvent>> {
    const status = await this.personalize.jobStatus(jobId);
    return this.events(status, signal);
  }

  private async *events(first: PersonalizeJobStatus, signal: AbortSignal): AsyncIterable<DraftEvent> {
    const outcome = this.outcomeOf(first);
    if (outcome) {
      yield outcome;
      return;
    }
    yield { event: 'progress', data: { progress: first.progress } };
    const key = personalizeStreamKey(first.jobId, first.enqueuedAt ? Date.parse(first.enqueuedAt) : 0);
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const iterator = this.streams.read(key, stop.signal)[Symbol.asyncIterator]();
    let next = iterator.next();
    try {
      while (!signal.aborted) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<'tick'>((resolve) => {
          timer = setTimeout(() => resolve('tick'), STREAM_STATE_CHECK_MS);
        });
        const result = await Promise.race([next, tick]).finally(() => clearTimeout(timer));
        if (result === 'tick') {
          const status = await this.personalize.jobStatus(first.jobId).catch(() => null);
          const late = status ? this.outcomeOf(status) : { event: 'failed', data: { reason: REWRITE_FAILED_FOR_LEARNER } };
          if (late) {
            yield late;
            return;
          }
          continue;
        }
        if (result.done) {
          // The stream expired before its end: report the job's outcome, whatever it is.
          const status = await this.personalize.jobStatus(first.jobId).catch(() => null);
          yield (status && this.outcomeOf(status)) ?? { event: 'failed', data: { reason: REWRITE_FAILED_FOR_LEARNER } };
          return;
        }
        yield result.value;
        if (TERMINAL.has(result.value.event)) return;
        next = iterator.next();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      // Let the reader close its connection (it ends once aborted).
      await next.catch(() => undefined);
      await iterator.return?.().catch(() => undefined);
    }
  }

  private outcomeOf(status: PersonalizeJobStatus): DraftEvent | null {
    if (status.state === 'completed' && status.result) return { event: 'done', data: { result: status.result } };
    if (status.state === 'failed' || (status.state === 'completed' && !status.result)) {
      if (status.failedReason) this.logger.warn(`Personalization job ${status.jobId} failed: ${status.failedReason}`);
      return { event: 'failed', data: { reason: REWRITE_FAILED_FOR_LEARNER } };
    }
    return null;
  }
}
