// CONTRACT STUB (owned by the validator work): signatures are fixed, bodies to be written.
import type { AgencyLevel } from '../registry/agency.ts';
import type { AnnualReport } from '../report/model.ts';
import type { ReportInput } from '../report/parse.ts';
import type { Finding } from './finding.ts';

export interface ValidationContext {
  /** Agency level from the registry, when known (plausibility checks depend on it). */
  level?: AgencyLevel;
  /** The same agency's report for the year before, when stored (carry-over check). */
  previousYear?: AnnualReport | null;
}

/** Runs every rule; findings sorted by severity, then section. Pure. */
export function validateReport(_report: AnnualReport, _context: ValidationContext = {}): Finding[] {
  throw new Error('validateReport: not implemented yet');
}

/** parseReport + validateReport. */
export async function analyseReport(
  _input: ReportInput,
  _context: ValidationContext = {},
): Promise<{ report: AnnualReport; findings: Finding[] }> {
  throw new Error('analyseReport: not implemented yet');
}
