import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRegister } from '../shared/agencies/register';
import type { AgencyRegister } from '../shared/agencies/register';
import { tryCompilePlan } from '../shared/compile';
import type { CompiledPlan } from '../shared/compile';
import { checkPlan } from '../shared/plan-check';
import type { PlanCheck } from '../shared/plan-check';
import { AgencyRegisterFile } from '../shared/schema/agency';
import type { Agency } from '../shared/schema/agency';
import { DEFAULT_PLANS_DIR, loadCatalog } from './catalog';
import { projectRoot } from './paths';
import { planStatuses } from './plan-status';
import type { PlanStatus } from './plan-status';
import type { LeadChange, Store } from './storage/types';

/**
 * The plans and agencies the server works with: the shipped catalog and register, plus
 * what an admin added (plans, communes and other agencies, lead reassignments), which the
 * store keeps. Rebuilt after every admin change; readers always see a consistent pair.
 */
export const DEFAULT_AGENCIES_DIR = path.join(projectRoot(), 'shared', 'agencies');

export interface CatalogSnapshot {
  /** Each plan's revision in force (the highest one not retired; the highest one when all are). */
  plans: ReadonlyMap<string, CompiledPlan>;
  register: AgencyRegister;
  /** Each plan's revisions and retirements (server/plan-status.ts). */
  status: ReadonlyMap<string, PlanStatus>;
}

export class CatalogService {
  private current: CatalogSnapshot;

  private constructor(
    private readonly store: Store,
    private readonly plansDir: string,
    private readonly agenciesDir: string,
    snapshot: CatalogSnapshot,
  ) {
    this.current = snapshot;
  }

  static async open(store: Store, plansDir = DEFAULT_PLANS_DIR, agenciesDir = DEFAULT_AGENCIES_DIR): Promise<CatalogService> {
    const snapshot = await build(store, plansDir, agenciesDir);
    return new CatalogService(store, plansDir, agenciesDir, snapshot);
  }

  get snapshot(): CatalogSnapshot {
    return this.current;
  }

  async reload(): Promise<void> {
    this.current = await build(this.store, this.plansDir, this.agenciesDir);
  }

  /**
   * The one check of a plan file (shared/plan-check.ts) against this register and the
   * revisions the catalog holds: what POST /api/plans/check answers and POST /api/plans obeys.
   */
  check(planFile: unknown): PlanCheck {
    const status = this.current.status;
    return checkPlan(planFile, { register: this.current.register, existingRevision: (id) => status.get(id)?.revisions.at(-1) });
  }
}

function loadRegisterFiles(dir: string): { city: string; agencies: Agency[] } {
  const agencies: Agency[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = AgencyRegisterFile.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    agencies.push(...parsed.agencies);
  }
  return { city: 'all', agencies };
}

async function build(store: Store, plansDir: string, agenciesDir: string): Promise<CatalogSnapshot> {
  const base = loadRegisterFiles(agenciesDir);
  const register = createRegister(base, await store.listAgencies());
  const shipped = loadCatalog(plansDir, register);
  if (shipped.problems.length > 0) {
    throw new Error(`The shipped catalog has problems: ${JSON.stringify(shipped.problems).slice(0, 2000)}`);
  }
  const changes = await store.listLeadChanges();
  const all: CompiledPlan[] = [];
  const compile = (file: unknown) => {
    const result = tryCompilePlan(withLeadChanges(file, changes));
    // Stored plans were checked when added; a later schema or loader change is reported at start-up.
    const issues = result.ok ? result.compiled.issues : result.issues;
    if (!result.ok || issues.length > 0) throw new Error(`A stored plan no longer validates: ${JSON.stringify(issues).slice(0, 2000)}`);
    return result.compiled;
  };
  // A shipped plan is compiled again only when an admin moved one of its leads.
  for (const compiled of shipped.plans.values()) all.push(changes.some((c) => c.planId === compiled.plan.id) ? compile(compiled.plan) : compiled);
  for (const file of await store.listPlanFiles()) all.push(compile(file));
  const { inForce, status } = planStatuses(all, await store.listPlanRetirements());
  return { plans: inForce, register, status };
}

function withLeadChanges(file: unknown, changes: readonly LeadChange[]): unknown {
  if (!file || typeof file !== 'object') return file;
  const plan = file as { id?: string; indicators?: Array<{ code: string; leadHistory?: Array<{ agencyId: string; from: string }> }> };
  const mine = changes.filter((c) => c.planId === plan.id);
  if (mine.length === 0 || !Array.isArray(plan.indicators)) return file;
  return {
    ...plan,
    indicators: plan.indicators.map((indicator) => {
      const extra = mine.filter((c) => c.indicator === indicator.code).map((c) => ({ agencyId: c.agencyId, from: c.from }));
      return extra.length === 0 ? indicator : { ...indicator, leadHistory: [...(indicator.leadHistory ?? []), ...extra] };
    }),
  };
}
