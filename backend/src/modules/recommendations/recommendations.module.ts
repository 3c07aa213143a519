import { Module } from '@nestjs/common';
import { ContentModule } from '@lectern/content';
import { OnboardingModule } from '@lectern/onboarding';
import { ProgressModule } from '@lectern/progress';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsService } from './recommendations.service';

/** GET /api/progress/recommendations: no tables of its own; reads the book, progress and answers. */
@Module({
  imports: [ContentModule, ProgressModule, OnboardingModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsService],
  exports: [RecommendationsService],
})
export class RecommendationsModule {}
