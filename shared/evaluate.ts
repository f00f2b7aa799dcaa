import type { Indicator, Plan, Polarity, YearTarget } from './schema/plan';
import type { QualitativeAnswer, TargetExpression, Tolerance } from './schema/target';
import { formatNumberEn, formatNumberVi, roundFloat } from './numbers';
import { foldVietnamese } from './text';
import type { Period } from './periods';
import { renderTarget } from './targets/render';
import { text } from './i18n';
import type { Text } from './i18n';

/**
 * Evaluation of one value against a target, following DOMAIN.md "What the standing
 * agency reports": a verdict, progress as a percentage of the year plan and of the
 * plan-period target (inverted for less-is-better), and the category 1-4, no data, or not
 * assessable (a value the engine cannot judge is never counted as "facing difficulties").
 */
export type Verdict = 'met' | 'withinTolerance' | 'notMet' | 'notAssessable';
export type Category = 1 | 2 | 3 | 4 | 'notAssessable' | 'noData';

export interface Observation {
  /** The number reported, already read (see readEntry). */
  value?: number | null;
  /** The qualitative answer, for qualitative targets. */
  answer?: QualitativeAnswer | null;
  /** The value of the same period a year earlier, for change targets. */
  previous?: number | null;
}

export interface TargetCheck {
  verdict: Verdict;
  /** Why, when the verdict is not plainly "met". */
  reason?: Text;
}

export interface CheckOptions {
  polarity: Polarity;
  /** Tolerance for directional targets (none unless the plan sets one). */
  tolerance?: Tolerance;
  /** Tolerance for "khoảng", levels and band targets. */
  approximateTolerance: Tolerance;
}

const EPSILON = 1e-9;
const ANSWER_RANK: Record<QualitativeAnswer, number> = { notAchieved: 0, basicallyAchieved: 1, achieved: 2 };

export function toleranceAmount(tolerance: Tolerance | undefined, reference: number): number {
  if (!tolerance) return 0;
  return Math.max(tolerance.absolute ?? 0, (tolerance.relative ?? 0) * Math.abs(reference));
}

/** Checks an observation against one target expression. */
export function checkTarget(target: TargetExpression, observation: Observation, options: CheckOptions): TargetCheck {
  if (target.kind === 'unparsed') {
    return { verdict: 'notAssessable', reason: text(`Chỉ tiêu "${target.text}" chưa đọc được`, `The target "${target.text}" could not be read`) };
  }
  if (target.kind === 'qualitative') {
    const answer = observation.answer;
    if (!answer) {
      return {
        verdict: 'notAssessable',
        reason: text('Chỉ tiêu định tính: cần chọn Đạt / Cơ bản đạt / Không đạt', 'Qualitative target: answer achieved, basically achieved or not achieved'),
      };
    }
    const need = ANSWER_RANK[target.expected];
    const got = ANSWER_RANK[answer];
    if (got >= need) return { verdict: 'met' };
    if (got === need - 1 && answer !== 'notAchieved') {
      return { verdict: 'withinTolerance', reason: text('Cơ bản đạt, chưa đạt đầy đủ', 'Basically achieved, not fully') };
    }
    return { verdict: 'notMet', reason: text('Báo cáo: không đạt', 'Reported as not achieved') };
  }
  const value = observation.value;
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { verdict: 'notAssessable', reason: text('Chưa có số liệu', 'No value reported') };
  }
  if (target.kind === 'change') {
    const previous = observation.previous;
    if (previous === null || previous === undefined || !Number.isFinite(previous)) {
      return {
        verdict: 'notAssessable',
        reason: text(
          'Chỉ tiêu so với năm trước: thiếu số liệu kỳ trước để so sánh',
          'Target is a change against the previous year: the previous value is missing',
        ),
      };
    }
    const change = target.direction === 'decrease' ? previous - value : value - previous;
    const check = compare(change, target.amount, 'atLeast', toleranceAmount(options.tolerance, target.amount));
    return check.verdict === 'met' ? check : { verdict: check.verdict, reason: changeReason(target.direction, change, target.amount, previous, value, check.verdict) };
  }

  const directional = (kind: 'below' | 'above' | 'atLeast' | 'atMost', ref: number) =>
    compare(value, ref, kind, toleranceAmount(options.tolerance, ref));

  switch (target.kind) {
    case 'below':
    case 'above':
    case 'atLeast':
    case 'atMost':
      return directional(target.kind, target.value);
    case 'range': {
      if (value >= target.min - EPSILON && value <= target.max + EPSILON) return { verdict: 'met' };
      // Beyond the favourable end of a range still meets it ("73-75%" cremation at 80 %).
      if (options.polarity === 'higher' && value > target.max) return { verdict: 'met' };
      if (options.polarity === 'lower' && value < target.min) return { verdict: 'met' };
      const edge = value < target.min ? target.min : target.max;
      const tolerance = target.approximate ? options.approximateTolerance : options.tolerance;
      if (Math.abs(value - edge) <= toleranceAmount(tolerance, edge) + EPSILON) return withinTolerance(value, edge);
      return notMet(value, edge, value < target.min ? 'belowMin' : 'over');
    }
    case 'exact': {
      if (options.polarity === 'higher') return directional('atLeast', target.value);
      if (options.polarity === 'lower') return directional('atMost', target.value);
      return aroundValue(value, target.value, options.tolerance ?? options.approximateTolerance, 'band');
    }
    case 'approximately':
      return aroundValue(value, target.value, target.tolerance ?? options.tolerance ?? options.approximateTolerance, options.polarity);
    case 'level':
      return aroundValue(value, target.value, target.tolerance ?? options.tolerance ?? options.approximateTolerance, 'band');
  }
}

