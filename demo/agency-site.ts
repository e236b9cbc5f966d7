/**
 * A local stand-in for Chinese government websites, built from the five seed reports, for the demo
 * (`npm start`), the digest/site tests and the fetcher's integration tests. Each simulated host
 * (`lushi`, `longde`, `gd`, `slow`, `loop`, `big`, `meta`, `bot`) is its own node:http server on
 * 127.0.0.1 with an ephemeral port and serves the paths under its own prefix (`/lushi/…`), so per-host
 * politeness and anti-bot memory stay per site; the registry needs `allowHosts: [127.0.0.1]`.
 *
 * Agencies (ids, as in `registryYaml`) and what a scan should find for the report year `year`:
 *
 * | id            | name                         | case                                                                 | status      |
 * |---------------|------------------------------|----------------------------------------------------------------------|-------------|
 * | lushi-xczx    | 卢氏县乡村振兴局             | county column (TRS, createPageHTML, 3 pages), inline HTML body, UTF-8 | found       |
 * | lushi-gxkj    | 卢氏县工业和信息化和科技局   | same column, page 2, PDF attachment (seed 001); a second "attachment" is a tiny HTML error page (fetch.error-page) | found |
 * | lushi-gfdy    | 卢氏县国防动员办公室         | same column, DOCX via extension-less downfile.jsp; header-table date ≠ PubDate (disagreement) | found |
 * | lushi-gov     | 卢氏县人民政府               | registry URL 301-redirects to the moved column (relative links), which flaps 503 twice; inline body (seed 002) | found |
 * | longde-shanhe | 隆德县山河乡                 | Hanweb datastore list, report on dataproxy page 2; GBK article page   | found       |
 * | lushi-wglj    | 卢氏县文化广电和旅游局       | column without a report for the year; stray bytes no charset explains (fetch.encoding-suspect) | not-found |
 * | gd-jsshell    | 示例市数据局                 | list rendered by JavaScript (empty shell)                             | not-found (fetch.js-rendered-list) |
 * | slow-county   | 示例县人民政府               | list never answers (timeoutMs 1000 in the registry)                  | unreachable |
 * | loop-county   | 示例县发展和改革委员会       | redirect loop                                                         | unreachable |
 * | big-county    | 示例县财政局                 | the attachment is larger than the size limit (streams forever)       | unreachable |
 * | meta-county   | 示例县自然资源局             | list redirects to http://169.254.169.254/latest/meta-data/           | blocked     |
 * | bot-county    | 示例县市场监督管理局         | anti-bot HTTP 412 challenge page (`$_ts`)                            | blocked     |
 *
 * Publish dates (Beijing time, PubDate meta, header table, list row and article URL agree unless noted)
 * default to on-time for every found agency except lushi-gfdy (20 February of year+1, late for a
 * department); override any with `publishDates`. Seed reports are served as written when `year` is
 * their year; for other years their years are shifted (synthetic, the numbers stay). lushi-gov's seed
 * is 2024's report, so for 2023 it is shifted too. PDF/DOCX attachments are the committed fixtures in
 * demo/sites/ (2023 reports); for other years those two agencies get inline HTML bodies.
 *
 * Every response carries ETag and Last-Modified and honours If-None-Match / If-Modified-Since (304), so
 * conditional GETs can be observed in `requests`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../shared/html/escape.ts';
import { encodeGbk, seedBodyHtml, seedTitle, seedYear, shiftYears } from './seed-html.ts';

export interface AgencySiteOptions {
  /** Report year the site publishes (default 2023; reports appear in year + 1). */
  year?: number;
  /**
   * Publish date per agency id, Beijing time, 'YYYY-MM-DD HH:mm' (or 'YYYY-MM-DD'). Drives the PubDate
   * meta, header table, list row, Last-Modified and the article URL.
   */
  publishDates?: Record<string, string>;
  /** Only these agencies appear in `registryYaml` (all pages are still served). */
  agencyIds?: string[];
  /** How many 503s lushi-gov's list answers before it succeeds (default 2). */
  flakyFailures?: number;
  /** Per-request artificial latency in ms (default 0). */
  latencyMs?: number;
  /** Folder with the seed texts (default demo/seeds) and the attachment fixtures (demo/sites). */
  seedsDir?: string;
  fixturesDir?: string;
}

