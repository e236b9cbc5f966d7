/**
 * The chosen article's documents: the article page (when the report is inline, or the only evidence)
 * and its report attachments, fetched conditionally against earlier snapshots and stored with their
 * resolved publish dates.
 */
import type { AgencyRunOutcome, FetchStatus, SnapshotMeta } from '../../storage/records.ts';
import { putSnapshot } from '../../storage/snapshot.ts';
import { decodeBody } from '../../text/charset.ts';
import {
  type ArticlePage,
  type AttachmentLink,
  detectDocumentType,
  isErrorPageInsteadOfFile,
  parseArticlePage,
} from '../article.ts';
import { htmlShape } from '../html-limits.ts';
import { dateFromUrl, describeDisagreement, instantToBeijingIso, resolvePublishDate } from '../publish-date.ts';
import { isAnnualReportTitle, type ReportCandidate } from '../title-match.ts';
import {
  type AgencyContext,
  addFinding,
  DOCUMENT_ACCEPT,
  describeError,
  get,
  getCached,
  HTML_ACCEPT,
  headerValue,
  PageGone,
  requireBody,
} from './context.ts';
import { FETCH_RULES, type ScanGetOptions, type ScanResponse } from './types.ts';

interface StoredDocument {
  key: string;
  created: boolean;
}

interface ArticleContext {
  pageUrl: string;
  title: string | null;
  candidate: ReportCandidate | null;
  chosenBecause: string;
  article: ArticlePage | null;
  lastModified?: string;
}

/** Publish date of a fetched document from every source; a disagreement between sources is a finding. */
function resolveDates(context: AgencyContext, response: ScanResponse, fetchedAt: string, info: ArticleContext) {
  const previous = context.previous.get(response.url);
  const article = info.article;
  const header = article?.headerTable ?? {};
  const dates = resolvePublishDate({
    headerTable: header.发布日期 ?? header.公开日期 ?? null,
    metaPubDate: article?.metas.pubdate ?? null,
    listRow: info.candidate?.listDate ?? null,
    pageText: article?.pageTextDate ?? null,
    url: dateFromUrl(info.pageUrl) ?? dateFromUrl(response.url),
    lastModified: info.lastModified ?? headerValue(response.headers, 'last-modified') ?? null,
    firstSeen: previous?.firstSeenAt ?? instantToBeijingIso(new Date(fetchedAt)),
    extra: [
      ...(header.成文日期 ? [{ source: '成文日期', value: header.成文日期 }] : []),
      ...(header.生成日期 ? [{ source: '生成日期', value: header.生成日期 }] : []),
    ],
  });
  if (dates.disagreement) {
    addFinding(context, { rule: FETCH_RULES.dateDisagreement, severity: 'info', message: describeDisagreement(dates) });
  }
  return dates;
}

/** Stores one fetched document with its metadata. */
async function storeDocument(
  context: AgencyContext,
  response: ScanResponse,
  ext: string,
  charset: string | null,
  info: ArticleContext,
): Promise<StoredDocument> {
  const { agency, year, deps } = context;
  const fetchedAt = response.fetchedAt ?? deps.now().toISOString();
  const dates = resolveDates(context, response, fetchedAt, info);
  const put = await putSnapshot(deps.store, {
    year,
    agencyId: agency.id,
    bytes: response.body,
    ext,
    meta: {
      url: response.url,
      pageUrl: info.pageUrl,
      title: info.title,
      fetchedAt,
      publishDate: dates.publishDate,
      publishDateSource: dates.source,
      otherDates: dates.otherDates,
      contentType: headerValue(response.headers, 'content-type') ?? null,
      charset,
      chosenBecause: info.chosenBecause,
      headers: response.headers,
      agencyLevel: context.agency.level,
    },
    indexed: context.previous.values(),
  });
  return { key: put.key, created: put.created };
}

/**
 * Fetches a document or article page. Seen before as a snapshot: conditional GET with the snapshot's
 * validators, a 304 re-confirms the stored snapshot (or, if its bytes are gone, the page is fetched
 * again unconditionally). Otherwise, with `pageCache`, through the page cache (article pages whose
 * report is an attachment are never archived, so only the cache remembers them); HTML only is cached.
 */