function aroundValue(value: number, ref: number, tolerance: Tolerance, polarity: Polarity): TargetCheck {
  if (Math.abs(value - ref) <= EPSILON * Math.max(1, Math.abs(ref))) return { verdict: 'met' };
  // "khoảng 77 tuổi" for a more-is-better indicator: going beyond is meeting it.
  if (polarity === 'higher' && value > ref) return { verdict: 'met' };
  if (polarity === 'lower' && value < ref) return { verdict: 'met' };
  if (Math.abs(value - ref) <= toleranceAmount(tolerance, ref) + EPSILON) return withinTolerance(value, ref);
  // A level, a band or "khoảng": missed from above or from below, and the words say which.
  return notMet(value, ref, value > ref ? 'aboveLevel' : 'belowLevel');
}

function compare(value: number, ref: number, kind: 'below' | 'above' | 'atLeast' | 'atMost', tolerance: number): TargetCheck {
  const scale = EPSILON * Math.max(1, Math.abs(ref));
  const ok =
    kind === 'below' ? value < ref - scale : kind === 'above' ? value > ref + scale : kind === 'atLeast' ? value >= ref - scale : value <= ref + scale;
  if (ok) return { verdict: 'met' };
  if (tolerance > 0 && Math.abs(value - ref) <= tolerance + scale) return withinTolerance(value, ref);
  return notMet(value, ref, missSide(kind, value, ref));
}

/**
 * How a value misses a directional target: a minimum not reached, a maximum exceeded, or
 * the boundary itself of a strict comparison ("Trên 94%" with 94, "Dưới 3%" with 3).
 */
function missSide(kind: 'below' | 'above' | 'atLeast' | 'atMost', value: number, ref: number): MissSide {
  if (kind === 'atLeast') return 'short';
  if (kind === 'atMost') return 'over';
  if (kind === 'above') return value < ref ? 'short' : 'notAbove';
  return value > ref ? 'over' : 'notBelow';
}

function withinTolerance(value: number, ref: number): TargetCheck {
  return {
    verdict: 'withinTolerance',
    reason: text(
      `${formatNumberVi(value, 4)} lệch ${formatNumberVi(Math.abs(value - ref), 4)} so với mốc ${formatNumberVi(ref, 4)}, trong mức sai số cho phép`,
      `${formatNumberEn(value, 4)} is ${formatNumberEn(Math.abs(value - ref), 4)} from ${formatNumberEn(ref, 4)}, within the allowed tolerance`,
    ),
  };
}

type MissSide = 'short' | 'belowMin' | 'over' | 'notAbove' | 'notBelow' | 'aboveLevel' | 'belowLevel';

