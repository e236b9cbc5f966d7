/**
 * The weekly job, as the notify Lambda and the CLI run it: assess, build one digest per recipient set,
 * render, compose MIME, send through a Mailer, and record what was sent in digests/{isoWeek}.json.
 *
 * Idempotence: a recipient set already recorded for the ISO week is skipped unless `force`. The check
 * reads the record before sending and writes it after each message (check-then-write): two runs started
 * at the same moment could both send. S3 conditional writes would close that gap, but local S3
 * stand-ins ignore them; on AWS the schedule starts one notify invocation a week (reserved concurrency 1).
 */
import { createHash } from 'node:crypto';
import type { Assessment } from '../compliance/status.ts';
import { updateAssessments } from '../compliance/update.ts';
import { XLSX_CONTENT_TYPE } from '../export/workbook.ts';
import { escapeHtml } from '../html/escape.ts';
import type { Registry } from '../registry/agency.ts';
import type { LinkOptions } from '../site/links.ts';
import { regionListingHref } from '../site/paths.ts';
import { keys, PREFIXES, parseDigestKey } from '../storage/keys.ts';
import { getJson, type ObjectStore, putJson } from '../storage/port.ts';
import { applyTriage, loadTriage } from '../triage/triage.ts';
import {
  buildDigest,
  type Digest,
  type DigestRecord,
  digestRecord,
  digestWeek,
  recipientGroups,
  recipientsKey,
} from './digest.ts';
import type { Mailer, SentReceipt } from './mailer.ts';
import { buildRawMessage } from './mime.ts';
import {
  renderAgenciesCsv,
  renderAgencyNotice,
  renderDigestHtml,
  renderDigestText,
  renderFindingsCsv,
  renderStatusWorkbook,
} from './render.ts';

export interface RecipientSet {
  /** Region path prefix of the slice ([] = everything). */
  region: string[];
  to: string[];
}

export interface WeeklyDigestOptions {
  store: ObjectStore;
  registry: Registry;
  year: number;
  /** ISO date-time or epoch ms of the run. */
  now: string | number;
  mailer: Mailer;
  from: string;
  /** Who gets which slice. @default recipientGroups(registry.recipients) */
  recipients?: RecipientSet[];
  links?: LinkOptions;
  /** Send even when this week's digest already went to the same recipients. */
  force?: boolean;
  /** Days before a deadline the early-warning section (即将到期) starts. @default 15 */
  leadDays?: number;
  /** Assessments already computed; otherwise updateAssessments runs first (and writes state). */
  assessments?: Assessment[];
  /** Largest digest message; attachments beyond it are linked instead. @default MAX_EMAIL_BYTES */
  maxEmailBytes?: number;
  /** Fetch jobs still queued or running (the weekly notify gave up waiting for them): said in the digest. */
  fetchJobsLeft?: number;
}

export interface DigestMessageOutcome {
  to: string[];
  region: string[];
  subject: string;
  /** 'skipped' when already sent this week and not forced. */
  status: 'sent' | 'skipped';
  receipt?: SentReceipt;
  digest: Digest;
}

export interface WeeklyDigestResult {
  isoWeek: string;
  assessments: Assessment[];
  record: DigestRecord;
  messages: DigestMessageOutcome[];
  /** Notices to single agencies (registry notifyAgency), when any asked for them. */
  notices: DigestMessageOutcome[];
}

/** A composed digest email, ready for any mailer. */
export interface ComposedDigest {
  digest: Digest;
  subject: string;
  html: string;
  text: string;
  csv: string;
  csvFilename: string;
  /** One row per agency of the slice (CSV) and the status workbook (XLSX). */
  agenciesCsv: string;
  agenciesCsvFilename: string;
  /** Absent when it could not have fitted the message (see composeDigestEmail), so was not built. */
  workbook?: Uint8Array;
  workbookFilename: string;
  raw: Uint8Array;
  messageId: string;
}

/**
 * The largest raw message sent. SES refuses messages over 10 MB (the raw MIME, base64 included); the
 * margin covers the headers SES adds.
 */
export const MAX_EMAIL_BYTES = 9_500_000;

/** Below the smallest workbook-to-CSVs size ratio measured (0.26 at 30,000 agencies, 0.37 at 1,000). */
const WORKBOOK_TO_CSV_AT_LEAST = 0.2;

/** Bytes of `bytes` in a MIME message: base64 in 76-character lines with CRLF. */
function base64Size(bytes: number): number {
  return Math.ceil(bytes / 57) * 78;
}

/**
 * Where the site publishes the full lists an oversized digest leaves out: the listing of the slice's
 * region (a county's page with its workbook), or the agency index narrowed to it (each region's
 * workbook), from site/.
 */
