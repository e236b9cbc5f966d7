/**
 * A synthetic registry with a realistic host distribution, for the scale and crawl benches: most
 * agencies sit on a few hundred platform hosts (provincial and city 集约化 portals that host every
 * department's disclosure column), Zipf-distributed, so the largest holds thousands; the rest run their
 * own sites, one or two agencies each (the long tail). Deterministic for a given size.
 */

/** Share of agencies on platform hosts, the number of platforms, and the Zipf exponent of their sizes. */
export const PLATFORM_SHARE = 0.7;
export const PLATFORM_HOSTS = 300;
export const ZIPF_EXPONENT = 0.9;

/** The host of each agency (index = agency number), platform hosts first by size. */
export function syntheticHosts(agencies: number): string[] {
  const platformAgencies = Math.round(agencies * PLATFORM_SHARE);
  const platforms = Math.min(PLATFORM_HOSTS, Math.max(1, Math.round(platformAgencies / 50)));
  const weights = Array.from({ length: platforms }, (_, rank) => 1 / (rank + 1) ** ZIPF_EXPONENT);
  const total = weights.reduce((a, b) => a + b, 0);
  const hosts: string[] = [];
  for (let rank = 0; rank < platforms && hosts.length < platformAgencies; rank++) {
    const size = Math.max(1, Math.round((platformAgencies * (weights[rank] as number)) / total));
    for (let i = 0; i < size && hosts.length < platformAgencies; i++) hosts.push(`www.platform${rank}.gov.cn`);
  }
  // The long tail: own sites, every third one shared by two agencies (a county and its office).
  let own = 0;
  while (hosts.length < agencies) {
    hosts.push(`www.own${own}.gov.cn`);
    if (own % 3 === 0 && hosts.length < agencies) hosts.push(`www.own${own}.gov.cn`);
    own++;
  }
  return hosts;
}

/** Agencies per host, largest first. */
export function hostSizes(hosts: readonly string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const host of hosts) sizes.set(host, (sizes.get(host) ?? 0) + 1);
  return new Map([...sizes].sort((a, b) => b[1] - a[1]));
}

const LEVELS = ['county-department', 'township', 'city-department', 'county-government'] as const;

/** registry.yaml text for `agencies` agencies on syntheticHosts(agencies), ~250 bytes each. */
export function syntheticRegistryYaml(agencies: number): string {
  const hosts = syntheticHosts(agencies);
  const parts: string[] = [
    'respectRobots: true\ncontact: ops@example.org\nrecipients:\n  - email: watch@example.org\n    region: 河南省\nagencies:\n',
  ];
  for (let i = 0; i < agencies; i++) {
    const host = hosts[i] as string;
    parts.push(
      `  - id: agency-${i}\n    name: 第${i}号机关办公室\n    level: ${LEVELS[i % LEVELS.length]}\n    region: 河南省/市${i % 17}/县${i % 157}\n    listUrls: ["https://${host}/xxgk/c${i}/nb/"]\n`,
    );
  }
  return parts.join('');
}
