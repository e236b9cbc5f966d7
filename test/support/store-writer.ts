/**
 * A second process writing into a store, as a concurrent scan does: putSnapshot for the same 30
 * documents (same bytes as the other writer), each a read-modify-write of its .meta.json.
 * Usage: node --import tsx store-writer.ts <store dir> <writer name> <modules root> <start at, epoch ms>
 * Both writers wait for the same start time, so their writes really overlap.
 */
const [storeDir, writer, root, startAt] = process.argv.slice(2) as [string, string, string, string];
const { FileSystemStore } = await import(`${root}/shared/storage/fs-store.ts`);
const { putSnapshot } = await import(`${root}/shared/storage/snapshot.ts`);
const store = new FileSystemStore(storeDir);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
await Promise.all(
  Array.from({ length: 30 }, async (_, i) => {
    await putSnapshot(store, {
      year: 2024,
      agencyId: `agency-${i % 10}`,
      bytes: new TextEncoder().encode(`<html>机关 ${i} 的2024年政府信息公开工作年度报告</html>`),
      ext: 'html',
      meta: {
        url: `http://www.example.gov.cn/${writer}/${i}.html`,
        pageUrl: `http://www.example.gov.cn/${writer}/${i}.html`,
        title: null,
        fetchedAt: new Date().toISOString(),
        publishDate: null,
        publishDateSource: null,
        otherDates: [],
        contentType: 'text/html',
        charset: 'utf-8',
        headers: {},
      },
    });
  }),
);
