import type { ValueType } from './schema/enums';
import { foldVietnamese, normalizeText } from './text';

/**
 * Reads numbers the way Vietnamese officials type them: `1.036.609` (dot groups), `90,1`
 * (comma decimal), but also `38.4%` and `8,342,216` in the same table. Where the writing
 * cannot decide and the value type cannot either, the reading is ambiguous and carries
 * both candidates: it is never silently guessed. Total: never throws.
 */
export type NumberReading =
  | { kind: 'empty' }
  | {
      kind: 'number';
      value: number;
      /** The text had a % sign (or the cell a percent format). */
      percent: boolean;
      /** "2,5 triệu" → "triệu" */
      magnitude?: string;
      /** Words after the number ("lượt người"), returned so the caller can judge them. */
      trailing?: string;
      /** How a separator was read when the writing alone did not say, e.g. "thousands (integer type)". */
      decidedBy?: string;
    }
  | {
      kind: 'ambiguous';
      /** [thousands grouping, decimal separator] */
      readings: [number, number];
      percent: boolean;
      magnitude?: string;
      trailing?: string;
      separator: '.' | ',';
    }
  | { kind: 'invalid'; reason: InvalidReason };

export type InvalidReason = 'not-a-number' | 'not-finite' | 'bad-grouping' | 'too-long';

export interface ReadHint {
  valueType?: ValueType;
  /** Excel number format of the cell; a percent format means 0.85 is 85 %. */
  numberFormat?: string;
  /** Plausibility cap for percent readings (100 unless the unit allows more). */
  maxValue?: number;
}

const MAGNITUDES: Record<string, number> = {
  nghin: 1e3,
  ngan: 1e3,
  trieu: 1e6,
  ty: 1e9,
  ti: 1e9,
};

/** The longest input we try to read; anything longer is not a number a person typed. */
const MAX_INPUT = 200;

// sign, digits-with-separators, optional %, optional magnitude word, anything after.
const NUMBER_AT_START = /^([+-])?\s*(\d[\d.,\s]*\d|\d)\s*(%)?/;

export function readNumber(raw: unknown, hint: ReadHint = {}): NumberReading {
  if (raw === null || raw === undefined) return { kind: 'empty' };
  if (typeof raw === 'number') return readNativeNumber(raw, hint);
  if (typeof raw === 'boolean') return { kind: 'invalid', reason: 'not-a-number' };
  if (typeof raw !== 'string') return { kind: 'invalid', reason: 'not-a-number' };
  // Most cells are a plain number as typed ("85,5", "160000"): no normalisation needed.
  if (raw.length <= 40) {
    const direct = readSimpleNumber(raw);
    if (direct) return direct;
  }
  const text = normalizeText(raw);
  if (text === '') return { kind: 'empty' };
  if (text.length > MAX_INPUT) return { kind: 'invalid', reason: 'too-long' };
  const simple = readSimpleNumber(text);
  if (simple) return simple;
  return readNumberText(text, hint);
}

// "85", "-3", "85,5", "0.881", "12%": no grouping question, so no ambiguity to weigh.
// Scanned by hand: this runs for nearly every cell, and a regular expression with groups
// costs more than the rest of the reading (same language as /^-?\d{1,15}([.,]\d{1,15})?%?$/).

