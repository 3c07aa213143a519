export { SearchModule, SearchJobsModule } from './search.module';
export { SearchService } from './search.service';
export { SearchIndexService, type Coverage, type IndexLessonResult } from './search-index.service';
export { SearchIndexHandler } from './search-index.handler';
export { INDEX_QUEUE, type EmbedLessonPayload, type IndexJobPayload } from './search.jobs';
export { searchReindexCommand } from './commands/search-reindex.command';
export { searchEvalCommand } from './commands/search-eval.command';
export { chunkLesson, type LessonChunk } from './chunker/chunker';
export { SearchConfig } from './search.config';
