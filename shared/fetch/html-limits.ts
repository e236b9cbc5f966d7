/**
 * Limits for HTML we build a DOM of. A list or article page comes from a site nobody controls: 50,000
 * nested `<div>` make every recursive DOM walk (cheerio's `.text()`, css-select) overflow the stack,
 * and a 50 MB page of links costs gigabytes as a DOM. `htmlShape` measures nesting depth and size with
 * one linear scan of the tags, before any DOM is built, so the caller can take a DOM-free path instead.
 */

/** Pages larger than this (UTF-16 code units) are not turned into a DOM. Real list pages are < 1 MB. */
export const MAX_DOM_CHARS = 3_000_000;
/** Deeper element nesting than this is not turned into a DOM (real pages stay under ~60). */
export const MAX_DOM_DEPTH = 400;

/** Elements that never have content (no closing tag in HTML). */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

export interface HtmlShape {
  chars: number;
  /** Deepest nesting seen, counted up to just past MAX_DOM_DEPTH (the scan stops there). */
  depth: number;
  tooBig: boolean;
  tooDeep: boolean;
  /** True when a DOM of this page is safe to build and walk. */
  domSafe: boolean;
}

/**
 * One pass over the tags (script/style bodies skipped); stops as soon as the depth limit is passed.
 * Close tags pop one level (unbalanced markup only makes the estimate lower, never unbounded).
 */
export function htmlShape(html: string, limits: { maxChars?: number; maxDepth?: number } = {}): HtmlShape {
  const maxChars = limits.maxChars ?? MAX_DOM_CHARS;
  const maxDepth = limits.maxDepth ?? MAX_DOM_DEPTH;
  const tooBig = html.length > maxChars;
  let depth = 0;
  let deepest = 0;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]{0,4000}>/g; // bounded: no quadratic rescans
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const name = (match[2] as string).toLowerCase();
    if (match[1]) {
      if (!VOID.has(name) && depth > 0) depth--;
      continue;
    }
    if (VOID.has(name) || match[0].endsWith('/>')) continue;
    if (name === 'script' || name === 'style') {
      // Jump to the closing tag (a forward search: the whole scan stays linear).
      const closer = name === 'script' ? /<\/script/gi : /<\/style/gi;
      closer.lastIndex = tag.lastIndex;
      if (!closer.exec(html)) break;
      tag.lastIndex = closer.lastIndex;
      continue;
    }
    depth++;
    if (depth > deepest) deepest = depth;
    if (deepest > maxDepth) break;
  }
  const tooDeep = deepest > maxDepth;
  return { chars: html.length, depth: deepest, tooBig, tooDeep, domSafe: !tooBig && !tooDeep };
}