/** The everyday forms, read without the general grammar; null for anything else. */
function readSimpleNumber(text: string): NumberReading | null {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intLen = i - intStart;
  if (intLen < 1 || intLen > 15) return null;
  let fracLen = 0;
  if (i < n && (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44)) {
    const fracStart = ++i; // after the '.' or ','
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    fracLen = i - fracStart;
    if (fracLen < 1 || fracLen > 15) return null;
    // Three digits after one separator may be a thousands group: leave it to the grammar.
    if (fracLen === 3 && text.charCodeAt(intStart) !== 48 && intLen <= 3) return null;
  }
  const percent = i < n && text.charCodeAt(i) === 37; // '%'
  if (percent) i++;
  if (i !== n) return null;
  let value = decimalValue(text, intStart, intLen, fracLen);
  if (intStart === 1 && value !== 0) value = -value;
  return { kind: 'number', value, percent };
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The digits int[.frac] as a double, exactly as Number("int.frac") reads them: the digits
 * as one integer N and a power of ten D, both exact doubles, so N ÷ D is correctly rounded.
 */
function decimalValue(text: string, intStart: number, intLen: number, fracLen: number): number {
  let digits = 0;
  const intEnd = intStart + intLen;
  for (let k = intStart; k < intEnd; k++) digits = digits * 10 + (text.charCodeAt(k) - 48);
  if (fracLen === 0) return digits;
  for (let k = intEnd + 1; k <= intEnd + fracLen; k++) digits = digits * 10 + (text.charCodeAt(k) - 48);
  if (digits <= Number.MAX_SAFE_INTEGER) return digits / (POW10[fracLen] ?? 10 ** fracLen);
  return Number(`${text.slice(intStart, intEnd)}.${text.slice(intEnd + 1, intEnd + 1 + fracLen)}`);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function readNativeNumber(value: number, hint: ReadHint): NumberReading {
  if (!Number.isFinite(value)) return { kind: 'invalid', reason: 'not-finite' };
  // Excel stores 85 % as 0.85 in a percent-formatted cell.
  if (hint.numberFormat && isPercentFormat(hint.numberFormat)) {
    const scaled = roundFloat(value * 100);
    // 1e307 in a percent cell would scale past the largest double.
    if (!Number.isFinite(scaled)) return { kind: 'invalid', reason: 'not-finite' };
    return { kind: 'number', value: scaled, percent: true };
  }
  return { kind: 'number', value, percent: false };
}

/** A percent sign outside quoted text; the few formats a workbook uses are read once each. */
function isPercentFormat(format: string): boolean {
  let percent = PERCENT_FORMATS.get(format);
  if (percent === undefined) {
    percent = format.replace(/"[^"]*"/g, '').includes('%');
    if (PERCENT_FORMATS.size >= 1_000) PERCENT_FORMATS.clear();
    PERCENT_FORMATS.set(format, percent);
  }
  return percent;
}
const PERCENT_FORMATS = new Map<string, boolean>();

function readNumberText(text: string, hint: ReadHint): NumberReading {
  const match = NUMBER_AT_START.exec(text);
  if (!match) return { kind: 'invalid', reason: 'not-a-number' };
  const [whole, sign, body = '', percentSign] = match;
  let rest = text.slice(whole.length).trim();

  let magnitude: string | undefined;
  let factor = 1;
  const magnitudeMatch = rest === '' ? null : /^(nghin|ngan|trieu|ty|ti)(?![a-z])/.exec(foldVietnamese(rest));
  if (magnitudeMatch?.[1]) {
    magnitude = rest.slice(0, magnitudeMatch[1].length);
    factor = MAGNITUDES[magnitudeMatch[1]] ?? 1;
    rest = rest.slice(magnitudeMatch[1].length).trim();
  }
  let percent = percentSign === '%';
  if (!percent && rest.startsWith('%')) {
    percent = true;
    rest = rest.slice(1).trim();
  }
  const trailing = rest === '' ? undefined : rest;
  const negative = sign === '-';
  const digits = body.replace(/\s+/g, (space, offset: number, all: string) =>
    // "1 036 609": a space between digit groups is a thousands separator.
    /\d/.test(all[offset - 1] ?? '') && /^\d{3}(\D|$)/.test(all.slice(offset + space.length)) ? '' : space,
  );
  if (/\s/.test(digits)) return { kind: 'invalid', reason: 'not-a-number' };

  const parsed = interpretDigits(digits, hint, percent, factor);
  if (parsed.kind === 'invalid') return parsed;
  const apply = (n: number) => roundFloat((negative ? -n : n) * factor);
  const extras = { ...(magnitude ? { magnitude } : {}), ...(trailing ? { trailing } : {}) };
  if (parsed.kind === 'ambiguous') {
    return {
      kind: 'ambiguous',
      readings: [apply(parsed.thousands), apply(parsed.decimal)],
      percent,
      separator: parsed.separator,
      ...extras,
    };
  }
  return {
    kind: 'number',
    value: apply(parsed.value),
    percent,
    ...extras,
    ...(parsed.decidedBy ? { decidedBy: parsed.decidedBy } : {}),
  };
}

type Interpretation =
  | { kind: 'value'; value: number; decidedBy?: string }
  | { kind: 'ambiguous'; thousands: number; decimal: number; separator: '.' | ',' }
  | { kind: 'invalid'; reason: InvalidReason };

function interpretDigits(body: string, hint: ReadHint, percent: boolean, factor: number): Interpretation {
  if (/^\d+$/.test(body)) return { kind: 'value', value: Number(body) };
  const dots = count(body, '.');
  const commas = count(body, ',');

  if (dots > 0 && commas > 0) {
    // Both present: the last one is the decimal separator, the other groups thousands.
    const decimalSep = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
    const groupSep = decimalSep === '.' ? ',' : '.';
    if (count(body, decimalSep) !== 1) return { kind: 'invalid', reason: 'bad-grouping' };
    const [intPart = '', fracPart = ''] = body.split(decimalSep);
    if (!validGrouping(intPart, groupSep) || !/^\d+$/.test(fracPart)) return { kind: 'invalid', reason: 'bad-grouping' };
    return { kind: 'value', value: Number(`${intPart.split(groupSep).join('')}.${fracPart}`) };
  }

  const sep = dots > 0 ? '.' : ',';
  const occurrences = Math.max(dots, commas);
  if (occurrences > 1) {
    // "1.036.609", "8,342,216": repeated separators can only be thousands groups.
    if (!validGrouping(body, sep)) return { kind: 'invalid', reason: 'bad-grouping' };
    return { kind: 'value', value: Number(body.split(sep).join('')) };
  }

  const [intPart = '', fracPart = ''] = body.split(sep);
  const asDecimal = Number(`${intPart}.${fracPart}`);
  // Not three digits after the separator, or a leading zero ("0,881", "04.5"): a decimal.
  // Not three digits after the separator, a leading zero ("0,881") or a four-digit
  // integer part ("1036.609"): only a decimal reading is possible.
  if (fracPart.length !== 3 || intPart.startsWith('0') || intPart.length > 3) {
    return { kind: 'value', value: asDecimal };
  }
  const asThousands = Number(intPart + fracPart);

  // Exactly three digits after a single separator: "1.036", "171,228", "12.345%".
  if (factor === 1 && hint.valueType === 'integer') {
    return { kind: 'value', value: asThousands, decidedBy: 'thousands: the indicator counts whole units' };
  }
  if (percent || hint.valueType === 'percent') {
    const cap = hint.maxValue ?? 100;
    // The thousands reading of a percentage is at least 1000: above the cap it is never
    // meant, even when the decimal reading is above the cap too (range checks flag that).
    if (asThousands > cap) {
      return { kind: 'value', value: asDecimal, decidedBy: `decimal: ${asThousands} is above ${cap} for a percentage` };
    }
  }
  return { kind: 'ambiguous', thousands: asThousands, decimal: asDecimal, separator: sep };
}

function validGrouping(text: string, sep: string): boolean {
  const groups = text.split(sep);
  const [first, ...others] = groups;
  if (!first || !/^\d{1,3}$/.test(first)) return false;
  return others.every((g) => /^\d{3}$/.test(g));
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/** Removes binary noise from decimal arithmetic (0.1 × 3) without changing real precision. */
export function roundFloat(value: number): number {
  // Integers carry no binary noise; toPrecision(15) would cut digits off large counts.
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  return Number.parseFloat(value.toPrecision(15));
}

/** Vietnamese style for display: dot groups, comma decimal. */
export function formatNumberVi(value: number, maxDecimals = 2): string {
  return formatNumber(value, maxDecimals, '.', ',');
}

export function formatNumberEn(value: number, maxDecimals = 2): string {
  return formatNumber(value, maxDecimals, ',', '.');
}

function formatNumber(value: number, maxDecimals: number, group: string, decimal: string): string {
  if (!Number.isFinite(value)) return String(value);
  // The common case in messages; no string surgery needed.
  if (Number.isInteger(value) && value > -1000 && value < 1000) return String(value);
  let fixed = roundFloat(value).toFixed(maxDecimals);
  if (fixed.includes('e')) return fixed;
  // Strip trailing zeros of the fraction only: "100" with no decimals stays "100".
  if (fixed.includes('.')) {
    let end = fixed.length;
    while (fixed.charCodeAt(end - 1) === 48) end--;
    if (fixed.charCodeAt(end - 1) === 46) end--;
    fixed = fixed.slice(0, end);
  }
  const negative = fixed.startsWith('-');
  const body = negative ? fixed.slice(1) : fixed;
  const dot = body.indexOf('.');
  const intPart = dot === -1 ? body : body.slice(0, dot);
  const frac = dot === -1 ? '' : body.slice(dot + 1);
  let grouped = intPart;
  if (intPart.length > 3) {
    const head = intPart.length % 3 || 3;
    grouped = intPart.slice(0, head);
    for (let i = head; i < intPart.length; i += 3) grouped += group + intPart.slice(i, i + 3);
  }
  return `${negative ? '-' : ''}${grouped}${frac ? decimal + frac : ''}`;
}
