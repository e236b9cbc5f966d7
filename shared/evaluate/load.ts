/** The evaluation of one year from the store (this year's and last year's assessments). */
import { loadAssessments } from '../export/load.ts';
import type { Agency } from '../registry/agency.ts';
import type { ObjectStore } from '../storage/port.ts';
import { buildEvaluation, type Evaluation } from './model.ts';

/** Reads state/{year}/ and state/{year-1}/ for every registry agency and builds the evaluation. */
export async function evaluateFromStore(
  store: ObjectStore,
  agencies: readonly Agency[],
  year: number,
  now: Date,
): Promise<Evaluation> {
  const [assessments, previous] = await Promise.all([
    loadAssessments(store, agencies, year),
    loadAssessments(store, agencies, year - 1),
  ]);
  return buildEvaluation({ year, agencies, assessments, previous, now });
}
