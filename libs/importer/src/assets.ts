import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, posix } from 'node:path';

/**
 * A book's images and linked files: read once, addressed by the SHA-256 of
 * their bytes, served at `/api/content/assets/{sha256}.{ext}`.
 */

export interface SourceAsset {
  sha256: string;
  ext: string;
  contentType: string;
  data: Buffer;
  /** Book-relative path of the first file with these bytes (for messages). */
  path: string;
}

export const ASSET_CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  yaml: 'text/plain; charset=utf-8',
  yml: 'text/plain; charset=utf-8',
  stl: 'model/stl',
  urdf: 'application/xml',
  xml: 'application/xml',
  ipynb: 'application/json',
};

/** Largest file taken into the store (bigger ones are reported and left as written). */
export const MAX_ASSET_BYTES = 20 * 1024 * 1024;

export const assetUrl = (asset: Pick<SourceAsset, 'sha256' | 'ext'>): string => `/api/content/assets/${asset.sha256}.${asset.ext}`;

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export type AssetLookup =
  | { kind: 'found'; asset: SourceAsset }
  | { kind: 'missing'; tried: string }
  | { kind: 'too-large'; path: string }
  /** An absolute URL, a data: URI, an in-page anchor: not a file of the book. */
  | { kind: 'external' };

/**
 * Resolves image and file references of a book's docs: `/img/x.png` (the
 * site's `static/` folder), `@site/static/…`, `./x.png` beside the doc, and
 * `pathname:///…`. Reads each file once.
 */
export class AssetCollector {
  readonly assets = new Map<string, SourceAsset>();
  private readonly byPath = new Map<string, AssetLookup>();

  /** `bookDir`: the site folder (holding static/); paths are relative to it. */
  /** `docsRel`: the docs folder, relative to `bookDir`; it may lie beside the site (`../docs`), and its files are the book's too. */
  constructor(
    private readonly bookDir: string,
    private readonly staticDirs: readonly string[] = ['static'],
    private readonly docsRel = '',
  ) {}

  /** `fromPath`: the doc's book-relative path. */
  resolve(url: string, fromPath: string): AssetLookup {
    let target = url.trim();
    if (target.startsWith('pathname://')) target = target.slice('pathname://'.length);
    if (target === '' || target.startsWith('#') || target.startsWith('//') || URL_SCHEME.test(target)) return { kind: 'external' };
    target = safeDecode(target.replace(/[?#].*$/, ''));
    const candidates: string[] = [];
    if (target.startsWith('@site/')) candidates.push(posix.normalize(target.slice('@site/'.length)));
    else if (target.startsWith('/')) {
      for (const dir of this.staticDirs) candidates.push(posix.join(dir, target));
    } else candidates.push(posix.normalize(posix.join(posix.dirname(fromPath), target)));
    for (const candidate of candidates) {
      const inBook = !candidate.startsWith('../') || (this.docsRel.startsWith('../') && candidate.startsWith(`${this.docsRel}/`));
      if (!inBook) continue;
      const cached = this.byPath.get(candidate);
      if (cached) return cached;
      const found = this.read(candidate);
      if (found) {
        this.byPath.set(candidate, found);
        return found;
      }
    }
    return { kind: 'missing', tried: candidates.join(' or ') };
  }

  private read(path: string): AssetLookup | undefined {
    const full = join(this.bookDir, path);
    let size: number;
    try {
      const stats = statSync(full);
      if (!stats.isFile()) return undefined;
      size = stats.size;
    } catch {
      return undefined;
    }
    if (size > MAX_ASSET_BYTES) return { kind: 'too-large', path };
    const data = readFileSync(full);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const ext = extname(path).slice(1).toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 16) || 'bin';
    const existing = this.assets.get(sha256);
    const asset = existing ?? { sha256, ext, contentType: ASSET_CONTENT_TYPES[ext] ?? 'application/octet-stream', data, path };
    if (!existing) this.assets.set(sha256, asset);
    return { kind: 'found', asset };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Is this link (not an image) to a file worth taking into the store: a known non-Markdown extension? */
export function isFileLink(url: string): boolean {
  const path = url.replace(/[?#].*$/, '');
  const ext = extname(path).slice(1).toLowerCase();
  return ext !== '' && ext !== 'md' && ext !== 'mdx' && ext !== 'html' && ASSET_CONTENT_TYPES[ext] !== undefined;
}
