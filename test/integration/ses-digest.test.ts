/**
 * Sends the weekly digest through the real SES client to aws-ses-v2-local on loopback and reads the
 * messages back from its /store: subject, recipients, both parts, the CSV attachment; then checks
 * that a second run in the same week is refused unless forced.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import sesLocal from 'aws-ses-v2-local';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run as digestCli } from '../../shared/cli/digest.ts';
import { SesMailer } from '../../shared/notify/ses-mailer.ts';
import { runWeeklyDigest } from '../../shared/notify/weekly.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { getJson } from '../../shared/storage/port.ts';
import { assessments, HOSTILE_TITLE, registry } from '../unit/digest-fixtures.ts';

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
}

// A CommonJS module with `exports.default`: Node's ESM interop and vitest's disagree on where the
// function lands, so take whichever is callable.
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const startSes = (
  typeof sesLocal === 'function' ? sesLocal : (sesLocal as unknown as { default: StartSes }).default
) as StartSes;

const NOW = '2025-04-07T09:00:00+08:00';
let server: Server;
let endpoint: string;
let storeDir: string;

/** The messages the local SES holds; it keeps the To header as one text per header, so split it. */
async function sentEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  const emails = ((await response.json()) as { emails: StoredEmail[] }).emails;
  for (const email of emails) email.destination.to = email.destination.to.flatMap((t) => t.split(/,\s*/));
  return emails;
}

function mailer(): SesMailer {
  return new SesMailer(
    new SESClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}

beforeAll(async () => {
  server = await startSes({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  storeDir = await mkdtemp(path.join(tmpdir(), 'nianbao-ses-'));
  return () => rm(storeDir, { recursive: true, force: true });
});

describe('digest through SES', () => {
  it('delivers one message per region with a Chinese subject, both parts and the CSV', async () => {
    const store = new FileSystemStore(storeDir);
    const result = await runWeeklyDigest({
      store,
      registry,
      year: 2024,
      now: NOW,
      mailer: mailer(),
      from: '年报监测 <digest@example.org>',
      assessments: assessments(),
    });
    expect(result.messages.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);

    const emails = await sentEmails();
    expect(emails).toHaveLength(3);
    const all = emails.find((e) => e.destination.to.includes('sheng@example.gov.cn'));
    const smx = emails.find((e) => e.destination.to.includes('smx@example.gov.cn'));
    expect(all?.subject).toBe(result.messages[0]?.subject);
    expect(all?.subject).toMatch(/^政务公开年报监测周报 2025-W15：2024年度报告 /);
    expect(all?.from).toContain('digest@example.org');
    expect(smx?.destination.to.sort()).toEqual(['smx2@example.gov.cn', 'smx@example.gov.cn']);
    expect(smx?.subject).toContain('河南省三门峡市');

    // Both parts, the hostile title escaped in HTML and plain in text.
    expect(all?.body.text).toContain('洛阳市教育局：未公开');
    expect(all?.body.text).toContain(HOSTILE_TITLE);
    expect(all?.body.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(all?.body.html).not.toContain('<img');
    // The city slice holds only its city.
    expect(smx?.body.text).not.toContain('洛阳');

    // The attachment: CSV, UTF-8 with BOM, every finding of the slice.
    expect(all?.attachments.map((a) => a.filename)).toEqual([
      '年报问题清单-2025-W15.csv',
      '年报机关状态-2025-W15.csv',
      '年报监测-2025-W15.xlsx',
    ]);
    const attachment = all?.attachments[0];
    expect(attachment?.filename).toBe('年报问题清单-2025-W15.csv');
    expect(attachment?.contentType).toMatch(/^text\/csv/);
    const csv = Buffer.from(attachment?.content ?? '', 'base64');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').split('\r\n');
    expect(lines[0]).toContain('地区,机关,机关编号');
    expect(lines.filter((l) => l.includes('lushi-fgw'))).toHaveLength(2);

    const record = await getJson<{ sends: { to: string[]; via: string }[] }>(store, 'digests/2025-W15.json');
    expect(record?.sends).toHaveLength(3);
    expect(record?.sends[0]?.via).toBe('ses');
  });

  it('refuses to send the same week twice to the same recipients unless forced', async () => {
    const store = new FileSystemStore(storeDir);
    const options = {
      store,
      registry,
      year: 2024,
      mailer: mailer(),
      from: 'digest@example.org',
      recipients: [{ region: ['河南省', '洛阳市'], to: ['ly@example.gov.cn'] }],
      assessments: assessments(),
    };
    const first = await runWeeklyDigest({ ...options, now: NOW });
    expect(first.messages[0]?.status).toBe('sent');
    // Later the same ISO week (Sunday evening, Beijing time).
    const again = await runWeeklyDigest({ ...options, now: '2025-04-13T21:00:00+08:00' });
    expect(again.messages[0]?.status).toBe('skipped');
    expect(await sentEmails()).toHaveLength(1);
    // A different recipient set in the same week is its own message.
    const other = await runWeeklyDigest({
      ...options,
      now: NOW,
      recipients: [{ region: [], to: ['sheng@example.gov.cn'] }],
    });
    expect(other.messages[0]?.status).toBe('sent');
    const forced = await runWeeklyDigest({ ...options, now: NOW, force: true });
    expect(forced.messages[0]?.status).toBe('sent');
    expect(await sentEmails()).toHaveLength(3);
    // Next week is a new digest.
    const nextWeek = await runWeeklyDigest({ ...options, now: '2025-04-14T09:00:00+08:00' });
    expect(nextWeek.messages[0]?.status).toBe('sent');
    expect(nextWeek.messages[0]?.digest.changes.previousWeek).toBe('2025-W15');
    expect(nextWeek.messages[0]?.digest.changes.stillOpen.length).toBeGreaterThan(0);
  });

  it('sends a region slice from the CLI with --ses --to --region --endpoint', async () => {
    // The CLI builds its own SESClient, whose credential chain reads these.
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const registryFile = path.join(storeDir, 'registry.yaml');
    await copyFile(path.resolve(import.meta.dirname, '../../registry.example.yaml'), registryFile);
    const args = [
      '--store',
      path.join(storeDir, 'store'),
      '--registry',
      registryFile,
      '--now',
      NOW,
      '--ses',
      '--endpoint',
      endpoint,
      '--aws-region',
      'us-east-1',
      '--to',
      'city@example.gov.cn',
      '--region',
      '河南省/三门峡市',
      '--from',
      'digest@example.org',
    ];
    expect(await digestCli(args)).toBe(0);
    const emails = await sentEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to).toEqual(['city@example.gov.cn']);
    expect(emails[0]?.subject).toContain('（河南省三门峡市）');
    expect(emails[0]?.attachments[0]?.filename).toBe('年报问题清单-2025-W15.csv');
    // Same week again: refused, nothing sent.
    expect(await digestCli(args)).toBe(0);
    expect(await sentEmails()).toHaveLength(1);
  });
});
