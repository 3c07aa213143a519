import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ContentStoreModule } from './content-store/content-store.module';
import { LlmModule } from './llm/llm.module';
import { MetricsModule } from './metrics/metrics.module';
import { DatabaseModule } from './database/database.module';
import { RedisModule } from './redis/redis.module';
import { StreamModule } from './stream/stream.module';

/** The infrastructure every process (api, worker, cli, tests) starts with: config, PostgreSQL, Redis, auth, the content store, domain events. */
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        DatabaseModule,
        RedisModule,
        AuthModule,
        ContentStoreModule,
        LlmModule,
        StreamModule,
        EventEmitterModule.forRoot(),
      ],
      exports: [ConfigModule, MetricsModule, DatabaseModule, RedisModule, AuthModule, ContentStoreModule, LlmModule, StreamModule],
    };
  }
}
