import type { AgencyRegister } from './agencies/register';
import { assignmentFor, contributorsOf, referenceDate, responsibleLead } from './assignment';
import type { CompiledPlan } from './compile';
import { displayValue, readEntry } from './entries';
import type { ReadEntry } from './entries';
import { categoryLabel, evaluateIndicator, periodTargetOf, targetForYear } from './evaluate';
import type { Category, IndicatorEvaluation, Observation, Verdict } from './evaluate';
import type { Finding } from './findings';
import { formatNumberEn, formatNumberVi, roundFloat } from './numbers';
import { COUNTED_STATUSES, isReportStatus } from './lifecycle';
import type { SubmissionStatus } from './lifecycle';
import { parsePeriod, periodWindow } from './periods';
import { periodLabel } from './layout/labels';
import type { Period } from './periods';
import { checkProjectRules } from './projects';
import type { RollupViolation } from './projects';
import type { Costs, Indicator, PlanDocument, YearTarget } from './schema/plan';
import type { QualitativeAnswer } from './schema/target';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from './schema/report';
import { renderTarget } from './targets/render';
import { formatDateTime } from './layout/labels';
import { checkPeriod, readDisbursement } from './validate';
import { codeOf, isObject, listOf, ownField } from './untrusted';
import type { Untrusted } from './untrusted';
import { indicatorOf } from './compile';
import { text } from './i18n';
import { consolidateTasks, emptyCounts } from './consolidate-tasks';
import type { TaskTable } from './consolidate-tasks';
import { tasksLedBy, taskLeadOn } from './tasks';
import type { Text } from './i18n';

/**
 * Consolidation: many agency reports → the citywide table the standing agency sends to
 * the city's leaders. Pure: the server passes the reports it holds.
 */
export type { SubmissionStatus };

export interface ReportRecord {
  agencyId: string;
  /**
   * The status of this revision. From the server: the agency's newest revision that is not a
   * draft (submitted, late, approved or returned), or its draft when it has never submitted.
   */
  status: Exclude<SubmissionStatus, 'missing'>;
  entries: readonly EntryInput[];
  documents?: readonly DocumentEntryInput[];
  projects?: readonly ProjectEntryInput[];
  tasks?: readonly TaskEntryInput[];
  revision?: number;
  updatedAt?: string;
  late?: boolean;
  /** The consolidator's comment, on a returned report. */
  comment?: string | null;
  /** A newer draft on top of this revision (an update in progress): its figures count only when drafts are asked for. */
  draft?: DraftRecord;
  /** Every time the consolidator returned this report, oldest first, also when it has been resubmitted since. */
  returns?: readonly ReturnRecord[];
}

/** The consolidator's words when returning a report, and when. */
export interface ReturnRecord {
  comment: string;
  at: string;
}

export interface DraftRecord {
  revision: number;
  /** When the update began: the first draft saved after the revision that counts. */
  since: string;
  entries: readonly EntryInput[];
  documents?: readonly DocumentEntryInput[];
  projects?: readonly ProjectEntryInput[];
  tasks?: readonly TaskEntryInput[];
}

/** One stored revision, as the server keeps them (server/storage ReportRevision). */
export interface StoredRevision {
  agencyId: string;
  status: Exclude<SubmissionStatus, 'missing'>;
  revision: number;
  savedAt: string;
  entries: readonly EntryInput[];
  documents?: readonly DocumentEntryInput[];
  projects?: readonly ProjectEntryInput[];
  tasks?: readonly TaskEntryInput[];
  late?: boolean;
  comment?: string | null;
  /** What wrote this revision: "return" marks the consolidator's return. */
  action?: string;
}

/**
 * Which revision counts, from one agency's revisions (oldest first): the newest submitted, late,
 * approved or returned one, with any newer drafts as the update in progress; the draft itself when
 * the agency has never submitted. A returned report stays returned (and does not count) until it
 * is submitted again, even while it is being corrected. Only the revisions from the newest
 * non-draft on are needed.
 */
