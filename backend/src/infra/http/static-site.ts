import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SpaFallback } from '../errors/http-exception.filter';
import { CompressedAssets, acceptedEncoding, compressPage } from './compression';
import { SERVER_RENDERED, loadPageRenderer, type PageRenderer } from './ssr';

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

/** Hashed bundles (`main-Q6ISOQ3C.js`, `chunk-D_v76r4_.js`, `styles-XG37JRJS.css`) never change. */
const HASHED = /\.[0-9A-Za-z]{8,}\.(js|css|woff2?)$|-[0-9A-Za-z_-]{8}\.(js|css)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The app's page: `index.csr.html` when it was built with its server bundle, else `index.html`. */
const INDEX_FILES = ['index.csr.html', 'index.html'];

/** A Host header fit for a canonical URL (anything else is someone's trick: the page is rendered for localhost). */
const HOST = /^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/**
 * Serves the built Angular app from `dir` on the API's port. Unknown GETs that
 * a browser makes for app routes (Accept: text/html) get the app's page so
 * deep links and reloads work; API paths keep their JSON 404s. The public
 * book (`/book`, `/lessons/:slug`, `/search`) is rendered on the server when
 * the build has its server bundle (ssr.ts); the browser then hydrates it.
 */
export async function registerStaticSite(
  fastify: FastifyInstance,
  dir: string,
  imageOrigins: ImageOriginsSource = () => Promise.resolve([]),
): Promise<SpaFallback | undefined> {
  const root = resolve(dir);
  const indexFile = INDEX_FILES.find((name) => existsSync(join(root, name)));
  if (!indexFile) return undefined;
  const index = join(root, indexFile);
  const logger = new Logger('SSR');
  const renderer: PageRenderer | undefined = await loadPageRenderer(fastify, root);
  // Loaded only when there is a site to serve (the plugin pulls in ES-module-only dependencies).
  const { default: fastifyStatic } = await import('@fastify/static');
  await fastify.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    // Hashed bundles never change; index.html must always be revalidated.
    setHeaders: (reply, path) => {
      void reply.header('cache-control', HASHED.test(path) ? IMMUTABLE : 'no-cache');
    },
  });
  const compressed = new CompressedAssets(root);
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (request.method === 'GET' && HASHED.test(path) && compressed.serve(request, reply, path, IMMUTABLE)) return;
    done();
  });
  const html = readFileSync(index, 'utf8');
  let known: { origins: string[]; csp: string; until: number } | undefined;
  const currentOrigins = async (): Promise<{ origins: string[]; csp: string }> => {
    if (known && known.until > Date.now()) return known;
    // Without the list (database away) the page still loads, with images from this origin only.
    const origins = await imageOrigins().catch(() => [] as string[]);
    known = { origins, csp: contentSecurityPolicy(html, origins), until: Date.now() + POLICY_TTL_MS };
    return known;
  };
  const sendIndex = async (reply: FastifyReply): Promise<void> => {
    const { csp } = await currentOrigins();
    await reply.header('cache-control', 'no-cache').header('content-security-policy', csp).sendFile(indexFile, root);
  };
  const sendRendered = async (request: FastifyRequest, reply: FastifyReply, render: PageRenderer): Promise<void> => {
    const host = request.host;
    const origin = `${request.protocol}://${HOST.test(host) ? host : 'localhost'}`;
    const page = await render.render(request.url, origin).catch((error: unknown) => {
      logger.warn(`${request.url} rendered in the browser instead: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (!page) return sendIndex(reply);
    const { origins } = await currentOrigins();
    const etag = `"${createHash('sha256').update(page.html).digest('base64url').slice(0, 27)}"`;
    void reply
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('content-security-policy', contentSecurityPolicy(page.html, origins));
    if (page.status === 200 && request.headers['if-none-match'] === etag) {
      await reply.status(304).send();
      return;
    }
    const encoding = acceptedEncoding(request);
    if (encoding) void reply.header('content-encoding', encoding).header('vary', 'accept-encoding');
    await reply.status(page.status).type('text/html; charset=utf-8').send(compressPage(page.html, encoding));
  };
  // The app's page is served for `/` too (the static plugin serves files only, never the index by itself).
  return (request: FastifyRequest, reply: FastifyReply): boolean => {
    const [path, query = ''] = request.url.split('?');
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    if (!String(request.headers.accept ?? '').includes('text/html') && /\.[a-z0-9]+$/i.test(path)) return false;
    // A learner's Personalized view is theirs alone: rendered in the browser.
    const personal = new URLSearchParams(query).get('view') === 'personalized';
    if (renderer && !personal && SERVER_RENDERED.test(path)) void sendRendered(request, reply, renderer);
    else void sendIndex(reply);
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
  // Inline scripts that run (not data blocks such as Angular's `<script type="application/json">` state).
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*\btype="application\/json")[^>]*>([\s\S]*?)<\/script>/gi)]
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
