/**
 * "At most every `intervalMs`": `due()` is true on the first call at least `intervalMs` after the last
 * true one (or after creation), so a trace written after each unit of work is written at most that often
 * however fast the work goes. The clock is passed in (tests drive it; callers pass Date.now).
 */
export function atMostEvery(intervalMs: number, clock: () => number): { due: () => boolean } {
  let last = clock();
  return {
    due: () => {
      const now = clock();
      if (now - last < intervalMs) return false;
      last = now;
      return true;
    },
  };
}
