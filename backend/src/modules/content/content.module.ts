import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IMAGE_ORIGINS, provideConfigSlice, QueueModule, type ImageOriginsSource } from '@lectern/infra';
import { CONTENT_QUEUE } from './content.jobs';
import { ContentAdminController } from './content-admin.controller';
import { ContentChanges } from './content-changes';
import { MachineReadableController } from './machine-readable.controller';
import { ContentController } from './content.controller';
import { ContentService } from './content.service';
import { ContentAssetEntity } from './entities/asset.entity';
import { BookEntity } from './entities/book.entity';
import { ChapterEntity } from './entities/chapter.entity';
import { LessonEntity } from './entities/lesson.entity';
import { LessonImageOriginEntity } from './entities/lesson-image-origin.entity';
import { ImageOriginsService } from './image-origins';
import { PartEntity } from './entities/part.entity';
import { ContentSyncHandler } from './sync/content-sync.handler';
import { ContentSyncService } from './sync/content-sync.service';
import { ContentConfig } from './content.config';
import { ContentFastPath } from './content-fast-path';

const entities = TypeOrmModule.forFeature([BookEntity, PartEntity, ChapterEntity, LessonEntity, ContentAssetEntity, LessonImageOriginEntity]);

/** The book: structure in PostgreSQL, text in the content store; read API and sync. */
@Module({
  imports: [entities, QueueModule.register(CONTENT_QUEUE)],
  controllers: [ContentController, ContentAdminController, MachineReadableController],
  providers: [
    ContentService,
    ContentFastPath,
    ContentSyncService,
    ImageOriginsService,
    ContentChanges,
    provideConfigSlice(ContentConfig),
    // The page's image policy (infra/http) asks through this port, never the table.
    { provide: IMAGE_ORIGINS, inject: [ImageOriginsService], useFactory: (origins: ImageOriginsService): ImageOriginsSource => () => origins.all() },
  ],
  exports: [ContentConfig, ContentService, ContentSyncService, ImageOriginsService, IMAGE_ORIGINS],
})
export class ContentModule {}

/** The content queue's handler, for the worker process. */
@Module({
  imports: [ContentModule],
  providers: [ContentSyncHandler],
  exports: [ContentSyncHandler],
})
export class ContentJobsModule {}
