import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createLogger, InfraModule, QueueModule, type AppConfig, type CliContext } from '@lectern/infra';
import type { DataSource } from 'typeorm';
import { DOMAIN_MODULES } from '../app.module';
import { loadAppConfig } from '../config-slices';

/** The CLI boots the api's modules without HTTP: same entities, services and event listeners. */
@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [InfraModule.forRoot(config), QueueModule.forRoot(), ...DOMAIN_MODULES] };
  }
}

/** The context every command gets: configuration read (and validated) on first use, so `help` and `openapi` need none. */
export class CliApp implements CliContext {
  private loaded?: AppConfig;

  get config(): AppConfig {
    this.loaded ??= loadAppConfig();
    return this.loaded;
  }

  async withApp<T>(run: (app: INestApplicationContext) => Promise<T>): Promise<T> {
    const config = this.config;
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
      logger: createLogger({ ...config, LOG_LEVEL: 'warn' }, 'CLI'),
    });
    try {
      return await run(app);
    } finally {
      await app.close();
    }
  }

  withDataSource<T>(run: (dataSource: DataSource) => Promise<T>): Promise<T> {
    return this.withApp((app) => run(app.get<DataSource>(getDataSourceToken())));
  }
}
