import { finding } from './findings';
import type { Finding } from './findings';
import type { Params } from './catalogue/types';
import type { Indicator, YearTarget } from './schema/plan';
import { formatNumberEn, formatNumberVi, readNumber } from './numbers';
import { renderTarget } from './targets/render';
import { excerpt, foldVietnamese } from './text';
import { text } from './i18n';
import type { Text } from './i18n';

/**
 * Plausibility, in the spirit of DHIS2's min-max and outlier checks: the bounds a value of
 * an indicator can take at all (from the plan file, else from its unit), the unit a value
 * is written in, and values ten times away from the year's target, the baseline or last
 * year's value. Pure and total, like the rest of the engine.
 */

/** Where an upper bound comes from; the message says why the value cannot be right. */
export type BoundBasis = 'plan' | 'percent' | 'per1000' | 'per10000' | 'per100000' | 'none';

export interface PlausibleBounds {
  /** The smallest plausible value: the plan's `min`, else 0. */
  min: number;
  /** True when the plan file set `min` (a value under it is out of range, not "negative"). */
  minFromPlan: boolean;
  max: number | undefined;
  basis: BoundBasis;
}

const BOUNDS = new WeakMap<Indicator, PlausibleBounds>();

/**
 * The plan's `min`/`max` where set; otherwise 0 at the bottom and, at the top, 100 for a
 * percentage (or its `maxValue`), 10,000 for a rate per 10,000 people, 1,000 per 1,000 (‰),
 * 100,000 per 100,000, and none for counts and amounts.
 */
export function plausibleBounds(indicator: Indicator): PlausibleBounds {
  const cached = BOUNDS.get(indicator);
  if (cached) return cached;
  const min = indicator.min ?? 0;
  const minFromPlan = indicator.min !== undefined;
  let bounds: PlausibleBounds;
  if (indicator.max !== undefined) bounds = { min, minFromPlan, max: indicator.max, basis: 'plan' };
  else if (isPercentIndicator(indicator)) bounds = { min, minFromPlan, max: indicator.maxValue ?? 100, basis: 'percent' };
  else {
    const per = perUnitBase(indicator.unit);
    if (per !== null) bounds = { min, minFromPlan, max: indicator.maxValue ?? per, basis: per === 1_000 ? 'per1000' : per === 10_000 ? 'per10000' : 'per100000' };
    else bounds = { min, minFromPlan, max: indicator.maxValue, basis: indicator.maxValue === undefined ? 'none' : 'plan' };
  }
  BOUNDS.set(indicator, bounds);
  return bounds;
}

export function isPercentIndicator(indicator: Pick<Indicator, 'valueType' | 'unit'>): boolean {
  return indicator.valueType === 'percent' || indicator.unit.trim() === '%';
}

/** 10,000 for "giường bệnh/vạn dân", "bác sỹ trên 10.000 dân"; 1,000 for "‰", "/1.000 trẻ"; else null. */
export function perUnitBase(unit: string): number | null {
  if (unit.includes('‰')) return 1_000;
  const folded = foldVietnamese(unit);
  const per = /(?:\/|\btren\b|\bper\b)\s*(100[.,\s]?000|10[.,\s]?000|1[.,\s]?000|(?:1\s*)?van|(?:1\s*)?(?:nghin|ngan))(?![\d.,])/.exec(folded);
  if (!per) return null;
  const [, written = ''] = per;
  const base = written.replace(/[.,\s]/g, '');
  if (base === '100000') return 100_000;
  if (base === '10000' || base.endsWith('van')) return 10_000;
  return 1_000;
}

/** The min-max check: an error finding, or null when the value is plausible. */
export function boundsFinding(indicator: Indicator, value: number): Finding | null {
  const bounds = plausibleBounds(indicator);
  const where = { field: 'value', indicator: indicator.code } as const;
  if (value < bounds.min) {
    if (!bounds.minFromPlan) return finding('negative', {}, where);
    return finding('out-of-range', { value, min: bounds.min }, { ...where, details: { value, min: bounds.min, basis: 'plan' } }, { variant: 'below-min' });
  }
  if (bounds.max === undefined || value <= bounds.max) return null;
  const max = bounds.max;
  const { variant, params } = aboveMax(indicator, value, max, bounds.basis);
  return finding('out-of-range', params, { ...where, details: { value, max, basis: bounds.basis } }, variant ? { variant } : {});
}

