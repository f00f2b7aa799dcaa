import type { AgencyRegister } from './agencies/register';
import { assignmentFor } from './assignment';
import type { Role } from './assignment';
import type { CompiledPlan } from './compile';
import { evaluateIndicator, isYearlyFlow, toleranceAmount } from './evaluate';
import type { IndicatorEvaluation } from './evaluate';
import { displayValue, readEntry } from './entries';
import type { ReadContext, ReadEntry } from './entries';
import { countBySeverity } from './findings';
import type { Finding } from './findings';
import { formatNumberEn, formatNumberVi, readNumber, roundFloat } from './numbers';
import { parsePeriod, periodWindow, planPeriodIds } from './periods';
import { outlierFinding, outlierReferences } from './plausibility';
import type { Period } from './periods';
import type { Indicator, Rule } from './schema/plan';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from './schema/report';
import { text } from './i18n';

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
}

export interface ValidateOptions {
  /** Without a register every entry is taken as given and "required" is not checked. */
  register?: AgencyRegister;
}

const LARGE_CHANGE_PERCENT_POINTS = 10;
const LARGE_CHANGE_RELATIVE = 0.5;

export function validateReport(plan: CompiledPlan, rawInput: ValidationInput, options: ValidateOptions = {}): ValidationReport {
  const input: Partial<ValidationInput> = rawInput && typeof rawInput === 'object' ? rawInput : {};
  const findings: Finding[] = [];
  const results: EntryResult[] = [];
  // The input may come straight from a request body or a workbook: never trust its shape.
  const entries = listOf<EntryInput>(input.entries);
  const base = {
    planId: plan.plan.id,
    revision: plan.plan.revision,
    agencyId: typeof input.agencyId === 'string' ? input.agencyId : '',
    period: typeof input.period === 'string' ? input.period : displayValue(input.period).slice(0, 40),
  };
  findings.push(...listOf<Finding>(input.reading).filter((f) => !!f && typeof f === 'object'));
  const { period, findings: periodProblems } = checkPeriod(plan, input.period);
  findings.push(...periodProblems);
  if (!period) return finish(base, findings, results, 0);

  const agencyId = base.agencyId;
  const register = options?.register;
  const assignment = register ? assignmentFor(plan, register, agencyId, period) : null;
  const roles: ReadonlyMap<string, Role> = assignment?.roles ?? new Map();
  const read = readRows(plan, entries, period, roles, assignment !== null, findings);
  findings.push(...requiredFindings(plan, assignment?.indicators ?? [], read));
  judgeRows(plan, period, read, roles, input.previous, results, findings);
  findings.push(...ruleFindings(plan, read));
  findings.push(...documentFindings(plan, listOf<DocumentEntryInput>(input.documents), period));
  findings.push(...projectFindings(plan, listOf<ProjectEntryInput>(input.projects)));
  return finish(base, findings, results, assignment?.indicators.length ?? entries.length);
}

