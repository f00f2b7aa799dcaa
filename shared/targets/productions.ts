import type { Comparator } from './lexicon';
import {
  BOUND_TAILS,
  COMPARATOR_SYMBOLS,
  COMPARATOR_WORDS,
  DIRECTION_WORDS,
  FILLER_WORDS,
  FROM_WORD,
  KEEP_VERBS,
  LEVEL_WORD,
  MAGNITUDE_WORDS,
  NOT_AFTER_MAGNITUDE,
  RANGE_WORDS,
  isExactly,
  matchAt,
  matchBefore,
} from './lexicon';
import { tokenize } from './tokens';
import type { Token } from './tokens';

/**
 * The productions of the target grammar, one function each (README "Target language"):
 *
 *   phrase   := body bracket*                       readBrackets
 *   body     := lead* figure unit tail*             readLead, readFigure, readTails
 *   lead     := comparator | "từ" | direction | keep | filler | level
 *   figure   := quantity [ ("-" | "đến" | "tới") quantity ]
 *   quantity := number [ "%" | "‰" | magnitude ]    readQuantity
 *   tail     := "trở lên" | "trở xuống" | keep
 *
 * The unit is what stands between the figure and the tails, kept as written. Qualitative
 * phrases ("Cơ bản …", "Hoàn thành …") are their own production (readQualitative).
 */

// ── phrase := body bracket* ────────────────────────────────────────────────────────────────

/** The phrase without its trailing brackets, and what they held. */
export interface Brackets {
  /** A prefix of the phrase: offsets into it are offsets into the phrase. */
  body: string;
  qualifier?: string;
  /** A number in the bracket ("(0,21%)"), read like the indicator's values. */
  figure?: number;
  figureText?: string;
  /** "100% (duy trì)" */
  keep?: boolean;
}

/**
 * Trailing brackets: at most one keep verb ("(duy trì)") and one qualifier or figure
 * ("(theo chuẩn mới)", "(0,21%)"), in either order. `readFigure` reads the bracket's number.
 */
export function readBrackets(text: string, readBracketNumber: (inner: string) => number | null): Brackets {
  const result: Brackets = { body: text };
  let qualified = false;
  for (let round = 0; round < 2; round++) {
    const body = result.body.replace(/[.;\s]+$/, '');
    const paren = /\(([^()]*)\)$/.exec(body);
    if (!paren || paren.index === 0) break;
    const inner = (paren[1] ?? '').trim();
    if (!result.keep && isExactly(tokenize(inner), KEEP_VERBS)) {
      result.keep = true;
    } else if (!qualified) {
      qualified = true;
      const figure = readBracketNumber(inner);
      if (figure !== null) {
        result.figure = figure;
        result.figureText = inner;
      } else if (inner) result.qualifier = inner;
    } else break;
    result.body = body.slice(0, paren.index).trim();
  }
  result.body = result.body.replace(/[.;]+$/, '').trim();
  return result;
}

// ── lead* ──────────────────────────────────────────────────────────────────────────────────

export interface Lead {
  comparator?: { kind: Comparator; at: Token };
  /** A second comparator that disagrees with the first ("Dưới trên 3%"). */
  conflict?: Token;
  from?: Token;
  direction?: 'decrease' | 'increase';
  keep?: Token;
  /** "Mức sinh thay thế 2,1"; the label is absent for a bare "Mức". */
  level?: { label?: string };
  /** The first token the lead does not understand (a number ends the lead without stopping it). */
  stop?: Token;
  /** Index of the token after the lead: the figure's number, if any. */
  next: number;
}

/** The words before the figure; reading stops at the first word it does not know. */
export function readLead(tokens: readonly Token[], body: string): Lead {
  const lead: Lead = { next: tokens.length };
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (!token || token.kind === 'number') break;
    const comparator = readComparator(tokens, i);
    if (comparator) {
      if (lead.comparator && lead.comparator.kind !== comparator.kind) return { ...lead, conflict: spanOf(tokens, i, comparator.next), next: i };
      lead.comparator = { kind: comparator.kind, at: spanOf(tokens, i, comparator.next) };
      i = comparator.next;
      continue;
    }
    const from = matchAt(tokens, i, FROM_WORD);
    if (from) lead.from = token;
    const direction = from ? null : matchAt(tokens, i, DIRECTION_WORDS);
    if (direction) lead.direction = direction.meaning;
    const keep = from ?? direction ? null : matchAt(tokens, i, KEEP_VERBS);
    if (keep) lead.keep = token;
    const known = from ?? direction ?? keep ?? matchAt(tokens, i, FILLER_WORDS);
    if (known) {
      i = known.next;
      continue;
    }
    if (!lead.comparator && matchAt(tokens, i, LEVEL_WORD)) return { ...lead, level: readLevel(tokens, i, body), next: nextNumber(tokens, i) };
    return { ...lead, stop: token, next: i };
  }
  return { ...lead, next: i };
}

/** A comparator written as words or as a symbol. */
function readComparator(tokens: readonly Token[], at: number): { kind: Comparator; next: number } | null {
  const token = tokens[at];
  if (token?.kind === 'symbol') {
    const kind = COMPARATOR_SYMBOLS[token.text];
    return kind ? { kind, next: at + 1 } : null;
  }
  const words = matchAt(tokens, at, COMPARATOR_WORDS);
  return words ? { kind: words.meaning, next: words.next } : null;
}

