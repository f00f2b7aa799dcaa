import type { AgencyRegister } from './agencies/register';
import { assignmentFor, contributorsOf, referenceDate, responsibleLead } from './assignment';
import type { CompiledPlan } from './compile';
import { displayValue, readEntry } from './entries';
import type { ReadEntry } from './entries';
import { categoryLabel, evaluateIndicator, periodTargetOf, targetForYear } from './evaluate';
import type { Category, IndicatorEvaluation, Observation, Verdict } from './evaluate';
import type { Finding } from './findings';
import { formatNumberEn, formatNumberVi, roundFloat } from './numbers';
import { periodWindow } from './periods';
import type { Period } from './periods';
import { checkProjectRules } from './projects';
import type { RollupViolation } from './projects';
import type { Costs, Indicator, PlanDocument, YearTarget } from './schema/plan';
import type { QualitativeAnswer } from './schema/target';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from './schema/report';
import { renderTarget } from './targets/render';
import { checkPeriod, codeOf, listOf, readDisbursement } from './validate';
import { text } from './i18n';
import type { Text } from './i18n';

/**
 * Consolidation: many agency reports → the citywide table the standing agency sends to
 * the city's leaders. Pure: the server passes the reports it holds.
 */
export type SubmissionStatus = 'missing' | 'draft' | 'submitted' | 'late' | 'approved' | 'returned';

export interface ReportRecord {
  agencyId: string;
  status: Exclude<SubmissionStatus, 'missing'>;
  entries: readonly EntryInput[];
  documents?: readonly DocumentEntryInput[];
  projects?: readonly ProjectEntryInput[];
  revision?: number;
  updatedAt?: string;
}

export interface ConsolidateInput {
  period: string;
  reports: readonly ReportRecord[];
  /** Citywide values of the same period a year before, for change targets. */
  previous?: Readonly<Record<string, number | null | undefined>>;
  /** Count draft reports too (default: only submitted, late and approved ones count). */
  includeDrafts?: boolean;
  /** The consolidator's judgements by indicator code; used only where a target is judged by hand. */
  judgements?: Readonly<Record<string, HandJudgement>>;
}

/** The consolidator's judgement of an indicator whose target the plan marks as judged by hand. */
export interface HandJudgement {
  verdict: 'met' | 'withinTolerance' | 'notMet';
  reason: string;
  /** Token id of the consolidator. */
  by: string;
  at: string;
}

export interface Contribution {
  agencyId: string;
  role: 'lead' | 'contributor' | 'other';
  value: number | null;
  answer: QualitativeAnswer | null;
  denominator: number | null;
  note: string;
  status: ReportRecord['status'];
}

export interface ConsolidatedRow {
  code: string;
  name: string;
  nameEn?: string;
  unit: string;
  depth: number;
  parent?: string;
  reportable: boolean;
  countsInSummary: boolean;
  aggregation: Indicator['aggregation']['kind'];
  lead: string | null;
  leadStatus: 'assigned' | 'unassigned' | 'unresolved';
  value: number | null;
  answer: QualitativeAnswer | null;
  source: 'lead' | 'sum' | 'weightedMean' | 'none';
  contributions: Contribution[];
  expectedContributors: string[];
  yearTarget: Text | null;
  periodTarget: Text | null;
  verdict: Verdict;
  verdictPeriod: Verdict;
  progressYear: number | null;
  progressPeriod: number | null;
  category: Category;
  categoryLabel: Text;
  notes: Text[];
  /** Present when the verdict is the consolidator's judgement of a target judged by hand. */
  judgement?: HandJudgement;
}

export interface CategoryCount {
  category: Category;
  label: Text;
  count: number;
  /** Percent of the indicators counted in the summary, one decimal. */
  share: number;
}

export type DocumentStatus = 'issued' | 'overdue' | 'pending';

