import type { z } from 'zod';
import { Indicator as IndicatorSchema, Plan as PlanSchema } from './schema/plan';
import type { Indicator, IndicatorFile, Plan, PlanDocument, PlanFile, Project, ProjectGroup, Rule, YearTarget } from './schema/plan';
import type { TargetExpression } from './schema/target';
import { parseTarget, targetContextOf } from './targets/parse';
import type { TargetContext } from './targets/parse';

/**
 * A plan made ready for fast repeated use: validated once, every target phrase parsed
 * once, lookups indexed. Validation and consolidation work on this, so the cost of
 * reading "Dưới 3% (theo chuẩn mới)" is paid per plan, not per value.
 */
export interface CompiledPlan {
  plan: Plan;
  indicators: ReadonlyMap<string, Indicator>;
  /** Indicator codes in plan order. */
  order: readonly string[];
  children: ReadonlyMap<string, readonly string[]>;
  documents: ReadonlyMap<string, PlanDocument>;
  projects: ReadonlyMap<string, Project>;
  projectGroups: ReadonlyMap<string, ProjectGroup>;
  rulesByIndicator: ReadonlyMap<string, readonly Rule[]>;
  /**
   * Problems with the plan file itself, each refusing it: a stored target that its text does
   * not say, a target the engine cannot read that is not marked as judged by hand.
   */
  issues: readonly PlanIssue[];
}

/**
 * The indicator `code` of a compiled plan, for codes taken from the plan itself (its order, an
 * assignment, a row already matched): a missing one is a bug here, so it throws instead of
 * passing undefined on. Codes from a report are looked up with `plan.indicators.get`.
 */
export function indicatorOf(plan: CompiledPlan, code: string): Indicator {
  const indicator = plan.indicators.get(code);
  if (!indicator) throw new Error(`Plan ${plan.plan.id} has no indicator ${code}`);
  return indicator;
}

/** The document `code` of a compiled plan, for codes taken from the plan itself (an assignment); throws like indicatorOf. */
export function documentOf(plan: CompiledPlan, code: string): PlanDocument {
  const document = plan.documents.get(code);
  if (!document) throw new Error(`Plan ${plan.plan.id} has no document ${code}`);
  return document;
}

export interface PlanIssue {
  path: string;
  message: string;
}

export type CompileResult = { ok: true; compiled: CompiledPlan } | { ok: false; issues: PlanIssue[] };

/**
 * Reads every target a plan author wrote only as a phrase, with the one parser, once per
 * plan load. (Done here rather than in the schema, so the schema does not import the parser.)
 */
export function fillTargets(indicator: IndicatorFile): Indicator {
  const context = targetContextOf(indicator);
  const targets: Record<string, YearTarget> = {};
  for (const [year, t] of Object.entries(indicator.targets)) {
    targets[year] = { ...t, target: t.target ?? parseTarget(t.text, context) };
  }
  return { ...indicator, targets };
}

function fillPlanTargets(plan: PlanFile): Plan {
  return { ...plan, indicators: plan.indicators.map(fillTargets) };
}

/** The schema's verdict on a plan file, with the targets filled in when it is valid. */
export function safeParsePlan(input: unknown): { success: true; data: Plan } | { success: false; error: z.ZodError } {
  const parsed = PlanSchema.safeParse(input);
  return parsed.success ? { success: true, data: fillPlanTargets(parsed.data) } : { success: false, error: parsed.error };
}

/** Validates a plan file (throwing the schema's error) and fills in its targets. */
export function parsePlan(input: unknown): Plan {
  return fillPlanTargets(PlanSchema.parse(input));
}

/** Validates one indicator (throwing the schema's error) and fills in its targets. */
export function parseIndicator(input: unknown): Indicator {
  return fillTargets(IndicatorSchema.parse(input));
}

/** Validates a plan file and compiles it; every problem is returned with its path. */
export function tryCompilePlan(input: unknown): CompileResult {
  const parsed = safeParsePlan(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    };
  }
  return { ok: true, compiled: compileParsed(parsed.data) };
}

export function compilePlan(input: unknown): CompiledPlan {
  const result = tryCompilePlan(input);
  if (!result.ok) {
    const summary = result.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(`Invalid plan file: ${summary}`);
  }
  return result.compiled;
}

export function targetContext(indicator: Indicator): TargetContext {
  return targetContextOf(indicator);
}

function compileParsed(plan: Plan): CompiledPlan {
  const indicators = new Map(plan.indicators.map((i) => [i.code, i]));
  const children = new Map<string, string[]>();
  for (const indicator of plan.indicators) {
    if (indicator.parent) children.set(indicator.parent, [...(children.get(indicator.parent) ?? []), indicator.code]);
  }
  const rulesByIndicator = new Map<string, Rule[]>();
  for (const rule of plan.rules) {
    const codes = rule.kind === 'indicatorSum' ? [rule.target, ...rule.terms] : rule.kind === 'indicatorNotAbove' ? [rule.part, rule.whole] : [];
    for (const code of codes) rulesByIndicator.set(code, [...(rulesByIndicator.get(code) ?? []), rule]);
  }
  const issues: PlanIssue[] = [];
  for (const indicator of plan.indicators) {
    const context = targetContext(indicator);
    for (const [year, target] of Object.entries(indicator.targets)) {
      const path = targetPath(indicator.code, year);
      const reparsed = parseTarget(target.text, context);
      if (!sameExpression(reparsed, target.target)) {
        issues.push({
          path: `${path}.target`,
          message: `stored target does not match its text "${target.text}" (the text reads as ${JSON.stringify(reparsed)})`,
        });
      }
      issues.push(...handJudgementIssues(target, path));
    }
  }
  return {
    plan,
    indicators,
    order: plan.indicators.map((i) => i.code),
    children,
    documents: new Map(plan.documents.map((d) => [d.code, d])),
    projects: new Map(plan.projects.map((p) => [p.code, p])),
    projectGroups: new Map(plan.projectGroups.map((g) => [g.code, g])),
    rulesByIndicator,
    issues,
  };
}

/** Where a target is, by indicator code and year (an array index would not say which row). */
function targetPath(code: string, year: string): string {
  return `indicators[code=${code}].targets.${year}`;
}

/**
 * A target the engine cannot read cannot be judged by it: the plan is refused unless the
 * target is marked `judgedByHand` (the consolidator then judges it per period). A readable
 * target is judged by the engine only, so marking it is refused too: one verdict, one way.
 */
function handJudgementIssues(target: YearTarget, path: string): PlanIssue[] {
  if (target.target.kind === 'unparsed' && !target.judgedByHand) {
    return [
      {
        path,
        message:
          `target "${target.text}" is not understood (${target.target.reason}): write it in the target language, ` +
          'or mark it "judgedByHand": true so that the consolidator judges it',
      },
    ];
  }
  if (target.target.kind !== 'unparsed' && target.judgedByHand) {
    return [{ path: `${path}.judgedByHand`, message: `target "${target.text}" is read by the engine (${target.target.kind}): "judgedByHand" is only for targets it cannot read` }];
  }
  return [];
}

export function sameExpression(a: TargetExpression, b: TargetExpression): boolean {
  // An unread phrase is the same whatever the reader says about it: its reason and where it
  // stopped explain, and change as the target language grows (stored plans must still load).
  if (a.kind === 'unparsed' && b.kind === 'unparsed') return a.text === b.text;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