/** Reads every row once (headings are noted, not read); problems with the rows themselves are findings. */
function readRows(plan: CompiledPlan, entries: readonly EntryInput[], period: Period, roles: ReadonlyMap<string, Role>, assigned: boolean, findings: Finding[]): Map<string, ReadEntry> {
  const yearKey = String(period.year);
  // Headings seen (they are not read); read rows are found in `read`: one lookup per entry.
  const headings = new Set<string>();
  const read = new Map<string, ReadEntry>();
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') {
      findings.push({
        code: 'unknown-indicator',
        severity: 'error',
        field: 'entry',
        message: text('Có một dòng không đọc được (không có mã chỉ tiêu)', 'A row could not be read (it has no indicator code)'),
        hint: text('Dùng mẫu biểu tải từ hệ thống, không sửa cột mã chỉ tiêu', 'Use the template from the system and keep the indicator codes as they are'),
      });
      continue;
    }
    const code = typeof entry.code === 'string' ? entry.code.trim() : '';
    const indicator = plan.indicators.get(code);
    if (!indicator) {
      findings.push({
        code: 'unknown-indicator',
        severity: 'error',
        field: 'entry',
        indicator: code.slice(0, 50),
        message: text(`Kế hoạch ${plan.plan.number} không có chỉ tiêu "${code.slice(0, 50)}"`, `Plan ${plan.plan.number} has no indicator "${code.slice(0, 50)}"`),
        hint: text('Dùng mẫu biểu tải từ hệ thống, không sửa cột mã chỉ tiêu', 'Use the template from the system and keep the indicator codes as they are'),
      });
      continue;
    }
    if (read.has(code) || headings.has(code)) {
      findings.push({
        code: 'duplicate-entry',
        severity: 'error',
        field: 'entry',
        indicator: code,
        message: text(`Chỉ tiêu ${code} được nhập nhiều lần`, `Indicator ${code} is entered more than once`),
        hint: text('Giữ một dòng cho mỗi chỉ tiêu', 'Keep one row per indicator'),
      });
      continue;
    }
    const role = roles.get(code) ?? null;
    if (!indicator.reportable) {
      headings.add(code);
      if (hasContent(entry)) {
        findings.push({
          code: 'heading-has-value',
          severity: 'warning',
          field: 'value',
          indicator: code,
          message: text(`${code} là dòng tiêu đề nhóm, không nhận số liệu`, `${code} is a group heading and takes no value`),
          hint: text('Nhập số liệu vào các chỉ tiêu con', 'Enter figures in its sub-indicators'),
        });
      }
      continue;
    }
    if (assigned && !role && hasContent(entry)) {
      findings.push({
        code: 'not-assigned',
        severity: 'warning',
        field: 'entry',
        indicator: code,
        message: text(`Đơn vị không chủ trì và không được giao báo cáo chỉ tiêu ${code} trong kỳ này`, `Your agency neither leads nor contributes to indicator ${code} in this period`),
        hint: text('Kiểm tra lại đơn vị báo cáo hoặc bỏ dòng này', 'Check the reporting agency or remove this row'),
      });
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
    const indicator = plan.indicators.get(row.code)!;
    const filled = r && (r.value !== null || r.answer !== null || r.findings.some((f) => f.field === 'value' && f.severity === 'error'));
    if (!filled) {
      findings.push({
        code: 'required',
        severity: 'error',
        field: 'value',
        indicator: row.code,
        message: text(`Chưa nhập kết quả chỉ tiêu ${row.code}: ${shortName(indicator)}`, `No result entered for indicator ${row.code}: ${indicator.nameEn ?? shortName(indicator)}`),
        hint:
          indicator.valueType === 'qualitative'
            ? text('Chọn Đạt / Cơ bản đạt / Không đạt', 'Choose achieved / basically achieved / not achieved')
            : text(`Nhập kết quả theo đơn vị ${indicator.unit || 'của chỉ tiêu'}`, `Enter the result in ${indicator.unit || 'the indicator unit'}`),
      });
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
  previousValues: ValidationInput['previous'],
  results: EntryResult[],
  findings: Finding[],
): void {
  for (const [code, r] of read) {
    const indicator = plan.indicators.get(code)!;
    const role = roles.get(code) ?? null;
    const previous = finiteOrNull(previousOf(previousValues, code));
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

/** An array from untrusted input, or none. */
export function listOf<T>(value: unknown): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The code of a row from untrusted input, trimmed; '' when there is none. */
export function codeOf(row: unknown): string {
  if (!row || typeof row !== 'object') return '';
  const code = (row as { code?: unknown }).code;
  return typeof code === 'string' ? code.trim() : '';
}

function previousOf(previous: unknown, code: string): unknown {
  if (!previous || typeof previous !== 'object' || !Object.prototype.hasOwnProperty.call(previous, code)) return undefined;
  return (previous as Record<string, unknown>)[code];
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
    const then = consequence ? { vi: `: ${consequence.vi}`, en: `: ${consequence.en}` } : { vi: '', en: '' };
    return {
      period: null,
      findings: [
        {
          code: 'unknown-period',
          severity: 'error',
          field: 'period',
          message: text(`Kỳ báo cáo "${shown}" không hợp lệ${then.vi}`, `"${shown}" is not a reporting period${then.en}`),
          hint: text('Dùng "2023", "2023-6M" hoặc "2023-9M"', 'Use "2023", "2023-6M" or "2023-9M"'),
        },
      ],
    };
  }
  return { period, findings: periodFindings(plan, period) };
}

/** A period the plan does not define: a year outside the plan, or a kind it does not schedule. */
function periodFindings(plan: CompiledPlan, period: Period): Finding[] {
  if (period.year < plan.plan.startYear || period.year > plan.plan.endYear) {
    return [
      undefinedPeriodFinding(
        plan,
        period,
        text(
          `Kỳ ${period.id} nằm ngoài giai đoạn ${plan.plan.startYear}-${plan.plan.endYear} của kế hoạch`,
          `Period ${period.id} is outside the plan period ${plan.plan.startYear}-${plan.plan.endYear}`,
        ),
      ),
    ];
  }
  const unscheduled = unscheduledPeriodFinding(plan, period);
  return unscheduled ? [unscheduled] : [];
}

/** A period kind the plan does not schedule ("2023-3M" when the plan has 6-month, 9-month and annual reports): an error. */
export function unscheduledPeriodFinding(plan: CompiledPlan, period: Period): Finding | null {
  if (periodWindow(plan.plan, period)) return null;
  return undefinedPeriodFinding(
    plan,
    period,
    text(`Kế hoạch ${plan.plan.number} không có kỳ báo cáo ${period.id}`, `Plan ${plan.plan.number} has no reporting period ${period.id}`),
  );
}

/** The one wording of "not a period of this plan", with the periods it defines (also in details). */
function undefinedPeriodFinding(plan: CompiledPlan, period: Period, why: { vi: string; en: string }): Finding {
  const periods = planPeriodIds(plan.plan);
  const list = periods.length <= 30 ? periods.join(', ') : `${periods.slice(0, 12).join(', ')}, …, ${periods.slice(-3).join(', ')}`;
  return {
    code: 'unknown-period',
    severity: 'error',
    field: 'period',
    message: text(`${why.vi}; các kỳ báo cáo của kế hoạch: ${list}`, `${why.en}; the plan's reporting periods: ${list}`),
    hint: text('Chọn một kỳ báo cáo của kế hoạch', "Choose one of the plan's reporting periods"),
    details: { period: period.id, periods },
  };
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
  };
}

function targetFindings(indicator: Indicator, evaluation: IndicatorEvaluation, r: ReadEntry, period: Period): Finding[] {
  const out: Finding[] = [];
  const code = indicator.code;
  const target = evaluation.yearTarget;
  if (!target) {
    out.push({
      code: 'no-target',
      severity: 'info',
      field: 'value',
      indicator: code,
      message: text(`Kế hoạch không đặt chỉ tiêu năm ${period.year} cho ${code}`, `The plan sets no ${period.year} target for ${code}`),
      hint: text('Kết quả vẫn được ghi nhận và so với mục tiêu giai đoạn', 'The result is kept and compared with the plan-period target'),
    });
    return out;
  }
  const verdict = evaluation.year.verdict;
  if (target.target.kind === 'unparsed' && target.judgedByHand) {
    out.push({
      code: 'target-unreadable',
      severity: 'info',
      field: 'value',
      indicator: code,
      message: text(`Chỉ tiêu "${target.text}" do cơ quan tổng hợp đánh giá`, `The target "${target.text}" is judged by the consolidator`),
      hint: text('Ghi chú kết quả thực hiện để cơ quan tổng hợp đánh giá', 'Describe what was done in the note, for the consolidator to judge'),
    });
    return out;
  }
  if (target.target.kind === 'unparsed') {
    out.push({
      code: 'target-unreadable',
      severity: 'warning',
      field: 'value',
      indicator: code,
      message: text(`Không đọc được chỉ tiêu "${target.text}" nên chưa đánh giá được`, `The target "${target.text}" could not be read, so the value is not assessed`),
      hint: text('Báo cơ quan thường trực kiểm tra danh mục chỉ tiêu', 'Ask the standing agency to check the plan catalog'),
    });
    return out;
  }
  if (verdict === 'notAssessable' && target.target.kind === 'change') {
    out.push({
      code: 'previous-missing',
      severity: 'warning',
      field: 'value',
      indicator: code,
      message: text(
        `Chỉ tiêu "${target.text}" so với năm trước nhưng chưa có số liệu cùng kỳ năm trước`,
        `The target "${target.text}" compares with the previous year, whose value is missing`,
      ),
      hint: text('Nhập số liệu năm trước vào ghi chú hoặc báo cáo bổ sung kỳ trước', "Provide last year's figure in the note or complete last year's report"),
    });
    return out;
  }
  if (verdict === 'withinTolerance') {
    out.push({
      code: 'target-within-tolerance',
      severity: 'info',
      field: 'value',
      indicator: code,
      message: text(`Chỉ tiêu ${code} đạt trong mức sai số: ${evaluation.year.reason?.vi ?? ''}`, `Indicator ${code} is within tolerance: ${evaluation.year.reason?.en ?? ''}`),
      hint: text('Không cần xử lý', 'Nothing to do'),
    });
  }
  if (verdict === 'notMet') {
    // A partial year on schedule (category 3) is not yet a miss.
    const missed = evaluation.category === 4;
    out.push({
      code: 'target-missed',
      severity: missed ? 'warning' : 'info',
      field: 'value',
      indicator: code,
      message: text(
        `Chỉ tiêu ${code} chưa đạt kế hoạch năm ${period.year} (${target.text})${evaluation.progressYear !== null ? `: đạt ${formatNumberVi(evaluation.progressYear, 1)}% kế hoạch` : ''}`,
        `Indicator ${code} does not yet meet the ${period.year} plan (${evaluation.year.reason?.en ?? target.text})${evaluation.progressYear !== null ? `: ${formatNumberEn(evaluation.progressYear, 1)}% of plan` : ''}`,
      ),
      hint: missed
        ? text('Kiểm tra lại số liệu; nếu đúng, ghi rõ nguyên nhân vào cột Ghi chú', 'Check the figure; if it is right, explain the reason in the note')
        : text(evaluation.categoryReason.vi, evaluation.categoryReason.en),
    });
    if (missed && indicator.noteRequiredWhenMissed && r.note.trim() === '') {
      out.push({
        code: 'note-required',
        severity: 'error',
        field: 'note',
        indicator: code,
        message: text(`Chỉ tiêu ${code} không đạt: cần ghi nguyên nhân và giải pháp`, `Indicator ${code} missed its target: an explanation is required`),
        hint: text('Ghi ngắn gọn nguyên nhân chưa đạt và giải pháp trong cột Ghi chú', 'Write the reason and the remedy in the note column'),
      });
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
  const vi = isPercent ? `${formatNumberVi(delta, 2)} điểm %` : `${formatNumberVi((delta / previous) * 100, 1)}%`;
  const en = isPercent ? `${formatNumberEn(delta, 2)} percentage points` : `${formatNumberEn((delta / previous) * 100, 1)}%`;
  return {
    code: 'large-change',
    severity: 'warning',
    field: 'value',
    indicator: indicator.code,
    message: text(
      `Chỉ tiêu ${indicator.code} thay đổi ${vi} so với cùng kỳ năm trước (${formatNumberVi(previous, 4)} → ${formatNumberVi(value, 4)})`,
      `Indicator ${indicator.code} changed by ${en} against the same period last year (${formatNumberEn(previous, 4)} → ${formatNumberEn(value, 4)})`,
    ),
    hint: text('Kiểm tra lại số liệu và đơn vị; nếu đúng, ghi nguyên nhân vào ghi chú', 'Check the figure and unit; if right, explain in the note'),
    details: { previous, value },
  };
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
    out.push({
      code: 'rule-violated',
      severity: rule.severity,
      field: 'rule',
      indicator: violation.indicator,
      rule: rule.id,
      message: violation.message,
      hint: text('Kiểm tra lại các chỉ tiêu liên quan', 'Check the related indicators'),
      details: violation.details,
    });
  }
  return out;
}

export function checkIndicatorRule(
  rule: Rule,
  valueOf: (code: string) => number | null,
): { indicator: string; message: ReturnType<typeof text>; details: Record<string, unknown> } | null {
  if (rule.kind === 'indicatorSum') {
    const total = valueOf(rule.target);
    const terms = rule.terms.map(valueOf);
    if (total === null || terms.some((t) => t === null)) return null;
    const sum = roundFloat(terms.reduce<number>((a, b) => a + (b ?? 0), 0));
    if (Math.abs(total - sum) <= toleranceAmount(rule.tolerance, total) + 1e-9) return null;
    const expr = rule.terms.join(' + ');
    return {
      indicator: rule.target,
      message: text(
        `${rule.target} = ${formatNumberVi(total, 4)} nhưng ${expr} = ${formatNumberVi(sum, 4)}`,
        `${rule.target} = ${formatNumberEn(total, 4)} but ${expr} = ${formatNumberEn(sum, 4)}`,
      ),
      details: { total, sum, terms: rule.terms },
    };
  }
  if (rule.kind === 'indicatorNotAbove') {
    const part = valueOf(rule.part);
    const whole = valueOf(rule.whole);
    if (part === null || whole === null) return null;
    if (part <= whole + toleranceAmount(rule.tolerance, whole) + 1e-9) return null;
    return {
      indicator: rule.part,
      message: text(
        `${rule.part} (${formatNumberVi(part, 4)}) lớn hơn ${rule.whole} (${formatNumberVi(whole, 4)}), trong khi ${rule.part} là một phần của ${rule.whole}`,
        `${rule.part} (${formatNumberEn(part, 4)}) exceeds ${rule.whole} (${formatNumberEn(whole, 4)}) although it is part of it`,
      ),
      details: { part, whole },
    };
  }
  return null;
}

function documentFindings(plan: CompiledPlan, documents: readonly DocumentEntryInput[], period: Period): Finding[] {
  const out: Finding[] = [];
  const window = periodWindow(plan.plan, period);
  for (const d of documents) {
    const code = codeOf(d);
    if (!plan.documents.has(code)) {
      out.push({
        code: 'unknown-document',
        severity: 'error',
        field: 'document',
        document: code.slice(0, 50),
        message: text(`Kế hoạch không có văn bản "${code.slice(0, 50)}"`, `The plan has no document "${code.slice(0, 50)}"`),
        hint: text('Dùng mẫu biểu tải từ hệ thống', 'Use the template from the system'),
      });
      continue;
    }
    if (d.status === 'issued' && !(typeof d.reference === 'string' && d.reference.trim())) {
      out.push({
        code: 'document-reference-missing',
        severity: 'warning',
        field: 'document',
        document: code,
        message: text(`Văn bản ${d.code} đã ban hành nhưng chưa ghi số, ký hiệu`, `Document ${d.code} is marked issued without its number`),
        hint: text('Ghi số, ký hiệu và ngày ban hành, ví dụ "Quyết định 1234/QĐ-UBND"', 'Give its number and date, e.g. "Quyết định 1234/QĐ-UBND"'),
      });
    }
    if (d.status === 'issued' && typeof d.issuedOn === 'string' && d.issuedOn && window && d.issuedOn > window.to) {
      out.push({
        code: 'document-after-period',
        severity: 'warning',
        field: 'document',
        document: code,
        message: text(`Ngày ban hành ${d.issuedOn} sau ngày chốt số liệu ${window.to}`, `Issued on ${d.issuedOn}, after the cut-off ${window.to}`),
        hint: text('Kiểm tra lại ngày ban hành', 'Check the date'),
      });
    }
  }
  return out;
}

function projectFindings(plan: CompiledPlan, projects: readonly ProjectEntryInput[]): Finding[] {
  const out: Finding[] = [];
  for (const p of projects) {
    const code = codeOf(p);
    const project = plan.projects.get(code);
    if (!project) {
      out.push({
        code: 'unknown-project',
        severity: 'error',
        field: 'project',
        project: code.slice(0, 50),
        message: text(`Kế hoạch không có dự án "${code.slice(0, 50)}"`, `The plan has no project "${code.slice(0, 50)}"`),
        hint: text('Dùng mẫu biểu tải từ hệ thống', 'Use the template from the system'),
      });
      continue;
    }
    const reading = readDisbursement(p.disbursed);
    if (reading.kind === 'empty') continue;
    if (reading.kind !== 'number' || reading.value < 0) {
      out.push({
        code: reading.kind === 'ambiguous' ? 'ambiguous-number' : reading.kind === 'number' && reading.value < 0 ? 'negative' : 'not-a-number',
        severity: 'error',
        field: 'project',
        project: code,
        message: text(`Giá trị giải ngân của dự án ${code} không đọc được`, `The disbursement of project ${code} cannot be read`),
        hint: text('Nhập số triệu đồng, ví dụ 28.305 hoặc 28305', 'Enter million VND, e.g. 28305'),
        ...(reading.kind === 'ambiguous' ? { details: { readings: reading.readings } } : {}),
      });
      continue;
    }
    if (reading.value > 1e15) {
      out.push({
        code: 'implausible-magnitude',
        severity: 'error',
        field: 'project',
        project: code,
        message: text(`Giá trị giải ngân của dự án ${code} quá lớn, không hợp lý`, `The disbursement of project ${code} is implausibly large`),
        hint: text('Kiểm tra lại số liệu (đơn vị: triệu đồng)', 'Check the figure (unit: million VND)'),
      });
      continue;
    }
    if (reading.value > project.costs.total) {
      out.push({
        code: 'project-over-budget',
        severity: 'warning',
        field: 'project',
        project: code,
        message: text(
          `Giải ngân ${formatNumberVi(reading.value)} triệu đồng vượt tổng mức ${formatNumberVi(project.costs.total)} triệu đồng`,
          `Disbursed ${formatNumberEn(reading.value)} million VND exceeds the cost of ${formatNumberEn(project.costs.total)} million VND`,
        ),
        hint: text('Kiểm tra lại số liệu (đơn vị: triệu đồng)', 'Check the figure (unit: million VND)'),
      });
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

function hasContent(entry: EntryInput): boolean {
  const filled = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');
  return filled(entry.value) || filled(entry.answer);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function shortName(indicator: Indicator): string {
  return indicator.name.length > 80 ? `${indicator.name.slice(0, 79)}…` : indicator.name;
}

