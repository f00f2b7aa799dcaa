import type { Polarity, ValueType } from '../schema/enums';
import type { TargetExpression } from '../schema/target';
import { parseTarget } from '../targets/parse';
import { foldVietnamese, normalizeText } from '../text';

/**
 * What the table does not write but its phrases and names show: the unit, the kind of
 * figure, whether higher or lower is better and the decimals. Each inference says how it was
 * decided, or that it could not be (the caller turns that into a finding, never a silent guess).
 */

export interface UnitInference {
  unit: string;
  /** 'column': the unit column; 'phrase': the figures' own unit; 'name': the indicator's name; 'none': nothing said. */
  source: 'column' | 'phrase' | 'name' | 'qualitative' | 'none';
  /** Different units the phrases name, when they disagree. */
  conflicting?: string[];
}

/** Words after a figure that are not its unit. */
const NOT_UNIT = /\s*(?<![\p{L}])(trở lên|trở xuống|trở lại)(?![\p{L}]).*$/iu;
const MAGNITUDE = /^(nghìn|nghin|ngàn|triệu|trieu|tỷ|tỉ)\s+/iu;

/** The unit a phrase writes after its last figure ("160.000 lượt người /năm" → "lượt người/năm"), or ''. */
export function phraseUnit(phrase: string): string {
  const body = phrase.replace(/\([^()]*\)/g, ' ').trim();
  if (body.includes('%')) return body.includes('‰') ? '‰' : '%';
  const numbers = [...body.matchAll(/\d[\d.,]*/g)];
  const last = numbers[numbers.length - 1];
  if (!last) return '';
  const rest = body.slice(last.index + last[0].length).replace(NOT_UNIT, '').replace(MAGNITUDE, '');
  return normalizeText(rest.replace(/\s*\/\s*/g, '/')).replace(/^[-–]\s*/, '');
}

/** "Số giường bệnh/vạn dân" → "giường bệnh/vạn dân"; "bình quân số con/phụ nữ …" → "con/phụ nữ". */
const NAME_RATE = /(?<![\p{L}])số\s+([\p{L}]+(?:\s[\p{L}]+)?)\s*\/\s*([\p{L}]+(?:\s[\p{L}]+)?)/iu;
/** Names whose unit is a word of the domain ("Tuổi thọ bình quân" is counted in years of age). */
const NAME_UNITS: ReadonlyArray<[RegExp, string]> = [[/^tuoi tho\b/, 'tuổi']];

export function inferUnit(input: { name: string; unitColumn: string; phrases: readonly string[]; comparesToPrevious: boolean; allQualitative: boolean }): UnitInference {
  if (input.unitColumn !== '') return { unit: input.unitColumn, source: 'column' };
  const found = input.phrases.map(phraseUnit).filter((u) => u !== '');
  const units = [...new Set(found.map((u) => (input.comparesToPrevious ? u.replace(/\/năm$/u, '') : u)))];
  if (units.length > 0) {
    // The unit most figures write; ties go to the first written.
    const counts = units.map((u) => found.filter((f) => (input.comparesToPrevious ? f.replace(/\/năm$/u, '') : f) === u).length);
    const unit = units[counts.indexOf(Math.max(...counts))] ?? '';
    return { unit, source: 'phrase', ...(units.length > 1 ? { conflicting: units } : {}) };
  }
  const rate = NAME_RATE.exec(input.name);
  if (rate) return { unit: `${rate[1] ?? ''}/${rate[2] ?? ''}`.toLowerCase(), source: 'name' };
  const folded = foldVietnamese(input.name);
  const named = NAME_UNITS.find(([pattern]) => pattern.test(folded));
  if (named) return { unit: named[1], source: 'name' };
  if (input.allQualitative) return { unit: '', source: 'qualitative' };
  return { unit: '', source: 'none' };
}

/** Units that count whole things (people, households, jobs): their figures are integers. */
const COUNT_WORDS = /(?<![\p{L}])(người|lượt|hộ|trẻ|em|học sinh|cơ sở|xã|phường|khu|dự án|việc làm|lao động|đối tượng|căn|suất|giường|bác sỹ|bác sĩ|dược sỹ|trạm|trường)(?![\p{L}])/iu;

