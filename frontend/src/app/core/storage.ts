/** localStorage keys the app owns. */
export const STORAGE_KEYS = {
  token: 'lectern.token',
  userId: 'lectern.userId',
  theme: 'lectern.theme',
  recentSearches: 'lectern.recentSearches',
} as const;

// localStorage can be missing or throw (storage disabled, private modes, quota);
// the app then works for the visit and simply forgets on reload.
export function readStored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not persisted; nothing else to do.
  }
}
