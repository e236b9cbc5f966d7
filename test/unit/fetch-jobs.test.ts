import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deduplicationIdOf,
  EnqueueError,
  enqueueJobs,
  type FetchJob,
  jobAgencyIds,
  jobMessageBytes,
  MAX_JOB_MESSAGE_BYTES,
  messageGroupIdOf,
  planJobs,
} from '../../functions/common/fetch-jobs.ts';
import type { Agency, Registry } from '../../shared/registry/agency.ts';

const sqsMock = mockClient(SQSClient);
afterAll(() => sqsMock.restore());
beforeEach(() => sqsMock.reset());

function agency(id: string, host: string, region = ['河南省', '三门峡市', '卢氏县']): Agency {
  return { id, name: id, level: 'county-department', region, listUrls: [`https://${host}/xxgk/nb/`] };
}

function registry(agencies: Agency[]): Registry {
  return { deadlines: {} as Registry['deadlines'], respectRobots: true, allowHosts: [], recipients: [], agencies };
}

function jobs(count: number): FetchJob[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'fetch',
    runId: 'r',
    jobId: String(i + 1).padStart(5, '0'),
    year: 2024,
    host: `h${i}`,
    agencies: [{ id: `a${i}`, name: `a${i}`, level: 'township', listUrls: [`https://h${i}/`] }],
    client: { respectRobots: true, allowHosts: [] },
    trigger: 'schedule',
  }));
}

describe('planJobs', () => {
  it('groups agencies by host and cuts big hosts into jobs of at most N', () => {
    const reg = registry([
      ...Array.from({ length: 25 }, (_, i) => agency(`county-${i}`, 'www.lushi.gov.cn')),
      agency('city', 'www.smx.gov.cn', ['河南省', '三门峡市']),
    ]);
    const planned = planJobs(reg, { runId: 'r', year: 2024, trigger: 'schedule', maxAgenciesPerJob: 10 });
    expect(planned.map((job) => [job.host, job.agencies.length])).toEqual([
      ['www.lushi.gov.cn', 10],
      ['www.lushi.gov.cn', 10],
      ['www.lushi.gov.cn', 5],
      ['www.smx.gov.cn', 1],
    ]);
    expect(new Set(planned.map((job) => job.jobId)).size).toBe(4);
  });

  it('selects by region prefix and by id', () => {
    const reg = registry([agency('a', 'x.cn'), agency('b', 'y.cn', ['河南省', '三门峡市', '渑池县'])]);
    const base = { runId: 'r', year: 2024, trigger: 'rescan', maxAgenciesPerJob: 10 } as const;
    expect(planJobs(reg, { ...base, region: ['河南省', '三门峡市', '渑池县'] }).flatMap(jobAgencyIds)).toEqual(['b']);
    expect(planJobs(reg, { ...base, agencyIds: ['a'] }).flatMap(jobAgencyIds)).toEqual(['a']);
  });
});

describe('job messages', () => {
  it('carry each agency in a few hundred bytes, ten to a job far under the SQS limit', () => {
    const reg = registry(
      Array.from({ length: 10 }, (_, i) => ({
        ...agency(`county-department-${i}`, 'www.lushi.gov.cn'),
        name: `卢氏县第${i}委员会办公室`,
        reportUrls: {
          '2023': 'https://www.lushi.gov.cn/old.html',
          '2024': `https://www.lushi.gov.cn/xxgk/2024/t${i}.html`,
        },
        liaison: { name: '张三', phone: '0398-1234567' },
        note: '维护说明'.repeat(100),
      })),
    );
    const [job] = planJobs(reg, { runId: 'r', year: 2024, trigger: 'schedule', maxAgenciesPerJob: 10 });
    if (!job) throw new Error('one job expected');
    // Only what a scan reads: the year's report URL, no liaison, no note.
    expect(job.agencies[0]).toEqual({
      id: 'county-department-0',
      name: '卢氏县第0委员会办公室',
      level: 'county-department',
      listUrls: ['https://www.lushi.gov.cn/xxgk/nb/'],
      reportUrls: { '2024': 'https://www.lushi.gov.cn/xxgk/2024/t0.html' },
    });
    expect(jobMessageBytes(job)).toBeLessThan(10 * 300);
  });

  it('cut a host into smaller jobs when the records would not fit one message', () => {
    const long = `https://big.example.gov.cn/${'x'.repeat(1900)}`;
    const reg = registry(
      Array.from({ length: 400 }, (_, i) => ({ ...agency(`a${i}`, 'big.example.gov.cn'), listUrls: [long] })),
    );
    const planned = planJobs(reg, { runId: 'r', year: 2024, trigger: 'schedule', maxAgenciesPerJob: 400 });
    expect(planned.length).toBeGreaterThan(1);
    expect(Math.max(...planned.map(jobMessageBytes))).toBeLessThanOrEqual(MAX_JOB_MESSAGE_BYTES);
    expect(planned.flatMap(jobAgencyIds)).toEqual(reg.agencies.map((a) => a.id));
  });
});

