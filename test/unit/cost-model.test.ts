import { describe, expect, it } from 'vitest';
import {
  fitLine,
  GB,
  leastSquares,
  monthlyFixedBill,
  monthlyTotals,
  noS3,
  PRICES,
  type PriceTable,
  sqsBilledRequests,
  vcpuShare,
  weeklyBill,
} from '../../bench/cost-model.ts';

const item = (bill: ReturnType<typeof weeklyBill>, name: string) => {
  const found = bill.lines.find((line) => line.item === name);
  if (!found) throw new Error(`no bill line ${name}: ${bill.lines.map((l) => l.item).join(', ')}`);
  return found;
};

describe('cost model: known counts give known dollars', () => {
  it('prices Lambda duration in GB-seconds and requests per million', () => {
    const bill = weeklyBill([
      { stage: 'fetch worker', lambda: { memoryMb: 512, invocations: 3000, durationSeconds: 60_000 } },
    ]);
    // 60,000 s × 0.5 GB = 30,000 GB-s × $0.0000133334 = $0.400002; 3,000 × $0.20/M = $0.0006
    expect(item(bill, 'fetch worker duration').usd).toBeCloseTo(0.400002, 9);
    expect(item(bill, 'fetch worker duration').arithmetic).toContain('30,000 GB-s');
    expect(item(bill, 'fetch worker requests').usd).toBeCloseTo(0.0006, 12);
    expect(bill.total).toBeCloseTo(0.400602, 9);
  });

  it('prices S3 PUT-class and GET-class requests apart, DELETE free', () => {
    const s3 = { ...noS3(), put: 1000, list: 1000, get: 10_000, head: 5_000, delete: 777 };
    const bill = weeklyBill([{ stage: 'notify', s3 }]);
    // (1,000 PUT + 1,000 LIST) × $0.005/1k = $0.01; (10,000 GET + 5,000 HEAD) × $0.0004/1k = $0.006
    expect(item(bill, 'notify PUT/COPY/POST/LIST').usd).toBeCloseTo(0.01, 12);
    expect(item(bill, 'notify GET/HEAD').usd).toBeCloseTo(0.006, 12);
    expect(bill.total).toBeCloseTo(0.016, 12);
  });

  it('prices SQS FIFO and standard, Step Functions, SES, Scheduler and log ingestion', () => {
    const bill = weeklyBill([
      {
        stage: 'x',
        sqsFifoRequests: 2_000_000,
        sqsStandardRequests: 1_000_000,
        stepFunctions: { standardTransitions: 4_000, expressRequests: 1_000_000, expressGbSeconds: 1000 },
        ses: { messages: 2000, bytes: 2 * GB },
        schedulerInvocations: 1_000_000,
        logBytes: 4 * GB,
      },
    ]);
    expect(item(bill, 'x FIFO requests').usd).toBeCloseTo(1.0, 12);
    expect(item(bill, 'x standard requests').usd).toBeCloseTo(0.4, 12);
    expect(item(bill, 'x Standard transitions').usd).toBeCloseTo(0.1, 12);
    expect(item(bill, 'x Express requests').usd).toBeCloseTo(1.0, 12);
    expect(item(bill, 'x Express duration').usd).toBeCloseTo(0.01667, 12);
    expect(item(bill, 'x messages').usd).toBeCloseTo(0.2, 12);
    expect(item(bill, 'x message bytes').usd).toBeCloseTo(0.24, 12);
    expect(item(bill, 'x invocations').usd).toBeCloseTo(1.0, 12);
    expect(item(bill, 'x ingestion').usd).toBeCloseTo(2.0, 12);
  });

  it('leaves out what was not used', () => {
    expect(weeklyBill([{ stage: 'idle', s3: noS3() }]).lines).toEqual([]);
  });

  it('prorates custom metrics by the hours they are sent in, and adds storage, alarms and stored logs', () => {
    const fixed = monthlyFixedBill({
      storage: [{ label: 'objects', gb: 100 }],
      metrics: [{ label: 'worker', count: 4, hoursPerMonth: 73 }],
      alarms: 8,
      logStorageGb: 10,
    });
    expect(fixed.lines.map((l) => l.usd)).toEqual([
      expect.closeTo(2.3, 12), // 100 GB-month × $0.023
      expect.closeTo(0.12, 12), // 4 × $0.30 × 73/730
      expect.closeTo(0.8, 12), // 8 × $0.10
      expect.closeTo(0.3, 12), // 10 GB × $0.03
    ]);
  });

  it('makes a month of weeks: quiet, and with the deadline week in it', () => {
    const prices: PriceTable = { ...PRICES, weeksPerMonth: 4 };
    const week = (total: number) => ({ lines: [], total });
    const months = monthlyTotals(week(1), week(5), week(10), prices);
    expect(months.quiet).toBe(14); // 4 × $1 + $10
    expect(months.deadline).toBe(18); // $5 + 3 × $1 + $10
    expect(months.arithmetic.deadline).toBe('$5.00 + 3.00 × $1.00 + $10.00 fixed = $18.00');
  });
});

describe('cost model: helpers', () => {
  it('bills an SQS request per started 64 KiB chunk', () => {
    expect(sqsBilledRequests(100)).toBe(1);
    expect(sqsBilledRequests(65_536)).toBe(1);
    expect(sqsBilledRequests(65_537)).toBe(2);
    expect(sqsBilledRequests(0)).toBe(1);
  });

  it('gives one vCPU at 1,769 MB and a share below', () => {
    expect(vcpuShare(1769)).toBe(1);
    expect(vcpuShare(3538)).toBe(1);
    expect(vcpuShare(1024)).toBeCloseTo(0.5789, 4);
  });

  it('fits a line and says how far the points are from it', () => {
    const exact = fitLine([
      { x: 1000, y: 2010 },
      { x: 3000, y: 6010 },
      { x: 10_000, y: 20_010 },
    ]);
    expect(exact.slope).toBeCloseTo(2, 10);
    expect(exact.intercept).toBeCloseTo(10, 8);
    expect(exact.maxRelativeResidual).toBeLessThan(1e-12);
    const bent = fitLine([
      { x: 1, y: 1 },
      { x: 2, y: 4 },
      { x: 3, y: 9 },
    ]);
    expect(bent.maxRelativeResidual).toBeGreaterThan(0.05);
  });

  it('solves per-job and per-agency-of-each-kind counts', () => {
    // y = 2 per job + 5 per html agency + 1 per down agency
    const rows = [
      { x: [1, 10, 0], y: 52 },
      { x: [1, 3, 0], y: 17 },
      { x: [1, 0, 2], y: 4 },
      { x: [1, 0, 1], y: 3 },
    ];
    const fit = leastSquares(rows);
    expect(fit.coefficients[0]).toBeCloseTo(2, 10);
    expect(fit.coefficients[1]).toBeCloseTo(5, 10);
    expect(fit.coefficients[2]).toBeCloseTo(1, 10);
    expect(fit.maxRelativeResidual).toBeLessThan(1e-9);
    // A kind no job has gets 0, not NaN.
    expect(leastSquares([{ x: [1, 0], y: 3 }]).coefficients).toEqual([3, 0]);
  });
});
