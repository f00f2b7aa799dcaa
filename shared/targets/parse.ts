import type { Polarity, ValueType } from '../schema/enums';
import type { TargetExpression } from '../schema/target';
import { readNumber } from '../numbers';
import type { NumberReading } from '../numbers';
import { foldVietnamese, normalizeText, stripMarkup } from '../text';
import type { Comparator } from './lexicon';
import { readBrackets, readFigure, readLead, readQualitative, readTails } from './productions';
import type { Brackets, Figure, Lead, Quantity, Tails } from './productions';
import { mapLookAlikes, tokenize } from './tokens';
import type { Token } from './tokens';

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
 * Reads a target phrase with the grammar of productions.ts (README "Target language"):
 * "Dưới 3% (theo chuẩn mới)", "≥ 95%", "95% trở lên", "từ 30 đến 35", "100% (duy trì)",
 * "dưới 15/1.000", "trên 2,5 triệu", "0,1%/năm", "Cơ bản đạt". Total: any phrase it cannot
 * read comes back as `unparsed` with the text, a reason and, where reading stopped at a
 * word, that word and its offset in the text.
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

/** What every production needs to say why it stopped. */
interface Reading {
  raw: string;
  /** The phrase normalised; tokens' offsets are into it. */
  text: string;
  body: string;
  tokens: Token[];
  context: TargetContext;
  /** Only a qualitative target carries a figure; beside a number the bracket is kept as written. */
  qualifier: string | undefined;
}

function parse(raw: string, context: TargetContext): TargetExpression {
  const text = mapLookAlikes(normalizeText(stripMarkup(raw)));
  if (text === '') return unparsed(raw, 'empty phrase');
  if (text.length > 500) return unparsed(raw, 'phrase too long to be a target');

  const brackets = readBrackets(text, (inner) => readBracketNumber(inner, context));
  const qualitative = readQualitative(brackets.body, foldVietnamese(brackets.body));
  if (qualitative) return qualitativeTarget(qualitative, brackets);

  const tokens = tokenize(brackets.body);
  const reading: Reading = { raw, text, body: brackets.body, tokens, context, qualifier: brackets.figureText ?? brackets.qualifier };
  const lead = readLead(tokens, brackets.body);
  if (lead.conflict) return stoppedAt(reading, 'conflicting comparators', lead.conflict);
  const figure = lead.stop ? null : readFigure(tokens, lead.next);
  if (!figure) {
    const stop = lead.stop;
    if (stop && tokens.some((t) => t.kind === 'number')) return stoppedAt(reading, `unknown words before the number: "${stop.text}"`, stop);
    return stop ? stoppedAt(reading, 'no number and no known qualitative phrase', stop) : unparsed(raw, 'no number and no known qualitative phrase');
  }
  const tails = readTails(tokens, figure.next);
  const keep = brackets.keep === true || lead.keep !== undefined || tails.keep !== undefined;
  return figure.max ? rangeTarget(reading, lead, figure, tails) : singleTarget(reading, { lead, figure, tails, keep });
}

/** The bracket's number, read like the indicator's values ("(1.000)" on a count is 1000); null when it is not one number. */
function readBracketNumber(inner: string, context: TargetContext): number | null {
  const reading = readNumber(inner, { valueType: context.valueType === 'qualitative' ? 'number' : context.valueType });
  return reading.kind === 'number' && !reading.trailing ? reading.value : null;
}

function qualitativeTarget(qualitative: { expected: 'achieved' | 'basicallyAchieved'; statement: string }, brackets: Brackets): TargetExpression {
  return {
    kind: 'qualitative',
    expected: qualitative.expected,
    statement: qualitative.statement,
    ...(brackets.figure !== undefined ? { figure: brackets.figure } : {}),
    allowedAnswers: ['achieved', 'basicallyAchieved', 'notAchieved'],
    ...(brackets.qualifier ? { qualifier: brackets.qualifier } : {}),
  };
}

/** The text between the figure (or a token index) and the tails: the unit as written. */
function unitBetween(reading: Reading, from: number, tails: Tails): string {
  const end = reading.tokens[tails.start]?.start ?? reading.body.length;
  return reading.body.slice(from, Math.max(from, end)).trim();
}

