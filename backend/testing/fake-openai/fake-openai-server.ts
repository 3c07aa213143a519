/**
 * A fake OpenAI-compatible HTTP server for Lectern's tests: chat completions
 * (plain and streamed), embeddings and the model list, in the shapes the
 * official `openai` SDK expects, on loopback, with switches for misbehaviour
 * (errors, hangs, slow streams, unfaithful or hostile rewrites).
 *
 * Split by concern: `types.ts` (behaviours, options), `chat.ts` (chat
 * answers and lesson rewrites), `embeddings.ts`, `faults.ts` (fault modes),
 * `tutor.ts` (answers to tutor prompts); this file is the HTTP server.
 * `nx run fake-llm:serve` (main.ts) runs it for a demo.
 *
 * These files import nothing but `node:` built-ins and each other (by their
 * `.ts` file names) and use erasable TypeScript only (no enums, namespaces or
 * parameter properties), so they also run as is under
 * `node --experimental-strip-types` (see `main.ts`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { approximateTokens, fakeChatAnswer, findLesson, isArray, isRecord, parseMessages, streamPieces } from './chat.ts';
import { embeddingToBase64, fakeEmbedding, parseEmbeddingInputs } from './embeddings.ts';
import { activate, HttpProblem, invalid, normalLike, rewriteMode, sleep, STATUS_ERRORS, untilAborted } from './faults.ts';
import type { ActiveBehaviour } from './faults.ts';
import {
  BODY_LIMIT_BYTES,
  DEFAULT_DIMENSIONS,
  DEFAULT_LESSON_END_MARKER,
  DEFAULT_LESSON_START_MARKER,
  FAKE_OPENAI_DEFAULT_MODELS,
  FAKE_OPENAI_PLACEHOLDER_KEY,
  MAX_DIMENSIONS,
  NATIVE_DIMENSIONS,
  SYSTEM_FINGERPRINT,
} from './types.ts';
import type {
  FakeBehaviour,
  FakeBehaviourScope,
  FakeChatAnswer,
  FakeChatRequest,
  FakeEndpoint,
  FakeOpenAI,
  FakeOpenAICalls,
  FakeOpenAIOptions,
  FakeRequestLogEntry,
} from './types.ts';

export * from './types.ts';
export {
  adaptationNote,
  approximateTokens,
  fakeChatAnswer,
  fakeRewrite,
  fakeUrdu,
  findLesson,
  HOSTILE_MARKDOWN,
  profileTagOf,
} from './chat.ts';
export { cosineSimilarity, embeddingFromBase64, embeddingToBase64, fakeEmbedding } from './embeddings.ts';

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

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

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

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
