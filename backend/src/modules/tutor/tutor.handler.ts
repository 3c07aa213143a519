import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TutorAction } from '@lectern/api-types';
import { DraftStreamService, LlmBudget, LlmBudgetRefusedError, LlmCallError, type JobHandler } from '@lectern/infra';
import { ContentService } from '@lectern/content';
import { answersOf, OnboardingService } from '@lectern/onboarding';
import { UnrecoverableError, type Job } from 'bullmq';
import { In, LessThan, Repository } from 'typeorm';
import { standaloneQuery } from './answer-text';
import { TutorMessageEntity } from './entities/tutor-message.entity';
import { TutorThreadEntity } from './entities/tutor-thread.entity';
import type { PromptTurn } from './prompt/tutor-prompt';
import { TutorAnswerer } from './tutor-answerer.service';
import type { TutorAnswerPayload } from './tutor.jobs';
import { ANSWER_FAILED_REASON, draftKey, messageDto } from './tutor.service';

/** Earlier turns (question + answer pairs) sent to the model at most. */
export const HISTORY_TURNS = 3;
/** Characters of one earlier turn sent to the model at most. */
const HISTORY_TURN_MAX_CHARS = 1_200;
/** How often the draft is published while the model writes. */
const PUBLISH_EVERY_MS = 80;

/**
 * The `tutor` queue's jobs, in the worker: writes one answer, publishing it
 * as it is written (DraftStreamService: `citations`, `delta`…, then `done` or
 * `failed`), and stores it. Idempotent: an answer already finished is not
 * written again; a retried attempt starts the draft over (`reset`).
 */
@Injectable()
export class TutorHandler implements JobHandler<TutorAnswerPayload> {
  private readonly logger = new Logger(TutorHandler.name);

  constructor(
    @InjectRepository(TutorMessageEntity) private readonly messages: Repository<TutorMessageEntity>,
    @InjectRepository(TutorThreadEntity) private readonly threads: Repository<TutorThreadEntity>,
    private readonly onboarding: OnboardingService,
    private readonly answerer: TutorAnswerer,
    private readonly drafts: DraftStreamService,
    private readonly budget: LlmBudget,
    private readonly content: ContentService,
  ) {}

  async handle(job: Job<TutorAnswerPayload>): Promise<unknown> {
    if (job.name !== 'answer') throw new UnrecoverableError(`The tutor queue has no job named ${job.name}`);
    const { messageId } = job.data;
    try {
      return await this.answer(job, messageId);
    } catch (caught) {
      // Other work spent past the budget since admission: fail for good, with the learner-facing reason.
      const error = caught instanceof LlmBudgetRefusedError ? new UnrecoverableError(caught.message) : caught;
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) await this.fail(messageId, error);
      throw error;
    } finally {
      await this.budget
        .release('tutor', String(job.id))
        .catch((error: unknown) => this.logger.warn(`Could not release a budget hold: ${String(error)}`));
    }
  }

  private async answer(job: Job, messageId: string): Promise<unknown> {
    const message = await this.messages.findOneBy({ id: messageId });
    if (!message) return { skipped: 'message deleted' };
    if (message.status === 'completed' || message.status === 'failed') return { skipped: message.status };
    const thread = await this.threads.findOneBy({ id: message.threadId });
    if (!thread) return { skipped: 'thread deleted' };
    const preferences = await this.onboarding.find(thread.userId);
    if (!preferences) throw new UnrecoverableError('The learner has no onboarding answers');

    const earlier = await this.messages.find({
      where: { threadId: thread.id, createdAt: LessThan(message.createdAt), status: In(['completed']) },
      order: { createdAt: 'DESC' },
      take: HISTORY_TURNS * 2 + 1,
    });
    const [question, ...before] = earlier;
    if (!question || question.role !== 'user') throw new UnrecoverableError('The answer has no question before it');
    const history: PromptTurn[] = before
      .slice(0, HISTORY_TURNS * 2)
      .reverse()
      .map((m) => ({
        role: m.role,
        content: m.content.length > HISTORY_TURN_MAX_CHARS ? `${m.content.slice(0, HISTORY_TURN_MAX_CHARS)}…` : m.content,
      }));
    const previousQuestions = history.filter((t) => t.role === 'user').map((t) => t.content);

    const key = draftKey(message.id);
    if (job.attemptsMade > 0) await this.drafts.append(key, 'reset', {});
    await this.messages.update({ id: message.id }, { status: 'active' });

    let published = 0;
    let latest = '';
    let lastFlush = 0;
    let flushing: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      flushing = flushing.then(async () => {
        if (latest.length <= published) return;
        const piece = latest.slice(published);
        published = latest.length;
        await this.drafts.append(key, 'delta', { text: piece });
      });
      return flushing;
    };
    const action = (question.action ?? 'ask') as TutorAction;
    const answer = await this.answerer
      .answer(
        {
          profile: answersOf(preferences),
          question: question.content,
          query: standaloneQuery(question.content, previousQuestions),
          action,
          selection: question.selection,
          lessonSlug: thread.lessonSlug,
          history,
          jobId: String(job.id),
          holdId: String(job.id),
          // The book's glossary (terms kept in English in an Urdu answer).
          glossary: await this.content.snapshot().then(
            (snapshot) => snapshot.tree.glossary,
            () => undefined,
          ),
        },
        {
          onCitations: (citations) => this.drafts.append(key, 'citations', { citations }),
          onText: (text) => {
            latest = text;
            const now = Date.now();
            if (now - lastFlush >= PUBLISH_EVERY_MS) {
              lastFlush = now;
              void flush().catch((error: unknown) => this.logger.warn(`Could not publish a draft: ${String(error)}`));
            }
          },
        },
      )
      .catch((error: unknown) => {
        if (error instanceof LlmCallError && !error.retryable) throw new UnrecoverableError(error.message);
        throw error;
      });
    await flush().catch(() => undefined);

    await this.messages.update(
      { id: message.id },
      {
        status: 'completed',
        content: answer.content,
        citations: answer.citations,
        covered: answer.covered,
        promptVersion: answer.promptVersion,
        model: answer.model,
        promptTokens: answer.promptTokens,
        completionTokens: answer.completionTokens,
        completedAt: new Date(),
        error: null,
      },
    );
    await this.threads.update({ id: thread.id }, { updatedAt: new Date() });
    const stored = await this.messages.findOneByOrFail({ id: message.id });
    await this.drafts
      .close(key, 'done', { message: messageDto(stored) })
      .catch((error: unknown) => this.logger.warn(`Could not close a draft: ${String(error)}`));
    return { messageId: message.id, covered: answer.covered, citations: answer.citations.length };
  }

  private async fail(messageId: string, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await this.messages
      .update(
        { id: messageId, status: In(['queued', 'active']) },
        { status: 'failed', error: reason.slice(0, 2_000), completedAt: new Date() },
      )
      .catch((e: unknown) => this.logger.warn(`Could not mark answer ${messageId} failed: ${String(e)}`));
    await this.drafts.close(draftKey(messageId), 'failed', { reason: ANSWER_FAILED_REASON }).catch(() => undefined);
  }
}
