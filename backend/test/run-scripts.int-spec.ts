import { freePort, RUN_ID, startPrivatePostgres, type PrivatePostgres } from '@lectern/testing';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Everything the bootstrap could install or build with: each stub records its call and fails. */
const PROVISIONING = ['apt-get', 'apt-cache', 'dpkg-query', 'make', 'gcc', 'pg_createcluster', 'pg_ctlcluster'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/**
 * npm start's and npm test's service detection (scripts/lib/services.sh,
 * `ensure_services`) against a PostgreSQL that is not the machine's usual one:
 * a private server on another port whose only superuser is not `postgres`,
 * with pgvector available (as a container or a managed database would be).
 * Detection must use it as it is (no apt, no build), and Lectern must start on it.
 */
describe('npm start with services reached through DATABASE_URL', () => {
  let pg: PrivatePostgres;
  let stubs: string;
  let calls: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    pg = await startPrivatePostgres({ superuser: 'lectern_owner' });
    stubs = mkdtempSync(join(tmpdir(), 'lectern-stubs-'));
    calls = join(stubs, 'calls.log');
    for (const name of PROVISIONING) {
      const path = join(stubs, name);
      writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> "${calls}"\nexit 97\n`);
      chmodSync(path, 0o755);
    }
    env = {
      PATH: [stubs, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
      HOME: process.env.HOME,
      DATABASE_URL: pg.url('lectern'),
      REDIS_URL,
    };
  }, 120_000);
  afterAll(async () => {
    await pg?.destroy();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  const provisioningCalls = (): string => (existsSync(calls) ? readFileSync(calls, 'utf8') : '');

  it('finds the server, its role and pgvector ready, and installs or builds nothing', async () => {
    const result = await run('bash', ['-c', 'source scripts/lib/services.sh && ensure_services'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^postgres: PostgreSQL \\d+ answers at 127\\.0\\.0\\.1:${pg.port} \\(DATABASE_URL\\), nothing to install or start$`, 'm'),
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `^pgvector: CREATE EXTENSION vector works at 127\\.0\\.0\\.1:${pg.port} \\(PostgreSQL \\d+, role lectern_owner\\), nothing needed$`,
        'm',
      ),
    );
    expect(provisioningCalls()).toBe('');

    // The probe tried CREATE EXTENSION in a transaction it rolled back: nothing was left on the server.
    const client = new Client({ connectionString: pg.url('postgres') });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_extension WHERE extname = 'vector'");
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('refuses a role the server does not know with a message naming it, and installs nothing', async () => {
    const result = await run('bash', ['-c', 'source scripts/lib/services.sh && ensure_services'], {
      ...env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pg.port}/lectern`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`postgres: the server at 127.0.0.1:${pg.port} refused postgres: role "postgres" does not exist`);
    expect(result.stderr).toContain('nothing was installed or started');
    expect(provisioningCalls()).toBe('');
  });

  it('then starts on it: database created, migrations applied (pgvector included), api and worker on one port, Ctrl-C stops both', async () => {
    const lectern: NodeJS.ProcessEnv = {
      ...env,
      NODE_ENV: 'production',
      TOKEN_SECRET: `run-scripts-${RUN_ID}`.padEnd(40, 'x'),
      ADMIN_TOKEN: `admin-${RUN_ID}`.padEnd(20, 'x'),
      QUEUE_PREFIX: `scripts-${RUN_ID}`.slice(0, 40),
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      CONTENT_STORE_DIR: mkdtempSync(join(tmpdir(), 'lectern-store-')),
      FRONTEND_DIST: '',
    };
    const created = await run(process.execPath, ['scripts/lib/ensure-database.mjs', pg.url('lectern')], lectern);
    expect(created).toMatchObject({ code: 0, stdout: 'Created database lectern.\n' });
    const migrated = await run(process.execPath, ['dist/backend/cli.js', 'migrate'], lectern);
    expect(migrated.code).toBe(0);

    const port = await freePort();
    const serve = spawn(process.execPath, ['scripts/lib/serve.mjs'], {
      cwd: ROOT,
      env: { ...lectern, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((done) => serve.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes(`Lectern is running:  http://127.0.0.1:${port}`)) done();
      };
      serve.stdout.on('data', onData);
      serve.stderr.on('data', onData);
      serve.once('exit', (code) => fail(new Error(`serve.mjs exited ${code} before printing the URL:\n${output}`)));
    });
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const { rows } = await (async () => {
      const client = new Client({ connectionString: pg.url('lectern') });
      await client.connect();
      try {
        return await client.query<{ extname: string }>("SELECT extname FROM pg_extension WHERE extname = 'vector'");
      } finally {
        await client.end();
      }
    })();
    expect(rows).toEqual([{ extname: 'vector' }]);

    serve.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output).toContain('Stopping Lectern');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(provisioningCalls()).toBe('');
    // Migrating, then an api and a worker starting cold (serve.mjs itself waits up to 120 s): minutes on a loaded machine.
  }, 300_000);
});

/** scripts/check-fault-tests.mjs, which npm test runs after the integration tier, against made-up results. */
describe('the fault-test check', () => {
  const FAULT_FILES = [
    'backend/test/postgres-restart.int-spec.ts',
    'backend/test/redis-outage.int-spec.ts',
    'backend/test/worker-failover.int-spec.ts',
  ];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-results-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const results = (name: string, suites: Array<{ file: string; statuses: string[] }>): void => {
    mkdirSync(dir, { recursive: true });
    const testResults = suites.map(({ file, statuses }) => ({
      name: join(ROOT, file),
      assertionResults: statuses.map((status, i) => ({ status, fullName: `${file} test ${i}` })),
    }));
    writeFileSync(join(dir, name), JSON.stringify({ testResults }));
  };
  const check = (): Promise<Run> => run(process.execPath, ['scripts/check-fault-tests.mjs', '--dir', dir], { PATH: process.env.PATH });

  it('passes when every fault test ran and nothing was skipped', async () => {
    results('backend.json', [
      ...FAULT_FILES.map((file) => ({ file, statuses: ['passed'] })),
      { file: 'backend/test/app.int-spec.ts', statuses: ['passed'] },
    ]);
    const result = await check();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 fault-test files passed, no integration test skipped (4 passed in all)');
  });

  it('fails when a fault test skipped itself', async () => {
    results('backend.json', [
      { file: FAULT_FILES[0], statuses: ['pending'] },
      ...FAULT_FILES.slice(1).map((file) => ({ file, statuses: ['passed'] })),
    ]);
    const result = await check();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${FAULT_FILES[0]}: "${FAULT_FILES[0]} test 0" was pending, not run`);
    expect(result.stderr).toContain(`${FAULT_FILES[0]}: the fault test did not pass`);
  });

  it('fails when any other integration test is skipped, or a fault-test file is missing from the run', async () => {
    results(
      'backend.json',
      FAULT_FILES.slice(0, 2).map((file) => ({ file, statuses: ['passed'] })),
    );
    results('backend-search.json', [{ file: 'backend/src/modules/search/search.int-spec.ts', statuses: ['passed', 'todo'] }]);
    const result = await check();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('search.int-spec.ts test 1" was todo, not run');
    expect(result.stderr).toContain(`${FAULT_FILES[2]}: the fault test did not pass`);
  });

  it('fails when there are no results at all', async () => {
    const result = await check();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no integration results');
  });
});
