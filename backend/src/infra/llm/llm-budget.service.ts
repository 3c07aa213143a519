import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS } from '../redis/redis.module';
import { RedisScript } from '../redis/redis-script';

/**
 * What LLM tokens are spent on; each has its own daily budget, and all of
 * them share the global one (LLM_DAILY_TOKEN_BUDGET). `index` (embedding the
 * book's chunks, operator work) has only the global cap unless configured.
 */
export const LLM_FEATURES = ['rewrites', 'search', 'tutor', 'index', 'other'] as const;
export type LlmFeature = (typeof LLM_FEATURES)[number];

/** The feature a call's `purpose` belongs to, when the caller does not say. */
export function featureForPurpose(purpose: string): LlmFeature {
  if (purpose === 'personalize') return 'rewrites';
  if (purpose === 'search-query') return 'search';
  if (purpose === 'search-index') return 'index';
  if (purpose.startsWith('tutor')) return 'tutor';
  return 'other';
}

export type BudgetRefusal = 'feature_budget' | 'global_budget' | 'learner_queue' | 'total_queue';

const FEATURE_NAMES: Record<LlmFeature, string> = {
  rewrites: 'new personalized lessons',
  search: 'meaning-based search',
  tutor: 'the tutor',
  index: 'indexing the book for search',
  other: 'AI features',
};

/** A refusal from the budget or the queue caps: 429 with a message a learner can act on. */
export class LlmBudgetRefusedError extends DomainError {
  constructor(
    readonly feature: LlmFeature,
    readonly reason: BudgetRefusal,
    limit?: number,
  ) {
    super(429, refusalCode(reason), refusalMessage(feature, reason, limit));
    this.name = 'LlmBudgetRefusedError';
  }
}

function refusalCode(reason: BudgetRefusal): string {
  return reason === 'learner_queue' ? 'too_many_queued' : reason === 'total_queue' ? 'queue_full' : 'daily_budget_exhausted';
}

function refusalMessage(feature: LlmFeature, reason: BudgetRefusal, limit?: number): string {
  switch (reason) {
    case 'learner_queue':
      return `You already have ${limit ?? 'several'} personalized lessons being written: wait for them to finish, then ask again`;
    case 'total_queue':
      return 'Lectern is writing many personalized lessons right now: try again in a few minutes';
    default:
      return feature === 'rewrites'
        ? "Today's LLM budget for new personalized lessons is used up: new rewrites resume tomorrow (UTC); rewrites already written still work"
        : `Today's LLM budget for ${FEATURE_NAMES[feature]} is used up: it resumes tomorrow (UTC)`;
  }
}

/** Tokens held for one piece of work until the call settles them. */
export interface BudgetReservation {
  /** UTC day (YYYY-MM-DD) whose counters hold the tokens. */
  day: string;
  feature: LlmFeature;
  holdId: string;
  tokens: number;
}

export interface BudgetUsage {
  feature: LlmFeature;
  used: number;
  budget: number;
  globalUsed: number;
  globalBudget: number;
}

const HOLD_TTL_SECONDS = 2 * 86_400;

/**
 * Reserves, then settles. One script both for admission (`admit`: a job being
 * queued, with the per-learner and total queue caps) and for the worker's
 * check right before a provider call (`claim`: uses the job's admission hold,
 * unless spending went past a budget since, or reserves anew).
 *
 * KEYS: 1 feature counter, 2 global counter, 3 holds hash, 4 total-queued zset, 5 learner-queued zset
 * ARGV: 1 holdId, 2 feature, 3 estimate, 4 feature budget, 5 global budget, 6 mode, 7 learner cap, 8 total cap, 9 now (ms), 10 ttl (s)
 * Answers { outcome, tokens } where outcome is ok | joined | held | one of BudgetRefusal.
 */
