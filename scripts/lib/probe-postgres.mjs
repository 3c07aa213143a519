// Probes the PostgreSQL server named by a postgres:// URL, the way npm start
// and npm test decide what (if anything) to install:
//
//   node scripts/lib/probe-postgres.mjs postgres://user@host:port/db
//
// Prints `major=<server major version>` and one human line, and exits with
//   0  reachable, and `CREATE EXTENSION vector` works there (tried in a
//      transaction that is rolled back: nothing is left behind)
//   2  nothing answers at that address (connection refused, timeout, DNS)
//   3  reachable, but the vector extension is not installed on that server
//   4  reachable, but this role may not create the extension
//   5  something answers but refuses this connection (unknown role, password, SSL…)
// The URL's database may not exist yet (npm start creates it): the probe then
// uses the server's `postgres` maintenance database.
import pg from 'pg';

const raw = process.argv[2];
if (!raw) {
  console.error('usage: node scripts/lib/probe-postgres.mjs <postgres:// URL>');
  process.exit(64);
}
const url = new URL(raw);
const where = `${url.hostname || 'localhost'}:${url.port || 5432}`;
const role = decodeURIComponent(url.username) || process.env.PGUSER || 'the default role';
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

async function connect(connectionString) {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function done(code, message) {
  console.log(message);
  process.exit(code);
}

let client;
try {
  try {
    client = await connect(raw);
  } catch (error) {
    if (error?.code !== '3D000') throw error; // database does not exist (yet)
    const maintenance = new URL(raw);
    maintenance.pathname = '/postgres';
    client = await connect(maintenance.toString());
  }
} catch (error) {
  const timedOut = /timeout/i.test(String(error?.message));
  if (UNREACHABLE.has(error?.code) || timedOut) {
    done(2, `nothing accepts PostgreSQL connections at ${where} (${error.code ?? error.message})`);
  }
  done(5, `the server at ${where} refused ${role}: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ''}`);
}

try {
  const { rows } = await client.query('SHOW server_version_num');
  const major = Math.floor(Number(rows[0].server_version_num) / 10_000);
  console.log(`major=${major}`);
  await client.query('BEGIN');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    done(0, `CREATE EXTENSION vector works at ${where} (PostgreSQL ${major}, role ${role})`);
  } catch (error) {
    // 0A000/58P01: the extension's files are not installed on that server.
    if (error.code === '0A000' || error.code === '58P01') {
      done(3, `PostgreSQL ${major} at ${where} answers, but pgvector is not installed there (${error.message})`);
    }
    if (error.code === '42501') {
      done(4, `PostgreSQL ${major} at ${where} has pgvector, but role ${role} may not create extensions (${error.message})`);
    }
    done(5, `CREATE EXTENSION vector failed at ${where}: ${error.message}`);
  }
} finally {
  await client.query('ROLLBACK').catch(() => undefined);
  await client.end().catch(() => undefined);
}
