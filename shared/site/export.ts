/**
 * The export rows (shared/export/) of each agency-year with links to the site: for the site's workbooks
 * (one per region listing and year, shared/site/listings.ts), links relative to the site root (report
 * pages inside site/, archived originals one level up; listings.ts rebases them for region/); for
 * `nianbao export`, absolute links from the link bases (exportInputsOf).
 */
import type { Assessment } from '../compliance/status.ts';
import type { AgencyExportInput, ExportLinks } from '../export/rows.ts';
import type { Agency } from '../registry/agency.ts';
import type { Finding } from '../rules/finding.ts';
import type { SiteAgency } from './collect.ts';
import { buildLinks, type LinkOptions } from './links.ts';
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

/** Export inputs of every registry agency for `year`, in registry order, with the digest's links. */
export function exportInputsOf(
  agencies: readonly Agency[],
  year: number,
  assessments: Map<string, Assessment>,
  links?: LinkOptions,
): AgencyExportInput[] {
  return agencies.map((agency) => {
    const assessment = assessments.get(agency.id) ?? null;
    const digestLinks = assessment ? buildLinks(assessment, links) : {};
    return {
      agency: { id: agency.id, name: agency.name, level: agency.level, region: agency.region },
      year,
      assessment,
      links: {
        ...(digestLinks.source ? { source: digestLinks.source } : {}),
        ...(digestLinks.snapshot ? { snapshot: digestLinks.snapshot } : {}),
        ...(digestLinks.results || digestLinks.agency ? { results: digestLinks.results ?? digestLinks.agency } : {}),
      },
    };
  });
}