export function fullListsNote(
  digest: Pick<Digest, 'year' | 'regionFilter'>,
  dropped: string[],
  siteBase: string | undefined,
): string {
  // Percent-encoded for mail clients (the site's own links keep their Chinese as it is).
  const href = regionListingHref(digest.regionFilter, { year: digest.year }).replace(/[^\x21-\x7e]/gu, (c) =>
    encodeURIComponent(c),
  );
  const where = siteBase ? `${siteBase}/${href}` : `结果网站的 ${href}`;
  return `附件过大，未随邮件发送：${dropped.join('、')}。完整清单（机关状态、问题清单）请在结果网站按地区下载 ${digest.year} 年度 Excel 工作簿：${where}。`;
}

/**
 * Renders a digest and builds its raw MIME message. When the message would exceed `maxBytes`, the
 * largest attachments are left out (largest first) and the message says where the full lists are.
 */
export async function composeDigestEmail(
  digest: Digest,
  envelope: { from: string; to: string[]; date: Date },
  limits: { maxBytes?: number; siteBase?: string } = {},
): Promise<ComposedDigest> {
  let html = renderDigestHtml(digest);
  let text = renderDigestText(digest);
  const csv = renderFindingsCsv(digest);
  const csvFilename = `年报问题清单-${digest.isoWeek}.csv`;
  const agenciesCsv = renderAgenciesCsv(digest);
  const agenciesCsvFilename = `年报机关状态-${digest.isoWeek}.csv`;
  const workbookFilename = `年报监测-${digest.isoWeek}.xlsx`;
  const maxBytes = limits.maxBytes ?? MAX_EMAIL_BYTES;
  // The workbook holds the two CSVs' rows, zipped (measured 0.26–0.37 of their bytes). Building it holds
  // every cell in memory (the digest stage of bench/scale.bench.ts peaked at 806 MB at 30,000 agencies with
  // it), so it is built only when it could fit the message.
  const csvBytes = Buffer.byteLength(csv) + Buffer.byteLength(agenciesCsv);
  const workbook =
    base64Size(csvBytes * WORKBOOK_TO_CSV_AT_LEAST) <= maxBytes ? await renderStatusWorkbook(digest) : undefined;
  const messageId = `${digest.isoWeek}.${shortHash(recipientsKey(envelope.to))}@nianbao-watch`;
  const attachments = [
    { filename: csvFilename, content: csv as string | Uint8Array, contentType: 'text/csv; charset=utf-8' },
    { filename: agenciesCsvFilename, content: agenciesCsv, contentType: 'text/csv; charset=utf-8' },
    ...(workbook ? [{ filename: workbookFilename, content: workbook, contentType: XLSX_CONTENT_TYPE }] : []),
  ];
  const build = () =>
    buildRawMessage({
      from: envelope.from,
      to: envelope.to,
      subject: digest.subject,
      text,
      html,
      date: envelope.date,
      messageId,
      attachments,
    });
  const baseHtml = html;
  const baseText = text;
  const dropped: string[] = workbook ? [] : [workbookFilename];
  // The message says which attachments it leaves out and where the full lists are.
  const buildNoting = () => {
    if (dropped.length > 0) {
      const note = fullListsNote(digest, dropped, limits.siteBase);
      html = baseHtml.replace(/<\/body><\/html>\s*$/, `<p><strong>${escapeHtml(note)}</strong></p></body></html>`);
      text = `${baseText}\n\n${note}\n`;
    }
    return build();
  };
  const sizeOf = (content: string | Uint8Array) =>
    typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  let raw = await buildNoting();
  while (raw.byteLength > maxBytes && attachments.length > 0) {
    const largest = attachments.reduce((a, b) => (sizeOf(b.content) > sizeOf(a.content) ? b : a));
    attachments.splice(attachments.indexOf(largest), 1);
    dropped.push(largest.filename);
    raw = await buildNoting();
  }
  return {
    digest,
    subject: digest.subject,
    html,
    text,
    csv,
    csvFilename,
    agenciesCsv,
    agenciesCsvFilename,
    ...(workbook ? { workbook } : {}),
    workbookFilename,
    raw,
    messageId,
  };
}

/** The latest digest record of a week before `isoWeek`, if any. */
export async function loadPreviousDigest(store: ObjectStore, isoWeek: string): Promise<DigestRecord | null> {
  const weeks = (await store.list(PREFIXES.digests))
    .map(parseDigestKey)
    .filter((week): week is string => week !== undefined && week < isoWeek)
    .sort();
  const latest = weeks.at(-1);
  return latest ? ((await getJson<DigestRecord>(store, keys.digest(latest))) ?? null) : null;
}