const MISS_WORDS: Record<MissSide, { vi: string; en: string }> = {
  short: { vi: 'chưa đạt mốc', en: 'does not reach' },
  belowMin: { vi: 'chưa đạt mức tối thiểu', en: 'does not reach the minimum of' },
  over: { vi: 'vượt mức tối đa', en: 'exceeds the maximum of' },
  notAbove: { vi: 'chưa vượt mốc', en: 'is not above' },
  notBelow: { vi: 'chưa thấp hơn mốc', en: 'is not below' },
  aboveLevel: { vi: 'cao hơn mức', en: 'is above the level of' },
  belowLevel: { vi: 'thấp hơn mức', en: 'is below the level of' },
};

/** "6 vượt mức tối đa 5" / "6 exceeds the maximum of 5": the words follow the side the value missed on. */
function notMet(value: number, ref: number, side: MissSide): TargetCheck {
  const words = MISS_WORDS[side];
  return {
    verdict: 'notMet',
    reason: text(
      `${formatNumberVi(value, 4)} ${words.vi} ${formatNumberVi(ref, 4)}`,
      `${formatNumberEn(value, 4)} ${words.en} ${formatNumberEn(ref, 4)}`,
    ),
  };
}

/** "giảm 0,05 so với năm trước (5,4 → 5,35), chưa đạt mức giảm 0,1", or "tăng … thay vì giảm …". */
function changeReason(direction: 'decrease' | 'increase', change: number, amount: number, previous: number, value: number, verdict: Verdict): Text {
  const down = direction === 'decrease';
  const wanted = { vi: down ? 'giảm' : 'tăng', en: down ? 'decrease' : 'increase' };
  const moved = (change >= 0) === down ? { vi: 'giảm', en: 'down' } : { vi: 'tăng', en: 'up' };
  const by = Math.abs(roundFloat(change));
  const vi = `${moved.vi} ${formatNumberVi(by, 4)} so với năm trước (${formatNumberVi(previous, 4)} → ${formatNumberVi(value, 4)})`;
  const en = `${moved.en} ${formatNumberEn(by, 4)} against last year (${formatNumberEn(previous, 4)} → ${formatNumberEn(value, 4)})`;
  const need = { vi: `${wanted.vi} ${formatNumberVi(amount, 4)}`, en: `${wanted.en} of ${formatNumberEn(amount, 4)}` };
  if (verdict === 'withinTolerance') return text(`${vi}, trong mức sai số cho phép của mức ${need.vi}`, `${en}, within the allowed tolerance of the required ${need.en}`);
  if (change < 0) return text(`${vi} thay vì ${need.vi}`, `${en} instead of the required ${need.en}`);
  return text(`${vi}, chưa đạt mức ${need.vi}`, `${en}, short of the required ${need.en}`);
}

/**
 * The number progress is measured against: the value itself, the end of a range that
 * must be reached, the required change. Null for qualitative and unread targets.
 */
export function progressReference(target: TargetExpression, polarity: Polarity): number | null {
  switch (target.kind) {
    case 'below':
    case 'above':
    case 'atLeast':
    case 'atMost':
    case 'approximately':
    case 'exact':
    case 'level':
      return target.value;
    case 'range':
      return polarity === 'lower' ? target.max : polarity === 'band' ? (target.min + target.max) / 2 : target.min;
    case 'change':
      return target.amount;
    default:
      return null;
  }
}

/**
 * Progress in percent: actual ÷ target, target ÷ actual for less-is-better, closeness
 * for band targets, achieved change ÷ required change for change targets. Inside a range
 * is 100 %; outside it, the ratio to the nearer bound. Null when it cannot be computed
 * (no value, no numeric target, division by zero).
 *
 * Progress and verdict never contradict each other: a value on the missing side of its
 * target shows at most 99,9 %, never the 100 % that rounding (93,99 against 94) or a strict
 * boundary (94 against "Trên 94%", 3 against "Dưới 3%") would otherwise print beside "not met".
 */
