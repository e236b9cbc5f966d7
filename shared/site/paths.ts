/** Where each page lives inside site/ (one place, so links and writes agree). */
import { createHash } from 'node:crypto';
import { safeSegment } from './html.ts';

export function agencyPagePath(agencyId: string): string {
  return `agency/${safeSegment(agencyId)}.html`;
}

export function reportPagePath(year: number, agencyId: string, sha256: string): string {
  const name = /^[0-9a-f]{64}$/.test(sha256) ? sha256 : safeSegment(sha256);
  return `report/${Math.trunc(year)}/${safeSegment(agencyId)}/${name}.html`;
}

/** The overview of one report year (index.html leads to the newest). */
export function overviewPath(year: number): string {
  return `year-${Math.trunc(year)}.html`;
}

/** The printable evaluation of one report year. */
export function evaluationPath(year: number): string {
  return `evaluation-${Math.trunc(year)}.html`;
}

/**
 * The read-only viewer of an archived HTML original (site/archive/{year}/{agency}/{sha256}.html). An
 * agency's HTML opened straight from the store (file://, no server headers) would run its scripts; the
 * site and the digest link HTML originals here instead, where they render in a sandboxed iframe.
 */
export function archiveViewerPath(year: number, agencyId: string, sha256: string): string {
  const name = /^[0-9a-f]{64}$/.test(sha256) ? sha256 : safeSegment(sha256);
  return `archive/${Math.trunc(year)}/${safeSegment(agencyId)}/${name}.html`;
}

/** Archived originals a browser would render as a live page (and run): shown through the viewer. */
export function isLiveHtmlExt(ext: string): boolean {
  return /^(x?html?|shtml|xht|svg|mht(ml)?)$/i.test(ext);
}

/**
 * Region depth of the agency listings: one listing per county-level region (province / city / county);
 * an agency deeper down (a township) is listed with its county, one higher up (a provincial or city
 * department) in its province's or city's own listing.
 */
export const LISTING_DEPTH = 3;

/** The region whose listing shows an agency of `region`. */
export function listingRegion(region: readonly string[]): string[] {
  return region.slice(0, LISTING_DEPTH);
}

/** A region name as a file name part: Han characters, letters, digits and brackets are kept. */
const SLUG_SEGMENT = /^[\p{Script=Han}\p{L}\p{N}（）()·]{1,24}$/u;

/**
 * A readable file name for a region path, "河南省-三门峡市-卢氏县" (the office downloads these files, so
 * the name says where they are from). A name with other characters is cleaned and the path's hash added,
 * so two regions never share a name and no name can leave its folder; `-`, `~` and `_` never appear in a
 * kept name, so the suffixes below cannot collide with another region's.
 */
export function regionSlug(region: readonly string[]): string {
  if (region.length === 0) return '_未登记地区';
  const clean = region.every((segment) => SLUG_SEGMENT.test(segment));
  const slug = region
    .map((segment) => segment.replace(/[^\p{Script=Han}\p{L}\p{N}（）()·]/gu, '').slice(0, 24) || '_')
    .join('-');
  if (clean) return slug;
  const hash = createHash('sha256').update(JSON.stringify(region)).digest('hex').slice(0, 10);
  return `${slug}_${hash}`;
}

/** The agency listing of a region (site/region/…); a listing too long for one page has parts 2, 3, … */
export function regionListPath(region: readonly string[], part = 1): string {
  return `region/${regionSlug(region)}${part > 1 ? `~${Math.trunc(part)}` : ''}.html`;
}

/** The status workbook of one listing (part) and year, linked from its page. */
export function regionWorkbookPath(region: readonly string[], year: number, part = 1): string {
  return `region/${regionSlug(region)}${part > 1 ? `~${Math.trunc(part)}` : ''}-${Math.trunc(year)}年度.xlsx`;
}

/** The agency list (site root): the index of every listing by region. */
export const AGENCY_INDEX_PATH = 'agencies.html';

/**
 * A value for a link's #hash: letters (Han included), digits and the region separator as they are (a
 * browser encodes them on the way; the pages read them back with URLSearchParams), anything else escaped.
 */
export function hashValue(value: string | number): string {
  return String(value).replace(/[^\p{L}\p{N}/·（）()_.~-]/gu, (c) => encodeURIComponent(c));
}

/**
 * Where a region's agencies are listed, from the site root: a county-level region's own listing, or the
 * agency index narrowed to a province or city (its counties' listings and its own agencies'), with an
 * optional year and status filter. Not percent-encoded (for an e-mail, encodeURI it).
 */
export function regionListingHref(region: readonly string[], filters: { year?: number; status?: string } = {}): string {
  const hash = Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${hashValue(value as string | number)}`);
  if (region.length >= LISTING_DEPTH) {
    return `${regionListPath(listingRegion(region))}${hash.length ? `#${hash.join('&')}` : ''}`;
  }
  const all = region.length ? [`region=${hashValue(region.join('/'))}`, ...hash] : hash;
  return `${AGENCY_INDEX_PATH}${all.length ? `#${all.join('&')}` : ''}`;
}
