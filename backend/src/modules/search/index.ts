export { SearchModule, SearchJobsModule } from './search.module';
export { SearchService } from './search.service';
export { SearchIndexService, type Coverage, type IndexLessonResult } from './search-index.service';
export { SearchIndexHandler } from './search-index.handler';
export { INDEX_QUEUE, type EmbedLessonPayload, type IndexJobPayload } from './search.jobs';
export { runSearchCommand, SEARCH_USAGE } from './search.cli';
export { chunkLesson, type LessonChunk } from './chunker/chunker';
export { SearchConfig } from './search.config';
