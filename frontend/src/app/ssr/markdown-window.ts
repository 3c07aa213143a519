// Server only (imported by app.config.server.ts): the DOM DOMPurify sanitizes
// lesson HTML with during a server-side render. jsdom parses HTML as browsers
// do (parse5), so what is sanitized here is what the browser will build.
import { JSDOM } from 'jsdom';

/** One window per origin (links to it are not external); few origins ever, bounded anyway. */
const windows = new Map<string, Window & typeof globalThis>();
const MAX_WINDOWS = 16;

export function markdownWindow(origin: string): Window & typeof globalThis {
  let win = windows.get(origin);
  if (!win) {
    if (windows.size >= MAX_WINDOWS) windows.delete(windows.keys().next().value as string);
    win = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url: `${origin}/` }).window as unknown as Window &
      typeof globalThis;
    windows.set(origin, win);
  }
  return win;
}
