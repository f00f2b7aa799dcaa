import type { Polarity, ValueType } from '../schema/enums';
import type { TargetExpression } from '../schema/target';
import { readNumber } from '../numbers';
import type { NumberReading } from '../numbers';
import { foldVietnamese, normalizeText, stripMarkup } from '../text';

export interface TargetContext {
  valueType: ValueType;
  polarity: Polarity;
  /** The indicator's unit; a phrase without a unit inherits it. */
  unit?: string;
  /** The indicator measures a change against the previous year ("Giảm … so với năm trước"). */
  comparesToPrevious?: boolean;
}

/** The parse context of an indicator: its value type, polarity, unit, and whether it compares with last year. */
export function targetContextOf(indicator: { valueType: ValueType; polarity: Polarity; unit: string; name: string }): TargetContext {
  return {
    valueType: indicator.valueType,
    polarity: indicator.polarity,
    unit: indicator.unit,
    comparesToPrevious: /so với năm trước|so với cùng kỳ/i.test(indicator.name),
  };
}

/**
 * Reads a target phrase as the plans write it ("Dưới 3% (theo chuẩn mới)", "Từ 90% trở
 * lên", "64,5% - 66%", "khoảng 77 tuổi", "Duy trì 100%", "0,1%/năm", "Cơ bản đạt").
 * Total: any phrase it cannot read comes back as `unparsed` with the text and a reason.
 */
export function parseTarget(text: string, context: TargetContext): TargetExpression {
  try {
    return parse(typeof text === 'string' ? text : String(text), context);
  } catch {
    // The grammar below is meant to be total; this is the last line of defence.
    return { kind: 'unparsed', text: safeString(text), reason: 'internal error while reading the phrase' };
  }
}

/** String(x) that cannot throw (an object without a prototype or with a throwing toString). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}

const MAGNITUDE_WORD = '(nghìn|nghin|ngàn|triệu|trieu|tỷ|tỉ|ty)(?![\\p{L}])';

/** A magnitude word at the start of the text after a range ("2-3 triệu m2"). */
const LEADING_MAGNITUDE = new RegExp(`^\\s*${MAGNITUDE_WORD}`, 'iu');

/** A number, its percent sign and magnitude word, and the rest; the digits are taken whole ("32m2" is 32 and "m2", never 3 and "2m2"). */
const SINGLE_NUMBER = new RegExp(`^(\\d[\\d.,]*(?:\\s+\\d{3})*)(?![\\d.,])\\s*(%)?(?:\\s*${MAGNITUDE_WORD})?(.*)$`, 'iu');

// Words that may stand before the comparator or the number without changing the meaning.
const FILLER = ['phan dau', 'dat', 'bao dam', 'dam bao', 'o muc', 'la', 'con'];

type Comparator = 'below' | 'above' | 'atLeast' | 'atMost' | 'approximately' | 'maintain';

/** Folded keyword → comparator; longest first so "khong duoi" beats "duoi". */
const COMPARATORS: Array<[string, Comparator]> = (
  [
    ['khong vuot qua', 'atMost'],
    ['khong thap hon', 'atLeast'],
    ['khong cao hon', 'atMost'],
    ['khong duoi', 'atLeast'],
    ['khong qua', 'atMost'],
    ['toi thieu', 'atLeast'],
    ['it nhat', 'atLeast'],
    ['toi da', 'atMost'],
    ['duy tri', 'maintain'],
    ['xap xi', 'approximately'],
    ['khoang', 'approximately'],
    ['duoi', 'below'],
    ['tren', 'above'],
    ['hon', 'above'],
  ] as Array<[string, Comparator]>
).sort((a, b) => b[0].length - a[0].length);

