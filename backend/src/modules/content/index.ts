export { ContentModule, ContentJobsModule } from './content.module';
export { ContentService, BookNotImportedError, type BookSnapshot, type LessonText } from './content.service';
export { ContentSyncService, type SyncProgress } from './sync/content-sync.service';
export { ContentSyncHandler } from './sync/content-sync.handler';
export { CONTENT_QUEUE, type ContentSyncPayload } from './content.jobs';
export type { SyncSummary } from './sync/sync-plan';
export * from './content.events';
export { ImageOriginsService, imageOrigins } from './image-origins';
export { ContentConfig } from './content.config';
// The importer is its own library (@lectern/importer); these stay for the callers that read books through content.
export { BookSourceError, readBook, validateBook } from '@lectern/importer';
