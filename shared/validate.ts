import type { AgencyRegister } from './agencies/register';
import { assignmentFor } from './assignment';
import type { Role } from './assignment';
import type { CompiledPlan } from './compile';
import { evaluateIndicator, isYearlyFlow, toleranceAmount } from './evaluate';
import type { IndicatorEvaluation } from './evaluate';
import { displayValue, readEntry } from './entries';
import type { ReadContext, ReadEntry } from './entries';
import { countBySeverity, finding } from './findings';
import type { Params } from './catalogue/types';
import type { Finding } from './findings';
import { readNumber, roundFloat } from './numbers';
import { parsePeriod, periodWindow, planPeriodIds } from './periods';
import { outlierFinding, outlierReferences } from './plausibility';
import type { Period } from './periods';
import type { Indicator, Rule } from './schema/plan';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from './schema/report';
import { codeOf, isObject, listOf, ownField } from './untrusted';
import type { Untrusted } from './untrusted';
import { indicatorOf } from './compile';
import { text } from './i18n';
import { checkTasks } from './tasks';
import type { TaskResult } from './tasks';

/**
 * Validation of one agency's report for a plan and period. The report is always produced
 * (a draft with errors is still saved); `valid` is false while any error remains.
 */
export interface ValidationInput {
  agencyId: string;
  period: string;
  entries: readonly EntryInput[];
  documents?: readonly DocumentEntryInput[];
  projects?: readonly ProjectEntryInput[];
  /** The agency's task entries, for plans written as tasks (shared/tasks.ts). */
  tasks?: readonly TaskEntryInput[];
  /** Values of the same period a year earlier, by indicator code, where known. */
  previous?: Readonly<Record<string, number | null | undefined>>;
  /** Problems found while reading the workbook the entries came from (shared/layout/inputs.ts); reported first. */
  reading?: readonly Finding[];
}

export interface EntryResult {
  code: string;
  role: Role | null;
  value: number | null;
  answer: ReadEntry['answer'];
  figure: number | null;
  denominator: number | null;
  note: string;
  evaluation: IndicatorEvaluation | null;
}

export interface ValidationStats {
  expected: number;
  entries: number;
  filled: number;
  missing: number;
  errors: number;
  warnings: number;
  infos: number;
  met: number;
  withinTolerance: number;
  notMet: number;
  notAssessable: number;
}

export interface ValidationReport {
  valid: boolean;
  planId: string;
  revision: number;
  agencyId: string;
  period: string;
  stats: ValidationStats;
  findings: Finding[];
  results: EntryResult[];
  /** The task entries the agency leads, as read (shared/tasks.ts); empty for plans without tasks. */
  tasks: TaskResult[];
}

export interface ValidateOptions {
  /** Without a register every entry is taken as given and "required" is not checked. */
  register?: AgencyRegister;
}

const LARGE_CHANGE_PERCENT_POINTS = 10;
const LARGE_CHANGE_RELATIVE = 0.5;

export function validateReport(plan: CompiledPlan, rawInput: ValidationInput, options: ValidateOptions = {}): ValidationReport {
  // The input may come straight from a request body or a workbook: never trust its shape.
  const input: Untrusted<ValidationInput> = isObject(rawInput) ? rawInput : {};
  const findings: Finding[] = [];
  const results: EntryResult[] = [];
  const entries = listOf(input.entries);
  const base = {
    planId: plan.plan.id,
    revision: plan.plan.revision,
    agencyId: typeof input.agencyId === 'string' ? input.agencyId : '',
    period: typeof input.period === 'string' ? input.period : displayValue(input.period).slice(0, 40),
  };
  // The reading findings are the server's own (shared/layout/inputs.ts); only their container is checked.
  findings.push(...listOf(input.reading).filter((f): f is Finding => isObject(f)));
  const { period, findings: periodProblems } = checkPeriod(plan, input.period);
  findings.push(...periodProblems);
  if (!period) return finish(base, findings, results, 0);

  const agencyId = base.agencyId;
  const register = options.register;
  const assignment = register ? assignmentFor(plan, register, agencyId, period) : null;
  const roles: ReadonlyMap<string, Role> = assignment?.roles ?? new Map();
  const read = readRows(plan, entries, period, roles, assignment !== null, findings);
  findings.push(...requiredFindings(plan, assignment?.indicators ?? [], read));
  judgeRows(plan, period, read, roles, input.previous, results, findings);
  findings.push(...ruleFindings(plan, read));
  findings.push(...documentFindings(plan, listOf(input.documents), period));
  findings.push(...projectFindings(plan, listOf(input.projects)));
  const tasks = checkTasks(plan, { agencyId, period, tasks: listOf(input.tasks), unreadableStatus: unreadableStatusOf(findings) }, register);
  findings.push(...tasks.findings);
  return { ...finish(base, findings, results, assignment?.indicators.length ?? entries.length), tasks: tasks.results };
}

