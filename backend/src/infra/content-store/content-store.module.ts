import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CONTENT_STORE, type ContentStore } from './content-store';
import { FsContentStore } from './fs-content-store';
import { S3ContentStore } from './s3-content-store';

/**
 * The settings the content store reads. They are declared (with validation and
 * the defaults below) on AppConfig; this type names just the ones used here, so
 * the factory can be called with a plain object in tests and tools.
 */
export interface ContentStoreConfig {
  /** Which driver holds lesson text. Default `fs`. */
  CONTENT_STORE_DRIVER?: 'fs' | 's3';
  /** Root directory of the `fs` driver, resolved against the working directory. Default `.lectern/content-store`. */
  CONTENT_STORE_DIR?: string;
  /** S3-compatible endpoint URL (e.g. `http://127.0.0.1:9000`); unset for AWS S3 itself. */
  S3_ENDPOINT?: string;
  /** Default `us-east-1`. */
  S3_REGION?: string;
  /** Required by the `s3` driver. */
  S3_BUCKET?: string;
  /** With S3_SECRET_ACCESS_KEY; both unset means the SDK's default credential chain. */
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  /** Path-style addressing (`endpoint/bucket/key`). Default true. */
  S3_FORCE_PATH_STYLE?: boolean;
}

export const DEFAULT_CONTENT_STORE_DIR = '.lectern/content-store';

const blank = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** Builds the configured store. Throws a plain Error naming the bad setting if the configuration cannot work. */
export function createContentStore(cfg: ContentStoreConfig): ContentStore {
  const driver = cfg.CONTENT_STORE_DRIVER ?? 'fs';
  switch (driver) {
    case 'fs':
      return new FsContentStore(blank(cfg.CONTENT_STORE_DIR) ?? DEFAULT_CONTENT_STORE_DIR);
    case 's3': {
      const bucket = blank(cfg.S3_BUCKET);
      if (!bucket) throw new Error('CONTENT_STORE_DRIVER=s3 needs S3_BUCKET');
      const accessKeyId = blank(cfg.S3_ACCESS_KEY_ID);
      const secretAccessKey = blank(cfg.S3_SECRET_ACCESS_KEY);
      if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
        throw new Error(
          'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or both left unset for the default credential chain)',
        );
      }
      const forcePathStyle: unknown = cfg.S3_FORCE_PATH_STYLE ?? true;
      if (typeof forcePathStyle !== 'boolean') throw new Error('S3_FORCE_PATH_STYLE must be parsed to a boolean');
      return new S3ContentStore({
        bucket,
        endpoint: blank(cfg.S3_ENDPOINT),
        region: blank(cfg.S3_REGION) ?? 'us-east-1',
        forcePathStyle,
        credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      });
    }
    default:
      throw new Error(`CONTENT_STORE_DRIVER must be 'fs' or 's3', not ${JSON.stringify(driver)}`);
  }
}

function describeStore(store: ContentStore): string {
  if (store instanceof FsContentStore) return `fs at ${store.rootDir}`;
  if (store instanceof S3ContentStore) return `s3 bucket ${store.bucket}`;
  return store.driver;
}

@Injectable()
class ContentStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(CONTENT_STORE) private readonly store: ContentStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}

/** Provides the configured {@link ContentStore} everywhere as CONTENT_STORE. */
@Global()
@Module({
  providers: [
    {
      provide: CONTENT_STORE,
      inject: [AppConfig],
      // AppConfig declares the ContentStoreConfig fields (validated, with defaults); the
      // intersection only narrows the view to them, and missing ones fall back to the defaults above.
      useFactory: (config: AppConfig & ContentStoreConfig): ContentStore => {
        const store = createContentStore(config);
        new Logger('ContentStore').log(`Content store: ${describeStore(store)}`);
        return store;
      },
    },
    ContentStoreCloser,
  ],
  exports: [CONTENT_STORE],
})
export class ContentStoreModule {}
