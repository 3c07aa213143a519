export { ContentModule, ContentJobsModule } from './content.module';
export { ContentService, BookNotImportedError, type BookSnapshot } from './content.service';
export { ContentSyncService, type SyncProgress } from './sync/content-sync.service';
export { ContentSyncHandler } from './sync/content-sync.handler';
export type { SyncSummary } from './sync/sync-plan';
export * from './content.events';
export { LessonEntity } from './entities/lesson.entity';
export { ImageOriginsService, imageOrigins } from './image-origins';
// The importer is its own library (@lectern/importer); these stay for the callers that read books through content.
export { BookSourceError, readBook, validateBook } from '@lectern/importer';
