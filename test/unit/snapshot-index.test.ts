import { describe, expect, it } from 'vitest';
import { loadPreviousMetas } from '../../shared/fetch/scan/context.ts';
import { CountingStore } from '../../shared/storage/counting-store.ts';
import { sha256Hex } from '../../shared/storage/hash.ts';
import { keys } from '../../shared/storage/keys.ts';
import { InMemoryStore } from '../../shared/storage/memory-store.ts';
import { putJson } from '../../shared/storage/port.ts';
import type { SnapshotMeta } from '../../shared/storage/records.ts';
import { loadSnapshotMetas, putSnapshot } from '../../shared/storage/snapshot.ts';

const META = {
  url: 'http://www.example.gov.cn/zfxxgk/t1.html',
  pageUrl: 'http://www.example.gov.cn/zfxxgk/t1.html',
  title: '2024年政府信息公开工作年度报告',
  fetchedAt: '2025-01-21T02:00:00.000Z',
  publishDate: null,
  publishDateSource: null,
  otherDates: [],
  contentType: 'text/html; charset=utf-8',
  charset: 'utf-8',
  headers: { etag: '"v1"' },
};

describe('the per-agency snapshot index', () => {
  it("a scan reads its agency's previous snapshots with one GET and no LIST", async () => {
    const store = new CountingStore(new InMemoryStore());
    for (const body of ['<html>一</html>', '<html>二</html>'])
      await putSnapshot(store, {
        year: 2024,
        agencyId: 'a',
        bytes: new TextEncoder().encode(body),
        ext: 'html',
        meta: META,
      });
    store.reset();
    const previous = await loadPreviousMetas(store, 2024, 'a');
    expect(previous.get(META.url)?.headers.etag).toBe('"v1"');
    expect(store.counts).toMatchObject({ lists: 0, gets: 1, puts: 0 });
  });

  it("a sighting the index read at the agency's start already holds does not read the index again", async () => {
    const store = new CountingStore(new InMemoryStore());
    const bytes = new TextEncoder().encode('<html>一</html>');
    const put = () => putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META });
    await put();
    const previous = await loadPreviousMetas(store, 2024, 'a');
    store.reset();
    await putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META, indexed: previous.values() });
    expect(store.counts.getsByPrefix.index ?? 0).toBe(0);
    expect(store.counts.puts).toBe(0);
    // A copy without the record (or with an older one) still updates the stored index.
    const other = new TextEncoder().encode('<html>二</html>');
    await putSnapshot(store, { year: 2024, agencyId: 'a', bytes: other, ext: 'html', meta: META, indexed: [] });
    expect((await loadSnapshotMetas(store, 2024, 'a')).map((m) => m.sha256).sort()).toEqual(
      [sha256Hex(bytes), sha256Hex(other)].sort(),
    );
  });

  it('a store from before the index is listed once, then indexed', async () => {
    const inner = new InMemoryStore();
    // As putSnapshot wrote it before the index existed: the record under raw/ and nothing else.
    const record: SnapshotMeta = {
      ...META,
      agencyId: 'a',
      year: 2024,
      sha256: 'f'.repeat(64),
      key: keys.raw(2024, 'a', 'f'.repeat(64), 'html'),
      byteLength: 10,
      timesSeen: 3,
    };
    await inner.put(record.key, '<html></html>');
    await putJson(inner, keys.rawMeta(2024, 'a', record.sha256), record);
    const store = new CountingStore(inner);
    expect([...(await loadPreviousMetas(store, 2024, 'a')).values()]).toEqual([record]);
    expect(store.counts.lists).toBe(1);
    store.reset();
    expect([...(await loadPreviousMetas(store, 2024, 'a')).values()]).toEqual([record]);
    expect(store.counts).toMatchObject({ lists: 0, gets: 1 });
  });

  it('a record missing from the index (a crash between the two writes) is added at its next sighting', async () => {
    const store = new InMemoryStore();
    const bytes = new TextEncoder().encode('<html>一</html>');
    const first = await putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META });
    await putJson(store, keys.snapshotIndex(2024, 'a'), { metas: [] });
    // The same sighting again: the record is not rewritten, but the index is mended.
    await putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META });
    expect([...(await loadPreviousMetas(store, 2024, 'a')).values()]).toEqual([first.meta]);
  });

  it('a writer holding an older record does not put it over a newer one in the index', async () => {
    // The end of a race: scan B merged a sighting into the record (timesSeen 2) and indexed it before
    // scan A, whose record is still the first (timesSeen 1), came to update the index.
    const store = new InMemoryStore();
    const bytes = new TextEncoder().encode('<html>一</html>');
    const first = await putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META });
    const newer = { ...first.meta, timesSeen: 2, lastSeenAt: '2025-01-28T02:00:00.000Z' };
    await putJson(store, keys.snapshotIndex(2024, 'a'), { metas: [newer] });
    await putSnapshot(store, { year: 2024, agencyId: 'a', bytes, ext: 'html', meta: META });
    expect([...(await loadPreviousMetas(store, 2024, 'a')).values()]).toEqual([newer]);
  });

  it('an agency with nothing archived is listed once: its empty index answers every later week', async () => {
    const store = new CountingStore(new InMemoryStore());
    expect((await loadPreviousMetas(store, 2024, 'new')).size).toBe(0);
    expect(store.counts).toMatchObject({ lists: 1, gets: 1, puts: 1 });
    store.reset();
    expect((await loadPreviousMetas(store, 2024, 'new')).size).toBe(0);
    expect(store.counts).toMatchObject({ lists: 0, gets: 1, puts: 0 });
  });
});
