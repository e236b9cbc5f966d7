/**
 * What the site's workbooks (one per region listing and year, shared/site/listings.ts) are made of: the
 * shared export rows (shared/export/) of each agency-year. Links are relative to the site root: report
 * pages inside site/, archived originals one level up (listings.ts rebases them for region/).
 */
import type { Assessment } from '../compliance/status.ts';
import type { AgencyExportInput, ExportLinks } from '../export/rows.ts';
import type { Finding } from '../rules/finding.ts';
import type { SiteAgency } from './collect.ts';
import { agencyPagePath, reportPagePath } from './paths.ts';

/** Site-relative links of one agency-year. */
export function siteExportLinks(
  agency: Pick<SiteAgency, 'id'>,
  year: number,
  assessment: Assessment | null,
  currentSha: string | undefined,
): ExportLinks {
  const links: ExportLinks = {
    results: currentSha ? reportPagePath(year, agency.id, currentSha) : agencyPagePath(agency.id),
  };
  const source = assessment?.pageUrl ?? assessment?.sourceUrl;
  if (source) links.source = source;
  if (assessment?.rawKey) links.snapshot = `../${assessment.rawKey}`;
  return links;
}

/** The export input of one agency-year as the site knows it. */
export function siteExportInput(
  agency: SiteAgency,
  year: number,
  assessment: Assessment | null,
  findings: Finding[],
  currentSha: string | undefined,
): AgencyExportInput {
  return {
    agency: { id: agency.id, name: agency.name, level: agency.level, region: agency.region },
    year,
    assessment,
    findings,
    links: siteExportLinks(agency, year, assessment, currentSha),
  };
}
