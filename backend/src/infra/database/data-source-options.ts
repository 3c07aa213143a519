import type { DataSourceOptions } from 'typeorm';

/** Connection settings shared by the app, the CLI and the test set-up. */
export function dataSourceOptions(url: string): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no uuid-ossp needed.
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    migrationsTableName: 'migrations',
    applicationName: 'lectern',
    extra: {
      max: 10,
      connectionTimeoutMillis: 5_000,
      // Statements that hang (a lock, a dead server) fail instead of holding a request forever.
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
    },
  };
}
