/**
 * The retry policy: which failures are transient (5xx/429 statuses, resets, timeouts) and how long to
 * wait before the next attempt (full jitter on an exponential ceiling, Retry-After honoured up to a cap).
 */
import { NetworkError, TimeoutError } from '../errors.ts';

/** Statuses retried with backoff (then thrown as HttpStatusError). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504, 520, 522, 523, 524]);

const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Attempt n waits random() × min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured. */
  retryAfterCapMs: number;
}

/** Milliseconds to wait before attempt `attempt + 1`; `nowMs` dates an HTTP-date Retry-After. */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | undefined,
  nowMs: number,
  random: () => number,
): number {
  const jitter = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (!retryAfter) return jitter;
  let wanted: number | undefined;
  if (/^\s*\d+\s*$/.test(retryAfter)) wanted = Number(retryAfter) * 1000;
  else {
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) wanted = at - nowMs;
  }
  return wanted === undefined ? jitter : Math.max(jitter, Math.min(Math.max(0, wanted), policy.retryAfterCapMs));
}

/** Whether a thrown failure is worth another attempt (timeouts, resets, refused connections …). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (error instanceof NetworkError) return error.code !== null && RETRY_CODES.has(error.code);
  return false;
}