/** A number as the target means it, or the reason it cannot be read. */
function quantityValue(reading: Reading, quantity: Quantity, magnitude: Token | undefined = quantity.magnitude): number | null {
  const scale = magnitude ? ` ${magnitude.text}` : '';
  return readTargetNumber(`${quantity.number.text}${scale}`, reading.context, quantity.sign);
}

/** "45%-47%", "30 - 35", "từ 30 đến 35", "2-3 triệu m2", "khoảng 0,88-0,9". */
function rangeTarget(reading: Reading, lead: Lead, figure: Figure, tails: Tails): TargetExpression {
  const { min, max = min } = figure;
  if (min.sign && max.sign && min.sign !== max.sign) return stoppedAt(reading, 'a range with "%" at one end and "‰" at the other', max.number);
  const sign = min.sign ?? max.sign;
  // "2-3 triệu m2": the magnitude word of the upper end applies to both.
  const low = quantityValue(reading, min, min.magnitude ?? (sign ? undefined : max.magnitude));
  const high = quantityValue(reading, max);
  if (low === null || high === null) return stoppedAt(reading, 'a number of the range cannot be read unambiguously', low === null ? min.number : max.number);
  if (low > high) return unparsed(reading.raw, 'range minimum is above its maximum');
  const after = unitBetween(reading, max.end, tails);
  if (sign && after) return stoppedAt(reading, 'unexpected text after the range', reading.tokens[max.next]);
  if (lead.comparator && lead.comparator.kind !== 'approximately') return stoppedAt(reading, 'a comparator before a range is not understood', lead.comparator.at);
  if (tails.bound) return stoppedAt(reading, 'a bound after a range is not understood', tails.bound.at);
  if (lead.level) return unparsed(reading.raw, 'a level written as a range is not understood');
  return {
    kind: 'range',
    min: low,
    max: high,
    ...(lead.comparator?.kind === 'approximately' ? { approximate: true } : {}),
    ...withUnit(sign ?? cleanUnit(after)),
    ...(reading.qualifier ? { qualifier: reading.qualifier } : {}),
  };
}

interface Single {
  lead: Lead;
  figure: Figure;
  tails: Tails;
  /** A keep verb before the figure, after it, or in brackets. */
  keep: boolean;
}

/** One figure: compared, kept, a level, or a yearly change. */
function singleTarget(reading: Reading, single: Single): TargetExpression {
  const { lead, figure, tails } = single;
  const bound = boundOf(reading, lead, tails);
  if (typeof bound === 'object') return bound;
  const value = quantityValue(reading, figure.min);
  if (value === null) return stoppedAt(reading, `the number "${figure.min.number.text}" cannot be read unambiguously`, figure.min.number);
  const rest = unitBetween(reading, figure.min.end, tails);
  // "0,1%/năm" stays together; "100% hồ sơ" keeps its space
  const unitText = figure.min.sign ? `${figure.min.sign}${rest === '' || rest.startsWith('/') ? '' : ' '}${rest}` : rest;
  if (reading.context.comparesToPrevious === true || lead.direction) return changeTarget(reading, { value, comparator: bound, keep: single.keep, unitText, direction: lead.direction });
  const extras = { ...withUnit(cleanUnit(unitText)), ...(reading.qualifier ? { qualifier: reading.qualifier } : {}) };
  if (lead.level) {
    if (bound) return stoppedAt(reading, 'conflicting comparators', tails.bound?.at);
    return { kind: 'level', value, ...(lead.level.label ? { label: lead.level.label } : {}), ...extras };
  }
  return comparedTarget(bound, single.keep, value, extras);
}

/**
 * The comparator of one figure, from the words or symbol before it and a trailing "trở lên" /
 * "trở xuống"; an unparsed expression when they disagree.
 */
function boundOf(reading: Reading, lead: Lead, tails: Tails): Comparator | undefined | TargetExpression {
  const before = lead.comparator?.kind;
  const after = tails.bound;
  if (!after) return lead.from ? stoppedAt(reading, '"từ" without "trở lên" or "trở xuống"', lead.from) : before;
  // "Trên 90% trở lên" reads as at least 90, "tối thiểu 90% trở lên" says it twice.
  const agrees = before === undefined || before === after.kind || (before === 'above' && after.kind === 'atLeast');
  return agrees ? after.kind : stoppedAt(reading, 'conflicting comparators', after.at);
}

