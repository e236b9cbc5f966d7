/**
 * Article pages: the report body text (TRS_Editor / zoom / content divs), the attachments wherever they
 * hide (links, extension-less download links, iframe/embed/object, window.open, pdf.js viewers), the
 * disclosure header table (头表) and the page's meta tags. Also decides what a downloaded document is
 * (Content-Type, Content-Disposition, magic bytes) and recognises tiny HTML "downloads" as error pages.
 */
import type * as cheerio from 'cheerio';
import { sniffMagic } from '../report/detect-format.ts';
import { loadHtml } from './discover.ts';
import { dateFromPageText } from './publish-date.ts';

export type DocumentKind = 'pdf' | 'docx' | 'doc' | 'wps' | 'xls' | 'xlsx' | 'ofd' | 'html' | 'text' | 'unknown';

export const ATTACHMENT_EXTENSIONS = ['pdf', 'docx', 'doc', 'wps', 'xls', 'xlsx', 'ofd'] as const;

export interface AttachmentLink {
  url: string;
  /** Link text or file name, when there is one. */
  label: string;
  /** Extension guessed from the URL or its file-name parameter ('' when none). */
  ext: string;
  /** Where it was found: a, iframe, embed, object, window.open, viewer. */
  via: string;
}

export interface ArticlePage {
  /** `ArticleTitle` meta, else the <title>/heading. */
  title: string | null;
  bodyText: string;
  /** True when the body itself reads as the report (the sections and tables are inline). */
  inlineReport: boolean;
  attachments: AttachmentLink[];
  /** Header table (头表) label → value, labels without spaces or colons ("发布日期", "成文日期", …). */
  headerTable: Record<string, string>;
  /** Meta tags by lower-case name (pubdate, articletitle, sitename, …). */
  metas: Record<string, string>;
  /** "发布时间：…" text near the title, raw. */
  pageTextDate: string | null;
}

const BODY_SELECTORS = [
  '.TRS_Editor',
  '.trs_editor_view',
  '#zoom',
  '.zoom',
  '#UCAP-CONTENT',
  '.bt_content',
  '#article-content',
  '.article-content',
  '.article_content',
  '#content',
  '.content',
  '.main-txt',
  'article',
];

const ATTACHMENT_EXT = new RegExp(`\\.(${ATTACHMENT_EXTENSIONS.join('|')})$`, 'i');

function absolute(href: string | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/** The attachment extension a URL points at: its path, or a file-name-like query parameter. */
export function extensionFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '';
  }
  const fromPath = ATTACHMENT_EXT.exec(decodeURIComponent(parsed.pathname))?.[1];
  if (fromPath) return fromPath.toLowerCase();
  for (const [name, value] of parsed.searchParams) {
    if (!/file|name|url|path/i.test(name)) continue;
    const inner = ATTACHMENT_EXT.exec(value.split('?')[0] ?? '')?.[1];
    if (inner) return inner.toLowerCase();
  }
  return '';
}

/** Whether a URL looks like a download endpoint even without an extension. */
function looksLikeDownload(url: string): boolean {
  return /(downfile|download|attachment|getfile|fileurl|filedown)/i.test(url) && !/\.s?html?(\?|$)/i.test(url);
}

function squash(text: string): string {
  return text.replace(/[\s\u3000]+/g, ' ').trim();
}

/** Reads `label：value` pairs from tables (and definition-like rows) near the top of an article. */
function headerTable($: cheerio.CheerioAPI): Record<string, string> {
  const labels =
    /^(索引号|发布机构|发文机关|发文机构|生成日期|成文日期|发布日期|公开日期|发文字号|文号|主题分类|公开方式|信息来源|有效性|名称|标题|公开范围|公开时限)$/;
  const out: Record<string, string> = {};
  const cells = $('table td, table th, .xxgk_table td, dl dt, dl dd, .head-table span, .xxgk li span')
    .map((_, el) => squash($(el).text()))
    .get();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    // "发布日期：2024-01-26" in one cell, or label and value in two cells.
    const inline = /^([^:：]{2,8}?)\s*[:：]\s*(.+)$/.exec(cell);
    if (inline) {
      const label = (inline[1] as string).replace(/\s/g, '');
      if (labels.test(label) && !(label in out)) out[label] = (inline[2] as string).trim();
      continue;
    }
    const label = cell.replace(/[\s:：]/g, '');
    const next = cells[i + 1];
    if (labels.test(label) && next !== undefined && !(label in out)) {
      out[label] = next.replace(/^[:：]\s*/, '');
      i++;
    }
  }
  return out;
}

