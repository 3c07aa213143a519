import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SpaFallback } from '../errors/http-exception.filter';

/** Paths that belong to the server, never to the Angular router. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/admin'];

/** Origins (scheme://host[:port]) the book's lessons load images from; the page may load images from them. */
export type ImageOriginsSource = () => Promise<string[]>;

/**
 * Where the app finds its ImageOriginsSource: provided by the domain that
 * knows the book's images (content), so infra reads no domain's table.
 */
export const IMAGE_ORIGINS = Symbol('IMAGE_ORIGINS');

/** How long the page's policy is reused before the image origins are read again (a sync shows within this). */
const POLICY_TTL_MS = 60_000;

/**
 * Serves the built Angular app from `dir` on the API's port. Unknown GETs that
 * a browser makes for app routes (Accept: text/html) get index.html so deep
 * links and reloads work; API paths keep their JSON 404s.
 */
export async function registerStaticSite(
  fastify: FastifyInstance,
  dir: string,
  imageOrigins: ImageOriginsSource = () => Promise.resolve([]),
): Promise<SpaFallback | undefined> {
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
  const html = readFileSync(index, 'utf8');
  let policy: { csp: string; until: number } | undefined;
  const currentPolicy = async (): Promise<string> => {
    if (policy && policy.until > Date.now()) return policy.csp;
    // Without the list (database away) the page still loads, with images from this origin only.
    const origins = await imageOrigins().catch(() => [] as string[]);
    policy = { csp: contentSecurityPolicy(html, origins), until: Date.now() + POLICY_TTL_MS };
    return policy.csp;
  };
  // index.html served for `/` too (the static plugin serves files only, never the index by itself).
  return (request: FastifyRequest, reply: FastifyReply): boolean => {
    const path = request.url.split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    if (!String(request.headers.accept ?? '').includes('text/html') && /\.[a-z0-9]+$/i.test(path)) return false;
    void currentPolicy().then((csp) =>
      reply.header('cache-control', 'no-cache').header('content-security-policy', csp).sendFile('index.html', root),
    );
    return true;
  };
}

/**
 * The app page's content security policy: scripts only from this origin plus
 * the page's own inline scripts, allowed by their SHA-256 (Angular's build
 * inlines a small theme script and critical CSS); images only from this
 * origin and the hosts the book's own lessons use (a rewrite cannot load a
 * tracking pixel from anywhere else); no plugins, no framing.
 */
export function contentSecurityPolicy(html: string, imageOrigins: readonly string[] = []): string {
  // Only well-formed http(s) origins reach the header (a stray `;` or space would change the policy).
  const images = imageOrigins.filter((o) => /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i.test(o));
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1])
    .filter((body) => body.trim().length > 0)
    .map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data:", ...images].join(' '),
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
