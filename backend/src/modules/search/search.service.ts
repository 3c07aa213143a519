import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SEARCH_LIMIT_DEFAULT, type SearchMode, type SearchRequest, type SearchResponse, type SearchResult } from '@lectern/api-types';
import { LlmBudgetRefusedError, LlmService } from '@lectern/infra';
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { spaceTag, type EmbeddingSpace } from './embedding-space';
import { EmbeddingBackfillService } from './indexing/embedding-backfill.service';
import { QueryVectorCache } from './query-vector-cache';
import {
  candidatesFor,
  fallbackQuery,
  HNSW_EF_SEARCH,
  hnswSessionSql,
  hnswSettingsSql,
  MARK_END,
  MARK_START,
  searchSql,
  vectorLiteral,
} from './search.sql';
import { SearchConfig } from './search.config';

/** How long the choice of embedding space is reused: long once the current model covers every chunk, short while vectors are being written. */
const SERVING_TTL_STEADY_MS = 30_000;
const SERVING_TTL_CHANGING_MS = 2_000;
/** Query vectors (as pgvector literals, about 30 KB each) kept in memory in front of the Redis cache (never more than Redis keeps). */
const LOCAL_VECTORS_MAX = 256;
const HYBRID_SQL = searchSql(true);
const FULLTEXT_SQL = searchSql(false);

interface ResultRow {
  lessonSlug: string;
  lessonTitle: string;
  heading: string;
  anchor: string;
  score: number;
  snippet: string;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches (PostgreSQL rejects NUL in text)
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Control characters and runs of white space → one space, trimmed: the form that is searched, cached and embedded. */
export function normalizeQuery(query: string): string {
  return query.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

/** A query with no letter or digit (only punctuation, symbols, emoji) has nothing to search for. */
export function hasSearchableText(query: string): boolean {
  return /[\p{L}\p{N}]/u.test(query);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** ts_headline output → safe HTML: everything escaped, then the match sentinels turned into <mark> tags. */
export function renderSnippet(headline: string): string {
  return headline
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_END, '</mark>');
}

/**
 * Answers searches. Full-text always works (PostgreSQL alone). When an
 * embedding provider is configured and vectors exist, the query is embedded
 * (cached in Redis) and one SQL statement fuses the full-text and the vector
 * top-k by reciprocal-rank fusion; any failure on that path (Redis, the
 * provider, its timeout, the budget) answers with full-text and says so in `mode`.
 */
@Injectable()
export class SearchService {
  private readonly logger = new Logger(SearchService.name);
  private serving: { space: EmbeddingSpace | null; until: number } | undefined;
  private readonly lastWarning = new Map<string, number>();
  /** Query vectors by cache key, most recently used last. */
  private readonly localVectors = new Map<string, { literal: string; space: EmbeddingSpace }>();
  /** Pooled connections that already carry hnswSessionSql(). */
  private readonly tuned = new WeakSet<PoolClient>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly index: EmbeddingBackfillService,
    private readonly llm: LlmService,
    private readonly config: SearchConfig,
    private readonly cache: QueryVectorCache,
  ) {}

  /**
   * `mode` forces full-text (anonymous requests, and the evaluation compares
   * both); hybrid is used whenever it is available otherwise.
   */
  async search(request: SearchRequest, options: { mode?: SearchMode } = {}): Promise<SearchResponse> {
    const query = normalizeQuery(request.query);
    if (!hasSearchableText(query)) return { mode: 'fulltext', results: [] };
    const limit = request.limit ?? SEARCH_LIMIT_DEFAULT;
    const candidates = candidatesFor(limit);
    const params = [query, request.layer ?? null, request.partSlug ?? null, candidates, fallbackQuery(query), limit];

    if (options.mode !== 'fulltext') {
      const vector = await this.queryVector(query);
      if (vector) {
        try {
          const rows = await this.hybrid(params, candidates, vector);
          return { mode: 'hybrid', results: rows.map(toResult) };
        } catch (error) {
          this.warn('hybrid', `Hybrid search failed, answering with full-text: ${String(error)}`);
        }
      }
    }
    const rows: ResultRow[] = await this.dataSource.query(FULLTEXT_SQL, params);
    return { mode: 'fulltext', results: rows.map(toResult) };
  }

  /**
   * The hybrid statement. Usually one round trip on a pooled connection that
   * already has the HNSW settings; more candidates than HNSW_EF_SEARCH (a
   * limit above 25) need a larger walk, set for that statement alone.
   */
  private async hybrid(params: unknown[], candidates: number, vector: { literal: string; space: EmbeddingSpace }): Promise<ResultRow[]> {
    const values = [...params, vector.literal, vector.space.model, vector.space.dimensions];
    if (candidates > HNSW_EF_SEARCH) return this.hybridWide(values, candidates);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      if (!this.tuned.has(client)) {
        await client.query(hnswSessionSql());
        this.tuned.add(client);
      }
      return (await client.query<ResultRow>(HYBRID_SQL, values)).rows;
    } catch (error) {
      // Not knowing what state the connection is in, it is not reused.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** One statement in a transaction whose first round trip sets a wider HNSW walk (SET LOCAL) for it. */
  private async hybridWide(values: unknown[], candidates: number): Promise<ResultRow[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`BEGIN; ${hnswSettingsSql(candidates)}`);
      const rows: ResultRow[] = await runner.query(HYBRID_SQL, values);
      await runner.query('COMMIT');
      return rows;
    } catch (error) {
      // Never hand a connection back to the pool inside a transaction.
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The query's vector in the space being served, or null when there is none to be had right now. */
  private async queryVector(query: string): Promise<{ literal: string; space: EmbeddingSpace } | null> {
    if (!this.llm.configured) return null;
    const space = await this.servingSpace().catch((error: unknown) => {
      this.warn('coverage', `Could not read embedding coverage: ${String(error)}`);
      return null;
    });
    if (!space) return null;
    const key = this.cache.key(spaceTag(space), createHash('sha256').update(query).digest('hex'));
    const local = this.localVectors.get(key);
    if (local) {
      this.localVectors.delete(key);
      this.localVectors.set(key, local);
      return local;
    }
    let cached: Buffer | null;
    try {
      cached = await this.cache.get(key);
    } catch (error) {
      this.warn('redis', `Redis unavailable, searching full-text only: ${String(error)}`);
      return null;
    }
    if (cached && cached.length === space.dimensions * 4) {
      const floats = new Float32Array(cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.length));
      return this.remember(key, { literal: vectorLiteral(Array.from(floats)), space });
    }
    let vector: number[];
    try {
      // Paid from the search budget, and only with a provider slot free right now (never waiting for one).
      [vector] = (
        await this.llm.embed([query], {
          purpose: 'search-query',
          feature: 'search',
          maxWaitForSlotMs: 0,
          model: space.model,
          dimensions: space.dimensions,
          timeoutMs: this.config.SEARCH_QUERY_EMBED_TIMEOUT_MS,
          maxRetries: 0,
        })
      ).vectors;
    } catch (error) {
      if (error instanceof LlmBudgetRefusedError) {
        this.warn('budget', "Today's search embedding budget is used up: new search queries are answered with full-text only");
      } else {
        this.warn('embed', `Could not embed a search query, answering with full-text: ${String(error)}`);
      }
      return null;
    }
    const floats = Float32Array.from(vector);
    await this.cache.put(key, Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength)).catch(() => undefined);
    return this.remember(key, { literal: vectorLiteral(vector), space });
  }

