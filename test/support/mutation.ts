/**
 * Single-cell mutation helpers: a consistent report with one numeric cell of tables 三/四 changed (+1, and
 * −1 where the value is ≥ 1) must get an arith.* error naming that very cell (row and column).
 */
import { expect } from 'vitest';
import type { GeneratedValues } from '../../shared/report/generate.ts';
import {
  type AnnualReport,
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
  APPLICATION_ROW_LABELS,
  APPLICATION_ROWS_2021,
  type ApplicationRowId,
  type Cell,
  REVIEW_COLUMN_LABELS,
  REVIEW_COLUMNS,
  REVIEW_GROUP_LABELS,
  REVIEW_GROUPS,
} from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';

export interface Target {
  row: string;
  column: string;
  /** Reads and writes the cell in the values (generated) or the model (seeds). */
  get: () => number;
  set: (value: number) => void;
}

export function names(finding: Finding, target: Target): boolean {
  const locations = [finding.location, ...(finding.cells ?? [])];
  return locations.some((location) => location?.row === target.row && location?.column === target.column);
}

export function caught(findings: Finding[], target: Target): boolean {
  return findings.some(
    (finding) => finding.rule.startsWith('arith.') && finding.severity === 'error' && names(finding, target),
  );
}

export function valueTargets(values: GeneratedValues): Target[] {
  const targets: Target[] = [];
  for (const row of APPLICATION_ROWS_2021) {
    for (const column of APPLICANT_COLUMNS) {
      targets.push({
        row: APPLICATION_ROW_LABELS[row],
        column: APPLICANT_COLUMN_LABELS[column],
        get: () => values.applications[row][column],
        set: (value) => {
          values.applications[row][column] = value;
        },
      });
    }
  }
  for (const group of REVIEW_GROUPS) {
    for (const column of REVIEW_COLUMNS) {
      targets.push({
        row: REVIEW_GROUP_LABELS[group],
        column: REVIEW_COLUMN_LABELS[column],
        get: () => values.reviews[group][column],
        set: (value) => {
          values.reviews[group][column] = value;
        },
      });
    }
  }
  return targets;
}

export function modelTargets(report: AnnualReport): Target[] {
  const targets: Target[] = [];
  const numeric = (cell: Cell | undefined): cell is Cell & { value: number } => typeof cell?.value === 'number';
  for (const [row, cells] of Object.entries(report.applications ?? {})) {
    for (const column of APPLICANT_COLUMNS) {
      const cell = cells?.[column];
      if (!numeric(cell)) continue;
      targets.push({
        row: APPLICATION_ROW_LABELS[row as ApplicationRowId],
        column: APPLICANT_COLUMN_LABELS[column],
        get: () => cell.value as number,
        set: (value) => {
          cell.value = value;
        },
      });
    }
  }
  for (const group of REVIEW_GROUPS) {
    for (const column of REVIEW_COLUMNS) {
      const cell = report.reviews?.[group]?.[column];
      if (!numeric(cell)) continue;
      targets.push({
        row: REVIEW_GROUP_LABELS[group],
        column: REVIEW_COLUMN_LABELS[column],
        get: () => cell.value as number,
        set: (value) => {
          cell.value = value;
        },
      });
    }
  }
  return targets;
}

export interface Tally {
  mutants: number;
  caught: number;
  missed: string[];
}

/** Applies every single-cell mutation, runs `check` on each, restores the cell. */
export function mutateAll(targets: Target[], check: (target: Target) => boolean, label: string, tally: Tally): void {
  for (const target of targets) {
    const original = target.get();
    const deltas = original >= 1 ? [1, -1] : [1];
    for (const delta of deltas) {
      target.set(original + delta);
      tally.mutants++;
      if (check(target)) tally.caught++;
      else tally.missed.push(`${label}: ${target.row} × ${target.column} ${delta > 0 ? '+1' : '−1'}`);
      target.set(original);
    }
  }
}

export function assertAllCaught(name: string, tally: Tally): void {
  const rate = tally.mutants === 0 ? 0 : (100 * tally.caught) / tally.mutants;
  console.log(`[mutation] ${name}: ${tally.caught}/${tally.mutants} mutants caught (${rate.toFixed(2)}%)`);
  expect(tally.missed.slice(0, 10)).toEqual([]);
  expect(tally.caught).toBe(tally.mutants);
  expect(tally.mutants).toBeGreaterThan(0);
}
