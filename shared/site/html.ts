/**
 * Escaping and small HTML helpers for the static site. Everything that came from a report, a web page or
 * the registry goes through one of these before it reaches a page.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../html/escape.ts';

export { escapeHtml };

/**
 * The URL when it is an absolute http(s) URL, else null: `javascript:`, `data:` and relative URLs taken
 * from a fetched page never become links.
 */
export function safeExternalUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A link to an external page when the URL is http(s); otherwise the URL shown as plain text. */
export function externalLink(url: string | null | undefined, text?: string): string {
  const safe = safeExternalUrl(url);
  const label = escapeHtml(text ?? url ?? '');
  if (!safe) return label ? `<span class="unsafe-url">${label}</span>` : '';
  return `<a href="${escapeHtml(safe)}" rel="noopener noreferrer nofollow" target="_blank">${label}</a>`;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the two JS line separators are
 * written as \u escapes, so report text like `</script>` cannot end the block.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The CSP source for an inline script, so only the scripts we wrote can run (defence in depth). */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/**
 * A file name segment for an id: ids that are already plain ASCII are kept (readable URLs); anything else
 * (slashes, dots at the start, non-ASCII) becomes `_` + hex so it can never escape its folder.
 */
export function safeSegment(id: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(id)) return id;
  return `_${Buffer.from(id, 'utf8').toString('hex').slice(0, 200)}`;
}

/** Encodes a relative path for an href, segment by segment. */
export function hrefPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

/** "../" repeated for a page `depth` folders below the site root. */
export function upPath(depth: number): string {
  return '../'.repeat(depth);
}