function parse(raw: string, context: TargetContext): TargetExpression {
  const text = normalizeText(stripMarkup(raw));
  if (text === '') return unparsed(raw, 'empty phrase');
  if (text.length > 500) return unparsed(raw, 'phrase too long to be a target');

  const bracket = readTrailingBracket(text, context);
  const { body } = bracket;
  const folded = foldVietnamese(body);
  const qualitative = readQualitative(body, folded);
  if (qualitative) return qualitativeTarget(qualitative, bracket);

  // Split: [prefix words] [number] [rest]; the prefix must consist of known words.
  const firstDigit = body.search(/\d/);
  if (firstDigit === -1) return unparsed(raw, 'no number and no known qualitative phrase');
  const phrase: NumberPhrase = {
    raw,
    prefixText: body.slice(0, firstDigit).trim(),
    prefixFolded: folded.slice(0, firstDigit).trim(),
    numberAndRest: body.slice(firstDigit),
    // Only a qualitative target carries a figure; beside a number the bracket is kept as written.
    qualifier: bracket.figureText ?? bracket.qualifier,
  };
  const prefix = readPrefix(phrase.prefixFolded);
  if (prefix === 'conflict') return unparsed(raw, 'conflicting comparators');
  if (!prefix) return unparsed(raw, `unknown words before the number: "${phrase.prefixText}"`);
  return readRange(phrase, prefix, context) ?? readSingle(phrase, prefix, context);
}

/** The phrase without its trailing "(…)", and what the bracket held: a figure or a qualifier. */
interface Bracketed {
  body: string;
  qualifier?: string;
  figure?: number;
  figureText?: string;
}

/** A phrase with a number, cut at its first digit. */
interface NumberPhrase {
  /** The phrase as given, for `unparsed`. */
  raw: string;
  /** The words before the number, as written and folded. */
  prefixText: string;
  prefixFolded: string;
  numberAndRest: string;
  qualifier: string | undefined;
}

/** A trailing "(…)" is a qualifier ("theo chuẩn mới") or a figure ("0,21%"). */
function readTrailingBracket(text: string, context: TargetContext): Bracketed {
  const result: Bracketed = { body: text };
  const paren = /\(([^()]*)\)\s*\.?$/.exec(text);
  if (paren && paren.index > 0) {
    const inner = (paren[1] ?? '').trim();
    // The figure is read like the indicator's values, so "(1.000)" on a count is 1000.
    const asNumber = readNumber(inner, { valueType: context.valueType === 'qualitative' ? 'number' : context.valueType });
    if (asNumber.kind === 'number' && !asNumber.trailing) {
      result.figure = asNumber.value;
      result.figureText = inner;
    } else if (inner) result.qualifier = inner;
    result.body = text.slice(0, paren.index).trim();
  }
  result.body = result.body.replace(/[.;]+$/, '').trim();
  return result;
}

function qualitativeTarget(qualitative: Qualitative, bracket: Bracketed): TargetExpression {
  return {
    kind: 'qualitative',
    expected: qualitative.expected,
    statement: qualitative.statement,
    ...(bracket.figure !== undefined ? { figure: bracket.figure } : {}),
    allowedAnswers: ['achieved', 'basicallyAchieved', 'notAchieved'],
    ...(bracket.qualifier ? { qualifier: bracket.qualifier } : {}),
  };
}

/** Ranges: "45%-47%", "64,5% - 66%", "73-75%", "30 - 35", "0,88-0,9", "1-2 khu"; null when the phrase is no range. */
function readRange(phrase: NumberPhrase, prefix: Prefix, context: TargetContext): TargetExpression | null {
  const { raw, qualifier } = phrase;
  const range = /^(\d[\d.,]*)\s*(%?)\s*[-–]\s*(\d[\d.,]*)\s*(%?)(.*)$/.exec(phrase.numberAndRest);
  if (!range) return null;
  const [, a = '', pa, b = '', pb, afterRaw = ''] = range;
  const percent = pa === '%' || pb === '%';
  // "2-3 triệu m2": the magnitude word applies to both ends.
  const magnitude = percent ? null : LEADING_MAGNITUDE.exec(afterRaw);
  const after = magnitude ? afterRaw.slice(magnitude[0].length) : afterRaw;
  const scale = magnitude ? ` ${magnitude[1]}` : '';
  const min = readTargetNumber(a + scale, context, percent);
  const max = readTargetNumber(b + scale, context, percent);
  if (min === null || max === null) return unparsed(raw, 'a number of the range cannot be read unambiguously');
  if (min > max) return unparsed(raw, 'range minimum is above its maximum');
  if (percent && after.trim()) return unparsed(raw, 'unexpected text after the range');
  const unit = percent ? '%' : cleanUnit(after);
  if (prefix.comparator && prefix.comparator !== 'approximately') {
    return unparsed(raw, 'a comparator before a range is not understood');
  }
  return {
    kind: 'range',
    min,
    max,
    ...(prefix.comparator === 'approximately' ? { approximate: true } : {}),
    ...withUnit(unit),
    ...(qualifier ? { qualifier } : {}),
  };
}

