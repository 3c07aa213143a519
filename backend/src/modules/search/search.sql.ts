/**
 * The SQL of search, in one place: SearchService and the index services run
 * it, and the benchmark (bench/search.bench.mjs) imports this very file by
 * path under Node's type stripping, so what is measured is what is served.
 * Hence: no imports and erasable TypeScript only (no enums, namespaces or
 * parameter properties).
 *
 * Full-text: `lesson_chunks.tsv` holds setweight(title, A) ||
 * setweight(heading path, B) || setweight(text, C) with the `english`
 * configuration, computed in CHUNK_INSERT_SQL (not a GENERATED column: TypeORM
 * keeps generation expressions in a `typeorm_metadata` table the schema does
 * not have), GIN-indexed. Vectors: `chunk_embeddings.embedding vector(1536)`
 * with an HNSW index (cosine), keyed by (chunk_hash, model, dimensions).
 */

/** Size of the pgvector column (fixed in the migration). Smaller vectors are zero-padded. */
export const VECTOR_COLUMN_DIMENSIONS = 1536;

/** The k of reciprocal-rank fusion: score = Σ 1 / (k + rank). */
export const RRF_K = 60;

/** A lesson appears at most this many times in one response. */
export const RESULTS_PER_LESSON = 2;

/** Text-search configuration of the tsvector and of every query. */
export const TS_CONFIG = 'english';

/** Private-use characters ts_headline wraps matches in; the service escapes the snippet, then turns them into <mark> tags. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxFragments=2, MaxWords=30, MinWords=10, FragmentDelimiter=" … "`;

/**
 * Inserts a lesson's chunks: $1 is a JSON array of rows
 * ({ lesson_slug, position, heading_path, heading, anchor, text, chunk_hash,
 * token_count, lesson_title, layer, part_slug }); the tsvector is computed here.
 */
export const CHUNK_INSERT_SQL = `
INSERT INTO lesson_chunks (lesson_slug, position, heading_path, heading, anchor, "text", chunk_hash, token_count, lesson_title, layer, part_slug, tsv)
SELECT x.lesson_slug, x.position, x.heading_path, x.heading, x.anchor, x."text", x.chunk_hash, x.token_count, x.lesson_title, x.layer, x.part_slug,
       setweight(to_tsvector('${TS_CONFIG}', x.lesson_title), 'A')
    || setweight(to_tsvector('${TS_CONFIG}', array_to_string(x.heading_path, ' ')), 'B')
    || setweight(to_tsvector('${TS_CONFIG}', x."text"), 'C')
FROM jsonb_to_recordset($1::jsonb) AS x(
  lesson_slug text, position int, heading_path text[], heading text, anchor text, "text" text,
  chunk_hash text, token_count int, lesson_title text, layer text, part_slug text
)`;

/**
 * Parameters of searchSql: $1 query text (websearch syntax), $2 layer or
 * null, $3 part slug or null, $4 candidates taken from each side, $5 the
 * query again for the any-word fallback, or null to keep to the query's own
 * operators (see fallbackQuery), $6 results wanted; hybrid only: $7 query
 * vector ('[…]' literal, padded), $8 model, $9 dimensions.
 */
const QUERY = `websearch_to_tsquery('${TS_CONFIG}', $1)`;
const FILTERS = '($2::varchar IS NULL OR c.layer = $2) AND ($3::varchar IS NULL OR c.part_slug = $3)';

/**
 * The query's words for the fallback: each as a tsquery, and all of them
 * OR-ed. plainto_tsquery only ever joins its terms with ' & ' (a compound
 * word is one '<->' phrase term), so splitting its text there is exact.
 */
const QUERY_WORDS = `
  SELECT array_agg(t::tsquery) AS terms, string_agg(t, ' | ')::tsquery AS any_word
  FROM (SELECT DISTINCT t FROM regexp_split_to_table(plainto_tsquery('${TS_CONFIG}', $5)::text, ' & ') AS t WHERE t <> '') w`;

/** The chunks matching the whole query, by cover density (title > heading > body); the fallback runs only when these are too few. */
const FULLTEXT_ALL_WORDS = `
  SELECT c.id, 0 AS tier, ts_rank_cd(c.tsv, ${QUERY})::float8 AS score
  FROM lesson_chunks c
  WHERE c.tsv @@ ${QUERY} AND ${FILTERS}
  ORDER BY score DESC, c.id
  LIMIT $4`;

