/**
 * A fake OpenAI-compatible HTTP server for Lectern's tests: chat completions
 * (plain and streamed), embeddings and the model list, in the shapes the
 * official `openai` SDK expects, on loopback, with switches for misbehaviour
 * (errors, hangs, slow streams, unfaithful or hostile rewrites).
 *
 * This file imports nothing but `node:` built-ins and uses erasable
 * TypeScript only (no enums, namespaces or parameter properties), so it also
 * runs as is under `node --experimental-strip-types` (see `main.ts`).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

const NATIVE_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
const DEFAULT_DIMENSIONS = 1536;
const MAX_DIMENSIONS = 65_536;
const MAX_EMBEDDING_INPUTS = 2048;
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;
const SYSTEM_FINGERPRINT = 'fp_fake_openai';
const WORDS_PER_STREAM_CHUNK = 4;

// ---------------------------------------------------------------------------
// Deterministic text helpers (exported so tests can predict answers)
// ---------------------------------------------------------------------------

/** OpenAI-ish token estimate: one token per four characters, rounded up. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The lesson between the markers (the last start marker before the last end marker), or null. */
export function findLesson(
  text: string,
  startMarker: string = DEFAULT_LESSON_START_MARKER,
  endMarker: string = DEFAULT_LESSON_END_MARKER,
): { lesson: string; before: string; after: string } | null {
  const end = text.lastIndexOf(endMarker);
  if (end < 0) return null;
  const start = text.lastIndexOf(startMarker, end - startMarker.length);
  if (start < 0) return null;
  const inner = text.slice(start + startMarker.length, end);
  const lesson = inner.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n[ \t]*$/, '');
  return { lesson, before: text.slice(0, start), after: text.slice(end + endMarker.length) };
}

type LineKind = 'text' | 'heading' | 'code';

interface LineInfo {
  kind: LineKind;
  /** Index of the fenced code block the line belongs to (fence lines included), or -1. */
  fence: number;
}

const FENCE_LINE = /^[ \t]*(?:>[ \t]?)*(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;

/** Classifies Markdown lines: heading lines (ATX, or a setext underline), fenced code, the rest. */
function classifyLines(lines: readonly string[]): LineInfo[] {
  const info: LineInfo[] = [];
  let open: { char: string; length: number } | null = null;
  let fenceCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const fence = FENCE_LINE.exec(line);
    const marker = fence?.[1] ?? '';
    const rest = fence?.[2] ?? '';
    if (open) {
      info.push({ kind: 'code', fence: fenceCount - 1 });
      if (fence && marker[0] === open.char && marker.length >= open.length && rest.trim() === '') open = null;
      continue;
    }
    if (fence && !(marker[0] === '`' && rest.includes('`'))) {
      open = { char: marker[0] ?? '`', length: marker.length };
      info.push({ kind: 'code', fence: fenceCount });
      fenceCount += 1;
      continue;
    }
    const previous = info[i - 1];
    const previousLine = (lines[i - 1] ?? '').trim();
    const setext = SETEXT_UNDERLINE.test(line) && previous?.kind === 'text' && previousLine !== '';
    info.push({ kind: ATX_HEADING.test(line) || setext ? 'heading' : 'text', fence: -1 });
  }
  return info;
}

const ADAPTATION_NOTES: readonly string[] = [
  'This part starts from a concrete, hands-on example before the theory.',
  'Key ideas are summarised first, then explained step by step.',
  'New terms are defined in plain language where they first appear.',
  'Each step is linked back to what you already know.',
  'The explanation focuses on why each step matters in practice.',
  'A short recap closes this part so you can check your understanding.',
];

/** The profile-dependent paragraph inserted after heading number `section` (1-based; 0 = no heading). */
export function adaptationNote(profileTag: string, section: number): string {
  const seed = Number.parseInt(profileTag.slice(0, 6) || '0', 16) || 0;
  const note = ADAPTATION_NOTES[(seed + section) % ADAPTATION_NOTES.length] ?? '';
  return `> *Adapted for you:* ${note} (profile ${profileTag}, part ${section})`;
}

