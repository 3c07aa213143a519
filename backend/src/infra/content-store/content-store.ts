import { createHash } from 'node:crypto';

/** Injection token for the process-wide {@link ContentStore}. */
export const CONTENT_STORE = Symbol('CONTENT_STORE');

export type ContentStoreDriver = 'fs' | 's3';

export interface PutResult {
  /** SHA-256 of the body's UTF-8 bytes, 64 lower-case hex characters. */
  hash: string;
  /** Where the body lives inside the store: `lessons/ab/cd/<hash>.md`. */
  key: string;
  /** False when the store already held this body (nothing was written). */
  created: boolean;
}

/**
 * Lesson Markdown, stored content-addressed under the SHA-256 of its UTF-8
 * bytes. The store is the source of the lesson text; PostgreSQL holds the
 * structure and the hashes. Every method that takes a hash rejects anything
 * that is not 64 lower-case hex characters before touching storage.
 */
export interface ContentStore {
  readonly driver: ContentStoreDriver;
  /** Stores `body` (idempotent: storing the same body again writes nothing and says `created: false`). */
  put(body: string): Promise<PutResult>;
  /** The body stored under `hash`, or null if there is none. Throws {@link ContentCorruptedError} if the stored bytes no longer match. */
  get(hash: string): Promise<string | null>;
  has(hash: string): Promise<boolean>;
  /** Removes the body stored under `hash`; deleting a missing body is not an error. */
  delete(hash: string): Promise<void>;
  /**
   * A book's file (an image, a download), stored content-addressed under the
   * SHA-256 of its bytes, beside the lesson text (`assets/ab/cd/<hash>`).
   * Idempotent like put.
   */
  putAsset(bytes: Uint8Array): Promise<PutResult>;
  /** The asset bytes stored under `hash`, or null. Throws {@link ContentCorruptedError} if they no longer hash to it. */
  getAsset(hash: string): Promise<Buffer | null>;
  hasAsset(hash: string): Promise<boolean>;
  /** Every stored lesson hash, in no particular order (for garbage collection). */
  list?(): AsyncIterable<string>;
  /** Releases connections; the store must not be used afterwards. */
  close?(): Promise<void>;
}

export const CONTENT_TYPE_MARKDOWN = 'text/markdown; charset=utf-8';

const HASH_PATTERN = /^[0-9a-f]{64}$/;
const KEY_PATTERN = /^lessons\/([0-9a-f]{2})\/([0-9a-f]{2})\/(([0-9a-f]{4})[0-9a-f]{60})\.md$/;

/** A hash argument that is not 64 lower-case hex characters. */
export class InvalidContentHashError extends TypeError {
  constructor(value: unknown) {
    const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
    super(`Invalid content hash ${shown}: expected 64 lower-case hexadecimal characters (a SHA-256)`);
    this.name = 'InvalidContentHashError';
  }
}

/** A body that cannot be stored exactly (not a string, or not well-formed UTF-16). */
export class InvalidContentBodyError extends TypeError {
  constructor(reason: string) {
    super(`Invalid content body: ${reason}`);
    this.name = 'InvalidContentBodyError';
  }
}

/** The bytes stored under a hash do not hash to it (bit rot, truncation, tampering). */
export class ContentCorruptedError extends Error {
  constructor(
    readonly hash: string,
    readonly actualHash: string,
    readonly location: string,
    reason = `its bytes hash to ${actualHash}`,
  ) {
    super(`Content store corruption: ${location} should hold content with SHA-256 ${hash}, but ${reason}`);
    this.name = 'ContentCorruptedError';
  }
}

export function isContentHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

export function assertContentHash(value: unknown): asserts value is string {
  if (!isContentHash(value)) throw new InvalidContentHashError(value);
}

/** SHA-256 (lower-case hex) of a string's UTF-8 bytes, or of raw bytes. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256')
    .update(typeof content === 'string' ? Buffer.from(content, 'utf8') : content)
    .digest('hex');
}

/** The storage key of a hash: `lessons/ab/cd/<hash>.md` (two levels of fan-out). */
export function contentKey(hash: string): string {
  assertContentHash(hash);
  return `lessons/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}.md`;
}

/** The storage key of an asset's bytes: `assets/ab/cd/<hash>` (no extension: the bytes are served with the type recorded at import). */
export function assetKey(hash: string): string {
  assertContentHash(hash);
  return `assets/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
}

/** Raw bytes to store as an asset (a Buffer view, no copy). */
export function assetBytes(bytes: unknown): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new InvalidContentBodyError(`expected bytes, got ${bytes === null ? 'null' : typeof bytes}`);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks that `bytes` hash to `hash` (an asset read back). */
export function verifyBytes(hash: string, bytes: Uint8Array, location: string): Buffer {
  const actual = sha256Hex(bytes);
  if (actual !== hash) throw new ContentCorruptedError(hash, actual, location);
  return assetBytes(bytes);
}

/** The hash a storage key names, or null if the key is not one of ours. */
export function hashFromKey(key: string): string | null {
  const match = KEY_PATTERN.exec(key);
  return match && match[4] === `${match[1]}${match[2]}` ? match[3] : null;
}

// With the `u` flag a surrogate pair is one code point, so this only matches unpaired halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The exact UTF-8 bytes of a body. Strings holding lone surrogates are
 * rejected: they have no UTF-8 encoding, so what came back would differ from
 * what was stored.
 */
export function encodeBody(body: unknown): Buffer {
  if (typeof body !== 'string') throw new InvalidContentBodyError(`expected a string, got ${body === null ? 'null' : typeof body}`);
  if (LONE_SURROGATE.test(body))
    throw new InvalidContentBodyError('the string contains lone UTF-16 surrogates, which have no UTF-8 encoding');
  return Buffer.from(body, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Checks that `bytes` hash to `hash`, then decodes them (a byte-order mark is kept). */
export function decodeVerified(hash: string, bytes: Uint8Array, location: string): string {
  const actual = sha256Hex(bytes);
  if (actual !== hash) throw new ContentCorruptedError(hash, actual, location);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ContentCorruptedError(hash, actual, location, 'its bytes are not valid UTF-8');
  }
}
