import type { FastifyReply, FastifyRequest } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The encoding to answer in, from the request's Accept-Encoding (brotli first). */
export function acceptedEncoding(request: FastifyRequest): 'br' | 'gzip' | null {
  const accept = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return null;
}

/**
 * The app's scripts and styles, compressed once (brotli at its best, gzip) in
 * the background at start-up and kept in memory: a phone on a slow network
 * downloads a quarter of the bytes. Files not compressed yet (or not asked
 * for with an encoding) are served by the static plugin as they are.
 */
export class CompressedAssets {
  private readonly files = new Map<string, { type: string; br: Buffer; gzip: Buffer }>();
  /** Settles once every file is compressed (until then, files are served as they are). */
  readonly ready: Promise<void>;

  constructor(root: string) {
    this.ready = this.load(root);
  }

  /** Answers a GET for a compressed file; false when it is not one (the caller serves it). */
  serve(request: FastifyRequest, reply: FastifyReply, path: string, cacheControl: string): boolean {
    const file = this.files.get(path);
    const encoding = file ? acceptedEncoding(request) : null;
    if (!file || !encoding) return false;
    void reply
      .header('content-type', file.type)
      .header('content-encoding', encoding)
      .header('vary', 'accept-encoding')
      .header('cache-control', cacheControl)
      .send(file[encoding]);
    return true;
  }

  private async load(root: string): Promise<void> {
    for (const name of readdirSync(root)) {
      const type = name.endsWith('.js') ? 'text/javascript; charset=utf-8' : name.endsWith('.css') ? 'text/css; charset=utf-8' : null;
      if (!type) continue;
      const bytes = readFileSync(join(root, name));
      const [br, gz] = await Promise.all([
        brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
        gzipAsync(bytes, { level: 9 }),
      ]).catch(() => [null, null]);
      if (br && gz) this.files.set(`/${name}`, { type, br, gzip: gz });
    }
  }
}

/** A page rendered per request: compressed quickly (brotli 5, or gzip), or as it is. */
export function compressPage(html: string, encoding: 'br' | 'gzip' | null): Buffer | string {
  if (encoding === 'br') return brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  if (encoding === 'gzip') return gzipSync(html, { level: 6 });
  return html;
}