/** Reads every row once (headings are noted, not read); problems with the rows themselves are findings. */
function readRows(plan: CompiledPlan, entries: readonly unknown[], period: Period, roles: ReadonlyMap<string, Role>, assigned: boolean, findings: Finding[]): Map<string, ReadEntry> {
  const yearKey = String(period.year);
  // Headings seen (they are not read); read rows are found in `read`: one lookup per entry.
  const headings = new Set<string>();
  const read = new Map<string, ReadEntry>();
  for (const entry of entries) {
    if (!isObject(entry)) {
      findings.push(finding('unknown-indicator', {}, { field: 'entry' }, { variant: 'no-code' }));
      continue;
    }
    const code = codeOf(entry);
    const indicator = plan.indicators.get(code);
    if (!indicator) {
      findings.push(finding('unknown-indicator', { plan: plan.plan.number, code: code.slice(0, 50) }, { field: 'entry', indicator: code.slice(0, 50) }));
      continue;
    }
    if (read.has(code) || headings.has(code)) {
      findings.push(finding('duplicate-entry', { code }, { field: 'entry', indicator: code }));
      continue;
    }
    const role = roles.get(code) ?? null;
    if (!indicator.reportable) {
      headings.add(code);
      if (hasContent(entry)) {
        findings.push(finding('heading-has-value', { code }, { field: 'value', indicator: code }));
      }
      continue;
    }
    if (assigned && !role && hasContent(entry)) {
      findings.push(finding('not-assigned', { code }, { field: 'entry', indicator: code }));
    }
    const yearTarget = indicator.targets[yearKey]?.target ?? null;
    const aggregation = indicator.aggregation;
    const context: ReadContext = { yearTarget, needsDenominator: role === 'contributor' && aggregation.kind === 'weightedMean' };
    if (aggregation.kind === 'weightedMean') context.denominatorLabel = aggregation.denominator.label;
    const entryRead = readEntry(indicator, entry, context);
    read.set(code, entryRead);
    for (const f of entryRead.findings) findings.push(f);
  }

  return read;
}

/** Required: every row assigned to the agency has a value (or an answer). */
function requiredFindings(plan: CompiledPlan, assigned: ReadonlyArray<{ code: string }>, read: ReadonlyMap<string, ReadEntry>): Finding[] {
  const findings: Finding[] = [];
  for (const row of assigned) {
    const r = read.get(row.code);
    const indicator = indicatorOf(plan, row.code);
    const filled = r && (r.value !== null || r.answer !== null || r.findings.some((f) => f.field === 'value' && f.severity === 'error'));
    if (!filled) {
      findings.push(
        finding(
          'required',
          { code: row.code, name: text(shortName(indicator), indicator.nameEn ?? shortName(indicator)), unit: indicator.unit },
          { field: 'value', indicator: row.code },
          indicator.valueType === 'qualitative' ? { variant: 'qualitative' } : {},
        ),
      );
    }
  }

  return findings;
}

