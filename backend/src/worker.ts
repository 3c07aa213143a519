import './compile-cache';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, createLogger, isAdmin, MetricsService, type AppConfig } from '@lectern/infra';
import { createServer } from 'node:http';
import { loadAppConfig } from './config-slices';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: createLogger(config, 'Worker') });
  app.enableShutdownHooks();
  if (config.WORKER_METRICS_PORT > 0) serveMetrics(app.get(MetricsService), config);
  Logger.log('Lectern worker started', 'Worker');
}

/** The worker's own Prometheus endpoint (job durations, LLM calls, tokens and cost of this process). */
function serveMetrics(metrics: MetricsService, config: AppConfig): void {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
    } else if (config.METRICS_AUTH !== 'none' && !isAdmin({ headers: request.headers }, config.ADMIN_TOKEN)) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="Lectern metrics"' }).end();
    } else {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    }
  });
  server.on('error', (error) => Logger.warn(`Worker metrics not served on port ${config.WORKER_METRICS_PORT}: ${error.message}`, 'Worker'));
  server.listen(config.WORKER_METRICS_PORT, config.HOST, () =>
    Logger.log(`Worker metrics on http://${config.HOST}:${config.WORKER_METRICS_PORT}/metrics`, 'Worker'),
  );
  server.unref();
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `Lectern worker failed to start: ${String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