/** Runs the weekly digest end to end (see the module comment for idempotence). */
export async function runWeeklyDigest(options: WeeklyDigestOptions): Promise<WeeklyDigestResult> {
  const { store, registry, year, now, mailer } = options;
  const nowMs = typeof now === 'number' ? now : Date.parse(now);
  const isoWeek = digestWeek(nowMs);
  const assessments = options.assessments ?? (await updateAssessments(store, registry, year, nowMs));
  const previous = await loadPreviousDigest(store, isoWeek);
  const existing = await getJson<DigestRecord>(store, keys.digest(isoWeek));
  const triage = await loadTriage(store, year);
  // The record keeps the office's view: a dismissed problem is neither open nor "resolved" next week.
  const record = digestRecord(
    assessments.map((a) => applyTriage(a, triage).assessment),
    nowMs,
    previous,
    existing,
  );
  await putJson(store, keys.digest(isoWeek), record);

  const sets = options.recipients ?? recipientGroups(registry.recipients);
  const messages: DigestMessageOutcome[] = [];
  for (const set of sets) {
    const digest = buildDigest({
      registry,
      assessments,
      now: nowMs,
      previous,
      links: options.links,
      region: set.region,
      triage,
      ...(options.leadDays !== undefined ? { leadDays: options.leadDays } : {}),
      ...(options.fetchJobsLeft ? { fetchJobsLeft: options.fetchJobsLeft } : {}),
    });
    const key = recipientsKey(set.to);
    if (!options.force && record.sends.some((s) => s.recipientsKey === key && s.agencyId === undefined)) {
      messages.push({ to: set.to, region: set.region, subject: digest.subject, status: 'skipped', digest });
      continue;
    }
    const composed = await composeDigestEmail(
      digest,
      { from: options.from, to: set.to, date: new Date(nowMs) },
      {
        ...(options.links?.siteBase ? { siteBase: options.links.siteBase } : {}),
        ...(options.maxEmailBytes ? { maxBytes: options.maxEmailBytes } : {}),
      },
    );
    const id = `${isoWeek}-${set.region.length ? set.region.join('-') : '全部'}-${shortHash(key)}`;
    const receipt = await mailer.send({
      from: options.from,
      to: set.to,
      subject: composed.subject,
      raw: composed.raw,
      html: composed.html,
      id,
    });
    await store.put(keys.digestSetEml(isoWeek, shortHash(key)), composed.raw, { contentType: 'message/rfc822' });
    if (!set.region.length) await store.put(keys.digestEml(isoWeek), composed.raw, { contentType: 'message/rfc822' });
    record.sends.push({
      recipientsKey: key,
      to: set.to,
      region: set.region,
      subject: composed.subject,
      sentAt: digest.generatedAt,
      via: mailer.kind,
      messageId: receipt.messageId,
      location: receipt.location,
      ...(options.force ? { forced: true } : {}),
    });
    // Written after every message, so a failure part-way never re-sends what already went out.
    await putJson(store, keys.digest(isoWeek), record);
    messages.push({ to: set.to, region: set.region, subject: composed.subject, status: 'sent', receipt, digest });
  }
  const notices = await sendAgencyNotices(options, assessments, triage, previous, record, nowMs);
  return { isoWeek, assessments, record, messages, notices };
}

/**
 * Notices to the agencies that asked for them (registry `notifyAgency` + `liaison.email`): each gets
 * its own open problems once per ISO week (recorded in the week's sends with its agencyId).
 */
async function sendAgencyNotices(
  options: WeeklyDigestOptions,
  assessments: Assessment[],
  triage: Awaited<ReturnType<typeof loadTriage>>,
  previous: DigestRecord | null,
  record: DigestRecord,
  nowMs: number,
): Promise<DigestMessageOutcome[]> {
  const { registry, store, mailer } = options;
  const wanted = registry.agencies.filter((a) => a.notifyAgency && a.liaison?.email);
  if (!wanted.length) return [];
  const digest = buildDigest({
    registry,
    assessments,
    now: nowMs,
    previous,
    links: options.links,
    triage,
    maxRows: Number.MAX_SAFE_INTEGER,
  });
  const rows = new Map(digest.regions.flatMap((r) => r.rows).map((row) => [row.agencyId, row]));
  const out: DigestMessageOutcome[] = [];
  for (const agency of wanted) {
    const row = rows.get(agency.id);
    const to = [agency.liaison?.email as string];
    const key = recipientsKey(to);
    if (!row) continue;
    const notice = renderAgencyNotice(row, digest);
    if (!options.force && record.sends.some((s) => s.agencyId === agency.id && s.recipientsKey === key)) {
      out.push({ to, region: agency.region, subject: notice.subject, status: 'skipped', digest });
      continue;
    }
    const raw = await buildRawMessage({
      from: options.from,
      to,
      subject: notice.subject,
      text: notice.text,
      html: notice.html,
      date: new Date(nowMs),
      messageId: `${digest.isoWeek}.${agency.id}.${shortHash(key)}@nianbao-watch`,
    });
    const receipt = await mailer.send({
      from: options.from,
      to,
      subject: notice.subject,
      raw,
      html: notice.html,
      id: `${digest.isoWeek}-机关-${agency.id}`,
    });
    record.sends.push({
      recipientsKey: key,
      to,
      region: agency.region,
      subject: notice.subject,
      sentAt: digest.generatedAt,
      via: mailer.kind,
      messageId: receipt.messageId,
      location: receipt.location,
      agencyId: agency.id,
      ...(options.force ? { forced: true } : {}),
    });
    await putJson(store, keys.digest(digest.isoWeek), record);
    out.push({ to, region: agency.region, subject: notice.subject, status: 'sent', receipt, digest });
  }
  return out;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
