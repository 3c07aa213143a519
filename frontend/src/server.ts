// The server-side render entry (built to dist/frontend/server/server.mjs). The
// API loads it and renders the public pages through it on its own port (see
// backend/src/infra/http/ssr.ts); nothing here listens.
import { AngularNodeAppEngine } from '@angular/ssr/node';
import { markdownWindow } from './app/ssr/markdown-window';
import type { SsrRequestContext } from './app/ssr/request-context';

export type { ApiAnswer, SsrRequestContext } from './app/ssr/request-context';

/** Requests are made up by the API with this host; the page's real origin travels in the context. */
const RENDER_HOST = 'lectern.render';
const engine = new AngularNodeAppEngine({ allowedHosts: [RENDER_HOST] });

/**
 * Renders `path` (e.g. `/lessons/x?view=original`), or null when the app does
 * not render it on the server (a learner's page: the browser renders it).
 */
export function renderPage(path: string, context: SsrRequestContext): Promise<Response | null> {
  return engine.handle(new Request(new URL(path, `http://${RENDER_HOST}`), { headers: { accept: 'text/html' } }), context);
}

/**
 * Loads and compiles what a first render needs (the app, the public pages'
 * chunks, the Markdown engine, jsdom) so that the first reader does not wait
 * for it: one render of a lesson whose API answers are all 404.
 */
export async function warmUp(): Promise<void> {
  markdownWindow('http://localhost');
  await Promise.all([import('./app/lesson/markdown-engine'), import('./app/lesson/highlighter')]);
  const notFound = () => Promise.resolve({ status: 404, contentType: 'application/json', body: '{"statusCode":404}' });
  for (const path of ['/lessons/warm-up', '/book', '/search']) {
    await (await renderPage(path, { origin: 'http://localhost', fetchApi: notFound }))?.text();
  }
}
