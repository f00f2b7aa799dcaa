import type { Token } from './tokens';

/**
 * The words of the target language, folded (lower case, no diacritics: typed without a
 * Vietnamese keyboard they still read). Multi-word entries are matched word by word,
 * longest first, so "không dưới" beats "dưới".
 */
export type Comparator = 'below' | 'above' | 'atLeast' | 'atMost' | 'approximately';

/** A keyword of one or more words. */
export type Phrase<T> = readonly [words: readonly string[], meaning: T];

const phrases = <T>(entries: Array<[string, T]>): Array<Phrase<T>> =>
  entries.map(([words, meaning]): Phrase<T> => [words.split(' '), meaning]).sort((a, b) => b[0].length - a[0].length);

export const COMPARATOR_WORDS = phrases<Comparator>([
  ['khong vuot qua', 'atMost'],
  ['khong thap hon', 'atLeast'],
  ['khong nho hon', 'atLeast'],
  ['khong it hon', 'atLeast'],
  ['khong cao hon', 'atMost'],
  ['khong lon hon', 'atMost'],
  ['khong nhieu hon', 'atMost'],
  ['khong duoi', 'atLeast'],
  ['khong qua', 'atMost'],
  ['toi thieu', 'atLeast'],
  ['it nhat', 'atLeast'],
  ['toi da', 'atMost'],
  ['nhieu nhat', 'atMost'],
  ['cao hon', 'above'],
  ['lon hon', 'above'],
  ['nhieu hon', 'above'],
  ['thap hon', 'below'],
  ['nho hon', 'below'],
  ['it hon', 'below'],
  ['xap xi', 'approximately'],
  ['khoang', 'approximately'],
  ['duoi', 'below'],
  ['tren', 'above'],
  ['hon', 'above'],
]);

/** Comparators written as symbols (full-width forms are mapped to these by the tokeniser). */
export const COMPARATOR_SYMBOLS: Readonly<Record<string, Comparator>> = {
  '>=': 'atLeast',
  '≥': 'atLeast',
  '<=': 'atMost',
  '≤': 'atMost',
  '>': 'above',
  '<': 'below',
  '≈': 'approximately',
  '~': 'approximately',
};

/** Keep or hold verbs: "Duy trì 100%", "100% giữ ổn định", "100% (duy trì)". */
export const KEEP_VERBS = phrases<true>([
  ['duy tri', true],
  ['giu vung', true],
  ['giu on dinh', true],
  ['giu nguyen', true],
  ['giu', true],
]);

/** A change against the previous year: "Giảm 0,1%/năm", "Tăng 5%/năm". */
export const DIRECTION_WORDS = phrases<'decrease' | 'increase'>([
  ['giam', 'decrease'],
  ['tang', 'increase'],
]);

/** "từ" before a figure: "Từ 90% trở lên", "từ 30 đến 35", "từ 30-35". */
export const FROM_WORD = phrases<true>([['tu', true]]);

/** After the figure: "95% trở lên", "từ 3% trở xuống". */
export const BOUND_TAILS = phrases<'atLeast' | 'atMost'>([
  ['tro len', 'atLeast'],
  ['tro xuong', 'atMost'],
]);

/** Words between the ends of a range written with words: "30 đến 35", "từ 30 tới 35". */
export const RANGE_WORDS = phrases<true>([
  ['den', true],
  ['toi', true],
]);

/** Words that may stand before the comparator or the figure without changing the meaning. */
export const FILLER_WORDS = phrases<true>([
  ['phan dau', true],
  ['dat', true],
  ['bao dam', true],
  ['dam bao', true],
  ['o muc', true],
  ['la', true],
  ['con', true],
  ['ty le', true],
  ['ti le', true],
]);

/** "Mức sinh thay thế 2,1": "mức" and the words up to the figure name a level to hold. */
export const LEVEL_WORD = phrases<true>([['muc', true]]);

/** Magnitude words after a number, as written in lower case (readNumber applies the factor). */
export const MAGNITUDE_WORDS: ReadonlySet<string> = new Set(['nghìn', 'nghin', 'ngàn', 'ngan', 'triệu', 'trieu', 'tỷ', 'tỉ', 'ty', 'ti']);

/** "tỷ lệ" is "rate", not a billion. */
export const NOT_AFTER_MAGNITUDE: ReadonlySet<string> = new Set(['le']);

/**
 * The entry of `table` whose words are the tokens at `at` (longest first), with the index
 * after it; null when none is.
 */
export function matchAt<T>(tokens: readonly Token[], at: number, table: ReadonlyArray<Phrase<T>>): { meaning: T; next: number } | null {
  for (const [words, meaning] of table) {
    if (words.every((word, k) => tokens[at + k]?.kind === 'word' && tokens[at + k]?.folded === word)) {
      return { meaning, next: at + words.length };
    }
  }
  return null;
}

/** The entry of `table` whose words end just before `end` (longest first), with the index where it starts. */
export function matchBefore<T>(tokens: readonly Token[], end: number, table: ReadonlyArray<Phrase<T>>): { meaning: T; start: number } | null {
  for (const [words, meaning] of table) {
    const start = end - words.length;
    if (start >= 0 && words.every((word, k) => tokens[start + k]?.kind === 'word' && tokens[start + k]?.folded === word)) {
      return { meaning, start };
    }
  }
  return null;
}

/** A whole token list that is exactly one entry of `table` ("duy trì" in brackets). */
export function isExactly<T>(tokens: readonly Token[], table: ReadonlyArray<Phrase<T>>): boolean {
  return matchAt(tokens, 0, table)?.next === tokens.length && tokens.length > 0;
}
