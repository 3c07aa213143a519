import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script for a hot path, sent by its SHA-1 (EVALSHA): the server runs
 * its cached compile, and the request carries 40 characters instead of the
 * script. Sent whole (EVAL) only when the server does not know it yet (a new
 * or restarted Redis, or after SCRIPT FLUSH), which also caches it there.
 */
export class RedisScript<T = unknown> {
  readonly sha: string;

  constructor(
    readonly lua: string,
    readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, ...keysAndArgs: Array<string | number | Buffer>): Promise<T> {
    try {
      return (await redis.evalsha(this.sha, this.numberOfKeys, ...keysAndArgs)) as T;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(this.lua, this.numberOfKeys, ...keysAndArgs)) as T;
    }
  }
}