/** A single number, then its unit and perhaps "trở lên" / "trở xuống" / "/năm". */
function readSingle(phrase: NumberPhrase, prefix: Prefix, context: TargetContext): TargetExpression {
  const { raw, qualifier } = phrase;
  const single = SINGLE_NUMBER.exec(phrase.numberAndRest);
  if (!single) return unparsed(raw, 'the number cannot be read');
  const [, digits = '', pct, magnitudeWord, afterRaw = ''] = single;
  const bound = readBound(afterRaw.trim(), prefix);
  if ('reason' in bound) return unparsed(raw, bound.reason);
  const numberText = `${digits}${magnitudeWord ? ` ${magnitudeWord}` : ''}`;
  const value = readTargetNumber(numberText, context, pct === '%');
  if (value === null) return unparsed(raw, `the number "${digits.trim()}" cannot be read unambiguously`);

  const unitText = pct === '%' ? `%${bound.after}` : bound.after;
  const isChange = context.comparesToPrevious === true || /^(giam|tang)\b/.test(phrase.prefixFolded);
  if (isChange) return changeTarget(phrase, value, bound.comparator, unitText, context);
  const extras = { ...withUnit(cleanUnit(unitText)), ...(qualifier ? { qualifier } : {}) };
  if (prefix.label !== undefined) {
    // A bare "Mức 2,1" names no level; "Mức sinh thay thế 2,1" does.
    const label = prefix.label ? phrase.prefixText : undefined;
    return { kind: 'level', value, ...(label ? { label } : {}), ...extras };
  }
  return comparedTarget(bound.comparator, value, extras);
}

/**
 * The comparator of a single number, from the words before it and a trailing "trở lên" /
 * "trở xuống" (cut from the text after the number); a reason when they disagree.
 */
function readBound(after: string, prefix: Prefix): { comparator: Comparator | undefined; after: string } | { reason: string } {
  const comparator = prefix.comparator;
  const tail = /(^|\s)tro (len|xuong)$/.exec(foldVietnamese(after));
  if (!tail) {
    return prefix.from ? { reason: '"từ" without "trở lên" or "trở xuống"' } : { comparator, after };
  }
  // "Trên 90% trở lên" is read as at least 90; "Trên 90% trở xuống" contradicts itself.
  if (comparator && (comparator !== 'above' || tail[2] === 'xuong')) return { reason: 'conflicting comparators' };
  if (!prefix.from && comparator !== 'above') return { reason: '"trở lên/xuống" without "từ"' };
  return { comparator: tail[2] === 'len' ? 'atLeast' : 'atMost', after: after.slice(0, after.length - tail[0].length).trim() };
}

/** A yearly change ("Giảm 0,1%/năm", or any amount on a "so với năm trước" indicator). */
function changeTarget(phrase: NumberPhrase, value: number, comparator: Comparator | undefined, unitText: string, context: TargetContext): TargetExpression {
  if (comparator && comparator !== 'atLeast') return unparsed(phrase.raw, 'a change target with a comparator is not understood');
  // "/năm", also typed without diacritics ("/nam"); folding keeps the indexes.
  const perYear = /\s*\/\s*nam$/.exec(foldVietnamese(unitText));
  const unit = perYear ? unitText.slice(0, unitText.length - perYear[0].length) : unitText;
  const prefix = phrase.prefixFolded;
  const direction = /^tang\b/.test(prefix) ? 'increase' : prefix.startsWith('giam') ? 'decrease' : context.polarity === 'higher' ? 'increase' : 'decrease';
  return { kind: 'change', direction, amount: Math.abs(value), per: 'year', ...withUnit(cleanUnit(unit)), ...(phrase.qualifier ? { qualifier: phrase.qualifier } : {}) };
}

