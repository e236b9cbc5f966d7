import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../shared/storage/open-store.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { type S3Harness, startS3rver } from '../support/s3rver-harness.ts';
import { runStoreContract } from '../support/store-contract.ts';

let s3: S3Harness;
const BUCKET = 'nianbao-contract';
let counter = 0;

beforeAll(async () => {
  s3 = await startS3rver();
  await s3.createBucket(BUCKET);
});
afterAll(async () => {
  await s3?.close();
});

// Each test gets its own prefix in one bucket, which also proves the prefix isolates stores.
runStoreContract(
  'S3Store on s3rver',
  async () => new S3Store({ bucket: BUCKET, prefix: `t${++counter}/nb`, client: s3.client }),
  { conditionalWrites: false },
);

describe('S3Store specifics', () => {
  it('pages through ListObjectsV2 with a small page size', async () => {
    const store = new S3Store({ bucket: BUCKET, prefix: 'paging', client: s3.client, pageSize: 7 });
    const expected = Array.from({ length: 30 }, (_, i) => `p/${String(i).padStart(3, '0')}`);
    await Promise.all(expected.map((key) => store.put(key, key)));
    expect(await store.list('p/')).toEqual(expected);
  });

  it('ignores objects outside its prefix and maps keys back', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'iso-other/raw/x.txt', Body: 'x' }));
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'iso/raw/y.txt', Body: 'y' }));
    const store = openStore(`s3://${BUCKET}/iso`, { s3Client: s3.client });
    expect(store.location).toBe(`s3://${BUCKET}/iso`);
    expect(await store.list('')).toEqual(['raw/y.txt']);
    expect(await store.list('raw/')).toEqual(['raw/y.txt']);
  });

  it('works at the bucket root', async () => {
    const store = new S3Store({ bucket: BUCKET, client: s3.client });
    await store.put('root-level.txt', '根');
    expect(new TextDecoder().decode(await store.get('root-level.txt'))).toBe('根');
    expect(await store.list('root-level')).toEqual(['root-level.txt']);
  });
});
