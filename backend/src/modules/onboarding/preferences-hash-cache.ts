import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig, ChangeChannel, REDIS } from '@lectern/infra';
import type Redis from 'ioredis';

/** At most this many learners' hashes are kept (the oldest entries go first). */
export const PREFERENCES_CACHE_MAX_ENTRIES = 100_000;
/** A kept hash is read again after this long even if no change was announced (a change made while Redis was away). */
export const PREFERENCES_CACHE_TTL_MS = 60_000;

interface Entry {
  hash: string;
  epoch: number;
  cachedAt: number;
}

/**
 * Each onboarded learner's preferences hash, in memory: what a cached rewrite
 * is looked up by, on every personalization request. A change of answers
 * (submit, update, delete) is announced on Redis after its commit and every
 * process drops that learner's entry; while the subscription is down nothing
 * is trusted. Only learners who have answers are kept (the answers of a
 * learner who has some only change through those announced writes).
 */
@Injectable()
export class PreferencesHashCache implements OnModuleInit, OnApplicationShutdown {
  readonly channel: ChangeChannel<{ userId: string }>;
  private readonly entries = new Map<string, Entry>();

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.channel = new ChangeChannel<{ userId: string }>(config.REDIS_URL, `${config.QUEUE_PREFIX}:onboarding:changed`, redis);
    this.channel.on('message', ({ userId }: { userId: string }) => this.entries.delete(userId));
  }

  async onModuleInit(): Promise<void> {
    await this.channel.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel.stop();
  }

  /** The learner's hash, from memory when it can be trusted, else from `read` (null: not onboarded, not kept). */
  async get(userId: string, read: () => Promise<string | null>): Promise<string | null> {
    const entry = this.entries.get(userId);
    const now = Date.now();
    if (entry && this.channel.listening && entry.epoch === this.channel.epoch && now - entry.cachedAt < PREFERENCES_CACHE_TTL_MS) return entry.hash;
    const generation = this.channel.generation;
    const epoch = this.channel.epoch;
    const hash = await read();
    // A change announced while reading: what was read may predate it.
    if (hash === null || generation !== this.channel.generation) {
      this.entries.delete(userId);
      return hash;
    }
    this.entries.delete(userId);
    this.entries.set(userId, { hash, epoch, cachedAt: now });
    if (this.entries.size > PREFERENCES_CACHE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return hash;
  }

  /** After a committed change of the learner's answers: every process drops its copy. */
  async changed(userId: string): Promise<void> {
    await this.channel.publish({ userId });
  }
}
