/** What a rule says about itself (the catalogue, rules.html, the evaluation's defect titles). */
import type { Severity } from './finding.ts';

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Short Chinese title, e.g. "申请人各列之和与总计不符". */
  title: string;
  /** What the rule checks, in Chinese. */
  description: string;
  /** A worked example, in Chinese. */
  example: string;
}
