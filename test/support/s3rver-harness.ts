/** Starts s3rver 3.7.1 in-process on 127.0.0.1 with an ephemeral port, plus a client configured for it. */
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 22) only
 * has in its legacy provider, so every truncated listing fails with InternalError. Triple DES with
 * the key repeated three times is the same cipher (E-D-E with K1=K2=K3 reduces to DES), so map
 * 'des' onto it. Test-only, this process only; other algorithms pass through untouched.
 */
function enableSingleDesForS3rver(): void {
  const patched = Symbol.for('nianbao.s3rver-des-shim');
  const mutable = crypto as unknown as Record<string | symbol, unknown>;
  if (mutable[patched]) return;
  mutable[patched] = true;
  const tripled = (key: crypto.CipherKey) => Buffer.concat([key, key, key] as Uint8Array[]);
  const { createCipheriv, createDecipheriv } = crypto;
  mutable.createCipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    algorithm === 'des' ? createCipheriv('des-ede3-cbc', tripled(key), iv) : createCipheriv(algorithm, key, iv);
  mutable.createDecipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
    algorithm === 'des' ? createDecipheriv('des-ede3-cbc', tripled(key), iv) : createDecipheriv(algorithm, key, iv);
}

export interface S3Harness {
  client: S3Client;
  endpoint: string;
  /** Creates a bucket (names must be lower-case, 3–63 chars). */
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3rver(): Promise<S3Harness> {
  enableSingleDesForS3rver();
  const directory = await mkdtemp(path.join(tmpdir(), 'nianbao-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver predates the SDK's default CRC checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    client,
    endpoint,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
