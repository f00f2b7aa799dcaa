import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { tryCompilePlan } from '../shared/compile';
import type { CompiledPlan, PlanIssue } from '../shared/compile';
import type { AgencyRegister } from '../shared/agencies/register';
import { projectRoot } from './paths';

/**
 * Loads every plan file of a folder. A new plan is a new JSON file here: no code change.
 * A file that fails the schema, whose stored targets disagree with their text, or with a
 * target the engine cannot read that is not marked `judgedByHand`, is refused with every
 * problem and its path; the others still load.
 */
export const DEFAULT_PLANS_DIR = path.join(projectRoot(), 'shared', 'plans');

export interface CatalogProblem {
  file: string;
  issues: PlanIssue[];
}

export interface LoadedCatalog {
  plans: Map<string, CompiledPlan>;
  problems: CatalogProblem[];
}

export function loadCatalog(dir: string = DEFAULT_PLANS_DIR, register?: AgencyRegister): LoadedCatalog {
  const plans = new Map<string, CompiledPlan>();
  const problems: CatalogProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .sort();
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      problems.push({ file, issues: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }] });
      continue;
    }
    const result = tryCompilePlan(json);
    if (!result.ok) {
      problems.push({ file, issues: result.issues });
      continue;
    }
    if (result.compiled.issues.length > 0) {
      problems.push({ file, issues: [...result.compiled.issues] });
      continue;
    }
    const unknownAgencies = register ? agencyProblems(result.compiled, register) : [];
    if (unknownAgencies.length > 0) {
      problems.push({ file, issues: unknownAgencies });
      continue;
    }
    const id = result.compiled.plan.id;
    if (plans.has(id)) {
      problems.push({ file, issues: [{ path: 'id', message: `plan id ${id} is already used by another file` }] });
      continue;
    }
    plans.set(id, result.compiled);
  }
  return { plans, problems };
}

/** Every agency a plan names must exist in the register: a typo in an id is a problem, not a silent orphan. */
export function agencyProblems(plan: CompiledPlan, register: AgencyRegister): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const check = (id: string | null | undefined, where: string) => {
    if (id && !register.has(id)) issues.push({ path: where, message: `unknown agency id "${id}"` });
  };
  check(plan.plan.reporting.standingAgency, 'reporting.standingAgency');
  plan.plan.indicators.forEach((indicator, i) => {
    check(indicator.lead, `indicators.${i}.lead`);
    indicator.coordinators.forEach((c, j) => check(c, `indicators.${i}.coordinators.${j}`));
  });
  plan.plan.documents.forEach((d, i) => {
    check(d.issuer, `documents.${i}.issuer`);
    check(d.lead, `documents.${i}.lead`);
    d.coordinators.forEach((c, j) => check(c, `documents.${i}.coordinators.${j}`));
  });
  plan.plan.projects.forEach((p, i) => check(p.lead, `projects.${i}.lead`));
  plan.plan.tasks.forEach((t, i) => {
    check(t.lead, `tasks.${i}.lead`);
    t.coordinators.forEach((c, j) => check(c, `tasks.${i}.coordinators.${j}`));
  });
  return issues;
}
