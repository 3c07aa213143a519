import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeContentStoreContract } from './content-store.contract';
import { FsContentStore } from './fs-content-store';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lectern-content-store-'));
}

describeContentStoreContract('fs', async () => {
  const root = await tempRoot();
  const store = new FsContentStore(root);
  return {
    store,
    exclusiveCreate: true,
    corrupt: (hash, bytes) => writeFile(store.pathOf(hash), bytes),
    corruptAsset: (hash, bytes) => writeFile(store.assetPathOf(hash), bytes),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FsContentStore', () => {
  let root: string;
  let store: FsContentStore;

  beforeEach(async () => {
    root = await tempRoot();
    store = new FsContentStore(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lays files out as lessons/ab/cd/<hash>.md under the root and leaves no temporary files', async () => {
    const { hash } = await store.put('# Layout\n');
    await Promise.all(Array.from({ length: 10 }, () => store.put('# Raced\n')));
    const raced = (await store.put('# Raced\n')).hash;
    expect(await filesUnder(root)).toEqual([hash, raced].map((h) => join('lessons', h.slice(0, 2), h.slice(2, 4), `${h}.md`)).sort());
    expect(store.pathOf(hash)).toBe(join(root, 'lessons', hash.slice(0, 2), hash.slice(2, 4), `${hash}.md`));
  });

  it('never touches the file system for an invalid hash', async () => {
    await expect(store.delete('../../etc/passwd')).rejects.toThrow(/Invalid content hash/);
    await expect(store.get(`../${'a'.repeat(61)}`)).rejects.toThrow(/Invalid content hash/);
    expect(() => store.pathOf('../etc/passwd')).toThrow(/Invalid content hash/);
    expect(await readdir(root)).toEqual([]);
  });

  it('a put repairs a stored file of the wrong size (e.g. truncated by a failing disk)', async () => {
    const body = '# Repair me\n\nSome text.\n';
    const { hash } = await store.put(body);
    await writeFile(store.pathOf(hash), '# Rep');
    await expect(store.get(hash)).rejects.toThrow(/corruption/);
    expect(await store.put(body)).toMatchObject({ hash, created: true });
    expect(await store.get(hash)).toBe(body);
  });

  it('sweepTempFiles removes only stale temporary files', async () => {
    const { hash } = await store.put('# Keep\n');
    const dir = join(root, 'lessons', hash.slice(0, 2), hash.slice(2, 4));
    const stale = join(dir, `.${hash}.0b9f5d1c-1111-4222-8333-944445555666.tmp`);
    const fresh = join(dir, `.${hash}.0b9f5d1c-1111-4222-8333-944445555667.tmp`);
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, old, old);
    expect(await store.sweepTempFiles()).toBe(1);
    await expect(stat(stale)).rejects.toThrow(/ENOENT/);
    await stat(fresh);
    expect(await store.get(hash)).toBe('# Keep\n');
    expect(await collect(store)).toEqual([hash]);
  });
});

async function collect(store: FsContentStore): Promise<string[]> {
  const out: string[] = [];
  for await (const hash of store.list()) out.push(hash);
  return out;
}