const PER_BASE: Partial<Record<BoundBasis, number>> = { per1000: 1_000, per10000: 10_000, per100000: 100_000 };

/** Which wording says why a value above the maximum cannot be right: a percentage, a rate per N people, or the plan's maximum. */
function aboveMax(indicator: Indicator, value: number, max: number, basis: BoundBasis): { variant?: 'percent' | 'percent-max' | 'rate'; params: Params } {
  if (basis === 'percent') return { variant: max === 100 ? 'percent' : 'percent-max', params: { value, max } };
  const per = PER_BASE[basis];
  if (per !== undefined) return { variant: 'rate', params: { value, max, unit: indicator.unit, per } };
  return { params: { value, max } };
}

// ---------------------------------------------------------------------------------------
// Units written beside the number

/**
 * Words that name a unit when they follow a number (folded, first word). A trailing word
 * from this list that is not the indicator's unit means the value is in another unit.
 */
const UNIT_WORDS = new Set([
  '%', '‰', 'phan', 'percent',
  'nguoi', 'luot', 'ho', 'tre', 'hoc', 'sinh', 'lao', 'doi', 'benh', 'ca', 'lan', 'people', 'persons',
  'kg', 'g', 'gam', 'gram', 'tan', 'ta', 'yen', 'tonnes', 'tons', 'lit', 'l', 'ml',
  'm', 'm2', 'm3', 'km', 'km2', 'cm', 'mm', 'ha', 'hecta',
  'dong', 'd', 'vnd', 'usd', 'trieu', 'ty', 'nghin', 'ngan',
  'giuong', 'bac', 'duoc', 'dieu', 'beds', 'doctors',
  'tuoi', 'nam', 'thang', 'ngay', 'gio', 'quy', 'years',
  'con', 'khu', 'can', 'xa', 'phuong', 'truong', 'lop', 'diem', 'cai', 'chiec', 'du', 'van',
]);

/** What the words after a number are: the indicator's unit, a remark, or another unit. */
export type TrailingWords =
  | { kind: 'unit'; remark?: string }
  | { kind: 'remark'; remark: string }
  | { kind: 'foreignUnit'; written: string };

/**
 * Splits "lượt người (ước)" into the unit-like head and a remark; the head is the
 * indicator's unit (in any obvious spelling: with or without diacritics or spaces, one of
 * its words, "trên 10.000 dân" for "/vạn dân"), another unit, or just words.
 */
export function judgeTrailing(trailing: string, unit: string): TrailingWords {
  const cut = /[(),;:]|\s-\s/.exec(trailing);
  const head = (cut ? trailing.slice(0, cut.index) : trailing).trim();
  const rest = cut ? trailing.slice(cut.index).trim() : '';
  if (head === '') return { kind: 'remark', remark: trailing };
  if (unitMatches(head, unit)) return rest ? { kind: 'unit', remark: rest } : { kind: 'unit' };
  const first = unitTokens(head)[0] ?? '';
  if (UNIT_WORDS.has(first) || head.startsWith('%') || head.startsWith('‰')) return { kind: 'foreignUnit', written: head };
  return { kind: 'remark', remark: trailing };
}

/** "lượt người" or "người" typed after a count of "lượt người/năm" is the unit, not a remark. */
export function unitMatches(written: string, unit: string): boolean {
  const a = unitTokens(written);
  if (a.length === 0) return true;
  const b = unitTokens(unit);
  if (b.length === 0) return false;
  // "giuongbenh/vandan" typed without spaces, or the unit cut short ("lượt người" for "lượt người/năm").
  const compactA = a.join('');
  const compactB = b.join('');
  if (compactB.startsWith(compactA)) return true;
  // Its words in order, some left out: "người", "giường/vạn dân" for "giường bệnh/vạn dân".
  let k = 0;
  for (const token of b) if (token === a[k]) k++;
  return k === a.length;
}

