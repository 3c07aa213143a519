import { InjectionToken } from '@angular/core';

/** One answer of the API, as the server-side render receives it. */
export interface ApiAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What the server that renders a page hands to the app (Angular's
 * `REQUEST_CONTEXT`): the public origin of the page (canonical and Open Graph
 * URLs) and a way to read the API in-process, without a socket.
 */
export interface SsrRequestContext {
  /** scheme://host[:port] the browser asked, e.g. `https://lectern.example`. */
  origin: string;
  /** GET on the API (`/api/content/...`), answered in-process. */
  fetchApi(path: string): Promise<ApiAnswer>;
}

/** The window DOMPurify and the Markdown engine use when there is no browser window (server-side render). */
export const MARKDOWN_WINDOW = new InjectionToken<Window & typeof globalThis>('MARKDOWN_WINDOW');

/**
 * The API paths a server-side render may read: the public book only. A
 * learner's data (progress, preferences, rewrites) is never read on the
 * server; those parts of a page render in the browser.
 */
export const PUBLIC_API_PATH = /^\/api\/content\/(?:book|lessons\/[^/]+(?:\/content)?|text\/[0-9a-f]{64}\.md)$/;