export function recordFromRevisions(revisions: readonly StoredRevision[]): ReportRecord | null {
  const latest = revisions.at(-1);
  if (!latest) return null;
  const base = revisions.findLastIndex((r) => r.status !== 'draft');
  const baseRevision = base >= 0 ? revisions[base] : undefined;
  const record = (r: StoredRevision): ReportRecord => ({
    agencyId: r.agencyId,
    status: r.status,
    entries: r.entries,
    documents: r.documents ?? [],
    projects: r.projects ?? [],
    tasks: r.tasks ?? [],
    revision: r.revision,
    updatedAt: r.savedAt,
    late: r.late ?? r.status === 'late',
    comment: r.comment ?? null,
  });
  if (!baseRevision) return record(latest);
  const returns = returnsOf(revisions);
  const counted = { ...record(baseRevision), ...(returns.length > 0 ? { returns } : {}) };
  // The drafts saved after the revision that counts, if any: the update in progress.
  const firstDraft = revisions[base + 1];
  if (!firstDraft) return counted;
  return {
    ...counted,
    draft: { revision: latest.revision, since: firstDraft.savedAt, entries: latest.entries, documents: latest.documents ?? [], projects: latest.projects ?? [], tasks: latest.tasks ?? [] },
  };
}

/** The return comments in a report's history: the revisions the consolidator's "return" wrote. */
function returnsOf(revisions: readonly StoredRevision[]): ReturnRecord[] {
  const returns: ReturnRecord[] = [];
  for (const r of revisions) {
    const isReturn = r.action === 'return' || (r.action === undefined && r.status === 'returned');
    if (isReturn && typeof r.comment === 'string' && r.comment.trim() !== '') returns.push({ comment: r.comment, at: r.savedAt });
  }
  return returns;
}

export interface ConsolidateInput {
  period: string;
  reports: readonly ReportRecord[];
  /** Citywide values of the same period a year before, for change targets. */
  previous?: Readonly<Record<string, number | null | undefined>>;
  /** Count draft reports too (default: only submitted, late and approved ones count). */
  includeDrafts?: boolean;
  /** The category counts of the previous period's table, so the summary can say how each moved. */
  previousSummary?: PreviousSummary | null;
  /** The consolidator's judgements by indicator code; used only where a target is judged by hand. */
  judgements?: Readonly<Record<string, HandJudgement>>;
}

/** The consolidator's judgement of an indicator whose target the plan marks as judged by hand. */
export interface HandJudgement {
  verdict: 'met' | 'withinTolerance' | 'notMet';
  reason: string;
  /** Token id of the consolidator. */
  by: string;
  /** The label of that token ("Văn phòng Sở Nội vụ"), shown to readers instead of the id when known. */
  byName?: string;
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

/** An agency's own words (a note on a value, a document or a project), with who wrote it. */
export interface AgencyNote {
  agencyId: string;
  /** The agency's name in the register ("Sở Y tế"), Vietnamese and English. */
  agency: Text;
  note: string;
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
  /** Why this category: for "not assessable", what is missing (an unread target, last year's value …). */
  categoryReason: Text;
  /** The engine's notes (sums that differ, contributions missing, a lead to reassign). */
  notes: Text[];
  /** The agencies' notes on this indicator, lead first. */
  agencyNotes: AgencyNote[];
  /** Present when the verdict is the consolidator's judgement of a target judged by hand. */
  judgement?: HandJudgement;
  /** The year's or the plan-period target is judged by the consolidator, not the engine: the pane offers to judge it. */
  judgedByHand: boolean;
}

export interface CategoryCount {
  category: Category;
  label: Text;
  count: number;
  /** Percent of the indicators counted in the summary, rounded on its own to one decimal. */
  share: number;
  /** This count minus the previous period's; null when there is no previous table. */
  change: number | null;
}

/**
 * issued: a counted report says so; overdue: reported as not issued after its due date;
 * notReported: past its due date and no counted report says anything about it; pending: not due
 * yet, or conditional.
 */
export type DocumentStatus = 'issued' | 'overdue' | 'notReported' | 'pending';

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
  /** The agency whose report gave the status (issued or not issued), or null. */
  reportedBy: string | null;
  notes: AgencyNote[];
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
  notes: AgencyNote[];
}

export interface ConsolidatedTable {
  planId: string;
  revision: number;
  period: string;
  referenceDate: string;
  rows: ConsolidatedRow[];
  summary: {
    total: number;
    categories: CategoryCount[];
    /** The period the changes are measured from (the previous report of the plan's calendar), or null. */
    previousPeriod: string | null;
    sentence: Text;
  };
  documents: { rows: DocumentRow[]; counts: Record<DocumentStatus, number> };
  projects: { rows: ProjectRollupRow[]; violations: RollupViolation[] };
  /** The tasks of a plan written as tasks (shared/consolidate-tasks.ts); no rows for a plan without tasks. */
  tasks: TaskTable;
  /** Whose figures the table holds: the submitted and approved revisions, or the drafts on top of them. */
  basis: 'submitted' | 'drafts';
  agencies: AgencySubmission[];
  submissions: SubmissionCounts;
  /**
   * Problems met while consolidating: the period, and every cell of a counted report that
   * could not be read (the same findings validation gives), tagged with the agency.
   */
  findings: ConsolidationFinding[];
}

