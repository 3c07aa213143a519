// Starts the real, built Lectern (dist/backend/main.js serving dist/frontend)
// on a free loopback port against a fresh database, for one browser test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LOG_LIMIT_BYTES = 5 * 1024 * 1024;

export interface RunningLectern {
  baseUrl: string;
  adminToken: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs a built entry point to completion (e.g. the CLI), failing with its output. */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${output}`);
}

/** Pipes a child's output to a size-capped log file under test-results/. */
function capture(child: ChildProcess, name: string): void {
  const dir = join(ROOT, 'test-results', 'e2e-logs');
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, `${name}.log`));
  let written = 0;
  const write = (chunk: Buffer): void => {
    if (written >= LOG_LIMIT_BYTES) return;
    written += chunk.length;
    out.write(chunk);
  };
  child.stdout?.on('data', write);
  child.stderr?.on('data', write);
  child.on('exit', () => out.end());
}

export interface StartOptions {
  /** The book folder to import (default: the sample book in content/). */
  book?: string;
  /** Also run a queue worker (dist/backend/worker.js), for personalization. */
  worker?: boolean;
  /** More environment, e.g. OPENAI_BASE_URL of a fake LLM. */
  env?: Record<string, string>;
}

export async function startLectern(name: string, options: StartOptions = {}): Promise<RunningLectern> {
  const database = `lectern_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${database}"`));
  const port = await freePort();
  const adminToken = `e2e-admin-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: adminToken,
    FRONTEND_DIST: join(ROOT, 'dist/frontend/browser'),
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `e2e-${database}`,
    USER_CREATE_PER_IP_PER_HOUR: '100000',
    WORKER_METRICS_PORT: '0',
    CONTENT_STORE_DIR: join(ROOT, 'test-results', 'e2e-store', database),
    ...options.env,
  };
  await runToEnd(['dist/backend/cli.js', 'migrate'], env);
  await runToEnd(['dist/backend/cli.js', 'content', 'sync', options.book ?? join(ROOT, 'content'), '--json'], env);
  const worker = options.worker
    ? spawn(process.execPath, ['dist/backend/worker.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : undefined;
  if (worker) capture(worker, `${name}-worker`);
  const api = spawn(process.execPath, ['dist/backend/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  capture(api, `${name}-api`);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000; // a busy machine boots slowly
  for (;;) {
    if (api.exitCode !== null) throw new Error(`The API exited with ${api.exitCode}; see test-results/e2e-logs/${name}-api.log`);
    const ok = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('The API did not become ready within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    adminToken,
    databaseUrl: env.DATABASE_URL as string,
    async stop() {
      for (const child of [api, worker]) {
        if (child && child.exitCode === null) {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        }
      }
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    },
  };
}