interface Change {
  value: number;
  comparator: Comparator | undefined;
  keep: boolean;
  unitText: string;
  direction: 'decrease' | 'increase' | undefined;
}

/** A yearly change ("Giảm 0,1%/năm", or any amount on a "so với năm trước" indicator). */
function changeTarget(reading: Reading, change: Change): TargetExpression {
  if ((change.comparator && change.comparator !== 'atLeast') || change.keep) return unparsed(reading.raw, 'a change target with a comparator is not understood');
  // "/năm", also typed without diacritics ("/nam"); folding keeps the indexes.
  const perYear = /\s*\/\s*nam$/.exec(foldVietnamese(change.unitText));
  const unit = perYear ? change.unitText.slice(0, change.unitText.length - perYear[0].length) : change.unitText;
  const direction = change.direction ?? (reading.context.polarity === 'higher' ? 'increase' : 'decrease');
  return {
    kind: 'change',
    direction,
    amount: Math.abs(change.value),
    per: 'year',
    ...withUnit(cleanUnit(unit)),
    ...(reading.qualifier ? { qualifier: reading.qualifier } : {}),
  };
}

/** A single number held to its comparator; none means exactly that number (kept, with a keep verb). */
function comparedTarget(comparator: Comparator | undefined, keep: boolean, value: number, extras: { unit?: string; qualifier?: string }): TargetExpression {
  switch (comparator) {
    case 'below':
    case 'above':
    case 'atLeast':
    case 'atMost':
    case 'approximately':
      // "Duy trì trên 90%": keeping a bound is the bound.
      return { kind: comparator, value, ...extras };
    default:
      return { kind: 'exact', value, maintain: keep, ...extras };
  }
}

/**
 * Reads a number of a target; the indicator's value type settles "160.000", a percent sign
 * reads it as a percentage. Null when it stays ambiguous: never guessed.
 */
function readTargetNumber(text: string, context: TargetContext, sign: '%' | '‰' | undefined): number | null {
  const valueType = context.valueType === 'qualitative' ? 'number' : context.valueType;
  const hint: ValueType = sign === '%' ? 'percent' : sign === '‰' && valueType === 'percent' ? 'number' : valueType;
  const reading: NumberReading = readNumber(text, { valueType: hint });
  if (reading.kind === 'number' && !reading.trailing) return reading.value;
  if (reading.kind === 'ambiguous') {
    // A count ("lượt người", "người") in a target is whole; the unit says so, unless both
    // readings are whole ("1.036 triệu" is 1 036 000 000 or 1 036 000).
    if (hint === 'integer' && !Number.isInteger(reading.readings[1])) return reading.readings[0];
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

/** Unparsed, naming the word where reading stopped and its offset in the text as given. */
function stoppedAt(reading: Reading, reason: string, at: Token | undefined): TargetExpression {
  if (!at) return unparsed(reading.raw, reason);
  const offset = offsetInRaw(reading.raw, reading.text, at);
  const named = reason.includes(`"${at.text}"`) ? reason : `${reason} (reading stopped at "${at.text}")`;
  return { kind: 'unparsed', text: reading.raw, reason: named, stoppedAt: { word: at.text, offset } };
}

/**
 * The token's offset in the phrase as given. Markup and spaces were removed before reading,
 * so the same occurrence of the word is looked up there; the offset in the normalised phrase
 * when it cannot be found (decomposed diacritics).
 */
function offsetInRaw(raw: string, text: string, at: Token): number {
  if (raw === text) return at.start;
  let occurrence = 0;
  for (let k = text.indexOf(at.text); k !== -1 && k < at.start; k = text.indexOf(at.text, k + 1)) occurrence++;
  let found = raw.indexOf(at.text);
  for (let n = 0; n < occurrence && found !== -1; n++) found = raw.indexOf(at.text, found + 1);
  return found === -1 ? at.start : found;
}