export type ConsolidationFinding = Finding & { agencyId?: string };

export interface AgencySubmission {
  agencyId: string;
  /** The status of the revision that counts (see recordFromRevisions); "missing" without a report. */
  status: SubmissionStatus;
  /** Rows the agency is expected to report in this period. */
  indicators: number;
  /** Tasks the agency leads (reports the status of) in this period. */
  tasks: number;
  /** The revision shown by status. */
  revision: number | null;
  /** Whether this agency's figures are in the table, on the table's basis. */
  counted: boolean;
  /** Which revision's figures are in the table (the draft's with the drafts basis), or null. */
  countedRevision: number | null;
  late: boolean;
  /** When the revision shown by status was saved. */
  updatedAt: string | null;
  /** A newer draft: the agency is correcting its report since `since`. */
  updateInProgress: { revision: number; since: string } | null;
  /** A returned report: the consolidator's comment and when it was returned. */
  returned: { comment: string | null; at: string | null } | null;
  /** Every return of this report in its history, oldest first (the current one included). */
  returns: ReturnRecord[];
}

/** Submission counts, each status on its own; late is the part of submitted that came after the deadline. */
export interface SubmissionCounts {
  total: number;
  submitted: number;
  late: number;
  approved: number;
  returned: number;
  draft: number;
  missing: number;
  /** Submitted or approved reports with a newer draft. */
  updating: number;
  /** Agencies whose figures are in the table. */
  counted: number;
}

export function consolidate(plan: CompiledPlan, register: AgencyRegister, rawInput: ConsolidateInput): ConsolidatedTable {
  // Reports come from storage and uploads: never trust their shape, never throw on them.
  const input: Untrusted<ConsolidateInput> = isObject(rawInput) ? rawInput : {};
  const findings: ConsolidationFinding[] = [];
  const reports = listOf(input.reports).filter(isReportRecord);
  const { period, findings: periodProblems } = checkPeriod(plan, input.period, { vi: 'chưa tổng hợp được', en: 'nothing was consolidated' });
  findings.push(...periodProblems);
  if (!period) {
    return {
      planId: plan.plan.id,
      revision: plan.plan.revision,
      period: displayValue(input.period).slice(0, 40),
      referenceDate: '',
      rows: [],
      summary: summarize([], input.previousSummary),
      documents: { rows: [], counts: { issued: 0, overdue: 0, notReported: 0, pending: 0 } },
      projects: projectRollups(plan, register, []),
      tasks: { rows: [], counts: emptyCounts(), byAgency: [], overdue: [] },
      basis: input.includeDrafts ? 'drafts' : 'submitted',
      agencies: [],
      submissions: countSubmissions([]),
      findings,
    };
  }
  const date = referenceDate(plan, period);
  const counted = reports.map((r) => figuresOf(r, input.includeDrafts === true)).filter((r) => r !== null);
  const contributorsByCode = new Map(plan.plan.indicators.map((i) => [i.code, contributorsOf(register, i, date)]));

  // Read every report once with the same reader validation uses.
  const readByAgency = new Map<string, CountedReading>();
  for (const report of counted) {
    const entries = new Map<string, ReadEntry>();
    for (const entry of listOf(report.entries)) {
      if (!isObject(entry)) continue;
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
    readByAgency.set(report.agencyId, { status: report.status, entries });
  }

  const rows = plan.order.map((code) =>
    consolidateRow(plan, register, indicatorOf(plan, code), period, date, contributorsByCode.get(code) ?? [], readByAgency, input.previous, input.judgements),
  );
  const summary = summarize(rows, input.previousSummary);
  const agencies = submissionStatus(plan, register, period, reports, new Map(counted.map((r) => [r.agencyId, r.revision ?? null])));
  return {
    planId: plan.plan.id,
    revision: plan.plan.revision,
    period: period.id,
    referenceDate: date,
    rows,
    summary,
    documents: documentStatus(plan, register, period, counted),
    projects: projectRollups(plan, register, counted),
    tasks: consolidateTasks(plan, register, period, counted),
    basis: input.includeDrafts ? 'drafts' : 'submitted',
    agencies,
    submissions: countSubmissions(agencies),
    findings,
  };
}

/** The figures of a report that count, as stored: each list is checked where it is read. */
interface CountedFigures {
  agencyId: string;
  status: ReportRecord['status'];
  entries: unknown;
  documents?: unknown;
  projects?: unknown;
  tasks?: unknown;
  revision?: number;
}

/** One counted report's entries, read once, by indicator code, with the status of the report. */
interface CountedReading {
  status: ReportRecord['status'];
  entries: ReadonlyMap<string, ReadEntry>;
}

/**
 * The figures of a report that count on the table's basis: a submitted, late or approved
 * revision; with drafts, the newer draft on top of it, or the draft of an agency that has not
 * submitted. A returned report never counts by itself; with drafts, its correction in progress does.
 */
function figuresOf(report: ReportRecord, includeDrafts: boolean): CountedFigures | null {
  if (includeDrafts && report.draft && typeof report.draft === 'object') {
    const d = report.draft;
    return { agencyId: report.agencyId, status: 'draft', entries: d.entries, documents: d.documents, projects: d.projects, tasks: d.tasks, revision: d.revision };
  }
  if (COUNTED_STATUSES.has(report.status) || (includeDrafts && report.status === 'draft')) return report;
  return null;
}

function agencyNote(register: AgencyRegister, agencyId: string, note: string): AgencyNote {
  const agency = register.get(agencyId);
  return { agencyId, agency: agency ? text(agency.name, agency.nameEn ?? agency.name) : text(agencyId, agencyId), note };
}

function noteOf(row: { note?: unknown } | null | undefined): string {
  return typeof row?.note === 'string' ? row.note.trim() : '';
}

function isReportRecord(value: unknown): value is ReportRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<ReportRecord>;
  return typeof r.agencyId === 'string' && isReportStatus(r.status);
}

