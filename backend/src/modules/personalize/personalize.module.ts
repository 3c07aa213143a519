import { RewriteTextController, RewriteTextFastPath } from './rewrite-text.controller';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { provideConfigSlice, QueueModule } from '@lectern/infra';
import { ContentModule } from '@lectern/content';
import { OnboardingModule } from '@lectern/onboarding';
import { PersonalizeFeedbackEntity } from './entities/personalize-feedback.entity';
import { PersonalizedLessonEntity } from './entities/personalized-lesson.entity';
import { PersonalizeVariantEntity } from './entities/personalize-variant.entity';
import { ReaderViewEntity } from './entities/reader-view.entity';
import { PersonalizeFeedbackController } from './feedback/personalize-feedback.controller';
import { PersonalizeFeedbackService } from './feedback/personalize-feedback.service';
import { PersonalizeStreamController } from './personalize-stream.controller';
import { PersonalizeStreamService } from './personalize-stream.service';
import { ReaderViewController } from './reader-view/reader-view.controller';
import { ReaderViewService } from './reader-view/reader-view.service';
import { PersonalizeController, PersonalizeFastPath } from './personalize.controller';
import { PersonalizeHandler } from './personalize.handler';
import { PersonalizeContentListener } from './personalize.listener';
import { PersonalizeLookupCache } from './personalize-lookup-cache';
import { PersonalizeService } from './personalize.service';
import { PersonalizeWarmupService } from './personalize-warmup.service';
import { PERSONALIZE_QUEUE } from './personalize.jobs';
import { PersonalizeConfig } from './personalize.config';

/** Personalized lessons: the shared rewrite cache, its API, and invalidation on content changes. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PersonalizedLessonEntity, PersonalizeVariantEntity, ReaderViewEntity, PersonalizeFeedbackEntity]),
    ContentModule,
    OnboardingModule,
    QueueModule.register(PERSONALIZE_QUEUE),
  ],
  controllers: [PersonalizeController, PersonalizeStreamController, PersonalizeFeedbackController, ReaderViewController, RewriteTextController],
  providers: [
    PersonalizeService,
    PersonalizeLookupCache,
    RewriteTextFastPath,
    PersonalizeFastPath,
    PersonalizeWarmupService,
    PersonalizeContentListener,
    PersonalizeStreamService,
    PersonalizeFeedbackService,
    ReaderViewService,
    provideConfigSlice(PersonalizeConfig),
  ],
  exports: [PersonalizeConfig, PersonalizeService, PersonalizeWarmupService],
})
export class PersonalizeModule {}

/** The personalize queue's handler, for the worker process. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PersonalizedLessonEntity, PersonalizeVariantEntity]),
    PersonalizeModule,
    ContentModule,
    OnboardingModule,
  ],
  providers: [PersonalizeHandler],
  exports: [PersonalizeHandler],
})
export class PersonalizeJobsModule {}