export interface DocumentRow {
  code: string;
  title: string;
  due: PlanDocument['due'];
  dueDate: string;
  lead: string;
  status: DocumentStatus;
  conditional: boolean;
  reference: string | null;
  issuedOn: string | null;
}

export interface ProjectRollupRow {
  code: string;
  title: string;
  kind: 'group' | 'project';
  parent: string | null;
  planned: Costs;
  /** Sum of members, for groups; equals planned for projects. */
  computed: Costs;
  consistent: boolean;
  disbursed: number | null;
  disbursedShare: number | null;
}

export interface ConsolidatedTable {
  planId: string;
  revision: number;
  period: string;
  referenceDate: string;
  rows: ConsolidatedRow[];
  summary: { total: number; categories: CategoryCount[]; sentence: Text };
  documents: { rows: DocumentRow[]; counts: Record<DocumentStatus, number> };
  projects: { rows: ProjectRollupRow[]; violations: RollupViolation[] };
  agencies: Array<{ agencyId: string; status: SubmissionStatus; indicators: number; revision: number | null }>;
  /**
   * Problems met while consolidating: the period, and every cell of a counted report that
   * could not be read (the same findings validation gives), tagged with the agency.
   */
  findings: ConsolidationFinding[];
}

export type ConsolidationFinding = Finding & { agencyId?: string };

const COUNTED_STATUSES = new Set<ReportRecord['status']>(['submitted', 'late', 'approved']);

export function consolidate(plan: CompiledPlan, register: AgencyRegister, rawInput: ConsolidateInput): ConsolidatedTable {
  // Reports come from storage and uploads: never trust their shape, never throw on them.
  const input: Partial<ConsolidateInput> = rawInput && typeof rawInput === 'object' ? rawInput : {};
  const findings: ConsolidationFinding[] = [];
  const reports = listOf<unknown>(input.reports).filter(isReportRecord);
  const { period, findings: periodProblems } = checkPeriod(plan, input.period, { vi: 'chưa tổng hợp được', en: 'nothing was consolidated' });
  findings.push(...periodProblems);
  if (!period) {
    return {
      planId: plan.plan.id,
      revision: plan.plan.revision,
      period: displayValue(input.period).slice(0, 40),
      referenceDate: '',
      rows: [],
      summary: summarize([]),
      documents: { rows: [], counts: { issued: 0, overdue: 0, pending: 0 } },
      projects: projectRollups(plan, []),
      agencies: [],
      findings,
    };
  }
  const date = referenceDate(plan, period);
  const counted = reports.filter((r) => input.includeDrafts || COUNTED_STATUSES.has(r.status));
  const contributorsByCode = new Map(plan.plan.indicators.map((i) => [i.code, contributorsOf(register, i, date)]));

  // Read every report once with the same reader validation uses.
  const readByAgency = new Map<string, Map<string, ReadEntry>>();
  for (const report of counted) {
    const entries = new Map<string, ReadEntry>();
    for (const entry of listOf<EntryInput>(report.entries)) {
      const code = codeOf(entry);
      const indicator = plan.indicators.get(code);
      // Unknown rows and headings are validation's business; a repeated row counts once, the first.
      if (!indicator || !indicator.reportable || entries.has(code)) continue;
      const needsDenominator = indicator.aggregation.kind === 'weightedMean' && (contributorsByCode.get(code) ?? []).includes(report.agencyId);
      const read = readEntry(indicator, entry, {
        yearTarget: indicator.targets[String(period.year)]?.target ?? null,
        needsDenominator,
        ...(indicator.aggregation.kind === 'weightedMean' ? { denominatorLabel: indicator.aggregation.denominator.label } : {}),
      });
      entries.set(code, read);
      for (const f of read.findings) findings.push({ ...f, agencyId: report.agencyId });
    }
    readByAgency.set(report.agencyId, entries);
  }
  const statusOf = new Map(counted.map((r) => [r.agencyId, r.status]));

  const rows = plan.order.map((code) =>
    consolidateRow(plan, register, plan.indicators.get(code)!, period, date, contributorsByCode.get(code) ?? [], readByAgency, statusOf, input.previous, input.judgements),
  );
  const summary = summarize(rows);
  return {
    planId: plan.plan.id,
    revision: plan.plan.revision,
    period: period.id,
    referenceDate: date,
    rows,
    summary,
    documents: documentStatus(plan, register, period, counted),
    projects: projectRollups(plan, counted),
    agencies: submissionStatus(plan, register, period, reports),
    findings,
  };
}

