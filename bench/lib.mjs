// Shared helpers for the benchmarks: a fresh database, the built processes,
// the repo's fake OpenAI server, percentiles and a simple closed-loop load
// generator (fetch with keep-alive). Loopback only; every loop is bounded.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const ROOT = resolve(import.meta.dirname, '..');
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The one freePort (backend/testing); Node strips its types.
import { freePort } from '../backend/testing/free-port.ts';
export { freePort };

export async function freshDatabase(prefix) {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async query(sql, params) {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The environment the built api/worker/cli need, for a database of the bench's own. */
export function lecternEnv(databaseUrl, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: randomBytes(16).toString('hex'),
    QUEUE_PREFIX: `bench-${process.pid}`,
    CONTENT_STORE_DIR: mkdtempSync(join(tmpdir(), 'lectern-bench-store-')),
    LOG_LEVEL: 'warn',
    USER_CREATE_PER_IP_PER_HOUR: '1000000',
    WORKER_METRICS_PORT: '0',
    ...extra,
  };
}

export function run(script, args, env) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`${script} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/** Starts a long-running process; resolves once `ready()` answers true (within `timeoutMs`: more on a loaded machine). */
// Generous by default, like the browser tests: a loaded 2-core machine has taken 40 s to start the API.
export async function startProcess(args, env, ready, label, timeoutMs = 120_000) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${label} exited ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`${label} did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Closed-loop load: `connections` loops each sending requests back to back for `seconds`. */
export async function load({ seconds, connections, request }) {
  const latencies = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await request();
          await res.arrayBuffer();
          if (!res.ok) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/**
 * The LLM an evaluation runs against: `fake` starts the repository's fake
 * OpenAI server on a free port (stop it with `stop()`), `env` passes on the
 * named provider variables of this environment.
 */
export async function evaluationProvider(provider, envKeys) {
  if (provider === 'env') {
    const llm = Object.fromEntries(envKeys.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
    return { llm, stop() {} };
  }
  const port = await freePort();
  const fake = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', join(ROOT, 'backend/testing/fake-openai/main.ts'), '--port', String(port)],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/v1`;
  for (let tries = 0; ; tries += 1) {
    const up = await fetch(`${url}/models`, { headers: { authorization: 'Bearer bench' } }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (tries > 100) {
      fake.kill('SIGTERM');
      throw new Error('the fake OpenAI server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { llm: { OPENAI_BASE_URL: url, OPENAI_API_KEY: 'bench' }, stop: () => fake.kill('SIGTERM') };
}
