import { S3Client } from '@aws-sdk/client-s3';
import { FileSystemStore } from './fs-store.ts';
import type { ObjectStore } from './port.ts';
import { S3Store } from './s3-store.ts';

/** The local default store folder. */
export const DEFAULT_STORE_LOCATION = './.nianbao';

export interface OpenStoreOptions {
  /** S3 client to use for `s3://` locations (endpoint, region, credentials). */
  s3Client?: S3Client;
  /** ListObjectsV2 page size for S3 (tests). */
  s3PageSize?: number;
}

/**
 * Opens the store named by a `--store` argument: `s3://bucket/prefix` gives an S3Store, anything
 * else is a folder for a FileSystemStore (default `./.nianbao`).
 */
export function openStore(location: string = DEFAULT_STORE_LOCATION, options: OpenStoreOptions = {}): ObjectStore {
  const trimmed = location.trim() || DEFAULT_STORE_LOCATION;
  if (/^s3:\/\//i.test(trimmed)) {
    const rest = trimmed.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if (!bucket) throw new Error(`存储位置缺少桶名：${location}（应为 s3://bucket/prefix）`);
    // An S3-compatible endpoint of one's own (MinIO, s3rver, an on-premises store) has no bucket
    // subdomains: path-style addressing, as the Lambdas do (functions/common/aws.ts).
    const client =
      options.s3Client ??
      (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL
        ? new S3Client({ forcePathStyle: true })
        : undefined);
    return new S3Store({ bucket, prefix, client, pageSize: options.s3PageSize });
  }
  return new FileSystemStore(trimmed);
}