const REPORT_STATUSES = new Set<string>(['draft', 'submitted', 'late', 'approved', 'returned']);

function isReportRecord(value: unknown): value is ReportRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<ReportRecord>;
  return typeof r.agencyId === 'string' && typeof r.status === 'string' && REPORT_STATUSES.has(r.status);
}

/** Who holds `agencyId`'s work in `field` on `date`, when that is another agency; null otherwise. */
function passesTo(register: AgencyRegister, agencyId: string, date: string, field: string | undefined): string | null {
  const r = register.responsibleOn(agencyId, date, field);
  return r.kind === 'agency' && r.id !== agencyId ? r.id : null;
}

function depthOf(code: string): number {
  return code.split('.').length - 1;
}

function consolidateRow(
  plan: CompiledPlan,
  register: AgencyRegister,
  indicator: Indicator,
  period: Period,
  date: string,
  expectedContributors: string[],
  readByAgency: ReadonlyMap<string, ReadonlyMap<string, ReadEntry>>,
  statusOf: ReadonlyMap<string, ReportRecord['status']>,
  previous: ConsolidateInput['previous'],
  judgements: ConsolidateInput['judgements'],
): ConsolidatedRow {
  const parent = indicator.parent ? plan.indicators.get(indicator.parent) : undefined;
  const lead = responsibleLead(register, indicator, date);
  const leadId = lead.kind === 'agency' ? lead.id : null;
  const notes: Text[] = [];

  const contributions: Contribution[] = [];
  for (const [agencyId, entries] of readByAgency) {
    const r = entries.get(indicator.code);
    if (!r || (r.value === null && r.answer === null)) continue;
    // A report filed under a predecessor (Sở LĐTBXH after March 2025) counts for the lead when this
    // indicator's field passed from it to the lead; a mere relative (Sở LĐTBXH on a health or
    // education indicator, where it only coordinates) does not lead.
    const isLead =
      leadId !== null &&
      (agencyId === leadId || (!expectedContributors.includes(agencyId) && passesTo(register, agencyId, date, indicator.field) === leadId));
    contributions.push({
      agencyId,
      role: isLead ? 'lead' : expectedContributors.includes(agencyId) ? 'contributor' : 'other',
      value: r.value,
      answer: r.answer,
      denominator: r.denominator,
      note: r.note,
      status: statusOf.get(agencyId)!,
    });
  }
  contributions.sort((a, b) => (a.role === b.role ? a.agencyId.localeCompare(b.agencyId) : a.role === 'lead' ? -1 : b.role === 'lead' ? 1 : 0));

  const leadEntry = contributions.find((c) => c.role === 'lead' && c.agencyId === leadId) ?? contributions.find((c) => c.role === 'lead');
  // Only the expected contributors make up a sum or a mean: a figure from an agency that is
  // neither lead nor contributor is shown, never added in.
  const parts = contributions.filter((c) => c.role === 'contributor');
  let value: number | null = null;
  let answer: QualitativeAnswer | null = null;
  let source: ConsolidatedRow['source'] = 'none';
  const agg = indicator.aggregation;

  if (leadEntry) {
    value = leadEntry.value;
    answer = leadEntry.answer;
    source = 'lead';
  }
  if (agg.kind === 'sum' && parts.length > 0) {
    const numeric = parts.filter((p) => p.value !== null);
    const sum = roundFloat(numeric.reduce((s, p) => s + (p.value ?? 0), 0));
    if (value === null) {
      value = sum;
      source = 'sum';
    } else if (Math.abs(sum - value) > Math.max(1e-9, Math.abs(value) * 0.005)) {
      notes.push(text(
        `Số tổng hợp của cơ quan chủ trì (${formatNumberVi(value)}) khác tổng các đơn vị (${formatNumberVi(sum)})`,
        `The lead agency's total (${formatNumberEn(value)}) differs from the sum of contributions (${formatNumberEn(sum)})`,
      ));
    }
  }
  if (agg.kind === 'weightedMean' && parts.length > 0) {
    const weighted = parts.filter((p) => p.value !== null && p.denominator !== null && p.denominator > 0);
    const weight = weighted.reduce((s, p) => s + (p.denominator ?? 0), 0);
    if (weight > 0) {
      const mean = roundFloat(weighted.reduce((s, p) => s + (p.value ?? 0) * (p.denominator ?? 0), 0) / weight);
      if (value === null) {
        value = mean;
        source = 'weightedMean';
      } else if (Math.abs(mean - value) > Math.max(0.05, Math.abs(value) * 0.005)) {
        notes.push(text(
          `Số của cơ quan chủ trì (${formatNumberVi(value, 2)}) khác bình quân gia quyền các đơn vị (${formatNumberVi(mean, 2)})`,
          `The lead agency's figure (${formatNumberEn(value, 2)}) differs from the weighted mean of contributions (${formatNumberEn(mean, 2)})`,
        ));
      }
    }
    if (weighted.length < parts.length) {
      notes.push(text('Một số đơn vị chưa ghi mẫu số nên không được tính', 'Some contributions have no denominator and were left out'));
    }
  }
  if (agg.kind !== 'lead' && expectedContributors.length > 0 && source !== 'lead') {
    const reported = parts.filter((p) => expectedContributors.includes(p.agencyId)).length;
    if (reported < expectedContributors.length) {
      notes.push(text(
        `Mới có ${reported}/${expectedContributors.length} đơn vị báo cáo`,
        `${reported} of ${expectedContributors.length} expected agencies have reported`,
      ));
    }
  }
  if (lead.kind === 'unresolved') {
    notes.push(text(
      `Cần phân công lại cơ quan chủ trì: ${lead.original} đã giải thể, chưa xác định được đơn vị kế thừa`,
      `The lead must be reassigned: ${lead.original} no longer exists and its successor for this field is not known`,
    ));
  }

  const observation = { value, answer, previous: finite(previous?.[indicator.code]) };
  const { evaluation, judgement } = evaluateWithJudgement(plan, indicator, period, observation, judgements, notes);
  const targetText = (t: IndicatorEvaluation['yearTarget']): Text | null => (t ? { vi: t.text, en: renderTarget(t.target, 'en') } : null);
  const reportable = indicator.reportable && !indicator.replacedBy;
  const category: Category = reportable ? evaluation.category : 'noData';

  return {
    code: indicator.code,
    name: indicator.name,
    ...(indicator.nameEn ? { nameEn: indicator.nameEn } : {}),
    unit: indicator.unit,
    depth: depthOf(indicator.code),
    ...(indicator.parent ? { parent: indicator.parent } : {}),
    reportable,
    countsInSummary: reportable && !(parent && parent.reportable),
    aggregation: agg.kind,
    lead: leadId,
    leadStatus: lead.kind === 'agency' ? 'assigned' : lead.kind === 'unassigned' ? 'unassigned' : 'unresolved',
    value,
    answer,
    source,
    contributions,
    expectedContributors,
    yearTarget: targetText(evaluation.yearTarget),
    periodTarget: targetText(evaluation.periodTarget),
    verdict: evaluation.year.verdict,
    verdictPeriod: evaluation.period.verdict,
    progressYear: evaluation.progressYear,
    progressPeriod: evaluation.progressPeriod,
    category,
    categoryLabel: categoryLabel(category),
    notes,
    ...(judgement ? { judgement } : {}),
  };
}

