import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ContentCorruptedError, type ContentStore, InvalidContentBodyError, InvalidContentHashError } from './content-store';

/** One fresh, empty store per test, plus the hooks the contract needs to reach behind it. */
export interface ContentStoreFixture {
  store: ContentStore;
  cleanup(): Promise<void>;
  /** Overwrites the stored bytes behind `hash` directly in the backing storage (simulated corruption). */
  corrupt(hash: string, bytes: Uint8Array): Promise<void>;
  /** The same for an asset's bytes. */
  corruptAsset(hash: string, bytes: Uint8Array): Promise<void>;
  /** True if racing puts of one body guarantee exactly one `created: true` (fs: yes; s3: no). */
  exclusiveCreate?: boolean;
}

/** SHA-256 computed independently of the code under test. */
const expectedHash = (text: string): string => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out.sort();
}

/** About 1 MiB of Markdown mixing 1-, 2-, 3- and 4-byte UTF-8 sequences. */
function largeBody(): string {
  const line = '## Section — سیکشن 🧪 ñ: the quick brown fox jumps over the lazy dog.\n';
  const body = line.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(line)));
  return `# Big lesson\n\n${body}`;
}

const INVALID_HASHES: unknown[] = [
  '../../etc/passwd',
  'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', // upper-case hex
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85', // 63 characters
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555', // 65 characters
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.md',
  'lessons/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.md',
  '../e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8',
  'g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '',
  null,
  undefined,
  42,
];

