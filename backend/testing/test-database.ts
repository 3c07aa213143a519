import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
// Jest loads global set-up outside its module resolver, so these two imports are
// relative (the tsconfig path aliases do not apply there).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { dataSourceOptions } from '../src/infra/database/data-source-options';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { migrations } from '../../migrations';

/** Where the test run may create and drop its own databases (the server's maintenance database). */
export function adminUrl(): string {
  const base = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  return base;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Applies every migration to the database at `url`. */
export async function migrateDatabase(url: string): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrations });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Creates a fresh, migrated database for one test run; returns its URL. */
export async function createTestDatabase(prefix = 'lectern_test'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl(), name);
  await migrateDatabase(url);
  return { name, url };
}

export async function dropTestDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