const RESERVE_SCRIPT = new RedisScript(
  `
local held = redis.call('HGET', KEYS[3], ARGV[1])
local fused = tonumber(redis.call('GET', KEYS[1]) or '0')
local gused = tonumber(redis.call('GET', KEYS[2]) or '0')
local fb = tonumber(ARGV[4])
local gb = tonumber(ARGV[5])
if held then
  if ARGV[6] == 'admit' then return {'joined', 0} end
  local t = tonumber(string.match(held, '|(%d+)$')) or 0
  if (fb > 0 and fused > fb) or (gb > 0 and gused > gb) then
    redis.call('DECRBY', KEYS[1], t)
    redis.call('DECRBY', KEYS[2], t)
    redis.call('HDEL', KEYS[3], ARGV[1])
    if fb > 0 and fused > fb then return {'feature_budget', 0} end
    return {'global_budget', 0}
  end
  return {'held', t}
end
if ARGV[6] == 'admit' then
  for _, key in ipairs({KEYS[4], KEYS[5]}) do
    for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
      if redis.call('HEXISTS', KEYS[3], member) == 0 then redis.call('ZREM', key, member) end
    end
  end
  local learnerCap = tonumber(ARGV[7])
  local totalCap = tonumber(ARGV[8])
  if learnerCap > 0 and redis.call('ZCARD', KEYS[5]) >= learnerCap then return {'learner_queue', 0} end
  if totalCap > 0 and redis.call('ZCARD', KEYS[4]) >= totalCap then return {'total_queue', 0} end
end
local est = tonumber(ARGV[3])
if fb > 0 and fused + est > fb then return {'feature_budget', 0} end
if gb > 0 and gused + est > gb then return {'global_budget', 0} end
local ttl = tonumber(ARGV[10])
redis.call('INCRBY', KEYS[1], est)
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('INCRBY', KEYS[2], est)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. '|' .. est)
redis.call('EXPIRE', KEYS[3], ttl)
if ARGV[6] == 'admit' then
  redis.call('ZADD', KEYS[4], ARGV[9], ARGV[1])
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('ZADD', KEYS[5], ARGV[9], ARGV[1])
  redis.call('EXPIRE', KEYS[5], ttl)
end
return {'ok', est}
`,
  5,
);

/**
 * Replaces a hold by what was actually spent (0 releases it); with no hold,
 * adds the tokens (spending nobody reserved still counts).
 * KEYS: 1 feature counter, 2 global counter, 3 holds hash. ARGV: 1 holdId, 2 actual tokens, 3 ttl.
 */
const SETTLE_SCRIPT = new RedisScript(
  `
local held = redis.call('HGET', KEYS[3], ARGV[1])
local t = 0
if held then t = tonumber(string.match(held, '|(%d+)$')) or 0 end
local delta = tonumber(ARGV[2]) - t
if delta ~= 0 then
  redis.call('INCRBY', KEYS[1], delta)
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  redis.call('INCRBY', KEYS[2], delta)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
end
if held then redis.call('HDEL', KEYS[3], ARGV[1]) end
return delta
`,
  3,
);

/**
 * The daily LLM token budget as a hard cap, in Redis (shared by every api
 * and worker process). Work is admitted by reserving an estimate atomically
 * (a Lua script), the worker checks again right before calling the provider,
 * and the call settles the difference between the estimate and the tokens
 * really used. Counters are per UTC day, per feature and global.
 */
@Injectable()
export class LlmBudget {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  static day(now = new Date()): string {
    return now.toISOString().slice(0, 10);
  }

  /** The daily budget of a feature; 0 = only the global cap applies. */
  budgetOf(feature: LlmFeature): number {
    switch (feature) {
      case 'rewrites':
        return this.config.LLM_DAILY_TOKEN_BUDGET_REWRITES;
      case 'search':
        return this.config.LLM_DAILY_TOKEN_BUDGET_SEARCH;
      case 'tutor':
        return this.config.LLM_DAILY_TOKEN_BUDGET_TUTOR;
      case 'index':
        return this.config.LLM_DAILY_TOKEN_BUDGET_INDEX;
      default:
        return 0;
    }
  }

  counterKey(feature: LlmFeature | 'global', day = LlmBudget.day()): string {
    return `${this.config.QUEUE_PREFIX}:llm-budget:${day}:${feature}`;
  }

  private holdsKey(day: string): string {
    return `${this.config.QUEUE_PREFIX}:llm-budget:${day}:holds`;
  }

