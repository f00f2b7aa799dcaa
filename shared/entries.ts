import type { Indicator } from './schema/plan';
import type { QualitativeAnswer, TargetExpression } from './schema/target';
import type { EntryInput } from './schema/report';
import type { Untrusted } from './untrusted';
import { finding } from './findings';
import type { Finding } from './findings';
import { readNumber } from './numbers';
import type { NumberReading, ReadHint } from './numbers';
import { excerpt, foldVietnamese, normalizeText } from './text';
import { boundsFinding, foreignUnitFinding, isPercentIndicator, judgeTrailing, plausibleBounds } from './plausibility';
import type { PlausibleBounds } from './plausibility';

/**
 * Reads one entry (the cells of one indicator row) into values, with findings for
 * everything that is not a clean reading. The same function serves the add-in, the API
 * and uploaded workbooks.
 */
export interface ReadEntry {
  code: string;
  value: number | null;
  answer: QualitativeAnswer | null;
  /** A figure given beside a qualitative answer: "Cơ bản đạt (0,15%)". */
  figure: number | null;
  denominator: number | null;
  note: string;
  reading: NumberReading | null;
  findings: Finding[];
}

const ANSWER_WORDS: Array<[string, QualitativeAnswer]> = (
  [
    ['co ban hoan thanh', 'basicallyAchieved'],
    ['co ban dat', 'basicallyAchieved'],
    ['basically achieved', 'basicallyAchieved'],
    ['chua hoan thanh', 'notAchieved'],
    ['khong hoan thanh', 'notAchieved'],
    ['khong dat', 'notAchieved'],
    ['chua dat', 'notAchieved'],
    ['not achieved', 'notAchieved'],
    ['hoan thanh', 'achieved'],
    ['dat', 'achieved'],
    ['achieved', 'achieved'],
  ] as Array<[string, QualitativeAnswer]>
).sort((a, b) => b[0].length - a[0].length);

export const ANSWER_LABELS: Record<QualitativeAnswer, { vi: string; en: string }> = {
  achieved: { vi: 'Đạt', en: 'Achieved' },
  basicallyAchieved: { vi: 'Cơ bản đạt', en: 'Basically achieved' },
  notAchieved: { vi: 'Không đạt', en: 'Not achieved' },
};

export type AnswerReading = { kind: 'empty' } | { kind: 'answer'; answer: QualitativeAnswer; figure: number | null } | { kind: 'invalid' };

const ANSWERS_READ = new Map<string, AnswerReading>();

/** "Đạt", "Cơ bản đạt (0,15%)", "Không đạt", "achieved": the allowed answers, with an optional figure. */
export function readAnswer(raw: unknown): AnswerReading {
  if (raw === null || raw === undefined) return { kind: 'empty' };
  if (typeof raw !== 'string') return { kind: 'invalid' };
  // The same few answers ("Đạt", "Cơ bản đạt") come in every report: read each spelling once.
  const cached = ANSWERS_READ.get(raw);
  if (cached) return cached;
  const reading = readAnswerText(raw);
  if (raw.length <= 60) {
    if (ANSWERS_READ.size >= 1_000) ANSWERS_READ.clear();
    ANSWERS_READ.set(raw, reading);
  }
  return reading;
}


function readAnswerText(raw: string): AnswerReading {
  const clean = normalizeText(raw);
  if (clean === '') return { kind: 'empty' };
  if (clean.length > 200) return { kind: 'invalid' };
  const folded = foldVietnamese(clean);
  const hit = ANSWER_WORDS.find(([w]) => folded.startsWith(w) && !/[a-z]/.test(folded.charAt(w.length)));
  if (!hit) return { kind: 'invalid' };
  const rest = clean.slice(hit[0].length).replace(/^[\s:,(-]+|[\s)]+$/g, '');
  if (rest === '') return { kind: 'answer', answer: hit[1], figure: null };
  const figure = readNumber(rest, { valueType: 'percent' });
  if (figure.kind === 'number' && !figure.trailing) return { kind: 'answer', answer: hit[1], figure: figure.value };
  return { kind: 'invalid' };
}

/** Text a spreadsheet would run as a formula if written as-is. */
export function looksLikeFormula(value: string): boolean {
  // = + - @ tab CR, by character code: this runs for every cell.
  const c = value.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** Any cell content as short text for a message; never throws, whatever the value is. */
export function displayValue(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw === null || raw === undefined) return '';
  return Array.isArray(raw) ? '[…]' : '{…}';
}

const NOTE_LIMIT = 2_000;