/**
 * Top-k chunks by full-text: first those matching the whole query, then,
 * only when those are fewer than k, those matching some of its words: most
 * words matched first, then their weight (ts_rank, bounded below 1). A
 * learner's question rarely shares every word with the passage that answers it.
 */
const FULLTEXT_CANDIDATES = `
  SELECT id, rank, tier FROM (
    SELECT id, tier, row_number() OVER (ORDER BY tier, score DESC, id) AS rank FROM (
      SELECT * FROM fts_all
      UNION ALL
      (SELECT c.id, 1 AS tier,
              (SELECT count(*) FROM unnest(w.terms) AS q WHERE c.tsv @@ q) + ts_rank(c.tsv, w.any_word) / (1 + ts_rank(c.tsv, w.any_word)) AS score
       FROM lesson_chunks c CROSS JOIN words w
       WHERE (SELECT count(*) FROM fts_all) < $4
         AND c.tsv @@ (SELECT any_word FROM words) AND NOT c.tsv @@ ${QUERY} AND ${FILTERS}
       ORDER BY score DESC, c.id
       LIMIT $4)
    ) f
  ) ranked
  WHERE rank <= $4`;

/** The CTEs the full-text candidates need, ahead of `fts`. */
const FULLTEXT_PRELUDE = `words AS MATERIALIZED (${QUERY_WORDS}
),
fts_all AS MATERIALIZED (${FULLTEXT_ALL_WORDS}
)`;

/** The full-text candidates on their own (parameters $1–$5 of searchSql; columns id, rank, tier: 0 = matches every word), for tests and the benchmark. */
export function fulltextCandidatesSql(): string {
  return `WITH ${FULLTEXT_PRELUDE}\n${FULLTEXT_CANDIDATES}`;
}

/**
 * The relevance floor of the semantic side: a chunk whose cosine similarity to
 * the query is below it is no candidate at all. Vector search always has
 * nearest neighbours, related or not; without a floor a query the book does
 * not cover (a typo, another subject) is answered with ten unrelated
 * sections. Unrelated texts score about 0–0.15 (OpenAI's text-embedding-3
 * models and the repository's fake embedder alike), a passage about the
 * query's subject 0.25 and up. Full-text candidates need no floor: they share
 * the query's words.
 */
export const VECTOR_MIN_SIMILARITY = 0.2;

/**
 * Top-k chunks by cosine distance to the query vector, for one model, filtered.
 * ORDER BY the distance operator on the indexed column lets the planner walk
 * the HNSW index; with hnsw.iterative_scan (see hnswSettingsSql) the walk
 * continues past ef_search when filters reject candidates. With `minSimilarity`,
 * the candidates below it are dropped after the walk (the nearest come first,
 * so the ranks of those kept do not change).
 */
export function vectorCandidatesSql(
  vector: string,
  model: string,
  dimensions: string,
  limit: string,
  filters = FILTERS,
  minSimilarity: number | null = null,
): string {
  const floor = minSimilarity === null ? '' : `\n  WHERE v.distance <= ${1 - minSimilarity}`;
  return `
  SELECT id, row_number() OVER (ORDER BY distance, id) AS rank FROM (
    SELECT c.id, e.embedding <=> ${vector}::vector AS distance
    FROM chunk_embeddings e
    JOIN lesson_chunks c ON c.chunk_hash = e.chunk_hash
    WHERE e.model = ${model} AND e.dimensions = ${dimensions} AND ${filters}
    ORDER BY e.embedding <=> ${vector}::vector
    LIMIT ${limit}
  ) v${floor}`;
}

/**
 * One statement: candidates from full-text (and vectors), fused by
 * reciprocal-rank fusion, at most RESULTS_PER_LESSON per lesson, the best $6,
 * with a ts_headline snippet computed for those only. On a tie, a chunk that
 * matches every query word in full-text (`exact`) goes first: a rare exact
 * term finds its section whether or not its embedding exists yet (a new
 * section is in the full-text list at once, in the vector list only once the
 * `index` queue has embedded it).
 */
