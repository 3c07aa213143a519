import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { PostTutorMessageResponse, TutorMessage, TutorThread, TutorThreadDetail, TutorThreadSummary } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import {
  DomainError,
  DraftStreamService,
  ForbiddenError,
  LlmBudget,
  LlmBudgetRefusedError,
  LlmNotConfiguredError,
  LlmService,
  QueueService,
  QueueUnavailableError,
  RateCounter,
  type DraftEvent,
} from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import type { DataSource, Repository } from 'typeorm';
import type { PostMessageDto } from './dto/tutor.dto';
import { TutorMessageEntity } from './entities/tutor-message.entity';
import { TutorThreadEntity } from './entities/tutor-thread.entity';
import { threadTitle } from './answer-text';
import { TUTOR_QUEUE } from './tutor.jobs';
import {
  MessageNotFoundError,
  ThreadNotFoundError,
  TooManyQuestionsError,
  TutorBudgetExhaustedError,
  TutorOnboardingRequiredError,
} from './tutor.errors';
import { TutorConfig } from './tutor.config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NEW_THREAD_TITLE = 'New thread';
/** The key of an answer's live draft (DraftStreamService). */
export const draftKey = (messageId: string): string => `tutor:${messageId}`;
export const tutorJobId = (messageId: string): string => `answer-${messageId}`;
/** What a learner is told when an answer could not be written. */
export const ANSWER_FAILED_REASON = "The tutor couldn't write this answer. Please ask again in a moment.";

export function messageDto(row: TutorMessageEntity): TutorMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    citations: row.citations ?? [],
    createdAt: row.createdAt.toISOString(),
  };
}

