import { describe, expect, it } from 'vitest';
import {
  detectDocumentType,
  extensionFromUrl,
  fileNameFromDisposition,
  isErrorPageInsteadOfFile,
  parseArticlePage,
} from '../../shared/fetch/article.ts';
import { discoverCandidates, parseListPage } from '../../shared/fetch/discover.ts';

describe('list pages', () => {
  it('reads a plain list: title attribute over truncated text, row dates, links resolved against the final URL', () => {
    const html = `<ul class="list">
      <li><a href="./202401/t20240126_1.html" title="卢氏县乡村振兴局2023年政府信息公开工作年度报告">卢氏县乡村振兴局2023年政府信息…</a><span>2024-01-26</span></li>
      <li><a href="../other/t20230120_2.html">卢氏县乡村振兴局2022年政府信息公开工作年度报告</a><span>2023/1/20</span></li>
      <li><a href="javascript:void(0)">打印本页面</a></li>
    </ul><div class="page"><a href="index_1.html">下一页</a><a href="index_2.html">3</a></div>`;
    const page = parseListPage(html, 'http://gov.test/xxgk/ndbg/index.html');
    expect(page.style).toBe('plain');
    expect(page.links[0]).toEqual({
      title: '卢氏县乡村振兴局2023年政府信息公开工作年度报告',
      url: 'http://gov.test/xxgk/ndbg/202401/t20240126_1.html',
      listDate: '2024-01-26',
    });
    expect(page.links[1]?.url).toBe('http://gov.test/xxgk/other/t20230120_2.html');
    expect(page.links[1]?.listDate).toBe('2023-01-20');
    expect(page.morePages).toEqual([
      'http://gov.test/xxgk/ndbg/index_1.html',
      'http://gov.test/xxgk/ndbg/index_2.html',
    ]);
    expect(page.jsRendered).toBe(false);
  });

  it('expands TRS createPageHTML into 0-based pages, with identifiers resolved', () => {
    const html = `<script>var countPage = 3; createPageHTML(countPage, 0, "index", "html");</script>`;
    expect(parseListPage(html, 'http://gov.test/col/index.html').morePages).toEqual([
      'http://gov.test/col/index.html',
      'http://gov.test/col/index_1.html',
      'http://gov.test/col/index_2.html',
    ]);
    expect(parseListPage('<script>createPageHTML(1, 0,"index","shtml")</script>', 'http://g/c/').morePages).toEqual([
      'http://g/c/index.shtml',
    ]);
  });

  it('reads a Hanweb datastore and its dataproxy pages', () => {
    const html = `<div id="4567"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=123">]]></nextgroup>
      <recordset>
      <record><![CDATA[<li><a href="/art/2024/1/26/art_123_4567.html" title="隆德县山河乡2023年政府信息公开工作年度报告">隆德县山河乡2023年…</a><b>2024-01-26</b></li>]]></record>
      <record><![CDATA[<li><a href="/art/2023/1/9/art_123_1.html" title="隆德县山河乡2022年政府信息公开工作年度报告">…</a><b>2023-01-09</b></li>]]></record>
      </recordset></datastore><totalrecord>40</totalrecord><totalpage>3</totalpage></script></div>
      <script>var proxy = "/module/web/jpage/dataproxy.jsp?columnid=123&unitid=4567";</script>`;
    const page = parseListPage(html, 'http://nx.test/col/col123/index.html');
    expect(page.style).toBe('hanweb');
    expect(page.links.map((l) => l.url)).toEqual([
      'http://nx.test/art/2024/1/26/art_123_4567.html',
      'http://nx.test/art/2023/1/9/art_123_1.html',
    ]);
    expect(page.links[0]?.listDate).toBe('2024-01-26');
    expect(page.morePages).toEqual([
      'http://nx.test/module/web/jpage/dataproxy.jsp?page=2&columnid=123',
      'http://nx.test/module/web/jpage/dataproxy.jsp?page=3&columnid=123',
    ]);
  });

  it('detects a JavaScript-rendered shell', () => {
    const html = `<div id="app"><ul class="list"></ul></div><script>$.ajax({url:'/api/list?page=1',success:function(d){render(d)}})</script>`;
    expect(parseListPage(html, 'http://x/').jsRendered).toBe(true);
    expect(parseListPage('<ul><li>暂无信息</li></ul>', 'http://x/').jsRendered).toBe(false);
  });

  it('walks pages breadth-first, bounded, each once, and stops when told', async () => {
    const pages: Record<string, string> = {
      'http://g/i.html':
        '<script>createPageHTML(50, 0, "i", "html")</script><a href="a0.html" title="无关通知一">无关通知一</a>',
    };
    for (let i = 1; i < 50; i++) pages[`http://g/i_${i}.html`] = `<a href="a${i}.html">文章标题第${i}篇</a>`;
    const fetched: string[] = [];
    const walk = await discoverCandidates(
      'http://g/i.html',
      async (url) => {
        fetched.push(url);
        const text = pages[url];
        if (!text) throw new Error('404');
        return { url, text };
      },
      { maxPages: 5 },
    );
    expect(walk.pagesFetched).toBe(5);
    expect(new Set(fetched).size).toBe(fetched.length);
    const early = await discoverCandidates('http://g/i.html', async (url) => ({ url, text: pages[url] ?? '' }), {
      enough: (c) => c.some((x) => x.title.includes('第2篇')),
    });
    expect(early.pagesFetched).toBe(3);
  });
});

