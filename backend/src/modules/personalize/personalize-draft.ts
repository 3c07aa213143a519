import { Logger } from '@nestjs/common';
import type { PersonalizeReady } from '@lectern/api-types';
import type { DraftStreamService } from '@lectern/infra';

/** The draft stream of one run of a rewrite job (a replaced job, same id, gets a new stream). */
export function personalizeStreamKey(jobId: string, enqueuedAtMs: number): string {
  return `personalize:${jobId}:${enqueuedAtMs}`;
}

/** Deltas are sent at most this often (the model's tokens are batched in between). */
export const DRAFT_FLUSH_MS = 100;

/** What a learner reads when a rewrite failed for good (the operator's reason goes to the logs). */
export const REWRITE_FAILED_FOR_LEARNER = 'Your version could not be written this time. The original lesson is shown instead.';

/**
 * Publishes a rewrite's draft as the model writes it: `delta` events with the
 * new text (batched), `restart` when a new attempt starts over (the draft so
 * far is dropped), `progress`, and finally `done` or `failed`. Publishing is
 * best effort: a Redis hiccup never fails the rewrite (the polling API still
 * reports it).
 */
export class DraftPublisher {
  private readonly logger = new Logger(DraftPublisher.name);
  private sent = 0;
  private latest = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly streams: DraftStreamService,
    private readonly key: string,
  ) {}

  /** The model's text so far (as `LlmService.streamChat` reports it). */
  text(textSoFar: string): void {
    if (this.closed) return;
    if (textSoFar.length < this.sent || !textSoFar.startsWith(this.latest.slice(0, Math.min(this.sent, 64)))) {
      // A new attempt started over.
      this.cancelTimer();
      this.sent = 0;
      this.enqueue('restart', {});
    }
    this.latest = textSoFar;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, DRAFT_FLUSH_MS);
  }

  /** A new run of the job (a retry) starts over: readers drop the draft so far. */
  restart(): void {
    if (this.closed) return;
    this.sent = 0;
    this.latest = '';
    this.enqueue('restart', {});
  }

  progress(progress: number): void {
    if (!this.closed) this.enqueue('progress', { progress });
  }

  async done(result: PersonalizeReady): Promise<void> {
    this.flush();
    await this.finish('done', { result });
  }

  async failed(reason: string = REWRITE_FAILED_FOR_LEARNER): Promise<void> {
    this.cancelTimer();
    await this.finish('failed', { reason });
  }

  private flush(): void {
    this.cancelTimer();
    if (this.closed || this.latest.length <= this.sent) return;
    const text = this.latest.slice(this.sent);
    this.sent = this.latest.length;
    this.enqueue('delta', { text });
  }

  private async finish(event: string, data: unknown): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.chain = this.chain.then(() => this.streams.close(this.key, event, data)).catch((error: unknown) => this.warn(error));
    await this.chain;
  }

  private enqueue(event: string, data: unknown): void {
    this.chain = this.chain.then(() => this.streams.append(this.key, event, data)).catch((error: unknown) => this.warn(error));
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private warn(error: unknown): void {
    this.logger.warn(`Could not publish the draft ${this.key}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