const JUDGED_ANSWER: Record<HandJudgement['verdict'], QualitativeAnswer> = { met: 'achieved', withinTolerance: 'basicallyAchieved', notMet: 'notAchieved' };
const JUDGED_WORDS: Record<HandJudgement['verdict'], Text> = {
  met: text('đạt', 'met'),
  withinTolerance: text('cơ bản đạt', 'within tolerance'),
  notMet: text('không đạt', 'not met'),
};

/**
 * The engine's evaluation, except where the year's or the plan-period target is judged by
 * hand: there the consolidator's judgement stands as the answer to a qualitative target
 * (met = Đạt, within tolerance = Cơ bản đạt, not met = Không đạt), so the engine's rules
 * for verdicts and categories still apply. Without a judgement the target stays not
 * assessable. Either way a note says so, with who judged and when.
 */
function evaluateWithJudgement(
  plan: CompiledPlan,
  indicator: Indicator,
  period: Period,
  observation: Observation,
  judgements: ConsolidateInput['judgements'],
  notes: Text[],
): { evaluation: IndicatorEvaluation; judgement: HandJudgement | null } {
  const yearTarget = targetForYear(indicator, period.year);
  const periodTarget = periodTargetOf(indicator, plan.plan);
  if (!yearTarget?.judgedByHand && !periodTarget?.judgedByHand) return { evaluation: evaluateIndicator(plan.plan, indicator, period, observation), judgement: null };
  const given = judgements && typeof judgements === 'object' && Object.hasOwn(judgements, indicator.code) ? judgements[indicator.code] : undefined;
  if (!given || typeof given !== 'object' || !Object.hasOwn(JUDGED_ANSWER, given.verdict)) {
    notes.push(text(
      'Chỉ tiêu do cơ quan tổng hợp đánh giá; kỳ này chưa có đánh giá nên chưa đánh giá được',
      'This target is judged by the consolidator; no judgement is recorded for this period, so it is not assessed',
    ));
    return { evaluation: evaluateIndicator(plan.plan, indicator, period, observation), judgement: null };
  }
  const judgement: HandJudgement = { verdict: given.verdict, reason: String(given.reason ?? ''), by: String(given.by ?? ''), at: String(given.at ?? '') };
  const asAnswered = (t: YearTarget): YearTarget =>
    t.judgedByHand ? { ...t, target: { kind: 'qualitative', expected: 'achieved', statement: t.text, allowedAnswers: ['achieved', 'basicallyAchieved', 'notAchieved'] } } : t;
  const judged: Indicator = { ...indicator, targets: Object.fromEntries(Object.entries(indicator.targets).map(([year, t]) => [year, asAnswered(t)])) };
  const evaluation = evaluateIndicator(plan.plan, judged, period, { ...observation, answer: JUDGED_ANSWER[judgement.verdict] });
  const words = JUDGED_WORDS[judgement.verdict];
  notes.push(text(
    `Cơ quan tổng hợp đánh giá ${words.vi} (${judgement.by}, ${judgement.at}): ${judgement.reason}`,
    `Judged ${words.en} by the consolidator (${judgement.by}, ${judgement.at}): ${judgement.reason}`,
  ));
  // The row shows the plan's own target phrases, not the stand-in.
  return { evaluation: { ...evaluation, yearTarget, periodTarget }, judgement };
}

