/**
 * Benchmark data sets built from the real catalog (plans 207/KH-UBND and 181/KH-UBND, the
 * Hà Nội register), deterministic for a seed. Everything generated is clearly synthetic:
 * ids "hn-bench-…" / "vn-bench-…", names "… Thử Nghiệm N". Not a test fixture: the values
 * are plausible, not real figures.
 *
 * - cityDataSet: Hà Nội with both plans, 40 departments and 126 post-2025 communes, every
 *   report the register and assignmentFor call for, per plan year and scheduled period.
 * - countryDataSet: 34 provinces × 100 communes × 60 indicators, one year; see its comment
 *   for how the ~800,000 values are reached.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../shared/agencies/register';
import type { AgencyRegister } from '../shared/agencies/register';
import { assignmentFor, contributorsOf, referenceDate } from '../shared/assignment';
import { compilePlan } from '../shared/compile';
import type { CompiledPlan } from '../shared/compile';
import { documentDueDate } from '../shared/consolidate';
import { isYearlyFlow, periodTargetOf } from '../shared/evaluate';
import { parsePeriod } from '../shared/periods';
import type { Period } from '../shared/periods';
import type { Indicator, PeriodKind } from '../shared/schema/plan';
import type { TargetExpression } from '../shared/schema/target';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from '../shared/schema/report';
import { seededRandom } from './random';

const root = fileURLToPath(new URL('..', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));

export const CATALOG_PLANS = ['hn-kh207-2021', 'hn-kh181-2024'] as const;

/** The raw plan file of a catalog plan, as shipped. */
export function loadPlanJson(id: (typeof CATALOG_PLANS)[number]): unknown {
  return readJson(`shared/plans/${id}.json`);
}

export function loadHanoiRegisterJson(): { city: string; agencies: Array<Record<string, unknown>> } {
  return readJson('shared/agencies/hanoi.json') as { city: string; agencies: Array<Record<string, unknown>> };
}

export { seededRandom };

export interface BenchReport {
  plan: CompiledPlan;
  agencyId: string;
  period: string;
  entries: EntryInput[];
  documents: DocumentEntryInput[];
  projects: ProjectEntryInput[];
  /** The lead's value of the same period a year before, by code, where the data set has it. */
  previous?: Record<string, number>;
}

export interface DataSetCounts {
  reports: number;
  /** Entries (one value cell, possibly with an answer or a denominator, each). */
  values: number;
  documents: number;
  projects: number;
  typos: number;
  misses: number;
  notes: number;
  byPlan: Record<string, { reports: number; values: number }>;
  byPeriodKind: Record<string, { reports: number; values: number }>;
  registerAgencies: number;
  reportingAgencies: number;
}

// ---------------------------------------------------------------------------------------
// Values

const NOTES_MISSED = [
  'Chưa đạt do ảnh hưởng của thiên tai, dịch bệnh; giải pháp: tăng cường rà soát, hỗ trợ đối tượng',
  'Chưa đạt do nguồn lực hạn chế; đề xuất bổ sung kinh phí trong kế hoạch năm sau',
  'Chưa đạt do thay đổi tổ chức bộ máy, đang kiện toàn cán bộ phụ trách; sẽ đẩy nhanh tiến độ trong quý tới',
  'Chưa đạt do số liệu của một số đơn vị chưa đầy đủ; đang đôn đốc, cập nhật',
];
const NOTES_OTHER = ['Số liệu ước thực hiện, sẽ cập nhật khi có số liệu chính thức', 'Theo số liệu của Cục Thống kê', 'Đã rà soát, đối chiếu với kỳ trước'];
const DOC_REFERENCES = ['Quyết định', 'Kế hoạch', 'Chỉ thị', 'Công văn'];

type Rng = () => number;

interface ValueContext {
  rng: Rng;
  indicator: Indicator;
  target: TargetExpression | null;
  /** Same-period value a year before (change targets). */
  previous: number | null;
  miss: boolean;
  period: Period;
}

const capOf = (i: Indicator) => (i.valueType === 'percent' ? (i.maxValue ?? 100) : (i.maxValue ?? Number.POSITIVE_INFINITY));
const decimalsOf = (i: Indicator) => i.decimals ?? (i.valueType === 'integer' ? 0 : i.valueType === 'percent' ? 1 : 2);

