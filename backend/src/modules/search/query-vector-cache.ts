import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, REDIS, RedisScript } from '@lectern/infra';
import type Redis from 'ioredis';
import { SearchConfig } from './search.config';

/** A query's vector never changes for a given model; it is kept at most this long. */
const TTL_SECONDS = 86_400;

/**
 * Stores one vector and keeps at most ARGV[3] entries: the oldest additions
 * are dropped with their keys. KEYS: 1 the vector's key, 2 the index (sorted
 * by time added). ARGV: 1 vector bytes, 2 ttl, 3 max entries, 4 now.
 */
const PUT_SCRIPT = new RedisScript(
  `
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), KEYS[1])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #oldest, 2 do redis.call('DEL', oldest[i]) end
end
return 0
`,
  2,
);

/**
 * Query vectors in Redis, bounded: at most SEARCH_QUERY_CACHE_MAX_ENTRIES
 * (about 6 KB each at 1536 dimensions), the oldest dropped first, each for a
 * day at most. Redis also holds the queues (`noeviction`), so a flood of
 * distinct queries must never be able to fill it.
 */
@Injectable()
export class QueryVectorCache {
  constructor(
    private readonly config: AppConfig,
    private readonly settings: SearchConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  get indexKey(): string {
    return `${this.config.QUEUE_PREFIX}:search:query-vectors`;
  }

  key(spaceTag: string, queryHash: string): string {
    return `${this.config.QUEUE_PREFIX}:search:query-vector:${spaceTag}:${queryHash}`;
  }

  async get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(key);
  }

  async put(key: string, vector: Buffer): Promise<void> {
    const max = this.settings.SEARCH_QUERY_CACHE_MAX_ENTRIES;
    if (max === 0) return;
    await PUT_SCRIPT.run(this.redis, key, this.indexKey, vector, String(TTL_SECONDS), String(max), String(Date.now()));
  }

  /** How many vectors are kept now. */
  async size(): Promise<number> {
    return this.redis.zcard(this.indexKey);
  }
}
