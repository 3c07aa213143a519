import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig, ChangeChannel, REDIS } from '@lectern/infra';
import type Redis from 'ioredis';
import type { PersonalizeKey } from './personalize-key';

/** At most this many learners' variants are kept (the least recently used go first). */
export const VARIANT_CACHE_MAX_LEARNERS = 100_000;
/** Ready rewrites kept, by total characters of text plus the bytes kept for answering (the least recently used go first). */
export const REWRITE_CACHE_MAX_CHARS = 32 * 1024 * 1024;
/** A kept entry is read again after this long even if no change was announced (a change made while Redis was away). */
export const LOOKUP_CACHE_TTL_MS = 60_000;

/** A ready rewrite as the lookup statement found it (immutable while it is current: rows are only inserted, marked stale or deleted). */
export interface CachedRewrite {
  id: string;
  content: string;
  contentUrl: string;
  generatedAt: Date;
  /** `content` as UTF-8, once its content-addressed URL has been read from this entry (see `bytesOf`). */
  bytes?: Buffer;
  /** The cache hit's answer as JSON, once one was made from this entry (see `answerOf`). */
  answer?: Buffer;
}

/** `userId`: the learner's variants changed (drop-cache). `lessonSlug`: that lesson's rewrites were marked stale or deleted. */
export type LookupChange = { userId: string } | { lessonSlug: string };

interface Kept<T> {
  value: T;
  epoch: number;
  cachedAt: number;
}

/**
 * What a cached personalization is served from without PostgreSQL: each
 * learner's variant per lesson, and the ready rewrites found under a whole
 * key. A learner's drop-cache and a lesson's stale marking are announced on
 * Redis after their commit and every process drops the entries concerned;
 * while the subscription is down nothing is trusted. Misses are never kept
 * (a rewrite written by the worker is found by the next request's statement).
 */
