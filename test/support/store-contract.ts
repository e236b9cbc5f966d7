/**
 * The ObjectStore contract, as one suite every adapter must pass. Call it from a test file with a
 * factory that returns a fresh, empty store for each test.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/storage/hash.ts';
import { InvalidKeyError } from '../../shared/storage/key-safety.ts';
import { getJson, type ObjectStore, putJson, updateJson } from '../../shared/storage/port.ts';
import type { SnapshotMeta } from '../../shared/storage/records.ts';
import { loadSnapshotMetas, putSnapshot, type SnapshotMetaInput } from '../../shared/storage/snapshot.ts';

export interface StoreContractOptions {
  /** Keys to write for the paging test (S3 pages at 1000 by default). */
  manyKeys?: number;
  /**
   * False for a backend that ignores conditional puts (s3rver overwrites on If-None-Match / If-Match:
   * ../shared/TOOLCHAIN.md); the S3 adapter's request shape is then checked with a mocked client.
   */
  conditionalWrites?: boolean;
}

export function runStoreContract(
  label: string,
  freshStore: () => Promise<ObjectStore>,
  options: StoreContractOptions = {},
): void {
  const manyKeys = options.manyKeys ?? 1_050;
  const conditional = options.conditionalWrites !== false;

  describe(`ObjectStore contract: ${label}`, () => {
    it('puts and gets text and bytes; get of a missing key is undefined', async () => {
      const store = await freshStore();
      await store.put('a/hello.txt', '你好，世界');
      expect(new TextDecoder().decode(await store.get('a/hello.txt'))).toBe('你好，世界');
      expect(await store.get('a/missing.txt')).toBeUndefined();
      expect(await store.get('nothing/here/at/all')).toBeUndefined();
    });

    it('round-trips every byte value exactly', async () => {
      const store = await freshStore();
      const bytes = new Uint8Array(256 * 4);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
      await store.put('bin/all-bytes.bin', bytes);
      const back = await store.get('bin/all-bytes.bin');
      expect(back).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
      await store.put('bin/empty.bin', new Uint8Array());
      expect((await store.get('bin/empty.bin'))?.byteLength).toBe(0);
      expect(await store.has('bin/empty.bin')).toBe(true);
    });

    it('overwrites an existing key', async () => {
      const store = await freshStore();
      await store.put('x.json', '1');
      await store.put('x.json', '2');
      expect(new TextDecoder().decode(await store.get('x.json'))).toBe('2');
      expect(await store.list('')).toEqual(['x.json']);
    });

    it('has() tells present from absent', async () => {
      const store = await freshStore();
      await store.put('state/2024/lushi-gov.json', '{}');
      expect(await store.has('state/2024/lushi-gov.json')).toBe(true);
      expect(await store.has('state/2024/other.json')).toBe(false);
      expect(await store.has('state/2024')).toBe(false); // a "folder" is not an object
    });

    it('keeps Chinese keys intact', async () => {
      const store = await freshStore();
      const key = 'site/河南省/三门峡市/卢氏县/乡村振兴局 2024.html';
      await store.put(key, '<p>卢氏县</p>');
      expect(await store.has(key)).toBe(true);
      expect(await store.list('site/河南省/')).toEqual([key]);
      expect(new TextDecoder().decode(await store.get(key))).toBe('<p>卢氏县</p>');
    });

    it('listTagged gives the keys of list with a tag that changes when, and only when, the bytes do', async () => {
      const store = await freshStore();
      for (const key of ['t/b.json', 't/a.json', 'u/c.json']) await store.put(key, key);
      const first = await store.listTagged('t/');
      expect(first.map((entry) => entry.key)).toEqual(await store.list('t/'));
      expect(first.map((entry) => entry.key)).toEqual(['t/a.json', 't/b.json']);
      expect(new Set(first.map((entry) => entry.tag)).size).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.put('t/b.json', 'changed');
      const second = await store.listTagged('t/');
      expect(second[0]).toEqual(first[0]);
      expect(second[1]?.key).toBe('t/b.json');
      expect(second[1]?.tag).not.toBe(first[1]?.tag);
      await store.delete('t/a.json');
      expect((await store.listTagged('t/')).map((entry) => entry.key)).toEqual(['t/b.json']);
      expect(await store.listTagged('nothing/')).toEqual([]);
    });

    it('lists by prefix, sorted, including prefixes that end mid-name', async () => {
      const store = await freshStore();
      const written = [
        'raw/2024/b/2.pdf',
        'raw/2024/a/1.html',
        'raw/2023/a/0.pdf',
        'results/2024/a/1.json',
        'rawx.txt',
      ];
      for (const key of written) await store.put(key, key);
      expect(await store.list('raw/2024/')).toEqual(['raw/2024/a/1.html', 'raw/2024/b/2.pdf']);
      expect(await store.list('raw/')).toEqual(['raw/2023/a/0.pdf', 'raw/2024/a/1.html', 'raw/2024/b/2.pdf']);
      expect(await store.list('raw')).toEqual([
        'raw/2023/a/0.pdf',
        'raw/2024/a/1.html',
        'raw/2024/b/2.pdf',
        'rawx.txt',
      ]);
      expect(await store.list('raw/2024/a')).toEqual(['raw/2024/a/1.html']);
      expect(await store.list('')).toEqual([...written].sort());
      expect(await store.list('nothing/')).toEqual([]);
    });

    it(`lists more than one page of keys (${manyKeys})`, async () => {
      const store = await freshStore();
      const expected: string[] = [];
      for (let i = 0; i < manyKeys; i++) expected.push(`many/${String(i).padStart(5, '0')}.txt`);
      for (let i = 0; i < expected.length; i += 25) {
        await Promise.all(expected.slice(i, i + 25).map((key) => store.put(key, key)));
      }
      await store.put('other/outside.txt', 'x');
      const listed = await store.list('many/');
      expect(listed.length).toBe(manyKeys);
      expect(listed).toEqual(expected);
    });

    it('deletes; deleting a missing key is not an error', async () => {
      const store = await freshStore();
      await store.put('d/one.txt', '1');
      await store.put('d/two.txt', '2');
      await store.delete('d/one.txt');
      expect(await store.has('d/one.txt')).toBe(false);
      expect(await store.get('d/one.txt')).toBeUndefined();
      expect(await store.list('d/')).toEqual(['d/two.txt']);
      await store.delete('d/one.txt');
      await store.delete('d/two.txt');
      expect(await store.list('')).toEqual([]);
      // The key space is usable again after a "folder" emptied.
      await store.put('d/three.txt', '3');
      expect(await store.list('d/')).toEqual(['d/three.txt']);
    });

    it('refuses keys that could escape the store', async () => {
      const store = await freshStore();
      for (const key of ['../evil', 'a/../../evil', '/etc/passwd', 'a//b', './a', 'a\\b', '', 'a/b/']) {
        await expect(store.put(key, 'x'), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidKeyError);
      }
      await expect(store.list('../')).rejects.toBeInstanceOf(InvalidKeyError);
      expect(await store.list('')).toEqual([]);
    });

    it('JSON helpers round-trip Chinese text', async () => {
      const store = await freshStore();
      await putJson(store, 'runs/r1.json', { 名称: '卢氏县人民政府', n: 1 });
      expect(await getJson(store, 'runs/r1.json')).toEqual({ 名称: '卢氏县人民政府', n: 1 });
    });

    it('stores snapshots by content hash, idempotently, merging metadata', async () => {
      const store = await freshStore();
      const bytes = new TextEncoder().encode('<html><title>卢氏县2024年政府信息公开工作年度报告</title></html>');
      const meta = (overrides: Partial<SnapshotMetaInput>): SnapshotMetaInput => ({
        url: 'http://www.example.gov.cn/zfxxgk/t20250120_1.html',
        pageUrl: 'http://www.example.gov.cn/zfxxgk/t20250120_1.html',
        title: '卢氏县2024年政府信息公开工作年度报告',
        fetchedAt: '2025-01-21T02:00:00.000Z',
        publishDate: null,
        publishDateSource: null,
        otherDates: [{ source: 'url', value: '2025-01-20' }],
        contentType: 'text/html; charset=utf-8',
        charset: 'utf-8',
        headers: { 'content-type': 'text/html; charset=utf-8' },
        ...overrides,
      });

      const first = await putSnapshot(store, { year: 2024, agencyId: 'lushi-gov', bytes, ext: 'html', meta: meta({}) });
      expect(first.created).toBe(true);
      expect(first.sha256).toBe(sha256Hex(bytes));
      expect(first.key).toBe(`raw/2024/lushi-gov/${first.sha256}.html`);

      const second = await putSnapshot(store, {
        year: 2024,
        agencyId: 'lushi-gov',
        bytes: new Uint8Array(bytes),
        ext: 'html',
        meta: meta({
          url: 'https://www.example.gov.cn/zfxxgk/t20250120_1.html',
          fetchedAt: '2025-01-28T02:00:00.000Z',
          publishDate: '2025-01-20T09:30:00+08:00',
          publishDateSource: 'meta-pubdate',
          otherDates: [
            { source: 'url', value: '2025-01-20' },
            { source: 'list-row', value: '2025-01-20' },
          ],
        }),
      });
      expect(second.created).toBe(false);
      expect(second.key).toBe(first.key);

      expect(await store.list('raw/2024/lushi-gov/')).toEqual([
        first.key,
        `raw/2024/lushi-gov/${first.sha256}.meta.json`,
      ]);
      expect(Buffer.from((await store.get(first.key)) as Uint8Array).equals(Buffer.from(bytes))).toBe(true);

      const stored = (await getJson<SnapshotMeta>(store, second.metaKey)) as SnapshotMeta;
      expect(stored.sha256).toBe(first.sha256);
      expect(stored.byteLength).toBe(bytes.byteLength);
      expect(stored.fetchedAt).toBe('2025-01-21T02:00:00.000Z');
      expect(stored.firstSeenAt).toBe('2025-01-21T02:00:00.000Z');
      expect(stored.lastSeenAt).toBe('2025-01-28T02:00:00.000Z');
      expect(stored.timesSeen).toBe(2);
      expect(stored.publishDate).toBe('2025-01-20T09:30:00+08:00');
      expect(stored.seenUrls).toEqual([
        'http://www.example.gov.cn/zfxxgk/t20250120_1.html',
        'https://www.example.gov.cn/zfxxgk/t20250120_1.html',
      ]);
      expect(stored.otherDates).toHaveLength(2);

      // A later sighting without a publish date does not erase the one already known.
      const tagsBefore = await store.listTagged('raw/2024/lushi-gov/');
      const third = await putSnapshot(store, {
        year: 2024,
        agencyId: 'lushi-gov',
        bytes,
        ext: 'html',
        meta: meta({ fetchedAt: '2025-02-04T02:00:00.000Z' }),
      });
      expect(third.meta.publishDate).toBe('2025-01-20T09:30:00+08:00');
      // It tells nothing new (same bytes, URL and dates): the record is not rewritten, so no parse
      // event fires and its change tag stays (the run manifests record the sighting).
      expect(third.meta.timesSeen).toBe(2);
      expect(third.meta.lastSeenAt).toBe('2025-01-28T02:00:00.000Z');
      expect(await store.listTagged('raw/2024/lushi-gov/')).toEqual(tagsBefore);

      // Different bytes make a different object.
      const edited = await putSnapshot(store, {
        year: 2024,
        agencyId: 'lushi-gov',
        bytes: new TextEncoder().encode('<html>更正</html>'),
        ext: 'html',
        meta: meta({}),
      });
      expect(edited.created).toBe(true);
      expect(edited.key).not.toBe(first.key);
      expect((await store.list('raw/2024/lushi-gov/')).length).toBe(4);

      // The agency-year's index holds each record as stored, outside raw/ (no parse event).
      const bySha = (metas: SnapshotMeta[]) => [...metas].sort((a, b) => a.sha256.localeCompare(b.sha256));
      const records = [stored, (await getJson<SnapshotMeta>(store, edited.metaKey)) as SnapshotMeta];
      expect(bySha(await loadSnapshotMetas(store, 2024, 'lushi-gov'))).toEqual(bySha(records));
      expect(await store.list('index/2024/snapshots/')).toEqual(['index/2024/snapshots/lushi-gov.json']);
    });

    it.runIf(conditional)('writes conditionally: create-only, and replace-only-the-version-read', async () => {
      const store = await freshStore();
      expect(await store.getVersioned('c/x.json')).toBeUndefined();
      expect(await store.putIf('c/x.json', '1', { ifMatch: 'nothing-yet' })).toBe(false);
      expect(await store.putIf('c/x.json', '1', { ifNoneMatch: '*' })).toBe(true);
      expect(await store.putIf('c/x.json', '2', { ifNoneMatch: '*' })).toBe(false);
      const first = await store.getVersioned('c/x.json');
      expect(new TextDecoder().decode(first?.body)).toBe('1');
      expect(await store.putIf('c/x.json', '2', { ifMatch: first?.version as string })).toBe(true);
      // The version read before the change is stale now.
      expect(await store.putIf('c/x.json', '3', { ifMatch: first?.version as string })).toBe(false);
      const second = await store.getVersioned('c/x.json');
      expect(new TextDecoder().decode(second?.body)).toBe('2');
      expect(second?.version).not.toBe(first?.version);
      expect(await store.list('c/')).toEqual(['c/x.json']);
    });

    it.runIf(conditional)('loses no update when 60 writers read-modify-write one record at once', async () => {
      const store = await freshStore();
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          updateJson<{ seen: number[] }>(store, 'c/counter.json', (previous) => ({
            seen: [...(previous?.seen ?? []), i],
          })),
        ),
      );
      const stored = await getJson<{ seen: number[] }>(store, 'c/counter.json');
      expect(stored?.seen).toHaveLength(60);
      expect(new Set(stored?.seen).size).toBe(60);
      expect(await store.list('c/')).toEqual(['c/counter.json']);
    });

    it.runIf(conditional)('counts every sighting when 60 putSnapshot calls store the same bytes at once', async () => {
      const store = await freshStore();
      const bytes = new TextEncoder().encode('<html>卢氏县2024年政府信息公开工作年度报告</html>');
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          putSnapshot(store, {
            year: 2024,
            agencyId: 'lushi-gov',
            bytes,
            ext: 'html',
            meta: {
              url: `http://www.example.gov.cn/zfxxgk/${i}.html`,
              pageUrl: `http://www.example.gov.cn/zfxxgk/${i}.html`,
              title: null,
              fetchedAt: new Date(Date.UTC(2025, 0, 21, 0, i)).toISOString(),
              publishDate: null,
              publishDateSource: null,
              otherDates: [],
              contentType: 'text/html',
              charset: 'utf-8',
              headers: {},
            },
          }),
        ),
      );
      const stored = (await getJson<SnapshotMeta>(store, results[0]?.metaKey as string)) as SnapshotMeta;
      expect(stored.timesSeen).toBe(60);
      expect(stored.seenUrls).toHaveLength(60);
      expect(stored.lastSeenAt).toBe(new Date(Date.UTC(2025, 0, 21, 0, 59)).toISOString());
      // The index ends with the last record, not whichever writer reached it last.
      expect(await loadSnapshotMetas(store, 2024, 'lushi-gov')).toEqual([stored]);
    });
  });
}