/** What the `hostile` behaviour injects into a rewrite. */
export const HOSTILE_MARKDOWN: readonly string[] = [
  '<script>alert(1)</script>',
  '',
  '<img src=x onerror="alert(1)">',
  '',
  'For more practice, [click](javascript:alert(1)).',
];

/** Short tag of a profile: the first 8 hex digits of its SHA-256. */
export function profileTagOf(profileKey: string): string {
  return sha256Hex(profileKey).slice(0, 8);
}

/**
 * The fake "personalized" lesson: the lesson with an adaptation note after
 * every heading (or one at the top when it has none); headings, fenced code
 * blocks and links are kept byte for byte. Deterministic in its inputs.
 */
export function fakeRewrite(lesson: string, profileKey: string, mode: FakeRewriteMode = 'normal'): string {
  if (mode === 'truncate') return lesson.slice(0, Math.ceil(lesson.length * 0.1));
  if (mode === 'chatty') return `Here is this lesson, adapted for you.\n\n${fakeRewrite(lesson, profileKey)}`;
  if (mode === 'fenced') return `\`\`\`markdown\n${fakeRewrite(lesson, profileKey)}\n\`\`\``;
  if (URDU_PROFILE.test(profileKey)) return fakeUrdu(fakeRewrite(lesson, profileKey.replace(URDU_PROFILE, ''), mode));
  const tag = profileTagOf(profileKey);
  const lines = lesson.split('\n');
  const info = classifyLines(lines);
  const out: string[] = [];
  let section = 0;
  let hostileDone = mode !== 'hostile';
  if (!info.some((line) => line.kind === 'heading')) {
    out.push(adaptationNote(tag, 0), '');
    if (!hostileDone) out.push(...HOSTILE_MARKDOWN, '');
    hostileDone = true;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const kind = info[i]?.kind ?? 'text';
    if (mode === 'drop-code-block' && info[i]?.fence === 0) continue;
    out.push(line);
    if (kind !== 'heading') continue;
    section += 1;
    out.push('', adaptationNote(tag, section));
    if (!hostileDone) {
      out.push('', ...HOSTILE_MARKDOWN);
      hostileDone = true;
    }
    const next = lines[i + 1];
    if (next !== undefined && next.trim() !== '') out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// Urdu: what a compliant model does for `preferredLanguage: ur`
// ---------------------------------------------------------------------------

const URDU_PROFILE = /preferredLanguage:\s*ur\b/;
const URDU_WORDS: readonly string[] = ['روبوٹ', 'سبق', 'حرکت', 'نظام', 'پیمائش', 'دنیا', 'جسم', 'سمت', 'رفتار', 'قوت', 'معلومات', 'طریقہ'];
/** Parts of a prose line an Urdu rewrite keeps as they are. */
const URDU_KEPT =
  /(`[^`]*`|\]\([^)]*\)|<[^>]*>|https?:\/\/\S+|[A-Za-z]+-?\d\w*|\d[\d,.]*(?:\s?[-–]?\s?\d[\d,.]*)*(?:\s?(?:°(?:\/s)?|%|[-\s]?[A-Za-zµ/²·]+))?)/g;

function urduLine(line: string): string {
  return line
    .split(URDU_KEPT)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/[A-Za-z](?:[A-Za-z0-9'’-]*[A-Za-z0-9])?/g, (word) =>
            /^[A-Z0-9]{2,}s?$/.test(word) || /\d/.test(word) ? word : (URDU_WORDS[fnv1a(word.toLowerCase()) % URDU_WORDS.length] ?? word),
          ),
    )
    .join('');
}

/** The prose of a Markdown text in Urdu script: code, admonition markers, table rules and what URDU_KEPT matches stay. */
export function fakeUrdu(markdown: string): string {
  const lines = markdown.split('\n');
  const info = classifyLines(lines);
  return lines.map((line, i) => (info[i]?.kind === 'code' || /^\s*(?::::|\|?\s*:?-{3,})/.test(line) ? line : urduLine(line))).join('\n');
}

/** The default chat answer (before any custom responder). */
export function fakeChatAnswer(
  messages: readonly FakeChatMessage[],
  mode: FakeRewriteMode = 'normal',
  startMarker: string = DEFAULT_LESSON_START_MARKER,
  endMarker: string = DEFAULT_LESSON_END_MARKER,
): string {
  // A continuation: the lesson in an earlier user message, the answer so far after it.
  const lessonAt = messages.findLastIndex((m) => m.role === 'user' && findLesson(m.content, startMarker, endMarker) !== null);
  const soFar = lessonAt >= 0 ? messages.slice(lessonAt + 1).find((m) => m.role === 'assistant') : undefined;
  if (soFar) {
    const full = fakeChatAnswer(messages.slice(0, lessonAt + 1), mode, startMarker, endMarker);
    return full.startsWith(soFar.content) ? full.slice(soFar.content.length) : full.slice(Math.min(soFar.content.length, full.length));
  }
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const found = lastUser ? findLesson(lastUser.content, startMarker, endMarker) : null;
  if (!lastUser || !found) {
    const hash = sha256Hex(JSON.stringify(messages.map((m) => [m.role, m.content]))).slice(0, 12);
    const echo = (lastUser?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
    return `Fake OpenAI answer ${hash}.${echo ? ` You said: "${echo}"` : ''}`;
  }
  // The "profile" is everything in the prompt but the lesson: the system prompt and the instructions around it.
  const system = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => message.content)
    .join('\n');
  return fakeRewrite(found.lesson, `${system}\n${found.before}\n${found.after}`, mode);
}

// ---------------------------------------------------------------------------
// Embeddings: bag-of-words feature hashing
// ---------------------------------------------------------------------------

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have in is it its of on or that the this to was were will with ' +
    'you your we our they their he she his her them it’s what which who how when where why can could would should ' +
    'do does did not no so than then there these those into about over under also just more most very'
  ).split(' '),
);

function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function featureWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const content = words.filter((word) => !STOP_WORDS.has(word));
  return (content.length > 0 ? content : words).map(stem);
}

/**
 * A deterministic embedding: lower-cased words (stop words dropped, plurals
 * folded) hashed into `dimensions` signed buckets with sub-linear term
 * frequency, L2-normalised, rounded to float32. Texts sharing words have a
 * high cosine similarity; unrelated texts are near 0.
 */
export function fakeEmbedding(text: string, dimensions: number = DEFAULT_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const counts = new Map<string, number>();
  for (const word of featureWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const [word, count] of counts) {
    const bucket = fnv1a(word) % dimensions;
    const sign = (fnv1a(word, 0x9747b28c) & 1) === 1 ? 1 : -1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * (1 + Math.log(count));
  }
  let norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[fnv1a(text) % dimensions] = 1;
    norm = 1;
  }
  return Array.from(vector, (value) => Math.fround(value / norm));
}

/** Cosine similarity of two vectors of the same length. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Little-endian float32 bytes, base64-encoded (what `encoding_format: 'base64'` returns). */
export function embeddingToBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** The inverse of `embeddingToBase64`. */
export function embeddingFromBase64(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  const out: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) out.push(bytes.readFloatLE(offset));
  return out;
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

interface ActiveBehaviour {
  behaviour: FakeBehaviour;
  /** Failures left for a `status` behaviour with `times`; null = unlimited / not applicable. */
  remaining: number | null;
}

interface Settings {
  host: string;
  port: number;
  requireKey: string | null;
  models: readonly string[];
  startMarker: string;
  endMarker: string;
  delayMs: number;
  behaviour: FakeBehaviour;
  chatResponder: ((request: FakeChatRequest) => string | FakeChatAnswer | undefined) | null;
  onRequest: ((entry: FakeRequestLogEntry) => void) | null;
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  entry: FakeRequestLogEntry;
  signal: AbortSignal;
  requestId: string;
}

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

class HttpProblem extends Error {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  constructor(status: number, message: string, type: string, code: string | null = null, param: string | null = null) {
    super(message);
    this.status = status;
    this.body = { error: { message, type, param, code } };
  }
}

function invalid(message: string, param: string | null = null): HttpProblem {
  return new HttpProblem(400, message, 'invalid_request_error', null, param);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
  }
  return '';
}

function parseMessages(value: unknown): FakeChatMessage[] {
  if (!isArray(value) || value.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
  return value.map((message, index) => {
    if (!isRecord(message) || typeof message['role'] !== 'string') {
      throw invalid(`Invalid value for 'messages[${index}]': a message needs a 'role'.`, `messages[${index}]`);
    }
    return { role: message['role'], content: contentText(message['content']) };
  });
}

function parseEmbeddingInputs(value: unknown): string[] {
  const problem = invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
  const tokens = (item: unknown[]): string => item.map((token) => String(token)).join(' ');
  let inputs: string[];
  if (typeof value === 'string') inputs = [value];
  else if (isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number')) inputs = [tokens(value)];
  else if (isArray(value)) {
    inputs = value.map((item) => {
      if (typeof item === 'string') return item;
      if (isArray(item) && item.every((token) => typeof token === 'number')) return tokens(item);
      throw problem;
    });
  } else throw problem;
  if (inputs.length === 0 || inputs.length > MAX_EMBEDDING_INPUTS || inputs.some((input) => input === '')) throw problem;
  return inputs;
}

function streamPieces(content: string): string[] {
  const words = content.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_STREAM_CHUNK) {
    pieces.push(words.slice(i, i + WORDS_PER_STREAM_CHUNK).join(''));
  }
  return pieces;
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function activate(behaviour: FakeBehaviour): ActiveBehaviour {
  if (behaviour.kind === 'status' && behaviour.times !== undefined) {
    if (behaviour.times <= 0) return { behaviour: normalLike(behaviour), remaining: null };
    return { behaviour, remaining: behaviour.times };
  }
  return { behaviour, remaining: null };
}

function normalLike(behaviour: FakeBehaviour): FakeBehaviour {
  return behaviour.delayMs === undefined ? { kind: 'normal' } : { kind: 'normal', delayMs: behaviour.delayMs };
}

function rewriteMode(behaviour: FakeBehaviour): FakeRewriteMode {
  switch (behaviour.kind) {
    case 'drop-code-block':
    case 'hostile':
    case 'truncate':
    case 'chatty':
    case 'fenced':
      return behaviour.kind;
    default:
      return 'normal';
  }
}

const STATUS_ERRORS: Readonly<Record<FakeErrorStatus, { message: string; type: string; code: string | null }>> = {
  429: {
    message: 'Rate limit reached for requests (fake OpenAI server). Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that! (fake OpenAI server)',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later. (fake OpenAI server)',
    type: 'server_error',
    code: 'service_unavailable',
  },
};

class FakeOpenAIServer implements FakeOpenAI {
  url = '';
  port = 0;
  readonly apiKey: string;
  readonly calls: FakeOpenAICalls = {
    chat: 0,
    chatStreamed: 0,
    embeddings: 0,
    embeddingInputs: 0,
    models: 0,
    errors: 0,
    inFlight: 0,
    peakConcurrent: 0,
    log: [],
  };
  private readonly settings: Settings;
  private readonly server: Server;
  private readonly controllers = new Set<AbortController>();
  private slots: Record<FakeEndpoint, ActiveBehaviour>;
  private sequence = 0;
  private closing: Promise<void> | null = null;

  constructor(settings: Settings) {
    this.settings = settings;
    this.apiKey = settings.requireKey ?? FAKE_OPENAI_PLACEHOLDER_KEY;
    const shared = activate(settings.behaviour);
    this.slots = { chat: shared, embeddings: shared };
    this.server = createServer((req, res) => {
      // Last resort: handle() answers its own errors.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.settings.port, this.settings.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.port = address.port;
    const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}/v1`;
  }

  setBehaviour(behaviour: FakeBehaviour, scope: FakeBehaviourScope = 'all'): void {
    const active = activate(behaviour);
    if (scope === 'all') this.slots = { chat: active, embeddings: active };
    else this.slots = { ...this.slots, [scope]: active };
  }

  behaviour(endpoint: FakeEndpoint): FakeBehaviour {
    return this.slots[endpoint].behaviour;
  }

  reset(): void {
    const calls = this.calls;
    calls.chat = 0;
    calls.chatStreamed = 0;
    calls.embeddings = 0;
    calls.embeddingInputs = 0;
    calls.models = 0;
    calls.errors = 0;
    calls.peakConcurrent = calls.inFlight;
    calls.log.length = 0;
    this.setBehaviour(this.settings.behaviour, 'all');
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const controller of this.controllers) controller.abort();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  // -- request plumbing -----------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    this.controllers.add(controller);
    this.calls.inFlight += 1;
    this.calls.peakConcurrent = Math.max(this.calls.peakConcurrent, this.calls.inFlight);
    const url = new URL(req.url ?? '/', 'http://fake-openai.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const entry: FakeRequestLogEntry = {
      endpoint: 'unknown',
      method,
      path,
      model: null,
      stream: false,
      summary: '',
      body: undefined,
      timestamp: Date.now(),
      status: null,
    };
    this.calls.log.push(entry);
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      this.settings.onRequest?.(entry);
    };
    res.once('close', () => {
      this.calls.inFlight -= 1;
      this.controllers.delete(controller);
      controller.abort();
      report();
    });
    res.once('finish', report);
    this.sequence += 1;
    const ctx: RequestContext = {
      req,
      res,
      entry,
      signal: controller.signal,
      requestId: `req_fake${this.sequence.toString(16).padStart(8, '0')}`,
    };
    try {
      const raw = await readBody(req);
      if (raw.trim() !== '') {
        try {
          entry.body = JSON.parse(raw) as unknown;
        } catch {
          throw invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
          );
        }
      }
      await this.route(ctx, method, path);
    } catch (error) {
      if (error instanceof HttpProblem) this.sendJson(ctx, error.status, error.body);
      else this.fail(ctx, error);
    }
  }

  private async route(ctx: RequestContext, method: string, path: string): Promise<void> {
    if (method === 'POST' && path === '/v1/chat/completions') return this.chat(ctx);
    if (method === 'POST' && path === '/v1/embeddings') return this.embeddings(ctx);
    if (method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
      this.models(ctx, path);
      return;
    }
    ctx.entry.summary = 'unknown route';
    throw new HttpProblem(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
  }

  private authorise(ctx: RequestContext): void {
    const header = ctx.req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S.*)$/i.exec(header);
    const key = match?.[1]?.trim();
    if (!key) {
      throw new HttpProblem(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
      );
    }
    if (this.settings.requireKey !== null && key !== this.settings.requireKey) {
      const masked = key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
      throw new HttpProblem(401, `Incorrect API key provided: ${masked}.`, 'invalid_request_error', 'invalid_api_key');
    }
  }

  /** The behaviour for this request; consumes one failure of a `status` with `times`. */
  private take(endpoint: FakeEndpoint): FakeBehaviour {
    const active = this.slots[endpoint];
    const behaviour = active.behaviour;
    if (behaviour.kind === 'status' && active.remaining !== null) {
      active.remaining -= 1;
      if (active.remaining <= 0) {
        active.behaviour = normalLike(behaviour);
        active.remaining = null;
      }
    }
    return behaviour;
  }

  /**
   * Applies latency and the failure behaviours. Returns false when the
   * request must not be answered (hung, or the client or server went away).
   */
  private async misbehave(ctx: RequestContext, behaviour: FakeBehaviour): Promise<boolean> {
    const delay = behaviour.delayMs ?? this.settings.delayMs;
    if (!(await sleep(delay, ctx.signal))) return false;
    if (behaviour.kind === 'hang') {
      await untilAborted(ctx.signal);
      return false;
    }
    if (behaviour.kind === 'status') {
      const error = STATUS_ERRORS[behaviour.status];
      const headers: OutgoingHttpHeaders = {};
      if (behaviour.retryAfterSeconds !== undefined) headers['retry-after'] = String(behaviour.retryAfterSeconds);
      this.sendJson(ctx, behaviour.status, { error: { message: error.message, type: error.type, param: null, code: error.code } }, headers);
      return false;
    }
    return !ctx.signal.aborted;
  }

  // -- endpoints --------------------------------------------------------------

  private async chat(ctx: RequestContext): Promise<void> {
    const { entry } = ctx;
    entry.endpoint = 'chat';
    const body = isRecord(entry.body) ? entry.body : {};
    const stream = body['stream'] === true;
    entry.stream = stream;
    entry.model = typeof body['model'] === 'string' ? body['model'] : null;
    this.calls.chat += 1;
    if (stream) this.calls.chatStreamed += 1;
    const messageCount = isArray(body['messages']) ? body['messages'].length : 0;
    entry.summary = `${messageCount} message(s)${stream ? ', streamed' : ''}`;

    this.authorise(ctx);
    if (!isRecord(entry.body)) throw invalid('The request body must be a JSON object.');
    if (!entry.model) throw invalid('you must provide a model parameter', 'model');
    const model = entry.model;
    const messages = parseMessages(body['messages']);
    const lastUser = [...messages].reverse().find((message) => message.role === 'user');
    entry.summary += `; last user: "${oneLine(lastUser?.content ?? '')}"`;
    const streamOptions = body['stream_options'];
    const includeUsage = stream && isRecord(streamOptions) && streamOptions['include_usage'] === true;

    const behaviour = this.take('chat');
    if (!(await this.misbehave(ctx, behaviour))) return;

    const { startMarker, endMarker } = this.settings;
    const found = lastUser ? findLesson(lastUser.content, startMarker, endMarker) : null;
    const custom = this.settings.chatResponder?.({
      model,
      messages,
      stream,
      lesson: found?.lesson ?? null,
      body: entry.body,
    });
    const answer: FakeChatAnswer | undefined = typeof custom === 'string' ? { content: custom } : custom;
    let content = answer?.content ?? fakeChatAnswer(messages, rewriteMode(behaviour), startMarker, endMarker);
    let finishReason: string = answer?.finishReason ?? 'stop';
    const continuation = found === null && messages.some((m) => m.role === 'assistant');
    if (behaviour.kind === 'cut-off' && found !== null && !continuation) {
      content = content.slice(0, Math.floor(content.length * Math.min(1, Math.max(0, behaviour.fraction))));
      finishReason = 'length';
    }
    const maxTokens = body['max_tokens'] ?? body['max_completion_tokens'];
    if (typeof maxTokens === 'number' && maxTokens > 0 && approximateTokens(content) > maxTokens) {
      content = content.slice(0, maxTokens * 4);
      finishReason = 'length';
    }
    const promptTokens = approximateTokens(messages.map((message) => message.content).join(''));
    const completionTokens = approximateTokens(content);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `chatcmpl-fake${this.sequence.toString(16).padStart(8, '0')}`;
    const created = Math.floor(Date.now() / 1000);

    if (!stream) {
      this.sendJson(ctx, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
      });
      return;
    }

    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: SYSTEM_FINGERPRINT };
    const usageNull = includeUsage ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageNull,
    });
    const events: string[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)].map((c) => JSON.stringify(c));
    for (const piece of streamPieces(content)) events.push(JSON.stringify(chunk({ content: piece }, null)));
    events.push(JSON.stringify(chunk({}, finishReason)));
    if (includeUsage) events.push(JSON.stringify({ ...base, choices: [], usage }));
    events.push('[DONE]');

    const chunkDelayMs = behaviour.kind === 'slow-stream' ? behaviour.chunkDelayMs : 0;
    this.writeHead(ctx, 200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    ctx.res.flushHeaders();
    for (let i = 0; i < events.length; i++) {
      if (i > 0 && !(await sleep(chunkDelayMs, ctx.signal))) return;
      if (ctx.signal.aborted) return;
      ctx.res.write(`data: ${events[i] ?? ''}\n\n`);
    }
    ctx.res.end();
  }

  private async embeddings(ctx: RequestContext): Promise<void> {
    const { entry } = ctx;
    entry.endpoint = 'embeddings';
    const body = isRecord(entry.body) ? entry.body : {};
    entry.model = typeof body['model'] === 'string' ? body['model'] : null;
    this.calls.embeddings += 1;
    entry.summary = 'embeddings';

    this.authorise(ctx);
    if (!isRecord(entry.body)) throw invalid('The request body must be a JSON object.');
    if (!entry.model) throw invalid('you must provide a model parameter', 'model');
    const model = entry.model;
    const inputs = parseEmbeddingInputs(body['input']);
    this.calls.embeddingInputs += inputs.length;
    const requested = body['dimensions'];
    let dimensions = NATIVE_DIMENSIONS[model] ?? DEFAULT_DIMENSIONS;
    if (requested !== undefined && requested !== null) {
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > MAX_DIMENSIONS) {
        throw invalid(`Invalid 'dimensions': expected an integer between 1 and ${MAX_DIMENSIONS}.`, 'dimensions');
      }
      dimensions = requested;
    }
    const format = body['encoding_format'] ?? 'float';
    if (format !== 'float' && format !== 'base64') {
      throw invalid("Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format');
    }
    entry.summary = `${inputs.length} input(s), ${dimensions} dims, ${format}; first: "${oneLine(inputs[0] ?? '')}"`;

    const behaviour = this.take('embeddings');
    if (!(await this.misbehave(ctx, behaviour))) return;

    const promptTokens = inputs.reduce((sum, input) => sum + approximateTokens(input), 0);
    this.sendJson(ctx, 200, {
      object: 'list',
      data: inputs.map((input, index) => {
        const vector = fakeEmbedding(input, dimensions);
        return { object: 'embedding', index, embedding: format === 'base64' ? embeddingToBase64(vector) : vector };
      }),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  private models(ctx: RequestContext, path: string): void {
    ctx.entry.endpoint = 'models';
    this.calls.models += 1;
    this.authorise(ctx);
    const describe = (id: string): Record<string, unknown> => ({
      id,
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'fake-openai',
    });
    if (path === '/v1/models') {
      ctx.entry.summary = 'list models';
      this.sendJson(ctx, 200, { object: 'list', data: this.settings.models.map(describe) });
      return;
    }
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    ctx.entry.model = id;
    ctx.entry.summary = `retrieve model ${id}`;
    if (!this.settings.models.includes(id)) {
      throw new HttpProblem(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found', 'model');
    }
    this.sendJson(ctx, 200, describe(id));
  }

  // -- responses ----------------------------------------------------------------

  private writeHead(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): void {
    ctx.entry.status = status;
    if (status >= 400) this.calls.errors += 1;
    ctx.res.writeHead(status, { 'x-request-id': ctx.requestId, 'openai-version': '2020-10-01', ...headers });
  }

  private sendJson(ctx: RequestContext, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
    if (ctx.res.headersSent || ctx.signal.aborted) return;
    const text = JSON.stringify(body);
    this.writeHead(ctx, status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    ctx.res.end(text);
  }

  /** An unexpected error: 500 when nothing was sent yet, else the connection is dropped. */
  private fail(ctx: RequestContext, error: unknown): void {
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.sendJson(ctx, 500, {
      error: { message: `Fake OpenAI server error: ${message}`, type: 'server_error', param: null, code: null },
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT_BYTES) {
        reject(new HttpProblem(413, `Request body larger than ${BODY_LIMIT_BYTES} bytes.`, 'invalid_request_error'));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted by the client'));
    });
  });
}

/**
 * Starts a fake OpenAI-compatible server (on 127.0.0.1 and a free port
 * unless told otherwise). Use `fake.url` as `OPENAI_BASE_URL` and
 * `fake.apiKey` as `OPENAI_API_KEY`; `await fake.close()` when done.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const server = new FakeOpenAIServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    requireKey: options.requireKey ?? null,
    models: [...(options.models ?? FAKE_OPENAI_DEFAULT_MODELS)],
    startMarker: options.lessonStartMarker ?? DEFAULT_LESSON_START_MARKER,
    endMarker: options.lessonEndMarker ?? DEFAULT_LESSON_END_MARKER,
    delayMs: options.delayMs ?? 0,
    behaviour: options.behaviour ?? { kind: 'normal' },
    chatResponder: options.chatResponder ?? null,
    onRequest: options.onRequest ?? null,
  });
  await server.listen();
  return server;
}
