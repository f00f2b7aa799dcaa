/** Text helpers shared by every parser: pure, total (never throw), Vietnamese-aware. */

/** Strips the markup the source tables carry (<b>, <i>, **, ~~) and collapses whitespace. */
export function stripMarkup(text: string): string {
  return text
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/\*\*|~~/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const PLAIN_ASCII = /^[\x21-\x7e]*(?: [\x21-\x7e]+)*$/;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** NFC plus one kind of space, dash and quote, so equal phrases compare equal. */
export function normalizeText(text: string): string {
  // Most cells are short printable ASCII ("85,5"): nothing to normalise but the ends.
  if (PLAIN_ASCII.test(text)) return text.trim();
  return text
    .normalize('NFC')
    .replace(/[\u00a0\u2007\u202f\u2009]/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Lower case without diacritics ("Dưới" → "duoi", "Đạt" → "dat"), for keyword matching
 * that survives typing without a Vietnamese keyboard. Keeps string length stable per
 * character so indexes into the folded text map back to the normalized text.
 */
export function foldVietnamese(text: string): string {
  const clean = normalizeText(text).toLowerCase();
  // Nothing to fold in plain ASCII ("85 (uoc)", "kg"); the loop below normalises per character.
  if (ASCII_ONLY.test(clean)) return clean;
  let out = '';
  for (const ch of clean) {
    if (ch === 'đ') {
      out += 'd';
      continue;
    }
    out += ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  return out;
}

export function slugify(text: string): string {
  return foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Truncates long user text for messages, keeping the message readable. */
export function excerpt(text: string, max = 60): string {
  const clean = text.replace(/\s+/g, ' ');
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** A Markdown table cell's text: a pipe would end the cell. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * A document with a generated section (the README's route list, its list of codes) replaced:
 * `content` on lines of its own between the `begin` and `end` markers. Throws without them.
 */
export function withSection(doc: string, begin: string, end: string, content: string): string {
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README lacks ${begin} … ${end}`);
  return `${doc.slice(0, from + begin.length)}\n${content}\n${doc.slice(to)}`;
}
