import { foldVietnamese } from '../text';
import type { Grid, Pos } from './grid';
import { IMPORT_LIMITS } from './types';

/** What a column holds, recognised from its header. */
export type ColumnKind = 'code' | 'name' | 'unit' | 'baseline' | 'year' | 'policy' | 'lead' | 'coordinators';

interface Recognised {
  kind: ColumnKind;
  /** The year a baseline or a year-target header names. */
  year?: number;
}

/**
 * Header texts, folded (no diacritics, lower case), in the order they are tried: a year
 * header ("Chỉ tiêu năm 2021") must not be taken for the name column ("Chỉ tiêu"), a
 * coordinators header ("Cơ quan, đơn vị phối hợp") not for the unit ("Đơn vị tính").
 */
const HEADERS: ReadonlyArray<[ColumnKind, RegExp]> = [
  ['baseline', /\b(ket qua|uoc (thuc hien|th|dat)|thuc hien (nam|den|cuoi)|nam goc|hien trang|so lieu nam)\b/],
  ['year', /^(?:(?:chi tieu|ke hoach|muc tieu)\s+)?(?:(?:den\s+)?(?:cuoi\s+)?nam\s+)?(\d{4})$/],
  ['unit', /^(don vi tinh|dvt|don vi do|don vi)$/],
  ['lead', /\bchu tri\b/],
  ['coordinators', /\bphoi hop\b/],
  ['policy', /\b(co che|chinh sach|van ban|de an)\b/],
  ['code', /^(tt|stt|so tt|so thu tu)$/],
  ['name', /^(ten )?(tieu chi|chi tieu|noi dung)\b/],
];

/** The kind a header text names, with its year; null when it names nothing the importer reads. */
export function recogniseHeader(text: string): Recognised | null {
  const folded = foldVietnamese(text).replace(/[.:]+$/, '').trim();
  if (folded === '') return null;
  for (const [kind, pattern] of HEADERS) {
    const m = pattern.exec(folded);
    if (!m) continue;
    if (kind === 'baseline') {
      const years = [...folded.matchAll(/\b(\d{4})\b/g)].map((y) => Number(y[1]));
      // "Kế hoạch thực hiện giai đoạn 2021-2025" is a group label over the years, not a baseline.
      if (years.length !== 1 || /\d{4}\s*-\s*\d{4}/.test(folded)) continue;
      return { kind, year: years[0] };
    }
    if (kind === 'year') return { kind, year: Number(m[1]) };
    return { kind };
  }
  return null;
}

export interface Column {
  col: number;
  kind: ColumnKind;
  year?: number;
  /** The header text that decided, and its cell. */
  header: string;
  at: Pos;
}

export interface HeaderBlock {
  top: number;
  bottom: number;
  columns: Column[];
  /** Columns with a header the importer does not read, or data under no header. */
  unknown: Array<{ col: number; header: string; at: Pos }>;
}

/** The header row: the first row (of the first few) with a TT cell and a name cell. */
function headerTop(grid: Grid): number {
  const limit = Math.min(grid.rows, IMPORT_LIMITS.headerSearchRows);
  for (let r = 0; r < limit; r++) {
    const kinds = grid.rowTexts(r).map((t) => recogniseHeader(t)?.kind);
    if (kinds.includes('code') && kinds.includes('name')) return r;
  }
  return -1;
}

/** A row under the header that continues it: no number, no name, and a header text in some cell. */
export function continuesHeader(grid: Grid, row: number, code: number, name: number): boolean {
  if (grid.text(row, code) !== '' || grid.text(row, name) !== '' || grid.isBlankRow(row)) return false;
  return grid.rowTexts(row).some((t) => recogniseHeader(t) !== null);
}

/** A header repeated inside the table (a page break of the Word document). */
export function repeatsHeader(grid: Grid, row: number, code: number, name: number): boolean {
  // A numbered row is an indicator, even one named "Chỉ tiêu …".
  if (/^\d+(\.\d+)*\.?$/.test(grid.text(row, code))) return false;
  const codeKind = recogniseHeader(grid.text(row, code))?.kind;
  const nameKind = recogniseHeader(grid.text(row, name))?.kind;
  return codeKind === 'code' || nameKind === 'name' || continuesHeader(grid, row, code, name);
}

/**
 * Finds the header block (one row or several: "Kế hoạch … 2021-2025" above "Cuối năm 2021" …)
 * and what each column holds, from its lowest header text (the upper rows are group labels).
 */
export function readHeader(grid: Grid): HeaderBlock | null {
  const top = headerTop(grid);
  if (top < 0) return null;
  const kinds = grid.rowTexts(top).map((t) => recogniseHeader(t)?.kind);
  const code = kinds.indexOf('code');
  const name = kinds.indexOf('name');
  let bottom = top;
  while (bottom + 1 < grid.rows && continuesHeader(grid, bottom + 1, code, name)) bottom++;
  const columns: Column[] = [];
  const unknown: HeaderBlock['unknown'] = [];
  for (let col = 0; col < grid.cols; col++) {
    let decided: Column | null = null;
    let label: { header: string; at: Pos } | null = null;
    for (let row = bottom; row >= top && !decided; row--) {
      const at = { row, col };
      const source = grid.mergedInto(at) ?? at;
      const header = grid.text(source.row, source.col);
      if (header === '') continue;
      label ??= { header, at };
      const r = recogniseHeader(header);
      // A merged group label over several columns ("Kế hoạch … 2021-2025") names none of them.
      if (r && (source.col === col || r.kind !== 'year')) decided = { col, kind: r.kind, header, at, ...(r.year !== undefined ? { year: r.year } : {}) };
    }
    if (decided) columns.push(decided);
    else if (label || hasData(grid, bottom, col)) unknown.push({ col, header: label?.header ?? '', at: label?.at ?? { row: top, col } });
  }
  return { top, bottom, columns, unknown };
}

function hasData(grid: Grid, bottom: number, col: number): boolean {
  for (let r = bottom + 1; r < grid.rows; r++) if (grid.text(r, col) !== '') return true;
  return false;
}
