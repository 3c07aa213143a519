import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { redisOptions } from './redis.module';

/**
 * A Redis pub/sub channel that tells every process "this changed, drop your
 * copy". In-process caches keep a `generation` they were filled at: every
 * message and every (re)connection of the subscriber bumps it, so a copy
 * made before a message — or before a gap in which messages may have been
 * missed — is never trusted again. Caches of many keys that drop one key per
 * message use `epoch` instead (bumped only by a (re)connection) and check
 * `generation` only to refuse storing a value read while a message came.
 * While the subscriber is not connected (`listening` false) a cache must
 * revalidate on every read.
 *
 * Emits `message` (the parsed payload) after bumping the generation; tests
 * wait on it.
 */
export class ChangeChannel<T> extends EventEmitter {
  private readonly logger: Logger;
  private subscriber?: Redis;
  private connected = false;
  private currentGeneration = 0;
  private currentEpoch = 0;
  /** Tags this process's messages: it applied them when it published, and ignores them when Redis hands them back. */
  private readonly origin = randomUUID();

  constructor(
    private readonly redisUrl: string,
    readonly channel: string,
    private readonly publisher: Redis,
  ) {
    super();
    this.logger = new Logger(`ChangeChannel ${channel}`);
  }

  /** Bumped by every message and every subscriber (re)connection. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** Bumped by every subscriber (re)connection only. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** True while subscribed: a copy whose generation is current is fresh. */
  get listening(): boolean {
    return this.connected;
  }

  /** Subscribes (own connection; ioredis resubscribes after a reconnect). Waits at most 2 s: a cache revalidates on every read until then. */
  async start(): Promise<void> {
    const subscriber = new Redis(this.redisUrl, { ...redisOptions(), enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the request-path connection already reports Redis trouble
    subscriber.on('close', () => this.lost());
    subscriber.on('reconnecting', () => this.lost());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let envelope: { origin?: string; payload?: T };
      try {
        envelope = JSON.parse(message) as { origin?: string; payload?: T };
      } catch {
        this.logger.warn('Ignored a malformed message');
        return;
      }
      if (envelope.origin === this.origin || envelope.payload === undefined) return;
      this.currentGeneration += 1;
      this.emit('message', envelope.payload);
    });
    const subscribe = (): Promise<void> =>
      subscriber.subscribe(this.channel).then(() => {
        // Whatever was cached before this point may have missed a message.
        this.currentGeneration += 1;
        this.currentEpoch += 1;
        this.connected = true;
      });
    const subscribed = subscribe();
    // After a reconnect: trusted again only once the subscription is back (SUBSCRIBE twice is harmless).
    subscriber.on('ready', () => {
      if (!this.connected) subscribe().catch(() => undefined);
    });
    const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 2_000).unref());
    const outcome = await Promise.race([subscribed.then(() => 'ok' as const), timeout]).catch(() => 'failed' as const);
    if (outcome !== 'ok') this.logger.warn('Not subscribed yet: cached copies are revalidated on every read until it is');
  }

  /** Tells every process (this one included, at once). False when Redis could not take it (other processes then notice at their next revalidation). */
  async publish(payload: T): Promise<boolean> {
    this.currentGeneration += 1;
    this.emit('message', payload);
    try {
      await this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, payload }));
      return true;
    } catch (error) {
      this.logger.warn(`Not broadcast (Redis: ${error instanceof Error ? error.message : String(error)})`);
      return false;
    }
  }

  async stop(): Promise<void> {
    this.connected = false;
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private lost(): void {
    if (!this.connected) return;
    this.connected = false;
    this.currentGeneration += 1;
    this.currentEpoch += 1;
  }
}