/** Who holds `agencyId`'s work in `field` on `date`, when that is another agency; null otherwise. */
function passesTo(register: AgencyRegister, agencyId: string, date: string, field: string | undefined): string | null {
  const r = register.responsibleOn(agencyId, date, field);
  return r.kind === 'agency' && r.id !== agencyId ? r.id : null;
}

function depthOf(code: string): number {
  return code.split('.').length - 1;
}

/** Every reported figure on this row, lead first, each with its agency's role. */
function contributionsOf(
  register: AgencyRegister,
  indicator: Indicator,
  date: string,
  leadId: string | null,
  expectedContributors: readonly string[],
  readByAgency: ReadonlyMap<string, CountedReading>,
): Contribution[] {
  const contributions: Contribution[] = [];
  for (const [agencyId, { status, entries }] of readByAgency) {
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
      status,
    });
  }
  return contributions.sort((a, b) => (a.role === b.role ? a.agencyId.localeCompare(b.agencyId) : a.role === 'lead' ? -1 : b.role === 'lead' ? 1 : 0));
}

/** Every agency's note on this row, with or without a value ("no data because …" is news too), lead first. */
function agencyNotesOf(
  register: AgencyRegister,
  code: string,
  contributions: readonly Contribution[],
  readByAgency: ReadonlyMap<string, CountedReading>,
): AgencyNote[] {
  const leaders = new Set(contributions.filter((c) => c.role === 'lead').map((c) => c.agencyId));
  const agencyNotes: AgencyNote[] = [];
  for (const [agencyId, { entries }] of readByAgency) {
    const note = noteOf(entries.get(code));
    if (note) agencyNotes.push(agencyNote(register, agencyId, note));
  }
  return agencyNotes.sort((a, b) => Number(leaders.has(b.agencyId)) - Number(leaders.has(a.agencyId)) || a.agencyId.localeCompare(b.agencyId));
}

interface RowValue {
  value: number | null;
  answer: QualitativeAnswer | null;
  source: ConsolidatedRow['source'];
}

/**
 * The row's figure: the lead's, else the sum or weighted mean of the expected contributors
 * (a figure from an agency that is neither is shown, never added in); a lead figure that
 * disagrees with its parts, missing denominators and missing contributors become notes.
 */
