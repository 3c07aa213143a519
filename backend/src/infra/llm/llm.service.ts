import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { featureForPurpose, LlmBudget, type BudgetReservation, type LlmFeature } from './llm-budget.service';
import { LlmUsageLedger } from './llm-usage-ledger.service';
import { ProviderBusyError, ProviderRateLimiter } from './provider-rate-limiter';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatResult {
  content: string;
  /** Why the model stopped: 'stop', 'length' (cut off at max_tokens), 'content_filter' …; null when the server did not say. */
  finishReason: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  durationMs: number;
}

/** How a call is paid for and admitted (see LlmBudget and ProviderRateLimiter). */
export interface LlmBudgetOptions {
  /** Which daily budget pays; default from the purpose (personalize → rewrites, search-query → search, tutor… → tutor). */
  feature?: LlmFeature;
  /** The hold reserved when the work was admitted (a job's id); default a fresh reservation. */
  holdId?: string;
  /** Tokens reserved before the call (default: estimated from the input); the difference is settled afterwards. */
  estimateTokens?: number;
  /** How long to wait for a provider slot (LLM_REQUESTS_PER_MINUTE); default LLM_TIMEOUT_MS, 0 = do not wait. */
  maxWaitForSlotMs?: number;
}

export interface ChatOptions extends LlmBudgetOptions {
  purpose: string;
  jobId?: string;
  onDelta?: (textSoFar: string) => void;
  signal?: AbortSignal;
  /** Upper bound on the completion's tokens (sent as max_tokens). */
  maxTokens?: number;
}

export interface EmbedOptions extends LlmBudgetOptions {
  /** What the call is for (`search-index`, `search-query`), recorded in llm_calls. */
  purpose: string;
  jobId?: string;
  /** Defaults: OPENAI_EMBEDDING_MODEL and EMBEDDING_DIMENSIONS (another model serves while a new one is being rolled out). */
  model?: string;
  dimensions?: number;
  /** Per-request overrides of LLM_TIMEOUT_MS and LLM_MAX_RETRIES (a search cannot wait minutes for its query vector). */
  timeoutMs?: number;
  maxRetries?: number;
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** One vector per input text, in input order. */
  vectors: number[][];
  model: string;
  promptTokens: number;
  costUsd: number;
  durationMs: number;
}

export class LlmNotConfiguredError extends DomainError {
  constructor() {
    super(
      503,
      'llm_not_configured',
      'No LLM is configured: set OPENAI_API_KEY (and OPENAI_MODEL), or OPENAI_BASE_URL for an OpenAI-compatible server such as a local one; see README "Personalization"',
    );
  }
}

/** An error from the provider; `retryable` says whether trying again later may succeed. */
export class LlmCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LlmCallError';
  }
}

/** About 4 characters a token, the estimate used when a server reports no usage. */
export function estimateTokens(text: string | number): number {
  return Math.ceil((typeof text === 'number' ? text : text.length) / 4);
}

