/** How a search was answered: full-text only, or full-text fused with vector similarity. */
export type SearchMode = 'hybrid' | 'fulltext';

/** The book's layers a search can be limited to. */
export const SEARCH_LAYERS = ['L1', 'L2', 'L3', 'L4', 'L5'] as const;
export type SearchLayer = (typeof SEARCH_LAYERS)[number];

/** Query length limit, in characters (after trimming). */
export const SEARCH_QUERY_MAX_LENGTH = 500;
export const SEARCH_LIMIT_MAX = 50;
export const SEARCH_LIMIT_DEFAULT = 10;

/** POST /api/search */
export interface SearchRequest {
  /** 1–500 characters after trimming. */
  query: string;
  /** 1–50, default 10. */
  limit?: number;
  layer?: SearchLayer;
  partSlug?: string;
}

/** One matching passage of a lesson; a lesson appears at most twice in one response. */
export interface SearchResult {
  lessonSlug: string;
  lessonTitle: string;
  /** The nearest heading above the passage ('' for the lesson's introduction). */
  heading: string;
  /** The heading's anchor id as rendered (`/lessons/<slug>#<anchor>`), '' for the introduction. */
  anchor: string;
  /** Plain text around the matches, HTML-escaped, with matches wrapped in `<mark>…</mark>`: safe to insert as HTML. */
  snippet: string;
  /** Reciprocal-rank-fusion score, higher is better; comparable within one response only. */
  score: number;
}

export interface SearchResponse {
  mode: SearchMode;
  results: SearchResult[];
}
