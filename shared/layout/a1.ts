/** A1 addresses for 0-based (row, column) positions. */

export function columnLetter(col: number): string {
  let n = col + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function cellAddress(row: number, col: number, absolute = false): string {
  const d = absolute ? '$' : '';
  return `${d}${columnLetter(col)}${d}${row + 1}`;
}

export function rangeAddress(row1: number, col1: number, row2: number, col2: number): string {
  return `${cellAddress(row1, col1)}:${cellAddress(row2, col2)}`;
}

export function parseCellAddress(address: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(address.toUpperCase());
  if (!m) return null;
  let col = 0;
  for (const ch of m[1] ?? '') col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]) - 1, col: col - 1 };
}

export function parseRange(range: string): { row1: number; col1: number; row2: number; col2: number } | null {
  const [a, b = a] = range.split(':');
  const start = parseCellAddress(a ?? '');
  const end = parseCellAddress(b ?? '');
  if (!start || !end) return null;
  return { row1: start.row, col1: start.col, row2: end.row, col2: end.col };
}

/** Sheet names: at most 31 characters, none of []:*?/\ and not starting or ending with '. */
export function safeSheetName(name: string): string {
  const clean = name.replace(/[[\]:*?/\\]/g, ' ').replace(/^'+|'+$/g, '').replace(/\s+/g, ' ').trim();
  return (clean || 'Sheet').slice(0, 31).trim();
}

/**
 * A defined name from parts: letters, digits, underscore and period only, starting with a
 * letter, never shaped like a cell address ("A1", "R1C1").
 */
export function definedName(...parts: string[]): string {
  const name = parts
    .map((p) => p.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').replace(/[^A-Za-z0-9]+/g, '_'))
    .join('.')
    .replace(/_+/g, '_');
  return /^[A-Za-z]/.test(name) ? name : `n_${name}`;
}
