import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentModule } from '@lectern/content';
import { LessonProgressEntity } from './entities/lesson-progress.entity';
import { ProgressController } from './progress.controller';
import { ProgressService } from './progress.service';

/**
 * Reading progress per learner and lesson. A lesson removed by a content sync
 * takes its progress rows along (foreign key ON DELETE CASCADE), so no event
 * listener is needed and summaries never count orphans.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LessonProgressEntity]), ContentModule],
  controllers: [ProgressController],
  providers: [ProgressService],
  exports: [ProgressService],
})
export class ProgressModule {}
