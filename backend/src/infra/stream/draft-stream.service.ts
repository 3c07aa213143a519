import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** One event of a draft stream, as appended. */
export interface DraftStreamEvent {
  event: string;
  data: unknown;
}

/** How long an open stream lives after its last event (a stalled writer's stream expires). */
export const DRAFT_STREAM_TTL_SECONDS = 15 * 60;
/** How long a closed stream stays readable for late subscribers. */
export const DRAFT_STREAM_CLOSED_TTL_SECONDS = 5 * 60;
/** XREAD BLOCK timeout: how often a follower wakes up to notice an abort or an expired stream. */
const BLOCK_MS = 5_000;
const BATCH = 200;
/** Entry fields: the event name, its JSON data, and `end` on the closing entry. */
const FIELD_EVENT = 'e';
const FIELD_DATA = 'd';
const FIELD_END = 'end';

type StreamEntries = Array<[id: string, fields: string[]]>;

function fieldsOf(list: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i] ?? '', list[i + 1] ?? '');
  return map;
}

/**
 * Text written by a worker while a client watches (a rewrite, a tutor
 * answer), relayed through Redis Streams: the writer appends events, any
 * number of readers replay the stream from its start and then follow it, a
 * closing event ends every reader. Keys expire (a TTL renewed on each append),
 * so a writer that dies leaves nothing behind for long.
 *
 * Appends use the shared connection; each reader blocks (XREAD BLOCK) on a
 * connection of its own, closed when it stops.
 */
@Injectable()
export class DraftStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(DraftStreamService.name);
  private readonly prefix: string;
  private readonly readers = new Set<Redis>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.QUEUE_PREFIX}:draft:`;
  }

  /** Appends one event to the stream `key` (created on first use). */
  async append(key: string, event: string, data: unknown): Promise<void> {
    await this.add(key, [FIELD_EVENT, event, FIELD_DATA, JSON.stringify(data ?? null)], DRAFT_STREAM_TTL_SECONDS);
  }

  /** Appends the last event: readers stop after it. The stream stays readable for a few minutes. */
  async close(key: string, event: string, data: unknown): Promise<void> {
    await this.add(key, [FIELD_EVENT, event, FIELD_DATA, JSON.stringify(data ?? null), FIELD_END, '1'], DRAFT_STREAM_CLOSED_TTL_SECONDS);
  }

  /**
   * Every event of `key` from the start, then each new one as it is
   * appended, until the closing event (included), `signal` aborts, or the
   * stream expires. A stream not written yet is waited for.
   */
  async *read(key: string, signal?: AbortSignal): AsyncIterable<DraftStreamEvent> {
    if (signal?.aborted) return;
    const redisKey = this.prefix + key;
    const connection = this.redis.duplicate({ maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
    connection.on('error', (error: Error) => this.logger.debug(`Draft stream reader: ${error.message}`));
    this.readers.add(connection);
    const onAbort = (): void => connection.disconnect();
    signal?.addEventListener('abort', onAbort, { once: true });
    let lastId = '0';
    let seen = false;
    try {
      while (!signal?.aborted) {
        let answer: Array<[string, StreamEntries]> | null;
        try {
          answer = (await connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', redisKey, lastId)) as Array<
            [string, StreamEntries]
          > | null;
        } catch (error) {
          if (signal?.aborted) return;
          throw error;
        }
        if (!answer) {
          // Nothing new: a stream that existed and is gone has expired; one never written is still awaited.
          if (seen && (await connection.exists(redisKey)) === 0) return;
          continue;
        }
        seen = true;
        for (const [, entries] of answer) {
          for (const [id, list] of entries) {
            lastId = id;
            const fields = fieldsOf(list);
            const raw = fields.get(FIELD_DATA);
            let data: unknown = null;
            try {
              data = raw === undefined ? null : JSON.parse(raw);
            } catch {
              data = raw;
            }
            yield { event: fields.get(FIELD_EVENT) ?? 'message', data };
            if (fields.has(FIELD_END)) return;
          }
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.readers.delete(connection);
      connection.disconnect();
    }
  }

  onApplicationShutdown(): void {
    for (const connection of this.readers) connection.disconnect();
    this.readers.clear();
  }

  private async add(key: string, fields: string[], ttlSeconds: number): Promise<void> {
    const redisKey = this.prefix + key;
    const results = await this.redis
      .multi()
      .xadd(redisKey, '*', ...fields)
      .expire(redisKey, ttlSeconds)
      .exec();
    const failure = results?.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }
}
