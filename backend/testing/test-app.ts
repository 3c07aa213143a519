import type { DynamicModule, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

/** Unique per test process: keeps queues and stored files of parallel runs apart. */
export const RUN_ID = `lectern-test-${process.pid}-${randomBytes(3).toString('hex')}`;
import { createHttpApp, InfraModule, loadConfig, type AppConfig } from '@lectern/infra';

/** A valid configuration for tests: the run's database, local Redis, fixed secrets. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(
    {},
    {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
      ADMIN_TOKEN: 'test-admin-token-0123456789',
      LOG_LEVEL: 'error',
      FRONTEND_DIST: '',
      // Tests create many learners from one address; the limits have tests of their own.
      USER_CREATE_PER_IP_PER_HOUR: '1000000',
      WORKER_METRICS_PORT: '0',
      // Each test run has its own queues and content store, never a developer's.
      QUEUE_PREFIX: RUN_ID,
      CONTENT_STORE_DIR: join(tmpdir(), RUN_ID, 'content-store'),
      ...overrides,
    },
  );
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * Boots the real HTTP stack (Fastify, validation, error filter) with the
 * infrastructure and the given modules, against the run's database. `imports`
 * may be a list of modules (wrapped with the infrastructure) or a function
 * building the whole root module from the config (e.g. `AppModule.forRoot`).
 * Requests go through `app.inject()`; no port is opened.
 */
export async function createTestApp(
  imports: Array<Type<unknown> | DynamicModule> | ((config: AppConfig) => DynamicModule),
  overrides: Record<string, string> = {},
): Promise<TestApp> {
  const config = testConfig(overrides);
  @Module({})
  class TestRootModule {}
  const root: DynamicModule =
    typeof imports === 'function' ? imports(config) : { module: TestRootModule, imports: [InfraModule.forRoot(config), ...imports] };
  const app = await createHttpApp(root, config, { requestLog: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, dataSource: app.get<DataSource>(getDataSourceToken()), close: () => app.close() };
}
