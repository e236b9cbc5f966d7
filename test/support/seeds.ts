/**
 * The five real reports (extracted text) in demo/seeds, and the balance every table 三 must
 * keep, for the tests that run them through the parsers and the validator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type AnnualReport, APPLICANT_COLUMNS } from '../../shared/report/model.ts';

export const SEEDS_DIR = fileURLToPath(new URL('../../demo/seeds/', import.meta.url));

/** The seed file names ('000_….txt' …), sorted. */
export const SEED_FILES: readonly string[] = readdirSync(SEEDS_DIR)
  .filter((file) => file.endsWith('.txt'))
  .sort();

/** Each seed's prefix, the agency its report names and the report year: what the parser must read. */
export const SEED_IDENTITIES = [
  ['000', '卢氏县乡村振兴局', 2023],
  ['001', '卢氏县工业和信息化和科技局', 2023],
  ['002', '卢氏县人民政府', 2024],
  ['003', '隆德县山河乡', 2023],
  ['004', '卢氏县国防动员办公室', 2023],
] as const;

/** The text of the seed whose file name starts with `prefix` ('000' … '004'). */
export function seedText(prefix: string): string {
  const file = SEED_FILES.find((name) => name.startsWith(prefix));
  if (!file) throw new Error(`seed ${prefix} not found in ${SEEDS_DIR}`);
  return readFileSync(join(SEEDS_DIR, file), 'utf8');
}

/** Asserts 收到 + 上年结转 = 办理结果总计 + 结转下年 in every applicant column of table 三. */
export function expectApplicationColumnsBalance(table: AnnualReport['applications']): void {
  for (const column of APPLICANT_COLUMNS) {
    const value = (row: 'received' | 'carriedIn' | 'outcomeTotal' | 'carriedOver') =>
      table?.[row]?.[column]?.value as number;
    expect(value('received') + value('carriedIn'), column).toBe(value('outcomeTotal') + value('carriedOver'));
  }
}
