/**
 * What a GET through the polite client returns. Its own file, below the client and its errors: the
 * errors of a status or a challenge carry the response they saw.
 */

export interface FetchedResponse {
  /** Final URL, after redirects. */
  url: string;
  status: number;
  /** Response headers with lower-case names; repeated headers joined with ', ' (set-cookie with '\n'). */
  headers: Record<string, string>;
  /** The body as served (after undoing Content-Encoding); empty for 304. */
  body: Uint8Array;
  /** ISO time the response finished. */
  fetchedAt: string;
  notModified: boolean;
  /** URLs that redirected, in order (the final URL is not included). */
  redirects: string[];
  /** Network attempts for the final hop (1 = no retry). */
  attempts: number;
  /** The IP address the final hop connected to. */
  address: string;
  /** What robots.txt says about the final URL, and whether it was obeyed. */
  robots: { allowed: boolean; rule: string | null; respected: boolean };
}
