import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ConfigError, emptyToUndefined, readSettings, toBoolean, toInt, toNumber, type SettingsClass } from './settings';

export { ConfigError } from './settings';

/**
 * The infrastructure's settings (process, database, Redis, auth, LLM provider
 * and budgets, HTTP limits, content store), validated once at start-up. Each
 * domain's own settings are a slice beside it (`<domain>.config.ts`, e.g.
 * PersonalizeConfig), read by the same loader (`loadConfig(env, overrides,
 * slices)`) and injected as their class (`provideConfigSlice`). Only this
 * folder reads `process.env`.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/lectern' })
  DATABASE_URL!: string;

  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Signs learner tokens (HMAC-SHA256). */
  @IsString({ message: 'must be a random string of at least 32 characters (e.g. `openssl rand -hex 32`)' })
  @MinLength(32, { message: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' })
  TOKEN_SECRET!: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  TOKEN_TTL_DAYS = 365;

  /** Admin credential: bearer token for admin endpoints, basic-auth password for Bull Board. */
  @IsString({ message: 'must be a random string of at least 16 characters' })
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN!: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  OPENAI_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL, e.g. http://127.0.0.1:11434/v1' })
  OPENAI_BASE_URL?: string;

  @IsString()
  @MaxLength(200)
  OPENAI_MODEL = 'gpt-4o-mini';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Largest request body accepted, in bytes (413 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Directory of the built Angular app to serve on the API's port; empty to serve none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FRONTEND_DIST?: string;

  /** Timeout of one LLM request, in ms (a stalled stream fails after it and is retried). */
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(30 * 60_000)
  LLM_TIMEOUT_MS = 180_000;

  /** Retries of one LLM request inside a job, honouring Retry-After (the job itself is retried with backoff too). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  LLM_MAX_RETRIES = 2;

  /** Provider rate limit: LLM requests per minute across all workers (BullMQ's queue limiter). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LLM_REQUESTS_PER_MINUTE = 60;

  /** Daily token budget (prompt + completion) across all learners; past it new misses answer 429, cached rewrites still work. 0 = no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_DAILY_TOKEN_BUDGET = 2_000_000;

  /** Daily token budgets per feature, inside the global one (0 = only the global cap applies). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_DAILY_TOKEN_BUDGET_REWRITES = 1_500_000;

  /** Query embeddings of searches by learners: their own budget, so searching cannot use up the rewrites'. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_DAILY_TOKEN_BUDGET_SEARCH = 100_000;

  /** The tutor's conversations. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_DAILY_TOKEN_BUDGET_TUTOR = 300_000;

  /** Embedding the book's sections for search (operator work); 0 = only the global cap. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_DAILY_TOKEN_BUDGET_INDEX = 0;

  /** LLM jobs (rewrites) one learner may have queued or running at once (429 beyond); 0 = no cap. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_QUEUED_JOBS_PER_LEARNER = 5;

  /** LLM jobs queued or running at once, all learners together (429 beyond); 0 = no cap. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LLM_QUEUED_JOBS_TOTAL = 500;

  /** Prices for the cost estimate, US dollars per million tokens (defaults: gpt-4o-mini list prices). */
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number (US dollars per million tokens)' })
  @Min(0)
  LLM_PRICE_INPUT_PER_MTOK = 0.15;

  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number (US dollars per million tokens)' })
  @Min(0)
  LLM_PRICE_OUTPUT_PER_MTOK = 0.6;

  /** Embedding model for search (through the same OpenAI-compatible client as chat); changing it re-embeds in the background. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

  /**
   * Size of the embedding vectors. The pgvector column is vector(1536): smaller
   * vectors are zero-padded (cosine distance is unchanged), larger ones do not fit.
   * `text-embedding-3-*` models are asked for this size; other models must return it natively.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1536)
  EMBEDDING_DIMENSIONS = 1536;

  /** Embedding price for the cost estimate, US dollars per million tokens (default: text-embedding-3-small). */
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number (US dollars per million tokens)' })
  @Min(0)
  LLM_PRICE_EMBEDDING_PER_MTOK = 0.02;

  /** Deepest nesting of a JSON body (400 beyond, before validation). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(1_000)
  JSON_MAX_DEPTH = 32;

  /** Most keys and array items in one JSON body, all levels together (400 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  JSON_MAX_KEYS = 2_000;

  /** Longest request URL (path and query) in characters (414 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(256)
  @Max(65_536)
  URL_MAX_LENGTH = 8_192;

  /** Who may read /metrics: `admin` (the ADMIN_TOKEN) or `none` (anyone who can reach it; bind or firewall it). */
  @IsIn(['admin', 'none'])
  METRICS_AUTH: 'admin' | 'none' = 'admin';

  /** Port of a worker's own /metrics endpoint (job durations, LLM calls and cost); 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_METRICS_PORT = 9464;

  /** Trust X-Forwarded-For (set true behind a load balancer or proxy; otherwise a client could pick its own address for the per-IP limit). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  TRUST_PROXY = false;

  /** Origins allowed to call the API from a browser (comma-separated); empty = same origin only. */
  @IsString()
  CORS_ORIGINS = '';

  /** Learners one IP address may create per hour (Redis-backed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  USER_CREATE_PER_IP_PER_HOUR = 100;

  /** Writes (onboarding, progress, preferences) one learner may make per minute (Redis-backed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  WRITES_PER_LEARNER_PER_MINUTE = 600;

  /** Prefix of every BullMQ key in Redis: processes sharing a prefix share queues (tests use their own). */
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'must be 1-40 letters, digits, - or _' })
  QUEUE_PREFIX = 'lectern';

  /** Where lesson text is stored, content-addressed: the local filesystem or S3-compatible object storage. */
  @IsIn(['fs', 's3'])
  CONTENT_STORE_DRIVER: 'fs' | 's3' = 'fs';

  @IsString()
  CONTENT_STORE_DIR = '.lectern/content-store';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL, e.g. http://127.0.0.1:9000' })
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @Transform(emptyToUndefined)
  @ValidateIf((c: AppConfig) => c.CONTENT_STORE_DRIVER === 's3')
  @IsString({ message: 'is required when CONTENT_STORE_DRIVER=s3' })
  S3_BUCKET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  S3_FORCE_PATH_STYLE = true;

  // ---------------------------------------------------------------------------

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  get llmConfigured(): boolean {
    return Boolean(this.OPENAI_API_KEY || this.OPENAI_BASE_URL);
  }
}

