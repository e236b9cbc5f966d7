/**
 * A minimal cookie jar, one per host name: enough to replay the session cookies that gateways and
 * anti-bot front ends set. Domain and Path attributes are not scoped further (we only talk to one
 * site per host); Expires/Max-Age are honoured.
 */

interface StoredCookie {
  value: string;
  /** Epoch ms, or null for a session cookie. */
  expires: number | null;
}

export class CookieJar {
  readonly #byHost = new Map<string, Map<string, StoredCookie>>();

  /** Records the Set-Cookie headers of a response from `hostname` at time `now` (epoch ms). */
  store(hostname: string, setCookie: readonly string[], now: number): void {
    for (const header of setCookie) {
      const [pair, ...attributes] = header.split(';');
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expires: number | null = null;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey?.trim().toLowerCase();
        const attrValue = rest.join('=').trim();
        if (key === 'max-age' && /^-?\d+$/.test(attrValue)) {
          expires = now + Number(attrValue) * 1000; // Max-Age wins over Expires
          break;
        }
        if (key === 'expires') {
          const parsed = Date.parse(attrValue);
          if (!Number.isNaN(parsed)) expires = parsed;
        }
      }
      const jar = this.#jar(hostname);
      if (expires !== null && expires <= now) jar.delete(name);
      else jar.set(name, { value, expires });
    }
  }

  /** The Cookie header value for a request to `hostname`, or undefined when there is none. */
  header(hostname: string, now: number): string | undefined {
    const jar = this.#byHost.get(hostname.toLowerCase());
    if (!jar) return undefined;
    const parts: string[] = [];
    for (const [name, cookie] of jar) {
      if (cookie.expires !== null && cookie.expires <= now) {
        jar.delete(name);
        continue;
      }
      parts.push(`${name}=${cookie.value}`);
    }
    return parts.length > 0 ? parts.join('; ') : undefined;
  }

  #jar(hostname: string): Map<string, StoredCookie> {
    const key = hostname.toLowerCase();
    let jar = this.#byHost.get(key);
    if (!jar) {
      jar = new Map();
      this.#byHost.set(key, jar);
    }
    return jar;
  }
}
