import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import OpenAI from 'openai';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS } from '../redis/redis.module';
import { LlmCallEntity } from './llm-call.entity';
import { MetricsService } from '../metrics/metrics.service';

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

export interface EmbedOptions {
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

/**
 * Chat completions through the `openai` SDK against OPENAI_BASE_URL (any
 * OpenAI-compatible server). Streams, times out, retries 429/5xx/timeouts
 * honouring Retry-After (the SDK's retry loop), and reports token usage and
 * an estimated cost.
 */
@Injectable()
export class LlmService {
  private readonly logger = new Logger(LlmService.name);
  private client: OpenAI | undefined;

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(LlmCallEntity) private readonly calls: Repository<LlmCallEntity>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: MetricsService,
  ) {}

  /** Redis key of today's token counter (UTC day), under this deployment's prefix. */
  budgetKey(now = new Date()): string {
    return `${this.config.QUEUE_PREFIX}:llm-tokens:${now.toISOString().slice(0, 10)}`;
  }

  /**
   * True while today's tokens are under LLM_DAILY_TOKEN_BUDGET. Throws when
   * Redis cannot answer (callers turn that into a 503: a miss needs Redis anyway).
   */
  async withinDailyBudget(): Promise<boolean> {
    const budget = this.config.LLM_DAILY_TOKEN_BUDGET;
    if (budget === 0) return true;
    const used = Number((await this.redis.get(this.budgetKey())) ?? 0);
    return used < budget;
  }

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
   * Streams a chat completion; `onDelta` sees the text so far (for progress).
   * Every call is recorded in PostgreSQL (tokens, cost, outcome) and counted
   * against the daily token budget.
   */
  async streamChat(
    messages: ChatMessage[],
    options: {
      purpose: string;
      jobId?: string;
      onDelta?: (textSoFar: string) => void;
      signal?: AbortSignal;
      /** The answer's token limit (`max_tokens`); the answer then may end with finishReason 'length'. */
      maxTokens?: number;
    },
  ): Promise<ChatResult> {
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
          ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
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
      throw await this.recordFailure(options, model, started, toLlmError(error));
    }
    if (promptTokens === 0 && completionTokens === 0) {
      // A server that reports no usage: estimate (about 4 characters a token).
      promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
      completionTokens = Math.ceil(content.length / 4);
    }
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
    await this.record({
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
    await this.redis
      .multi()
      .incrby(this.budgetKey(), promptTokens + completionTokens)
      .expire(this.budgetKey(), 2 * 86_400)
      .exec()
      .catch((error: unknown) => this.logger.warn(`Could not count tokens against the daily budget: ${String(error)}`));
    return result;
  }

  /**
   * Embeds texts with the embedding model (same client, base URL and key as
   * chat). `text-embedding-3-*` models are asked for `dimensions`; every vector
   * must come back with that many. Recorded in llm_calls and counted against
   * the daily token budget like chat calls. Callers batch (see the search
   * module); one call is one request.
   */
  async embed(texts: string[], options: EmbedOptions): Promise<EmbedResult> {
    const started = Date.now();
    const model = options.model ?? this.embeddingModel;
    const dimensions = options.dimensions ?? this.embeddingDimensions;
    if (texts.length === 0) return { vectors: [], model, promptTokens: 0, costUsd: 0, durationMs: 0 };
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
      throw await this.recordFailure(options, model, started, error instanceof LlmCallError ? error : toLlmError(error));
    }
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    // A server that reports no usage: estimate (about 4 characters a token).
    const promptTokens = response.usage?.prompt_tokens || Math.ceil(texts.reduce((n, t) => n + t.length, 0) / 4);
    const costUsd = (promptTokens * this.config.LLM_PRICE_EMBEDDING_PER_MTOK) / 1_000_000;
    const durationMs = Date.now() - started;
    this.logger.debug(`embeddings ${model}: ${texts.length} text(s), ${promptTokens} tokens, ${durationMs} ms`);
    await this.record({
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
    await this.redis
      .multi()
      .incrby(this.budgetKey(), promptTokens)
      .expire(this.budgetKey(), 2 * 86_400)
      .exec()
      .catch((error: unknown) => this.logger.warn(`Could not count tokens against the daily budget: ${String(error)}`));
    return { vectors, model, promptTokens, costUsd, durationMs };
  }

  /** Records a failed call and gives back the error to throw. */
  private async recordFailure(
    options: { purpose: string; jobId?: string },
    model: string,
    started: number,
    failure: Error,
  ): Promise<Error> {
    await this.record({
      purpose: options.purpose,
      jobId: options.jobId ?? null,
      model,
      outcome: 'error',
      durationMs: Date.now() - started,
      error: failure.message,
    });
    return failure;
  }

  private async record(row: Partial<LlmCallEntity>): Promise<void> {
    const model = row.model ?? this.model;
    this.metrics.llmCalls.inc({ model, purpose: row.purpose ?? 'unknown', outcome: row.outcome ?? 'ok' });
    if (row.promptTokens) this.metrics.llmTokens.inc({ model, kind: 'prompt' }, row.promptTokens);
    if (row.completionTokens) this.metrics.llmTokens.inc({ model, kind: 'completion' }, row.completionTokens);
    if (row.costUsd) this.metrics.llmCost.inc({ model }, Number(row.costUsd));
    try {
      await this.calls.insert(row);
    } catch (error) {
      this.logger.warn(`Could not record an LLM call: ${String(error)}`);
    }
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