function aggregateRow(indicator: Indicator, contributions: readonly Contribution[], leadId: string | null, expectedContributors: readonly string[], notes: Text[]): RowValue {
  const leadEntry = contributions.find((c) => c.role === 'lead' && c.agencyId === leadId) ?? contributions.find((c) => c.role === 'lead');
  const parts = contributions.filter((c) => c.role === 'contributor');
  const result: RowValue = leadEntry ? { value: leadEntry.value, answer: leadEntry.answer, source: 'lead' } : { value: null, answer: null, source: 'none' };
  const agg = indicator.aggregation;
  if (agg.kind === 'sum' && parts.length > 0) {
    const numeric = parts.filter((p) => p.value !== null);
    const sum = roundFloat(numeric.reduce((s, p) => s + (p.value ?? 0), 0));
    if (result.value === null) {
      result.value = sum;
      result.source = 'sum';
    } else if (Math.abs(sum - result.value) > Math.max(1e-9, Math.abs(result.value) * 0.005)) {
      notes.push(text(
        `Số tổng hợp của cơ quan chủ trì (${formatNumberVi(result.value)}) khác tổng các đơn vị (${formatNumberVi(sum)})`,
        `The lead agency's total (${formatNumberEn(result.value)}) differs from the sum of contributions (${formatNumberEn(sum)})`,
      ));
    }
  }
  if (agg.kind === 'weightedMean' && parts.length > 0) {
    const weighted = parts.filter((p) => p.value !== null && p.denominator !== null && p.denominator > 0);
    const weight = weighted.reduce((s, p) => s + (p.denominator ?? 0), 0);
    if (weight > 0) {
      const mean = roundFloat(weighted.reduce((s, p) => s + (p.value ?? 0) * (p.denominator ?? 0), 0) / weight);
      if (result.value === null) {
        result.value = mean;
        result.source = 'weightedMean';
      } else if (Math.abs(mean - result.value) > Math.max(0.05, Math.abs(result.value) * 0.005)) {
        notes.push(text(
          `Số của cơ quan chủ trì (${formatNumberVi(result.value, 2)}) khác bình quân gia quyền các đơn vị (${formatNumberVi(mean, 2)})`,
          `The lead agency's figure (${formatNumberEn(result.value, 2)}) differs from the weighted mean of contributions (${formatNumberEn(mean, 2)})`,
        ));
      }
    }
    if (weighted.length < parts.length) {
      notes.push(text('Một số đơn vị chưa ghi mẫu số nên không được tính', 'Some contributions have no denominator and were left out'));
    }
  }
  if (agg.kind !== 'lead' && expectedContributors.length > 0 && result.source !== 'lead') {
    const reported = parts.filter((p) => expectedContributors.includes(p.agencyId)).length;
    if (reported < expectedContributors.length) {
      notes.push(text(
        `Mới có ${reported}/${expectedContributors.length} đơn vị báo cáo`,
        `${reported} of ${expectedContributors.length} expected agencies have reported`,
      ));
    }
  }
  return result;
}

function consolidateRow(
  plan: CompiledPlan,
  register: AgencyRegister,
  indicator: Indicator,
  period: Period,
  date: string,
  expectedContributors: string[],
  readByAgency: ReadonlyMap<string, CountedReading>,
  /** ConsolidateInput's previous and judgements, as given: checked where they are read. */
  previous: unknown,
  judgements: unknown,
): ConsolidatedRow {
  const parent = indicator.parent ? plan.indicators.get(indicator.parent) : undefined;
  const lead = responsibleLead(register, indicator, date);
  const leadId = lead.kind === 'agency' ? lead.id : null;
  const notes: Text[] = [];
  const contributions = contributionsOf(register, indicator, date, leadId, expectedContributors, readByAgency);
  const agencyNotes = agencyNotesOf(register, indicator.code, contributions, readByAgency);
  const { value, answer, source } = aggregateRow(indicator, contributions, leadId, expectedContributors, notes);
  if (lead.kind === 'unresolved') {
    notes.push(text(
      `Cần phân công lại cơ quan chủ trì: ${lead.original} đã giải thể, chưa xác định được đơn vị kế thừa`,
      `The lead must be reassigned: ${lead.original} no longer exists and its successor for this field is not known`,
    ));
  }

  const observation = { value, answer, previous: finite(ownField(previous, indicator.code)) };
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
    countsInSummary: reportable && !parent?.reportable,
    aggregation: indicator.aggregation.kind,
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
    categoryReason: reportable ? evaluation.categoryReason : categoryLabel(category),
    notes,
    agencyNotes,
    ...(judgement ? { judgement } : {}),
    judgedByHand: isJudgedByHand(indicator, period, plan),
  };
}