const SLICES = Symbol('config slices');
const SOURCE = Symbol('config source');

interface ConfigSource {
  env: NodeJS.ProcessEnv;
  overrides: Partial<Record<string, string>>;
}

/**
 * A domain's settings slice, validated with the rest: the one loaded at
 * start-up (composition roots pass every slice to `loadConfig`, so a bad
 * value stops the process before anything runs), or read now from the same
 * environment (tests load only AppConfig; a bad value throws ConfigError).
 */
export function configSlice<T extends object>(config: AppConfig, cls: SettingsClass<T>): T {
  const loaded = (config as unknown as Record<symbol, Map<SettingsClass, object>>)[SLICES];
  const known = loaded.get(cls);
  if (known) return known as T;
  const { env, overrides } = (config as unknown as Record<symbol, ConfigSource>)[SOURCE];
  const { value, problems } = readSettings(cls, env, overrides);
  if (problems.length > 0) throw new ConfigError(problems);
  loaded.set(cls, value);
  return value;
}

/**
 * Reads and validates the environment: AppConfig and the given domain
 * slices. Throws one ConfigError naming every bad or missing variable of all
 * of them (never its value: some are secrets). Any variable may instead be
 * given as a file: `TOKEN_SECRET_FILE=/run/secrets/token_secret`.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<string, string>> = {},
  slices: readonly SettingsClass[] = [],
): AppConfig {
  const app = readSettings(AppConfig, env, overrides);
  const problems = [...app.problems];
  const loaded = new Map<SettingsClass, object>();
  for (const cls of slices) {
    const slice = readSettings(cls, env, overrides);
    problems.push(...slice.problems);
    loaded.set(cls, slice.value);
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  Object.defineProperty(app.value, SLICES, { value: loaded, enumerable: false });
  Object.defineProperty(app.value, SOURCE, { value: { env, overrides }, enumerable: false });
  return app.value;
}
