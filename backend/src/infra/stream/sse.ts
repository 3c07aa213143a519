import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseOptions {
  /** A comment line this often keeps proxies from closing an idle stream; default 15 s. */
  heartbeatMs?: number;
  /** The last event to send when the source throws (null: just end the stream). */
  onError?: (error: unknown) => SseEvent | null;
}

/** One server-sent event as text (multi-line data is split over `data:` lines). */
export function formatSse(event: SseEvent): string {
  const payload = JSON.stringify(event.data ?? null);
  return `event: ${event.event.replace(/[\r\n]/g, '')}\n${payload
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/**
 * Writes an async sequence of events to a Fastify reply as
 * `text/event-stream`: heartbeat comments while idle, the source stopped
 * (its signal aborted) as soon as the client goes away, the response ended
 * when the source ends. `source` is given the signal to pass on (e.g. to
 * DraftStreamService.read). The reply is hijacked: Nest writes nothing more.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  source: (signal: AbortSignal) => AsyncIterable<SseEvent>,
  options: SseOptions = {},
): Promise<void> {
  const controller = new AbortController();
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': stream open\n\n');
  const onClose = (): void => controller.abort();
  request.raw.on('close', onClose);
  raw.on('close', onClose);
  const heartbeat = setInterval(() => {
    if (!raw.writableEnded) raw.write(': heartbeat\n\n');
  }, options.heartbeatMs ?? 15_000);
  try {
    for await (const event of source(controller.signal)) {
      if (controller.signal.aborted || raw.writableEnded) break;
      raw.write(formatSse(event));
    }
  } catch (error) {
    const last = controller.signal.aborted ? null : (options.onError?.(error) ?? null);
    if (last && !raw.writableEnded) raw.write(formatSse(last));
  } finally {
    clearInterval(heartbeat);
    request.raw.off('close', onClose);
    raw.off('close', onClose);
    if (!raw.writableEnded) raw.end();
  }
}
