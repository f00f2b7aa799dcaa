import type { CompiledPlan } from '../../shared/compile';
import { parsePeriod } from '../../shared/periods';
import type { Period } from '../../shared/periods';
import { checkPeriod } from '../../shared/validate';
import type { CatalogService, CatalogSnapshot } from '../catalog-service';
import { apiError, errors } from '../errors';
import type { ReportKey } from '../storage/types';

/** What a path names — a plan, a period of it, an agency, an indicator — or the error for what is not there. */
export class Lookups {
  constructor(private readonly catalog: CatalogService) {}

  /** The catalog as it is now (replaced whole after every admin change). */
  get snapshot(): CatalogSnapshot {
    return this.catalog.snapshot;
  }

  plan(planId: string): CompiledPlan {
    const plan = this.snapshot.plans.get(planId);
    if (!plan) throw errors.planNotFound(planId);
    return plan;
  }

  /** A retired plan takes no new reports nor templates (409 plan-retired); its reports stay readable. */
  refuseRetired(plan: CompiledPlan): void {
    const retirement = this.snapshot.status.get(plan.plan.id)?.retirement;
    if (retirement) throw apiError('plan-retired', { params: { planId: plan.plan.id, reason: retirement.reason } });
  }

  agency(agencyId: string) {
    const agency = this.snapshot.register.get(agencyId);
    if (!agency) throw errors.agencyNotFound(agencyId);
    return agency;
  }

  indicator(plan: CompiledPlan, code: string) {
    const indicator = plan.indicators.get(code);
    if (!indicator) throw errors.indicatorNotFound(code);
    return indicator;
  }

  /**
   * The engine's own period check, with the same words as a validation report: 400 bad-period
   * for an id that is not a period, 422 unknown-period for a period the plan does not define
   * (details list its periods).
   */
  period(plan: CompiledPlan, raw: unknown): string {
    const { period, findings } = checkPeriod(plan, raw);
    const error = findings.find((f) => f.severity === 'error');
    if (!period) throw apiError('bad-period', { ...(error ? { finding: error } : {}), details: { period: String(raw).slice(0, 40) } });
    if (error) throw apiError('unknown-period', { finding: error, details: error.details });
    return period.id;
  }

  /** The plan and period a path names (…/plans/{planId}/periods/{period}/…): plan (404), period (400/422). */
  planPeriod(params: Readonly<Record<string, string | undefined>>): { plan: CompiledPlan; period: string } {
    const plan = this.plan(params.planId ?? '');
    return { plan, period: this.period(plan, params.period) };
  }

  /** The report a path names: plan (404), period (400/422), agency (404). */
  reportKey(params: Readonly<Record<string, string | undefined>>): { key: ReportKey; plan: CompiledPlan } {
    const { plan, period } = this.planPeriod(params);
    const agencyId = params.agencyId ?? '';
    this.agency(agencyId);
    return { plan, key: { planId: plan.plan.id, period, agencyId } };
  }
}

/** The period of an id that Lookups.period (or reportKey) has already checked. */
export function checkedPeriod(id: string): Period {
  const period = parsePeriod(id);
  if (!period) throw new Error(`${id} is not a period id: check it with Lookups.period first`);
  return period;
}