function roundTo(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** A base level when the target gives no number (qualitative, unread, change without history). */
function baseLevel(i: Indicator, rng: Rng): number {
  if (i.valueType === 'percent') return i.polarity === 'lower' ? 1 + 4 * rng() : 80 + 19 * rng();
  if (i.valueType === 'integer') return Math.round(100 + 900 * rng());
  return 10 + 90 * rng();
}

/** A level for the year, near the target: meeting it unless `miss`. */
function annualLevel(c: ValueContext): number {
  const { rng, indicator: i, target: t, miss } = c;
  const cap = capOf(i);
  const r = rng();
  const up = (v: number) => Math.min(cap, v + (Number.isFinite(cap) ? (cap - v) * 0.8 * r : v * 0.08 * r));
  if (!t) return baseLevel(i, rng);
  switch (t.kind) {
    case 'below':
      return miss ? t.value * (1.05 + 0.3 * r) : t.value * (0.5 + 0.45 * r);
    case 'atMost':
      return miss ? t.value * (1.05 + 0.3 * r) : t.value * (0.6 + 0.4 * r);
    case 'above':
      return miss ? t.value * (0.88 + 0.1 * r) : Math.min(cap, t.value + Math.max(0.05, (Math.min(cap, t.value * 1.1) - t.value) * (0.1 + 0.9 * r)));
    case 'atLeast':
      return miss ? t.value * (0.88 + 0.1 * r) : up(t.value);
    case 'exact':
    case 'approximately':
    case 'level': {
      const polarity = t.kind === 'level' ? 'band' : i.polarity;
      if (polarity === 'lower') return miss ? t.value * (1.05 + 0.2 * r) : t.value * (0.8 + 0.2 * r);
      if (polarity === 'higher') return miss ? t.value * (0.85 + 0.1 * r) : Math.min(cap, t.value * (1 + 0.04 * r));
      return miss ? t.value * (r < 0.5 ? 0.85 : 1.15) : t.value * (0.995 + 0.01 * r);
    }
    case 'range': {
      if (!miss) return t.min + (t.max - t.min) * r;
      if (i.polarity === 'lower') return t.max * (1.05 + 0.1 * r);
      if (i.polarity === 'higher') return t.min * (0.88 + 0.08 * r);
      return r < 0.5 ? t.min * 0.88 : t.max * 1.12;
    }
    case 'change': {
      const previous = c.previous ?? baseLevel(i, rng) + t.amount * 5;
      const step = miss ? t.amount * 0.3 * r : t.amount * (1.1 + r);
      return Math.max(0, t.direction === 'decrease' ? previous - step : previous + step);
    }
    case 'qualitative':
    case 'unparsed':
      return baseLevel(i, rng);
  }
}

/** The level for the period: a yearly amount pro rata, a level slightly behind before December. */
function periodLevel(c: ValueContext): number {
  const annual = annualLevel(c);
  if (c.period.months === 12) return annual;
  if (isYearlyFlow(c.target ?? undefined, c.indicator.unit)) return annual * (c.period.months / 12) * (0.95 + 0.15 * c.rng());
  return c.indicator.polarity === 'higher' ? annual * (0.97 + 0.03 * c.rng()) : annual;
}

/** Vietnamese writing: "1.036.609", "85,5". Groups only where the writing cannot be read as a decimal. */
export function formatVi(n: number, decimals: number, group: boolean): string {
  const fixed = Math.abs(n).toFixed(decimals);
  const [intPart = '0', frac = ''] = fixed.split('.');
  const grouped = group ? intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.') : intPart;
  const trimmed = frac.replace(/0+$/, '');
  return `${n < 0 ? '-' : ''}${grouped}${trimmed ? `,${trimmed}` : ''}`;
}

const TYPOS: Array<(s: string) => string> = [
  (s) => (s.includes('0') ? s.replace('0', 'O') : `${s}a`), // letter O for zero
  (s) => (s.includes(',') ? s.replace(',', ',,') : `${s},,5`), // doubled separator
  (s) => `${s} (ước)`, // words after the number
  (s) => `=${s}`, // typed as a formula
  (s) => (s.length > 2 ? `${s.slice(0, 1)}, ${s.slice(1)}` : `${s}, 5`), // stray space
  (s) => (s.length > 4 ? `${s.slice(0, 2)}.${s.slice(2).replace(/\./g, '')}` : `${s}.5.5`), // misplaced grouping
];

interface Cell {
  value: EntryInput['value'];
  numberFormat?: string;
  typo: boolean;
}

/** How the value reaches the server: typed text, an Excel number, a percent-formatted cell; 1 in 50 a typo. */
function cellFor(n: number, i: Indicator, rng: Rng): Cell {
  const decimals = decimalsOf(i);
  const rounded = roundTo(n, decimals);
  // A single dot group ("12.345") is ambiguous for a non-integer type: only group from a million.
  const text = formatVi(rounded, decimals, i.valueType === 'integer' || Math.abs(rounded) >= 1e6);
  if (rng() < 1 / 50) return { value: TYPOS[Math.floor(rng() * TYPOS.length)]!(text), typo: true };
  const r = rng();
  if (r < 0.25) return { value: rounded, typo: false };
  if (i.valueType === 'percent' && r < 0.28) return { value: roundTo(rounded / 100, decimals + 2), numberFormat: '0.0%', typo: false };
  if (i.valueType === 'percent' && r < 0.35) return { value: `${text}%`, typo: false };
  return { value: text, typo: false };
}

const ANSWER_TEXT = { met: ['Đạt', 'Cơ bản đạt', 'Hoàn thành'], miss: ['Không đạt', 'Chưa đạt'] };

interface Stats {
  typos: number;
  misses: number;
  notes: number;
}

interface LeadDraft {
  indicator: Indicator;
  miss: boolean;
  answer: string | undefined;
  note: string;
  /** The number to write, null for a qualitative indicator (the answer is the value). */
  level: number | null;
}

/** A lead (citywide / provincewide) value near the target; 12 % miss it, nine in ten misses explained. */
function drawLead(rng: Rng, indicator: Indicator, period: Period, target: TargetExpression | null, previous: number | null, stats: Stats): LeadDraft {
  const miss = rng() < 0.12;
  const answerNeeded = indicator.valueType === 'qualitative' || target?.kind === 'qualitative';
  const answer = answerNeeded ? (miss ? ANSWER_TEXT.miss : ANSWER_TEXT.met)[Math.floor(rng() * 2)]! : undefined;
  if (miss) stats.misses++;
  const note = miss && rng() < 0.9 ? NOTES_MISSED[Math.floor(rng() * NOTES_MISSED.length)]! : rng() < 0.05 ? NOTES_OTHER[Math.floor(rng() * NOTES_OTHER.length)]! : '';
  if (note) stats.notes++;
  const level = indicator.valueType === 'qualitative' ? null : roundTo(periodLevel({ rng, indicator, target, previous, miss, period }), decimalsOf(indicator));
  return { indicator, miss, answer, note, level };
}

function writeLead(rng: Rng, d: LeadDraft, stats: Stats): EntryInput {
  if (d.level === null) return { code: d.indicator.code, value: d.answer ?? 'Đạt', note: d.note };
  const cell = cellFor(d.level, d.indicator, rng);
  if (cell.typo) stats.typos++;
  const entry: EntryInput = { code: d.indicator.code, value: cell.value, note: d.note };
  if (cell.numberFormat) entry.numberFormat = cell.numberFormat;
  if (d.answer) entry.answer = d.answer;
  return entry;
}

function contributorEntry(
  rng: Rng,
  indicator: Indicator,
  total: number,
  contributors: number,
  stats: Stats,
  denominator: () => number,
  target: TargetExpression | null,
): EntryInput {
  const agg = indicator.aggregation;
  const n =
    agg.kind === 'sum'
      ? (total / Math.max(1, contributors)) * (0.5 + rng())
      : Math.min(capOf(indicator), total * (0.88 + 0.17 * rng()));
  const cell = cellFor(n, indicator, rng);
  if (cell.typo) stats.typos++;
  const note = rng() < 0.03 ? NOTES_OTHER[Math.floor(rng() * NOTES_OTHER.length)]! : '';
  if (note) stats.notes++;
  const entry: EntryInput = { code: indicator.code, value: cell.value, note };
  if (cell.numberFormat) entry.numberFormat = cell.numberFormat;
  // A qualitative year target on a numeric row ("Cơ bản không còn hộ nghèo") asks everyone for an assessment too.
  if (target?.kind === 'qualitative') entry.answer = rng() < 0.8 ? 'Đạt' : 'Cơ bản đạt';
  if (agg.kind === 'weightedMean') {
    const d = denominator();
    // Mostly an Excel number; sometimes typed, never with a lone dot group (ambiguous).
    entry.denominator = rng() < 0.8 ? d : String(d);
  }
  return entry;
}

/** Rules a single report can break: keep sums and parts consistent, as a careful lead would. */
function applyRules(plan: CompiledPlan, levels: Map<string, number>): void {
  for (const rule of plan.plan.rules) {
    if (rule.kind === 'indicatorNotAbove') {
      const part = levels.get(rule.part);
      const whole = levels.get(rule.whole);
      if (part !== undefined && whole !== undefined && part > whole) levels.set(rule.part, roundTo(whole * 0.8, 1));
    }
  }
  for (const rule of plan.plan.rules) {
    if (rule.kind === 'indicatorSum') {
      const terms = rule.terms.map((t) => levels.get(t));
      if (levels.has(rule.target) && terms.every((t) => t !== undefined)) {
        levels.set(rule.target, roundTo(terms.reduce((a, b) => a + b, 0), 1));
      }
    }
  }
}

/** The target a value of this period is checked against: the year's, else the plan period's. */
export function targetTextFor(plan: CompiledPlan, indicator: Indicator, year: number): { text: string; target: TargetExpression } | null {
  return indicator.targets[String(year)] ?? periodTargetOf(indicator, plan.plan);
}

function newCounts(registerAgencies: number): DataSetCounts {
  return { reports: 0, values: 0, documents: 0, projects: 0, typos: 0, misses: 0, notes: 0, byPlan: {}, byPeriodKind: {}, registerAgencies, reportingAgencies: 0 };
}

function count(counts: DataSetCounts, report: BenchReport, kind: string): void {
  counts.reports++;
  counts.values += report.entries.length;
  counts.documents += report.documents.length;
  counts.projects += report.projects.length;
  const p = (counts.byPlan[report.plan.plan.id] ??= { reports: 0, values: 0 });
  p.reports++;
  p.values += report.entries.length;
  const k = (counts.byPeriodKind[kind] ??= { reports: 0, values: 0 });
  k.reports++;
  k.values += report.entries.length;
}

// ---------------------------------------------------------------------------------------
// City

export interface CityDataSet {
  register: AgencyRegister;
  plans: CompiledPlan[];
  reports: BenchReport[];
  /** Calendar years covered, per plan id. */
  years: Record<string, number[]>;
  /** Wall time of compilePlan per plan id while building the set (the first one is cold). */
  compileMs: Record<string, number>;
  counts: DataSetCounts & { departments: number; communes: number; generatedDepartments: number };
}

export interface CityOptions {
  /**
   * A number N: each plan's first N years (5: 2021-2025 for plan 207, 2024-2028 for plan 181).
   * An array: those calendar years, for each plan whose first five years include them.
   * Plan 181 schedules only 6M and annual reports, so it gets no 9M reports.
   */
  years?: number | readonly number[];
  seed?: number;
}

const CITY_DEPARTMENTS = 40;
const CITY_COMMUNES = 126;

/** The extra agencies of the benchmark city: generated departments and post-2025 communes. */
export function cityExtraAgencies(registerJson = loadHanoiRegisterJson()): { agencies: Array<Record<string, unknown>>; departments: number; generatedDepartments: number; communes: number } {
  const shipped = registerJson.agencies.filter((a) => a.kind === 'department' || a.kind === 'agency').length;
  const generated = Math.max(0, CITY_DEPARTMENTS - shipped);
  const districts = registerJson.agencies.filter((a) => a.kind === 'district').map((a) => String(a.id));
  const agencies: Array<Record<string, unknown>> = [];
  for (let n = 1; n <= generated; n++) {
    agencies.push({ id: `hn-bench-dept-${n}`, name: `Sở Thử Nghiệm ${n}`, nameEn: `Test Department ${n}`, kind: 'department', city: 'hanoi' });
  }
  for (let n = 1; n <= CITY_COMMUNES; n++) {
    const ward = n % 3 !== 0;
    // One or two predecessor districts, as the 2025 mergers drew them.
    const a = districts[n % districts.length]!;
    const b = districts[(n * 7 + 3) % districts.length]!;
    agencies.push({
      id: `hn-bench-commune-${n}`,
      name: `${ward ? 'Phường' : 'Xã'} Thử Nghiệm ${n}`,
      nameEn: `Test ${ward ? 'Ward' : 'Commune'} ${n}`,
      kind: 'commune',
      subtype: ward ? 'phường' : 'xã',
      city: 'hanoi',
      validFrom: '2025-07-01',
      predecessors: n % 4 === 0 && a !== b ? [a, b] : [a],
    });
  }
  return { agencies, departments: shipped + generated, generatedDepartments: generated, communes: CITY_COMMUNES };
}

export function cityDataSet(options: CityOptions = {}): CityDataSet {
  const rng = seededRandom(options.seed ?? 2025);
  const registerJson = loadHanoiRegisterJson();
  const extra = cityExtraAgencies(registerJson);
  const register = createRegister(registerJson, extra.agencies);
  const compileMs: Record<string, number> = {};
  const plans = CATALOG_PLANS.map((id) => {
    const json = loadPlanJson(id);
    const t0 = performance.now();
    const plan = compilePlan(json);
    compileMs[plan.plan.id] = performance.now() - t0;
    return plan;
  });
  const candidates = register.agencies.filter((a) => a.kind !== 'group').map((a) => a.id);
  const counts = { ...newCounts(register.agencies.length), departments: extra.departments, generatedDepartments: extra.generatedDepartments, communes: extra.communes };
  const reports: BenchReport[] = [];
  const years: Record<string, number[]> = {};
  const reporting = new Set<string>();
  const stats: Stats = { typos: 0, misses: 0, notes: 0 };

  for (const plan of plans) {
    const first = plan.plan.startYear;
    const planYears =
      typeof options.years === 'number' || options.years === undefined
        ? Array.from({ length: Math.min(options.years ?? 5, plan.plan.endYear - first + 1) }, (_, k) => first + k)
        : options.years.filter((y) => y >= first && y <= Math.min(plan.plan.endYear, first + 4));
    years[plan.plan.id] = planYears;
    // Lead values by code|kind|year, for change targets and the year-on-year check.
    const history = new Map<string, number>();
    // Generate from the plan's first year so that `previous` exists for the years asked for.
    const allYears = planYears.length === 0 ? [] : Array.from({ length: Math.max(...planYears) - first + 1 }, (_, k) => first + k);
    for (const year of allYears) {
      const keep = planYears.includes(year);
      for (const { kind } of plan.plan.reporting.periods) {
        const period = parsePeriod(kind === 'year' ? String(year) : `${year}-${kind}`)!;
        const date = referenceDate(plan, period);
        // The citywide level of each indicator this period, shared by its lead and contributors.
        const cityLevel = new Map<string, number>();
        const byAgency: Array<{ agencyId: string; rows: Array<{ code: string; role: 'lead' | 'contributor' }>; documents: string[]; projects: string[] }> = [];
        for (const agencyId of candidates) {
          const a = assignmentFor(plan, register, agencyId, period);
          if (a.indicators.length + a.documents.length + a.projects.length === 0) continue;
          byAgency.push({ agencyId, rows: a.indicators, documents: a.documents, projects: a.projects });
        }
        // Years before those asked for are generated only for their history; they count nothing.
        const st: Stats = keep ? stats : { typos: 0, misses: 0, notes: 0 };
        for (const { agencyId, rows, documents, projects } of byAgency) {
          const entries: EntryInput[] = [];
          const previous: Record<string, number> = {};
          const leadLevels = new Map<string, number>();
          const leadRows: Array<{ indicator: Indicator; target: TargetExpression | null; prev: number | null }> = [];
          for (const row of rows) {
            const indicator = plan.indicators.get(row.code)!;
            const target = targetTextFor(plan, indicator, year)?.target ?? null;
            if (!cityLevel.has(row.code)) {
              const prev = history.get(`${row.code}|${kind}|${year - 1}`) ?? null;
              cityLevel.set(row.code, periodLevel({ rng, indicator, target, previous: prev, miss: false, period }));
            }
            if (row.role === 'lead') {
              const prev = history.get(`${row.code}|${kind}|${year - 1}`) ?? null;
              if (prev !== null) previous[row.code] = prev;
              leadRows.push({ indicator, target, prev });
            } else {
              const n = contributorsOf(register, indicator, date).length;
              // Districts weight by their communes (10-30), a post-2025 commune by itself.
              const denominator = () => (register.get(agencyId)?.kind === 'commune' ? 1 : 10 + Math.floor(rng() * 21));
              entries.push(contributorEntry(rng, indicator, cityLevel.get(row.code)!, n, st, denominator, target));
            }
          }
          // Leads: draw levels first, make them consistent with the plan's rules, then write them.
          const drafts = leadRows.map(({ indicator, target, prev }) => drawLead(rng, indicator, period, target, prev, st));
          for (const d of drafts) if (d.level !== null) leadLevels.set(d.indicator.code, d.level);
          applyRules(plan, leadLevels);
          for (const d of drafts) {
            d.level = leadLevels.get(d.indicator.code) ?? d.level;
            entries.push(writeLead(rng, d, st));
            if (d.level !== null) history.set(`${d.indicator.code}|${kind}|${year}`, d.level);
          }
          entries.sort((x, y) => plan.order.indexOf(x.code) - plan.order.indexOf(y.code));
          if (!keep) continue;
          const report: BenchReport = {
            plan,
            agencyId,
            period: period.id,
            entries,
            documents: documentEntries(plan, documents, period, rng),
            projects: projectEntries(plan, projects, year, rng),
            ...(Object.keys(previous).length > 0 ? { previous } : {}),
          };
          reports.push(report);
          reporting.add(agencyId);
          count(counts, report, kind);
        }
      }
    }
  }
  counts.reportingAgencies = reporting.size;
  counts.typos = stats.typos;
  counts.misses = stats.misses;
  counts.notes = stats.notes;
  return { register, plans, reports, years, compileMs, counts };
}

function documentEntries(plan: CompiledPlan, codes: readonly string[], period: Period, rng: Rng): DocumentEntryInput[] {
  const cutoff = referenceDate(plan, period);
  return codes.map((code) => {
    const document = plan.documents.get(code)!;
    const due = documentDueDate(document, period);
    const issued = due <= cutoff ? rng() < 0.85 : rng() < 0.3;
    if (!issued) return { code, status: 'notIssued', note: rng() < 0.5 ? 'Đang dự thảo, lấy ý kiến các sở, ngành' : '' };
    const year = Number(cutoff.slice(0, 4));
    const month = 1 + Math.floor(rng() * Math.max(1, Number(cutoff.slice(5, 7)) - 1));
    return {
      code,
      status: 'issued',
      // One in twenty forgets the number, as happens.
      reference: rng() < 0.05 ? '' : `${DOC_REFERENCES[Math.floor(rng() * DOC_REFERENCES.length)]!} ${100 + Math.floor(rng() * 8900)}/QĐ-UBND`,
      issuedOn: `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`,
      note: '',
    };
  });
}

function projectEntries(plan: CompiledPlan, codes: readonly string[], year: number, rng: Rng): ProjectEntryInput[] {
  return codes.map((code) => {
    const project = plan.projects.get(code)!;
    const span = project.years ? Math.max(1, project.years.to - project.years.from + 1) : 5;
    const done = project.years ? Math.min(1, Math.max(0, (year - project.years.from + 1) / span)) : rng();
    const disbursed = Math.round(project.costs.total * done * (0.7 + 0.3 * rng()));
    // Million VND, whole: "28.305" is 28 305 million.
    return { code, disbursed: rng() < 0.7 ? formatVi(disbursed, 0, true) : disbursed, note: '' };
  });
}

// ---------------------------------------------------------------------------------------
// Country

export interface Province {
  index: number;
  /** "vn-bench-p07" */
  id: string;
  name: string;
  plan: CompiledPlan;
  planJson: Record<string, unknown>;
  communes: string[];
  departments: string[];
}

export interface CountryDataSet {
  register: AgencyRegister;
  provinces: Province[];
  plans: CompiledPlan[];
  reports: BenchReport[];
  year: number;
  periods: string[];
  compileMs: Record<string, number>;
  counts: DataSetCounts & { provinces: number; communes: number; departments: number; indicators: number; communeValues: number; departmentValues: number };
}

export interface CountryOptions {
  /** How many of the 34 provinces to build (quick runs use 1). */
  provinces?: number;
  communesPerProvince?: number;
  indicators?: number;
  /**
   * Report rounds of the year. Default: 3M, 6M, 9M and the year. 34 × 100 communes × 60
   * values is 204,000 a round; the 6M, 9M and annual rounds plus the province departments'
   * own reports give 618,120, so "about 800,000 values a year" needs a fourth round: the
   * quarterly (3M) report, a kind the plan schema schedules. 4 × 204,000 + 34 × 60 × 4 = 824,160.
   */
  periods?: readonly PeriodKind[];
  /** The rounds to generate reports for (default: every scheduled one); the plan still schedules `periods`. */
  reportRounds?: readonly PeriodKind[];
  seed?: number;
}

export const COUNTRY_YEAR = 2026;
const COUNTRY_PROVINCES = 34;

/** Province departments (after the 2025 reorganisation) and the policy fields each leads. */
const PROVINCE_DEPARTMENTS: Array<{ key: string; name: string; kind: 'department' | 'agency'; fields: string[] }> = [
  { key: 'snv', name: 'Sở Nội vụ', kind: 'department', fields: ['employment', 'merit'] },
  { key: 'syt', name: 'Sở Y tế', kind: 'department', fields: ['health', 'social-protection', 'children', 'social-evils', 'poverty'] },
  { key: 'sgddt', name: 'Sở Giáo dục và Đào tạo', kind: 'department', fields: ['education', 'vocational-education'] },
  { key: 'sxd', name: 'Sở Xây dựng', kind: 'department', fields: ['housing', 'transport'] },
  { key: 'snnmt', name: 'Sở Nông nghiệp và Môi trường', kind: 'department', fields: ['water', 'environment'] },
  { key: 'sdttg', name: 'Sở Dân tộc và Tôn giáo', kind: 'department', fields: ['ethnic-minorities'] },
  { key: 'bhxh', name: 'Bảo hiểm xã hội tỉnh', kind: 'agency', fields: ['social-insurance'] },
  { key: 'stc', name: 'Sở Tài chính', kind: 'department', fields: [] },
  { key: 'svhttdl', name: 'Sở Văn hóa, Thể thao và Du lịch', kind: 'department', fields: [] },
  { key: 'stp', name: 'Sở Tư pháp', kind: 'department', fields: [] },
];

const PERIOD_SETTINGS: Record<PeriodKind, { cutoff: { from: string; to: string }; deadline: string }> = {
  '3M': { cutoff: { from: '12-15', to: '03-14' }, deadline: '03-20' },
  '6M': { cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
  '9M': { cutoff: { from: '12-15', to: '09-14' }, deadline: '09-20' },
  year: { cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
};

interface SourceIndicator {
  source: string;
  raw: Record<string, unknown>;
  /** Target phrases by country year (2026-2030). */
  targets: Record<string, { text: string }>;
}

/**
 * The 60 indicators of the country plan: the reportable, non-qualitative indicators of plan
 * 207 (their 2021-2025 phrases become 2026-2030) and of plan 181 (their 2030 phrases), real
 * wording throughout; cycled if more are asked for than the catalog has.
 */
function sourceIndicators(): SourceIndicator[] {
  const out: SourceIndicator[] = [];
  for (const id of CATALOG_PLANS) {
    const json = loadPlanJson(id) as { startYear: number; indicators: Array<Record<string, unknown>> };
    for (const raw of json.indicators) {
      if (raw.reportable === false || raw.valueType === 'qualitative' || raw.replacedBy) continue;
      const targets = raw.targets as Record<string, { text: string }>;
      const shifted: Record<string, { text: string }> = {};
      for (const [year, t] of Object.entries(targets)) {
        const y = id === 'hn-kh207-2021' ? Number(year) + 5 : Number(year);
        if (y >= COUNTRY_YEAR && y <= 2030) shifted[String(y)] = { text: t.text };
      }
      if (Object.keys(shifted).length === 0) continue;
      out.push({ source: `${id}#${String(raw.code)}`, raw, targets: shifted });
    }
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Sum for counts and amounts; weighted mean (by population) for rates, shares and averages. */
function countryAggregation(raw: Record<string, unknown>, group: string): Record<string, unknown> {
  const unit = typeof raw.unit === 'string' ? raw.unit : '';
  const sum = raw.valueType === 'integer' || (raw.valueType === 'number' && unit !== '' && !unit.includes('/') && !['tuổi', 'năm'].includes(unit));
  return sum
    ? { kind: 'sum', contributors: [group] }
    : { kind: 'weightedMean', denominator: { label: 'Dân số (người)', labelEn: 'Population' }, contributors: [group] };
}

function provincePlanJson(p: number, indicators: readonly SourceIndicator[], count: number, periods: readonly PeriodKind[]): Record<string, unknown> {
  const id = `vn-bench-p${pad2(p)}`;
  const group = `${id}-g-communes`;
  const leadFor = (field: string) => `${id}-${(PROVINCE_DEPARTMENTS.find((d) => d.fields.includes(field)) ?? PROVINCE_DEPARTMENTS[0]!).key}`;
  const chosen = Array.from({ length: count }, (_, k) => indicators[k % indicators.length]!);
  return {
    id: `${id}-${COUNTRY_YEAR}`,
    title: `Kế hoạch thực hiện các chỉ tiêu an sinh xã hội giai đoạn ${COUNTRY_YEAR}-2030 của Tỉnh Thử Nghiệm ${p} (dữ liệu thử nghiệm)`,
    number: `${100 + p}/KH-UBND`,
    issuedOn: `${COUNTRY_YEAR}-01-15`,
    city: id,
    program: 'Chương trình thử nghiệm hiệu năng',
    startYear: COUNTRY_YEAR,
    endYear: 2030,
    revision: 1,
    source: 'Generated for benchmarks from the indicators of plans 207/KH-UBND and 181/KH-UBND',
    indicators: chosen.map((s, k) => ({
      code: String(k + 1),
      name: String(s.raw.name),
      ...(typeof s.raw.nameEn === 'string' && s.raw.nameEn ? { nameEn: s.raw.nameEn } : {}),
      unit: s.raw.unit,
      valueType: s.raw.valueType,
      polarity: s.raw.polarity,
      ...(s.raw.decimals !== undefined ? { decimals: s.raw.decimals } : {}),
      ...(s.raw.maxValue !== undefined ? { maxValue: s.raw.maxValue } : {}),
      baseline: null,
      targets: s.targets,
      lead: leadFor(typeof s.raw.field === 'string' ? s.raw.field : ''),
      coordinators: [group],
      ...(s.raw.field ? { field: s.raw.field } : {}),
      policyDocuments: [],
      aggregation: countryAggregation(s.raw, group),
    })),
    documents: [],
    projects: [],
    rules: [],
    reporting: { standingAgency: `${id}-snv`, periods: periods.map((kind) => ({ kind, ...PERIOD_SETTINGS[kind] })) },
  };
}

export function countryDataSet(options: CountryOptions = {}): CountryDataSet {
  const rng = seededRandom(options.seed ?? 34);
  const provinces = Math.min(COUNTRY_PROVINCES, options.provinces ?? COUNTRY_PROVINCES);
  const perProvince = options.communesPerProvince ?? 100;
  const indicatorCount = options.indicators ?? 60;
  const periodKinds = options.periods ?? (['3M', '6M', '9M', 'year'] as const);
  const rounds = periodKinds.filter((k) => !options.reportRounds || options.reportRounds.includes(k));
  const sources = sourceIndicators();

  // One register for the whole country: each province's departments, communes and commune group.
  const agencies: Array<Record<string, unknown>> = [];
  const shells: Array<{ index: number; id: string; name: string; communes: string[]; departments: string[] }> = [];
  for (let p = 1; p <= provinces; p++) {
    const id = `vn-bench-p${pad2(p)}`;
    const name = `Tỉnh Thử Nghiệm ${p}`;
    const departments = PROVINCE_DEPARTMENTS.map((d) => {
      agencies.push({ id: `${id}-${d.key}`, name: `${d.name} ${name}`, kind: d.kind, city: id });
      return `${id}-${d.key}`;
    });
    const communes: string[] = [];
    for (let n = 1; n <= perProvince; n++) {
      const ward = n % 4 === 0;
      const cid = `${id}-commune-${n}`;
      agencies.push({ id: cid, name: `${ward ? 'Phường' : 'Xã'} Thử Nghiệm ${n} (${name})`, kind: 'commune', subtype: ward ? 'phường' : 'xã', city: id, validFrom: '2025-07-01' });
      communes.push(cid);
    }
    agencies.push({ id: `${id}-g-communes`, name: `Các xã, phường ${name}`, kind: 'group', city: id, members: { kind: 'commune', ids: communes } });
    shells.push({ index: p, id, name, communes, departments });
  }
  const register = createRegister({ city: 'vn-bench', agencies: [] }, agencies);

  const compileMs: Record<string, number> = {};
  const provinceList: Province[] = shells.map((s) => {
    const planJson = provincePlanJson(s.index, sources, indicatorCount, periodKinds);
    const t0 = performance.now();
    const plan = compilePlan(planJson);
    compileMs[plan.plan.id] = performance.now() - t0;
    return { ...s, plan, planJson };
  });

  const counts = {
    ...newCounts(register.agencies.length),
    provinces,
    communes: provinces * perProvince,
    departments: provinces * PROVINCE_DEPARTMENTS.length,
    indicators: indicatorCount,
    communeValues: 0,
    departmentValues: 0,
  };
  const stats: Stats = { typos: 0, misses: 0, notes: 0 };
  const reports: BenchReport[] = [];
  const reporting = new Set<string>();
  for (const province of provinceList) {
    const plan = province.plan;
    for (const kind of rounds) {
      const period = parsePeriod(kind === 'year' ? String(COUNTRY_YEAR) : `${COUNTRY_YEAR}-${kind}`)!;
      const level = new Map<string, number>();
      const targets = new Map<string, TargetExpression | null>();
      const byLead = new Map<string, EntryInput[]>();
      for (const code of plan.order) {
        const indicator = plan.indicators.get(code)!;
        const target = targetTextFor(plan, indicator, COUNTRY_YEAR)?.target ?? null;
        targets.set(code, indicator.targets[String(COUNTRY_YEAR)]?.target ?? null);
        const draft = drawLead(rng, indicator, period, target, null, stats);
        if (draft.level !== null) level.set(code, draft.level);
        const leadId = indicator.lead!;
        const list = byLead.get(leadId) ?? [];
        list.push(writeLead(rng, draft, stats));
        byLead.set(leadId, list);
      }
      for (const [agencyId, entries] of byLead) {
        const report: BenchReport = { plan, agencyId, period: period.id, entries, documents: [], projects: [] };
        reports.push(report);
        reporting.add(agencyId);
        count(counts, report, kind);
        counts.departmentValues += entries.length;
      }
      const population = () => 3_000 + Math.floor(rng() * 57_000);
      for (const communeId of province.communes) {
        const entries = plan.order.map((code) => {
          const indicator = plan.indicators.get(code)!;
          return contributorEntry(rng, indicator, level.get(code) ?? baseLevel(indicator, rng), perProvince, stats, population, targets.get(code) ?? null);
        });
        const report: BenchReport = { plan, agencyId: communeId, period: period.id, entries, documents: [], projects: [] };
        reports.push(report);
        reporting.add(communeId);
        count(counts, report, kind);
        counts.communeValues += entries.length;
      }
    }
  }
  counts.reportingAgencies = reporting.size;
  counts.typos = stats.typos;
  counts.misses = stats.misses;
  counts.notes = stats.notes;
  return {
    register,
    provinces: provinceList,
    plans: provinceList.map((p) => p.plan),
    reports,
    year: COUNTRY_YEAR,
    periods: rounds.map((k) => (k === 'year' ? String(COUNTRY_YEAR) : `${COUNTRY_YEAR}-${k}`)),
    compileMs,
    counts,
  };
}
