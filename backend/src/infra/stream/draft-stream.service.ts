import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** One event of a draft stream. */
export interface DraftEvent {
  event: string;
  data: unknown;
}

/** How long a draft is kept after its last write (a late subscriber can still replay it). */
export const DRAFT_TTL_SECONDS = 3_600;
/** How long a finished draft is kept (polling has the final answer in PostgreSQL by then). */
export const DRAFT_CLOSED_TTL_SECONDS = 600;
/** How long one XREAD blocks before the reader checks its signal again. */
const BLOCK_MS = 5_000;

/**
 * Drafts written by a worker and read live by the API, through Redis Streams:
 * `append` adds an event (XADD), `close` adds the final one, `read` replays a
 * draft from its start and then follows it (XREAD BLOCK) until the final
 * event, or until the signal aborts. A subscriber that comes late therefore
 * gets everything written so far first. Keys expire (DRAFT_TTL_SECONDS after
 * the last write, DRAFT_CLOSED_TTL_SECONDS once closed).
 *
 * Writes go through the shared fail-fast connection; every reader has its own
 * connection (a blocking XREAD holds its connection), closed when it ends.
 */
@Injectable()
export class DraftStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(DraftStreamService.name);
  private readonly readers = new Set<Redis>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The Redis key of a draft (under this deployment's prefix). */
  keyOf(key: string): string {
    return `${this.config.QUEUE_PREFIX}:draft:${key}`;
  }

  async append(key: string, event: string, data: unknown): Promise<void> {
    await this.write(key, event, data, false);
  }

  /** Adds the final event: readers end after it. */
  async close(key: string, event: string, data: unknown): Promise<void> {
    await this.write(key, event, data, true);
  }

  /** Removes a draft (e.g. before a retried job writes it again). */
  async discard(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  async *read(key: string, signal?: AbortSignal): AsyncIterable<DraftEvent> {
    if (signal?.aborted) return;
    const redisKey = this.keyOf(key);
    const connection = new Redis(this.config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      // A reader that lost Redis ends; the client reconnects or polls.
      retryStrategy: () => null,
    });
    connection.on('error', (error: Error) => this.logger.debug(`Draft reader: ${error.message}`));
    this.readers.add(connection);
    const onAbort = (): void => connection.disconnect();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let lastId = '0-0';
      while (!signal?.aborted) {
        let reply: Array<[string, Array<[string, string[]]>]> | null;
        try {
          reply = (await connection.xread('COUNT', 500, 'BLOCK', BLOCK_MS, 'STREAMS', redisKey, lastId)) as typeof reply;
        } catch (error) {
          if (signal?.aborted) return;
          throw error;
        }
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const entry = parseFields(fields);
            if (!entry) continue;
            yield { event: entry.event, data: entry.data };
            if (entry.final) return;
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
    for (const reader of this.readers) reader.disconnect();
    this.readers.clear();
  }

  private async write(key: string, event: string, data: unknown, final: boolean): Promise<void> {
    const redisKey = this.keyOf(key);
    const fields = ['e', event, 'd', JSON.stringify(data ?? null), ...(final ? ['f', '1'] : [])];
    const results = await this.redis
      .multi()
      .xadd(redisKey, '*', ...fields)
      .expire(redisKey, final ? DRAFT_CLOSED_TTL_SECONDS : DRAFT_TTL_SECONDS)
      .exec();
    const failed = (results ?? []).find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}

function parseFields(fields: string[]): { event: string; data: unknown; final: boolean } | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const event = map.get('e');
  if (!event) return null;
  let data: unknown = null;
  try {
    data = JSON.parse(map.get('d') ?? 'null');
  } catch {
    data = null;
  }
  return { event, data, final: map.get('f') === '1' };
}
