/**
 * The politeness gate: a FIFO queue with a concurrency limit and a pause after each release. The client
 * keeps one per host (limit and delay from its options, the delay raised by robots.txt Crawl-delay) and
 * one overall (no pause).
 */

/** FIFO gate with a concurrency limit and an optional pause after each release. */
export class Gate {
  #active = 0;
  #lastEnd = Number.NEGATIVE_INFINITY;
  readonly #waiters: (() => void)[] = [];
  readonly #limit: number;
  #delayMs: number;

  constructor(limit: number, delayMs: number) {
    this.#limit = Math.max(1, limit);
    this.#delayMs = Math.max(0, delayMs);
  }

  /** Raises the pause to at least `delayMs` (a site's Crawl-delay); never lowers it. */
  floorDelay(delayMs: number): void {
    if (delayMs > this.#delayMs) this.#delayMs = delayMs;
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  async acquire(now: () => number, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (this.#active < this.#limit && this.#waiters.length === 0) this.#active++;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve)); // the slot is handed over
    // Wait out the pause since the last request ended (again if another slot ended meanwhile).
    for (;;) {
      const lastEnd = this.#lastEnd;
      const wait = lastEnd + this.#delayMs - now();
      if (wait <= 0) return;
      const before = now();
      await sleep(wait);
      const after = now();
      // Timers may fire a millisecond early: sleep the rest, unless the clock did not move at all.
      if (this.#lastEnd === lastEnd && (after === before || after >= lastEnd + this.#delayMs)) return;
    }
  }

  release(now: () => number): void {
    this.#lastEnd = now();
    const next = this.#waiters.shift();
    if (next) next();
    else this.#active--;
  }

  get idle(): boolean {
    return this.#active === 0 && this.#waiters.length === 0;
  }
}
