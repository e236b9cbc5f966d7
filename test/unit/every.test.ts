import { describe, expect, it } from 'vitest';
import { atMostEvery } from '../../shared/async/every.ts';

describe('atMostEvery (the fetch worker’s run-part trace)', () => {
  it('is due once per interval however often it is asked, and never before the first interval', () => {
    let now = 1_000;
    const trace = atMostEvery(30_000, () => now);
    // 100 agencies done in 1 s each: 100 s, so a write at 30, 60 and 90 s, not one per agency.
    let writes = 0;
    for (let agency = 0; agency < 100; agency++) {
      now += 1_000;
      if (trace.due()) writes++;
    }
    expect(writes).toBe(3);
  });

  it('is due after every unit that takes longer than the interval', () => {
    let now = 0;
    const trace = atMostEvery(30_000, () => now);
    const due: boolean[] = [];
    for (const took of [31_000, 45_000, 10_000, 29_000, 1_000]) {
      now += took;
      due.push(trace.due());
    }
    // 31 s: due; 45 s: due; 10 s: not; 39 s since the last: due; 1 s: not.
    expect(due).toEqual([true, true, false, true, false]);
  });
});