/**
 * The behaviour every ContentStore driver must share. Call inside a test file;
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeContentStoreContract(name: string, makeStore: () => Promise<ContentStoreFixture>): void {
  describe(`ContentStore contract: ${name}`, () => {
    let fixture: ContentStoreFixture;
    let store: ContentStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function roundTrip(body: string): Promise<void> {
      const { hash, key, created } = await store.put(body);
      expect(hash).toBe(expectedHash(body));
      expect(key).toBe(`lessons/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}.md`);
      expect(created).toBe(true);
      const read = await store.get(hash);
      expect(read === body).toBe(true); // toBe would print a 1 MB diff on failure
      expect(read?.length).toBe(body.length);
    }

    it('names its driver', () => {
      expect(['fs', 's3']).toContain(store.driver);
    });

    describe('put/get round trip', () => {
      it('ASCII Markdown', async () => {
        await roundTrip('# Fractions\n\nA *fraction* is a part of a whole: `1/2`.\n');
      });

      it('Unicode: Urdu, emoji, combining marks, a byte-order mark and CRLF line endings', async () => {
        await roundTrip('# کسریں\n\nکسر ایک مکمل چیز کا حصہ ہوتی ہے۔\n');
        await roundTrip('Emoji: 😀 👩🏽‍🔬 👨‍👩‍👧‍👦 🇵🇰 — and math: ∑ x² ≤ ∞\n');
        await roundTrip('cafe\u0301 vs caf\u00e9, Ω\r\nnext line\r\n');
        await roundTrip('\uFEFF# Starts with a BOM\n');
        await roundTrip('tabs\tand\u0000NUL\n');
      });

      it('the empty string', async () => {
        const { hash } = await store.put('');
        expect(hash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
        expect(await store.get(hash)).toBe('');
        expect(await store.has(hash)).toBe(true);
      });

      it('a body of about 1 MB', async () => {
        const body = largeBody();
        expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(1024 * 1024);
        await roundTrip(body);
      });
    });

    describe('assets (binary files, beside the lesson text)', () => {
      // A PNG signature and bytes that are not UTF-8: stored and returned exactly.
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28]);
      const pngHash = createHash('sha256').update(png).digest('hex');

      it('round-trips raw bytes under their SHA-256, in assets/ab/cd/<hash>', async () => {
        const put = await store.putAsset(png);
        expect(put).toEqual({ hash: pngHash, key: `assets/${pngHash.slice(0, 2)}/${pngHash.slice(2, 4)}/${pngHash}`, created: true });
        const read = await store.getAsset(pngHash);
        expect(Buffer.isBuffer(read) && read.equals(png)).toBe(true);
        expect(await store.hasAsset(pngHash)).toBe(true);
      });

      it('a second put writes nothing; an unknown hash is null', async () => {
        await store.putAsset(png);
        expect((await store.putAsset(new Uint8Array(png))).created).toBe(false);
        const other = createHash('sha256').update('nothing').digest('hex');
        expect(await store.getAsset(other)).toBeNull();
        expect(await store.hasAsset(other)).toBe(false);
      });

      it('is its own namespace: not a lesson, and not listed with the lessons', async () => {
        const text = Buffer.from('# Same bytes\n', 'utf8');
        const { hash } = await store.putAsset(text);
        expect(await store.has(hash)).toBe(false);
        expect(await store.get(hash)).toBeNull();
        if (store.list) expect(await collect(store.list())).toEqual([]);
      });

      it('rejects bad hashes and non-bytes before touching storage', async () => {
        for (const bad of INVALID_HASHES) {
          await expect(store.getAsset(bad as string)).rejects.toBeInstanceOf(InvalidContentHashError);
          await expect(store.hasAsset(bad as string)).rejects.toBeInstanceOf(InvalidContentHashError);
        }
        await expect(store.putAsset('text' as unknown as Uint8Array)).rejects.toBeInstanceOf(InvalidContentBodyError);
      });

      it('reports bytes that no longer match their hash', async () => {
        const { hash } = await store.putAsset(png);
        await fixture.corruptAsset(hash, Buffer.from('tampered'));
        await expect(store.getAsset(hash)).rejects.toBeInstanceOf(ContentCorruptedError);
      });
    });

    describe('hashing', () => {
      it('the hash is the SHA-256 of the exact UTF-8 bytes', async () => {
        expect((await store.put('abc')).hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
        const urdu = 'اردو';
        expect((await store.put(urdu)).hash).toBe(expectedHash(urdu));
      });

      it('the same body gives the same hash, and the second put writes nothing', async () => {
        const body = '# Same\n\nTwice.\n';
        const first = await store.put(body);
        const second = await store.put(body);
        expect(first.created).toBe(true);
        expect(second).toEqual({ hash: first.hash, key: first.key, created: false });
        expect(await store.get(first.hash)).toBe(body);
      });

      it('different bodies give different hashes (no normalisation of any kind)', async () => {
        const bodies = ['a', 'a\n', 'A', 'a\r\n', 'caf\u00e9', 'cafe\u0301', ' a', '\uFEFFa'];
        const hashes = await Promise.all(bodies.map(async (body) => (await store.put(body)).hash));
        expect(new Set(hashes).size).toBe(bodies.length);
        for (const [i, body] of bodies.entries()) expect(await store.get(hashes[i])).toBe(body);
      });
    });

    it('get of an unknown hash is null', async () => {
      expect(await store.get(expectedHash('never stored'))).toBeNull();
      expect(await store.has(expectedHash('never stored'))).toBe(false);
    });

    it('has() reports presence', async () => {
      const hash = expectedHash('present');
      expect(await store.has(hash)).toBe(false);
      await store.put('present');
      expect(await store.has(hash)).toBe(true);
    });

    it('delete() removes the body, is idempotent, and a later put stores it again', async () => {
      const { hash } = await store.put('to delete');
      const other = await store.put('to keep');
      await store.delete(hash);
      expect(await store.has(hash)).toBe(false);
      expect(await store.get(hash)).toBeNull();
      await store.delete(hash);
      await store.delete(expectedHash('never stored'));
      expect(await store.get(other.hash)).toBe('to keep');
      expect(await store.put('to delete')).toMatchObject({ hash, created: true });
      expect(await store.get(hash)).toBe('to delete');
    });

    it('list() yields exactly the stored hashes', async () => {
      expect(store.list).toBeDefined();
      if (!store.list) return;
      expect(await collect(store.list())).toEqual([]);
      const hashes = await Promise.all(['one', 'two', 'three'].map(async (body) => (await store.put(body)).hash));
      await store.put('two');
      expect(await collect(store.list())).toEqual([...hashes].sort());
      await store.delete(hashes[0]);
      expect(await collect(store.list())).toEqual([hashes[1], hashes[2]].sort());
    });

    describe('input validation', () => {
      it.each(INVALID_HASHES.map((value) => [JSON.stringify(value) ?? String(value), value]))(
        'rejects the hash %s in get, has and delete',
        async (_label, value) => {
          const hash = value as string;
          await expect(store.get(hash)).rejects.toBeInstanceOf(InvalidContentHashError);
          await expect(store.has(hash)).rejects.toBeInstanceOf(InvalidContentHashError);
          await expect(store.delete(hash)).rejects.toBeInstanceOf(InvalidContentHashError);
        },
      );

      it('rejects bodies that are not strings or not well-formed Unicode', async () => {
        await expect(store.put(42 as unknown as string)).rejects.toBeInstanceOf(InvalidContentBodyError);
        await expect(store.put(null as unknown as string)).rejects.toBeInstanceOf(InvalidContentBodyError);
        await expect(store.put('broken \uD83D surrogate')).rejects.toBeInstanceOf(InvalidContentBodyError);
        if (store.list) expect(await collect(store.list())).toEqual([]);
      });
    });

    it('20 concurrent puts of one body store one object and agree on the hash', async () => {
      const body = `# Race\n\n${'Concurrent writers, one object. '.repeat(8 * 1024)}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.put(body)));
      const hash = expectedHash(body);
      for (const result of results) expect(result.hash).toBe(hash);
      const created = results.filter((r) => r.created).length;
      expect(created).toBeGreaterThanOrEqual(1);
      if (fixture.exclusiveCreate) expect(created).toBe(1);
      if (store.list) expect(await collect(store.list())).toEqual([hash]);
      expect((await store.get(hash)) === body).toBe(true);
      expect(await store.put(body)).toMatchObject({ hash, created: false });
    });

    describe('corruption', () => {
      it('get throws when the stored bytes were replaced', async () => {
        const { hash } = await store.put('# Original\n');
        await fixture.corrupt(hash, Buffer.from('# Tampered\n', 'utf8'));
        await expect(store.get(hash)).rejects.toBeInstanceOf(ContentCorruptedError);
        await expect(store.get(hash)).rejects.toThrow(hash);
      });

      it('get throws when the stored bytes were truncated', async () => {
        const body = largeBody();
        const { hash } = await store.put(body);
        await fixture.corrupt(hash, Buffer.from(body, 'utf8').subarray(0, 4096));
        await expect(store.get(hash)).rejects.toBeInstanceOf(ContentCorruptedError);
      });
    });
  });
}
