export { SearchModule, SearchJobsModule } from './search.module';
export { SearchService } from './search.service';
export { ChunkIndexService, type IndexLessonResult } from './indexing/chunk-index.service';
export { EmbeddingBackfillService, type Coverage, type EmbedProgress } from './indexing/embedding-backfill.service';
export { VectorPruningService } from './indexing/vector-pruning.service';
export { SearchIndexHandler } from './search-index.handler';
export { runSearchCommand, SEARCH_USAGE } from './search.cli';
export { chunkLesson, type LessonChunk } from './chunker/chunker';
