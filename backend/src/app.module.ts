import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthModule, ConfigModule, DatabaseModule, HealthModule, RedisModule } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { UsersModule } from '@lectern/users';

/** The shared infrastructure every process (api, worker, cli) starts with. */
export function coreImports(config: AppConfig): DynamicModule['imports'] {
  return [ConfigModule.forRoot(config), DatabaseModule, RedisModule, AuthModule];
}

/** The api process: infrastructure plus every domain module's controllers. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [...(coreImports(config) ?? []), HealthModule, UsersModule, OnboardingModule],
    };
  }
}
