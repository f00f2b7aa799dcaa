import { PLAN_IMPORT_FINDINGS } from '../catalogue/plan-import';
import type { PlanImportFindingCode } from '../catalogue/plan-import';
import { render } from '../catalogue/render';
import type { Params } from '../catalogue/types';
import { cellAddress, parseCellAddress, parseRange } from '../layout/a1';
import { normalizeText, stripMarkup } from '../text';
import { IMPORT_LIMITS } from './types';
import type { ImportFinding } from './types';

/** A cell's position in the grid (0-based). */
export interface Pos {
  row: number;
  col: number;
}

/** A merged area in grid positions. */
interface Area {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/**
 * The table as text, with its addresses and merged areas: every cell trimmed, markup
 * stripped, and the findings collected in one place so that each names its cell.
 */
export class Grid {
  readonly rows: number;
  readonly cols: number;
  readonly findings: ImportFinding[] = [];
  private readonly cells: string[][];
  private readonly origin: Pos;
  private readonly areas: Area[];
  readonly mergesKnown: boolean;

  constructor(
    grid: ReadonlyArray<readonly unknown[]>,
    private readonly sheet: string | undefined,
    origin: string | undefined,
    merges: readonly string[] | undefined,
  ) {
    this.origin = parseCellAddress(origin ?? 'A1') ?? { row: 0, col: 0 };
    // Untrusted: a route or a pane may hand anything over.
    const given: unknown = grid;
    const rows: readonly unknown[] = Array.isArray(given) ? given : [];
    const width = rows.reduce<number>((w, r) => Math.max(w, Array.isArray(r) ? r.length : 0), 0);
    if (rows.length > IMPORT_LIMITS.maxRows || width > IMPORT_LIMITS.maxCols) {
      this.add('table-too-large', { rows: rows.length, cols: width, maxRows: IMPORT_LIMITS.maxRows, maxCols: IMPORT_LIMITS.maxCols });
    }
    this.cells = rows.slice(0, IMPORT_LIMITS.maxRows).map((r) => {
      const list: readonly unknown[] = Array.isArray(r) ? (r as unknown[]) : [];
      return Array.from({ length: Math.min(width, IMPORT_LIMITS.maxCols) }, (_, c) => cellText(list[c]));
    });
    this.rows = this.cells.length;
    this.cols = Math.min(width, IMPORT_LIMITS.maxCols);
    this.mergesKnown = merges !== undefined;
    this.areas = (merges ?? []).flatMap((ref) => this.area(ref));
  }

  text(row: number, col: number): string {
    return this.cells[row]?.[col] ?? '';
  }

  rowTexts(row: number): string[] {
    return this.cells[row] ?? [];
  }

  isBlankRow(row: number): boolean {
    return this.rowTexts(row).every((t) => t === '');
  }

  /** The sheet address of a grid cell. */
  address(pos: Pos): string {
    return cellAddress(pos.row + this.origin.row, pos.col + this.origin.col);
  }

  /** The first cell of the merged area the cell lies in (not itself), or null. */
  mergedInto(pos: Pos): Pos | null {
    const a = this.areas.find((x) => pos.row >= x.r1 && pos.row <= x.r2 && pos.col >= x.c1 && pos.col <= x.c2);
    if (!a || (a.r1 === pos.row && a.c1 === pos.col)) return null;
    return { row: a.r1, col: a.c1 };
  }

  /** A finding at a cell (or about the whole table), its words from the catalogue. */
  add(code: PlanImportFindingCode, params: Params, at?: Pos, options: { indicator?: string; variant?: string } = {}): void {
    const entry = PLAN_IMPORT_FINDINGS[code];
    const { message } = render(entry, params, options.variant);
    const severity = (options.variant !== undefined ? entry.variants?.[options.variant]?.severity : undefined) ?? entry.severity ?? 'error';
    const made: ImportFinding = { code, severity, message, params };
    if (at) made.cell = this.address(at);
    if (this.sheet !== undefined) made.sheet = this.sheet;
    if (options.indicator !== undefined) made.indicator = options.indicator;
    if (options.variant !== undefined) made.variant = options.variant;
    this.findings.push(made);
  }

  /** A merged area's grid positions; areas outside the grid are dropped. */
  private area(ref: string): Area[] {
    const r = typeof ref === 'string' ? parseRange(ref) : null;
    if (!r) return [];
    const area = { r1: r.row1 - this.origin.row, c1: r.col1 - this.origin.col, r2: r.row2 - this.origin.row, c2: r.col2 - this.origin.col };
    if (area.r2 < 0 || area.c2 < 0 || area.r1 >= this.rows || area.c1 >= this.cols) return [];
    return [{ r1: Math.max(0, area.r1), c1: Math.max(0, area.c1), r2: area.r2, c2: area.c2 }];
  }
}

/** A cell as text: markup stripped, spaces normalised, cut at the size limit. */
function cellText(value: unknown): string {
  let raw = '';
  if (typeof value === 'string') raw = value;
  else if (typeof value === 'number' && Number.isFinite(value)) raw = String(value);
  else if (typeof value === 'boolean') raw = value ? 'TRUE' : 'FALSE';
  return normalizeText(stripMarkup(raw.slice(0, IMPORT_LIMITS.maxCellChars)));
}