export function searchSql(hybrid: boolean): string {
  const lexical = 'SELECT id, rank, tier = 0 AS exact FROM fts';
  const ranked = hybrid ? `${lexical} UNION ALL SELECT id, rank, false AS exact FROM vec` : lexical;
  return `
WITH ${FULLTEXT_PRELUDE},
fts AS (${FULLTEXT_CANDIDATES}
)${hybrid ? `,\nvec AS (${vectorCandidatesSql('$7', '$8', '$9', '$4', FILTERS, VECTOR_MIN_SIMILARITY)}\n)` : ''},
fused AS (
  SELECT id, sum(1.0 / (${RRF_K} + rank)) AS score, bool_or(exact) AS exact FROM (${ranked}) r GROUP BY id
),
capped AS (
  SELECT c.id, c.lesson_slug, c.lesson_title, c.heading, c.anchor, c.position, f.score, f.exact,
         row_number() OVER (PARTITION BY c.lesson_slug ORDER BY f.score DESC, f.exact DESC, c.position) AS nth
  FROM fused f JOIN lesson_chunks c ON c.id = f.id
),
best AS (
  SELECT * FROM capped WHERE nth <= ${RESULTS_PER_LESSON} ORDER BY score DESC, exact DESC, lesson_slug, position LIMIT $6
)
SELECT b.lesson_slug AS "lessonSlug", b.lesson_title AS "lessonTitle", b.heading, b.anchor, b.score::float8 AS score,
       ts_headline('${TS_CONFIG}', c."text", coalesce((SELECT any_word FROM words), ${QUERY}), '${HEADLINE_OPTIONS}') AS snippet
FROM best b JOIN lesson_chunks c ON c.id = b.id
ORDER BY b.score DESC, b.exact DESC, b.lesson_slug, b.position`;
}

/**
 * Candidates an HNSW walk keeps (pgvector's default is 40). Measured with
 * npm run bench -- search (50,000 clustered 1536-d vectors): recall@10
 * against an exact scan 0.92 at 40, 0.96 at 100, for 0.3 ms more at p50.
 */
export const HNSW_EF_SEARCH = 100;

/**
 * Session settings for a statement that walks the HNSW index, for `SET LOCAL`
 * inside its transaction: ef_search at least the candidates wanted (pgvector
 * returns at most ef_search rows from one walk otherwise), and iterative
 * scans so filters (model, layer, part) cannot starve the result.
 */
export function hnswSettingsSql(candidates: number): string {
  const efSearch = Math.min(1000, Math.max(HNSW_EF_SEARCH, Math.ceil(candidates)));
  return `SET LOCAL hnsw.ef_search = ${efSearch}; SET LOCAL hnsw.iterative_scan = relaxed_order`;
}

/**
 * The same settings for a whole pooled connection (`SET`, not `SET LOCAL`),
 * made once per connection: a search whose candidates fit HNSW_EF_SEARCH then
 * runs as one statement, with no transaction around it. Only searches walk
 * the HNSW index, so no other statement is affected.
 */
export function hnswSessionSql(): string {
  return `SET hnsw.ef_search = ${HNSW_EF_SEARCH}; SET hnsw.iterative_scan = relaxed_order`;
}

/** A vector as pgvector's text literal, zero-padded to the column size (padding leaves cosine distance unchanged). */
export function vectorLiteral(vector: readonly number[]): string {
  if (vector.length > VECTOR_COLUMN_DIMENSIONS) {
    throw new Error(`A ${vector.length}-dimensional vector does not fit the vector(${VECTOR_COLUMN_DIMENSIONS}) column`);
  }
  const padded =
    vector.length === VECTOR_COLUMN_DIMENSIONS
      ? vector
      : [...vector, ...new Array<number>(VECTOR_COLUMN_DIMENSIONS - vector.length).fill(0)];
  return `[${padded.join(',')}]`;
}

/**
 * The text for the any-word fallback ($5), or null when the query uses
 * web-search operators ("phrases", -exclusions, or): those ask for exactly
 * what they say.
 */
export function fallbackQuery(query: string): string | null {
  return /"|(?:^|\s)-\S|(?:^|\s)or(?:\s|$)/i.test(query) ? null : query;
}

/** How many candidates each side contributes for a response of `limit` results (more than needed: results are capped per lesson). */
export function candidatesFor(limit: number): number {
  return Math.min(200, Math.max(40, limit * 4));
}
