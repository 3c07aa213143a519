// Creates the database named in a postgres:// URL if it does not exist yet
// (connecting to the server's `postgres` maintenance database).
import pg from 'pg';

const url = new URL(process.argv[2]);
const name = decodeURIComponent(url.pathname.slice(1));
if (!/^[A-Za-z0-9_]+$/.test(name)) {
  console.error(`Refusing to create a database with an unusual name: ${name}`);
  process.exit(1);
}
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
try {
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE "${name}"`);
    console.log(`Created database ${name}.`);
  }
} catch (error) {
  console.error(`Could not reach PostgreSQL at ${url.host} to check database ${name}: ${error.message}`);
  process.exit(1);
} finally {
  await client.end().catch(() => {});
}
