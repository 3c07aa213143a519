import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import {
  CONTENT_TYPE_MARKDOWN,
  type ContentStore,
  assetBytes,
  assetKey,
  contentKey,
  decodeVerified,
  encodeBody,
  hashFromKey,
  type PutResult,
  sha256Hex,
  verifyBytes,
} from './content-store';

export interface S3ContentStoreOptions {
  bucket: string;
  /** e.g. `http://127.0.0.1:9000` for MinIO; omit for AWS itself. */
  endpoint?: string;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle: boolean;
  /** Omit to use the SDK's default credential chain (instance roles and the like). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Longest wait for a TCP connection, per attempt. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Longest a request may take, per attempt. Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts per operation, including the first (the SDK retries throttling, 5xx and network errors). Default 3. */
  maxAttempts?: number;
}

/** Metadata key (sent as `x-amz-meta-sha256`) recording the body's SHA-256. */
export const SHA256_METADATA_KEY = 'sha256';

function s3ErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function s3Status(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  return typeof metadata === 'object' && metadata !== null && 'httpStatusCode' in metadata && typeof metadata.httpStatusCode === 'number'
    ? metadata.httpStatusCode
    : undefined;
}

/** A missing object (not a missing bucket, which is a configuration error and must surface). */
function isMissingObject(error: unknown): boolean {
  const name = s3ErrorName(error);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || s3Status(error) === 404;
}

/**
 * Content store on S3-compatible object storage (AWS S3, MinIO, Ceph, R2, …):
 * objects `lessons/ab/cd/<hash>.md` in one bucket, with
 * `Content-Type: text/markdown; charset=utf-8` and the SHA-256 as metadata.
 *
 * Puts are idempotent (HeadObject first, so an existing object is never
 * rewritten); racing puts of one body may each write it, harmlessly (same
 * key, same bytes), and more than one may then report `created: true`.
 */
export class S3ContentStore implements ContentStore {
  readonly driver = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;

  constructor(options: S3ContentStoreOptions, client?: S3Client) {
    if (!options.bucket) throw new Error('S3ContentStore needs a bucket');
    this.bucket = options.bucket;
    this.client = client ?? new S3Client(S3ContentStore.clientConfig(options));
  }

  static clientConfig(options: S3ContentStoreOptions): S3ClientConfig {
    return {
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 5_000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        throwOnRequestTimeout: true,
      },
      // Newer SDKs add CRC checksums (and aws-chunked uploads for streams) by
      // default, which many S3-compatible servers do not understand. Integrity
      // is covered by Content-MD5 on upload and our own SHA-256 check on read.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
  }

  async put(body: string): Promise<PutResult> {
    const bytes = encodeBody(body);
    const hash = sha256Hex(bytes);
    return this.putObject(bytes, hash, contentKey(hash), CONTENT_TYPE_MARKDOWN);
  }

  async putAsset(data: Uint8Array): Promise<PutResult> {
    const bytes = assetBytes(data);
    const hash = sha256Hex(bytes);
    return this.putObject(bytes, hash, assetKey(hash), 'application/octet-stream');
  }

  async getAsset(hash: string): Promise<Buffer | null> {
    const key = assetKey(hash);
    const bytes = await this.getObject(key);
    return bytes === null ? null : verifyBytes(hash, bytes, `s3://${this.bucket}/${key}`);
  }

  async hasAsset(hash: string): Promise<boolean> {
    return this.exists(assetKey(hash));
  }

  private async putObject(bytes: Buffer, hash: string, key: string, contentType: string): Promise<PutResult> {
    if (await this.exists(key)) return { hash, key, created: false };
    await this.send('PutObject', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: contentType,
          // Lets the server reject a body damaged in transit (S3 and most compatibles check it).
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          Metadata: { [SHA256_METADATA_KEY]: hash },
        }),
      ),
    );
    return { hash, key, created: true };
  }

  async get(hash: string): Promise<string | null> {
    const key = contentKey(hash);
    const bytes = await this.getObject(key);
    return bytes === null ? null : decodeVerified(hash, bytes, `s3://${this.bucket}/${key}`);
  }

  private async getObject(key: string): Promise<Uint8Array | null> {
    return this.send('GetObject', key, async () => {
      try {
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        if (!response.Body) throw new Error('the response had no body');
        return await response.Body.transformToByteArray();
      } catch (error) {
        if (isMissingObject(error)) return null;
        throw error;
      }
    });
  }

  async has(hash: string): Promise<boolean> {
    return this.exists(contentKey(hash));
  }

  async delete(hash: string): Promise<void> {
    const key = contentKey(hash);
    await this.send('DeleteObject', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async *list(): AsyncIterable<string> {
    let continuationToken: string | undefined;
    do {
      const page = await this.send('ListObjectsV2', 'lessons/', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'lessons/', ContinuationToken: continuationToken })),
      );
      for (const object of page.Contents ?? []) {
        const hash = object.Key ? hashFromKey(object.Key) : null;
        if (hash) yield hash;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async exists(key: string): Promise<boolean> {
    return this.send('HeadObject', key, async () => {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissingObject(error)) return false;
        throw error;
      }
    });
  }

  /** Runs one S3 call, naming the operation, bucket and key in any error (the SDK's own error is the cause). */
  private async send<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`S3 content store: ${operation} s3://${this.bucket}/${key} failed (${reason})`, { cause: error });
    }
  }
}
