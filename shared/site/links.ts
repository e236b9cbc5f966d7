/**
 * Where the digest's and the exports' links point: our pages, the archived copy, the agency's own page.
 * Built from the site's own path functions, so a link names exactly the page the site writes. Pure.
 */
import type { Assessment } from '../compliance/status.ts';
import { parseRawKey } from '../storage/keys.ts';
import { agencyPagePath, archiveViewerPath, isLiveHtmlExt, reportPagePath } from './paths.ts';

/** Where the digest's links point. Bases have no trailing slash. */
export interface LinkOptions {
  /** Base of the results site (pages at agency/{id}.html and report/{year}/{id}/{sha256}.html). */
  siteBase?: string;
  /** Base under which store keys are reachable (archived snapshots are at their raw/ keys). */
  archiveBase?: string;
}

/**
 * Link bases from one base URL: the store root, with the site under its `site/` prefix (the local
 * folder as file:// URL, or a URL that serves the bucket's keys).
 */
export function linksFromBase(base: string): LinkOptions {
  const root = base.replace(/\/+$/, '');
  return { archiveBase: root, siteBase: `${root}/site` };
}

export interface DigestLinks {
  /** The agency's own page where the report was found (report-derived: check the scheme before use). */
  source?: string;
  snapshot?: string;
  results?: string;
  agency?: string;
}

/** The links of one assessment: the source page, the archived copy, our report page and agency page. */
export function buildLinks(assessment: Assessment, options: LinkOptions | undefined): DigestLinks {
  const links: DigestLinks = {};
  const source = assessment.pageUrl ?? assessment.sourceUrl;
  if (source) links.source = source;
  const raw = parseRawKey(assessment.rawKey ?? '');
  if (raw && isLiveHtmlExt(raw.ext)) {
    // An archived HTML page opened from the store would run its scripts: link the site's sandboxed viewer.
    if (options?.siteBase) {
      links.snapshot = `${options.siteBase}/${encodeKey(archiveViewerPath(raw.year, raw.agencyId, raw.sha256))}`;
    }
  } else if (options?.archiveBase && assessment.rawKey) {
    links.snapshot = `${options.archiveBase}/${encodeKey(assessment.rawKey)}`;
  }
  if (options?.siteBase) {
    // The site's own path functions, so the email links exactly the pages it writes.
    links.agency = `${options.siteBase}/${encodeKey(agencyPagePath(assessment.agencyId))}`;
    if (assessment.sha256) {
      links.results = `${options.siteBase}/${encodeKey(reportPagePath(assessment.year, assessment.agencyId, assessment.sha256))}`;
    }
  }
  return links;
}

export function agencyLinks(agencyId: string, options: LinkOptions | undefined): DigestLinks {
  return options?.siteBase ? { agency: `${options.siteBase}/${encodeKey(agencyPagePath(agencyId))}` } : {};
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