export function progressPercent(target: TargetExpression, polarity: Polarity, observation: Observation): number | null {
  const value = observation.value;
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const progress = rawProgress(target, polarity, value, observation.previous);
  if (progress === null || progress < 100 || reachesTarget(target, polarity, value, observation.previous)) return progress;
  return MISSED_PROGRESS_CAP;
}

/** The highest progress shown for a value that does not reach its target. */
export const MISSED_PROGRESS_CAP = 99.9;

function rawProgress(target: TargetExpression, polarity: Polarity, value: number, previous: number | null | undefined): number | null {
  if (target.kind === 'range') {
    if (value >= target.min - EPSILON && value <= target.max + EPSILON) return 100;
    return ratioProgress(value < target.min ? target.min : target.max, polarity, value);
  }
  const ref = progressReference(target, polarity);
  if (ref === null || !Number.isFinite(ref)) return null;
  if (target.kind === 'change') {
    if (previous === null || previous === undefined || !Number.isFinite(previous) || ref === 0) return null;
    const change = target.direction === 'decrease' ? previous - value : value - previous;
    return round1((change / ref) * 100);
  }
  return ratioProgress(ref, target.kind === 'level' ? 'band' : polarity, value);
}

function ratioProgress(ref: number, polarity: Polarity, value: number): number | null {
  if (polarity === 'band') {
    if (ref === 0) return null;
    return round1(Math.max(0, (1 - Math.abs(value - ref) / Math.abs(ref)) * 100));
  }
  if (polarity === 'lower') {
    if (value <= 0) return null;
    return round1((ref / value) * 100);
  }
  if (ref === 0) return null;
  return round1((value / ref) * 100);
}

/** Whether the value itself (no tolerance) is on the meeting side of the target, as checkTarget reads it. */
function reachesTarget(target: TargetExpression, polarity: Polarity, value: number, previous: number | null | undefined): boolean {
  switch (target.kind) {
    case 'below':
      return value < target.value - near(target.value);
    case 'above':
      return value > target.value + near(target.value);
    case 'atLeast':
      return value >= target.value - near(target.value);
    case 'atMost':
      return value <= target.value + near(target.value);
    case 'exact':
    case 'approximately':
    case 'level': {
      const band = target.kind === 'level' ? 'band' : polarity;
      if (band === 'higher') return value >= target.value - near(target.value);
      if (band === 'lower') return value <= target.value + near(target.value);
      return Math.abs(value - target.value) <= near(target.value);
    }
    case 'range':
      return (value >= target.min - EPSILON || polarity === 'lower') && (value <= target.max + EPSILON || polarity === 'higher');
    case 'change': {
      if (previous === null || previous === undefined) return false;
      const change = target.direction === 'decrease' ? previous - value : value - previous;
      return change >= target.amount - near(target.amount);
    }
    default:
      return true;
  }
}

/** The binary-noise margin around a reference, as compare() allows it. */
function near(ref: number): number {
  return EPSILON * Math.max(1, Math.abs(ref));
}

/** One decimal, with a nudge so that binary noise (100.04999…) rounds as the decimal reads. */
function round1(n: number): number {
  const scaled = Math.abs(n) * 10;
  return (Math.sign(n) * Math.round(scaled + scaled * 1e-12)) / 10;
}

export interface IndicatorEvaluation {
  code: string;
  yearTarget: YearTarget | null;
  periodTarget: YearTarget | null;
  year: TargetCheck;
  period: TargetCheck;
  progressYear: number | null;
  progressPeriod: number | null;
  category: Category;
  categoryReason: Text;
}

export type EvaluationPlan = Pick<Plan, 'endYear' | 'defaults'>;

/** The target of the period's year; a merged cell is already expanded in the catalog. */
export function targetForYear(indicator: Indicator, year: number): YearTarget | null {
  return indicator.targets[String(year)] ?? null;
}

/** The end-of-plan target: the plan's last year, or the latest year the indicator has. */
export function periodTargetOf(indicator: Indicator, plan: EvaluationPlan): YearTarget | null {
  const own = indicator.targets[String(plan.endYear)];
  if (own) return own;
  const years = Object.keys(indicator.targets).sort();
  const last = years[years.length - 1];
  return last ? (indicator.targets[last] ?? null) : null;
}