export interface SiteRequest {
  method: string;
  path: string;
  status: number;
  /** True when the request carried If-None-Match or If-Modified-Since. */
  conditional: boolean;
  /** The conditional headers as received. */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  /** Body bytes sent (0 for 304s and redirects; streamed bodies count what was written). */
  bytes: number;
}

export interface DemoAgencyInfo {
  id: string;
  name: string;
  expectedStatus: 'found' | 'not-found' | 'unreachable' | 'blocked';
  /** ISO +08:00 publish date served (found agencies). */
  publishDate?: string;
  /** The source the fetcher should read it from. */
  publishDateSource?: 'header-table' | 'meta-pubdate';
  /** Expected stored document extensions (found agencies). */
  documents?: string[];
}

export interface AgencySite {
  /** The main host (the Lushi county platform); see `hosts` for every simulated host. */
  baseUrl: string;
  /** Simulated host name → its base URL (own port on 127.0.0.1). */
  hosts: Record<string, string>;
  /** A registry for exactly this site (allowHosts 127.0.0.1, robots honoured). */
  registryYaml: string;
  agencies: DemoAgencyInfo[];
  /** Every request served, in order. */
  requests: SiteRequest[];
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SEEDS = join(here, 'seeds');
const DEFAULT_FIXTURES = join(here, 'sites');

interface SeedReport {
  id: string;
  name: string;
  level: string;
  region: string;
  seed: string;
  /** 'MM-DD HH:mm' in year + 1. */
  defaultDate: string;
  body: 'inline' | 'pdf' | 'docx';
}

const SEEDED: SeedReport[] = [
  {
    id: 'lushi-xczx',
    name: '卢氏县乡村振兴局',
    level: 'county-department',
    region: '河南省/三门峡市/卢氏县',
    seed: '000_8082592266180d8d.txt',
    defaultDate: '01-26 10:30',
    body: 'inline',
  },
  {
    id: 'lushi-gxkj',
    name: '卢氏县工业和信息化和科技局',
    level: 'county-department',
    region: '河南省/三门峡市/卢氏县',
    seed: '001_e7f580584216dc2e.txt',
    defaultDate: '01-18 09:00',
    body: 'pdf',
  },
  {
    id: 'lushi-gfdy',
    name: '卢氏县国防动员办公室',
    level: 'county-department',
    region: '河南省/三门峡市/卢氏县',
    seed: '004_30eabbe77a56ee75.txt',
    defaultDate: '02-20 16:00',
    body: 'docx',
  },
  {
    id: 'lushi-gov',
    name: '卢氏县人民政府',
    level: 'county-government',
    region: '河南省/三门峡市/卢氏县',
    seed: '002_4ae575586cf2a2c2.txt',
    defaultDate: '03-15 11:00',
    body: 'inline',
  },
  {
    id: 'longde-shanhe',
    name: '隆德县山河乡',
    level: 'township',
    region: '宁夏回族自治区/固原市/隆德县',
    seed: '003_4ecb60390e8643c1.txt',
    defaultDate: '01-26 08:45',
    body: 'inline',
  },
];

const FAILING: {
  id: string;
  name: string;
  level: string;
  region: string;
  path: string;
  status: DemoAgencyInfo['expectedStatus'];
  extra?: string;
}[] = [
  {
    id: 'lushi-wglj',
    name: '卢氏县文化广电和旅游局',
    level: 'county-department',
    region: '河南省/三门峡市/卢氏县',
    path: '/lushi/wglj/index.html',
    status: 'not-found',
  },
  {
    id: 'gd-jsshell',
    name: '示例市数据局',
    level: 'city-department',
    region: '广东省/示例市',
    path: '/gd/gkmlpt/index',
    status: 'not-found',
  },
  {
    id: 'slow-county',
    name: '示例县人民政府',
    level: 'county-government',
    region: '示例省/示例市/示例县',
    path: '/slow/ndbg/index.html',
    status: 'unreachable',
    extra: '    timeoutMs: 1000\n',
  },
  {
    id: 'loop-county',
    name: '示例县发展和改革委员会',
    level: 'county-department',
    region: '示例省/示例市/示例县',
    path: '/loop/index.html',
    status: 'unreachable',
  },
  {
    id: 'big-county',
    name: '示例县财政局',
    level: 'county-department',
    region: '示例省/示例市/示例县',
    path: '/big/ndbg/index.html',
    status: 'unreachable',
  },
  {
    id: 'meta-county',
    name: '示例县自然资源局',
    level: 'county-department',
    region: '示例省/示例市/示例县',
    path: '/meta/ndbg/index.html',
    status: 'blocked',
  },
  {
    id: 'bot-county',
    name: '示例县市场监督管理局',
    level: 'county-department',
    region: '示例省/示例市/示例县',
    path: '/bot/ndbg/index.html',
    status: 'blocked',
  },
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

interface Dated {
  /** 'YYYY-MM-DD HH:mm' Beijing. */
  text: string;
  y: number;
  m: number;
  d: number;
  iso: string;
  httpDate: string;
}

function dated(text: string): Dated {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?/.exec(text.trim());
  if (!match) throw new Error(`publish date must be 'YYYY-MM-DD HH:mm': ${text}`);
  const [y, m, d, h, mi] = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4] ?? 0),
    Number(match[5] ?? 0),
  ];
  const normalised = `${y}-${pad(m)}-${pad(d)} ${pad(h)}:${pad(mi)}`;
  const instant = new Date(Date.UTC(y, m - 1, d, h - 8, mi));
  return {
    text: normalised,
    y,
    m,
    d,
    iso: `${y}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(mi)}:00+08:00`,
    httpDate: instant.toUTCString(),
  };
}

