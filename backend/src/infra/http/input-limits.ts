import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import type { AppConfig } from '../config/app-config';
import { errorBody } from '../errors/http-exception.filter';

/** Methods whose body, when there is one, must be JSON on the API. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True for `application/json` and `application/<something>+json`, with any parameters. */
export function isJsonMediaType(contentType: string): boolean {
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mime);
}

/**
 * The shape of a parsed JSON value, measured without recursion (a body nested
 * 5,000 deep must not overflow the stack here either): answers the first
 * limit it breaks, or null.
 */
export function jsonShapeProblem(value: unknown, maxDepth: number, maxKeys: number): string | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let keys = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return `The JSON body is nested deeper than ${maxDepth} levels`;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    keys += children.length;
    if (keys > maxKeys) return `The JSON body has more than ${maxKeys} keys and items`;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return null;
}

/**
 * Limits on what reaches the API's routes, checked before any validation:
 * - a URL longer than URL_MAX_LENGTH → 414;
 * - on /api/, a write whose body is not JSON (form posts, text/plain: the
 *   "simple requests" any website can make a visitor's browser send) → 415;
 * - a JSON body nested deeper than JSON_MAX_DEPTH or with more than
 *   JSON_MAX_KEYS keys and items → 400.
 * Every answer has the one error shape.
 */
export function registerInputLimits(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > config.URL_MAX_LENGTH) {
      void reply
        .code(414)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(414, `The URL is longer than ${config.URL_MAX_LENGTH} characters`, 'uri_too_long'));
      return;
    }
    const contentType = request.headers['content-type'];
    if (
      request.url.startsWith('/api/') &&
      BODY_METHODS.has(request.method) &&
      typeof contentType === 'string' &&
      contentType.trim() !== '' &&
      !isJsonMediaType(contentType)
    ) {
      void reply
        .code(415)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(415, 'Unsupported content type: send application/json', 'unsupported_media_type'));
      return;
    }
    done();
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    const problem = request.body === undefined ? null : jsonShapeProblem(request.body, config.JSON_MAX_DEPTH, config.JSON_MAX_KEYS);
    if (problem) {
      void reply
        .code(400)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(400, problem, 'body_too_complex'));
      return;
    }
    done();
  });
}

/**
 * Answers what Node's HTTP parser rejects before Fastify sees a request, in
 * the one error shape: a request line too long for the header limit → 414,
 * headers too large → 431, a timeout → 408, anything else → 400.
 */
export function clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let message = 'Malformed HTTP request';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = 'The request took too long to arrive';
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    // A request line longer than all the header lines after it is what overflowed the limit: the URL.
    const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.subarray(0, 256 * 1024).toString('latin1') : '';
    const lineEnd = packet.indexOf('\n');
    const requestLine = lineEnd < 0 ? packet.length : lineEnd;
    status = /^[A-Z]+ /.test(packet) && requestLine > packet.length - requestLine ? 414 : 431;
    message = status === 414 ? 'The URL is too long' : 'The request headers are too large';
  }
  const body = JSON.stringify(
    errorBody(status, message, status === 414 ? 'uri_too_long' : status === 431 ? 'headers_too_large' : undefined),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${errorBody(status, '').error}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
