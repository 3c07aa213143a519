import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentModule } from '@lectern/content';
import { UsersModule } from '@lectern/users';
import { LessonProgressEntity } from './entities/lesson-progress.entity';
import { HeartbeatBuffer } from './heartbeat-buffer';
import { ProgressController } from './progress.controller';
import { ProgressUserData } from './progress-user-data';
import { ProgressService } from './progress.service';

/**
 * Reading progress per learner and lesson. A lesson removed by a content sync
 * takes its progress rows along (foreign key ON DELETE CASCADE), so no event
 * listener is needed and summaries never count orphans. ProgressUserData
 * registers progress for account export, merge and deletion.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LessonProgressEntity]), ContentModule, UsersModule],
  controllers: [ProgressController],
  providers: [ProgressService, ProgressUserData, HeartbeatBuffer],
  exports: [ProgressService, HeartbeatBuffer],
})
export class ProgressModule {}