function isJudgedByHand(indicator: Indicator, period: Period, plan: CompiledPlan): boolean {
  return targetForYear(indicator, period.year)?.judgedByHand === true || periodTargetOf(indicator, plan.plan)?.judgedByHand === true;
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
  judgements: unknown,
  notes: Text[],
): { evaluation: IndicatorEvaluation; judgement: HandJudgement | null } {
  const yearTarget = targetForYear(indicator, period.year);
  const periodTarget = periodTargetOf(indicator, plan.plan);
  if (!isJudgedByHand(indicator, period, plan)) return { evaluation: evaluateIndicator(plan.plan, indicator, period, observation), judgement: null };
  const judgement = readJudgement(ownField(judgements, indicator.code));
  if (!judgement) {
    notes.push(text(
      'Chỉ tiêu do cơ quan tổng hợp đánh giá; kỳ này chưa có đánh giá nên chưa đánh giá được',
      'This target is judged by the consolidator; no judgement is recorded for this period, so it is not assessed',
    ));
    return { evaluation: evaluateIndicator(plan.plan, indicator, period, observation), judgement: null };
  }
  const who = judgement.byName ?? judgement.by;
  const asAnswered = (t: YearTarget): YearTarget =>
    t.judgedByHand ? { ...t, target: { kind: 'qualitative', expected: 'achieved', statement: t.text, allowedAnswers: ['achieved', 'basicallyAchieved', 'notAchieved'] } } : t;
  const judged: Indicator = { ...indicator, targets: Object.fromEntries(Object.entries(indicator.targets).map(([year, t]) => [year, asAnswered(t)])) };
  const evaluation = evaluateIndicator(plan.plan, judged, period, { ...observation, answer: JUDGED_ANSWER[judgement.verdict] });
  const words = JUDGED_WORDS[judgement.verdict];
  notes.push(text(
    `Cơ quan tổng hợp đánh giá ${words.vi} (${who}, ${formatDateTime(judgement.at, 'vi')}): ${judgement.reason}`,
    `Judged ${words.en} by the consolidator (${who}, ${formatDateTime(judgement.at, 'en')}): ${judgement.reason}`,
  ));
  // The row shows the plan's own target phrases, not the stand-in.
  return { evaluation: { ...evaluation, yearTarget, periodTarget }, judgement };
}

/** A stored judgement (it comes from the store, written by a request), or null when it has no verdict we know. */
function readJudgement(raw: unknown): HandJudgement | null {
  if (!isObject(raw)) return null;
  const given: Untrusted<HandJudgement> = raw;
  const verdict = given.verdict;
  if (verdict !== 'met' && verdict !== 'withinTolerance' && verdict !== 'notMet') return null;
  return {
    verdict,
    reason: displayValue(given.reason),
    by: displayValue(given.by),
    ...(typeof given.byName === 'string' && given.byName ? { byName: given.byName } : {}),
    at: displayValue(given.at),
  };
}

const CATEGORY_ORDER: Category[] = [1, 2, 3, 4, 'notAssessable', 'noData'];

/** How the standing agency words each category in the summary sentence. */
const SENTENCE_PHRASES: Record<Category, Text> = {
  1: text('đã hoàn thành, vượt mục tiêu giai đoạn', 'already met the plan-period target'),
  2: text('hoàn thành kế hoạch năm', "met this year's plan"),
  3: text('đang triển khai theo tiến độ', "on schedule to meet this year's plan"),
  4: text('gặp khó khăn', 'facing difficulties'),
  notAssessable: text('chưa đánh giá được', 'not assessable'),
  noData: text('chưa có số liệu', 'without data'),
};

/** The previous period's category counts, as the server read them from that period's table. */
export interface PreviousSummary {
  period: string;
  categories: ReadonlyArray<{ category: Category; count: number }>;
}

/** `previous` is the previous period's PreviousSummary; it comes from another table, so it is checked. */
export function summarize(rows: readonly ConsolidatedRow[], previous?: unknown): ConsolidatedTable['summary'] {
  const counted = rows.filter((r) => r.countsInSummary);
  const total = counted.length;
  const before = previousCounts(previous);
  const categories: CategoryCount[] = CATEGORY_ORDER.map((category) => {
    const count = counted.filter((r) => r.category === category).length;
    const earlier = before?.counts.get(category);
    return { category, label: categoryLabel(category), count, share: shareOf(count, total), change: before ? count - (earlier ?? 0) : null };
  });
  return { total, categories, previousPeriod: before?.period.id ?? null, sentence: summarySentence(total, categories, before?.period ?? null) };
}

/** The previous summary, or null when it is absent or not a period: it comes from another table, so it is checked. */
function previousCounts(raw: unknown): { period: Period; counts: Map<Category, number> } | null {
  if (!isObject(raw)) return null;
  const previous: Untrusted<PreviousSummary> = raw;
  if (typeof previous.period !== 'string') return null;
  const period = parsePeriod(previous.period);
  if (!period) return null;
  const counts = new Map<Category, number>();
  for (const item of listOf(previous.categories)) {
    if (!isObject(item)) continue;
    const c: Untrusted<PreviousSummary['categories'][number]> = item;
    const category = CATEGORY_ORDER.find((k) => k === c.category);
    if (category !== undefined && typeof c.count === 'number' && Number.isSafeInteger(c.count) && c.count >= 0) counts.set(category, c.count);
  }
  return { period, counts };
}

