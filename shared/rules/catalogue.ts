import { ARITH_RULE_INFO } from './arith.ts';
import { CARRYOVER_RULE_INFO } from './carryover.ts';
import { META_RULE_INFO } from './meta.ts';
import { NARRATIVE_RULE_INFO } from './narrative.ts';
import { PLAUSIBILITY_RULE_INFO } from './plausibility.ts';
import type { RuleInfo } from './rule-info.ts';
import { STRUCT_RULE_INFO } from './struct.ts';
import { TEMPLATE_RULE_INFO } from './template.ts';
import { VALIDATOR_RULE_INFO } from './validate.ts';
import { YOY_RULE_INFO } from './yoy.ts';

export type { RuleInfo };

/**
 * Every rule the validator runs (and the cross-year rules the assessment re-runs), each described
 * beside its check in its own module. The full set with fetch and compliance findings is
 * findings/catalogue.ts.
 */
export const RULE_CATALOGUE: RuleInfo[] = [
  ...STRUCT_RULE_INFO,
  ...VALIDATOR_RULE_INFO,
  ...TEMPLATE_RULE_INFO,
  ...ARITH_RULE_INFO,
  ...CARRYOVER_RULE_INFO,
  ...NARRATIVE_RULE_INFO,
  ...PLAUSIBILITY_RULE_INFO,
  ...META_RULE_INFO,
  ...YOY_RULE_INFO,
];

/** The catalogue entry of a rule id, if any. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return RULE_CATALOGUE.find((rule) => rule.id === id);
}
