/**
 * The fake OpenAI server's public types and defaults: behaviours (fault
 * modes), options, the request log and the handle tests get.
 *
 * Node built-ins only and erasable TypeScript (see fake-openai-server.ts), so
 * `main.ts` and the browser tests run it under Node's type stripping; imports
 * between these files name the `.ts` file for that reason.
 */

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/** The endpoints whose behaviour can be switched. */
export type FakeEndpoint = 'chat' | 'embeddings';
/** Where `setBehaviour` applies. */
export type FakeBehaviourScope = FakeEndpoint | 'all';
/** HTTP statuses the `status` behaviour can answer with. */
export type FakeErrorStatus = 429 | 500 | 503;

/**
 * How the server answers chat and embedding requests. Every variant accepts
 * `delayMs`, a fixed latency before answering (overrides `options.delayMs`).
 *
 * - `normal`: answer properly.
 * - `status`: the first `times` requests (all of them when `times` is
 *   undefined) fail with `status` and OpenAI's error JSON, with a
 *   `retry-after` header when `retryAfterSeconds` is given; then `normal`.
 *   With scope `'all'`, chat and embeddings share one `times` budget.
 * - `hang`: read the request and never answer, until the client goes away or
 *   the server is closed.
 * - `slow-stream`: streamed chat answers wait `chunkDelayMs` before each
 *   server-sent event after the first (non-streamed and embedding requests
 *   answer normally).
 * - `drop-code-block`: the lesson rewrite omits the first fenced code block.
 * - `hostile`: the lesson rewrite also contains a `<script>`, an `<img
 *   onerror>` and a `javascript:` link; everything else is kept.
 * - `truncate`: the answer is only the first 10 % of the lesson.
 * - `chatty`: the rewrite opens with the line "Here is this lesson, adapted for you.".
 * - `fenced`: the rewrite is wrapped in a ```markdown fence.
 * - `cut-off`: the answer stops after `fraction` of its text with
 *   finish_reason "length"; a continuation request (the answer so far as an
 *   assistant message after the lesson) gets the rest.
 *
 * These only change chat answers that carry a lesson. Independently of the
 * behaviour, a request with `max_tokens` gets at most that many tokens (about
 * four characters each) and finish_reason "length" when cut; a continuation
 * gets the rest of the same rewrite; and a prompt whose profile says
 * `preferredLanguage: ur` gets its prose in Urdu script (code, inline code,
 * numbers with units, link targets and acronyms kept).
 */
export type FakeBehaviour = (
  | { kind: 'normal' }
  | { kind: 'status'; status: FakeErrorStatus; times?: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'slow-stream'; chunkDelayMs: number }
  | { kind: 'drop-code-block' }
  | { kind: 'hostile' }
  | { kind: 'truncate' }
  | { kind: 'chatty' }
  | { kind: 'fenced' }
  | { kind: 'cut-off'; fraction: number }
) & { delayMs?: number };

/** How `fakeRewrite` transforms a lesson. */
export type FakeRewriteMode = 'normal' | 'drop-code-block' | 'hostile' | 'truncate' | 'chatty' | 'fenced';

/** A custom chat answer with its finish reason (default 'stop'). */
export interface FakeChatAnswer {
  content: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
}

/** A chat message with its content flattened to text. */
export interface FakeChatMessage {
  role: string;
  content: string;
}

/** What a custom `chatResponder` is given. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  stream: boolean;
  /** The text between the lesson markers of the last user message, or null. */
  lesson: string | null;
  /** The parsed JSON body as sent. */
  body: Record<string, unknown>;
}

export interface FakeOpenAIOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (a free one). */
  port?: number;
  /** When set, any other bearer token is answered with 401 `invalid_api_key`. */
  requireKey?: string;
  /** Model ids listed by `GET /v1/models` (any model is accepted by the other endpoints). */
  models?: readonly string[];
  /** Marker before the lesson in the last user message; default `<<<LESSON`. */
  lessonStartMarker?: string;
  /** Marker after the lesson in the last user message; default `LESSON>>>`. */
  lessonEndMarker?: string;
  /** Latency before every chat and embedding answer, unless the behaviour sets its own. */
  delayMs?: number;
  /** Initial behaviour of both endpoints (and the one `reset()` restores); default `normal`. */
  behaviour?: FakeBehaviour;
  /** Custom chat answers: return a string (or an answer with its finish reason) to answer with it, undefined for the default. */
  chatResponder?: (request: FakeChatRequest) => string | FakeChatAnswer | undefined;
  /** Called with each request's log entry once its answer has started (or it was dropped). */
  onRequest?: (entry: FakeRequestLogEntry) => void;
}

/** One received request. */
export interface FakeRequestLogEntry {
  endpoint: FakeEndpoint | 'models' | 'unknown';
  method: string;
  path: string;
  /** The `model` of the body, when there is one. */
  model: string | null;
  stream: boolean;
  /** A one-line description of the body. */
  summary: string;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  body: unknown;
  /** When the request arrived (ms since the epoch). */
  timestamp: number;
  /** The HTTP status answered; null while pending, or when never answered (hang, client gone). */
  status: number | null;
}

/**
 * Counters of received requests, whatever their answer (errors included):
 * `chat` counts every chat completion request, `chatStreamed` those with
 * `stream: true`, `embeddingInputs` the texts of all embedding requests.
 */
export interface FakeOpenAICalls {
  chat: number;
  chatStreamed: number;
  embeddings: number;
  embeddingInputs: number;
  models: number;
  /** Requests answered with a non-2xx status. */
  errors: number;
  /** Requests being handled right now. */
  inFlight: number;
  /** The highest `inFlight` seen since start or `reset()`. */
  peakConcurrent: number;
  log: FakeRequestLogEntry[];
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for `OPENAI_BASE_URL` / the SDK's `baseURL`. */
  readonly url: string;
  readonly port: number;
  /** A key the server accepts: `requireKey`, or a placeholder. */
  readonly apiKey: string;
  /** Live counters (mutated in place, also by `reset()`). */
  readonly calls: FakeOpenAICalls;
  /** Switches the behaviour of one endpoint or both (default `'all'`). */
  setBehaviour(behaviour: FakeBehaviour, scope?: FakeBehaviourScope): void;
  /** The behaviour an endpoint currently has (a `status` with `times` turns `normal` once used up). */
  behaviour(endpoint: FakeEndpoint): FakeBehaviour;
  /** Zeroes the counters, empties the log, restores the initial behaviour. */
  reset(): void;
  /** Stops listening and drops every pending request (hung ones included). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------

export const FAKE_OPENAI_DEFAULT_MODELS: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'text-embedding-3-large'];
export const DEFAULT_LESSON_START_MARKER = '<<<LESSON';
export const DEFAULT_LESSON_END_MARKER = 'LESSON>>>';
/** The key `apiKey` reports when no `requireKey` is set (any bearer token is accepted then). */
export const FAKE_OPENAI_PLACEHOLDER_KEY = 'sk-fake-openai';

export const NATIVE_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
export const DEFAULT_DIMENSIONS = 1536;
export const MAX_DIMENSIONS = 65_536;
export const MAX_EMBEDDING_INPUTS = 2048;
export const BODY_LIMIT_BYTES = 32 * 1024 * 1024;
export const SYSTEM_FINGERPRINT = 'fp_fake_openai';
export const WORDS_PER_STREAM_CHUNK = 4;