@Injectable()
export class PersonalizeLookupCache implements OnModuleInit, OnApplicationShutdown {
  readonly channel: ChangeChannel<LookupChange>;
  /** userId → (lesson slug or ALL_LESSONS lookups → variant), least recently used first. */
  private readonly variants = new Map<string, Kept<Map<string, string>>>();
  /** rewriteKey → rewrite, least recently used first. */
  private readonly rewrites = new Map<string, Kept<CachedRewrite> & { lessonSlug: string }>();
  /** A kept shared rewrite's row id → its rewriteKey (a learner's own variant rows are not indexed: a drop-cache deletes them). */
  private readonly sharedById = new Map<string, string>();
  private rewriteChars = 0;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.channel = new ChangeChannel<LookupChange>(config.REDIS_URL, `${config.QUEUE_PREFIX}:personalize:changed`, redis);
    this.channel.on('message', (change: LookupChange) => {
      if ('userId' in change) this.variants.delete(change.userId);
      else for (const [key, entry] of this.rewrites) if (entry.lessonSlug === change.lessonSlug) this.dropRewrite(key);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.channel.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel.stop();
  }

  /** Pass to `keep`: taken before reading, so that what was read while a change came is not kept. */
  get generation(): number {
    return this.channel.generation;
  }

  /** The learner's variant for a lesson, when it can be trusted. */
  variant(userId: string, lessonSlug: string): string | undefined {
    const entry = this.variants.get(userId);
    if (!entry || !this.fresh(entry)) return undefined;
    const variant = entry.value.get(lessonSlug);
    if (variant === undefined) return undefined;
    this.variants.delete(userId);
    this.variants.set(userId, entry);
    return variant;
  }

  /** The current ready rewrite under a whole key, when it can be trusted. */
  rewrite(key: Required<PersonalizeKey>): CachedRewrite | undefined {
    const id = rewriteKey(key);
    const entry = this.rewrites.get(id);
    if (!entry) return undefined;
    if (!this.fresh(entry)) {
      this.dropRewrite(id);
      return undefined;
    }
    this.rewrites.delete(id);
    this.rewrites.set(id, entry);
    return entry.value;
  }

  /**
   * A kept shared rewrite by its row id (its content-addressed URL), when it
   * can be trusted: shared rows are only marked stale (announced per lesson),
   * never deleted while current.
   */
  sharedRewrite(id: string): CachedRewrite | undefined {
    const key = this.sharedById.get(id);
    const entry = key === undefined ? undefined : this.rewrites.get(key);
    if (!entry || !this.fresh(entry)) return undefined;
    return entry.value;
  }

  /**
   * A rewrite this cache returned, its text as UTF-8 bytes, encoded once and kept with it
   * (counted in the cache's size): encoding the string for the socket was
   * most of the cost of answering its URL.
   */
  bytesOf(rewrite: CachedRewrite): Buffer {
    if (!rewrite.bytes) {
      rewrite.bytes = Buffer.from(rewrite.content, 'utf8');
      this.rewriteChars += rewrite.bytes.length;
      this.evictRewrites();
    }
    return rewrite.bytes;
  }

  /**
   * The cache hit's answer for `rewrite` (found under `key`) as JSON bytes,
   * made once by `make` and kept with the rewrite while it is kept here
   * (counted in the cache's size); a rewrite not kept gets them for this
   * answer only.
   */
  answerOf(key: Required<PersonalizeKey>, rewrite: CachedRewrite, make: () => unknown): Buffer {
    if (rewrite.answer) return rewrite.answer;
    const answer = Buffer.from(JSON.stringify(make()), 'utf8');
    if (this.rewrites.get(rewriteKey(key))?.value !== rewrite) return answer;
    rewrite.answer = answer;
    this.rewriteChars += answer.length;
    this.evictRewrites();
    return answer;
  }

  /** Keeps what one lookup read (a variant, and the rewrite if there was one) unless a change was announced since `generation`. */
  keep(generation: number, userId: string, key: Required<PersonalizeKey>, rewrite: CachedRewrite | null): void {
    if (generation !== this.channel.generation || !this.channel.listening) return;
    const now = Date.now();
    const epoch = this.channel.epoch;
    const learner = this.variants.get(userId);
    const lessons =
      learner && learner.epoch === epoch && now - learner.cachedAt < LOOKUP_CACHE_TTL_MS ? learner.value : new Map<string, string>();
    lessons.set(key.lessonSlug, key.variant);
    this.variants.delete(userId);
    this.variants.set(userId, { value: lessons, epoch, cachedAt: learner?.value === lessons ? learner.cachedAt : now });
    if (this.variants.size > VARIANT_CACHE_MAX_LEARNERS) {
      const oldest = this.variants.keys().next().value;
      if (oldest !== undefined) this.variants.delete(oldest);
    }
    this.keepRewrite(generation, key, rewrite);
  }

  /**
   * Keeps a ready rewrite found under `key` (by a lookup, or read for its
   * content-addressed URL) unless a change was announced since `generation`.
   */
  keepRewrite(generation: number, key: Required<PersonalizeKey>, rewrite: CachedRewrite | null): void {
    if (generation !== this.channel.generation || !this.channel.listening) return;
    if (!rewrite || rewrite.content.length > REWRITE_CACHE_MAX_CHARS / 16) return;
    const id = rewriteKey(key);
    this.dropRewrite(id);
    this.rewrites.set(id, { value: rewrite, epoch: this.channel.epoch, cachedAt: Date.now(), lessonSlug: key.lessonSlug });
    if (key.variant === '') this.sharedById.set(rewrite.id, id);
    this.rewriteChars += rewrite.content.length;
    this.evictRewrites();
  }

  private evictRewrites(): void {
    while (this.rewriteChars > REWRITE_CACHE_MAX_CHARS) {
      const oldest = this.rewrites.keys().next().value;
      if (oldest === undefined) break;
      this.dropRewrite(oldest);
    }
  }

  /** After a committed change: every process drops the entries concerned. */
  async changed(change: LookupChange): Promise<void> {
    await this.channel.publish(change);
  }

  private fresh(entry: Kept<unknown>): boolean {
    return this.channel.listening && entry.epoch === this.channel.epoch && Date.now() - entry.cachedAt < LOOKUP_CACHE_TTL_MS;
  }

  private dropRewrite(id: string): void {
    const entry = this.rewrites.get(id);
    if (!entry) return;
    this.rewrites.delete(id);
    this.sharedById.delete(entry.value.id);
    this.rewriteChars -= entry.value.content.length + (entry.value.bytes?.length ?? 0) + (entry.value.answer?.length ?? 0);
  }
}

function rewriteKey(key: Required<PersonalizeKey>): string {
  return [key.lessonSlug, key.contentHash, key.preferencesHash, key.promptVersion, key.model, key.variant].join('\n');
}