export interface ReadContext {
  /** The target of the period's year, deciding whether an answer is needed. */
  yearTarget: TargetExpression | null;
  needsDenominator: boolean;
  denominatorLabel?: string;
}

/** How to read an indicator's cells and the bounds its values keep; indicators are immutable, so built once each. */
interface ReadProfile {
  hint: ReadHint;
  bounds: PlausibleBounds;
}
const READ_PROFILES = new WeakMap<Indicator, ReadProfile>();
function readProfileOf(indicator: Indicator): ReadProfile {
  let profile = READ_PROFILES.get(indicator);
  if (!profile) {
    const maxValue = indicator.max ?? indicator.maxValue;
    profile = { hint: { valueType: indicator.valueType, ...(maxValue !== undefined ? { maxValue } : {}) }, bounds: plausibleBounds(indicator) };
    READ_PROFILES.set(indicator, profile);
  }
  return profile;
}

const DENOMINATOR_HINT: ReadHint = { valueType: 'number' };

export function readEntry(indicator: Indicator, entry: Untrusted<EntryInput>, context: ReadContext): ReadEntry {
  const findings: Finding[] = [];
  const where = { indicator: indicator.code };
  const note = typeof entry.note === 'string' ? entry.note : '';
  const numberFormat = typeof entry.numberFormat === 'string' ? entry.numberFormat : undefined;
  const result: ReadEntry = { code: indicator.code, value: null, answer: null, figure: null, denominator: null, note, reading: null, findings };

  const qualitativeIndicator = indicator.valueType === 'qualitative';
  const qualitativeTarget = context.yearTarget?.kind === 'qualitative';

  if (qualitativeIndicator) {
    // The value cell holds the answer itself.
    const rawAnswer = entry.answer ?? entry.value;
    const source = rawAnswer === null || rawAnswer === undefined ? null : displayValue(rawAnswer);
    applyAnswer(source, result, findings, where, 'value');
  } else {
    const profile = readProfileOf(indicator);
    const reading = readNumber(entry.value ?? null, numberFormat ? { ...profile.hint, numberFormat } : profile.hint);
    result.reading = reading;
    readNumeric(indicator, profile.bounds, reading, entry, result, findings, where);
    if (qualitativeTarget) {
      const rawAnswer = entry.answer;
      applyAnswer(rawAnswer === null || rawAnswer === undefined ? null : displayValue(rawAnswer), result, findings, where, 'answer', true);
    }
  }

  if (context.needsDenominator) {
    const raw = entry.denominator ?? null;
    const d = readNumber(raw, DENOMINATOR_HINT);
    const label = context.denominatorLabel ?? 'mẫu số';
    if (d.kind === 'empty') {
      if (result.value !== null) {
        findings.push(finding('denominator-required', { label }, { field: 'denominator', ...where }));
      }
    } else if (d.kind === 'number' && d.value > 0 && !d.trailing) {
      result.denominator = d.value;
    } else {
      findings.push(finding('denominator-invalid', { label }, { field: 'denominator', ...where, details: { text: typeof raw === 'string' ? excerpt(raw) : raw } }));
    }
  }

  if (note.length > NOTE_LIMIT) {
    findings.push(finding('note-too-long', { length: note.length, limit: NOTE_LIMIT }, { field: 'note', ...where }));
  }
  if (note && looksLikeFormula(note)) {
    findings.push(finding('formula-like-text', {}, { field: 'note', ...where }, { variant: 'note' }));
  }
  return result;
}

function applyAnswer(
  source: string | null,
  result: ReadEntry,
  findings: Finding[],
  where: { indicator: string },
  field: 'value' | 'answer',
  besideNumber = false,
): void {
  const answer = readAnswer(source);
  if (answer.kind === 'answer') {
    result.answer = answer.answer;
    result.figure = answer.figure;
    return;
  }
  if (answer.kind === 'empty') {
    if (besideNumber) {
      findings.push(finding('answer-required', {}, { field, ...where }));
    }
    return;
  }
  findings.push(finding('answer-not-allowed', { answer: excerpt(source ?? '') }, { field, ...where }));
}