/**
 * Per-year amounts ("160.000 lượt người/năm") and yearly changes are not stock levels. A
 * phrase without a unit takes the indicator's, so a bare "160000" on a "/năm" indicator counts.
 */
export function isYearlyFlow(target: TargetExpression | undefined, indicatorUnit?: string): boolean {
  if (!target) return false;
  if (target.kind === 'change') return true;
  const unit = 'unit' in target && typeof target.unit === 'string' ? target.unit : indicatorUnit;
  if (typeof unit !== 'string' || !unit.includes('/')) return false;
  let yearly = YEARLY_UNITS.get(unit);
  if (yearly === undefined) {
    yearly = /\/\s*nam$/.test(foldVietnamese(unit));
    YEARLY_UNITS.set(unit, yearly);
  }
  return yearly;
}

/** Units are few and repeat for every value: fold each once. */
const YEARLY_UNITS = new Map<string, boolean>();

const CATEGORY_LABELS: Record<1 | 2 | 3 | 4, Text> = {
  1: text('Hoàn thành, vượt mục tiêu giai đoạn', 'Already met the plan-period target'),
  2: text('Hoàn thành kế hoạch năm', "Met this year's plan"),
  3: text('Đang triển khai theo tiến độ', "On schedule to meet this year's plan"),
  4: text('Gặp khó khăn', 'Facing difficulties'),
};
export const NO_DATA_LABEL = text('Chưa có số liệu', 'No data reported');
export const NOT_ASSESSABLE_LABEL = text('Chưa đánh giá được', 'Not assessable');

export function categoryLabel(category: Category): Text {
  return category === 'noData' ? NO_DATA_LABEL : category === 'notAssessable' ? NOT_ASSESSABLE_LABEL : CATEGORY_LABELS[category];
}

export function evaluateIndicator(
  plan: EvaluationPlan,
  indicator: Indicator,
  period: Period,
  observation: Observation,
): IndicatorEvaluation {
  const yearTarget = targetForYear(indicator, period.year);
  const periodTarget = periodTargetOf(indicator, plan);
  const options = checkOptions(plan, indicator);
  const hasValue =
    (observation.value !== null && observation.value !== undefined && Number.isFinite(observation.value)) ||
    (observation.answer !== null && observation.answer !== undefined);

  const noTarget = (which: Text): TargetCheck => ({ verdict: 'notAssessable', reason: which });
  const year = yearTarget
    ? checkTarget(yearTarget.target, observation, options)
    : noTarget(text(`Kế hoạch không có chỉ tiêu cho năm ${period.year}`, `The plan has no target for ${period.year}`));
  const whole = periodTarget
    ? checkTarget(periodTarget.target, observation, options)
    : noTarget(text('Kế hoạch không có chỉ tiêu giai đoạn', 'The plan has no plan-period target'));

  const progressYear = yearTarget ? progressPercent(yearTarget.target, indicator.polarity, observation) : null;
  const progressPeriod = periodTarget ? progressPercent(periodTarget.target, indicator.polarity, observation) : null;

  const result: IndicatorEvaluation = {
    code: indicator.code,
    yearTarget,
    periodTarget,
    year,
    period: whole,
    progressYear,
    progressPeriod,
    category: 'noData',
    categoryReason: NO_DATA_LABEL,
  };
  if (!hasValue) return result;
  const settle = (category: Exclude<Category, 'noData'>, reason: Text): IndicatorEvaluation => {
    result.category = category;
    result.categoryReason = reason;
    return result;
  };
  const notAssessable = (why: Text | undefined): IndicatorEvaluation =>
    settle('notAssessable', why ? text(`${NOT_ASSESSABLE_LABEL.vi}: ${why.vi}`, `${NOT_ASSESSABLE_LABEL.en}: ${why.en}`) : NOT_ASSESSABLE_LABEL);

  // A yearly amount or a yearly change is met again each year; it has no plan-period stock to "already meet".
  if (periodTarget && counts(whole) && !isYearlyFlow(periodTarget.target, indicator.unit)) return settle(1, CATEGORY_LABELS[1]);
  if (!yearTarget && !periodTarget) {
    return notAssessable(text(`kế hoạch không có chỉ tiêu năm ${period.year} và không có chỉ tiêu giai đoạn`, `the plan has no target for ${period.year} and none for the plan period`));
  }
  if (!yearTarget && periodTarget) {
    // The period target itself cannot be judged (unread, qualitative without an answer, a change
    // without last year's value): saying "under way" would be a guess.
    if (whole.verdict === 'notAssessable') return notAssessable(whole.reason);
    // Plan 181 sets only 2030 targets: there is no year plan to miss, so the interim years
    // are "under way" towards the period target, never "facing difficulties" by default.
    return settle(
      3,
      text(
        `${CATEGORY_LABELS[3].vi}: kế hoạch không đặt chỉ tiêu năm ${period.year}, đang thực hiện hướng tới mục tiêu ${periodTarget.text}`,
        `${CATEGORY_LABELS[3].en}: the plan sets no ${period.year} target; under way towards ${renderTarget(periodTarget.target, 'en')}`,
      ),
    );
  }
  if (counts(year)) return settle(2, CATEGORY_LABELS[2]);

  if (period.months < 12 && yearTarget) {
    const onSchedule = onScheduleCheck(plan, yearTarget.target, indicator.polarity, observation, period, indicator.unit);
    if (onSchedule) return settle(3, onSchedule);
  }
  // Only a value judged against the year's target and found short is "facing difficulties".
  if (year.verdict === 'notAssessable') return notAssessable(year.reason);
  const why = year.reason ?? whole.reason;
  return settle(4, why ? text(`${CATEGORY_LABELS[4].vi}: ${why.vi}`, `${CATEGORY_LABELS[4].en}: ${why.en}`) : CATEGORY_LABELS[4]);
}

