import { Injectable, signal } from '@angular/core';
import { SEARCH_QUERY_MAX_LENGTH } from '@lectern/api-types';
import { STORAGE_KEYS, readStored, writeStored } from '../core/storage';

/** How many recent searches are kept. */
export const RECENT_SEARCHES_MAX = 5;

function parse(stored: string | null): string[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value)
      ? value.filter((q): q is string => typeof q === 'string' && q.trim().length > 0 && q.length <= SEARCH_QUERY_MAX_LENGTH).slice(0, RECENT_SEARCHES_MAX)
      : [];
  } catch {
    return []; // not ours, or damaged: start again
  }
}

/**
 * The learner's last searches (the ones they opened a result of, or ran in
 * full), newest first, kept in this browser only (localStorage, never sent).
 * Read on first use, so nothing touches storage while the app is rendered on
 * the server.
 */
@Injectable({ providedIn: 'root' })
export class RecentSearches {
  private readonly state = signal<string[] | null>(null);

  /** Newest first. */
  list(): string[] {
    let list = this.state();
    if (list === null) {
      list = parse(readStored(STORAGE_KEYS.recentSearches));
      this.state.set(list);
    }
    return list;
  }

  /** Puts the query first (once: an earlier equal one, ignoring case and spaces, is dropped). */
  add(query: string): void {
    const q = query.replace(/\s+/g, ' ').trim();
    if (!q) return;
    const key = q.toLowerCase();
    const next = [q, ...this.list().filter((other) => other.toLowerCase() !== key)].slice(0, RECENT_SEARCHES_MAX);
    this.state.set(next);
    writeStored(STORAGE_KEYS.recentSearches, JSON.stringify(next));
  }

  remove(query: string): void {
    const next = this.list().filter((other) => other !== query);
    this.state.set(next);
    writeStored(STORAGE_KEYS.recentSearches, next.length ? JSON.stringify(next) : null);
  }
}
