import type { DynamicModule, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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
 * infrastructure and the given domain modules, against the run's database.
 * Requests go through `app.inject()`; no port is opened.
 */
export async function createTestApp(
  imports: Array<Type<unknown> | DynamicModule>,
  overrides: Record<string, string> = {},
): Promise<TestApp> {
  const config = testConfig(overrides);
  @Module({})
  class TestRootModule {}
  const root: DynamicModule = { module: TestRootModule, imports: [InfraModule.forRoot(config), ...imports] };
  const app = await createHttpApp(root, config, { requestLog: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, dataSource: app.get<DataSource>(getDataSourceToken()), close: () => app.close() };
}