async function fetchDocument(
  context: AgencyContext,
  url: string,
  accept: string,
  referer: string | undefined,
  options: { pageCache?: boolean } = {},
): Promise<{ response: ScanResponse; reused?: SnapshotMeta }> {
  const base: ScanGetOptions = { accept, ...(referer ? { referer } : {}) };
  const previous = context.previous.get(url);
  const etag = previous ? headerValue(previous.headers, 'etag') : undefined;
  const lastModified = previous ? headerValue(previous.headers, 'last-modified') : undefined;
  if (previous && (etag || lastModified)) {
    const response = await get(context, url, {
      ...base,
      ...(etag ? { ifNoneMatch: etag } : {}),
      ...(lastModified ? { ifModifiedSince: lastModified } : {}),
    });
    if (!(response.notModified || response.status === 304)) return { response };
    const bytes = await context.deps.store.get(previous.key);
    if (bytes)
      return { response: { ...response, status: 200, body: bytes, headers: previous.headers }, reused: previous };
    // The snapshot's bytes are gone from the store: a 304 has nothing to reuse, so ask for the body.
  } else if (options.pageCache) {
    const response = await getCached(context, url, base, (r) => {
      const type = detectDocumentType(
        r.body,
        headerValue(r.headers, 'content-type'),
        headerValue(r.headers, 'content-disposition'),
        r.url,
      );
      return type.kind === 'html';
    });
    return { response };
  }
  return { response: requireBody(await get(context, url, base), url) };
}

/**
 * Re-confirms a snapshot a 304 said is unchanged. Its stored metadata stays as first captured; the dates
 * are still resolved so an unchanged document raises the same findings on every run.
 */
async function storeReused(
  context: AgencyContext,
  reused: SnapshotMeta,
  response: ScanResponse,
  info: ArticleContext,
): Promise<StoredDocument> {
  resolveDates(context, response, response.fetchedAt ?? context.deps.now().toISOString(), info);
  const put = await putSnapshot(context.deps.store, {
    year: context.year,
    agencyId: context.agency.id,
    bytes: response.body,
    ext: reused.key.split('.').pop() ?? 'bin',
    meta: {
      ...reused,
      fetchedAt: response.fetchedAt ?? context.deps.now().toISOString(),
      agencyLevel: context.agency.level,
    },
    indexed: context.previous.values(),
  });
  return { key: put.key, created: put.created };
}

/** Fetches the chosen article (or direct report URL) and stores its report documents. */
export async function collectDocuments(
  context: AgencyContext,
  url: string,
  info: Omit<ArticleContext, 'pageUrl' | 'article'>,
) {
  const stored: StoredDocument[] = [];
  const first = await fetchDocument(context, url, HTML_ACCEPT, info.candidate?.listUrl, { pageCache: true });
  const firstType = detectDocumentType(
    first.response.body,
    headerValue(first.response.headers, 'content-type'),
    headerValue(first.response.headers, 'content-disposition'),
    first.response.url,
  );
  // A direct link to a file (registry reportUrl, or a list linking straight to a PDF).
  if (firstType.kind !== 'html') {
    const articleContext: ArticleContext = { ...info, pageUrl: first.response.url, article: null };
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, articleContext)
        : await storeDocument(context, first.response, firstType.ext, null, articleContext),
    );
    return stored;
  }

  const decoded = decodeBody(
    first.response.body,
    headerValue(first.response.headers, 'content-type'),
    context.agency.charset,
  );
  if (decoded.suspect) {
    addFinding(context, {
      rule: FETCH_RULES.encodingSuspect,
      severity: 'warning',
      message: `页面按 ${decoded.charset} 解码后仍有乱码字符，编码可能有误：${first.response.url}`,
    });
  }
  const shape = htmlShape(decoded.text);
  if (!shape.domSafe) {
    // Too deep or too big for a DOM: keep the page as the evidence, look for no attachments in it.
    addFinding(context, {
      rule: FETCH_RULES.pageLimited,
      severity: 'warning',
      message: `文章页${shape.tooDeep ? `标签嵌套超过 ${shape.depth - 1} 层` : '过大'}，未按网页结构解析（附件未查找），页面已存档：${first.response.url}`,
    });
    const pageOnly: ArticleContext = { ...info, pageUrl: first.response.url, article: null };
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, pageOnly)
        : await storeDocument(context, first.response, 'html', decoded.charset, pageOnly),
    );
    return stored;
  }
  const article = parseArticlePage(decoded.text, first.response.url);
  const articleContext: ArticleContext = {
    ...info,
    pageUrl: first.response.url,
    title: info.title ?? article.title,
    article,
    lastModified: headerValue(first.response.headers, 'last-modified'),
  };
  const attachments = pickAttachments(article.attachments, context.deps.maxAttachments ?? 6);

  if (article.inlineReport || attachments.length === 0) {
    // The page is the report (or the only evidence there is: scanned images end as "needs OCR" in parsing).
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, articleContext)
        : await storeDocument(context, first.response, 'html', decoded.charset, articleContext),
    );
  }
  let attachmentError: unknown = null;
  for (const attachment of attachments) {
    if (context.overBudget) break;
    try {
      const fetched = await fetchDocument(context, attachment.url, DOCUMENT_ACCEPT, first.response.url);
      if (fetched.reused) {
        stored.push(await storeReused(context, fetched.reused, fetched.response, articleContext));
        continue;
      }
      const type = detectDocumentType(
        fetched.response.body,
        headerValue(fetched.response.headers, 'content-type'),
        headerValue(fetched.response.headers, 'content-disposition'),
        fetched.response.url,
      );
      if (isErrorPageInsteadOfFile(type, fetched.response.body.byteLength, attachment.ext || 'file')) {
        addFinding(context, {
          rule: FETCH_RULES.errorPage,
          severity: 'warning',
          message: `附件链接返回的是网页而不是文件（可能是错误页）：${attachment.url}`,
        });
        continue;
      }
      stored.push(
        await storeDocument(context, fetched.response, type.ext, null, {
          ...articleContext,
          title: articleContext.title,
        }),
      );
    } catch (error) {
      attachmentError = error;
      addFinding(context, {
        rule: FETCH_RULES.attachmentError,
        severity: 'warning',
        message: `附件抓取失败：${attachment.url}（${describeError(error)}）`,
      });
    }
  }
  if (stored.length === 0) {
    if (attachmentError) throw attachmentError;
    // Every attachment was an error page: keep the article itself as evidence.
    stored.push(await storeDocument(context, first.response, 'html', decoded.charset, articleContext));
  }
  return stored;
}

