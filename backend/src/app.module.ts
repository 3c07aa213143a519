import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, InfraModule, type AppConfig } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { UsersModule } from '@lectern/users';

/** The api process: infrastructure plus every domain module's controllers. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [InfraModule.forRoot(config), HealthModule, UsersModule, OnboardingModule] };
  }
}
