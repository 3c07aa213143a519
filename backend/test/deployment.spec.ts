import { AppConfig, loadConfig } from '@lectern/infra';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_SLICES } from '../src/config-slices';

/**
 * The deployment files (docker/, the CI workflow, the scripts' defaults) read
 * as Compose and GitHub Actions would read them, for what no Docker engine is
 * needed to check (CI builds the image and runs `docker compose config`).
 */
const ROOT = resolve(__dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  ports?: string[];
  command?: string[];
  environment: Record<string, string>;
  env_file?: unknown;
  secrets?: string[];
  depends_on: Record<string, { condition: string }>;
  stop_grace_period: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  secrets: Record<string, { environment: string }>;
}
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  permissions: unknown;
  jobs: Record<string, { services: Record<string, { image: string }>; steps: Step[] }>;
}
const yaml = <T>(path: string): T => parse(read(path), { merge: true }) as T;

const compose = yaml<ComposeFile>('docker/compose.yml');
const dev = yaml<ComposeFile>('docker/compose.dev.yml');
const ci = yaml<Workflow>('.github/workflows/ci.yml');
const APP_SERVICES = ['migrate', 'api', 'worker'];

/** Every variable the config loader reads (whatever the settings' layout), found by watching it read. */
function configVariables(): string[] {
  const seen = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_target, key) => {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  try {
    loadConfig(env, {}, CONFIG_SLICES);
  } catch {
    // Required variables are missing here, on purpose.
  }
  return [...seen].filter((key) => /^[A-Z][A-Z0-9_]*$/.test(key) && !key.endsWith('_FILE'));
}

/** `${NAME:-default}` → default; a plain value as it is. */
function defaultOf(value: string): string {
  const m = /^\$\{[A-Z0-9_]+:-(.*)\}$/.exec(value);
  return m ? m[1] : value;
}

function durationMs(value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!m) throw new Error(`not a Compose duration: ${value}`);
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

