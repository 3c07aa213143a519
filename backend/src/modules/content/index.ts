export { ContentModule, ContentJobsModule } from './content.module';
export { ContentService, BookNotImportedError, type BookSnapshot } from './content.service';
export { ContentSyncService, type SyncProgress } from './sync/content-sync.service';
export { ContentSyncHandler } from './sync/content-sync.handler';
export type { SyncSummary } from './sync/sync-plan';
export * from './content.events';
export { LessonEntity } from './entities/lesson.entity';
export { ImageOriginsService, imageOrigins } from './image-origins';
export { BookSourceError } from './source/book-source.types';
export { readBook } from './source/read-book';
export { validateBook } from './source/validate-book';
// Markdown helpers search needs to cut lessons at the same headings, with the same anchor ids, as the renderer.
export { extractHeadings, fencedLineMask, headingPlainText, normalizeNewlines, type MarkdownHeading } from './source/markdown';