function threadDto(row: TutorThreadEntity): TutorThread {
  return {
    id: row.id,
    title: row.title,
    lessonSlug: row.lessonSlug,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Tutor threads for the API. Reading threads needs PostgreSQL only (it works
 * with Redis down); asking needs the learner's onboarding answers, an LLM,
 * the learner's rate limit and the daily token budget (both in Redis: when
 * Redis cannot answer, asking fails fast with 503).
 */
/**
 * Tokens held for one answer until it settles: the prompt (retrieved
 * sections, selection, a few turns of history) plus the answer's max_tokens.
 */
export const TUTOR_ANSWER_ESTIMATE_TOKENS = 6_000;

@Injectable()
export class TutorService {
  constructor(
    @InjectRepository(TutorThreadEntity) private readonly threads: Repository<TutorThreadEntity>,
    @InjectRepository(TutorMessageEntity) private readonly messages: Repository<TutorMessageEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly queues: QueueService,
    private readonly llm: LlmService,
    private readonly counter: RateCounter,
    private readonly config: TutorConfig,
    private readonly drafts: DraftStreamService,
    private readonly budget: LlmBudget,
  ) {}

  async createThread(userId: string, lessonSlug?: string): Promise<TutorThread> {
    if (lessonSlug) await this.content.lesson(lessonSlug);
    const row = await this.threads.save(this.threads.create({ userId, lessonSlug: lessonSlug ?? null, title: NEW_THREAD_TITLE }));
    return threadDto(row);
  }

  async listThreads(userId: string): Promise<TutorThreadSummary[]> {
    const rows: Array<{ id: string; title: string; lessonSlug: string | null; updatedAt: Date; messageCount: number }> =
      await this.dataSource.query(
        `SELECT t.id, t.title, t.lesson_slug AS "lessonSlug", t.updated_at AS "updatedAt",
              (SELECT count(*)::int FROM tutor_messages m WHERE m.thread_id = t.id) AS "messageCount"
       FROM tutor_threads t WHERE t.user_id = $1 ORDER BY t.updated_at DESC, t.id LIMIT 200`,
        [userId],
      );
    return rows.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString(), messageCount: Number(r.messageCount) }));
  }

  async getThread(userId: string, id: string): Promise<TutorThreadDetail> {
    const thread = await this.ownThread(userId, id);
    const messages = await this.messages.find({ where: { threadId: thread.id }, order: { createdAt: 'ASC', role: 'DESC' } });
    return { id: thread.id, title: thread.title, lessonSlug: thread.lessonSlug, messages: messages.map(messageDto) };
  }

  async deleteThread(userId: string, id: string): Promise<void> {
    const thread = await this.ownThread(userId, id);
    await this.threads.delete({ id: thread.id });
  }

  async postMessage(userId: string, threadId: string, body: PostMessageDto): Promise<PostTutorMessageResponse> {
    const thread = await this.ownThread(userId, threadId);
    if (!(await this.onboarding.find(userId))) throw new TutorOnboardingRequiredError();
    if (!this.llm.configured) throw new LlmNotConfiguredError();
    if (body.selection) await this.content.lesson(body.selection.lessonSlug);
    await this.admit(userId);

    const now = Date.now();
    const { user, assistant } = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(TutorMessageEntity);
      const user = await repo.save(
        repo.create({
          threadId: thread.id,
          role: 'user',
          content: body.content,
          status: 'completed',
          action: body.action ?? 'ask',
          selection: body.selection ? { ...body.selection } : null,
          citations: [],
          createdAt: new Date(now),
          completedAt: new Date(now),
        }),
      );
      // One millisecond later: the answer sorts after its question.
      const assistant = await repo.save(
        repo.create({ threadId: thread.id, role: 'assistant', content: '', status: 'queued', citations: [], createdAt: new Date(now + 1) }),
      );
      const threads = manager.getRepository(TutorThreadEntity);
      await threads.update(
        { id: thread.id },
        { title: thread.title === NEW_THREAD_TITLE ? threadTitle(body.content) : thread.title, updatedAt: new Date(now + 1) },
      );
      return { user, assistant };
    });
    let jobId: string;
    try {
      await this.reserve(userId, tutorJobId(assistant.id));
      const job = await this.queues.enqueue(TUTOR_QUEUE, 'answer', { messageId: assistant.id }, { jobId: tutorJobId(assistant.id) });
      jobId = String(job.id);
    } catch (error) {
      await this.messages.delete({ id: user.id });
      await this.messages.delete({ id: assistant.id });
      throw error;
    }
    return {
      userMessage: messageDto(user),
      assistantMessage: { id: assistant.id, status: 'queued' },
      jobId,
      streamUrl: `/api/tutor/messages/${assistant.id}/stream`,
    };
  }

  /**
   * The events of an answer: from PostgreSQL when it is finished (a client
   * that comes after the end gets the whole answer), else the live draft
   * (replayed from its start, then followed).
   */
  async *events(userId: string, messageId: string, signal: AbortSignal): AsyncIterable<DraftEvent> {
    const message = await this.ownMessage(userId, messageId);
    if (message.status === 'completed' || message.status === 'failed') {
      yield* this.finished(message);
      return;
    }
    let ended = false;
    for await (const event of this.drafts.read(draftKey(message.id), signal)) {
      yield event;
      if (event.event === 'done' || event.event === 'failed') ended = true;
    }
    if (!ended && !signal.aborted) {
      // The draft expired or was never written, and the answer may have finished meanwhile.
      const again = await this.messages.findOneBy({ id: message.id });
      if (again && (again.status === 'completed' || again.status === 'failed')) yield* this.finished(again);
    }
  }

  /** Checks the learner may read a message (404 / 403 before any stream starts). */
  async ownMessage(userId: string, messageId: string): Promise<TutorMessageEntity> {
    if (!UUID.test(messageId)) throw new MessageNotFoundError(messageId);
    const message = await this.messages.findOneBy({ id: messageId });
    if (!message || message.role !== 'assistant') throw new MessageNotFoundError(messageId);
    await this.ownThread(userId, message.threadId);
    return message;
  }

  private *finished(message: TutorMessageEntity): Iterable<DraftEvent> {
    if (message.status === 'failed') {
      yield { event: 'failed', data: { reason: ANSWER_FAILED_REASON } };
      return;
    }
    yield { event: 'citations', data: { citations: message.citations } };
    yield { event: 'delta', data: { text: message.content } };
    yield { event: 'done', data: { message: messageDto(message) } };
  }

  private async ownThread(userId: string, id: string): Promise<TutorThreadEntity> {
    if (!UUID.test(id)) throw new ThreadNotFoundError(id);
    const thread = await this.threads.findOneBy({ id });
    if (!thread) throw new ThreadNotFoundError(id);
    if (thread.userId !== userId) throw new ForbiddenError('This thread belongs to another learner.');
    return thread;
  }

  /** The learner's per-minute limit, in Redis (503 when it cannot answer). */
  private async admit(userId: string): Promise<void> {
    let hit: { count: number; retryAfterSeconds: number };
    try {
      hit = await this.counter.hit('tutor', userId, 60);
    } catch (error) {
      throw new QueueUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (hit.count > this.config.TUTOR_RATE_PER_MINUTE)
      throw new TooManyQuestionsError(this.config.TUTOR_RATE_PER_MINUTE, hit.retryAfterSeconds);
  }

  /**
   * Reserves the answer's most tokens from the tutor's daily budget (and the
   * global cap) under the job's id, within the caps on queued LLM jobs: the
   * worker claims this hold right before calling the provider and settles it.
   */
  private async reserve(userId: string, jobId: string): Promise<void> {
    try {
      await this.budget.admit('tutor', jobId, TUTOR_ANSWER_ESTIMATE_TOKENS, userId);
    } catch (error) {
      if (error instanceof LlmBudgetRefusedError && (error.reason === 'feature_budget' || error.reason === 'global_budget'))
        throw new TutorBudgetExhaustedError();
      if (error instanceof DomainError) throw error;
      throw new QueueUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