/** "Mức sinh thay thế" up to the figure: the words name the level, as written. */
function readLevel(tokens: readonly Token[], at: number, body: string): { label?: string } {
  const start = tokens[at]?.start ?? 0;
  const end = tokens[nextNumber(tokens, at)]?.start ?? body.length;
  const label = body.slice(start, end).trim();
  return nextNumber(tokens, at) === at + 1 ? {} : { label };
}

function nextNumber(tokens: readonly Token[], from: number): number {
  const index = tokens.findIndex((t, k) => k >= from && t.kind === 'number');
  return index === -1 ? tokens.length : index;
}

// ── figure := quantity [connector quantity] ──────────────────────────────────────────────────

export interface Quantity {
  number: Token;
  sign?: '%' | '‰';
  magnitude?: Token;
  /** Character offset after the quantity. */
  end: number;
  /** Index of the token after the quantity. */
  next: number;
}

export interface Figure {
  min: Quantity;
  /** Present for a range. */
  max?: Quantity;
  next: number;
}

/** A number, then a percent or per-mille sign, or a magnitude word ("2,5 triệu"). */
export function readQuantity(tokens: readonly Token[], at: number): Quantity | null {
  const number = tokens[at];
  if (number?.kind !== 'number') return null;
  const after = tokens[at + 1];
  if (after?.kind === 'sign') return { number, sign: after.text === '‰' ? '‰' : '%', end: after.end, next: at + 2 };
  const following = tokens[at + 2];
  if (after?.kind === 'word' && MAGNITUDE_WORDS.has(after.text.toLowerCase()) && !NOT_AFTER_MAGNITUDE.has(following?.folded ?? '')) {
    return { number, magnitude: after, end: after.end, next: at + 2 };
  }
  return { number, end: number.end, next: at + 1 };
}

/** One quantity, or two joined by a dash or by "đến" / "tới" (a range). */
export function readFigure(tokens: readonly Token[], at: number): Figure | null {
  const min = readQuantity(tokens, at);
  if (!min) return null;
  const connector = tokens[min.next];
  const afterConnector = connector?.kind === 'dash' ? min.next + 1 : matchAt(tokens, min.next, RANGE_WORDS)?.next;
  const max = afterConnector === undefined ? null : readQuantity(tokens, afterConnector);
  return max ? { min, max, next: max.next } : { min, next: min.next };
}

// ── tail* ──────────────────────────────────────────────────────────────────────────────────

export interface Tails {
  bound?: { kind: 'atLeast' | 'atMost'; at: Token };
  keep?: Token;
  /** Index of the first tail token (tokens.length when there is none). */
  start: number;
}

/**
 * From the end of the body back to `from` (the token after the figure): "trở lên" /
 * "trở xuống" and a keep verb, each at most once; the keep verb right after the figure.
 */
export function readTails(tokens: readonly Token[], from: number): Tails {
  const tails: Tails = { start: tokens.length };
  for (let round = 0; round < 2; round++) {
    const bound = tails.bound ? null : matchBefore(tokens, tails.start, BOUND_TAILS);
    if (bound && bound.start >= from) {
      tails.bound = { kind: bound.meaning, at: spanOf(tokens, bound.start, tails.start) };
      tails.start = bound.start;
      continue;
    }
    // Right after the figure only: in "100% hồ sơ được duy trì" the verb belongs to the unit's words.
    const keep = tails.keep ? null : matchBefore(tokens, tails.start, KEEP_VERBS);
    if (keep?.start === from) {
      tails.keep = spanOf(tokens, keep.start, tails.start);
      tails.start = keep.start;
      continue;
    }
    break;
  }
  return tails;
}

/** The tokens [from, to) as one: a keyword of several words is named whole ("trở lên"). */
function spanOf(tokens: readonly Token[], from: number, to: number): Token {
  const words = tokens.slice(from, to);
  const first = words[0];
  const last = words[words.length - 1];
  if (!first || !last) throw new Error('spanOf: an empty span');
  return { kind: first.kind, text: words.map((t) => t.text).join(' '), folded: words.map((t) => t.folded).join(' '), start: first.start, end: last.end };
}

// ── qualitative ────────────────────────────────────────────────────────────────────────────

export interface Qualitative {
  expected: 'achieved' | 'basicallyAchieved';
  statement: string;
}

/** "Cơ bản không còn hộ nghèo", "Cơ bản đạt", "Hoàn thành phổ cập …", "Đạt chuẩn …", "Không còn hộ nghèo …". */
export function readQualitative(body: string, folded: string): Qualitative | null {
  const basically = /^co ban\s+(.*)$/.exec(folded);
  if (basically) return { expected: 'basicallyAchieved', statement: body.slice(body.length - (basically[1] ?? '').length).trim() };
  if (/^(hoan thanh|dat chuan|cham dut|loai tru|xoa bo|khong con)\b/.test(folded)) return { expected: 'achieved', statement: body };
  if (folded === 'dat') return { expected: 'achieved', statement: body };
  return null;
}
