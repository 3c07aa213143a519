import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { assetKey, contentKey } from './content-store';
import { describeContentStoreContract } from './content-store.contract';
import { S3ContentStore, type S3ContentStoreOptions } from './s3-content-store';

// s3rver's built-in account.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let server: S3rver;
let serverDir: string;
let endpoint: string;
let admin: S3Client;
let buckets = 0;

function storeOptions(bucket: string): S3ContentStoreOptions {
  return { bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestTimeoutMs: 10_000, maxAttempts: 2 };
}

async function emptyAndDeleteBucket(bucket: string): Promise<void> {
  const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listed.Contents ?? []) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
}

async function newBucket(): Promise<string> {
  const bucket = `lectern-contract-${process.pid}-${++buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

beforeAll(async () => {
  serverDir = await mkdtemp(join(tmpdir(), 'lectern-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: serverDir });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  admin = new S3Client(S3ContentStore.clientConfig(storeOptions('unused')));
});

afterAll(async () => {
  admin?.destroy();
  await server?.close();
  if (serverDir) await rm(serverDir, { recursive: true, force: true });
});

describeContentStoreContract('s3 (s3rver on loopback)', async () => {
  const bucket = await newBucket();
  const store = new S3ContentStore(storeOptions(bucket));
  return {
    store,
    exclusiveCreate: false,
    corrupt: async (hash, bytes) => {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: contentKey(hash), Body: bytes }));
    },
    corruptAsset: async (hash, bytes) => {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: assetKey(hash), Body: bytes }));
    },
    cleanup: async () => {
      await store.close();
      await emptyAndDeleteBucket(bucket);
    },
  };
});

describe('S3ContentStore', () => {
  let bucket: string;
  let store: S3ContentStore;

  beforeEach(async () => {
    bucket = await newBucket();
    store = new S3ContentStore(storeOptions(bucket));
  });

  afterEach(async () => {
    await store.close();
    await emptyAndDeleteBucket(bucket);
  });

  it('stores objects under lessons/ab/cd/<hash>.md with a Markdown content type and the SHA-256 as metadata', async () => {
    const { hash, key } = await store.put('# Über\n');
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(key).toBe(`lessons/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}.md`);
    expect(head.ContentType).toBe('text/markdown; charset=utf-8');
    expect(head.Metadata).toEqual({ sha256: hash });
    expect(head.ContentLength).toBe(Buffer.byteLength('# Über\n'));
  });

  it('a second put of a stored body sends no PutObject', async () => {
    const { hash } = await store.put('# Once\n');
    const sent: string[] = [];
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    expect(await store.put('# Once\n')).toMatchObject({ hash, created: false });
    expect(sent).toEqual(['HeadObjectCommand']);
  });

  it('ignores objects outside the lessons/ layout when listing', async () => {
    const { hash } = await store.put('# Listed\n');
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'lessons/zz/notes.txt', Body: 'x' }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/thing.md', Body: 'x' }));
    const listed: string[] = [];
    for await (const h of store.list()) listed.push(h);
    expect(listed).toEqual([hash]);
  });

  it('a missing bucket is an error, not an absent object', async () => {
    const missing = new S3ContentStore(storeOptions('lectern-no-such-bucket'));
    try {
      await expect(missing.get('a'.repeat(64))).rejects.toThrow(/NoSuchBucket/);
      await expect(missing.put('# Nowhere\n')).rejects.toThrow(/NoSuchBucket/);
    } finally {
      await missing.close();
    }
  });

  it('fails within its timeout and retry budget when the server is unreachable', async () => {
    const dead = new S3ContentStore({ ...storeOptions(bucket), endpoint: 'http://127.0.0.1:9', connectionTimeoutMs: 500, maxAttempts: 2 });
    try {
      const started = Date.now();
      await expect(dead.has('a'.repeat(64))).rejects.toThrow(/HeadObject .* failed/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await dead.close();
    }
  });

  it('gives up on a server that accepts connections but never answers (request timeout, bounded retries)', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const hung = new S3ContentStore({
      ...storeOptions(bucket),
      endpoint: `http://127.0.0.1:${port}`,
      requestTimeoutMs: 300,
      maxAttempts: 2,
    });
    try {
      const started = Date.now();
      await expect(hung.get('a'.repeat(64))).rejects.toThrow(/GetObject .* failed/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await hung.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
