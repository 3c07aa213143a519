import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { finishPage } from './finish-page';

/** The pages the server renders (the public book); every other page is rendered in the browser. */
export const SERVER_RENDERED = /^\/(?:book|search|lessons\/[^/?#]+)\/?$/;

/** A render taking longer than this is abandoned: the browser renders the page instead. */
export const SSR_TIMEOUT_MS = 5000;

/** Rendered pages kept (path × origin), each with the API answers it was made from. */
const CACHE_ENTRIES = 200;

/** The built server bundle's entry (frontend/src/server.ts). */
export interface ServerBundle {
  renderPage(
    path: string,
    context: { origin: string; fetchApi(path: string): Promise<ApiAnswer> },
  ): Promise<Response | null>;
  warmUp?(): Promise<void>;
}

interface ApiAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface RenderedPage {
  status: number;
  html: string;
}

interface CacheEntry extends RenderedPage {
  /** The API answers the page was made from: path → SHA-256 of the body (and status). */
  sources: Map<string, string>;
}

/** Renders the public pages through the Angular app's server bundle; see README "Server-side rendering". */
export interface PageRenderer {
  /** The page at `path` (with its query) for a browser at `origin`; null when it is not rendered on the server. */
  render(path: string, origin: string): Promise<RenderedPage | null>;
}

const digest = (answer: ApiAnswer): string => `${answer.status}:${createHash('sha256').update(answer.body).digest('base64')}`;

/**
 * Loads `server/server.mjs` beside the browser build (`<dist>/../server`), or
 * returns undefined when the app was built without it (then every page is
 * rendered in the browser, as before). The app reads the API in-process
 * (`fastify.inject`: no socket, no HTTP parsing) and only the public book's
 * GETs (see frontend/src/app/ssr/request-context.ts).
 *
 * A page is cached with a digest of every API answer it was made from; a
 * later request reads those answers again (cheap: the API caches them) and
 * serves the cached HTML when none changed, so a re-synced lesson is rendered
 * afresh and never served stale.
 */
export async function loadPageRenderer(fastify: FastifyInstance, browserDir: string): Promise<PageRenderer | undefined> {
  const entry = join(resolve(browserDir), '..', 'server', 'server.mjs');
  if (!existsSync(entry)) return undefined;
  let listening!: () => void;
  const started = new Promise<void>((resolve) => (listening = resolve));
  // Loaded and warmed up once the API listens: start-up (and its readiness) does not wait for it.
  fastify.addHook('onListen', (done) => {
    listening();
    done();
  });
  const bundle = started.then(async () => {
    const loaded = (await importEsm(pathToFileURL(entry).href)) as ServerBundle;
    if (typeof loaded.renderPage !== 'function') throw new Error(`${entry} exports no renderPage`);
    return loaded;
  });
  const root = resolve(browserDir);
  const stylesheets = new Map<string, string | undefined>();
  // A hashed stylesheet never changes: read once (undefined when it is not there, and the page keeps its link).
  const readStylesheet = (file: string): string | undefined => {
    if (!stylesheets.has(file)) {
      const path = join(root, file);
      stylesheets.set(file, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    }
    return stylesheets.get(file);
  };
  return createPageRenderer((path) => fastify.inject({ method: 'GET', url: path, headers: { accept: 'application/json' } }), bundle, {
    finish: (html) => finishPage(html, readStylesheet),
  });
}

/** An in-process GET on the API (`fastify.inject`). */
export type InjectGet = (path: string) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;

export interface PageRendererOptions {
  /** A render taking longer is abandoned (default SSR_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Applied to each rendered page before it is cached and served (default: none). */
  finish?: (html: string) => string;
}

/** `bundle` may still be loading: renders wait for it (a bundle that fails to load fails each render: the browser renders). */
export function createPageRenderer(
  inject: InjectGet,
  bundle: ServerBundle | Promise<ServerBundle>,
  options: PageRendererOptions = {},
): PageRenderer {
  const timeoutMs = options.timeoutMs ?? SSR_TIMEOUT_MS;
  const finish = options.finish ?? ((html: string) => html);
  // In the background, as soon as the bundle is there: the first render otherwise pays for loading the app
  // (seconds on a busy machine).
  const ready = Promise.resolve(bundle).then(async (loaded) => {
    await withTimeout(loaded.warmUp?.() ?? Promise.resolve(), 60_000).catch(() => undefined);
    return loaded;
  });
  ready.catch(() => undefined); // reported by each render

  const fetchApi = async (path: string): Promise<ApiAnswer> => {
    const res = await inject(path);
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  };
  const cache = new Map<string, CacheEntry>();

  const fresh = async (entry: CacheEntry): Promise<boolean> => {
    for (const [path, expected] of entry.sources) {
      if (digest(await fetchApi(path)) !== expected) return false;
    }
    return true;
  };

  return {
    async render(path, origin) {
      const key = `${origin}${path}`;
      const cached = cache.get(key);
      if (cached && (await fresh(cached))) {
        cache.delete(key); // most recently used last
        cache.set(key, cached);
        return { status: cached.status, html: cached.html };
      }
      const sources = new Map<string, string>();
      const context = {
        origin,
        fetchApi: async (apiPath: string) => {
          const answer = await fetchApi(apiPath);
          sources.set(apiPath, digest(answer));
          return answer;
        },
      };
      const loaded = await ready;
      const response = await withTimeout(loaded.renderPage(path, context), timeoutMs);
      if (!response || !(response.headers.get('content-type') ?? '').includes('text/html')) return null;
      const page = { status: response.status, html: finish(await response.text()) };
      if (page.status === 200 || page.status === 404) {
        cache.delete(key);
        cache.set(key, { ...page, sources });
        if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      }
      return page;
    },
  };
}

/**
 * A real `import()` of an ES module file: the backend is compiled to CommonJS
 * and bundled, which would turn a plain `import()` into a `require()`.
 */
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Server-side render took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
