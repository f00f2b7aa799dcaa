import { foldVietnamese } from '../text';

/**
 * The tokens of a target phrase. The grammar (productions.ts) reads these, never the raw
 * characters, so every production sees "≥95%" and "≥ 95 %" alike.
 */
export type TokenKind =
  /** "95", "1.036.609", "64,5", "1 036 609" (space groups of three digits) */
  | 'number'
  /** "%" or "‰" */
  | 'sign'
  /** "≥", "<=", ">", "~" … (see SYMBOLS) */
  | 'symbol'
  /** "-" (every dash is normalised to it) or "÷" between the ends of a range */
  | 'dash'
  | 'slash'
  | 'open'
  | 'close'
  /** Letters (and digits after a letter: "m2") */
  | 'word'
  | 'other';

export interface Token {
  kind: TokenKind;
  /** As written (after normalisation). */
  text: string;
  /** Lower case without diacritics, for keywords: "Dưới" → "duoi". */
  folded: string;
  /** Offsets into the phrase the tokens were read from. */
  start: number;
  end: number;
}

/**
 * Full-width and look-alike characters mapped to the ones the grammar knows. One UTF-16
 * unit for one, so offsets into the mapped phrase are offsets into the phrase.
 */
const LOOK_ALIKES: Record<string, string> = {
  '％': '%',
  '＞': '>',
  '＜': '<',
  '＝': '=',
  '≧': '≥',
  '≦': '≤',
  '⩾': '≥',
  '⩽': '≤',
  '～': '~',
  '∼': '~',
};

export function mapLookAlikes(text: string): string {
  return text.replace(/[％＞＜＝≧≦⩾⩽～∼]/g, (ch) => LOOK_ALIKES[ch] ?? ch);
}

/** The kind of each alternative of TOKEN, by its group number. */
const KINDS: ReadonlyArray<TokenKind | 'space'> = ['space', 'number', 'sign', 'symbol', 'dash', 'slash', 'open', 'close', 'word', 'other'];

// One alternative per kind (in KINDS order), tried in this order at each position (sticky, so linear).
const TOKEN = new RegExp(
  [
    '(\\s+)',
    // separators only between digits ("5," is 5 and a comma); thousands groups may be spaced
    '(\\d(?:\\d|[.,](?=\\d))*(?:\\s+\\d{3}(?![\\d.,]))*)',
    '([%‰])',
    '(>=|<=|[≥≤><≈~])',
    '([-÷])',
    '(/)',
    '(\\()',
    '(\\))',
    '([\\p{L}\\p{M}][\\p{L}\\p{M}\\p{N}]*)',
    '([\\s\\S])',
  ].join('|'),
  'uy',
);

/** The phrase cut into tokens; whitespace only separates them. Total and linear. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    let group = 1;
    while (group < match.length && match[group] === undefined) group++;
    const kind = KINDS[group - 1];
    if (kind && kind !== 'space') {
      const word = match[0];
      tokens.push({ kind, text: word, folded: kind === 'word' ? foldVietnamese(word) : word, start: match.index, end: match.index + word.length });
    }
    if (TOKEN.lastIndex >= text.length) break;
  }
  return tokens;
}