describe('article pages', () => {
  const html = `<html><head><META content="2024-01-26 10:30" name="PubDate"><meta name="ArticleTitle" content="某局2023年政府信息公开工作年度报告"></head>
  <body><table class="xxgk_table"><tr><td>索 引 号：</td><td>1141-2024-001</td><td>发布日期</td><td>2024年1月25日</td></tr><tr><td>成文日期：2024-01-20</td></tr></table>
  <div class="TRS_Editor"><p>附件：<a href="./P020240126.pdf">年度报告.pdf</a></p>
  <p><a href="/module/download/downfile.jsp?classid=0&filename=2401261234.docx">下载</a></p>
  <p><a href="#" onclick="window.open('/files/report.wps')">查看</a></p>
  <iframe src="/pdfjs/web/viewer.html?file=%2Fupload%2Freport2.pdf"></iframe>
  <embed src="/upload/scan.ofd"><a href="/other/page.html">相关链接</a></div></body></html>`;

  it('reads metas case-insensitively, the header table and every kind of attachment', () => {
    const page = parseArticlePage(html, 'http://g/gk/202401/t20240126_9.html');
    expect(page.metas.pubdate).toBe('2024-01-26 10:30');
    expect(page.title).toBe('某局2023年政府信息公开工作年度报告');
    expect(page.headerTable.发布日期).toBe('2024年1月25日');
    expect(page.headerTable.成文日期).toBe('2024-01-20');
    expect(page.headerTable.索引号).toBe('1141-2024-001');
    expect(page.attachments.map((a) => [a.url, a.ext, a.via])).toEqual([
      ['http://g/gk/202401/P020240126.pdf', 'pdf', 'a'],
      ['http://g/module/download/downfile.jsp?classid=0&filename=2401261234.docx', 'docx', 'a'],
      ['http://g/files/report.wps', 'wps', 'window.open'],
      ['http://g/upload/report2.pdf', 'pdf', 'viewer'],
      ['http://g/upload/scan.ofd', 'ofd', 'embed'],
    ]);
    expect(page.inlineReport).toBe(false);
  });

  it('tells document types by magic bytes, disposition and type; a tiny HTML download is an error page', () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n...');
    expect(detectDocumentType(pdf, 'application/octet-stream', null, 'http://g/download?id=1').kind).toBe('pdf');
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]);
    expect(
      detectDocumentType(zip, null, `attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.docx`, 'http://g/d').kind,
    ).toBe('docx');
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]);
    expect(detectDocumentType(ole, null, 'attachment; filename="a.wps"', 'http://g/d').kind).toBe('wps');
    expect(detectDocumentType(ole, null, null, 'http://g/d.doc').kind).toBe('doc');
    const errorPage = new TextEncoder().encode('<html><body>文件不存在</body></html>');
    const type = detectDocumentType(errorPage, 'text/html', null, 'http://g/downfile.jsp?filename=a.pdf');
    expect(isErrorPageInsteadOfFile(type, errorPage.byteLength, 'pdf')).toBe(true);
    expect(fileNameFromDisposition(`attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf`)).toBe('年报.pdf');
    expect(extensionFromUrl('http://g/download?fileUrl=/u/x.PDF&fileName=y')).toBe('pdf');
  });

  it('trusts a text/plain declaration unless the bytes clearly are an HTML page', () => {
    const report = new TextEncoder().encode(
      '某县2023年政府信息公开工作年度报告\n网站曾被植入 <script>alert(1)</script> 已处理。\n',
    );
    expect(detectDocumentType(report, 'text/plain; charset=utf-8', null, 'http://g/r.txt').kind).toBe('text');
    // Undeclared, the same markup still means HTML; a declared text/plain that is a whole page is HTML.
    expect(detectDocumentType(report, null, null, 'http://g/r').kind).toBe('html');
    const page = new TextEncoder().encode('\ufeff  <!DOCTYPE html><html><body>年报</body></html>');
    expect(detectDocumentType(page, 'text/plain', null, 'http://g/r.txt').kind).toBe('html');
  });
});
