import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assetBytes, assetKey, ContentStore, contentKey, decodeVerified, encodeBody, PutResult, sha256Hex, verifyBytes } from './content-store';

const TEMP_SUFFIX = '.tmp';
const TEMP_PATTERN = /^\.[0-9a-f]{64}\.[0-9a-f-]+\.tmp$/;
const FAN_OUT = /^[0-9a-f]{2}$/;
/** Errors from link() on file systems without hard links; the store then falls back to rename(). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function ignoreMissing(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * Content store on the local file system: `<root>/lessons/ab/cd/<hash>.md`.
 *
 * Writes are atomic: the body goes to a temporary file in the target
 * directory, is fsynced, and is then published with link() (which never
 * replaces an existing file, so exactly one of several racing puts reports
 * `created: true`), or rename() where hard links are unsupported. A crash can
 * leave a stray `.<hash>.*.tmp` file (see {@link sweepTempFiles}) but never a
 * half-written `.md`.
 */
export class FsContentStore implements ContentStore {
  readonly driver = 'fs' as const;
  readonly rootDir: string;

  /** @param rootDir Relative paths are resolved against the working directory. */
  constructor(rootDir: string) {
    if (typeof rootDir !== 'string' || rootDir.trim() === '') throw new Error('FsContentStore needs a root directory');
    this.rootDir = resolve(rootDir);
  }

  /** Absolute path of the file holding `hash` (validated first: never a path from unchecked input). */
  pathOf(hash: string): string {
    return join(this.rootDir, ...contentKey(hash).split('/'));
  }

  /** Absolute path of the file holding the asset `hash`. */
  assetPathOf(hash: string): string {
    return join(this.rootDir, ...assetKey(hash).split('/'));
  }

  async put(body: string): Promise<PutResult> {
    const bytes = encodeBody(body);
    const hash = sha256Hex(bytes);
    return this.write(bytes, hash, contentKey(hash), this.pathOf(hash));
  }

  async putAsset(data: Uint8Array): Promise<PutResult> {
    const bytes = assetBytes(data);
    const hash = sha256Hex(bytes);
    return this.write(bytes, hash, assetKey(hash), this.assetPathOf(hash));
  }

  async getAsset(hash: string): Promise<Buffer | null> {
    const file = this.assetPathOf(hash);
    try {
      return verifyBytes(hash, await readFile(file), file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  async hasAsset(hash: string): Promise<boolean> {
    return (await this.sizeOf(this.assetPathOf(hash))) !== null;
  }

  /** Writes `bytes` (whose SHA-256 is `hash`) to `file` atomically, unless a file of that size is already there. */
  private async write(bytes: Buffer, hash: string, key: string, file: string): Promise<PutResult> {

    if ((await this.sizeOf(file)) === bytes.length) return { hash, key, created: false };

    const dir = dirname(file);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${hash}.${randomUUID()}${TEMP_SUFFIX}`);
    let created = false;
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      created = await this.publish(temp, file, bytes.length);
    } finally {
      await ignoreMissing(unlink(temp));
    }
    if (created) await this.syncDir(dir);
    return { hash, key, created };
  }

  async get(hash: string): Promise<string | null> {
    const file = this.pathOf(hash);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    return decodeVerified(hash, bytes, file);
  }

  async has(hash: string): Promise<boolean> {
    return (await this.sizeOf(this.pathOf(hash))) !== null;
  }

  async delete(hash: string): Promise<void> {
    // Fan-out directories are left in place: removing them could race a concurrent put into them.
    await ignoreMissing(unlink(this.pathOf(hash)));
  }

  async *list(): AsyncIterable<string> {
    const lessons = join(this.rootDir, 'lessons');
    for (const a of await this.subdirs(lessons)) {
      for (const b of await this.subdirs(join(lessons, a))) {
        for (const entry of await this.entries(join(lessons, a, b))) {
          if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
          const hash = entry.name.slice(0, -3);
          if (hash.startsWith(a + b) && /^[0-9a-f]{64}$/.test(hash)) yield hash;
        }
      }
    }
  }

  /**
   * Removes temporary files that crashed writes left behind, if older than
   * `olderThanMs` (so writes in progress are spared). Returns how many it removed.
   */
  async sweepTempFiles(olderThanMs = 60 * 60 * 1000): Promise<number> {
    const lessons = join(this.rootDir, 'lessons');
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const a of await this.subdirs(lessons)) {
      for (const b of await this.subdirs(join(lessons, a))) {
        for (const entry of await this.entries(join(lessons, a, b))) {
          if (!entry.isFile() || !TEMP_PATTERN.test(entry.name)) continue;
          const path = join(lessons, a, b, entry.name);
          const info = await stat(path).catch(() => null);
          if (info && info.mtimeMs < cutoff) {
            await ignoreMissing(unlink(path));
            removed++;
          }
        }
      }
    }
    return removed;
  }

  /** Moves the finished temp file into place; true if this call created the final file. */
  private async publish(temp: string, file: string, size: number): Promise<boolean> {
    try {
      await link(temp, file);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') {
        // Someone else stored it first. Only a file of the wrong size (a damaged copy) is replaced.
        if ((await this.sizeOf(file)) === size) return false;
        await rename(temp, file);
        return true;
      }
      if (code !== undefined && NO_HARD_LINKS.has(code)) {
        // rename() replaces atomically; a racing writer of the same body writes the same bytes.
        const existed = (await this.sizeOf(file)) === size;
        await rename(temp, file);
        return !existed;
      }
      throw error;
    }
  }

  private async sizeOf(file: string): Promise<number | null> {
    try {
      const info = await stat(file);
      return info.isFile() ? info.size : null;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /** Makes the new directory entry durable (best effort: not every platform can fsync a directory). */
  private async syncDir(dir: string): Promise<void> {
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Durability of the entry is an optimisation; the file itself was fsynced.
    }
  }

  private async entries(dir: string): Promise<Dirent[]> {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
  }

  private async subdirs(dir: string): Promise<string[]> {
    return (await this.entries(dir)).filter((e) => e.isDirectory() && FAN_OUT.test(e.name)).map((e) => e.name);
  }
}
