import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import {
  CONTENT_STORE,
  type ContentStore,
  ContentCorruptedError,
  contentKey,
  decodeVerified,
  encodeBody,
  hashFromKey,
  InvalidContentBodyError,
  InvalidContentHashError,
  isContentHash,
  sha256Hex,
} from './content-store';
import { type ContentStoreConfig, ContentStoreModule, createContentStore, DEFAULT_CONTENT_STORE_DIR } from './content-store.module';
import { FsContentStore } from './fs-content-store';
import { S3ContentStore } from './s3-content-store';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('content-store helpers', () => {
  it('sha256Hex hashes the UTF-8 bytes of a string, or raw bytes', () => {
    expect(sha256Hex('')).toBe(EMPTY);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('اردو', 'utf8'))).toBe(sha256Hex('اردو'));
  });

  it('contentKey fans out on the first two pairs of hex digits, and hashFromKey inverts it', () => {
    expect(contentKey(EMPTY)).toBe(`lessons/e3/b0/${EMPTY}.md`);
    expect(hashFromKey(`lessons/e3/b0/${EMPTY}.md`)).toBe(EMPTY);
    expect(hashFromKey(`lessons/e3/b1/${EMPTY}.md`)).toBeNull();
    expect(hashFromKey(`lessons/e3/b0/${EMPTY}.txt`)).toBeNull();
    expect(hashFromKey('lessons/e3/b0/../x.md')).toBeNull();
  });

  it.each(['../../etc/passwd', EMPTY.toUpperCase(), EMPTY.slice(1), `${EMPTY}0`, `${EMPTY}\n`, '', 7, null])(
    'rejects the hash %p',
    (value) => {
      expect(isContentHash(value)).toBe(false);
      expect(() => contentKey(value as string)).toThrow(InvalidContentHashError);
    },
  );

  it('encodeBody rejects non-strings and lone surrogates but keeps everything else byte-exact', () => {
    expect(() => encodeBody(1)).toThrow(InvalidContentBodyError);
    expect(() => encodeBody('\uDC00')).toThrow(InvalidContentBodyError);
    expect(encodeBody('\uFEFF😀')).toEqual(Buffer.from([0xef, 0xbb, 0xbf, 0xf0, 0x9f, 0x98, 0x80]));
  });

  it('decodeVerified checks the hash and keeps a byte-order mark', () => {
    const bytes = Buffer.from('\uFEFF# x', 'utf8');
    expect(decodeVerified(sha256Hex(bytes), bytes, 'here')).toBe('\uFEFF# x');
    expect(() => decodeVerified(EMPTY, bytes, 'here')).toThrow(ContentCorruptedError);
    const latin1 = Buffer.from([0xe9]);
    expect(() => decodeVerified(sha256Hex(latin1), latin1, 'here')).toThrow(/not valid UTF-8/);
  });
});

describe('createContentStore', () => {
  it('defaults to the fs driver under .lectern/content-store in the working directory', () => {
    const store = createContentStore({});
    expect(store).toBeInstanceOf(FsContentStore);
    expect((store as FsContentStore).rootDir).toBe(join(process.cwd(), DEFAULT_CONTENT_STORE_DIR));
    expect((createContentStore({ CONTENT_STORE_DIR: 'a/b' }) as FsContentStore).rootDir).toBe(join(process.cwd(), 'a/b'));
  });

  it('builds the s3 driver from the S3_* settings', async () => {
    const store = createContentStore({
      CONTENT_STORE_DRIVER: 's3',
      S3_BUCKET: 'lessons',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(store).toBeInstanceOf(S3ContentStore);
    const s3 = store as S3ContentStore;
    expect(s3.bucket).toBe('lessons');
    expect(await s3.client.config.region()).toBe('us-east-1');
    expect(s3.client.config.forcePathStyle).toBe(true);
    expect(await s3.client.config.maxAttempts()).toBe(3);
    await s3.close();
  });

  it('rejects unusable s3 settings', () => {
    expect(() => createContentStore({ CONTENT_STORE_DRIVER: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => createContentStore({ CONTENT_STORE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' })).toThrow(/together/);
    expect(() =>
      createContentStore({ CONTENT_STORE_DRIVER: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'false' as unknown as boolean }),
    ).toThrow(/boolean/);
    expect(() => createContentStore({ CONTENT_STORE_DRIVER: 'gcs' as 'fs' })).toThrow(/'fs' or 's3'/);
  });
});

describe('ContentStoreModule', () => {
  async function resolve(settings: ContentStoreConfig): Promise<{ store: ContentStore; close: () => Promise<void> }> {
    const config = Object.assign(new AppConfig(), settings);
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), ContentStoreModule] })
      .setLogger({ log: jest.fn(), error: jest.fn(), warn: jest.fn() })
      .compile();
    moduleRef.enableShutdownHooks();
    return { store: moduleRef.get<ContentStore>(CONTENT_STORE), close: () => moduleRef.close() };
  }

  it('provides the store AppConfig selects (fs by default)', async () => {
    const { store, close } = await resolve({ CONTENT_STORE_DIR: 'tmp/content' });
    expect(store).toBeInstanceOf(FsContentStore);
    expect((store as FsContentStore).rootDir).toBe(join(process.cwd(), 'tmp/content'));
    await close();
  });

  it('provides the s3 store and closes it on shutdown', async () => {
    const { store, close } = await resolve({ CONTENT_STORE_DRIVER: 's3', S3_BUCKET: 'lessons', S3_ENDPOINT: 'http://127.0.0.1:9000' });
    expect(store).toBeInstanceOf(S3ContentStore);
    const closeSpy = jest.spyOn(store as S3ContentStore, 'close');
    await close();
    expect(closeSpy).toHaveBeenCalledTimes(1);
  });
});