const UNIT_TOKENS = new Map<string, string[]>();

/** Folded words of a unit with the usual variants made equal: sỹ/sĩ, m²/m2, "trên 10.000" = "/vạn", "phần trăm" = "%". */
function unitTokens(unit: string): string[] {
  const cached = UNIT_TOKENS.get(unit);
  if (cached) return cached;
  const folded = foldVietnamese(unit)
    .replace(/²/g, '2')
    .replace(/³/g, '3')
    .replace(/\bphan tram\b/g, '%')
    .replace(/\bphan nghin\b/g, '‰')
    .replace(/\b(?:tren|per)\b/g, '/')
    .replace(/%/g, ' % ')
    .replace(/‰/g, ' ‰ ');
  const tokens = folded
    .split(/[\s/]+/)
    .filter((t) => t !== '')
    .map((t) => (/^10[.,]?000$/.test(t) ? 'van' : /^1[.,]?000$/.test(t) ? 'nghin' : t === 'ngan' ? 'nghin' : t.replace(/y$/, 'i')));
  if (UNIT_TOKENS.size > 1_000) UNIT_TOKENS.clear();
  UNIT_TOKENS.set(unit, tokens);
  return tokens;
}

/** The unit-mismatch error: the value is in another unit and is not read in the indicator's. */
export function foreignUnitFinding(indicator: Indicator, written: string): Finding {
  const unit = indicator.unit.trim();
  const shown = excerpt(written, 40);
  const where = { field: 'value', indicator: indicator.code, details: { written: shown, unit } } as const;
  return finding('unit-mismatch', unit ? { unit, written: shown } : { written: shown }, where, unit ? {} : { variant: 'no-unit' });
}

// ---------------------------------------------------------------------------------------
// Outliers

/** A value more than this many times above or below a reference is an outlier. */
export const OUTLIER_FACTOR = 10;

export interface OutlierReference {
  kind: 'target' | 'baseline' | 'previous';
  value: number;
  /** 'above': the value is more than ten times the reference; 'below': less than a tenth of it. */
  side: 'above' | 'below';
}

const BASELINES = new WeakMap<Indicator, number | null>();

/** The baseline figure ("27,1", "180.578 lượt người (…)", "38.4%"), or null when it is not a number. */
export function baselineValue(indicator: Indicator): number | null {
  const cached = BASELINES.get(indicator);
  if (cached !== undefined) return cached;
  let value: number | null = null;
  if (indicator.baseline && indicator.valueType !== 'qualitative') {
    const reading = readNumber(indicator.baseline.text, { valueType: indicator.valueType });
    if (reading.kind === 'number' && Number.isFinite(reading.value)) value = reading.value;
  }
  BASELINES.set(indicator, value);
  return value;
}

/** The numbers of a year target a level can be compared with; a change amount is not a level. */
function targetLevels(target: YearTarget | null): [number, number] | null {
  const t = target?.target;
  if (!t) return null;
  switch (t.kind) {
    case 'below':
    case 'above':
    case 'atLeast':
    case 'atMost':
    case 'exact':
    case 'approximately':
    case 'level':
      return [t.value, t.value];
    case 'range':
      return [t.min, t.max];
    default:
      return null;
  }
}

/**
 * A percentage must also be more than one point away: a rate near zero (0,1 % last year,
 * 0 % now) is ten times smaller without being a doubtful figure.
 */
const OUTLIER_MIN_PERCENT_POINTS = 1;

/**
 * The references a value is more than ten times away from (target, baseline, last year's
 * value). `share` is the part of the year a partial report covers for a yearly amount
 * (3/12 for 3 months of "160.000 lượt người/năm"): the target and the baseline are annual,
 * last year's value is of the same period.
 */
