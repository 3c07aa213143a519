import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentModule } from '@lectern/content';
import { provideConfigSlice, QueueModule } from '@lectern/infra';
import { INDEX_QUEUE } from './search.jobs';
import { ChunkEmbeddingEntity } from './entities/chunk-embedding.entity';
import { LessonChunkEntity } from './entities/lesson-chunk.entity';
import { ChunkIndexService } from './indexing/chunk-index.service';
import { EmbeddingBackfillService } from './indexing/embedding-backfill.service';
import { VectorPruningService } from './indexing/vector-pruning.service';
import { QueryVectorCache } from './query-vector-cache';
import { SearchIndexHandler } from './search-index.handler';
import { SearchController } from './search.controller';
import { SearchContentListener } from './search.listener';
import { SearchService } from './search.service';
import { SearchConfig } from './search.config';

const entities = TypeOrmModule.forFeature([LessonChunkEntity, ChunkEmbeddingEntity]);

/**
 * Search over the book: the index in its three jobs (chunks kept in step with
 * content syncs, the embedding backfill, pruning of unused vectors), full-text
 * and hybrid queries, the API.
 */
@Module({
  imports: [entities, ContentModule, QueueModule.register(INDEX_QUEUE)],
  controllers: [SearchController],
  providers: [
    SearchService,
    ChunkIndexService,
    EmbeddingBackfillService,
    VectorPruningService,
    SearchContentListener,
    QueryVectorCache,
    provideConfigSlice(SearchConfig),
  ],
  exports: [SearchConfig, SearchService, ChunkIndexService, EmbeddingBackfillService, VectorPruningService, QueryVectorCache],
})
export class SearchModule {}

/** The index queue's handler, for the worker process (which also runs content syncs, so it listens too). */
@Module({
  imports: [SearchModule],
  providers: [SearchIndexHandler],
  exports: [SearchIndexHandler],
})
export class SearchJobsModule {}