/** The article page of the newest snapshot kept for the year (what an earlier run found), if any. */
export function latestArchivedArticle(previous: Map<string, SnapshotMeta>, year: number): SnapshotMeta | undefined {
  let newest: SnapshotMeta | undefined;
  for (const meta of previous.values()) {
    if (meta.year !== year || !meta.pageUrl) continue;
    if (!newest || (meta.lastSeenAt ?? meta.fetchedAt) > (newest.lastSeenAt ?? newest.fetchedAt)) newest = meta;
  }
  return newest;
}

/**
 * The list answered but no longer shows a report an earlier run found: re-check the archived article
 * URL itself. Still there: the report is public (found). 404/410: it was taken down (the outcome keeps
 * the re-check as evidence). Anything else (timeout, 5xx, block) is a failure of ours: thrown on.
 */
export async function recheckArchived(
  context: AgencyContext,
  archived: SnapshotMeta,
  outcome: (status: FetchStatus, snapshots: string[], error?: string) => AgencyRunOutcome,
): Promise<AgencyRunOutcome> {
  const at = context.deps.now().toISOString();
  try {
    const stored = await collectDocuments(context, archived.pageUrl, {
      title: archived.title,
      candidate: null,
      chosenBecause: '列表中已找不到此前找到的报告，按存档的原文地址重新访问仍可打开',
    });
    addFinding(context, {
      rule: FETCH_RULES.noCandidate,
      severity: 'info',
      message: `公开目录中已找不到该报告，但原文地址仍可访问：${archived.pageUrl}`,
    });
    const found = outcome(
      'found',
      stored.map((s) => s.key),
    );
    return { ...found, recheck: { url: archived.pageUrl, status: 200, at } };
  } catch (error) {
    if (!(error instanceof PageGone)) throw error;
    const gone = outcome(
      'not-found',
      [],
      `公开目录中已找不到此前找到的报告，原文地址返回 HTTP ${error.httpStatus}：${archived.pageUrl}`,
    );
    return { ...gone, recheck: { url: archived.pageUrl, status: error.httpStatus, at } };
  }
}

/** Report-like attachments first (by label), bounded; other office files only when nothing looks like the report. */
function pickAttachments(attachments: AttachmentLink[], max: number): AttachmentLink[] {
  const documents = attachments.filter((a) => a.ext !== '' || a.via !== 'a' || /download|downfile/i.test(a.url));
  const reportLike = documents.filter((a) => isAnnualReportTitle(a.label) || /年度报告|年报/.test(a.label));
  return (reportLike.length > 0 ? reportLike : documents).slice(0, max);
}
