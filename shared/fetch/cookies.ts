/**
 * The run's cookie jar, on `tough-cookie` (RFC 6265: Domain, Path, Secure, public suffixes refused).
 * Gateways and anti-bot front ends set session cookies, often for the parent domain
 * (`Domain=example.gov.cn` from www.), which must be replayed to the sibling hosts (xxgk.) too.
 *
 * Expiry runs on our clock, not tough-cookie's: its lookups compare against Date.now() and count
 * Max-Age from the last access, so Max-Age is turned into an absolute Expires when a cookie is stored
 * and lookups filter by the `now` they are given.
 */
import { Cookie, CookieJar as ToughJar } from 'tough-cookie';

export class CookieJar {
  readonly #jar = new ToughJar();

  /** Records the Set-Cookie headers of a response from `url` at time `now` (epoch ms). */
  store(url: string, setCookie: readonly string[], now: number): void {
    const at = new Date(now);
    for (const header of setCookie) {
      const cookie = Cookie.parse(header);
      if (!cookie) continue;
      if (typeof cookie.maxAge === 'number') {
        cookie.expires = new Date(cookie.maxAge <= 0 ? 0 : now + cookie.maxAge * 1000); // Max-Age wins over Expires
        cookie.maxAge = null;
      }
      // A refused cookie (public suffix, another site's domain) is dropped, as a browser would.
      this.#jar.setCookieSync(cookie, url, { now: at, ignoreError: true });
    }
  }

  /** The Cookie header value for a request to `url`, or undefined when there is none. */
  header(url: string, now: number): string | undefined {
    const live = this.#jar
      .getCookiesSync(url, { expire: false, sort: true })
      .filter((cookie) => !(cookie.expires instanceof Date) || cookie.expires.getTime() > now);
    return live.length > 0 ? live.map((cookie) => cookie.cookieString()).join('; ') : undefined;
  }
}