/** The kind of figure: qualitative when every phrase is; percent for "%"; a rate or decimals → number; counts → integer. */
export function inferValueType(unit: string, targets: readonly TargetExpression[], figures: readonly string[]): { valueType: ValueType; decided: boolean } {
  if (targets.length > 0 && targets.every((t) => t.kind === 'qualitative')) return { valueType: 'qualitative', decided: true };
  if (unit === '%') return { valueType: 'percent', decided: true };
  const perSomething = /\/(?!năm$|tháng$|quý$)/u.test(unit);
  if (perSomething || decimalsOf(figures) > 0) return { valueType: 'number', decided: true };
  if (COUNT_WORDS.test(unit)) return { valueType: 'integer', decided: true };
  return { valueType: 'number', decided: false };
}

/** Decimals the figures write ("27,1" → 1, "2,08" → 2); a group of three digits is a thousands group, not decimals. */
export function decimalsOf(figures: readonly string[]): number {
  let most = 0;
  for (const text of figures) {
    for (const m of text.matchAll(/\d+(?:[.,]\d+)*/g)) {
      const separators = m[0].replace(/\d/g, '');
      const last = separators.charAt(separators.length - 1);
      const after = m[0].slice(m[0].lastIndexOf(last) + 1);
      // "160.000", "1.036.609", "8,342,216": groups of thousands; "1.036.609,5": the last one differs, it is the decimal mark.
      const grouped = separators.length > 1 ? separators.split('').every((s) => s === last) : last === '.' && after.length === 3;
      if (last !== '' && !grouped) most = Math.max(most, after.length);
    }
  }
  return most;
}

export interface PolarityInference {
  polarity: Polarity;
  decided: boolean;
  conflict?: boolean;
}

/** Names whose figure is held at a level, too high and too low both missing it ("Mức sinh thay thế"). */
const BAND_NAMES = /\bmuc sinh thay the\b/;

/**
 * Higher or lower is better: from the comparators ("Dưới" → lower, "Trên", "Từ … trở lên" →
 * higher), a level ("Mức sinh thay thế") → band, "Giảm …" / "Tăng …" in the name, then the
 * targets' trend over the years, and a target of 100% (the top of the scale). Otherwise undecided.
 */
export function inferPolarity(name: string, valueType: ValueType, targets: readonly TargetExpression[]): PolarityInference {
  const folded = foldVietnamese(name);
  if (BAND_NAMES.test(folded) || targets.some((t) => t.kind === 'level')) return { polarity: 'band', decided: true };
  const lower = targets.some((t) => t.kind === 'below' || t.kind === 'atMost' || (t.kind === 'change' && t.direction === 'decrease'));
  const higher = targets.some((t) => t.kind === 'above' || t.kind === 'atLeast' || (t.kind === 'change' && t.direction === 'increase'));
  if (lower && higher) return { polarity: 'higher', decided: false, conflict: true };
  if (lower) return { polarity: 'lower', decided: true };
  if (higher) return { polarity: 'higher', decided: true };
  if (/^giam\b/.test(folded)) return { polarity: 'lower', decided: true };
  if (/^(tang|nang)\b/.test(folded) || valueType === 'qualitative') return { polarity: 'higher', decided: true };
  const values = targets.map(levelOf).filter((v): v is number => v !== null);
  const rises = values.some((v, i) => i > 0 && v > (values[i - 1] ?? v));
  const falls = values.some((v, i) => i > 0 && v < (values[i - 1] ?? v));
  if (rises && !falls) return { polarity: 'higher', decided: true };
  if (falls && !rises) return { polarity: 'lower', decided: true };
  if (valueType === 'percent' && values.length > 0 && values.every((v) => v === 100)) return { polarity: 'higher', decided: true };
  return { polarity: 'higher', decided: false };
}

/** The level a numeric target aims at, for the trend: a value, or the middle of a range. */
function levelOf(t: TargetExpression): number | null {
  if (t.kind === 'exact' || t.kind === 'approximately') return t.value;
  if (t.kind === 'range') return (t.min + t.max) / 2;
  return null;
}

/** The phrases read before the indicator's kind is known: for the inferences only, never stored. */
export function provisionalTargets(phrases: readonly string[], unit: string): TargetExpression[] {
  return phrases.map((p) => parseTarget(p, { valueType: unit === '%' ? 'percent' : COUNT_WORDS.test(unit) ? 'integer' : 'number', polarity: 'higher', unit }));
}
