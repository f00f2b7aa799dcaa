import { cellAddress, parseCellAddress } from '../../../shared/layout/a1';
import type { CellRect } from '../../../shared/layout/excel-rules';

/** Rectangles of cells (0-based, inclusive), as the shared rules describe ranges. */
export type Rect = CellRect;

export const cellA1 = (r: number, c: number): string => cellAddress(r, c);
export const rectA1 = (x: Rect): string => (x.r1 === x.r2 && x.c1 === x.c2 ? cellA1(x.r1, x.c1) : `${cellA1(x.r1, x.c1)}:${cellA1(x.r2, x.c2)}`);

/** The Office.js range of a rectangle on a worksheet. */
export function rangeOn(worksheet: Excel.Worksheet, x: Rect): Excel.Range {
  return worksheet.getRangeByIndexes(x.r1, x.c1, x.r2 - x.r1 + 1, x.c2 - x.c1 + 1);
}

/** "='Chỉ tiêu'!$H$9" (a defined name's formula) → the cell it points at; null for #REF! and the like. */
export function nameTarget(formula: unknown): { row: number; col: number } | null {
  if (typeof formula !== 'string') return null;
  const bang = formula.lastIndexOf('!');
  const ref = (bang >= 0 ? formula.slice(bang + 1) : formula.replace(/^=/, '')).split(':')[0] ?? '';
  return parseCellAddress(ref.trim());
}

/**
 * Rectangles covering the cells with the same key: runs along each row, then runs of equal
 * column span stacked over consecutive rows. Cells whose key is null are left out.
 */
export function rectangles<T, K extends string = string>(grid: ReadonlyArray<readonly T[]>, keyOf: (cell: T, r: number, c: number) => K | null): Array<{ rect: Rect; key: K }> {
  const out: Array<{ rect: Rect; key: K }> = [];
  let open = new Map<string, Rect>();
  grid.forEach((row, r) => {
    const next = new Map<string, Rect>();
    // The key of each cell of the row, once.
    const keys = row.map((cell, c) => keyOf(cell, r, c));
    let c = 0;
    while (c < row.length) {
      const key = keys[c] ?? null;
      let end = c;
      while (end + 1 < row.length && key !== null && keys[end + 1] === key) end++;
      if (key !== null) {
        const id = `${c}:${end}:${key}`;
        const prev = open.get(id);
        if (prev?.r2 === r - 1) {
          prev.r2 = r;
          next.set(id, prev);
        } else {
          const rect = { r1: r, c1: c, r2: r, c2: end };
          out.push({ rect, key });
          next.set(id, rect);
        }
      }
      c = end + 1;
    }
    open = next;
  });
  return out;
}

/** The runs of neighbouring items that belong together, each with its first item, where it starts and how long it is. */
export function runs<T>(items: readonly T[], together: (previous: T, next: T) => boolean): Array<{ first: T; start: number; count: number }> {
  const out: Array<{ first: T; last: T; start: number; count: number }> = [];
  items.forEach((item, i) => {
    const run = out.at(-1);
    if (run && together(run.last, item)) {
      run.last = item;
      run.count++;
    } else out.push({ first: item, last: item, start: i, count: 1 });
  });
  return out.map(({ first, start, count }) => ({ first, start, count }));
}

/** Rectangles over a sparse "row:col" → value map: equal keys side by side and stacked, each with its 2-D values. */
export function sparseRectangles<V extends string | number>(cells: Map<string, V> | undefined, keyOf: (v: V) => string): Array<{ rect: Rect; key: string; grid: V[][] }> {
  if (!cells || cells.size === 0) return [];
  const points = [...cells].map(([k, v]) => {
    const [r = 0, c = 0] = k.split(':').map(Number);
    return { r, c, v };
  });
  const r0 = Math.min(...points.map((p) => p.r));
  const c0 = Math.min(...points.map((p) => p.c));
  const r1 = Math.max(...points.map((p) => p.r));
  const c1 = Math.max(...points.map((p) => p.c));
  // A dense window over the cells (templates are narrow); null where nothing is written.
  const grid: Array<Array<V | null>> = Array.from({ length: r1 - r0 + 1 }, () => Array<V | null>(c1 - c0 + 1).fill(null));
  for (const p of points) {
    const row = grid[p.r - r0];
    if (row) row[p.c - c0] = p.v;
  }
  return rectangles(grid, (v) => (v === null ? null : keyOf(v))).map(({ rect, key }) => {
    const abs = { r1: rect.r1 + r0, c1: rect.c1 + c0, r2: rect.r2 + r0, c2: rect.c2 + c0 };
    // Every cell of a rectangle has a key, so a value: none is null.
    const values = grid.slice(rect.r1, rect.r2 + 1).map((row) => row.slice(rect.c1, rect.c2 + 1).filter((v) => v !== null));
    return { rect: abs, key, grid: values };
  });
}
