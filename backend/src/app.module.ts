import { DynamicModule, Module } from '@nestjs/common';
import { BullBoardModule, HealthModule, InfraModule, MetricsHttpModule, QueueModule, type AppConfig } from '@lectern/infra';
import { ContentModule } from '@lectern/content';
import { OnboardingModule } from '@lectern/onboarding';
import { PersonalizeModule } from '@lectern/personalize';
import { ProgressModule } from '@lectern/progress';
import { RecommendationsModule } from '@lectern/recommendations';
import { SearchModule } from '@lectern/search';
import { TutorModule } from '@lectern/tutor';
import { UsersModule } from '@lectern/users';

/** The domain modules whose controllers the api serves (the CLI boots the same set). */
export const DOMAIN_MODULES = [
  UsersModule,
  OnboardingModule,
  ContentModule,
  PersonalizeModule,
  ProgressModule,
  RecommendationsModule,
  SearchModule,
  TutorModule,
];

/** The api process: infrastructure, queues as a producer, Bull Board and every domain module. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config), QueueModule.forRoot(), HealthModule, MetricsHttpModule, BullBoardModule, ...DOMAIN_MODULES],
    };
  }
}
