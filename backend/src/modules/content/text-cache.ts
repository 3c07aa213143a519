/**
 * Texts by their SHA-256, in memory, bounded by total size (UTF-16 length ×
 * 2, what V8 holds at most): the least recently used go first. A text never
 * changes under its hash, so nothing here is ever stale: an edited lesson has
 * a new hash and the old entry just ages out.
 */
export class TextCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(hash: string): string | undefined {
    const text = this.entries.get(hash);
    if (text === undefined) return undefined;
    // Most recently used last (Map keeps insertion order).
    this.entries.delete(hash);
    this.entries.set(hash, text);
    return text;
  }

  set(hash: string, text: string): void {
    const cost = text.length * 2;
    if (cost > this.maxBytes) return;
    const previous = this.entries.get(hash);
    if (previous !== undefined) {
      this.entries.delete(hash);
      this.bytes -= previous.length * 2;
    }
    this.entries.set(hash, text);
    this.bytes += cost;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length * 2;
    }
  }
}