/** Evaluation against targets, the note rule, outliers and the change against last year. */
function judgeRows(
  plan: CompiledPlan,
  period: Period,
  read: ReadonlyMap<string, ReadEntry>,
  roles: ReadonlyMap<string, Role>,
  previousValues: unknown,
  results: EntryResult[],
  findings: Finding[],
): void {
  for (const [code, r] of read) {
    const indicator = indicatorOf(plan, code);
    const role = roles.get(code) ?? null;
    const previous = finiteOrNull(ownField(previousValues, code));
    const hasValue = r.value !== null || r.answer !== null;
    // A contributor's figure covers its own area: it is not judged against the citywide target.
    const evaluation =
      hasValue && role !== 'contributor'
        ? evaluateIndicator(plan.plan, indicator, period, { value: r.value, answer: r.answer, previous })
        : null;
    results.push({ code, role, value: r.value, answer: r.answer, figure: r.figure, denominator: r.denominator, note: r.note, evaluation });
    if (!evaluation) continue;
    findings.push(...targetFindings(indicator, evaluation, r, period));
    if (r.value === null) continue;
    // Ten times the target, the baseline or last year's value: an outlier, which also says more than a large change.
    const yearly = isYearlyFlow(evaluation.yearTarget?.target, indicator.unit) && evaluation.yearTarget?.target.kind !== 'change';
    const share = period.months < 12 && yearly ? period.months / 12 : 1;
    const outliers = outlierReferences(indicator, r.value, evaluation.yearTarget, previous, share);
    const outlier = outlierFinding(indicator, r.value, outliers, { year: period.year, yearTarget: evaluation.yearTarget, note: r.note, ...(share < 1 ? { months: period.months } : {}) });
    if (outlier) findings.push(outlier);
    if (previous !== null && evaluation.yearTarget?.target.kind !== 'change' && !outliers.some((o) => o.kind === 'previous')) {
      const change = largeChange(indicator, r.value, previous);
      if (change) findings.push(change);
    }
  }

}

/**
 * Reads a period id from untrusted input: an unreadable id is an error (with what happens
 * next), and so is a period the plan does not define (a year outside the plan, a kind it
 * does not schedule), listing the periods it does define.
 */
export function checkPeriod(plan: CompiledPlan, raw: unknown, consequence?: { vi: string; en: string }): { period: Period | null; findings: Finding[] } {
  const period = parsePeriod(raw as string);
  if (!period) {
    const shown = displayValue(raw).slice(0, 40);
    return {
      period: null,
      findings: [finding('unknown-period', { period: shown, ...(consequence ? { consequence } : {}) }, { field: 'period' }, { variant: 'unreadable' })],
    };
  }
  return { period, findings: periodFindings(plan, period) };
}

/** A period the plan does not define: a year outside the plan, or a kind it does not schedule. */
function periodFindings(plan: CompiledPlan, period: Period): Finding[] {
  if (period.year < plan.plan.startYear || period.year > plan.plan.endYear) {
    return [undefinedPeriodFinding(plan, period, 'outside-plan')];
  }
  const unscheduled = unscheduledPeriodFinding(plan, period);
  return unscheduled ? [unscheduled] : [];
}

/** A period kind the plan does not schedule ("2023-3M" when the plan has 6-month, 9-month and annual reports): an error. */
export function unscheduledPeriodFinding(plan: CompiledPlan, period: Period): Finding | null {
  if (periodWindow(plan.plan, period)) return null;
  return undefinedPeriodFinding(plan, period);
}

/** The one wording of "not a period of this plan", with the periods it defines (also in details). */
function undefinedPeriodFinding(plan: CompiledPlan, period: Period, variant?: 'outside-plan'): Finding {
  const periods = planPeriodIds(plan.plan);
  const { number, startYear, endYear } = plan.plan;
  return finding('unknown-period', { plan: number, period: period.id, startYear, endYear, periods }, { field: 'period', details: { period: period.id, periods } }, variant ? { variant } : {});
}

/** Tasks whose status cell could not be read: the reading finding says so, the engine does not repeat it. */
function unreadableStatusOf(findings: readonly Finding[]): Set<string> {
  return new Set(findings.filter((f) => f.code === 'task-status-unreadable' && typeof f.task === 'string').map((f) => f.task ?? ''));
}

