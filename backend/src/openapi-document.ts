import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, openApiDocument, openApiJson } from '@lectern/infra';
import { AppModule } from './app.module';
import { CONFIG_SLICES } from './config-slices';

/** Where the committed OpenAPI document lives (relative to the workspace root). */
export const OPENAPI_PATH = 'backend/openapi.json';

/**
 * The api's OpenAPI document, generated from the code: the api's module tree
 * in Nest's preview mode (controllers and their metadata, no provider is
 * created, so no database, Redis or environment is needed). The settings are
 * fixed placeholders, never the environment's, so the document is the same
 * on every machine.
 */
export async function generateOpenApiJson(): Promise<string> {
  const config = loadConfig(
    {},
    {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://openapi@127.0.0.1:5432/openapi',
      TOKEN_SECRET: 'openapi-document-generation-placeholder',
      ADMIN_TOKEN: 'openapi-placeholder',
      LOG_LEVEL: 'error',
    },
    CONFIG_SLICES,
  );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return openApiJson(openApiDocument(app));
  } finally {
    await app.close();
  }
}
