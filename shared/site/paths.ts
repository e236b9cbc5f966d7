/** Where each page lives inside site/ (one place, so links and writes agree). */
import { safeSegment } from './html.ts';

export function agencyPagePath(agencyId: string): string {
  return `agency/${safeSegment(agencyId)}.html`;
}

export function reportPagePath(year: number, agencyId: string, sha256: string): string {
  const name = /^[0-9a-f]{64}$/.test(sha256) ? sha256 : safeSegment(sha256);
  return `report/${Math.trunc(year)}/${safeSegment(agencyId)}/${name}.html`;
}

/** The overview of one report year; the newest year is also index.html. */
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
