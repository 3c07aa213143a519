import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SpaFallback } from '../errors/http-exception.filter';

/** Paths that belong to the server, never to the Angular router. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/admin'];

/**
 * Serves the built Angular app from `dir` on the API's port. Unknown GETs that
 * a browser makes for app routes (Accept: text/html) get index.html so deep
 * links and reloads work; API paths keep their JSON 404s.
 */
export async function registerStaticSite(fastify: FastifyInstance, dir: string): Promise<SpaFallback | undefined> {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return undefined;
  // Loaded only when there is a site to serve (the plugin pulls in ES-module-only dependencies).
  const { default: fastifyStatic } = await import('@fastify/static');
  await fastify.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    // Hashed bundles never change; index.html must always be revalidated.
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        /\.[0-9A-Za-z]{8,}\.(js|css|woff2?)$|-[0-9A-Z]{8}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (request: FastifyRequest, reply: FastifyReply): boolean => {
    const path = request.url.split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    if (!String(request.headers.accept ?? '').includes('text/html') && /\.[a-z0-9]+$/i.test(path)) return false;
    void reply.header('cache-control', 'no-cache').sendFile('index.html', root);
    return true;
  };
}