export function outlierReferences(indicator: Indicator, value: number, yearTarget: YearTarget | null, previous: number | null, share = 1): OutlierReference[] {
  const out: OutlierReference[] = [];
  const gap = isPercentIndicator(indicator) ? OUTLIER_MIN_PERCENT_POINTS : 0;
  const levels = targetLevels(yearTarget);
  if (levels) pushOutlier(out, 'target', value, levels[0] * share, levels[1] * share, gap);
  const baseline = baselineValue(indicator);
  if (baseline !== null) pushOutlier(out, 'baseline', value, baseline * share, baseline * share, gap);
  if (previous !== null) pushOutlier(out, 'previous', value, previous, previous, gap);
  return out;
}

function pushOutlier(out: OutlierReference[], kind: OutlierReference['kind'], value: number, low: number, high: number, gap: number): void {
  if (!(low > 0) || !(high > 0) || value < 0) return;
  if (value > high * OUTLIER_FACTOR && value - high > gap) out.push({ kind, value: high, side: 'above' });
  else if (value * OUTLIER_FACTOR < low && low - value > gap) out.push({ kind, value: low, side: 'below' });
}

/**
 * An outlier needs an explanation: a warning while the note is empty; once the agency has
 * written one, the finding stays (the standing agency sees the value was questioned) as info.
 */
export function outlierFinding(
  indicator: Indicator,
  value: number,
  references: readonly OutlierReference[],
  context: { year: number; yearTarget: YearTarget | null; note: string; months?: number },
): Finding | null {
  if (references.length === 0) return null;
  const explained = context.note.trim() !== '';
  const sides = (side: 'above' | 'below') => references.filter((r) => r.side === side).map((r) => referencePhrase(indicator, r, context));
  const parts: Text[] = [];
  const above = sides('above');
  const below = sides('below');
  if (above.length) parts.push(text(`lớn hơn ${OUTLIER_FACTOR} lần ${above.map((p) => p.vi).join(', ')}`, `more than ${OUTLIER_FACTOR} times ${above.map((p) => p.en).join(', ')}`));
  if (below.length) parts.push(text(`nhỏ hơn 1/${OUTLIER_FACTOR} ${below.map((p) => p.vi).join(', ')}`, `less than a tenth of ${below.map((p) => p.en).join(', ')}`));
  // The comparison names the target, the baseline and last year's value with their own words (referencePhrase).
  const comparison = text(parts.map((p) => p.vi).join('; '), parts.map((p) => p.en).join('; '));
  const details = { value, references: references.map((r) => ({ kind: r.kind, value: r.value, side: r.side })) };
  return finding('outlier', { value, unit: indicator.unit, code: indicator.code, comparison }, { field: 'value', indicator: indicator.code, details }, explained ? { variant: 'explained' } : {});
}

function referencePhrase(indicator: Indicator, r: OutlierReference, context: { year: number; yearTarget: YearTarget | null; months?: number }): Text {
  const n = { vi: formatNumberVi(r.value, 4), en: formatNumberEn(r.value, 4) };
  // A partial report of a yearly amount is compared with the pro-rata share: say so.
  const pro = context.months !== undefined && context.months < 12 ? { vi: ` theo tiến độ ${context.months} tháng: ${n.vi}`, en: `, pro rata for ${context.months} months: ${n.en}` } : null;
  if (r.kind === 'target' && context.yearTarget) {
    return text(`chỉ tiêu năm ${context.year} (${context.yearTarget.text}${pro?.vi ?? ''})`, `the ${context.year} target (${renderTarget(context.yearTarget.target, 'en')}${pro?.en ?? ''})`);
  }
  if (r.kind === 'baseline') {
    const year = indicator.baseline?.year;
    return text(`số liệu cơ sở${year ? ` năm ${year}` : ''} (${pro ? pro.vi.trim() : n.vi})`, `the${year ? ` ${year}` : ''} baseline (${pro ? pro.en.replace(/^, /, '') : n.en})`);
  }
  return text(`số liệu cùng kỳ năm trước (${n.vi})`, `the same period last year (${n.en})`);
}
