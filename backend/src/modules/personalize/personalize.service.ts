import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PersonalizeJobStatus, PersonalizeQueued, PersonalizeReady } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import {
  AppConfig,
  LlmNotConfiguredError,
  LlmService,
  MetricsService,
  NotFoundError,
  QueueService,
  QueueUnavailableError,
  RateCounter,
} from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import { IsNull, LessThan, Repository } from 'typeorm';
import { PersonalizedLessonEntity } from './entities/personalized-lesson.entity';
import { personalizeJobId, type PersonalizeKey } from './personalize-key';
import { DailyBudgetExhaustedError, OnboardingRequiredError, TooManyRewritesError } from './personalize.errors';
import { PROMPT_VERSION } from './prompt';

export function readyAnswer(row: PersonalizedLessonEntity, cached: boolean): PersonalizeReady {
  return {
    status: 'ready',
    lessonSlug: row.lessonSlug,
    content: row.content,
    cached,
    contentHash: row.contentHash,
    preferencesHash: row.preferencesHash,
    generatedAt: row.generatedAt.toISOString(),
    model: row.model,
    promptVersion: row.promptVersion,
  };
}

/**
 * Personalized lessons for learners: a hit is served from PostgreSQL alone
 * (it works with Redis down); a miss enqueues one job per unique key, after
 * the learner's rate limit and the daily token budget.
 */
@Injectable()
export class PersonalizeService {
  private readonly logger = new Logger(PersonalizeService.name);

  constructor(
    @InjectRepository(PersonalizedLessonEntity) private readonly rewrites: Repository<PersonalizedLessonEntity>,
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly queues: QueueService,
    private readonly llm: LlmService,
    private readonly config: AppConfig,
    private readonly counter: RateCounter,
    private readonly metrics: MetricsService,
  ) {}

  /** The key of the rewrite a learner would get for a lesson now. */
  async keyFor(userId: string, lessonSlug: string): Promise<PersonalizeKey> {
    const preferences = await this.onboarding.find(userId);
    if (!preferences) throw new OnboardingRequiredError();
    const lesson = await this.content.lesson(lessonSlug);
    return {
      lessonSlug,
      contentHash: lesson.contentHash,
      preferencesHash: preferences.preferencesHash,
      promptVersion: PROMPT_VERSION,
      model: this.llm.model,
    };
  }

  async find(key: PersonalizeKey): Promise<PersonalizedLessonEntity | null> {
    return this.rewrites.findOneBy({ ...key, staleSince: IsNull() });
  }

  async request(userId: string, lessonSlug: string): Promise<PersonalizeReady | PersonalizeQueued> {
    const key = await this.keyFor(userId, lessonSlug);
    const hit = await this.find(key);
    this.metrics.personalizeCache.inc({ result: hit ? 'hit' : 'miss' });
    if (hit) return readyAnswer(hit, true);
    if (!this.llm.configured) throw new LlmNotConfiguredError();
    await this.admitNewRewrite(userId);
    const job = await this.queues.enqueueUnique('personalize', 'rewrite', key, personalizeJobId(key));
    const jobId = String(job.id);
    return { status: 'queued', jobId, statusUrl: `/api/personalize/jobs/${jobId}` };
  }

  async jobStatus(jobId: string): Promise<PersonalizeJobStatus> {
    const status = /^rewrite-[0-9a-f]{40}$/.test(jobId) ? await this.queues.status<PersonalizeReady>('personalize', jobId) : null;
    if (!status) throw new NotFoundError('job_not_found', `No personalization job ${jobId}`);
    const { queue: _queue, name: _name, ...rest } = status;
    return rest;
  }

  /** Drops the learner's cached rewrite(s) for their current profile: one lesson, or all of them. */
  async dropCache(userId: string, lessonSlug?: string): Promise<number> {
    const preferences = await this.onboarding.find(userId);
    if (!preferences) throw new OnboardingRequiredError();
    if (lessonSlug) await this.content.lesson(lessonSlug);
    await this.admitNewRewrite(userId);
    const result = await this.rewrites.delete({ preferencesHash: preferences.preferencesHash, ...(lessonSlug ? { lessonSlug } : {}) });
    return result.affected ?? 0;
  }

  /** Marks the rewrites of a lesson's previous text stale: they are no longer served, and purged after the grace period. */
  async markStale(lessonSlug: string, contentHash: string): Promise<number> {
    const result = await this.rewrites.update({ lessonSlug, contentHash, staleSince: IsNull() }, { staleSince: new Date() });
    return result.affected ?? 0;
  }

  async purgeStale(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.PERSONALIZE_STALE_GRACE_HOURS * 3_600_000);
    const result = await this.rewrites.delete({ staleSince: LessThan(cutoff) });
    if (result.affected) this.logger.log(`Purged ${result.affected} stale rewrite(s)`);
    return result.affected ?? 0;
  }

  /**
   * A new rewrite costs LLM tokens: the learner's per-minute limit and the
   * daily budget apply. Both live in Redis (shared by every api instance);
   * when Redis cannot answer, the request fails fast with 503.
   */
  private async admitNewRewrite(userId: string): Promise<void> {
    let hit: { count: number; retryAfterSeconds: number };
    let withinBudget: boolean;
    try {
      hit = await this.counter.hit('personalize', userId, 60);
      withinBudget = await this.llm.withinDailyBudget();
    } catch (error) {
      throw new QueueUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (hit.count > this.config.PERSONALIZE_RATE_PER_MINUTE) {
      throw new TooManyRewritesError(this.config.PERSONALIZE_RATE_PER_MINUTE, hit.retryAfterSeconds);
    }
    if (!withinBudget) throw new DailyBudgetExhaustedError();
  }
}
