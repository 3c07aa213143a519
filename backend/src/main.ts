import './compile-cache';
import { Logger } from '@nestjs/common';
import { ConfigError, createHttpApp } from '@lectern/infra';
import { AppModule } from './app.module';
import { loadAppConfig } from './config-slices';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const app = await createHttpApp(AppModule.forRoot(config), config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  Logger.log(`Lectern API listening on http://${shown}:${config.PORT} (docs: /api/docs)`, 'Main');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee README.md, "Configuration".\n`);
  } else {
    process.stderr.write(`Lectern API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
