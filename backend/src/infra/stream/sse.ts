import type { FastifyReply } from 'fastify';
import type { DraftStreamEvent } from './draft-stream.service';

/** A comment line every this often keeps proxies and browsers from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

/** One server-sent event: its name and its data as one line of JSON. */
export function formatSse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`;
}

/**
 * Writes `source` to the client as `text/event-stream` and ends the response
 * when it ends. The reply is taken over from Fastify (hijacked). When the
 * client goes away, `abort` is aborted so the source can stop (give the
 * source the same controller's signal). An error of the source ends the
 * stream with an `error` event naming no internals.
 */
export async function sendSse(
  reply: FastifyReply,
  source: AsyncIterable<DraftStreamEvent>,
  options: { abort?: AbortController; heartbeatMs?: number; onError?: (error: unknown) => void } = {},
): Promise<void> {
  const abort = options.abort ?? new AbortController();
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': stream\n\n');
  const onClose = (): void => abort.abort();
  raw.on('close', onClose);
  const heartbeat = setInterval(() => {
    if (!raw.writableEnded) raw.write(': ping\n\n');
  }, options.heartbeatMs ?? SSE_HEARTBEAT_MS);
  try {
    for await (const { event, data } of source) {
      if (abort.signal.aborted || raw.writableEnded) break;
      raw.write(formatSse(event, data));
    }
  } catch (error) {
    if (!abort.signal.aborted) {
      options.onError?.(error);
      if (!raw.writableEnded) raw.write(formatSse('error', { message: 'The stream was interrupted.' }));
    }
  } finally {
    clearInterval(heartbeat);
    raw.off('close', onClose);
    if (!raw.writableEnded) raw.end();
  }
}
