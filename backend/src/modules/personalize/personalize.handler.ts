import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PersonalizeReady } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import {
  CONTENT_STORE,
  DraftStreamService,
  LlmBudget,
  LlmBudgetRefusedError,
  LlmCallError,
  LlmService,
  QueueService,
  type ContentStore,
  type JobHandler,
} from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import { UnrecoverableError, type Job } from 'bullmq';
import { Repository } from 'typeorm';
import { PersonalizedLessonEntity, type FidelityRecord } from './entities/personalized-lesson.entity';
import { checkFidelity, normaliseRewrite, type RewriteCleanup } from './fidelity';
import { buildPersonalizationPrompt, continuationMessages } from './prompt';
import { fullKey, personalizeJobId } from './personalize-key';
import { PersonalizeService, readyAnswer } from './personalize.service';
import { DraftPublisher, personalizeStreamKey } from './personalize-draft';
import { rewriteTokenBounds } from './rewrite-estimate';
import { PERSONALIZE_QUEUE, type PersonalizeJobPayload, type PersonalizePayload } from './personalize.jobs';

const PURGE_EVERY_MS = 60 * 60_000;
/** An answer cut off at max_tokens is continued at most this many times before it is checked as it is. */
const MAX_CONTINUATIONS = 2;

/**
 * Joins a continuation to the answer so far. A model asked to continue
 * sometimes repeats the unfinished last line: the repeated part is dropped.
 */
export function joinContinuation(soFar: string, more: string): string {
  const lastLine = soFar.slice(soFar.lastIndexOf('\n') + 1);
  if (lastLine.trim() !== '' && more.startsWith(lastLine)) return soFar.slice(0, soFar.length - lastLine.length) + more;
  return soFar + more;
}

/**
 * The `personalize` queue's jobs, in the worker: writes one rewrite (streamed,
 * with progress, `max_tokens` sized from the lesson; an answer cut off at the
 * limit is continued, not failed), cleans it (a wrapping fence or one chatty
 * opening line is removed, and recorded), checks its fidelity (one retry
 * naming the failures), and upserts it into the shared cache. Idempotent: a
 * rewrite already cached is returned without calling the LLM.
 */
@Injectable()
export class PersonalizeHandler implements JobHandler<PersonalizeJobPayload>, OnApplicationBootstrap {
  private readonly logger = new Logger(PersonalizeHandler.name);

  constructor(
    @InjectRepository(PersonalizedLessonEntity) private readonly rewrites: Repository<PersonalizedLessonEntity>,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly llm: LlmService,
    private readonly budget: LlmBudget,
    private readonly personalize: PersonalizeService,
    private readonly queues: QueueService,
    private readonly streams: DraftStreamService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Stale rewrites are purged hourly (one schedule, however many workers run).
    await this.queues
      .queue(PERSONALIZE_QUEUE)
      .upsertJobScheduler('purge-stale', { every: PURGE_EVERY_MS }, { name: 'purge-stale', data: {} })
      .catch((error: unknown) => this.logger.warn(`Could not schedule the stale-rewrite purge: ${String(error)}`));
  }

  async handle(job: Job<PersonalizeJobPayload>): Promise<unknown> {
    switch (job.name) {
      case 'rewrite':
        return this.rewriteStreamed(job as Job<PersonalizePayload>);
      case 'purge-stale':
        return { purged: await this.personalize.purgeStale() };
      default:
        throw new UnrecoverableError(`The personalize queue has no job named ${job.name}`);
    }
  }

