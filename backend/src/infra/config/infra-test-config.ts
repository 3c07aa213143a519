import { AppConfig, loadConfig } from './app-config';

/**
 * Settings for infra's own tests against the real Redis: the run's REDIS_URL
 * (else its default), a key prefix of the test's own, and placeholders for the
 * required settings those tests never use. Imported by specs only.
 */
export function infraTestConfig(queuePrefix: string): AppConfig {
  return loadConfig(undefined, {
    NODE_ENV: 'test',
    QUEUE_PREFIX: queuePrefix,
    DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
    TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    ADMIN_TOKEN: 'test-admin-token-0123456789',
  });
}
