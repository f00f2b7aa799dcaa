import type { Grid, Pos } from './grid';
import { recogniseHeader, repeatsHeader } from './headers';
import type { Column, HeaderBlock } from './headers';

/** The columns the rows are read through. */
export interface ColumnMap {
  code: number;
  name: number;
  unit?: number;
  baseline?: Column;
  /** Year → column, in year order. */
  years: Array<{ year: number; col: number }>;
  policy?: number;
  lead?: number;
  coordinators?: number;
}

/** One indicator row of the table. */
export interface TableRow {
  row: number;
  code: string;
  parent?: string;
  /** The name as written, a sub-row's "- " removed. */
  name: string;
}

/** A cell's text once merged cells are resolved: where it was written, and how it got here. */
export interface CellValue {
  text: string;
  at: Pos;
  /** 'merge': the sheet says the cell is merged; 'above' / 'left': a blank taken as merged by the importer's rules. */
  via: 'own' | 'merge' | 'above' | 'left';
}

const SUB_ROW = /^[-–+•]\s*/;

/**
 * The indicator rows under the header: blank rows and repeated headers are skipped, a row
 * without a number that starts with "- " is a sub-row of the row above (3 → 3.1, 3.2), and
 * every other row is a finding.
 */
export function readRows(grid: Grid, header: HeaderBlock, cols: ColumnMap): { rows: TableRow[] } {
  const rows: TableRow[] = [];
  const seen = new Set<string>();
  let top: { code: string; subs: number } | null = null;
  for (let r = header.bottom + 1; r < grid.rows; r++) {
    if (grid.isBlankRow(r)) continue;
    if (repeatsHeader(grid, r, cols.code, cols.name)) continue;
    const tt = grid.text(r, cols.code).replace(/\.$/, '');
    const rawName = grid.text(r, cols.name);
    let code: string;
    let parent: string | undefined;
    let name = rawName;
    if (tt === '') {
      if (!top || !SUB_ROW.test(rawName)) {
        grid.add('row-without-code', { text: rawName || grid.rowTexts(r).find((t) => t !== '') || '' }, { row: r, col: cols.name });
        continue;
      }
      top.subs += 1;
      code = `${top.code}.${top.subs}`;
      parent = top.code;
      name = rawName.replace(SUB_ROW, '');
    } else if (/^\d+(\.\d+)*$/.test(tt)) {
      code = tt;
      const dot = tt.lastIndexOf('.');
      if (dot > 0 && seen.has(tt.slice(0, dot))) parent = tt.slice(0, dot);
      top = { code: tt, subs: 0 };
    } else {
      grid.add('bad-code', { code: tt }, { row: r, col: cols.code });
      continue;
    }
    if (seen.has(code)) {
      grid.add('duplicate-code', { code }, { row: r, col: cols.code }, { indicator: code });
      continue;
    }
    if (name === '') {
      grid.add('missing-name', { code }, { row: r, col: cols.name }, { indicator: code });
      continue;
    }
    seen.add(code);
    rows.push({ row: r, code, name, ...(parent !== undefined ? { parent } : {}) });
  }
  return { rows };
}

/** The baseline years the headers repeated inside the table name (one per page of the Word document). */
export function repeatedBaselineYears(grid: Grid, header: HeaderBlock, code: number, name: number): number[] {
  const years: number[] = [];
  for (let r = header.bottom + 1; r < grid.rows; r++) {
    if (!repeatsHeader(grid, r, code, name)) continue;
    for (let c = 0; c < grid.cols; c++) {
      const h = recogniseHeader(grid.text(r, c));
      if (h?.kind === 'baseline' && h.year !== undefined) years.push(h.year);
    }
  }
  return years;
}

/** A cell's own text, or the first cell of the merged area it lies in (when the sheet's merges are known). */
export function ownOrMerged(grid: Grid, at: Pos): CellValue {
  const text = grid.text(at.row, at.col);
  if (text !== '') return { text, at, via: 'own' };
  const origin = grid.mergedInto(at);
  if (origin) return { text: grid.text(origin.row, origin.col), at: origin, via: 'merge' };
  return { text: '', at, via: 'own' };
}
