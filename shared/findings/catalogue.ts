/**
 * Every finding id the product can emit, described: the validator's and the cross-year rules
 * (rules/catalogue.ts), the fetch findings (fetch/fetch-rules.ts) and the assessment's own
 * (compliance/assess.ts). The site's rules.html renders this set; a test runs the demo and the real
 * reports and asserts every id they emit is here.
 */
import { COMPLIANCE_RULE_INFO } from '../compliance/assess.ts';
import { FETCH_RULE_CATALOGUE } from '../fetch/fetch-rules.ts';
import { RULE_CATALOGUE } from '../rules/catalogue.ts';
import type { RuleInfo } from '../rules/rule-info.ts';

export const FINDING_CATALOGUE: readonly RuleInfo[] = [
  ...RULE_CATALOGUE,
  ...FETCH_RULE_CATALOGUE,
  ...COMPLIANCE_RULE_INFO,
];

const byId = new Map(FINDING_CATALOGUE.map((info) => [info.id, info]));

/** The description of a finding id, if any. */
export function findingInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