/** Each share on its own: count ÷ total, one decimal (12 of 27 is 44,4 %, whatever the others add up to). */
function shareOf(count: number, total: number): number {
  return total === 0 ? 0 : Math.round((count * 1000) / total) / 10;
}

/**
 * "Trong tổng số 27 chỉ tiêu: 5 chỉ tiêu (18,5%) đã hoàn thành, vượt mục tiêu giai đoạn (tăng 2 so
 * với 9 tháng năm 2023); …; 2 chỉ tiêu chưa đánh giá được (không đổi); 3 chỉ tiêu chưa có số liệu (giảm 2)".
 */
function summarySentence(total: number, categories: readonly CategoryCount[], previous: Period | null): Text {
  const clause = (c: CategoryCount, i: number, lang: 'vi' | 'en'): string => {
    const vi = lang === 'vi';
    const share = typeof c.category === 'number' ? ` (${vi ? formatNumberVi(c.share, 1) : formatNumberEn(c.share, 1)}%)` : '';
    const head = vi ? `${c.count} chỉ tiêu${share} ${SENTENCE_PHRASES[c.category].vi}` : `${c.count}${share} ${SENTENCE_PHRASES[c.category].en}`;
    if (c.change === null || !previous) return head;
    const moved = vi
      ? c.change > 0 ? `tăng ${c.change}` : c.change < 0 ? `giảm ${-c.change}` : 'không đổi'
      : c.change > 0 ? `up ${c.change}` : c.change < 0 ? `down ${-c.change}` : 'unchanged';
    // The first clause names the period compared with; the others only say how they moved.
    const since = i === 0 ? (vi ? ` so với ${periodLabel(previous, 'vi')}` : ` compared with the ${periodLabel(previous, 'en')}`) : '';
    return `${head} (${moved}${since})`;
  };
  return text(
    `Trong tổng số ${total} chỉ tiêu: ${categories.map((c, i) => clause(c, i, 'vi')).join('; ')}`,
    `Of ${total} indicators: ${categories.map((c, i) => clause(c, i, 'en')).join('; ')}`,
  );
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

function documentStatus(plan: CompiledPlan, register: AgencyRegister, period: Period, reports: readonly CountedFigures[]): ConsolidatedTable['documents'] {
  const window = periodWindow(plan.plan, period);
  const cutoff = window?.to ?? `${period.year}-12-31`;
  const issued = new Map<string, { entry: Untrusted<DocumentEntryInput>; agencyId: string }>();
  const notIssued = new Map<string, string>();
  const notes = new Map<string, AgencyNote[]>();
  for (const report of reports) {
    for (const row of listOf(report.documents)) {
      const code = codeOf(row);
      if (!code || !isObject(row)) continue;
      const d: Untrusted<DocumentEntryInput> = row;
      if (d.status === 'issued' && !issued.has(code)) issued.set(code, { entry: d, agencyId: report.agencyId });
      if (d.status === 'notIssued' && !notIssued.has(code)) notIssued.set(code, report.agencyId);
      const note = noteOf(d);
      if (note) notes.set(code, [...(notes.get(code) ?? []), agencyNote(register, report.agencyId, note)]);
    }
  }
  const rows: DocumentRow[] = plan.plan.documents.map((document) => {
    const dueDate = documentDueDate(document, period);
    const found = issued.get(document.code);
    const entry = found?.entry;
    const responsible = register.responsibleOn(document.lead, cutoff);
    const due = dueDate < cutoff && !document.condition;
    // "Overdue" is what an agency said (not issued, past the due date); silence is "not reported".
    const status: DocumentStatus = entry ? 'issued' : !due ? 'pending' : notIssued.has(document.code) ? 'overdue' : 'notReported';
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
      reportedBy: found?.agencyId ?? notIssued.get(document.code) ?? null,
      notes: (notes.get(document.code) ?? []).sort((a, b) => a.agencyId.localeCompare(b.agencyId)),
    };
  });
  const counts: Record<DocumentStatus, number> = { issued: 0, overdue: 0, notReported: 0, pending: 0 };
  for (const r of rows) counts[r.status]++;
  return { rows, counts };
}

