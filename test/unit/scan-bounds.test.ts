/**
 * Bounded work and the run record, fast and in memory: list-page caps and the DOM-free path, the
 * agency time budget (a site that never answers), engine messages translated, and the run record's
 * running → finished / failed / interrupted life.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINKS_PER_PAGE, parseListPage } from '../../shared/fetch/discover.ts';
import { AntiBotBlockedError, NetworkError, userFacingError } from '../../shared/fetch/errors.ts';
import { htmlShape } from '../../shared/fetch/html-limits.ts';
import { markInterruptedRuns, type RunRecord } from '../../shared/fetch/run-record.ts';
import { RunFailedError, runScan, type ScanHttp, scanAgency } from '../../shared/fetch/scan.ts';
import type { Agency, Registry } from '../../shared/registry/agency.ts';
import { InMemoryStore } from '../../shared/storage/memory-store.ts';

/** The one in-memory store, with a switch that makes chosen writes fail as a full disk does. */
class MemoryStore extends InMemoryStore {
  failPuts: RegExp | null = null;
  override async put(key: string, body: Uint8Array | string) {
    if (this.failPuts?.test(key)) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    await super.put(key, body);
  }
  json<T>(key: string): T {
    return JSON.parse(new TextDecoder().decode(this.objects.get(key)));
  }
}

const agency = (id: string, listUrl = `http://${id}.test/list/`): Agency =>
  ({ id, name: '卢氏县乡村振兴局', level: 'county-department', region: [], listUrls: [listUrl] }) as unknown as Agency;

describe('list page caps', () => {
  it('builds no more pager URLs than it may visit, whatever createPageHTML declares', () => {
    const page = parseListPage('<script>createPageHTML(100000000, 0, "index", "html");</script>', 'http://g/c/', 20);
    expect(page.morePages).toHaveLength(20);
    expect(page.morePages.at(-1)).toBe('http://g/c/index_19.html');
  });

  it('keeps at most MAX_LINKS_PER_PAGE links and says so', () => {
    const links = Array.from(
      { length: MAX_LINKS_PER_PAGE + 500 },
      (_, i) => `<a href="/t${i}.html">通知公告第${i}号</a>`,
    );
    const page = parseListPage(`<ul><li>${links.join(' 2024-01-02 ')}</li></ul>`, 'http://g/');
    expect(page.links).toHaveLength(MAX_LINKS_PER_PAGE);
    expect(page.limited).toMatch(/只读取了前 5000 个/);
    expect(page.links[0]?.listDate).toBe('2024-01-02');
  });

  it('reads a page too deep for a DOM by the link scan, with titles, dates and pagers', () => {
    const depth = 20_000;
    const html = `${'<div>'.repeat(depth)}<ul><li><a href="/a/t20240120_1.html" title="某县2023年政府信息公开工作年度报告">某县2023年…</a><span>2024-01-20</span></li></ul><a href="index_1.html">下一页</a>${'</div>'.repeat(depth)}`;
    expect(htmlShape(html).tooDeep).toBe(true);
    const page = parseListPage(html, 'http://g/c/index.html');
    expect(page.links).toEqual([
      { title: '某县2023年政府信息公开工作年度报告', url: 'http://g/a/t20240120_1.html', listDate: '2024-01-20' },
    ]);
    expect(page.morePages).toEqual(['http://g/c/index_1.html']);
    expect(page.limited).toMatch(/嵌套超过 400 层/);
  });

  it('measures depth without counting void elements or script bodies', () => {
    expect(htmlShape(`<div>${'<br><img src=x>'.repeat(1000)}</div>`).depth).toBe(1);
    expect(htmlShape(`<script>${'<div>'.repeat(1000)}</script><p>x</p>`).depth).toBe(1);
    expect(htmlShape('<div>'.repeat(401)).tooDeep).toBe(true);
  });

  it('survives a Hanweb datastore of unclosed records', () => {
    const html = `<datastore>${'<record><![CDATA[<li><a href="/a.html">x</a></li>'.repeat(20_000)}</datastore>`;
    expect(parseListPage(html, 'http://g/').style).toBe('hanweb');
  });
});

describe('engine messages', () => {
  it('are translated, the engine words kept as detail', () => {
    const stack = userFacingError(new RangeError('Maximum call stack size exceeded'));
    expect(stack.message).toMatch(/嵌套|过深/);
    expect(stack.detail).toContain('Maximum call stack size exceeded');
    expect(userFacingError(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })).message).toMatch(
      /磁盘空间不足/,
    );
    const parse = new NetworkError(
      'http://g/',
      Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' }),
    );
    expect(parse.message).toBe('GET http://g/ 网络错误：服务器返回的 HTTP 响应格式错误');
    expect(parse.detail).toMatch(/^HPE_INVALID_CONSTANT: Parse Error/);
    expect(new NetworkError('http://g/', Object.assign(new Error('aborted'), { code: 'ECONNRESET' })).message).toMatch(
      /连接被服务器中断$/,
    );
    expect(userFacingError(new Error('something odd')).message).toBe('处理时发生内部错误');
    expect(userFacingError(new Error('已是中文的原因')).message).toBe('已是中文的原因');
  });
});

describe('agency time budget', () => {
  it('ends an agency whose site never answers, unreachable, and cancels the request in flight', async () => {
    let signal: AbortSignal | undefined;
    const http: ScanHttp = {
      get: (_url, options) => {
        signal = options?.signal;
        return new Promise(() => {});
      },
    };
    const outcome = await scanAgency(agency('slow'), 2023, {
      http,
      store: new MemoryStore(),
      now: () => new Date(),
      agencyBudgetMs: 50,
    });
    expect(outcome.status).toBe('unreachable');
    expect(outcome.error).toMatch(/^超过本机关的抓取总时限（0 秒）/);
    expect(outcome.findings.map((f) => f.rule)).toContain('fetch.agency-budget');
    expect(signal?.aborted).toBe(true);
  });
});

