// Mutation tests: in a consistent report, changing any one numeric cell of tables 三 and 四 (+1, and −1
// where the value is ≥ 1) must be caught by an arith.* error that names that very cell (row and column).
import { describe, expect, it } from 'vitest';
import { cloneValues, generateReport, renderHtml, renderText, reportFromValues } from '../../shared/report/generate.ts';
import { parseHtml, parseText } from '../../shared/report/parse.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { assertAllCaught, caught, modelTargets, mutateAll, type Tally, valueTargets } from '../support/mutation.ts';
import { SEED_FILES, seedText } from '../support/seeds.ts';

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