describe('docker/compose.yml', () => {
  it('publishes no PostgreSQL, Redis or api port: only the proxy, so the api scales', () => {
    for (const name of ['postgres', 'redis', 'migrate', 'api', 'worker']) {
      expect({ name, ports: compose.services[name].ports }).toEqual({ name, ports: undefined });
    }
    expect(compose.services.proxy.ports).toEqual(['${LECTERN_BIND:-0.0.0.0}:${LECTERN_PORT:-3000}:8080']);
    expect(read('docker/nginx.conf')).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
    expect(read('docker/nginx.conf')).toMatch(/set \$api http:\/\/api:3000;\s+proxy_pass \$api;/);
  });

  it('gives a stopping worker longer than the longest job, and the api time to finish its requests', () => {
    const config = new AppConfig();
    // A rewrite: two streamed requests at most (one fidelity retry), each tried 1 + LLM_MAX_RETRIES times, each up to LLM_TIMEOUT_MS.
    const longestRewriteMs = 2 * (1 + config.LLM_MAX_RETRIES) * config.LLM_TIMEOUT_MS;
    expect(longestRewriteMs).toBe(18 * 60_000);
    const worker = compose.services.worker.stop_grace_period;
    expect(worker).toMatch(/^\$\{WORKER_STOP_GRACE_PERIOD:-/);
    expect(durationMs(defaultOf(worker))).toBeGreaterThan(longestRewriteMs);
    expect(durationMs(compose.services.api.stop_grace_period)).toBeGreaterThanOrEqual(10_000);
  });

  it('runs migrate once PostgreSQL and Redis are both healthy, and the app after it', () => {
    expect(compose.services.migrate.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('caps Redis memory with noeviction (a full Redis refuses writes instead of dropping queued jobs)', () => {
    const command = (compose.services.redis.command ?? []).join(' ');
    expect(command).toMatch(/--maxmemory \$\{REDIS_MAXMEMORY:-\d+mb\}/);
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('hands the secrets to the app as files (NAME_FILE), from docker/.env, never as plain variables', () => {
    for (const name of APP_SERVICES) {
      const service = compose.services[name];
      for (const [variable, secret] of [
        ['TOKEN_SECRET', 'token_secret'],
        ['ADMIN_TOKEN', 'admin_token'],
        ['OPENAI_API_KEY', 'openai_api_key'],
      ]) {
        expect(service.environment[variable]).toBeUndefined();
        expect(service.environment[`${variable}_FILE`]).toBe(`/run/secrets/${secret}`);
        expect(service.secrets).toContain(secret);
        expect(compose.secrets[secret]).toEqual({ environment: variable });
      }
    }
    // docker/init-env.sh writes each of them (generated once) into docker/.env.
    const init = read('docker/init-env.sh');
    for (const variable of ['TOKEN_SECRET', 'ADMIN_TOKEN', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD']) {
      expect(init).toMatch(new RegExp(`^${variable}=`, 'm'));
    }
    expect(init).toContain('if [ -f .env ]; then');
  });

  it('lets every configuration variable through: docker/lectern.env for any of them, docker/.env for the ones it sets', () => {
    const variables = configVariables();
    expect(variables).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'TOKEN_SECRET', 'QUEUE_PREFIX', 'CORS_ORIGINS', 'S3_BUCKET', 'LOG_FORMAT']),
    );
    for (const name of APP_SERVICES) {
      const service = compose.services[name];
      expect(service.env_file).toEqual([{ path: './lectern.env', required: false }]);
      for (const [key, value] of Object.entries(service.environment)) {
        if (key.endsWith('_FILE')) continue;
        // Set here (so it wins over env_file), but from docker/.env or the shell when given there.
        expect({ key, value }).toEqual({ key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}:-.+\\}$`)) });
        expect(variables).toContain(key);
      }
    }
    const example = read('docker/lectern.env.example');
    const named = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((key) => !variables.includes(key))).toEqual([]);
  });
});

describe('docker/compose.dev.yml', () => {
  it('serves PostgreSQL and Redis on 127.0.0.1 only, with the role and ports of the scripts’ default URLs', () => {
    expect(Object.keys(dev.services).sort()).toEqual(['postgres', 'redis']);
    expect(dev.services.postgres.ports).toEqual(['127.0.0.1:${LECTERN_DEV_PG_PORT:-5432}:5432']);
    expect(dev.services.redis.ports).toEqual(['127.0.0.1:${LECTERN_DEV_REDIS_PORT:-6379}:6379']);
    expect(dev.services.postgres.environment).toMatchObject({ POSTGRES_USER: 'postgres', POSTGRES_DB: 'lectern' });
    const defaultUrl = 'postgres://postgres@127.0.0.1:5432/lectern';
    expect(read('scripts/start.sh')).toContain(`DATABASE_URL="\${DATABASE_URL:-${defaultUrl}}"`);
    expect(read('scripts/lib/services.sh')).toContain(`_SVC_DEFAULT_DATABASE_URL="${defaultUrl}"`);
    expect(read('scripts/test.sh')).toContain('postgres://postgres@127.0.0.1:5432/postgres');
  });
});

describe('pinned versions', () => {
  const images = (file: ComposeFile): string[] => Object.values(file.services).flatMap((s) => (s.image ? [s.image] : []));

  it('pins every third-party image to a full version, the same in both compose files', () => {
    const thirdParty = [...images(compose), ...images(dev)].filter((image) => !image.startsWith('lectern:'));
    expect(thirdParty.length).toBeGreaterThanOrEqual(5);
    for (const image of thirdParty) expect(image).toMatch(/^[a-z0-9./-]+:(\d+\.\d+\.\d+)(-[a-z0-9.]+)?$/);
    expect(dev.services.postgres.image).toBe(compose.services.postgres.image);
    expect(dev.services.redis.image).toBe(compose.services.redis.image);
  });

  it('tests in CI with the images and the Node version that the deployment runs', () => {
    const job = ci.jobs.test;
    expect(job.services.postgres.image).toBe(compose.services.postgres.image);
    expect(job.services.redis.image).toBe(compose.services.redis.image);
    const node = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-bookworm-slim$/m.exec(read('docker/Dockerfile'));
    expect(node?.[1]).toBeDefined();
    expect(read('scripts/lib/toolchain.sh')).toContain(`LECTERN_NODE_VERSION="\${LECTERN_NODE_VERSION:-${node?.[1]}}"`);
    const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setupNode?.with?.['node-version']).toBe(node?.[1]);
  });
});

describe('.github/workflows/ci.yml', () => {
  it('grants nx-set-shas what it reads, keeps the Nx cache, and fails on any skipped fault test', () => {
    expect(ci.permissions).toEqual({ contents: 'read', actions: 'read' });
    const steps = ci.jobs.test.steps;
    expect(steps.some((s) => s.uses?.startsWith('nrwl/nx-set-shas'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/cache') && s.with?.path === '.nx/cache')).toBe(true);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npx nx run backend:integration');
    expect(runs).toContain('node scripts/check-fault-tests.mjs');
    expect(runs).not.toMatch(/\|\| true/);
  });

  it('builds the image and validates the compose files', () => {
    const runs = ci.jobs.docker.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('docker build -f docker/Dockerfile');
    expect(runs).toContain('docker compose -f docker/compose.yml config');
    expect(runs).toContain('docker compose -f docker/compose.dev.yml config');
  });
});