interface Page {
  body: Uint8Array;
  type: string;
  lastModified?: string;
  headers?: Record<string, string>;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** UTF-8 text with bytes 0xFF 0xFE spliced in before </body> (invalid in UTF-8 and in GB18030). */
function withStrayBytes(text: string): Uint8Array {
  const [head, tail] = [text.slice(0, text.lastIndexOf('</body>')), text.slice(text.lastIndexOf('</body>'))];
  const footer = utf8('<div class="footer">版权所有');
  return Uint8Array.from([...utf8(head), ...footer, 0xff, 0xfe, 0xff, ...utf8('</div>'), ...utf8(tail)]);
}

function htmlPage(text: string, lastModified?: string): Page {
  return { body: utf8(text), type: 'text/html; charset=utf-8', ...(lastModified ? { lastModified } : {}) };
}

function trsArticle(options: {
  siteName: string;
  title: string;
  agencyName: string;
  date: Dated;
  headerDate?: Dated;
  written?: string;
  bodyHtml: string;
  charsetMeta?: string;
}): string {
  const header = options.headerDate ?? options.date;
  return `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=${options.charsetMeta ?? 'utf-8'}">
<meta name="SiteName" content="${escapeHtml(options.siteName)}"><meta name="SiteDomain" content="127.0.0.1">
<meta name="ArticleTitle" content="${escapeHtml(options.title)}">
<meta content="${options.date.text}" name="PubDate">
<meta name="ContentSource" content="${escapeHtml(options.agencyName)}">
<title>${escapeHtml(options.title)}_${escapeHtml(options.siteName)}</title></head>
<body><div class="header">${escapeHtml(options.siteName)}</div>
<div class="xxgk_table"><table>
<tr><td>索 引 号：</td><td>411224-${options.date.y}-${pad(options.date.m)}${pad(options.date.d)}</td><td>发布机构：</td><td>${escapeHtml(options.agencyName)}</td></tr>
<tr><td>成文日期：</td><td>${options.written ?? `${header.y}年${header.m}月${Math.max(1, header.d - 3)}日`}</td><td>发布日期：</td><td>${header.y}年${header.m}月${header.d}日</td></tr>
<tr><td>名 称：</td><td colspan="3">${escapeHtml(options.title)}</td></tr></table></div>
<h1>${escapeHtml(options.title)}</h1>
<div class="info">发布时间：${options.date.text}　来源：${escapeHtml(options.agencyName)}　<a href="javascript:window.print()">打印本页</a></div>
<div class="TRS_Editor">${options.bodyHtml}</div>
<div class="footer"><a href="/lushi/index.html">网站首页</a></div></body></html>`;
}

function trsList(
  siteName: string,
  columnName: string,
  rows: { title: string; href: string; date: string }[],
  pageCount: number,
  current: number,
): string {
  const items = rows
    .map((row) => {
      const short = row.title.length > 22 ? `${row.title.slice(0, 22)}…` : row.title;
      return `<li><a href="${escapeHtml(row.href)}" target="_blank" title="${escapeHtml(row.title)}">${escapeHtml(short)}</a><span class="date">${row.date}</span></li>`;
    })
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="SiteName" content="${escapeHtml(siteName)}">
<meta name="ColumnName" content="${escapeHtml(columnName)}"><meta name="ColumnType" content="政府信息公开年报"><title>${escapeHtml(columnName)}</title></head>
<body><div class="nav"><a href="/lushi/index.html">首页</a> &gt; <a href="./">${escapeHtml(columnName)}</a></div>
<ul class="list">${items}</ul>
<div class="page"><script>var countPage = ${pageCount};createPageHTML(countPage, ${current}, "index", "html");</script></div></body></html>`;
}

/**
 * Starts the demo agency site on 127.0.0.1 (ephemeral port). See the module comment for the cases.
 */
export async function startAgencySite(options: AgencySiteOptions = {}): Promise<AgencySite> {
  const year = options.year ?? 2023;
  const next = year + 1;
  const seedsDir = options.seedsDir ?? DEFAULT_SEEDS;
  const fixturesDir = options.fixturesDir ?? DEFAULT_FIXTURES;
  const pages = new Map<string, Page>();
  const requests: SiteRequest[] = [];
  const infos: DemoAgencyInfo[] = [];
  let flakyLeft = options.flakyFailures ?? 2;

  // ---- The five seeded agencies ---------------------------------------------------------------
  const reports = SEEDED.map((agency) => {
    const raw = readFileSync(join(seedsDir, agency.seed), 'utf8');
    const text = shiftYears(raw, year - seedYear(raw));
    const date = dated(options.publishDates?.[agency.id] ?? `${next}-${agency.defaultDate}`);
    const attachmentsUsable = seedYear(raw) === year;
    const body = agency.body !== 'inline' && attachmentsUsable ? agency.body : 'inline';
    return { ...agency, text, title: seedTitle(text), date, body };
  });
  const report = (id: string) => reports.find((r) => r.id === id) as (typeof reports)[number];

  // Lushi county column: TRS, three pages, every department's report plus notices.
  const lushiArticle = (r: (typeof reports)[number], serial: number) =>
    `/lushi/xxgk/ndbg/${r.date.y}${pad(r.date.m)}/t${r.date.y}${pad(r.date.m)}${pad(r.date.d)}_${serial}.html`;
  const xczx = report('lushi-xczx');
  const gxkj = report('lushi-gxkj');
  const gfdy = report('lushi-gfdy');
  const rowDate = (d: Dated) => `${d.y}-${pad(d.m)}-${pad(d.d)}`;
  const columnRows = [
    [
      {
        title: `关于做好${next}年政务公开工作的通知`,
        href: `./${next}03/t${next}0301_900001.html`,
        date: `${next}-03-01`,
      },
      {
        title: `卢氏县财政局${year}年政府信息公开工作年度报告`,
        href: `./${next}01/t${next}0130_900002.html`,
        date: `${next}-01-30`,
      },
      {
        title: gfdy.title,
        href: `.${lushiArticle(gfdy, 100003).slice('/lushi/xxgk/ndbg'.length)}`,
        date: rowDate(gfdy.date),
      },
      {
        title: xczx.title,
        href: `.${lushiArticle(xczx, 100001).slice('/lushi/xxgk/ndbg'.length)}`,
        date: rowDate(xczx.date),
      },
    ],
    [
      {
        title: `卢氏县教育局${year}年政府信息公开工作年度报告`,
        href: `./${next}01/t${next}0116_900003.html`,
        date: `${next}-01-16`,
      },
      {
        title: gxkj.title,
        href: `.${lushiArticle(gxkj, 100002).slice('/lushi/xxgk/ndbg'.length)}`,
        date: rowDate(gxkj.date),
      },
      {
        title: `卢氏县乡村振兴局${year - 1}年政府信息公开工作年度报告`,
        href: `./${year}01/t${year}0120_800001.html`,
        date: `${year}-01-20`,
      },
    ],
    [
      {
        title: `卢氏县人民政府${year - 1}年政府信息公开工作年度报告`,
        href: `./${year}03/t${year}0330_800002.html`,
        date: `${year}-03-30`,
      },
      {
        title: `关于${year - 1}年度政务公开考核情况的通报`,
        href: `./${year}02/t${year}0210_800003.html`,
        date: `${year}-02-10`,
      },
    ],
  ];
  columnRows.forEach((rows, index) => {
    pages.set(
      `/lushi/xxgk/ndbg/${index === 0 ? 'index' : `index_${index}`}.html`,
      htmlPage(trsList('卢氏县人民政府', '政府信息公开年报', rows, columnRows.length, index)),
    );
  });

  // lushi-xczx: inline body.
  pages.set(
    lushiArticle(xczx, 100001),
    htmlPage(
      trsArticle({
        siteName: '卢氏县人民政府',
        title: xczx.title,
        agencyName: xczx.name,
        date: xczx.date,
        bodyHtml: seedBodyHtml(xczx.text),
      }),
      xczx.date.httpDate,
    ),
  );
  infos.push({
    id: xczx.id,
    name: xczx.name,
    expectedStatus: 'found',
    publishDate: xczx.date.iso,
    publishDateSource: 'header-table',
    documents: ['html'],
  });

  // lushi-gxkj: PDF attachment under 附件.
  const gxkjPdf = `/lushi/xxgk/ndbg/${gxkj.date.y}${pad(gxkj.date.m)}/P0${gxkj.date.y}${pad(gxkj.date.m)}${pad(gxkj.date.d)}512345678901.pdf`;
  if (gxkj.body === 'pdf') {
    pages.set(gxkjPdf, {
      body: readFileSync(join(fixturesDir, 'lushi-gxkj-2023.pdf')),
      type: 'application/pdf',
      lastModified: gxkj.date.httpDate,
    });
  }
  pages.set(
    lushiArticle(gxkj, 100002),
    htmlPage(
      trsArticle({
        siteName: '卢氏县人民政府',
        title: gxkj.title,
        agencyName: gxkj.name,
        date: gxkj.date,
        bodyHtml:
          gxkj.body === 'pdf'
            ? `<p>${escapeHtml(gxkj.title)}详见附件。</p><p>附件：<a href="./${gxkjPdf.split('/').pop()}" oldsrc="W0.pdf">${escapeHtml(gxkj.title)}.pdf</a></p>` +
              `<p>附件2：<a href="/lushi/module/download/downfile.jsp?classid=0&amp;filename=${gxkj.date.y}0000missing.pdf">${escapeHtml(gxkj.title)}（附表）.pdf</a></p>`
            : seedBodyHtml(gxkj.text),
      }),
      gxkj.date.httpDate,
    ),
  );
  infos.push({
    id: gxkj.id,
    name: gxkj.name,
    expectedStatus: 'found',
    publishDate: gxkj.date.iso,
    publishDateSource: 'header-table',
    documents: [gxkj.body === 'pdf' ? 'pdf' : 'html'],
  });

  // lushi-gfdy: DOCX from an extension-less download endpoint; PubDate one day after the header table.
  const gfdyDocx = '/lushi/module/download/downfile.jsp?classid=0&filename=2402201600123.docx';
  if (gfdy.body === 'docx') {
    pages.set(gfdyDocx, {
      body: readFileSync(join(fixturesDir, 'lushi-gfdy-2023.docx')),
      type: 'application/octet-stream',
      lastModified: gfdy.date.httpDate,
      headers: { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${gfdy.title}.docx`)}` },
    });
  }
  const gfdyMeta = dated(`${gfdy.date.y}-${pad(gfdy.date.m)}-${pad(gfdy.date.d)} ${gfdy.date.text.slice(11)}`);
  const gfdyPubMeta = dated(
    new Date(Date.UTC(gfdy.date.y, gfdy.date.m - 1, gfdy.date.d + 1)).toISOString().slice(0, 10),
  );
  pages.set(
    lushiArticle(gfdy, 100003),
    htmlPage(
      trsArticle({
        siteName: '卢氏县人民政府',
        title: gfdy.title,
        agencyName: gfdy.name,
        date: { ...gfdyPubMeta, text: `${gfdyPubMeta.text.slice(0, 10)} 09:00` },
        headerDate: gfdyMeta,
        bodyHtml:
          gfdy.body === 'docx'
            ? `<p>现将${escapeHtml(gfdy.title)}予以公开。</p><p>附件：<a href="${escapeHtml(gfdyDocx)}">${escapeHtml(gfdy.title)}</a></p>`
            : seedBodyHtml(gfdy.text),
      }),
      gfdy.date.httpDate,
    ),
  );
  infos.push({
    id: gfdy.id,
    name: gfdy.name,
    expectedStatus: 'found',
    publishDate: gfdy.date.iso.replace(/T.*/, 'T00:00:00+08:00'),
    publishDateSource: 'header-table',
    documents: [gfdy.body === 'docx' ? 'docx' : 'html'],
  });

  // lushi-gov: its own column; flaps 503 before answering.
  const gov = report('lushi-gov');
  const govArticle = `/lushi/gov/ndbg/${gov.date.y}${pad(gov.date.m)}/t${gov.date.y}${pad(gov.date.m)}${pad(gov.date.d)}_200001.html`;
  pages.set(
    '/lushi/gov/ndbg/index.html',
    htmlPage(
      trsList(
        '卢氏县人民政府',
        '政府信息公开年报',
        [
          { title: gov.title, href: `.${govArticle.slice('/lushi/gov/ndbg'.length)}`, date: rowDate(gov.date) },
          {
            title: `卢氏县人民政府${year - 1}年政府信息公开工作年度报告`,
            href: `./${year}03/t${year}0330_800002.html`,
            date: `${year}-03-30`,
          },
        ],
        1,
        0,
      ),
    ),
  );
  pages.set(
    govArticle,
    htmlPage(
      trsArticle({
        siteName: '卢氏县人民政府',
        title: gov.title,
        agencyName: gov.name,
        date: gov.date,
        bodyHtml: seedBodyHtml(gov.text),
      }),
      gov.date.httpDate,
    ),
  );
  infos.push({
    id: gov.id,
    name: gov.name,
    expectedStatus: 'found',
    publishDate: gov.date.iso,
    publishDateSource: 'header-table',
    documents: ['html'],
  });

  // longde-shanhe: Hanweb; the report is on dataproxy page 2; the article is GBK with the charset only in <meta>.
  const shanhe = report('longde-shanhe');
  const shanheArticle = `/longde/art/${shanhe.date.y}/${shanhe.date.m}/${shanhe.date.d}/art_123_4567.html`;
  const record = (title: string, href: string, date: string) =>
    `<record><![CDATA[<li><a href="${escapeHtml(href)}" title="${escapeHtml(title)}" target="_blank">${escapeHtml(title.slice(0, 16))}…</a><span>${date}</span></li>]]></record>`;
  const hanwebPage1 = [
    record(`隆德县${next}年政务公开工作要点`, `/longde/art/${next}/3/2/art_123_9001.html`, `${next}-03-02`),
    record(
      `隆德县沙塘镇${year}年政府信息公开工作年度报告`,
      `/longde/art/${next}/1/20/art_123_9002.html`,
      `${next}-01-20`,
    ),
  ];
  const hanwebPage2 = [
    record(shanhe.title, shanheArticle, rowDate(shanhe.date)),
    record(
      `隆德县山河乡${year - 1}年政府信息公开工作年度报告`,
      `/longde/art/${year}/1/18/art_123_8001.html`,
      `${year}-01-18`,
    ),
  ];
  const datastore = (records: string[]) =>
    `<datastore><nextgroup><![CDATA[<a href="/longde/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&columnid=123&unitid=4567">]]></nextgroup><recordset>${records.join('\n')}</recordset></datastore>`;
  pages.set(
    '/longde/col/col123/index.html',
    htmlPage(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="政府信息公开年报"><title>政府信息公开年报</title></head>
<body><div id="4567"><script type="text/xml">${datastore(hanwebPage1)}<totalrecord>4</totalrecord><totalpage>2</totalpage></script></div>
<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script></body></html>`),
  );
  pages.set('/longde/module/web/jpage/dataproxy.jsp', {
    body: utf8(
      `<?xml version="1.0" encoding="UTF-8"?>${datastore(hanwebPage2)}<totalrecord>4</totalrecord><totalpage>2</totalpage>`,
    ),
    type: 'text/xml; charset=utf-8',
  });
  pages.set(shanheArticle, {
    body: encodeGbk(
      trsArticle({
        siteName: '隆德县人民政府',
        title: shanhe.title,
        agencyName: shanhe.name,
        date: shanhe.date,
        bodyHtml: seedBodyHtml(shanhe.text),
        charsetMeta: 'gbk',
      }).replace('TRS_Editor', 'zoom" id="zoom'),
    ),
    type: 'text/html',
    lastModified: shanhe.date.httpDate,
  });
  infos.push({
    id: shanhe.id,
    name: shanhe.name,
    expectedStatus: 'found',
    publishDate: shanhe.date.iso,
    publishDateSource: 'header-table',
    documents: ['html'],
  });

  // ---- The failing cases ----------------------------------------------------------------------
  // A UTF-8 page with stray bytes no charset explains (a broken include): decoding leaves U+FFFD
  // (fetch.encoding-suspect); the titles stay readable.
  pages.set('/lushi/wglj/index.html', {
    type: 'text/html; charset=utf-8',
    body: withStrayBytes(
      trsList(
        '卢氏县人民政府',
        '政府信息公开年报',
        [
          {
            title: `卢氏县文化广电和旅游局${year - 1}年政府信息公开工作年度报告`,
            href: `./${year}01/t${year}0125_700001.html`,
            date: `${year}-01-25`,
          },
          {
            title: `关于公布${next}年文化惠民活动安排的通知`,
            href: `./${next}02/t${next}0201_700002.html`,
            date: `${next}-02-01`,
          },
        ],
        1,
        0,
      ),
    ),
  });
  pages.set(
    '/gd/gkmlpt/index',
    htmlPage(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开</title>
<script src="/gkmlpt/static/js/vue.min.js"></script></head><body><div id="app"><ul class="list"><li v-for="item in list"><a :href="item.url">{{ item.title }}</a></li></ul></div>
<script>var _CONFIG = { SID: '755001' }; $.ajax({ url: '/gkmlpt/api/all/2?page=1&sid=755001', success: function (d) { app.list = d.articles; } });</script></body></html>`),
  );
  pages.set(
    '/big/ndbg/index.html',
    htmlPage(
      trsList(
        '示例县人民政府',
        '政府信息公开年报',
        [
          {
            title: `示例县财政局${year}年政府信息公开工作年度报告`,
            href: `./${next}01/t${next}0125_600001.html`,
            date: `${next}-01-25`,
          },
        ],
        1,
        0,
      ),
    ),
  );
  pages.set(
    `/big/ndbg/${next}01/t${next}0125_600001.html`,
    htmlPage(
      trsArticle({
        siteName: '示例县人民政府',
        title: `示例县财政局${year}年政府信息公开工作年度报告`,
        agencyName: '示例县财政局',
        date: dated(`${next}-01-25 10:00`),
        bodyHtml: '<p>附件：<a href="/big/upload/report-huge.pdf">年度报告.pdf</a></p>',
      }),
    ),
  );
  pages.set('/robots.txt', { body: utf8('User-agent: *\nDisallow: /private/\n'), type: 'text/plain; charset=utf-8' });
  for (const failing of FAILING) infos.push({ id: failing.id, name: failing.name, expectedStatus: failing.status });

  // Each simulated host is its own server (own port): per-host politeness, cookies and anti-bot memory
  // in the client then behave as they would across real sites.
  const hostNames = ['lushi', 'longde', 'gd', 'slow', 'loop', 'big', 'meta', 'bot'] as const;
  const servers = hostNames.map((hostName) =>
    createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      const finish = () => {
        if (path === '/robots.txt' || path.startsWith(`/${hostName}/`)) {
          handle(request, response);
          return;
        }
        log(request, 404, 9);
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      };
      if (options.latencyMs) setTimeout(finish, options.latencyMs);
      else finish();
    }),
  );

  const log = (request: IncomingMessage, status: number, bytes = 0) => {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const entry: SiteRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      status,
      conditional: Boolean(ifNoneMatch || ifModifiedSince),
      ...(ifNoneMatch ? { ifNoneMatch } : {}),
      ...(ifModifiedSince ? { ifModifiedSince } : {}),
      bytes,
    };
    requests.push(entry);
    return entry;
  };

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const send = (status: number, body: Uint8Array | string, headers: Record<string, string> = {}) => {
      log(request, status, typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      response.writeHead(status, headers);
      response.end(body);
    };
    if (path === '/slow/ndbg/index.html') {
      // Never answers; the socket closes when the client gives up or the site closes.
      log(request, 0);
      request.socket.setTimeout(0);
      return;
    }
    if (path === '/loop/index.html' || path === '/loop/a.html' || path === '/loop/b.html') {
      const target = path === '/loop/a.html' ? '/loop/b.html' : '/loop/a.html';
      send(302, '', { location: target });
      return;
    }
    if (path === '/lushi/gov/xxgk/index.html') {
      // The column moved: relative links on the new page must resolve against the final URL.
      send(301, '', { location: '/lushi/gov/ndbg/index.html' });
      return;
    }
    if (path === '/meta/ndbg/index.html') {
      send(302, '', { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
      return;
    }
    if (path.startsWith('/bot/')) {
      send(
        412,
        `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=81724;$_ts.cd="qxqcrrAlEaWq";</script><script src="/bot/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r="m"></script></head><body></body></html>`,
        { 'content-type': 'text/html', 'set-cookie': 'FSSBBIl1UgzbN7N80S=abc; Path=/; HttpOnly' },
      );
      return;
    }
    if (path === '/big/upload/report-huge.pdf') {
      const entry = log(request, 200);
      response.writeHead(200, { 'content-type': 'application/pdf' });
      // Streams 1 MiB chunks until the client stops reading (it should, at its size limit).
      const chunk = new Uint8Array(1024 * 1024).fill(0x20);
      chunk.set(utf8('%PDF-1.7\n'));
      let sent = 0;
      const pump = () => {
        while (sent < 1024 && !response.destroyed) {
          sent++;
          entry.bytes += chunk.byteLength;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      response.on('close', () => {
        sent = 1024;
      });
      pump();
      return;
    }
    if (path === '/lushi/gov/ndbg/index.html' && flakyLeft > 0) {
      flakyLeft--;
      send(503, '<html><body>Service Temporarily Unavailable</body></html>', {
        'content-type': 'text/html',
        'retry-after': '0',
      });
      return;
    }
    if (path === '/lushi/module/download/downfile.jsp' && url.searchParams.get('filename')?.includes('missing')) {
      // A "download" that is a tiny HTML error page served with 200.
      send(200, '<html><body><script>alert("文件不存在！");history.back();</script></body></html>', {
        'content-type': 'text/html; charset=utf-8',
      });
      return;
    }
    const page = pages.get(path + url.search) ?? pages.get(path);
    if (!page) {
      send(404, '<html><body><h1>404 页面不存在</h1></body></html>', { 'content-type': 'text/html; charset=utf-8' });
      return;
    }
    const etag = `"${createHash('sha1').update(page.body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string> = { 'content-type': page.type, etag, ...(page.headers ?? {}) };
    if (page.lastModified) headers['last-modified'] = page.lastModified;
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const unchanged = ifNoneMatch
      ? ifNoneMatch.split(',').some((tag) => tag.trim() === etag)
      : Boolean(ifModifiedSince && page.lastModified && Date.parse(ifModifiedSince) >= Date.parse(page.lastModified));
    if (unchanged) {
      send(304, '', { etag, ...(page.lastModified ? { 'last-modified': page.lastModified } : {}) });
      return;
    }
    send(200, page.body, headers);
  }

  const hosts: Record<string, string> = {};
  await Promise.all(
    servers.map(
      (server, index) =>
        new Promise<void>((resolve) =>
          server.listen(0, '127.0.0.1', () => {
            hosts[hostNames[index] as string] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            resolve();
          }),
        ),
    ),
  );
  const baseUrl = hosts.lushi as string;
  const hostFor = (path: string) => hosts[path.split('/')[1] ?? ''] ?? baseUrl;

  const listUrl: Record<string, string> = {
    'lushi-xczx': '/lushi/xxgk/ndbg/index.html',
    'lushi-gxkj': '/lushi/xxgk/ndbg/index.html',
    'lushi-gfdy': '/lushi/xxgk/ndbg/index.html',
    'lushi-gov': '/lushi/gov/xxgk/index.html',
    'longde-shanhe': '/longde/col/col123/index.html',
  };
  for (const failing of FAILING) listUrl[failing.id] = failing.path;
  const wanted = options.agencyIds ? new Set(options.agencyIds) : null;
  const entries = [
    ...SEEDED.map((a) => ({ ...a, extra: '' })),
    ...FAILING.map((a) => ({ ...a, extra: a.extra ?? '' })),
  ].filter((a) => !wanted || wanted.has(a.id));
  const registryYaml = [
    '# 演示用名录：本机模拟的政府网站（127.0.0.1），由 demo/agency-site.ts 生成。',
    'respectRobots: true',
    'allowHosts:',
    '  - 127.0.0.1',
    'recipients:',
    '  - email: lushi@example.org',
    '    region: 河南省/三门峡市/卢氏县',
    '  - email: office@example.org',
    'agencies:',
    ...entries.map((a) =>
      `  - id: ${a.id}\n    name: ${a.name}\n    level: ${a.level}\n    region: ${a.region}\n    listUrls:\n      - ${hostFor(listUrl[a.id] ?? '')}${listUrl[a.id]}\n${a.extra}`.trimEnd(),
    ),
    '',
  ].join('\n');

  return {
    baseUrl,
    registryYaml,
    agencies: infos.filter((i) => !wanted || wanted.has(i.id)),
    requests,
    hosts,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