/**
 * The LLM client: chat completions and embeddings through the `openai` SDK
 * against OPENAI_BASE_URL (any OpenAI-compatible server). Before each call it
 * claims tokens from the daily budget (LlmBudget) and a slot of the shared
 * provider rate limit (ProviderRateLimiter); after it, it settles the tokens
 * really used and records the call (LlmUsageLedger). Streams, times out,
 * retries 429/5xx/timeouts honouring Retry-After (the SDK's retry loop).
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger(LlmService.name);
  private client: OpenAI | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: LlmUsageLedger,
    private readonly budget: LlmBudget,
    private readonly limiter: ProviderRateLimiter,
  ) {}

  get configured(): boolean {
    return this.config.llmConfigured;
  }

  get model(): string {
    return this.config.OPENAI_MODEL;
  }

  get embeddingModel(): string {
    return this.config.OPENAI_EMBEDDING_MODEL;
  }

  get embeddingDimensions(): number {
    return this.config.EMBEDDING_DIMENSIONS;
  }

  costUsd(promptTokens: number, completionTokens: number): number {
    return (promptTokens * this.config.LLM_PRICE_INPUT_PER_MTOK + completionTokens * this.config.LLM_PRICE_OUTPUT_PER_MTOK) / 1_000_000;
  }

  private openai(): OpenAI {
    if (!this.configured) throw new LlmNotConfiguredError();
    this.client ??= new OpenAI({
      apiKey: this.config.OPENAI_API_KEY ?? 'not-needed-for-this-server',
      baseURL: this.config.OPENAI_BASE_URL,
      timeout: this.config.LLM_TIMEOUT_MS,
      maxRetries: this.config.LLM_MAX_RETRIES,
    });
    return this.client;
  }

  /**
   * Claims the budget (throws LlmBudgetRefusedError, a 429) and a provider
   * slot (throws a retryable LlmCallError when none frees up in time).
   */
  private async admit(purpose: string, options: LlmBudgetOptions, estimate: number): Promise<BudgetReservation> {
    if (!this.configured) throw new LlmNotConfiguredError();
    const feature = options.feature ?? featureForPurpose(purpose);
    const reservation = await this.budget.claim(feature, options.holdId ?? randomUUID(), options.estimateTokens ?? estimate);
    try {
      await this.limiter.acquire(options.maxWaitForSlotMs ?? this.config.LLM_TIMEOUT_MS);
    } catch (error) {
      await this.settle(reservation, 0);
      if (error instanceof ProviderBusyError) throw new LlmCallError(error.message, 429, true);
      throw error;
    }
    return reservation;
  }

  private async settle(reservation: BudgetReservation, tokens: number): Promise<void> {
    await this.budget
      .settle(reservation, tokens)
      .catch((error: unknown) => this.logger.warn(`Could not settle ${tokens} tokens against the daily budget: ${String(error)}`));
  }

  /**
   * Streams a chat completion; `onDelta` sees the text so far (for progress).
   * Every call is recorded in PostgreSQL (tokens, cost, outcome) and settled
   * against the daily token budget.
   */
  async streamChat(messages: ChatMessage[], options: ChatOptions): Promise<ChatResult> {
    const promptEstimate = estimateTokens(messages.reduce((n, m) => n + m.content.length, 0)) + 4 * messages.length;
    const reservation = await this.admit(
      options.purpose,
      options,
      promptEstimate + (options.maxTokens ?? Math.max(1_024, 2 * promptEstimate)),
    );
    const started = Date.now();
    let content = '';
    let finishReason: string | null = null;
    let promptTokens = 0;
    let completionTokens = 0;
    let model = this.model;
    try {
      const stream = await this.openai().chat.completions.create(
        {
          model: this.model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          temperature: 0.3,
          ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        },
        { signal: options.signal },
      );
      for await (const chunk of stream) {
        model = chunk.model || model;
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          content += delta;
          options.onDelta?.(content);
        }
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          completionTokens = chunk.usage.completion_tokens;
        }
      }
    } catch (error) {
      // A broken stream was paid for as far as it went.
      await this.settle(reservation, content ? promptEstimate + estimateTokens(content) : 0);
      throw await this.recordFailure(options, model, started, toLlmError(error));
    }
    if (promptTokens === 0 && completionTokens === 0) {
      // A server that reports no usage: estimate.
      promptTokens = promptEstimate;
      completionTokens = estimateTokens(content);
    }
    await this.settle(reservation, promptTokens + completionTokens);
    const result = {
      content,
      finishReason,
      model,
      promptTokens,
      completionTokens,
      costUsd: this.costUsd(promptTokens, completionTokens),
      durationMs: Date.now() - started,
    };
    this.logger.debug(`chat ${model}: ${promptTokens}+${completionTokens} tokens, ${result.durationMs} ms`);
    await this.ledger.record({
      purpose: options.purpose,
      jobId: options.jobId ?? null,
      model,
      outcome: 'ok',
      promptTokens,
      completionTokens,
      costUsd: result.costUsd.toFixed(6),
      durationMs: result.durationMs,
      error: null,
    });
    return result;
  }

  /**
   * Embeds texts with the embedding model (same client, base URL and key as
   * chat). `text-embedding-3-*` models are asked for `dimensions`; every vector
   * must come back with that many. Budgeted, rate limited and recorded like
   * chat calls. Callers batch (see the search module); one call is one request.
   */
  async embed(texts: string[], options: EmbedOptions): Promise<EmbedResult> {
    const model = options.model ?? this.embeddingModel;
    const dimensions = options.dimensions ?? this.embeddingDimensions;
    if (texts.length === 0) return { vectors: [], model, promptTokens: 0, costUsd: 0, durationMs: 0 };
    const estimate = estimateTokens(texts.reduce((n, t) => n + t.length, 0)) + texts.length;
    const reservation = await this.admit(options.purpose, options, estimate);
    const started = Date.now();
    let response: OpenAI.CreateEmbeddingResponse;
    try {
      response = await this.openai().embeddings.create(
        { model, input: texts, ...(/^text-embedding-3/.test(model) ? { dimensions } : {}) },
        {
          signal: options.signal,
          ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
          ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
        },
      );
      const sizes = new Set(response.data.map((d) => d.embedding.length));
      if (response.data.length !== texts.length) {
        throw new LlmCallError(
          `The embedding model answered ${response.data.length} vector(s) for ${texts.length} text(s)`,
          undefined,
          true,
        );
      }
      if (sizes.size !== 1 || !sizes.has(dimensions)) {
        throw new LlmCallError(
          `The embedding model ${model} returned ${[...sizes].join('/')}-dimensional vectors, not ${dimensions}: set EMBEDDING_DIMENSIONS to its size`,
          undefined,
          false,
        );
      }
    } catch (error) {
      await this.settle(reservation, 0);
      throw await this.recordFailure(options, model, started, error instanceof LlmCallError ? error : toLlmError(error));
    }
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    // A server that reports no usage: estimate.
    const promptTokens = response.usage?.prompt_tokens || estimate;
    await this.settle(reservation, promptTokens);
    const costUsd = (promptTokens * this.config.LLM_PRICE_EMBEDDING_PER_MTOK) / 1_000_000;
    const durationMs = Date.now() - started;
    this.logger.debug(`embeddings ${model}: ${texts.length} text(s), ${promptTokens} tokens, ${durationMs} ms`);
    await this.ledger.record({
      purpose: options.purpose,
      jobId: options.jobId ?? null,
      model,
      outcome: 'ok',
      promptTokens,
      completionTokens: 0,
      costUsd: costUsd.toFixed(6),
      durationMs,
      error: null,
    });
    return { vectors, model, promptTokens, costUsd, durationMs };
  }

  /** Records a failed call and gives back the error to throw. */
  private async recordFailure(
    options: { purpose: string; jobId?: string },
    model: string,
    started: number,
    failure: Error,
  ): Promise<Error> {
    await this.ledger.record({
      purpose: options.purpose,
      jobId: options.jobId ?? null,
      model,
      outcome: 'error',
      durationMs: Date.now() - started,
      error: failure.message,
    });
    return failure;
  }
}

function toLlmError(error: unknown): Error {
  if (error instanceof LlmNotConfiguredError) return error;
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    return new LlmCallError(`LLM provider answered ${status ?? 'no status'}: ${error.message}`, status, retryable);
  }
  if (error instanceof Error && (error.name === 'AbortError' || /timed? ?out/i.test(error.message))) {
    return new LlmCallError(`LLM request timed out: ${error.message}`, undefined, true);
  }
  return new LlmCallError(`LLM request failed: ${error instanceof Error ? error.message : String(error)}`, undefined, true);
}
