import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** What the API sends on every answer: helmet's defaults, less the two that the app's page sets itself (static-site.ts). */
export const SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false };

/**
 * The headers helmet sets for these options, worked out once by running
 * helmet against a response that only records them. Helmet's answer does not
 * depend on the request (with these options it sets the same eleven headers
 * every time), so there is no reason to run its eleven middlewares, each
 * calling Node's `setHeader` with its validation, on every request: that was
 * a ninth of a cached book read's CPU in the load bench.
 */
export function securityHeaders(options: Readonly<HelmetOptions> = SECURITY_HEADER_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return recorder;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet({ ...options })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // helmet is synchronous today; if a release ever is not, this fails at start-up rather than sending no headers.
  if (!finished) throw new Error('helmet did not finish synchronously: the security headers could not be worked out');
  return headers;
}

/** Puts the security headers on every answer (onRequest, so the hot paths that answer there have them too). */
export function registerSecurityHeaders(fastify: FastifyInstance, options: Readonly<HelmetOptions> = SECURITY_HEADER_OPTIONS): void {
  const headers = securityHeaders(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