function finish(
  base: Pick<ValidationReport, 'planId' | 'revision' | 'agencyId' | 'period'>,
  findings: Finding[],
  results: EntryResult[],
  expected: number,
): ValidationReport {
  const counts = countBySeverity(findings);
  const verdicts = { met: 0, withinTolerance: 0, notMet: 0, notAssessable: 0 };
  for (const r of results) if (r.evaluation) verdicts[r.evaluation.year.verdict]++;
  const filled = results.filter((r) => r.value !== null || r.answer !== null).length;
  return {
    valid: counts.error === 0,
    ...base,
    stats: {
      expected,
      entries: results.length,
      filled,
      missing: findings.filter((f) => f.code === 'required').length,
      errors: counts.error,
      warnings: counts.warning,
      infos: counts.info,
      ...verdicts,
    },
    findings,
    results,
    tasks: [],
  };
}

function targetFindings(indicator: Indicator, evaluation: IndicatorEvaluation, r: ReadEntry, period: Period): Finding[] {
  const out: Finding[] = [];
  const code = indicator.code;
  const where = { field: 'value', indicator: code } as const;
  const target = evaluation.yearTarget;
  if (!target) {
    out.push(finding('no-target', { code, year: period.year }, where));
    return out;
  }
  const verdict = evaluation.year.verdict;
  if (target.target.kind === 'unparsed') {
    out.push(finding('target-unreadable', { target: target.text }, where, target.judgedByHand ? { variant: 'by-hand' } : {}));
    return out;
  }
  if (verdict === 'notAssessable' && target.target.kind === 'change') {
    out.push(finding('previous-missing', { target: target.text }, where));
    return out;
  }
  if (verdict === 'withinTolerance') {
    out.push(finding('target-within-tolerance', { code, reason: evaluation.year.reason ?? { vi: '', en: '' } }, where));
  }
  if (verdict === 'notMet') {
    // A partial year on schedule (category 3) is not yet a miss.
    const missed = evaluation.category === 4;
    const params = { code, year: period.year, target: target.text, reason: evaluation.year.reason ?? null, progress: evaluation.progressYear };
    out.push(finding('target-missed', missed ? params : { ...params, why: evaluation.categoryReason }, where, missed ? {} : { variant: 'on-schedule' }));
    if (missed && indicator.noteRequiredWhenMissed && r.note.trim() === '') {
      out.push(finding('note-required', { code }, { field: 'note', indicator: code }));
    }
  }
  return out;
}

function largeChange(indicator: Indicator, value: number, previous: number): Finding | null {
  const delta = roundFloat(value - previous);
  const isPercent = indicator.valueType === 'percent';
  const large = isPercent
    ? Math.abs(delta) > LARGE_CHANGE_PERCENT_POINTS
    : previous !== 0 && Math.abs(delta) / Math.abs(previous) > LARGE_CHANGE_RELATIVE;
  if (!large) return null;
  const code = indicator.code;
  return finding('large-change', { code, previous, value, percentPoints: isPercent }, { field: 'value', indicator: code, details: { previous, value } });
}

function ruleFindings(plan: CompiledPlan, read: ReadonlyMap<string, ReadEntry>): Finding[] {
  const out: Finding[] = [];
  if (plan.rulesByIndicator.size === 0) return out;
  const valueOf = (code: string) => read.get(code)?.value ?? null;
  // Only rules naming an indicator of this report can be broken by it.
  const rules = new Set<Rule>();
  for (const code of read.keys()) for (const rule of plan.rulesByIndicator.get(code) ?? []) rules.add(rule);
  for (const rule of rules) {
    const violation = checkIndicatorRule(rule, valueOf);
    if (!violation) continue;
    const where = { field: 'rule', indicator: violation.indicator, rule: rule.id, details: violation.details } as const;
    out.push(finding('rule-violated', violation.params, where, { severity: rule.severity, ...(violation.variant ? { variant: violation.variant } : {}) }));
  }
  return out;
}

