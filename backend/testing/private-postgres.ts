import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './free-port';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, on
 * a free loopback port), so a test can stop and restart it without touching
 * the shared one. Needs the server binaries (see `postgresBinDir`); as root it
 * runs them as the `postgres` user.
 */
export interface PrivatePostgres {
  port: number;
  /** The superuser initdb created (trusted on the loopback interface, no password). */
  superuser: string;
  /** URL of a database on it, e.g. `url('lectern')`. */
  url(database?: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /** Name of the superuser initdb creates (default `postgres`). */
  superuser?: string;
}

const hasServer = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where PostgreSQL's server binaries (initdb, pg_ctl) are, wherever the
 * machine keeps them: `PG_BIN` if set; else `pg_config --bindir`; else the
 * PATH; else the newest `/usr/lib/postgresql/<major>/bin` (Debian and Ubuntu
 * put them there, off the PATH). Undefined when none has both.
 */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return hasServer(process.env.PG_BIN) ? process.env.PG_BIN : undefined;
  const candidates = [pgConfigBinDir(), ...(process.env.PATH ?? '').split(delimiter)];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((v) => join(debian, v, 'bin')));
  }
  return candidates.find((dir): dir is string => Boolean(dir) && hasServer(dir as string));
}

export function privatePostgresAvailable(): boolean {
  return postgresBinDir() !== undefined;
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: not in PG_BIN, `pg_config --bindir`, the PATH or /usr/lib/postgresql/*/bin. ' +
        'Install the PostgreSQL server package (Debian/Ubuntu: postgresql) or set PG_BIN to the directory that holds them.',
    );
  }
  const superuser = options.superuser ?? 'postgres';
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'lectern-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const as = (binary: string, args: string[]) =>
    root ? run('runuser', ['-u', 'postgres', '--', join(bin, binary), ...args]) : run(join(bin, binary), args);
  await as('initdb', ['-D', data, '--auth=trust', `--username=${superuser}`, '--encoding=UTF8', '--no-sync']);
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  const start = async (): Promise<void> => {
    await as('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
  };
  const stop = async (): Promise<void> => {
    await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  await start();
  const url = (database = 'postgres') => `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    superuser,
    url,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      await run('rm', ['-rf', dir]);
    },
  };
}

/** Creates a database on a server (through its maintenance database). */
export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