  private queuedKey(learnerId?: string): string {
    return `${this.config.QUEUE_PREFIX}:llm-queued:${learnerId ? `learner:${learnerId}` : 'all'}`;
  }

  /**
   * Admits a queued job: reserves `estimate` tokens under `holdId` (the job's
   * id) unless a hold for it exists already (a request joining the same job
   * reserves nothing more), within the per-learner and total caps on queued
   * jobs. Throws LlmBudgetRefusedError (429); Redis errors propagate.
   */
  async admit(feature: LlmFeature, holdId: string, estimate: number, learnerId: string): Promise<'ok' | 'joined'> {
    const [outcome] = await this.run('admit', feature, holdId, estimate, learnerId);
    if (outcome === 'ok' || outcome === 'joined') return outcome;
    throw this.refusal(feature, outcome as BudgetRefusal);
  }

  /**
   * Right before a provider call: the hold made at admission (refused if
   * spending went past a budget since), or a new reservation of `estimate`.
   */
  async claim(feature: LlmFeature, holdId: string, estimate: number): Promise<BudgetReservation> {
    const day = LlmBudget.day();
    const [outcome, tokens] = await this.run('claim', feature, holdId, estimate, undefined, day);
    if (outcome === 'ok' || outcome === 'held') return { day, feature, holdId, tokens: Number(tokens) };
    throw this.refusal(feature, outcome as BudgetRefusal);
  }

  /** Replaces the reservation by the tokens really used. */
  async settle(reservation: Pick<BudgetReservation, 'day' | 'feature' | 'holdId'>, actualTokens: number): Promise<void> {
    const { day, feature, holdId } = reservation;
    await SETTLE_SCRIPT.run(
      this.redis,
      this.counterKey(feature, day),
      this.counterKey('global', day),
      this.holdsKey(day),
      holdId,
      String(Math.max(0, Math.round(actualTokens))),
      String(HOLD_TTL_SECONDS),
    );
  }

  /** Gives back whatever is still held under `holdId` today (a job that ended without using its hold). */
  async release(feature: LlmFeature, holdId: string): Promise<void> {
    await this.settle({ day: LlmBudget.day(), feature, holdId }, 0);
  }

  /** Counts tokens nobody reserved (they still count against both budgets). */
  async charge(feature: LlmFeature, tokens: number): Promise<void> {
    await this.settle({ day: LlmBudget.day(), feature, holdId: '-' }, tokens);
  }

  async usage(feature: LlmFeature): Promise<BudgetUsage> {
    const [used, globalUsed] = await this.redis.mget(this.counterKey(feature), this.counterKey('global'));
    return {
      feature,
      used: Number(used ?? 0),
      budget: this.budgetOf(feature),
      globalUsed: Number(globalUsed ?? 0),
      globalBudget: this.config.LLM_DAILY_TOKEN_BUDGET,
    };
  }

  private async run(
    mode: 'admit' | 'claim',
    feature: LlmFeature,
    holdId: string,
    estimate: number,
    learnerId: string | undefined,
    day = LlmBudget.day(),
  ): Promise<[string, number]> {
    const result = (await RESERVE_SCRIPT.run(
      this.redis,
      this.counterKey(feature, day),
      this.counterKey('global', day),
      this.holdsKey(day),
      this.queuedKey(),
      this.queuedKey(learnerId ?? '-'),
      holdId,
      feature,
      String(Math.max(1, Math.ceil(estimate))),
      String(this.budgetOf(feature)),
      String(this.config.LLM_DAILY_TOKEN_BUDGET),
      mode,
      String(this.config.LLM_QUEUED_JOBS_PER_LEARNER),
      String(this.config.LLM_QUEUED_JOBS_TOTAL),
      String(Date.now()),
      String(HOLD_TTL_SECONDS),
    )) as [string, number];
    return result;
  }

  private refusal(feature: LlmFeature, reason: BudgetRefusal): LlmBudgetRefusedError {
    return new LlmBudgetRefusedError(
      feature,
      reason,
      reason === 'learner_queue'
        ? this.config.LLM_QUEUED_JOBS_PER_LEARNER
        : reason === 'total_queue'
          ? this.config.LLM_QUEUED_JOBS_TOTAL
          : undefined,
    );
  }
}