describe('a registry address that answers 404', () => {
  const notFoundList = (home: () => Promise<never> | ReturnType<ScanHttp['get']>): ScanHttp => ({
    get: (url) =>
      url.endsWith('/list/')
        ? Promise.resolve({ url, status: 404, headers: { 'content-type': 'text/html' }, body: new Uint8Array() })
        : home(),
  });
  const scan = (http: ScanHttp) =>
    scanAgency(agency('old'), 2023, { http, store: new MemoryStore(), now: () => new Date() });

  it('is blocked, not an outage, when our client refused the home page for an anti-bot challenge', async () => {
    // The host challenged another agency's request first: the client refuses the host from then on
    // (shared/fetch/http/client.ts), so the home page is never asked. Seen as a race in statuses-weeks.
    const outcome = await scan(
      notFoundList(() => Promise.reject(new AntiBotBlockedError('http://old.test/', 0, '瑞数', undefined, true))),
    );
    expect(outcome.status).toBe('blocked');
    expect(outcome.error).toMatch(/反爬虫验证，无法打开首页核实/);
  });

  it('is address-broken when the home page answers, unreachable when it fails', async () => {
    const home = (status: number) => (url?: string) =>
      Promise.resolve({
        url: url ?? 'http://old.test/',
        status,
        headers: { 'content-type': 'text/html' },
        body: new Uint8Array(),
      });
    expect((await scan(notFoundList(home(200)))).status).toBe('address-broken');
    expect((await scan(notFoundList(home(503)))).status).toBe('unreachable');
    expect(
      (await scan(notFoundList(() => Promise.reject(new NetworkError('http://old.test/', new Error('ECONNREFUSED'))))))
        .status,
    ).toBe('unreachable');
  });
});

describe('the run record', () => {
  const registry = { agencies: [agency('a'), agency('b')], allowHosts: [] } as unknown as Registry;
  const notFound: ScanHttp = {
    get: async (url) => ({
      url,
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: new TextEncoder().encode('<ul><li>暂无</li></ul>'),
    }),
  };

  it('is written running before any fetch, and finished at the end', async () => {
    const store = new MemoryStore();
    let seenRunning: RunRecord | undefined;
    let seenPlan: RunRecord | undefined;
    const http: ScanHttp = {
      get: async (url, options) => {
        const key = (await store.list('runs/'))[0] as string;
        seenRunning ??= store.json<RunRecord>(key);
        seenPlan ??= store.json<RunRecord>(`run-parts/${seenRunning.runId}/plan.json`);
        return notFound.get(url, options);
      },
    };
    const record = await runScan({ registry, year: 2023, store, http, now: () => new Date() });
    expect(seenRunning?.state).toBe('running');
    // The agencies still to do are listed once, in the run's plan part, not in every heartbeat.
    expect(seenPlan?.notDone?.agencyIds).toEqual(['a', 'b']);
    expect(record.state).toBe('finished');
    expect(await store.list('run-parts/')).toEqual([]);
    expect(store.json<RunRecord>(`runs/${record.runId}.json`).state).toBe('finished');
  });

  it('says failed, with a Chinese reason and the agencies not done, when the run itself breaks', async () => {
    const store = new MemoryStore();
    const failing = runScan({
      registry,
      year: 2023,
      store,
      http: notFound,
      now: () => new Date(),
      concurrency: 1,
      onProgress: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    await expect(failing).rejects.toBeInstanceOf(RunFailedError);
    const record = store.json<RunRecord>((await store.list('runs/'))[0] as string);
    expect(record.state).toBe('failed');
    expect(record.error).toMatch(/^运行失败：内容结构过深/);
    expect(record.errorDetail).toContain('Maximum call stack size exceeded');
    expect(record.notDone?.agencyIds).toEqual(['b']);
    expect(record.outcomes.map((o) => o.agencyId)).toEqual(['a']);
  });

  it('is marked interrupted when its owner is gone or its heartbeat is stale, and left alone when alive', async () => {
    const store = new MemoryStore();
    const running = (runId: string, pid: number, updatedAt: string): RunRecord => ({
      runId,
      year: 2023,
      state: 'running',
      startedAt: '2024-04-01T00:00:00.000Z',
      finishedAt: '',
      updatedAt,
      owner: { host: 'here', pid },
      agenciesTotal: 2,
      outcomes: [],
      notDone: { agencyIds: ['a', 'b'], reason: '运行中，尚未处理' },
    });
    await store.put('runs/1.json', JSON.stringify(running('1', 111, '2024-04-01T00:01:00.000Z')));
    await store.put('runs/2.json', JSON.stringify(running('2', 222, '2024-04-01T00:01:00.000Z')));
    await store.put(
      'runs/3.json',
      JSON.stringify({ ...running('3', 333, '2024-03-31T00:00:00.000Z'), owner: { host: 'elsewhere', pid: 333 } }),
    );
    const marked = await markInterruptedRuns(store, {
      now: () => new Date('2024-04-01T00:02:00.000Z'),
      host: 'here',
      isAlive: (pid) => pid === 222,
    });
    expect(marked.map((m) => m.runId)).toEqual(['1', '3']);
    expect(store.json<RunRecord>('runs/1.json').state).toBe('interrupted');
    expect(store.json<RunRecord>('runs/1.json').notDone?.agencyIds).toEqual(['a', 'b']);
    expect(store.json<RunRecord>('runs/2.json').state).toBe('running');
    expect(store.json<RunRecord>('runs/3.json').state).toBe('interrupted');
  });
});