function readNumeric(
  indicator: Indicator,
  bounds: PlausibleBounds,
  reading: NumberReading,
  entry: Untrusted<EntryInput>,
  result: ReadEntry,
  findings: Finding[],
  where: { indicator: string },
): void {
  const refused = shapeProblem(indicator, reading, entry.value, where) ?? unreadable(reading, entry.value, where);
  if (refused) {
    findings.push(refused);
    return;
  }
  if (reading.kind !== 'number') return;
  const value = reading.value;
  const trailing = reading.trailing ? judgeTrailing(reading.trailing, indicator.unit) : null;
  if (trailing?.kind !== 'foreignUnit' && trailing?.remark) {
    findings.push(finding('unexpected-text', { remark: excerpt(trailing.remark, 40) }, { field: 'value', ...where }));
  }
  if (Math.abs(value) > 1e15) {
    findings.push(finding('implausible-magnitude', {}, { field: 'value', ...where }));
    return;
  }
  // The min-max check: the plan's bounds, else those of the unit (0-100 %, at most 10,000 per 10,000 people, never negative).
  const outOfBounds = value >= bounds.min && (bounds.max === undefined || value <= bounds.max) ? null : boundsFinding(indicator, value);
  if (outOfBounds) {
    findings.push(outOfBounds);
    return;
  }
  if (indicator.valueType === 'integer' && !Number.isInteger(value)) {
    findings.push(finding('not-integer', { value, unit: indicator.unit }, { field: 'value', ...where }));
    return;
  }
  result.value = value;
}


/** A value that is not one number in the indicator's unit: a formula, numbers glued together, another unit. */
function shapeProblem(indicator: Indicator, reading: NumberReading, raw: unknown, where: { indicator: string }): Finding | null {
  // "=HYPERLINK(…)", "@SUM(A1)", "+1+1": a formula typed as text is never read as a number.
  const rawText = typeof raw === 'string' ? raw.trimStart() : '';
  const arithmetic = reading.kind === 'number' && reading.trailing !== undefined && /^[-+*/^×÷]\s*[\d(]/.test(reading.trailing);
  // A lone dash ("-", "—": nothing to report) is not a formula; it is read (and refused) as text.
  if (rawText && looksLikeFormula(rawText) && !/^[-\s]+$/.test(rawText) && (!/^[-+]\s*\d/.test(rawText) || arithmetic)) {
    return finding('formula-like-text', { value: shown(raw) }, { field: 'value', ...where });
  }
  // "1e3", "0x10", "1_000", "85 - 90", "1+1": a number glued to more number is not one number.
  if (reading.kind === 'number' && reading.trailing !== undefined && /^(?:[eE][+-]?\d|[xX][0-9a-fA-F]|_\d|\d|[-+*/^×÷~]\s*\d)/.test(reading.trailing)) {
    return finding('not-a-number', { value: shown(raw) }, { field: 'value', ...where }, { variant: 'glued' });
  }
  // A value in another unit ("24.000 kg" on a tonnes indicator, "0,9%" on a ‰ one) is never
  // read in the indicator's; said before any ambiguity of its digits, which the unit makes moot.
  const written = reading.kind === 'number' || reading.kind === 'ambiguous' ? foreignUnitOf(indicator, reading) : null;
  return written !== null ? foreignUnitFinding(indicator, written) : null;
}

/** A value the number reader could not read, or could read two ways. */
function unreadable(reading: NumberReading, raw: unknown, where: { indicator: string }): Finding | null {
  switch (reading.kind) {
    case 'empty':
    case 'number':
      return null;
    case 'invalid': {
      const formula = typeof raw === 'string' && looksLikeFormula(raw.trimStart()) && !/^[-+]\s*\d/.test(raw.trimStart());
      const params = reading.reason === 'too-long' ? {} : { value: shown(raw) };
      // A formula is refused before (shapeProblem) unless it is only dashes: never digits, so never bad grouping or not finite.
      const variant = formula && (reading.reason === 'not-a-number' || reading.reason === 'too-long') ? { variant: 'formula' } : {};
      return finding(reading.reason, params, { field: 'value', ...where }, variant);
    }
    case 'ambiguous': {
      const [thousands, decimal] = reading.readings;
      const params = { value: shown(raw), thousands, decimal, separator: reading.separator };
      return finding('ambiguous-number', params, { field: 'value', ...where, details: { readings: [thousands, decimal] } });
    }
  }
}

/** The unit a number is written in when it is not the indicator's ("kg", "%"), else null. */
function foreignUnitOf(indicator: Indicator, reading: { percent: boolean; trailing?: string }): string | null {
  if (reading.percent && !isPercentIndicator(indicator)) return '%';
  if (!reading.trailing) return null;
  const trailing = judgeTrailing(reading.trailing, indicator.unit);
  return trailing.kind === 'foreignUnit' ? trailing.written : null;
}

/** The cell as quoted in a message; built only when a finding needs it (a plain function: no closure per value). */
function shown(raw: unknown): string {
  return typeof raw === 'string' ? `"${excerpt(raw)}"` : displayValue(raw);
}
