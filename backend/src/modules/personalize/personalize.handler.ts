import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PersonalizeReady } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import {
  CONTENT_STORE,
  DraftStreamService,
  LlmCallError,
  LlmService,
  QueueService,
  type ContentStore,
  type JobHandler,
  type PersonalizePayload,
} from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import { UnrecoverableError, type Job } from 'bullmq';
import { Repository } from 'typeorm';
import { PersonalizedLessonEntity, type FidelityRecord } from './entities/personalized-lesson.entity';
import { checkFidelity, normaliseRewrite } from './fidelity';
import { buildPersonalizationPrompt } from './prompt';
import { PersonalizeService, readyAnswer } from './personalize.service';
import { DraftPublisher, personalizeStreamKey } from './personalize-draft';

const PURGE_EVERY_MS = 60 * 60_000;

/**
 * The `personalize` queue's jobs, in the worker: writes one rewrite (streamed,
 * with progress), checks its fidelity (one retry naming the failures), and
 * upserts it into the shared cache. Idempotent: a rewrite already cached is
 * returned without calling the LLM.
 */
@Injectable()
export class PersonalizeHandler implements JobHandler, OnApplicationBootstrap {
  private readonly logger = new Logger(PersonalizeHandler.name);

  constructor(
    @InjectRepository(PersonalizedLessonEntity) private readonly rewrites: Repository<PersonalizedLessonEntity>,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly llm: LlmService,
    private readonly personalize: PersonalizeService,
    private readonly queues: QueueService,
    private readonly streams: DraftStreamService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Stale rewrites are purged hourly (one schedule, however many workers run).
    await this.queues
      .queue('personalize')
      .upsertJobScheduler('purge-stale', { every: PURGE_EVERY_MS }, { name: 'purge-stale', data: {} })
      .catch((error: unknown) => this.logger.warn(`Could not schedule the stale-rewrite purge: ${String(error)}`));
  }

  async handle(job: Job): Promise<unknown> {
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

  private async rewrite(job: Job<PersonalizePayload>, draft: DraftPublisher): Promise<PersonalizeReady> {
    const key = job.data;
    const existing = await this.rewrites.findOneBy(key);
    if (existing) return readyAnswer(existing, false);

    const markdown = await this.store.get(key.contentHash);
    if (markdown === null)
      throw new UnrecoverableError(`The text of ${key.lessonSlug} (${key.contentHash.slice(0, 12)}) is not in the content store`);
    const profile = await this.onboarding.answersForHash(key.preferencesHash);
    if (!profile) throw new UnrecoverableError('No learner has this profile any more');
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
      const prompt = buildPersonalizationPrompt({ lessonTitle, markdown, profile, previousFailures });
      try {
        const answer = await this.llm.streamChat(prompt.messages, {
          purpose: 'personalize',
          jobId: String(job.id),
          onDelta: (textSoFar) => {
            report(from, to)(textSoFar);
            draft.text(textSoFar);
          },
        });
        const text = normaliseRewrite(answer.content);
        return { answer, text, fidelity: checkFidelity(markdown, text, { language: profile.preferredLanguage }) };
      } catch (error) {
        if (error instanceof LlmCallError && !error.retryable) throw new UnrecoverableError(error.message);
        throw error;
      }
    };

    await job.updateProgress(2);
    let result = await attempt(undefined, 5, 90);
    let attempts = 1;
    if (!result.fidelity.passed) {
      this.logger.warn(`Rewrite of ${key.lessonSlug} failed the fidelity check (${result.fidelity.failures.join('; ')}); retrying once`);
      const first = result;
      result = await attempt(first.fidelity.failures, 50, 95);
      result.answer.promptTokens += first.answer.promptTokens;
      result.answer.completionTokens += first.answer.completionTokens;
      result.answer.costUsd += first.answer.costUsd;
      attempts = 2;
      if (!result.fidelity.passed) {
        throw new UnrecoverableError(`The rewrite failed the fidelity check twice: ${result.fidelity.failures.join('; ')}`);
      }
    }
    const fidelity: FidelityRecord = { passed: true, failures: [], attempts, metrics: result.fidelity.metrics };
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
