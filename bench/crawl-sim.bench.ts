/**
 * Crawl simulation (issue 13): 150,000 agencies on a realistic host distribution (bench/synthetic-
 * registry.ts: 300 platform hosts with 70% of the agencies, Zipf-sized, the rest on their own sites),
 * in registry order shuffled, planned by the real planner (planJobsFrom: its host grouping, job cuts
 * and job order) and delivered as SQS FIFO delivers them: W workers, each taking the oldest waiting
 * message whose group (host) has none in flight; a job takes its agencies × the polite time per agency.
 * The clock is simulated, the scheduling inputs are the real ones.
 *
 * Printed against the politeness floor: max(busiest host's agencies × time per agency, total / W), with
 * W from crawlCapacity (shared/fetch/crawl-capacity.ts) for the stack's 6-hour window and for a week.
 * Goal: ≤ 1.3× the floor. SIM_AGENCIES (150000), SIM_SECONDS_PER_AGENCY (6).
 */
import { agenciesPerHost, type FetchJob, jobClientOf, planJobsFrom } from '../functions/common/fetch-jobs.ts';
import { CRAWL_SCHEDULES } from '../infra/schedules.ts';
import { crawlCapacity } from '../shared/fetch/crawl-capacity.ts';
import type { Agency } from '../shared/registry/agency.ts';
import { syntheticHosts } from './synthetic-registry.ts';

/** A binary min-heap of numbers-with-payload, enough for the event loop below. */
class Heap<T> {
  private readonly items: { key: number; value: T }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as { key: number }).key <= key) break;
      [items[i], items[parent]] = [items[parent] as { key: number; value: T }, items[i] as { key: number; value: T }];
      i = parent;
    }
  }
  pop(): { key: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && (items[l] as { key: number }).key < (items[m] as { key: number }).key) m = l;
        if (r < items.length && (items[r] as { key: number }).key < (items[m] as { key: number }).key) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as { key: number; value: T }, items[i] as { key: number; value: T }];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Makespan of SQS FIFO delivery of `jobs` (in enqueue order) to `workers` workers: a free worker gets
 * the oldest waiting message whose group has nothing in flight; a group's next message waits until
 * its in-flight one is done.
 */
export function simulateFifo(jobs: readonly FetchJob[], workers: number, secondsPerAgency: number): number {
  const groups: number[][] = [];
  const groupOf = new Map<string, number>();
  for (const job of jobs) {
    let index = groupOf.get(job.host);
    if (index === undefined) {
      index = groups.length;
      groupOf.set(job.host, index);
      groups.push([]);
    }
    (groups[index] as number[]).push(job.agencies.length * secondsPerAgency);
  }
  const next = new Array<number>(groups.length).fill(0);
  // Ready groups by the enqueue position of their next message (job order within a group is kept, and
  // groups were enqueued one after another, so the group index orders their messages).
  const ready = new Heap<number>();
  for (let g = 0; g < groups.length; g++) ready.push(g, g);
  const running = new Heap<number>(); // completion time → group
  let free = workers;
  let now = 0;
  for (;;) {
    while (free > 0 && ready.size > 0) {
      const g = (ready.pop() as { value: number }).value;
      const duration = (groups[g] as number[])[next[g] as number] as number;
      next[g] = (next[g] as number) + 1;
      running.push(now + duration, g);
      free--;
    }
    const done = running.pop();
    if (!done) return now;
    now = done.key;
    free++;
    const g = done.value;
    if ((next[g] as number) < (groups[g] as number[]).length) ready.push(g, g);
  }
}

function shuffled<T>(items: T[], seed = 13): T[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export async function run(): Promise<void> {
  const count = Number(process.env.SIM_AGENCIES ?? 150_000);
  const perAgency = Number(process.env.SIM_SECONDS_PER_AGENCY ?? 6);
  const hosts = shuffled(syntheticHosts(count));
  const agencies: Agency[] = hosts.map((host, i) => ({
    id: `a${i}`,
    name: `第${i}号机关`,
    level: 'county-department',
    region: ['示例省'],
    listUrls: [`https://${host}/c${i}/`],
  }));
  const started = performance.now();
  const jobs = planJobsFrom(agencies, jobClientOf({ respectRobots: true, allowHosts: [] }), {
    runId: 'sim',
    year: 2024,
    trigger: 'schedule',
    maxAgenciesPerJob: 10,
  });
  const perHost = agenciesPerHost(jobs);
  const sizes = [...perHost.values()].sort((a, b) => b - a);
  const platformShare = sizes.slice(0, 300).reduce((a, b) => a + b, 0) / count;
  console.log(
    `${count} agencies on ${perHost.size} hosts (largest ${sizes.slice(0, 3).join(', ')}; top 300 hosts hold ${(platformShare * 100).toFixed(0)}%; ${sizes.filter((s) => s <= 2).length} hosts with 1–2 agencies); ${jobs.length} jobs; ${perAgency} s per agency at the polite pace`,
  );
  for (const [label, windowSeconds] of [
    ['the night schedule (nianbao:crawlSchedule=night, the default)', CRAWL_SCHEDULES.night.windowHours * 3600],
    ['the week-long schedule (nianbao:crawlSchedule=week)', CRAWL_SCHEDULES.week.windowHours * 3600],
  ] as const) {
    const capacity = crawlCapacity(perHost, { windowSeconds, secondsPerAgency: perAgency });
    console.log(
      `${label}: ${capacity.workers} workers for ${(capacity.totalSeconds / 3600).toFixed(0)} h of polite work; a host may hold ≤ ${capacity.maxAgenciesPerHost} agencies; ${capacity.hostsOverWindow.length} hosts over (largest ${capacity.hostsOverWindow[0]?.agencies ?? 0} = ${((capacity.hostsOverWindow[0]?.seconds ?? 0) / 3600).toFixed(1)} h)`,
    );
    for (const workers of [capacity.workers, 10]) {
      const floor = Math.max(capacity.totalSeconds / workers, capacity.busiestHostSeconds);
      const makespan = simulateFifo(jobs, workers, perAgency);
      console.log(
        `  W=${String(workers).padStart(3)}: simulated crawl ${(makespan / 3600).toFixed(2)} h vs politeness floor ${(floor / 3600).toFixed(2)} h = ${(makespan / floor).toFixed(3)}× (goal ≤ 1.3×); ${makespan <= windowSeconds ? 'fits' : 'does NOT fit'} the window`,
      );
    }
  }
  // Why the planner enqueues the busiest hosts first: the same jobs with the busiest host last (a
  // registry that lists its provincial platform at the end), at the 6-hour sizing.
  const sixHours = crawlCapacity(perHost, { windowSeconds: 6 * 3600, secondsPerAgency: perAgency });
  const busiestLast = [...jobs].reverse();
  const floor = Math.max(sixHours.totalSeconds / sixHours.workers, sixHours.busiestHostSeconds);
  console.log(
    `same jobs with the busiest host enqueued last, W=${sixHours.workers}: ${(simulateFifo(busiestLast, sixHours.workers, perAgency) / floor).toFixed(3)}× the floor (busiest-host-first: ${(simulateFifo(jobs, sixHours.workers, perAgency) / floor).toFixed(3)}×)`,
  );
  console.log(`planning + simulations took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
