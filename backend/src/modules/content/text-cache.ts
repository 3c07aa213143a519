/**
 * Texts by their SHA-256, in memory, bounded by total size (UTF-16 length ×
 * 2, what V8 holds at most, plus the UTF-8 bytes once a text has been
 * answered over HTTP): the least recently used go first. A text never
 * changes under its hash, so nothing here is ever stale: an edited lesson has
 * a new hash and the old entry just ages out.
 *
 * The bytes are kept because encoding a string for the socket is most of
 * the cost of answering it: a profile of GET …/content under load spent more
 * CPU in `writeUtf8String` and `Buffer.byteLength` (for Content-Length) than
 * in everything else the api did for the request.
 */
export class TextCache {
  private readonly entries = new Map<string, { text: string; bytes?: Buffer }>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.used;
  }

  get(hash: string): string | undefined {
    return this.touch(hash)?.text;
  }

  /** The text's UTF-8 bytes (encoded once, then kept with it); undefined when the text is not kept. */
  bytes(hash: string): Buffer | undefined {
    const entry = this.touch(hash);
    if (!entry) return undefined;
    if (!entry.bytes) {
      entry.bytes = Buffer.from(entry.text, 'utf8');
      this.used += entry.bytes.length;
      this.evict();
    }
    return entry.bytes;
  }

  set(hash: string, text: string): void {
    if (text.length * 2 > this.maxBytes) return;
    const previous = this.entries.get(hash);
    if (previous !== undefined) {
      this.entries.delete(hash);
      this.used -= cost(previous);
    }
    const entry = { text };
    this.entries.set(hash, entry);
    this.used += cost(entry);
    this.evict();
  }

  private touch(hash: string): { text: string; bytes?: Buffer } | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    // Most recently used last (Map keeps insertion order).
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return entry;
  }

  private evict(): void {
    for (const [oldest, old] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.used -= cost(old);
    }
  }
}

const cost = (entry: { text: string; bytes?: Buffer }): number => entry.text.length * 2 + (entry.bytes?.length ?? 0);
