import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');

/** Options for connections that must fail fast rather than queue commands while Redis is away. */
export function redisOptions(): {
  maxRetriesPerRequest: number;
  enableOfflineQueue: boolean;
  connectTimeout: number;
  lazyConnect: boolean;
} {
  return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, lazyConnect: false };
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared ioredis connection for request-path work (health, rate limits, caches). */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Redis => {
        const logger = new Logger('Redis');
        const redis = new Redis(config.REDIS_URL, redisOptions());
        let lastError = '';
        redis.on('error', (error: Error) => {
          // ioredis retries on its own; log each distinct failure once, not on every retry.
          if (error.message !== lastError) logger.warn(`Redis connection: ${error.message}`);
          lastError = error.message;
        });
        redis.on('ready', () => {
          if (lastError) logger.log('Redis connection restored');
          lastError = '';
        });
        return redis;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