describe('enqueueJobs', () => {
  it('sends batches of at most 10', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    expect(await enqueueJobs(new SQSClient({ region: 'ap-east-1' }), 'q', jobs(25))).toBe(25);
    const sizes = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('gives every entry its host as FIFO message group and its run/job id as deduplication id', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const reg = registry([
      ...Array.from({ length: 12 }, (_, i) => agency(`county-${i}`, 'www.lushi.gov.cn')),
      agency('city', 'www.smx.gov.cn:8443', ['河南省', '三门峡市']),
    ]);
    const planned = planJobs(reg, { runId: 'weekly-1', year: 2024, trigger: 'schedule', maxAgenciesPerJob: 10 });
    await enqueueJobs(new SQSClient({ region: 'ap-east-1' }), 'q.fifo', planned);
    const entries = sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => [e.MessageGroupId, e.MessageDeduplicationId])).toEqual([
      ['www.lushi.gov.cn', 'weekly-1/00001'],
      ['www.lushi.gov.cn', 'weekly-1/00002'],
      ['www.smx.gov.cn:8443', 'weekly-1/00003'],
    ]);
  });

  it('retries the failed entries once, then reports the ones still refused', async () => {
    let call = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call++;
      const first = input.Entries?.[0]?.Id ?? '';
      // The first entry fails on both attempts; everything else succeeds.
      return {
        Successful: [],
        Failed: first === '00001' ? [{ Id: first, Code: 'InternalError', SenderFault: false }] : [],
      };
    });
    const error = await enqueueJobs(new SQSClient({ region: 'ap-east-1' }), 'q', jobs(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).failedJobIds).toEqual(['00001']);
    expect(call).toBe(2);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries?.map((e) => e.Id)).toEqual([
      '00001',
    ]);
  });
});

describe('FIFO ids', () => {
  it('keeps a readable host as the group and hashes what SQS would refuse (over 128 characters)', () => {
    expect(messageGroupIdOf({ host: 'xxgk.example.gov.cn' })).toBe('xxgk.example.gov.cn');
    expect(messageGroupIdOf({ host: '(invalid)' })).toBe('(invalid)');
    const longHost = `${'a'.repeat(63)}.${'b'.repeat(63)}.gov.cn`;
    const hashed = messageGroupIdOf({ host: longHost });
    expect(hashed).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(messageGroupIdOf({ host: longHost })).toBe(hashed);
    expect(messageGroupIdOf({ host: `${longHost}.cn` })).not.toBe(hashed);
  });

  it('makes deduplication ids that fit SQS for the longest run and job ids the schema allows', () => {
    expect(deduplicationIdOf({ runId: 'rescan-20250407T010203Z-abc123', jobId: '00001' })).toBe(
      'rescan-20250407T010203Z-abc123/00001',
    );
    const longest = deduplicationIdOf({ runId: 'r'.repeat(100), jobId: 'j'.repeat(100) });
    expect(longest.length).toBeLessThanOrEqual(128);
    expect(longest).not.toBe(deduplicationIdOf({ runId: 'r'.repeat(100), jobId: `${'j'.repeat(99)}k` }));
  });
});
