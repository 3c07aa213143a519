import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PersonalizeJobStatus, PersonalizeQueued, PersonalizeReady } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import {
  CONTENT_STORE,
  DomainError,
  LlmBudget,
  LlmNotConfiguredError,
  LlmService,
  MetricsService,
  NotFoundError,
  QueueService,
  QueueUnavailableError,
  RateCounter,
  type ContentStore,
} from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import { createHash, randomBytes } from 'node:crypto';
import { In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { PersonalizedLessonEntity } from './entities/personalized-lesson.entity';
import { ALL_LESSONS, PersonalizeVariantEntity } from './entities/personalize-variant.entity';
import { fullKey, personalizeJobId, type PersonalizeKey } from './personalize-key';
import { OnboardingRequiredError, TooManyRewritesError } from './personalize.errors';
import { PROMPT_VERSION } from './prompt';
import { estimateRewriteTokens } from './rewrite-estimate';
import { PERSONALIZE_QUEUE } from './personalize.jobs';
import { PersonalizeConfig } from './personalize.config';
import { PersonalizeLookupCache, type CachedRewrite } from './personalize-lookup-cache';

/** The content-addressed URL of a rewrite: its row and the SHA-256 of its text (a new URL whenever the text differs). */
export function rewriteUrl(id: string, content: string): string {
  return rewriteUrlOf(id, createHash('sha256').update(content).digest('hex'));
}

function rewriteNotFound(): NotFoundError {
  return new NotFoundError('rewrite_not_found', 'No current rewrite has this text');
}

function rewriteUrlOf(id: string, sha256: string): string {
  return `/api/personalize/rewrites/${id}/${sha256}.md`;
}

type ReadyRow = Pick<
  PersonalizedLessonEntity,
  'id' | 'lessonSlug' | 'content' | 'contentHash' | 'preferencesHash' | 'generatedAt' | 'model' | 'promptVersion'
> & {
  /** Its content-addressed URL when already known (it hashes the whole text). */
  contentUrl?: string;
};

function readyRow(key: Required<PersonalizeKey>, rewrite: CachedRewrite): ReadyRow {
  return {
    ...rewrite,
    lessonSlug: key.lessonSlug,
    contentHash: key.contentHash,
    preferencesHash: key.preferencesHash,
    model: key.model,
    promptVersion: key.promptVersion,
  };
}

/** A ready answer (`PersonalizeReady`) already serialized as JSON. */
export interface ReadyJson {
  status: 'ready';
  json: Buffer;
}

export function readyAnswer(row: ReadyRow, cached: boolean): PersonalizeReady {
  return {
    status: 'ready',
    lessonSlug: row.lessonSlug,
    content: row.content,
    contentUrl: row.contentUrl ?? rewriteUrl(row.id, row.content),
    cached,
    contentHash: row.contentHash,
    preferencesHash: row.preferencesHash,
    generatedAt: row.generatedAt.toISOString(),
    model: row.model,
    promptVersion: row.promptVersion,
  };
}

interface LookupRow {
  variant: string;
  id: string | null;
  content: string | null;
  generated_at: Date | null;
}

/**
 * The learner's variant of a lesson ('' = the shared row; the latest of the
 * lesson's and the all-lessons one) and the current rewrite under the whole
 * key: always one row (id null on a miss). $1 user, $2 lesson, $3 ALL_LESSONS,
 * $4 content hash, $5 preferences hash, $6 prompt version, $7 model.
 */
const LOOKUP_SQL = `
  WITH v AS (
    SELECT COALESCE((SELECT variant FROM personalize_variants
                     WHERE user_id = $1 AND lesson_slug IN ($2, $3) ORDER BY created_at DESC LIMIT 1), '') AS variant
  )
  SELECT v.variant, p.id, p.content, p.generated_at
  FROM v LEFT JOIN personalized_lessons p
    ON p.lesson_slug = $2 AND p.content_hash = $4 AND p.preferences_hash = $5 AND p.prompt_version = $6
   AND p.model = $7 AND p.variant = v.variant AND p.stale_since IS NULL`;

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
    @InjectRepository(PersonalizeVariantEntity) private readonly variants: Repository<PersonalizeVariantEntity>,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
    private readonly budget: LlmBudget,
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly queues: QueueService,
    private readonly llm: LlmService,
    private readonly config: PersonalizeConfig,
    private readonly counter: RateCounter,
    private readonly metrics: MetricsService,
    private readonly lookups: PersonalizeLookupCache,
  ) {}

  /** The key of the rewrite a learner would get for a lesson now (their own variant after they asked for a fresh one). */
  async keyFor(userId: string, lessonSlug: string): Promise<Required<PersonalizeKey>> {
    return (await this.lookup(userId, lessonSlug)).key;
  }

  /**
   * The learner's key for a lesson and the ready rewrite under it, if any.
   * The lesson, the learner's preferences hash, their variant and a ready
   * rewrite come from memory when kept there (see PersonalizeLookupCache);
   * otherwise the variant and the rewrite come from one statement on two
   * primary/unique keys, and are kept for the next request.
   */
  private async lookup(userId: string, lessonSlug: string): Promise<{ key: Required<PersonalizeKey>; rewrite: CachedRewrite | null }> {
    const partial = await this.partialKey(userId, lessonSlug);
    const kept = this.keptHit(userId, partial);
    if (kept) return kept;
    const generation = this.lookups.generation;
    const [row] = (await this.rewrites.query(LOOKUP_SQL, [
      userId,
      lessonSlug,
      ALL_LESSONS,
      partial.contentHash,
      partial.preferencesHash,
      partial.promptVersion,
      partial.model,
    ])) as LookupRow[];
    const key = { ...partial, variant: row.variant };
    const found =
      row.id === null
        ? null
        : {
            id: row.id,
            content: row.content as string,
            contentUrl: rewriteUrl(row.id, row.content as string),
            generatedAt: row.generated_at as Date,
          };
    this.lookups.keep(generation, userId, key, found);
    return { key, rewrite: found };
  }

  /** The learner's key for a lesson but its variant: the lesson's and the preferences' hashes, both kept in memory. */
  private async partialKey(userId: string, lessonSlug: string): Promise<Omit<Required<PersonalizeKey>, 'variant'>> {
    const [preferencesHash, lesson] = await Promise.all([this.onboarding.preferencesHash(userId), this.content.lesson(lessonSlug)]);
    if (!preferencesHash) throw new OnboardingRequiredError();
    return { lessonSlug, contentHash: lesson.contentHash, preferencesHash, promptVersion: PROMPT_VERSION, model: this.llm.model };
  }

  /** The learner's variant and the ready rewrite under the whole key, when both are kept in memory. */
  private keptHit(
    userId: string,
    partial: Omit<Required<PersonalizeKey>, 'variant'>,
  ): { key: Required<PersonalizeKey>; rewrite: CachedRewrite } | undefined {
    const variant = this.lookups.variant(userId, partial.lessonSlug);
    if (variant === undefined) return undefined;
    const key = { ...partial, variant };
    const rewrite = this.lookups.rewrite(key);
    return rewrite ? { key, rewrite } : undefined;
  }

  /**
   * A ready shared rewrite's text by its content-addressed URL, from memory
   * only (a lookup or an earlier read kept it): undefined when it is not
   * kept, and `rewriteByHash` reads PostgreSQL.
   */
  keptRewriteBytes(id: string, sha256: string): Buffer | undefined {
    const kept = this.lookups.sharedRewrite(id);
    return kept?.contentUrl === rewriteUrlOf(id, sha256) ? this.lookups.bytesOf(kept) : undefined;
  }

  /**
   * A ready rewrite by its content-addressed URL: 404 unless the row exists,
   * is current and its text has that hash. Served from memory when kept;
   * a shared row read here is kept for the next reader of the URL (and
   * dropped, like every kept rewrite, when its lesson's rewrites go stale).
   */
  async rewriteByHash(id: string, sha256: string): Promise<string | Buffer> {
    const kept = this.keptRewriteBytes(id, sha256);
    if (kept) return kept;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw rewriteNotFound();
    const generation = this.lookups.generation;
    const row = await this.rewrites.findOne({
      where: { id, staleSince: IsNull() },
      select: {
        id: true,
        content: true,
        generatedAt: true,
        lessonSlug: true,
        contentHash: true,
        preferencesHash: true,
        promptVersion: true,
        model: true,
        variant: true,
      },
    });
    if (!row || createHash('sha256').update(row.content).digest('hex') !== sha256) throw rewriteNotFound();
    if (row.variant !== '') return row.content;
    const { lessonSlug, contentHash, preferencesHash, promptVersion, model, variant } = row;
    const rewrite = { id, content: row.content, contentUrl: rewriteUrlOf(id, sha256), generatedAt: row.generatedAt };
    this.lookups.keepRewrite(generation, { lessonSlug, contentHash, preferencesHash, promptVersion, model, variant }, rewrite);
    return row.content;
  }

  /** The learner's own variant for a lesson ('' = the shared row): the latest of the lesson's and the all-lessons one. */
  private async variantOf(userId: string, lessonSlug: string, repo = this.variants): Promise<string> {
    const row = await repo.findOne({
      where: { userId, lessonSlug: In([lessonSlug, ALL_LESSONS]) },
      order: { createdAt: 'DESC' },
    });
    return row?.variant ?? '';
  }

  async find(key: PersonalizeKey): Promise<PersonalizedLessonEntity | null> {
    return this.rewrites.findOneBy({ ...fullKey(key), staleSince: IsNull() });
  }

  /**
   * POST /api/personalize: a ready rewrite's answer as JSON bytes (serialized
   * once per rewrite kept in memory: serializing and encoding its text was
   * most of what a cache hit cost), or the job that writes it.
   */
  async request(userId: string, lessonSlug: string): Promise<ReadyJson | PersonalizeQueued> {
    const { key, rewrite } = await this.lookup(userId, lessonSlug);
    if (rewrite) return { status: 'ready', json: this.hitAnswer(key, rewrite) };
    this.metrics.personalizeCache.inc({ result: 'miss' });
    if (!this.llm.configured) throw new LlmNotConfiguredError();
    const jobId = personalizeJobId(key);
    await this.admitNewRewrite(userId, key, jobId);
    const job = await this.queues.enqueueUnique(PERSONALIZE_QUEUE, 'rewrite', key, jobId);
    return { status: 'queued', jobId: String(job.id), statusUrl: `/api/personalize/jobs/${String(job.id)}` };
  }

  /**
   * The cache hit's answer (a PersonalizeReady as JSON bytes) when the
   * learner's variant and the ready rewrite are both kept in memory; undefined
   * otherwise, without asking PostgreSQL: `request` then looks it up (and
   * keeps it), so a miss or a hit not yet kept costs one statement, not two.
   */
  async keptReadyJson(userId: string, lessonSlug: string): Promise<Buffer | undefined> {
    const hit = this.keptHit(userId, await this.partialKey(userId, lessonSlug));
    return hit ? this.hitAnswer(hit.key, hit.rewrite) : undefined;
  }

  private hitAnswer(key: Required<PersonalizeKey>, rewrite: CachedRewrite): Buffer {
    this.metrics.personalizeCache.inc({ result: 'hit' });
    return this.lookups.answerOf(key, rewrite, () => readyAnswer(readyRow(key, rewrite), true));
  }

  async jobStatus(jobId: string): Promise<PersonalizeJobStatus> {
    const status = /^rewrite-[0-9a-f]{40}$/.test(jobId) ? await this.queues.status<PersonalizeReady>(PERSONALIZE_QUEUE, jobId) : null;
    if (!status) throw new NotFoundError('job_not_found', `No personalization job ${jobId}`);
    const { queue: _queue, name: _name, ...rest } = status;
    return rest;
  }

  /**
   * "Drop my rewrite": the learner's key points to a new variant of their own
   * (one lesson, or all of them), so their next request writes a fresh
   * rewrite. Rows other learners read are never deleted: only the rows of the
   * learner's previous own variant go. Counts against the learner's rewrite
   * limit. Answers how many rows were deleted.
   */
  async dropCache(userId: string, lessonSlug?: string): Promise<number> {
    const preferences = await this.onboarding.find(userId);
    if (!preferences) throw new OnboardingRequiredError();
    if (lessonSlug) await this.content.lesson(lessonSlug);
    await this.hitRateLimit(userId);
    const variant = randomBytes(12).toString('hex');
    const removed = await this.rewrites.manager.transaction(async (manager) => {
      const variants = manager.getRepository(PersonalizeVariantEntity);
      const rewrites = manager.getRepository(PersonalizedLessonEntity);
      let deleted = 0;
      if (lessonSlug) {
        const previous = await this.variantOf(userId, lessonSlug, variants);
        if (previous) deleted += (await rewrites.delete({ lessonSlug, variant: previous })).affected ?? 0;
        await variants.upsert({ userId, lessonSlug, variant, createdAt: new Date() }, { conflictPaths: ['userId', 'lessonSlug'] });
      } else {
        const previous = (await variants.findBy({ userId })).map((v) => v.variant);
        if (previous.length > 0) deleted += (await rewrites.delete({ variant: In(previous) })).affected ?? 0;
        await variants.delete({ userId, lessonSlug: Not(ALL_LESSONS) });
        await variants.upsert(
          { userId, lessonSlug: ALL_LESSONS, variant, createdAt: new Date() },
          { conflictPaths: ['userId', 'lessonSlug'] },
        );
      }
      return deleted;
    });
    // Committed: no process serves the learner's previous variant any more.
    await this.lookups.changed({ userId });
    return removed;
  }

  /** Marks the rewrites of a lesson's previous text stale: they are no longer served, and purged after the grace period. */
  async markStale(lessonSlug: string, contentHash: string): Promise<number> {
    const result = await this.rewrites.update({ lessonSlug, contentHash, staleSince: IsNull() }, { staleSince: new Date() });
    await this.lookups.changed({ lessonSlug });
    return result.affected ?? 0;
  }

  async purgeStale(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.PERSONALIZE_STALE_GRACE_HOURS * 3_600_000);
    const result = await this.rewrites.delete({ staleSince: LessThan(cutoff) });
    if (result.affected) this.logger.log(`Purged ${result.affected} stale rewrite(s)`);
    return result.affected ?? 0;
  }

  /**
   * A new rewrite costs LLM tokens: the learner's per-minute limit, then a
   * reservation of the call's most tokens from today's budget under the job's
   * id (a request joining a queued job reserves nothing more), within the caps
   * on queued jobs per learner and in total. All in Redis (shared by every api
   * instance); when Redis cannot answer, the request fails fast with 503.
   */
  private async admitNewRewrite(userId: string, key: Required<PersonalizeKey>, jobId: string): Promise<void> {
    await this.hitRateLimit(userId);
    const [markdown, preferences] = await Promise.all([this.store.get(key.contentHash), this.onboarding.find(userId)]);
    const estimate = estimateRewriteTokens(markdown?.length ?? 0, preferences?.preferredLanguage ?? 'en');
    try {
      await this.budget.admit('rewrites', jobId, estimate, userId);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new QueueUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async hitRateLimit(userId: string): Promise<void> {
    let hit: { count: number; retryAfterSeconds: number };
    try {
      hit = await this.counter.hit('personalize', userId, 60);
    } catch (error) {
      throw new QueueUnavailableError(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (hit.count > this.config.PERSONALIZE_RATE_PER_MINUTE) {
      throw new TooManyRewritesError(this.config.PERSONALIZE_RATE_PER_MINUTE, hit.retryAfterSeconds);
    }
  }
}
