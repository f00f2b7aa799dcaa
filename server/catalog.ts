import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { CompiledPlan } from '../shared/compile';
import type { AgencyRegister } from '../shared/agencies/register';
import { checkPlanText } from '../shared/plan-check';
import type { PlanProblem } from '../shared/plan-check';
import { projectRoot } from './paths';

/**
 * Loads every plan file of a folder. A new plan is a new JSON file here: no code change.
 * Each file passes the one check of a plan (shared/plan-check.ts, as POST /api/plans does):
 * a file with a problem of severity error — the schema, its years and periods, its codes, an
 * unknown agency, a stored target that disagrees with its text, a target the engine cannot read
 * that is not marked `judgedByHand` — is refused with every problem and its path by code; the
 * others still load. Two files of one plan id: the higher revision is in force.
 */
export const DEFAULT_PLANS_DIR = path.join(projectRoot(), 'shared', 'plans');

export interface CatalogProblem {
  file: string;
  issues: PlanProblem[];
}

export interface LoadedCatalog {
  plans: Map<string, CompiledPlan>;
  problems: CatalogProblem[];
}

export function loadCatalog(dir: string, register: AgencyRegister): LoadedCatalog {
  const plans = new Map<string, CompiledPlan>();
  const problems: CatalogProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .sort();
  for (const file of files) {
    const checked = checkPlanText(readFileSync(path.join(dir, file), 'utf8'), { register, existingRevision: (id) => plans.get(id)?.plan.revision });
    if (!checked.compiled) {
      problems.push({ file, issues: checked.problems.filter((p) => p.severity === 'error') });
      continue;
    }
    plans.set(checked.compiled.plan.id, checked.compiled);
  }
  return { plans, problems };
}
