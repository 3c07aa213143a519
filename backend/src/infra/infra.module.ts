import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { RedisModule } from './redis/redis.module';

/** The infrastructure every process (api, worker, cli, tests) starts with. */
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, AuthModule],
      exports: [ConfigModule, DatabaseModule, RedisModule, AuthModule],
    };
  }
}