const CATEGORY_ORDER: Category[] = [1, 2, 3, 4, 'noData'];

function summarize(rows: readonly ConsolidatedRow[]): ConsolidatedTable['summary'] {
  const counted = rows.filter((r) => r.countsInSummary);
  const total = counted.length;
  const counts = CATEGORY_ORDER.map((category) => counted.filter((r) => r.category === category).length);
  const shares = sharesOf(counts, total);
  const categories = CATEGORY_ORDER.map((category, i) => ({ category, label: categoryLabel(category), count: counts[i]!, share: shares[i]! }));
  const first = categories[0]!;
  return {
    total,
    categories,
    sentence: text(
      `${first.count}/${total} chỉ tiêu (${formatNumberVi(first.share, 1)}%) đã hoàn thành, vượt mục tiêu giai đoạn`,
      `${first.count} of ${total} indicators (${formatNumberEn(first.share, 1)}%) already met the plan-period target`,
    ),
  };
}

/**
 * Shares in percent with one decimal that add up to exactly 100 (largest remainder), so a
 * printed summary never shows 33,3 + 33,3 + 33,3 = 99,9.
 */
function sharesOf(counts: readonly number[], total: number): number[] {
  if (total === 0) return counts.map(() => 0);
  const tenths = counts.map((c) => (c / total) * 1000);
  const floors = tenths.map(Math.floor);
  let left = 1000 - floors.reduce((a, b) => a + b, 0);
  const order = tenths.map((t, i) => ({ i, rest: t - Math.floor(t) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  return floors.map((t) => t / 10);
}

export function documentDueDate(document: PlanDocument, period: Period): string {
  const due = document.due;
  if (due.kind === 'quarter') {
    const month = due.quarter * 3;
    const day = new Date(Date.UTC(due.year, month, 0)).getUTCDate();
    return `${due.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  if (due.kind === 'year') return `${due.year}-12-31`;
  return `${period.year}-12-31`;
}

function documentStatus(plan: CompiledPlan, register: AgencyRegister, period: Period, reports: readonly ReportRecord[]): ConsolidatedTable['documents'] {
  const window = periodWindow(plan.plan, period);
  const cutoff = window?.to ?? `${period.year}-12-31`;
  const issued = new Map<string, DocumentEntryInput>();
  for (const report of reports) {
    for (const d of listOf<DocumentEntryInput>(report.documents)) {
      const code = codeOf(d);
      if (code && d.status === 'issued' && !issued.has(code)) issued.set(code, d);
    }
  }
  const rows: DocumentRow[] = plan.plan.documents.map((document) => {
    const dueDate = documentDueDate(document, period);
    const entry = issued.get(document.code);
    const responsible = register.responsibleOn(document.lead, cutoff);
    const status: DocumentStatus = entry ? 'issued' : dueDate < cutoff && !document.condition ? 'overdue' : 'pending';
    return {
      code: document.code,
      title: document.title,
      due: document.due,
      dueDate,
      lead: responsible.kind === 'agency' ? responsible.id : document.lead,
      status,
      conditional: Boolean(document.condition),
      reference: typeof entry?.reference === 'string' ? entry.reference : null,
      issuedOn: typeof entry?.issuedOn === 'string' ? entry.issuedOn : null,
    };
  });
  const counts: Record<DocumentStatus, number> = { issued: 0, overdue: 0, pending: 0 };
  for (const r of rows) counts[r.status]++;
  return { rows, counts };
}

function projectRollups(plan: CompiledPlan, reports: readonly ReportRecord[]): ConsolidatedTable['projects'] {
  const disbursedByProject = new Map<string, number>();
  for (const report of reports) {
    for (const p of listOf<ProjectEntryInput>(report.projects)) {
      const code = codeOf(p);
      if (!plan.projects.has(code)) continue;
      const reading = readDisbursement(p.disbursed);
      if (reading.kind === 'number' && reading.value >= 0 && reading.value <= 1e15) disbursedByProject.set(code, reading.value);
    }
  }
  const childrenOf = (group: string) => [
    ...plan.plan.projectGroups.filter((g) => g.parent === group).map((g) => g.code),
    ...plan.plan.projects.filter((p) => p.group === group).map((p) => p.code),
  ];
  // A group with no member rows of its own (the grand total) is what its roll-up rule names: TOTAL = A + B.
  const rollupMembers = new Map<string, string[]>();
  for (const rule of plan.plan.rules) if (rule.kind === 'projectRollup' && !rollupMembers.has(rule.group)) rollupMembers.set(rule.group, rule.members);
  const membersOf = (group: string) => {
    const children = childrenOf(group);
    return children.length > 0 ? children : (rollupMembers.get(group) ?? []).filter((m) => m !== group && (plan.projects.has(m) || plan.projectGroups.has(m)));
  };
  const computedCache = new Map<string, { costs: Costs; disbursed: number | null }>();
  const computing = new Set<string>();
  const compute = (code: string): { costs: Costs; disbursed: number | null } => {
    const cached = computedCache.get(code);
    if (cached) return cached;
    // A roll-up rule that names its own ancestor must not loop: the cycle counts as stated.
    if (computing.has(code)) return { costs: plan.projectGroups.get(code)?.costs ?? { total: 0, carriedOver: 0, new: 0 }, disbursed: null };
    computing.add(code);
    const project = plan.projects.get(code);
    let result: { costs: Costs; disbursed: number | null };
    if (project) {
      result = { costs: project.costs, disbursed: disbursedByProject.get(code) ?? null };
    } else {
      const members = membersOf(code).map(compute);
      const costs = { total: 0, carriedOver: 0, new: 0 };
      let disbursed: number | null = null;
      for (const m of members) {
        costs.total = roundFloat(costs.total + m.costs.total);
        costs.carriedOver = roundFloat(costs.carriedOver + m.costs.carriedOver);
        costs.new = roundFloat(costs.new + m.costs.new);
        if (m.disbursed !== null) disbursed = roundFloat((disbursed ?? 0) + m.disbursed);
      }
      result = { costs: members.length > 0 ? costs : (plan.projectGroups.get(code)?.costs ?? costs), disbursed };
    }
    computing.delete(code);
    computedCache.set(code, result);
    return result;
  };
  const rows: ProjectRollupRow[] = [];
  const visit = (code: string, parent: string | null) => {
    const group = plan.projectGroups.get(code);
    const project = plan.projects.get(code);
    const planned = group?.costs ?? project?.costs;
    if (!planned) return;
    const { costs, disbursed } = compute(code);
    const consistent = (['total', 'carriedOver', 'new'] as const).every((f) => Math.abs(costs[f] - planned[f]) < 1e-6);
    rows.push({
      code,
      title: group?.title ?? project!.title,
      kind: group ? 'group' : 'project',
      parent,
      planned,
      computed: costs,
      consistent,
      disbursed,
      disbursedShare: disbursed !== null && planned.total > 0 ? Math.round((disbursed / planned.total) * 1000) / 10 : null,
    });
    if (group) for (const m of childrenOf(code)) visit(m, code);
  };
  for (const g of plan.plan.projectGroups.filter((x) => x.parent === null)) visit(g.code, null);
  return { rows, violations: checkProjectRules(plan) };
}

function submissionStatus(plan: CompiledPlan, register: AgencyRegister, period: Period, reports: readonly ReportRecord[]): ConsolidatedTable['agencies'] {
  const expected = new Map<string, number>();
  const date = referenceDate(plan, period);
  const candidates = new Set<string>();
  for (const indicator of plan.plan.indicators) {
    const lead = responsibleLead(register, indicator, date);
    if (lead.kind === 'agency') candidates.add(lead.id);
    for (const c of contributorsOf(register, indicator, date)) candidates.add(c);
  }
  for (const id of candidates) {
    const n = assignmentFor(plan, register, id, period).indicators.length;
    if (n > 0) expected.set(id, n);
  }
  const byAgency = new Map(reports.map((r) => [r.agencyId, r]));
  const ids = new Set([...expected.keys(), ...byAgency.keys()]);
  return [...ids].sort().map((agencyId) => {
    const report = byAgency.get(agencyId);
    return { agencyId, status: report?.status ?? 'missing', indicators: expected.get(agencyId) ?? 0, revision: report?.revision ?? null };
  });
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
