/**
 * The guarded resolver: DNS answers cached briefly (dozens of agencies share one county platform) and
 * every answer checked by the address guard before we connect. Verdicts are cached per scheme+host for
 * as long as the DNS answer; a refusal is cached too, so a blocked host is not re-resolved.
 */
import {
  AddressRefusedError,
  type AllowList,
  type GuardedTarget,
  type ResolvedAddress,
  type Resolver,
  resolveGuarded,
} from '../address-guard.ts';
import { BlockedAddressError, NetworkError } from '../errors.ts';

export interface GuardedResolverOptions {
  allow: AllowList;
  resolver: Resolver;
  /** How long DNS answers and verdicts are reused (0 disables). */
  cacheMs: number;
  now: () => number;
  /** Called for each refused address (the client counts refusals). */
  onRefused: () => void;
}

/** Returns `guard(url)`: the checked address to connect to, or a BlockedAddressError / NetworkError. */
export function createGuardedResolver(options: GuardedResolverOptions): (url: URL) => Promise<GuardedTarget> {
  const { allow, cacheMs, now } = options;
  const dnsCache = new Map<string, { answers: Promise<ResolvedAddress[]>; expires: number }>();
  // Every cached answer is still checked by the guard on each use, so caching cannot let a refused
  // address through.
  const resolver: Resolver = (hostname) => {
    const cached = dnsCache.get(hostname);
    if (cached && cached.expires > now()) return cached.answers;
    const answers = options.resolver(hostname);
    dnsCache.set(hostname, { answers, expires: now() + cacheMs });
    answers.catch(() => dnsCache.delete(hostname));
    return answers;
  };

  // The check costs more than the request on loopback, hence the verdict cache.
  const verdicts = new Map<string, { target: Promise<GuardedTarget>; expires: number }>();
  function checkedTarget(url: URL): Promise<GuardedTarget> {
    if (cacheMs <= 0 || url.username || url.password) return resolveGuarded(url, allow, resolver);
    const key = `${url.protocol}//${url.hostname}`;
    const cached = verdicts.get(key);
    if (cached && cached.expires > now()) return cached.target;
    const target = resolveGuarded(url, allow, resolver);
    verdicts.set(key, { target, expires: now() + cacheMs });
    target.catch((error) => {
      if (!(error instanceof AddressRefusedError)) verdicts.delete(key); // DNS trouble: ask again next time
    });
    return target;
  }

  return async function guard(url: URL): Promise<GuardedTarget> {
    try {
      return await checkedTarget(url);
    } catch (error) {
      if (error instanceof AddressRefusedError) {
        options.onRefused();
        throw new BlockedAddressError(url.href, error.reason, error.address);
      }
      throw new NetworkError(url.href, error, '域名解析失败');
    }
  };
}