  /** The rewrite, with its draft published as it is written (see DraftPublisher). */
  private async rewriteStreamed(job: Job<PersonalizePayload>): Promise<PersonalizeReady> {
    const draft = new DraftPublisher(this.streams, personalizeStreamKey(String(job.id), job.timestamp));
    if (job.attemptsMade > 0) draft.restart();
    try {
      const ready = await this.rewrite(job, draft);
      await draft.done(ready);
      return ready;
    } catch (error) {
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) await draft.failed();
      throw error;
    }
  }

  /**
   * Every provider call is checked against today's budget right before it is
   * made (the hold reserved at admission, under the job's id; refused if other
   * work spent past the budget since): a refused job fails for good with the
   * learner-facing reason. Whatever is still held when the job ends is released.
   */
  private async rewrite(job: Job<PersonalizePayload>, draft: DraftPublisher): Promise<PersonalizeReady> {
    const holdId = personalizeJobId(job.data);
    try {
      return await this.writeRewrite(job, holdId, draft);
    } catch (error) {
      if (error instanceof LlmBudgetRefusedError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      await this.budget
        .release('rewrites', holdId)
        .catch((error: unknown) => this.logger.warn(`Could not release a budget hold: ${String(error)}`));
    }
  }

  private async writeRewrite(job: Job<PersonalizePayload>, holdId: string, draft: DraftPublisher): Promise<PersonalizeReady> {
    const key = fullKey(job.data);
    const existing = await this.rewrites.findOneBy(key);
    if (existing) return readyAnswer(existing, false);

    const markdown = await this.store.get(key.contentHash);
    if (markdown === null)
      throw new UnrecoverableError(`The text of ${key.lessonSlug} (${key.contentHash.slice(0, 12)}) is not in the content store`);
    const profile = await this.onboarding.answersForHash(key.preferencesHash);
    if (!profile) throw new UnrecoverableError('No learner has this profile any more');
    // The book's own glossary (book.yaml / lectern.yaml `glossary`): the terms an Urdu rewrite keeps in English.
    const glossary = await this.content.snapshot().then(
      (snapshot) => snapshot.tree.glossary,
      () => undefined,
    );
    const lessonTitle = await this.content.lesson(key.lessonSlug).then(
      (l) => l.title,
      () => key.lessonSlug,
    );

    // Progress: the rewrite's length against the original's (Urdu runs longer).
    const expected = Math.max(1, markdown.length * (profile.preferredLanguage === 'ur' ? 1.4 : 1.1));
    let lastReport = 0;
    const report = (from: number, to: number) => (textSoFar: string) => {
      const now = Date.now();
      if (now - lastReport < 250) return;
      lastReport = now;
      const progress = Math.round(from + (to - from) * Math.min(1, textSoFar.length / expected));
      void job.updateProgress(progress).catch(() => undefined);
      draft.progress(progress);
    };

    const attempt = async (previousFailures: string[] | undefined, from: number, to: number) => {
      // A second attempt writes the rewrite again from its start: readers drop the draft so far.
      if (previousFailures) draft.restart();
      const prompt = buildPersonalizationPrompt({ lessonTitle, markdown, profile, previousFailures, glossary });
      const bounds = rewriteTokenBounds(markdown.length, profile.preferredLanguage);
      try {
        const answer = await this.llm.streamChat(prompt.messages, {
          purpose: 'personalize',
          feature: 'rewrites',
          holdId,
          estimateTokens: bounds.prompt + Math.min(bounds.completion, prompt.maxTokens),
          // Never more than was reserved at admission: the budget stays a hard cap.
          maxTokens: Math.min(bounds.completion, prompt.maxTokens),
          jobId: String(job.id),
          onDelta: (textSoFar) => {
            report(from, to)(textSoFar);
            draft.text(textSoFar);
          },
        });
        let continuations = 0;
        while (answer.finishReason === 'length' && continuations < MAX_CONTINUATIONS) {
          continuations++;
          this.logger.log(`Rewrite of ${key.lessonSlug} was cut off at ${prompt.maxTokens} tokens; asking for the rest (${continuations})`);
          const soFar = answer.content;
          // A continuation is a new call: it reserves its own tokens (refused when the budget is spent).
          const more = await this.llm.streamChat(continuationMessages(prompt, soFar), {
            purpose: 'personalize',
            feature: 'rewrites',
            estimateTokens: bounds.prompt + bounds.completion,
            jobId: String(job.id),
            onDelta: (text) => {
              report(from, to)(soFar + text);
              draft.text(soFar + text);
            },
            maxTokens: Math.min(bounds.completion, prompt.maxTokens),
          });
          answer.content = joinContinuation(soFar, more.content);
          answer.finishReason = more.finishReason;
          answer.promptTokens += more.promptTokens;
          answer.completionTokens += more.completionTokens;
          answer.costUsd += more.costUsd;
        }
        const cleaned = normaliseRewrite(answer.content, markdown);
        if (cleaned.removed.length > 0)
          this.logger.log(`Rewrite of ${key.lessonSlug}: removed ${cleaned.removed.join(', ')} before the check`);
        const fidelity = checkFidelity(markdown, cleaned.text, { language: profile.preferredLanguage });
        return { answer, text: cleaned.text, removed: cleaned.removed, continuations, fidelity };
      } catch (error) {
        if (error instanceof LlmCallError && !error.retryable) throw new UnrecoverableError(error.message);
        throw error;
      }
    };

    await job.updateProgress(2);
    let result = await attempt(undefined, 5, 90);
    let attempts = 1;
    let continuations = result.continuations;
    if (!result.fidelity.passed) {
      this.logger.warn(`Rewrite of ${key.lessonSlug} failed the fidelity check (${result.fidelity.failures.join('; ')}); retrying once`);
      const first = result;
      result = await attempt(first.fidelity.failures, 50, 95);
      result.answer.promptTokens += first.answer.promptTokens;
      result.answer.completionTokens += first.answer.completionTokens;
      result.answer.costUsd += first.answer.costUsd;
      attempts = 2;
      continuations += result.continuations;
      if (!result.fidelity.passed) {
        throw new UnrecoverableError(`The rewrite failed the fidelity check twice: ${result.fidelity.failures.join('; ')}`);
      }
    }
    const removed: RewriteCleanup[] = result.removed;
    const fidelity: FidelityRecord = { passed: true, failures: [], attempts, metrics: result.fidelity.metrics, removed, continuations };
    await this.rewrites
      .createQueryBuilder()
      .insert()
      .values({
        ...key,
        content: result.text,
        fidelity,
        promptTokens: result.answer.promptTokens,
        completionTokens: result.answer.completionTokens,
        costUsd: result.answer.costUsd.toFixed(6),
        generatedAt: new Date(),
        staleSince: null,
      })
      .orIgnore()
      .execute();
    const row = await this.rewrites.findOneByOrFail(key);
    return readyAnswer(row, false);
  }
}
