import { Injectable, inject } from '@angular/core';
import { SessionService } from '../core/session.service';

/** One server-sent event. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/** The stream could not be opened or broke: the caller falls back to polling. */
export class StreamUnavailableError extends Error {}

/** Parses `text/event-stream` blocks (`event:` and `data:` lines; comments and ids ignored). */
export function parseSseBlock(block: string): StreamEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const raw = data.join('\n');
  try {
    return { event, data: JSON.parse(raw) as unknown };
  } catch {
    return { event, data: raw };
  }
}

/**
 * Reads a server-sent event stream with `fetch`, so the learner's token goes
 * in the Authorization header (EventSource cannot send one, and a token never
 * goes in a URL). Ends when the server ends the stream or `signal` aborts.
 */
@Injectable({ providedIn: 'root' })
export class JobStream {
  private readonly session = inject(SessionService);

  async *events(url: string, signal: AbortSignal): AsyncIterable<StreamEvent> {
    if (typeof fetch !== 'function' || typeof TextDecoderStream === 'undefined') throw new StreamUnavailableError('no fetch streaming');
    const token = this.session.token();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      throw new StreamUnavailableError(error instanceof Error ? error.message : 'fetch failed');
    }
    if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      throw new StreamUnavailableError(`status ${response.status}`);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const event = parseSseBlock(block);
          if (event) yield event;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw new StreamUnavailableError(error instanceof Error ? error.message : 'stream broke');
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }
}
