import type { AgencyRegister } from './agencies/register';
import type { CompiledPlan } from './compile';
import type { Indicator } from './schema/plan';
import { periodEndDate, periodWindow } from './periods';
import type { Period } from './periods';

/**
 * Who reports what in a period. The lead agency on the period's cut-off date reports the
 * citywide value; contributors (districts, later communes) report their area's figure for
 * sum and weighted-mean indicators. Reorganisations are followed through the register, so
 * Sở LĐTBXH's indicators land with Sở Nội vụ or Sở Y tế after 1 March 2025 by field.
 */
export type Role = 'lead' | 'contributor';

export interface AssignedRow {
  code: string;
  role: Role;
}

export interface Assignment {
  indicators: AssignedRow[];
  /** The same rows by code, for lookups per entry. */
  roles: ReadonlyMap<string, Role>;
  documents: string[];
  projects: string[];
}

export function referenceDate(plan: CompiledPlan, period: Period): string {
  return periodWindow(plan.plan, period)?.to ?? periodEndDate(period);
}

export type LeadResolution =
  | { kind: 'agency'; id: string; original: string; via: string[] }
  | { kind: 'unassigned' }
  | { kind: 'unresolved'; original: string; candidates: string[]; reason: string };

/** The agency responsible for an indicator's citywide value on a date. */
export function responsibleLead(register: AgencyRegister, indicator: Pick<Indicator, 'lead' | 'field' | 'leadHistory'>, date: string): LeadResolution {
  const lead = leadOn(indicator, date);
  if (!lead) return { kind: 'unassigned' };
  const r = register.responsibleOn(lead, date, indicator.field);
  if (r.kind === 'agency') return { kind: 'agency', id: r.id, original: lead, via: r.via };
  return { kind: 'unresolved', original: lead, candidates: r.candidates, reason: r.reason };
}

/** The lead named for a date: the plan's, or the latest admin reassignment in force then. */
export function leadOn(indicator: Pick<Indicator, 'lead' | 'leadHistory'>, date: string): string | null {
  let lead = indicator.lead;
  let since = '';
  for (const change of indicator.leadHistory ?? []) {
    if (change.from <= date && change.from >= since) {
      lead = change.agencyId;
      since = change.from;
    }
  }
  return lead;
}

export function contributorsOf(register: AgencyRegister, indicator: Indicator, date: string): string[] {
  const agg = indicator.aggregation;
  if (agg.kind === 'lead') return [];
  const named = agg.contributors ?? indicator.coordinators;
  const out = new Set<string>();
  for (const id of named) for (const member of register.expand(id, date)) out.add(member);
  return [...out];
}

// Every agency of a province asks whether it contributes to the same indicators on the same
// date: the contributors are expanded once per (named agencies, date), not once per agency.
const CONTRIBUTORS = new WeakMap<AgencyRegister, Map<string, ReadonlySet<string>>>();

function contributorSet(register: AgencyRegister, indicator: Indicator, date: string): ReadonlySet<string> {
  const agg = indicator.aggregation;
  if (agg.kind === 'lead') return EMPTY;
  const key = `${(agg.contributors ?? indicator.coordinators).join(',')}|${date}`;
  let byKey = CONTRIBUTORS.get(register);
  if (!byKey) CONTRIBUTORS.set(register, (byKey = new Map<string, ReadonlySet<string>>()));
  let set = byKey.get(key);
  if (!set) {
    set = new Set(contributorsOf(register, indicator, date));
    if (byKey.size > 10_000) byKey.clear();
    byKey.set(key, set);
  }
  return set;
}
const EMPTY: ReadonlySet<string> = new Set();

// Registers and compiled plans are immutable, so an agency's rows for a date are computed once.
// By agency, then date: no key string is built per call (hashing a fresh one costs more than the lookup).
const MEMO = new WeakMap<AgencyRegister, WeakMap<CompiledPlan, { size: number; byAgency: Map<string, Map<string, Assignment>> }>>();

export function assignmentFor(plan: CompiledPlan, register: AgencyRegister, agencyId: string, period: Period): Assignment {
  const date = referenceDate(plan, period);
  let byPlan = MEMO.get(register);
  if (!byPlan) MEMO.set(register, (byPlan = new WeakMap()));
  let memo = byPlan.get(plan);
  if (!memo) byPlan.set(plan, (memo = { size: 0, byAgency: new Map() }));
  let byDate = memo.byAgency.get(agencyId);
  const cached = byDate?.get(date);
  if (cached) return cached;
  const computed = computeAssignment(plan, register, agencyId, date);
  if (memo.size > 10_000) {
    memo.byAgency.clear();
    memo.size = 0;
    byDate = undefined;
  }
  if (!byDate) memo.byAgency.set(agencyId, (byDate = new Map<string, Assignment>()));
  byDate.set(date, computed);
  memo.size++;
  return computed;
}

function computeAssignment(plan: CompiledPlan, register: AgencyRegister, agencyId: string, date: string): Assignment {
  const indicators: AssignedRow[] = [];
  for (const code of plan.order) {
    const indicator = plan.indicators.get(code);
    if (!indicator?.reportable || indicator.replacedBy) continue;
    const lead = responsibleLead(register, indicator, date);
    const isLead = lead.kind === 'agency' && lead.id === agencyId;
    if (isLead) indicators.push({ code, role: 'lead' });
    else if (contributorSet(register, indicator, date).has(agencyId)) indicators.push({ code, role: 'contributor' });
  }
  const leads = (id: string) => {
    const r = register.responsibleOn(id, date);
    return r.kind === 'agency' && r.id === agencyId;
  };
  const documents = plan.plan.documents.filter((d) => leads(d.lead)).map((d) => d.code);
  const projects = plan.plan.projects.filter((p) => p.lead && leads(p.lead)).map((p) => p.code);
  return { indicators, roles: new Map(indicators.map((r) => [r.code, r.role])), documents, projects };
}