  private remember(key: string, vector: { literal: string; space: EmbeddingSpace }): { literal: string; space: EmbeddingSpace } {
    const max = Math.min(LOCAL_VECTORS_MAX, this.config.SEARCH_QUERY_CACHE_MAX_ENTRIES);
    if (max === 0) return vector;
    this.localVectors.set(key, vector);
    if (this.localVectors.size > max) {
      const oldest = this.localVectors.keys().next().value;
      if (oldest !== undefined) this.localVectors.delete(oldest);
    }
    return vector;
  }

  /**
   * The embedding space searches use: the configured model's, unless another
   * model covers more of the current chunks (while a new model is being
   * rolled out, the previous one keeps serving until the new one catches up).
   * Null when no chunk has a vector.
   */
  private async servingSpace(): Promise<EmbeddingSpace | null> {
    const now = Date.now();
    if (this.serving && this.serving.until > now) return this.serving.space;
    const { chunks, spaces } = await this.index.coverage();
    const current = spaces.find((s) => this.index.isCurrent(s));
    const best = spaces[0];
    const chosen = current && current.covered >= (best?.covered ?? 0) ? current : best;
    const space = chosen ? { model: chosen.model, dimensions: chosen.dimensions } : null;
    const steady = chosen !== undefined && chosen === current && current.covered === chunks;
    this.serving = { space, until: now + (steady ? SERVING_TTL_STEADY_MS : SERVING_TTL_CHANGING_MS) };
    return space;
  }

  /** Logs a degradation at most once a minute per kind (a provider outage must not flood the log). */
  private warn(kind: string, message: string): void {
    const now = Date.now();
    if ((this.lastWarning.get(kind) ?? 0) > now - 60_000) return;
    this.lastWarning.set(kind, now);
    this.logger.warn(message);
  }
}

function toResult(row: ResultRow): SearchResult {
  return {
    lessonSlug: row.lessonSlug,
    lessonTitle: row.lessonTitle,
    heading: row.heading,
    anchor: row.anchor,
    snippet: renderSnippet(row.snippet),
    score: Math.round(Number(row.score) * 1e6) / 1e6,
  };
}
