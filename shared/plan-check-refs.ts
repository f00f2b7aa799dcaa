import type { AgencyRegister } from './agencies/register';
import { text } from './i18n';
import type { Text } from './i18n';
import { list, pathByCode, record } from './plan-check-paths';
import { problem } from './plan-check-schema';
import type { PlanProblem } from './plan-check-schema';

/**
 * The checks of a plan file that go across its parts — years, reporting periods, codes and
 * what refers to them, agencies — made on whatever parts are readable, so that they are
 * reported in the same round as the schema's problems rather than after them.
 */

type Segments = readonly PropertyKey[];

const isYear = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1990 && v <= 2100;

export function yearProblems(raw: unknown): PlanProblem[] {
  const plan = record(raw);
  const { startYear, endYear } = plan ?? {};
  if (!isYear(startYear) || !isYear(endYear)) return [];
  if (endYear < startYear) return [problem('years-reversed', 'endYear', { startYear, endYear })];
  const out: PlanProblem[] = [];
  list(plan?.indicators).forEach((indicator, i) => {
    for (const year of Object.keys(record(record(indicator)?.targets) ?? {})) {
      if (!/^\d{4}$/.test(year)) continue;
      const y = Number(year);
      if (y < startYear || y > endYear) out.push(problem('target-year-outside', pathByCode(raw, ['indicators', i, 'targets', year]), { year, startYear, endYear }));
    }
  });
  return out;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDayOfYear(day: string): boolean {
  const [month = 0, date = 0] = day.split('-').map(Number);
  return month >= 1 && month <= 12 && date >= 1 && date <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Reporting periods: each kind once, and every MM-DD a real day (the schema checks only its shape). */
export function periodProblems(raw: unknown): PlanProblem[] {
  const periods = list(record(record(raw)?.reporting)?.periods);
  const out: PlanProblem[] = [];
  const seen = new Set<string>();
  periods.forEach((period, i) => {
    const p = record(period);
    const at = (...rest: Segments) => pathByCode(raw, ['reporting', 'periods', i, ...rest]);
    if (typeof p?.kind === 'string') {
      if (seen.has(p.kind)) out.push(problem('period-repeated', at('kind'), { kind: p.kind }));
      seen.add(p.kind);
    }
    const cutoff = record(p?.cutoff);
    const days: Array<[unknown, Segments]> = [[cutoff?.from, ['cutoff', 'from']], [cutoff?.to, ['cutoff', 'to']], [p?.deadline, ['deadline']]];
    for (const [day, where] of days) {
      if (typeof day === 'string' && /^\d{2}-\d{2}$/.test(day) && !isDayOfYear(day)) out.push(problem('period-bad-day', at(...where), { day }));
    }
  });
  return out;
}

const LIST_NAMES: Readonly<Record<string, Text>> = {
  indicators: text('chỉ tiêu', 'indicators'),
  documents: text('văn bản', 'documents'),
  projects: text('dự án', 'projects'),
  projectGroups: text('nhóm dự án', 'project groups'),
  tasks: text('nhiệm vụ', 'tasks'),
  rules: text('quy tắc', 'rules'),
};

/** The codes of one list of the plan (rules: their ids). */
function codesOf(raw: unknown, name: string): string[] {
  const field = name === 'rules' ? 'id' : 'code';
  return list(record(raw)?.[name]).flatMap((row) => {
    const code = record(row)?.[field];
    return typeof code === 'string' ? [code] : [];
  });
}

/** A code as the template's cell names see it: Excel names ignore case, and "." and "-" become "_". */
function nameKey(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** A code used twice in one list, and references to codes that are not there (parents, groups, rules). */
export function codeProblems(raw: unknown): PlanProblem[] {
  const plan = record(raw);
  const out: PlanProblem[] = [];
  for (const [name, what] of Object.entries(LIST_NAMES)) {
    const field = name === 'rules' ? 'id' : 'code';
    const seen = new Set<string>();
    const folded = new Map<string, string>();
    list(plan?.[name]).forEach((row, i) => {
      const code = record(row)?.[field];
      if (typeof code !== 'string') return;
      if (seen.has(code)) out.push(problem('code-repeated', pathByCode(raw, [name, i, field]), { code, what }));
      else if (folded.has(nameKey(code))) out.push(problem('code-clash', pathByCode(raw, [name, i, field]), { code, other: folded.get(nameKey(code)) ?? '', what }));
      seen.add(code);
      folded.set(nameKey(code), code);
    });
  }
  const indicators = new Set(codesOf(raw, 'indicators'));
  list(plan?.indicators).forEach((row, i) => {
    const parent = record(row)?.parent;
    if (typeof parent === 'string' && !indicators.has(parent)) out.push(problem('parent-unknown', pathByCode(raw, ['indicators', i, 'parent']), { parent }));
  });
  const groups = new Set(codesOf(raw, 'projectGroups'));
  list(plan?.projects).forEach((row, i) => {
    const group = record(row)?.group;
    if (typeof group === 'string' && !groups.has(group)) out.push(problem('group-unknown', pathByCode(raw, ['projects', i, 'group']), { group }));
  });
  out.push(...ruleProblems(raw, indicators, new Set([...codesOf(raw, 'projects'), ...groups])));
  return out;
}

function ruleProblems(raw: unknown, indicators: ReadonlySet<string>, projects: ReadonlySet<string>): PlanProblem[] {
  const out: PlanProblem[] = [];
  list(record(raw)?.rules).forEach((row, i) => {
    const rule = record(row);
    const id = typeof rule?.id === 'string' ? rule.id : `#${i + 1}`;
    const refs = (field: string): Array<[string, Segments]> => {
      const value = rule?.[field];
      if (typeof value === 'string') return [[value, [field]]];
      return list(value).flatMap((v, j): Array<[string, Segments]> => (typeof v === 'string' ? [[v, [field, j]]] : []));
    };
    const check = (fields: readonly string[], known: ReadonlySet<string>, code: 'rule-unknown-indicator' | 'rule-unknown-project') => {
      for (const [ref, where] of fields.flatMap(refs)) if (!known.has(ref)) out.push(problem(code, pathByCode(raw, ['rules', i, ...where]), { rule: id, code: ref }));
    };
    if (rule?.kind === 'indicatorSum') check(['target', 'terms'], indicators, 'rule-unknown-indicator');
    if (rule?.kind === 'indicatorNotAbove') check(['part', 'whole'], indicators, 'rule-unknown-indicator');
    if (rule?.kind === 'projectRollup') check(['group', 'members'], projects, 'rule-unknown-project');
  });
  return out;
}

/** Every place a plan names an agency, with its path segments. */
function agencyPlaces(raw: unknown): Array<{ id: string; at: Segments }> {
  const plan = record(raw);
  const out: Array<{ id: string; at: Segments }> = [];
  const one = (value: unknown, at: Segments) => {
    if (typeof value === 'string') out.push({ id: value, at });
  };
  const many = (value: unknown, at: Segments) => list(value).forEach((v, j) => one(v, [...at, j]));
  one(record(plan?.reporting)?.standingAgency, ['reporting', 'standingAgency']);
  list(plan?.indicators).forEach((row, i) => {
    const r = record(row);
    one(r?.lead, ['indicators', i, 'lead']);
    many(r?.coordinators, ['indicators', i, 'coordinators']);
    list(r?.leadHistory).forEach((h, j) => one(record(h)?.agencyId, ['indicators', i, 'leadHistory', j, 'agencyId']));
    many(record(r?.aggregation)?.contributors, ['indicators', i, 'aggregation', 'contributors']);
  });
  for (const name of ['documents', 'tasks', 'projects'] as const) {
    list(plan?.[name]).forEach((row, i) => {
      const r = record(row);
      if (name === 'documents') one(r?.issuer, [name, i, 'issuer']);
      one(r?.lead, [name, i, 'lead']);
      many(r?.coordinators, [name, i, 'coordinators']);
    });
  }
  return out;
}

/**
 * Every agency the plan names must be in the register (a typo in an id is a problem, not a
 * silent orphan); a name written where its id belongs is answered with the id. An agency that
 * did not exist at any time of the plan period is a warning (the 2025 reorganisation).
 */
export function agencyProblems(raw: unknown, register: AgencyRegister): PlanProblem[] {
  const plan = record(raw);
  const city = typeof plan?.city === 'string' ? plan.city : undefined;
  const { startYear, endYear } = plan ?? {};
  const out: PlanProblem[] = [];
  for (const { id, at } of agencyPlaces(raw)) {
    const path = pathByCode(raw, at);
    const agency = register.get(id);
    if (!agency) {
      const named = /^[a-z0-9][a-z0-9-]*$/.test(id) ? null : register.resolveNames(id, city);
      const suggestion = named?.ids.length === 1 && named.unresolved.length === 0 ? named.ids[0] : undefined;
      out.push(suggestion === undefined ? problem('agency-unknown', path, { agencyId: id }) : problem('agency-unknown', path, { agencyId: id, suggestion }, 'named'));
      continue;
    }
    if (!isYear(startYear) || !isYear(endYear)) continue;
    const endedBefore = agency.validTo !== undefined && agency.validTo < `${startYear}-01-01`;
    const startedAfter = agency.validFrom !== undefined && agency.validFrom > `${endYear}-12-31`;
    if (!endedBefore && !startedAfter) continue;
    const validity = endedBefore
      ? text(`đến ${agency.validTo ?? ''}`, `until ${agency.validTo ?? ''}`)
      : text(`từ ${agency.validFrom ?? ''}`, `from ${agency.validFrom ?? ''}`);
    out.push(problem('agency-outside-period', path, { agencyId: id, startYear, endYear, validity }));
  }
  return out;
}
