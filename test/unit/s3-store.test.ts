import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3Store } from '../../shared/storage/s3-store.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const store = () =>
  new S3Store({ bucket: 'b', prefix: '/nianbao/prod/', client: new S3Client({ region: 'us-east-1' }) });

describe('S3Store (mocked client)', () => {
  it('maps NoSuchKey and 404 to "absent" and rethrows other errors', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no', $metadata: {} }));
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'no', $metadata: { httpStatusCode: 404 } }));
    expect(await store().get('x.json')).toBeUndefined();
    expect(await store().has('x.json')).toBe(false);
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'denied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(store().get('x.json')).rejects.toThrow('denied');
  });

  it('prefixes keys, sets content types and follows continuation tokens', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: [{ Key: 'nianbao/prod/raw/b.pdf' }, { Key: 'nianbao/prod/raw/a.html' }],
      IsTruncated: true,
      NextContinuationToken: 't1',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't1' }).resolves({
      Contents: [{ Key: 'nianbao/prod/raw/c.json' }],
      IsTruncated: false,
    });
    const target = store();
    expect(target.location).toBe('s3://b/nianbao/prod');
    await target.put('raw/a.html', '<p>x</p>');
    await target.put('results/2024/x/abc.json', '{}');
    await target.delete('raw/a.html');
    expect(await target.list('raw/')).toEqual(['raw/a.html', 'raw/b.pdf', 'raw/c.json']);

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((input) => [input.Key, input.ContentType])).toEqual([
      ['nianbao/prod/raw/a.html', 'text/html; charset=utf-8'],
      ['nianbao/prod/results/2024/x/abc.json', 'application/json; charset=utf-8'],
    ]);
    const lists = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);
    expect(lists.map((input) => [input.Prefix, input.ContinuationToken])).toEqual([
      ['nianbao/prod/raw/', undefined],
      ['nianbao/prod/raw/', 't1'],
    ]);
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input.Key).toBe('nianbao/prod/raw/a.html');
  });

  it('refuses unsafe keys before calling S3', async () => {
    await expect(store().put('../x', 'y')).rejects.toThrow(/Invalid store key/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('sends conditional puts (If-None-Match: *, If-Match: ETag) and reads a 412 as "not written"', async () => {
    s3.on(GetObjectCommand).resolves({
      ETag: '"etag-1"',
      Body: { transformToByteArray: async () => new TextEncoder().encode('{"n":1}') } as never,
    });
    const target = store();
    expect(await target.getVersioned('state/2024/a.json')).toEqual({
      body: new TextEncoder().encode('{"n":1}'),
      version: '"etag-1"',
    });
    s3.on(PutObjectCommand)
      .resolvesOnce({})
      .rejects(
        new S3ServiceException({
          name: 'PreconditionFailed',
          $fault: 'client',
          message: 'At least one of the pre-conditions you specified did not hold',
          $metadata: { httpStatusCode: 412 },
        }),
      );
    expect(await target.putIf('state/2024/a.json', '{"n":2}', { ifMatch: '"etag-1"' })).toBe(true);
    expect(await target.putIf('state/2024/b.json', '{}', { ifNoneMatch: '*' })).toBe(false);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((input) => [input.Key, input.IfMatch, input.IfNoneMatch])).toEqual([
      ['nianbao/prod/state/2024/a.json', '"etag-1"', undefined],
      ['nianbao/prod/state/2024/b.json', undefined, '*'],
    ]);
    // Other errors are not conflicts.
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'denied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(target.putIf('x.json', '{}', { ifNoneMatch: '*' })).rejects.toThrow('denied');
  });
});