function projectRollups(plan: CompiledPlan, register: AgencyRegister, reports: readonly CountedFigures[]): ConsolidatedTable['projects'] {
  const disbursedByProject = new Map<string, number>();
  const notes = new Map<string, AgencyNote[]>();
  for (const report of reports) {
    for (const row of listOf(report.projects)) {
      const code = codeOf(row);
      if (!isObject(row) || (!plan.projects.has(code) && !plan.projectGroups.has(code))) continue;
      const p: Untrusted<ProjectEntryInput> = row;
      const note = noteOf(p);
      if (note) notes.set(code, [...(notes.get(code) ?? []), agencyNote(register, report.agencyId, note)]);
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
    const item = group ?? plan.projects.get(code);
    if (!item) return;
    const planned = item.costs;
    const { costs, disbursed } = compute(code);
    const consistent = (['total', 'carriedOver', 'new'] as const).every((f) => Math.abs(costs[f] - planned[f]) < 1e-6);
    rows.push({
      code,
      title: item.title,
      kind: group ? 'group' : 'project',
      parent,
      planned,
      computed: costs,
      consistent,
      disbursed,
      disbursedShare: disbursed !== null && planned.total > 0 ? Math.round((disbursed / planned.total) * 1000) / 10 : null,
      notes: (notes.get(code) ?? []).sort((a, b) => a.agencyId.localeCompare(b.agencyId)),
    });
    if (group) for (const m of childrenOf(code)) visit(m, code);
  };
  for (const g of plan.plan.projectGroups.filter((x) => x.parent === null)) visit(g.code, null);
  return { rows, violations: checkProjectRules(plan) };
}

function submissionStatus(
  plan: CompiledPlan,
  register: AgencyRegister,
  period: Period,
  reports: readonly ReportRecord[],
  countedRevisions: ReadonlyMap<string, number | null>,
): AgencySubmission[] {
  const expected = new Map<string, number>();
  const date = referenceDate(plan, period);
  const candidates = new Set<string>();
  for (const indicator of plan.plan.indicators) {
    const lead = responsibleLead(register, indicator, date);
    if (lead.kind === 'agency') candidates.add(lead.id);
    for (const c of contributorsOf(register, indicator, date)) candidates.add(c);
  }
  for (const task of plan.plan.tasks) candidates.add(taskLeadOn(task, date, register));
  const taskCounts = new Map<string, number>();
  for (const id of candidates) {
    const n = assignmentFor(plan, register, id, period).indicators.length;
    const tasks = plan.plan.tasks.length > 0 ? tasksLedBy(plan, register, id, period).length : 0;
    if (n > 0 || tasks > 0) expected.set(id, n);
    if (tasks > 0) taskCounts.set(id, tasks);
  }
  const byAgency = new Map(reports.map((r) => [r.agencyId, r]));
  const ids = new Set([...expected.keys(), ...byAgency.keys()]);
  return [...ids].sort().map((agencyId): AgencySubmission => {
    const report = byAgency.get(agencyId);
    const draft = report?.draft && typeof report.draft === 'object' ? report.draft : null;
    return {
      agencyId,
      status: report?.status ?? 'missing',
      indicators: expected.get(agencyId) ?? 0,
      tasks: taskCounts.get(agencyId) ?? 0,
      revision: report?.revision ?? null,
      counted: countedRevisions.has(agencyId),
      countedRevision: countedRevisions.get(agencyId) ?? null,
      late: report?.late === true || report?.status === 'late',
      updatedAt: typeof report?.updatedAt === 'string' ? report.updatedAt : null,
      updateInProgress: draft && typeof draft.since === 'string' && Number.isSafeInteger(draft.revision) ? { revision: draft.revision, since: draft.since } : null,
      returned: report?.status === 'returned' ? { comment: typeof report.comment === 'string' ? report.comment : null, at: typeof report.updatedAt === 'string' ? report.updatedAt : null } : null,
      returns: listOf(report?.returns).filter(isReturnRecord).map((r) => ({ comment: r.comment, at: r.at })),
    };
  });
}

function countSubmissions(agencies: readonly AgencySubmission[]): SubmissionCounts {
  const count = (test: (a: AgencySubmission) => boolean) => agencies.filter(test).length;
  return {
    total: agencies.length,
    submitted: count((a) => a.status === 'submitted' || a.status === 'late'),
    late: count((a) => a.status === 'late' || (a.status === 'submitted' && a.late)),
    approved: count((a) => a.status === 'approved'),
    returned: count((a) => a.status === 'returned'),
    draft: count((a) => a.status === 'draft'),
    missing: count((a) => a.status === 'missing'),
    updating: count((a) => a.updateInProgress !== null && a.status !== 'returned' && a.status !== 'draft'),
    counted: count((a) => a.counted),
  };
}

/** A return as stored: both fields are text (the only fields a return has). */
function isReturnRecord(value: unknown): value is ReturnRecord {
  if (!isObject(value)) return false;
  const r: Untrusted<ReturnRecord> = value;
  return typeof r.comment === 'string' && typeof r.at === 'string';
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