function counts(check: TargetCheck): boolean {
  return check.verdict === 'met' || check.verdict === 'withinTolerance';
}

/** Partial year: a yearly amount is on schedule at its pro-rata share; a level at the plan's progress threshold. */
function onScheduleCheck(
  plan: EvaluationPlan,
  target: TargetExpression,
  polarity: Polarity,
  observation: Observation,
  period: Period,
  unit?: string,
): Text | null {
  const value = observation.value;
  if (value === null || value === undefined) return null;
  if (isYearlyFlow(target, unit) && target.kind !== 'change') {
    const ref = progressReference(target, polarity);
    if (ref === null) return null;
    const expected = (ref * period.months) / 12;
    if (polarity !== 'lower' && value >= expected) {
      return text(
        `${CATEGORY_LABELS[3].vi}: ${period.months} tháng đạt ${formatNumberVi(value)} / ${formatNumberVi(expected)} theo tiến độ`,
        `${CATEGORY_LABELS[3].en}: ${formatNumberEn(value)} after ${period.months} months against ${formatNumberEn(expected)} pro rata`,
      );
    }
    return null;
  }
  const progress = progressPercent(target, polarity, observation);
  if (progress !== null && progress >= plan.defaults.onScheduleProgress) {
    return text(
      `${CATEGORY_LABELS[3].vi}: đạt ${formatNumberVi(progress, 1)}% kế hoạch năm (ngưỡng ${plan.defaults.onScheduleProgress}%)`,
      `${CATEGORY_LABELS[3].en}: ${formatNumberEn(progress, 1)}% of the year plan (threshold ${plan.defaults.onScheduleProgress}%)`,
    );
  }
  return null;
}

const OPTIONS = new WeakMap<Indicator, CheckOptions>();

export function checkOptions(plan: EvaluationPlan, indicator: Indicator): CheckOptions {
  const cached = OPTIONS.get(indicator);
  if (cached?.approximateTolerance === plan.defaults.approximateTolerance) return cached;
  const options: CheckOptions = {
    polarity: indicator.polarity,
    ...(indicator.tolerance ? { tolerance: indicator.tolerance } : {}),
    approximateTolerance: plan.defaults.approximateTolerance,
  };
  OPTIONS.set(indicator, options);
  return options;
}

/** Short description of a target for messages: "Dưới 3%" / "below 3%". */
export function describeTarget(target: YearTarget): Text {
  return { vi: target.text, en: renderTarget(target.target, 'en') };
}
