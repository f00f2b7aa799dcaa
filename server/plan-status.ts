import type { CompiledPlan } from '../shared/compile';
import type { PlanRetirement } from './storage/types';

/**
 * Which revision of each plan is in force, and which are retired. An admin retires a plan as a
 * whole (`revision: null`) or one revision of it; the latest record per plan and revision
 * counts (a restoration undoes a retirement). Retiring the revision in force puts the highest
 * revision still in force back; a plan whose every revision is retired, or retired as a whole,
 * keeps its highest one for reading (reports, history, consolidation) but takes no new reports.
 */
export interface PlanStatus {
  /** Every revision the catalog holds (shipped and added, retired ones included), lowest first. */
  revisions: readonly number[];
  /** The retirements in effect, by revision (null: the plan as a whole). */
  retired: ReadonlyMap<number | null, PlanRetirement>;
  /** Why the plan takes no new reports, or null while a revision is in force. */
  retirement: PlanRetirement | null;
}

/** The retirements in effect: the latest record per plan and revision, where it retires. */
export function retirementsInEffect(records: readonly PlanRetirement[]): Map<string, Map<number | null, PlanRetirement>> {
  const latest = new Map<string, Map<number | null, PlanRetirement>>();
  for (const record of records) {
    const plan = latest.get(record.planId) ?? new Map<number | null, PlanRetirement>();
    latest.set(record.planId, plan);
    if (record.retired) plan.set(record.revision, record);
    else plan.delete(record.revision);
  }
  return latest;
}

/** The revision in force of every plan, and every plan's status, from all compiled revisions. */
export function planStatuses(all: readonly CompiledPlan[], records: readonly PlanRetirement[]): { inForce: Map<string, CompiledPlan>; status: Map<string, PlanStatus> } {
  const byId = new Map<string, CompiledPlan[]>();
  for (const compiled of all) byId.set(compiled.plan.id, [...(byId.get(compiled.plan.id) ?? []), compiled]);
  const effective = retirementsInEffect(records);
  const inForce = new Map<string, CompiledPlan>();
  const status = new Map<string, PlanStatus>();
  for (const [id, revisions] of byId) {
    const sorted = [...revisions].sort((a, b) => a.plan.revision - b.plan.revision);
    const retired = effective.get(id) ?? new Map<number | null, PlanRetirement>();
    const open = sorted.filter((c) => !retired.has(c.plan.revision));
    const chosen = open.at(-1) ?? sorted.at(-1);
    if (!chosen) continue;
    inForce.set(id, chosen);
    const whole = retired.get(null) ?? null;
    const retirement = whole ?? (open.length === 0 ? (retired.get(chosen.plan.revision) ?? null) : null);
    status.set(id, { revisions: sorted.map((c) => c.plan.revision), retired, retirement });
  }
  return { inForce, status };
}
