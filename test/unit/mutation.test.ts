// Mutation tests: in a consistent report, changing any one numeric cell of tables 三 and 四 (+1, and −1
// where the value is ≥ 1) must be caught by an arith.* error that names that very cell (row and column).
import { describe, expect, it } from 'vitest';
import {
  cloneValues,
  type GeneratedValues,
  generateReport,
  renderHtml,
  renderText,
  reportFromValues,
} from '../../shared/report/generate.ts';
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
import { parseHtml, parseText } from '../../shared/report/parse.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { SEED_FILES, seedText } from '../support/seeds.ts';

interface Target {
  row: string;
  column: string;
  /** Reads and writes the cell in the values (generated) or the model (seeds). */
  get: () => number;
  set: (value: number) => void;
}

function names(finding: Finding, target: Target): boolean {
  const locations = [finding.location, ...(finding.cells ?? [])];
  return locations.some((location) => location?.row === target.row && location?.column === target.column);
}

function caught(findings: Finding[], target: Target): boolean {
  return findings.some(
    (finding) => finding.rule.startsWith('arith.') && finding.severity === 'error' && names(finding, target),
  );
}

function valueTargets(values: GeneratedValues): Target[] {
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

function modelTargets(report: AnnualReport): Target[] {
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

interface Tally {
  mutants: number;
  caught: number;
  missed: string[];
}

/** Applies every single-cell mutation, runs `check` on each, restores the cell. */
function mutateAll(targets: Target[], check: (target: Target) => boolean, label: string, tally: Tally): void {
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

function assertAllCaught(name: string, tally: Tally): void {
  const rate = tally.mutants === 0 ? 0 : (100 * tally.caught) / tally.mutants;
  console.log(`[mutation] ${name}: ${tally.caught}/${tally.mutants} mutants caught (${rate.toFixed(2)}%)`);
  expect(tally.missed.slice(0, 10)).toEqual([]);
  expect(tally.caught).toBe(tally.mutants);
  expect(tally.mutants).toBeGreaterThan(0);
}

const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];

describe('mutation: every cell of tables 三 and 四 is guarded by an arith rule that names it', () => {
  it('generated reports, mutated in the model (validator alone)', () => {
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    for (const seed of SEEDS) {
      const generated = generateReport(seed);
      const values = cloneValues(generated.values);
      const spec = { agency: generated.agency, year: generated.year, values };
      expect(validateReport(reportFromValues(spec)).filter((f) => f.rule.startsWith('arith.'))).toEqual([]);
      mutateAll(
        valueTargets(values),
        (target) => caught(validateReport(reportFromValues(spec)), target),
        `seed ${seed}`,
        tally,
      );
    }
    assertAllCaught('generated, model', tally);
  });

  it('generated reports, mutated in the rendered text (parser + validator)', () => {
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    for (const seed of SEEDS.slice(0, 6)) {
      const generated = generateReport(seed, { maxReceived: 20 });
      const values = cloneValues(generated.values);
      const spec = { agency: generated.agency, year: generated.year, values };
      expect(validateReport(parseText(renderText(spec))).filter((f) => f.rule.startsWith('arith.'))).toEqual([]);
      mutateAll(
        valueTargets(values),
        (target) => caught(validateReport(parseText(renderText(spec))), target),
        `seed ${seed} text`,
        tally,
      );
    }
    assertAllCaught('generated, text', tally);
  });

  it('generated reports, mutated in the rendered HTML (parser + validator)', () => {
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    for (const seed of SEEDS.slice(6, 9)) {
      const generated = generateReport(seed, { maxReceived: 20 });
      const values = cloneValues(generated.values);
      const spec = { agency: generated.agency, year: generated.year, values };
      mutateAll(
        valueTargets(values),
        (target) => caught(validateReport(parseHtml(renderHtml(spec))), target),
        `seed ${seed} html`,
        tally,
      );
    }
    assertAllCaught('generated, HTML', tally);
  });

  it('the five seeds, mutated in the parsed model', () => {
    expect(SEED_FILES.length).toBe(5);
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    for (const file of SEED_FILES) {
      const parsed = parseText(seedText(file));
      expect(validateReport(parsed).filter((f) => f.rule.startsWith('arith.') && f.severity === 'error')).toEqual([]);
      mutateAll(modelTargets(parsed), (target) => caught(validateReport(parsed), target), file, tally);
    }
    // 5 seeds × (25 × 7 + 15) cells, some with a −1 mutant too.
    expect(tally.mutants).toBeGreaterThanOrEqual(5 * 190);
    assertAllCaught('seeds, model', tally);
  });
});
