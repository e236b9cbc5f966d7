import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EnqueueError, enqueueJobs, type FetchJob, planJobs } from '../../functions/common/fetch-jobs.ts';
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
    agencyIds: [`a${i}`],
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
    expect(planned.map((job) => [job.host, job.agencyIds.length])).toEqual([
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
    expect(planJobs(reg, { ...base, region: ['河南省', '三门峡市', '渑池县'] }).flatMap((j) => j.agencyIds)).toEqual([
      'b',
    ]);
    expect(planJobs(reg, { ...base, agencyIds: ['a'] }).flatMap((j) => j.agencyIds)).toEqual(['a']);
  });
});

describe('enqueueJobs', () => {
  it('sends batches of at most 10', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    expect(await enqueueJobs(new SQSClient({ region: 'ap-east-1' }), 'q', jobs(25))).toBe(25);
    const sizes = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 5]);
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
