import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { createValidationPipe } from '../errors/validation';
import { createLogger } from './logger';
import { MetricsService } from '../metrics/metrics.service';
import { IMAGE_ORIGINS, registerStaticSite, type ImageOriginsSource } from './static-site';
import { clientErrorHandler, registerInputLimits } from './input-limits';
import { registerSecurityHeaders } from './security-headers';
import { openApiDocument } from './openapi';

export interface CreateAppOptions {
  /** Log HTTP requests (default true). */
  requestLog?: boolean;
}

/**
 * Builds the HTTP application the same way for `main.ts` and for the tests:
 * Fastify, one validation pipe, one error filter, OpenAPI at /api/docs,
 * request logs, and the Angular app on the same port.
 */
export async function createHttpApp(
  rootModule: Type<unknown> | DynamicModule,
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = createLogger(config);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    logger: false,
    routerOptions: { maxParamLength: 500 },
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, { logger, bufferLogs: false });
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  // Security headers on every answer (helmet's, worked out once); the Angular page gets its own content security policy (static-site.ts).
  registerSecurityHeaders(fastify);
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: false, maxAge: 600 });

  registerInputLimits(fastify, config);

  const metrics = app.get(MetricsService, { strict: false });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  if (options.requestLog !== false) {
    const http = createLogger(config, 'HTTP');
    fastify.addHook('onResponse', (request, reply, done) => {
      http.log({
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      });
      done();
    });
  }

  const dist = config.FRONTEND_DIST;
  const spaFallback = dist ? await registerStaticSite(fastify, dist, imageOriginsFrom(app)) : undefined;

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter(spaFallback));
  setUpOpenApi(app);
  return app;
}

/** The book's image origins, from whichever module provides IMAGE_ORIGINS (content); none when no module does. */
function imageOriginsFrom(app: INestApplication): ImageOriginsSource {
  return async () => {
    let source: ImageOriginsSource;
    try {
      source = app.get<ImageOriginsSource>(IMAGE_ORIGINS, { strict: false });
    } catch {
      return [];
    }
    return source();
  };
}

function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, openApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}
