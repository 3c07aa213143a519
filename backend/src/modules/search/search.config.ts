import { toInt } from '@lectern/infra';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Search's settings, read and validated at start-up with the rest (see
 * `loadConfig`). The embedding model and its dimensions are the LLM
 * provider's (AppConfig: OPENAI_EMBEDDING_MODEL, EMBEDDING_DIMENSIONS).
 */
export class SearchConfig {
  /** One embedding request carries at most this many (estimated) tokens… */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(300_000)
  EMBEDDING_BATCH_TOKENS = 8_000;

  /** …and at most this many texts (OpenAI accepts up to 2,048). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(2_048)
  EMBEDDING_BATCH_INPUTS = 256;

  /** How long a search waits for its query's embedding before answering with full-text only, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  SEARCH_QUERY_EMBED_TIMEOUT_MS = 3_000;

  /** Searches one client address may make per minute (429 beyond; Redis-backed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SEARCH_PER_IP_PER_MINUTE = 60;

  /** Searches one learner may make per minute (429 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SEARCH_PER_LEARNER_PER_MINUTE = 30;

  /** Query vectors kept in Redis (least recently added dropped first): bounds their memory (about 6 KB each at 1536 dimensions). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  SEARCH_QUERY_CACHE_MAX_ENTRIES = 2_000;
}
