import type { CompiledPlan } from './compile';
import { toleranceAmount } from './evaluate';
import type { Costs, Rule, Severity } from './schema/plan';
import { formatNumberEn, formatNumberVi, roundFloat } from './numbers';
import { text } from './i18n';
import type { Text } from './i18n';

/**
 * Investment-project roll-ups (appendix 3): a group row is the sum of its members and
 * every row's total is carried-over + new. Checked on the plan's own figures, so a typo
 * in a source table shows up as a finding rather than a silently wrong subtotal.
 */
export interface RollupViolation {
  rule: string;
  severity: Severity;
  row: string;
  field: keyof Costs;
  stated: number;
  computed: number;
  message: Text;
}

export function costsOf(plan: CompiledPlan, code: string): Costs | null {
  return plan.projects.get(code)?.costs ?? plan.projectGroups.get(code)?.costs ?? null;
}

export function checkProjectRules(plan: CompiledPlan, rules: readonly Rule[] = plan.plan.rules): RollupViolation[] {
  const out: RollupViolation[] = [];
  for (const rule of rules) {
    if (rule.kind === 'projectRollup') {
      const stated = costsOf(plan, rule.group);
      if (!stated) continue;
      for (const field of rule.fields) {
        const computed = roundFloat(rule.members.reduce((sum, m) => sum + (costsOf(plan, m)?.[field] ?? 0), 0));
        if (Math.abs(stated[field] - computed) > toleranceAmount(rule.tolerance, stated[field]) + 1e-9) {
          out.push({
            rule: rule.id,
            severity: rule.severity,
            row: rule.group,
            field,
            stated: stated[field],
            computed,
            message: text(
              `${rule.group} (${FIELD_VI[field]}): ghi ${formatNumberVi(stated[field])} nhưng tổng các dòng thành phần là ${formatNumberVi(computed)}`,
              `${rule.group} (${FIELD_EN[field]}): states ${formatNumberEn(stated[field])} but its members add up to ${formatNumberEn(computed)}`,
            ),
          });
        }
      }
    }
    if (rule.kind === 'costSplit') {
      const rows: Array<[string, Costs]> = [
        ...plan.plan.projectGroups.map((g): [string, Costs] => [g.code, g.costs]),
        ...plan.plan.projects.map((p): [string, Costs] => [p.code, p.costs]),
      ];
      for (const [code, c] of rows) {
        const computed = roundFloat(c.carriedOver + c.new);
        if (Math.abs(c.total - computed) > toleranceAmount(rule.tolerance, c.total) + 1e-9) {
          out.push({
            rule: rule.id,
            severity: rule.severity,
            row: code,
            field: 'total',
            stated: c.total,
            computed,
            message: text(
              `${code}: tổng ${formatNumberVi(c.total)} khác chuyển tiếp + mới = ${formatNumberVi(computed)}`,
              `${code}: total ${formatNumberEn(c.total)} differs from carried-over + new = ${formatNumberEn(computed)}`,
            ),
          });
        }
      }
    }
  }
  return out;
}

const FIELD_VI: Record<keyof Costs, string> = { total: 'tổng kinh phí', carriedOver: 'chuyển tiếp', new: 'dự án mới' };
const FIELD_EN: Record<keyof Costs, string> = { total: 'total', carriedOver: 'carried over', new: 'new' };
