import { z } from 'zod';
import type { Plan, PeriodKind } from './schema/plan';

/**
 * Reporting periods. Ids: "2023" (the year), "2023-3M", "2023-6M", "2023-9M" (cumulative
 * months of 2023). Cut-offs and deadlines come from the plan, never from constants.
 */
const PERIOD_PATTERN = /^\d{4}(-(3|6|9)M)?$/;

export const PeriodId = z
  .string()
  .regex(/^\d{4}(-(3|6|9)M)?$/, 'period ids are "2023", "2023-3M", "2023-6M" or "2023-9M"');

export interface Period {
  id: string;
  year: number;
  kind: PeriodKind;
  /** Months of the year the period covers: 3, 6, 9 or 12. */
  months: number;
}

export function parsePeriod(id: string): Period | null {
  if (typeof id !== 'string' || !PERIOD_PATTERN.test(id)) return null;
  const [yearText = '', monthsText] = id.split('-');
  const year = Number(yearText);
  if (!monthsText) return { id, year, kind: 'year', months: 12 };
  const months = Number(monthsText.slice(0, -1));
  return { id, year, kind: `${months}M` as PeriodKind, months };
}

export interface PeriodWindow {
  /** First day of the data window (YYYY-MM-DD), in the previous year under Decree 09/2019. */
  from: string;
  /** Last day of the data window. */
  to: string;
  /** Day the report is due. */
  deadline: string;
}

/** The plan's cut-off and deadline for a period, or null when the plan has no such period kind. */
export function periodWindow(plan: Pick<Plan, 'reporting'>, period: Period): PeriodWindow | null {
  // Plans are immutable once loaded: a window is computed once per plan and period.
  let byPeriod = WINDOWS.get(plan.reporting);
  if (!byPeriod) WINDOWS.set(plan.reporting, (byPeriod = new Map<string, PeriodWindow | null>()));
  const cached = byPeriod.get(period.id);
  if (cached !== undefined) return cached;
  const window = computeWindow(plan, period);
  byPeriod.set(period.id, window);
  return window;
}

const WINDOWS = new WeakMap<object, Map<string, PeriodWindow | null>>();

function computeWindow(plan: Pick<Plan, 'reporting'>, period: Period): PeriodWindow | null {
  const setting = plan.reporting.periods.find((p) => p.kind === period.kind);
  if (!setting) return null;
  const fromYear = setting.cutoff.from > setting.cutoff.to ? period.year - 1 : period.year;
  return {
    from: `${fromYear}-${setting.cutoff.from}`,
    to: `${period.year}-${setting.cutoff.to}`,
    deadline: `${period.year}-${setting.deadline}`,
  };
}

/** The period a change-versus-previous-year target compares against: the same period a year before. */
export function previousYearPeriod(period: Period): Period {
  const year = period.year - 1;
  return { ...period, year, id: period.kind === 'year' ? String(year) : `${year}-${period.kind}` };
}

/** The last day of a period's months, used when the plan does not define the period kind. */
export function periodEndDate(period: Period): string {
  const month = String(period.months).padStart(2, '0');
  const day = new Date(Date.UTC(period.year, period.months, 0)).getUTCDate();
  return `${period.year}-${month}-${String(day).padStart(2, '0')}`;
}

const MONTHS_OF_KIND: Record<PeriodKind, number> = { '3M': 3, '6M': 6, '9M': 9, year: 12 };

/** The kinds of report the plan schedules, shortest first. */
function reportingKinds(plan: Pick<Plan, 'reporting'>): PeriodKind[] {
  return [...new Set(plan.reporting.periods.map((p) => p.kind))].sort((a, b) => MONTHS_OF_KIND[a] - MONTHS_OF_KIND[b]);
}

/**
 * Every period id the plan defines: each of its years × each reporting kind it schedules,
 * in calendar order ("2021-6M", "2021-9M", "2021", "2022-6M", …). Any other id is refused.
 */
export function planPeriodIds(plan: Pick<Plan, 'startYear' | 'endYear' | 'reporting'>): string[] {
  const kinds = reportingKinds(plan);
  const ids: string[] = [];
  for (let year = plan.startYear; year <= plan.endYear; year++) {
    for (const kind of kinds) ids.push(kind === 'year' ? String(year) : `${year}-${kind}`);
  }
  return ids;
}

/**
 * The report before `period` in the plan's own reporting calendar (2023 ← 2023-9M ← 2023-6M ←
 * 2022 for a plan with 6M, 9M and annual reports), or null before the plan's first year or when
 * the plan does not report `period`'s kind at all.
 */
export function previousReportingPeriod(plan: Pick<Plan, 'reporting' | 'startYear'>, period: Period): Period | null {
  const kinds = reportingKinds(plan);
  const at = kinds.indexOf(period.kind);
  if (at < 0) return null;
  // The kind before, or the last kind of the year before.
  const kind = at > 0 ? kinds[at - 1] : kinds.at(-1);
  if (kind === undefined) return null;
  const earlier = { year: at > 0 ? period.year : period.year - 1, kind };
  if (earlier.year < plan.startYear) return null;
  return parsePeriod(earlier.kind === 'year' ? String(earlier.year) : `${earlier.year}-${earlier.kind}`);
}
