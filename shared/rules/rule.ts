import type { AgencyLevel } from '../registry/agency.ts';
import type { AnnualReport } from '../report/model.ts';
import type { Finding } from './finding.ts';

/** What a rule may know beside the report itself. */
export interface ValidationContext {
  /** Agency level from the registry, when known (plausibility checks depend on it). */
  level?: AgencyLevel;
  /** The same agency's report for the year before, when stored (carry-over check). */
  previousYear?: AnnualReport | null;
}

/** One rule family's check: pure, reads the model (and the context), returns findings. */
export type Rule = (report: AnnualReport, context: ValidationContext) => Finding[];

/** Two numbers are equal for a relation when they differ by less than float noise. */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}