/** Tells whether body text is the report itself rather than a cover note ("详见附件"). */
export function looksLikeInlineReport(text: string): boolean {
  const markers = ['总体情况', '主动公开', '依申请', '行政复议', '存在的主要问题', '其他需要报告的事项'];
  const hits = markers.filter((m) => text.includes(m)).length;
  return hits >= 3 && text.length >= 300;
}

/** Parses an article page. `pageUrl` must be the final URL after redirects. */
export function parseArticlePage(html: string, pageUrl: string): ArticlePage {
  const $ = loadHtml(html);
  const metas: Record<string, string> = {};
  $('meta').each((_, el) => {
    const meta = $(el);
    const name = (meta.attr('name') ?? meta.attr('http-equiv') ?? meta.attr('property') ?? '').trim().toLowerCase();
    const content = meta.attr('content');
    if (name && content !== undefined && !(name in metas)) metas[name] = content.trim();
  });

  let body: ReturnType<typeof $> | null = null;
  for (const selector of BODY_SELECTORS) {
    // Cheap pre-check on the markup before running a selector over the whole document.
    if (!/^[a-z]+$/.test(selector) && !html.includes(selector.slice(1))) continue;
    const found = $(selector).first();
    if (found.length && squash(found.text()).length > 0) {
      body = found;
      break;
    }
  }
  const pageText = squash($('body').text());
  const bodyText = body ? squash(body.text()) : pageText;

  const attachments: AttachmentLink[] = [];
  const seen = new Set<string>();
  const add = (raw: string | undefined, label: string, via: string) => {
    const url = absolute(raw, pageUrl);
    if (!url || seen.has(url)) return;
    const ext = extensionFromUrl(url);
    if (!ext && !looksLikeDownload(url)) return;
    seen.add(url);
    attachments.push({ url, label: squash(label), ext, via });
  };

  $('a[href]').each((_, el) => {
    const a = $(el);
    const href = a.attr('href') ?? '';
    const viewer = /viewer\.html\?(?:.*&)?file=([^&]+)/i.exec(href);
    if (viewer) {
      const viewerUrl = absolute(href, pageUrl);
      add(viewerUrl ? new URL(decodeURIComponent(viewer[1] as string), viewerUrl).href : undefined, a.text(), 'viewer');
      return;
    }
    add(href, a.attr('title') ?? a.text(), 'a');
    const onclick = a.attr('onclick') ?? '';
    const opened = /window\.open\(\s*['"]([^'"]+)['"]/.exec(onclick);
    if (opened) add(opened[1], a.text(), 'window.open');
  });
  $(html.includes('window.open') ? '[onclick]' : 'x-none').each((_, el) => {
    const opened = /window\.open\(\s*['"]([^'"]+)['"]/.exec($(el).attr('onclick') ?? '');
    if (opened) add(opened[1], $(el).text(), 'window.open');
  });
  $('iframe[src], embed[src], object[data]').each((_, el) => {
    const node = $(el);
    const src = node.attr('src') ?? node.attr('data') ?? '';
    const viewer = /viewer\.html\?(?:.*&)?file=([^&]+)/i.exec(src);
    const tag = (el as { tagName?: string }).tagName ?? 'iframe';
    if (viewer) {
      const viewerUrl = absolute(src, pageUrl);
      add(viewerUrl ? new URL(decodeURIComponent(viewer[1] as string), viewerUrl).href : undefined, '', 'viewer');
    } else add(src, '', tag);
  });

  const headingTitle = squash($('h1').first().text()) || squash($('.title, .article-title, #title').first().text());
  const title = metas.articletitle || headingTitle || squash($('title').text()) || null;
  return {
    title,
    bodyText,
    inlineReport: looksLikeInlineReport(bodyText),
    attachments,
    headerTable: /索\s*引\s*号|发布日期|成文日期|发文机关|发布机构/.test(html) ? headerTable($) : {},
    metas,
    pageTextDate: dateFromPageText(pageText.slice(0, 4000)),
  };
}

export interface DocumentType {
  kind: DocumentKind;
  /** File extension to store under. */
  ext: string;
  /** File name from Content-Disposition (decoded), when given. */
  fileName: string | null;
}

/** File name from a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first, then `filename="…"`. */
export function fileNameFromDisposition(header: string | undefined | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    const charset = (extended[1] || 'utf-8').toLowerCase();
    const raw = (extended[2] as string).trim();
    try {
      const bytes = Uint8Array.from(
        raw.replace(/%([0-9a-f]{2})|./gi, (m, hex: string | undefined) =>
          hex ? String.fromCharCode(Number.parseInt(hex, 16)) : m,
        ),
        (c) => c.charCodeAt(0) & 0xff,
      );
      return new TextDecoder(charset === 'gbk' || charset === 'gb2312' ? 'gb18030' : charset).decode(bytes);
    } catch {
      return raw;
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  if (!plain) return null;
  const value = (plain[1] as string).trim();
  try {
    return /%[0-9a-f]{2}/i.test(value) ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}

/** The kind of a downloaded document: magic bytes first, then Content-Disposition, Content-Type, URL. */
export function detectDocumentType(
  bytes: Uint8Array,
  contentType: string | null | undefined,
  contentDisposition: string | null | undefined,
  url: string,
): DocumentType {
  const fileName = fileNameFromDisposition(contentDisposition);
  const nameExt = (fileName ? ATTACHMENT_EXT.exec(fileName)?.[1]?.toLowerCase() : undefined) ?? '';
  const urlExt = extensionFromUrl(url);
  const type = (contentType ?? '').toLowerCase();
  const declared = nameExt || urlExt;
  const result = (kind: DocumentKind, ext: string = kind): DocumentType => ({ kind, ext, fileName });

  // Magic bytes: the parser's sniffer (one home; %PDF- is accepted after leading junk, as readers do).
  const magic = sniffMagic(bytes);
  if (magic === 'pdf') return result('pdf');
  if (magic === 'zip') {
    if (declared === 'xlsx' || type.includes('spreadsheet')) return result('xlsx');
    if (declared === 'ofd' || type.includes('ofd')) return result('ofd');
    return result('docx');
  }
  if (magic === 'ole') {
    if (declared === 'wps') return result('wps');
    if (declared === 'xls' || type.includes('excel')) return result('xls');
    return result('doc');
  }
  const text = new TextDecoder('latin1')
    .decode(bytes.subarray(0, 1024))
    .replace(/^\ufeff|^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  const startsAsHtml = text.startsWith('<!doctype html') || text.startsWith('<html');
  // A text/plain declaration is trusted unless the bytes clearly are an HTML page (a report quoting
  // `<script>` in its text stays text); with no text declaration, markup anywhere in the head decides.
  const declaredPlain = type.startsWith('text/plain');
  if (type.includes('html') || startsAsHtml || (!declaredPlain && /<(head|body|script)[\s>]/.test(text)))
    return result('html');
  if (type.startsWith('text/')) return result('text', 'txt');
  if (declared) return result(declared as DocumentKind, declared);
  return result('unknown', 'bin');
}

/**
 * A "document" that is in fact a small HTML page (a 404 page served with 200, a login wall, an anti-bot
 * challenge) when a file was expected.
 */
export function isErrorPageInsteadOfFile(type: DocumentType, byteLength: number, expectedExt: string): boolean {
  return type.kind === 'html' && byteLength < 20_000 && expectedExt !== '' && expectedExt !== 'html';
}
