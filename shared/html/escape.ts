/** HTML escaping shared by everything that writes HTML from untrusted text (the email digest, the site). */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for an HTML text node or a quoted attribute value: & < > " ' become entities;
 * null and undefined become ''.
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * A URL fit for an href: http, https and relative references only (plus file: for local links we build
 * ourselves when `allowFile`). Anything else (javascript:, data:, vbscript:, …) gives undefined.
 * The result still needs escapeHtml inside the attribute.
 */
export function safeHref(url: string | undefined, options: { allowFile?: boolean } = {}): string | undefined {
  if (!url) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore these inside schemes, so must we
  const trimmed = url.trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (trimmed === '') return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // Relative: refuse protocol-relative '//host' (it leaves the site) and backslash tricks.
    return trimmed.startsWith('//') || trimmed.includes('\\') ? undefined : trimmed;
  }
  if (scheme === 'http' || scheme === 'https' || (scheme === 'file' && options.allowFile)) {
    try {
      return new URL(trimmed).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
