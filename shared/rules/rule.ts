import type { AnnualReport } from '../report/model.ts';
import type { Finding } from './finding.ts';
import type { ValidationContext } from './validate.ts';

/** One rule family's check: pure, reads the model (and the context), returns findings. */
export type Rule = (report: AnnualReport, context: ValidationContext) => Finding[];

/** Two numbers are equal for a relation when they differ by less than float noise. */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}
