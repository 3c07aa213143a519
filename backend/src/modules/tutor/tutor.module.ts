import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { provideConfigSlice, QueueModule } from '@lectern/infra';
import { ContentModule } from '@lectern/content';
import { OnboardingModule } from '@lectern/onboarding';
import { SearchModule } from '@lectern/search';
import { UsersModule } from '@lectern/users';
import { TutorMessageEntity } from './entities/tutor-message.entity';
import { TutorThreadEntity } from './entities/tutor-thread.entity';
import { TutorAnswerer } from './tutor-answerer.service';
import { TutorController } from './tutor.controller';
import { TutorHandler } from './tutor.handler';
import { TutorRetrievalService } from './tutor-retrieval.service';
import { TutorService } from './tutor.service';
import { TutorUserData } from './tutor-user-data';
import { TUTOR_QUEUE } from './tutor.jobs';
import { TutorConfig } from './tutor.config';

const entities = TypeOrmModule.forFeature([TutorThreadEntity, TutorMessageEntity]);

/** "Ask the book": threads, the API and its stream relay, retrieval and the answer writer. */
@Module({
  imports: [entities, ContentModule, OnboardingModule, SearchModule, UsersModule, QueueModule.register(TUTOR_QUEUE)],
  controllers: [TutorController],
  providers: [TutorService, TutorRetrievalService, TutorAnswerer, TutorUserData, provideConfigSlice(TutorConfig)],
  exports: [TutorConfig, TutorService, TutorRetrievalService, TutorAnswerer],
})
export class TutorModule {}

/** The tutor queue's handler, for the worker process. */
@Module({
  imports: [entities, TutorModule, OnboardingModule, ContentModule],
  providers: [TutorHandler],
  exports: [TutorHandler],
})
export class TutorJobsModule {}