export function checkIndicatorRule(
  rule: Rule,
  valueOf: (code: string) => number | null,
): { indicator: string; params: Params; variant?: 'not-above'; details: Record<string, unknown> } | null {
  if (rule.kind === 'indicatorSum') {
    const total = valueOf(rule.target);
    const terms = rule.terms.map(valueOf);
    if (total === null || terms.some((t) => t === null)) return null;
    const sum = roundFloat(terms.reduce<number>((a, b) => a + (b ?? 0), 0));
    if (Math.abs(total - sum) <= toleranceAmount(rule.tolerance, total) + 1e-9) return null;
    const params = { target: rule.target, total, terms: rule.terms, sum };
    return { indicator: rule.target, params, details: { total, sum, terms: rule.terms } };
  }
  if (rule.kind === 'indicatorNotAbove') {
    const part = valueOf(rule.part);
    const whole = valueOf(rule.whole);
    if (part === null || whole === null) return null;
    if (part <= whole + toleranceAmount(rule.tolerance, whole) + 1e-9) return null;
    const params = { part: rule.part, partValue: part, whole: rule.whole, wholeValue: whole };
    return { indicator: rule.part, params, variant: 'not-above', details: { part, whole } };
  }
  return null;
}

function documentFindings(plan: CompiledPlan, documents: readonly unknown[], period: Period): Finding[] {
  const out: Finding[] = [];
  const window = periodWindow(plan.plan, period);
  for (const row of documents) {
    const code = codeOf(row);
    const d: Untrusted<DocumentEntryInput> = isObject(row) ? row : {};
    if (!plan.documents.has(code)) {
      out.push(finding('unknown-document', { document: code.slice(0, 50) }, { field: 'document', document: code.slice(0, 50) }));
      continue;
    }
    const where = { field: 'document', document: code } as const;
    if (d.status === 'issued' && !(typeof d.reference === 'string' && d.reference.trim())) {
      out.push(finding('document-reference-missing', { document: code }, where));
    }
    if (d.status === 'issued' && typeof d.issuedOn === 'string' && d.issuedOn && window && d.issuedOn > window.to) {
      out.push(finding('document-after-period', { issuedOn: d.issuedOn, cutoff: window.to }, where));
    }
  }
  return out;
}

function projectFindings(plan: CompiledPlan, projects: readonly unknown[]): Finding[] {
  const out: Finding[] = [];
  for (const row of projects) {
    const code = codeOf(row);
    const p: Untrusted<ProjectEntryInput> = isObject(row) ? row : {};
    const project = plan.projects.get(code);
    if (!project) {
      out.push(finding('unknown-project', { project: code.slice(0, 50) }, { field: 'project', project: code.slice(0, 50) }));
      continue;
    }
    const where = { field: 'project', project: code } as const;
    const reading = readDisbursement(p.disbursed);
    if (reading.kind === 'empty') continue;
    if (reading.kind !== 'number' || reading.value < 0) {
      const problem = reading.kind === 'ambiguous' ? 'ambiguous-number' : reading.kind === 'number' && reading.value < 0 ? 'negative' : 'not-a-number';
      const details = reading.kind === 'ambiguous' ? { details: { readings: reading.readings } } : {};
      out.push(finding(problem, { project: code }, { ...where, ...details }, { variant: 'disbursement' }));
      continue;
    }
    if (reading.value > 1e15) {
      out.push(finding('implausible-magnitude', { project: code }, where, { variant: 'disbursement' }));
      continue;
    }
    if (reading.value > project.costs.total) {
      out.push(finding('project-over-budget', { disbursed: reading.value, cost: project.costs.total }, where));
    }
  }
  return out;
}

/**
 * Disbursement in million VND. Amounts are whole millions at the scale of these projects,
 * so "28.305" is 28 305 million, as the hint says, not 28.3 million. A magnitude word names
 * the amount in đồng ("2,5 tỷ" is 2 500 million, "28.305 triệu đồng" is 28 305 million), so it
 * is converted, never taken as that many millions.
 */
export function readDisbursement(raw: unknown): ReturnType<typeof readNumber> {
  const reading = readNumber(raw ?? null, { valueType: 'integer' });
  if (reading.kind !== 'number' || !reading.magnitude) return reading;
  return { ...reading, value: roundFloat(reading.value / 1_000_000) };
}

function hasContent(entry: Untrusted<EntryInput>): boolean {
  const filled = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');
  return filled(entry.value) || filled(entry.answer);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function shortName(indicator: Indicator): string {
  return indicator.name.length > 80 ? `${indicator.name.slice(0, 79)}…` : indicator.name;
}