/** A single number held to its comparator; none means exactly that number. */
function comparedTarget(comparator: Comparator | undefined, value: number, extras: { unit?: string; qualifier?: string }): TargetExpression {
  switch (comparator) {
    case 'below':
      return { kind: 'below', value, ...extras };
    case 'above':
      return { kind: 'above', value, ...extras };
    case 'atLeast':
      return { kind: 'atLeast', value, ...extras };
    case 'atMost':
      return { kind: 'atMost', value, ...extras };
    case 'approximately':
      return { kind: 'approximately', value, ...extras };
    case 'maintain':
      return { kind: 'exact', value, maintain: true, ...extras };
    default:
      return { kind: 'exact', value, maintain: false, ...extras };
  }
}

interface Prefix {
  comparator?: Comparator;
  /** "Từ 90% trở lên" */
  from?: boolean;
  /** "Mức sinh thay thế 2,1": a named level to hold. */
  label?: string;
}

/** Reads the words before the first number; null when they are not understood. */
function readPrefix(folded: string): Prefix | 'conflict' | null {
  let rest = folded;
  const result: Prefix = {};
  for (let guard = 0; rest.length > 0 && guard < 20; guard++) {
    rest = rest.trim();
    if (!rest) break;
    const cmp = COMPARATORS.find(([k]) => startsWithWord(rest, k));
    if (cmp) {
      if (result.comparator && result.comparator !== cmp[1]) return 'conflict';
      result.comparator = cmp[1];
      rest = rest.slice(cmp[0].length);
      continue;
    }
    if (startsWithWord(rest, 'tu')) {
      result.from = true;
      rest = rest.slice(2);
      continue;
    }
    if (/^(giam|tang)\b/.test(rest)) {
      rest = rest.replace(/^(giam|tang)\b/, '');
      continue;
    }
    // "Mức sinh thay thế 2,1": "mức" followed by words names a level.
    const level = /^muc(?: (.+))?$/.exec(rest);
    if (level && !result.comparator) {
      result.label = (level[1] ?? '').trim();
      return result;
    }
    const filler = FILLER.find((f) => startsWithWord(rest, f));
    if (filler) {
      rest = rest.slice(filler.length);
      continue;
    }
    return null;
  }
  return result;
}

function startsWithWord(text: string, word: string): boolean {
  return text.startsWith(word) && !/[a-z0-9]/.test(text.charAt(word.length));
}

interface Qualitative {
  expected: 'achieved' | 'basicallyAchieved';
  statement: string;
}

/** "Cơ bản không còn hộ nghèo", "Cơ bản đạt", "Hoàn thành phổ cập …", "Đạt chuẩn xoá mù chữ mức độ 2". */
function readQualitative(body: string, folded: string): Qualitative | null {
  const basically = /^co ban\s+(.*)$/.exec(folded);
  if (basically) return { expected: 'basicallyAchieved', statement: body.slice(body.length - (basically[1] ?? '').length).trim() };
  if (/^(hoan thanh|dat chuan|cham dut|loai tru|xoa bo)\b/.test(folded)) return { expected: 'achieved', statement: body };
  if (folded === 'dat') return { expected: 'achieved', statement: body };
  return null;
}

/** Reads a number of a target; the indicator's value type settles "160.000". */
function readTargetNumber(text: string, context: TargetContext, percent: boolean): number | null {
  const valueType = context.valueType === 'qualitative' ? 'number' : context.valueType;
  const reading: NumberReading = readNumber(text, { valueType: percent ? 'percent' : valueType });
  if (reading.kind === 'number' && !reading.trailing) return reading.value;
  if (reading.kind === 'ambiguous') {
    // A count ("lượt người", "người") in a target is whole; the unit says so, unless both
    // readings are whole ("1.036 triệu" is 1 036 000 000 or 1 036 000).
    if (valueType === 'integer' && !Number.isInteger(reading.readings[1])) return reading.readings[0];
  }
  return null;
}

/** "lượt người /năm" → "lượt người/năm"; "" → undefined. */
function cleanUnit(text: string): string | undefined {
  const unit = text.replace(/\s*\/\s*/g, '/').replace(/\s+/g, ' ').trim();
  return unit === '' ? undefined : unit;
}

function withUnit(unit: string | undefined): { unit?: string } {
  return unit ? { unit } : {};
}

function unparsed(text: string, reason: string): TargetExpression {
  return { kind: 'unparsed', text, reason };
}
