import { BORDER_COLOR, colorOf, rowHeightsOf } from '../../../shared/layout/excel-rules';
import type { CellSpec, SheetLayout, StyleSpec, WorkbookLayout } from '../../../shared/layout/types';
import { rectangles, runs } from './geometry';
import type { Rect } from './geometry';
import type { RequestPlan } from './requests';
import type { EnumValue } from './enum-value';

/** Layout widths are characters; Excel wants points: about 7 px a character, 0.75 pt a pixel. */
export const POINTS_PER_CHARACTER = 5.25;

const H_ALIGN = { left: 'Left', center: 'Center', right: 'Right' } as const satisfies Record<string, EnumValue<Excel.HorizontalAlignment>>;
const V_ALIGN = { top: 'Top', middle: 'Center', bottom: 'Bottom' } as const satisfies Record<string, EnumValue<Excel.VerticalAlignment>>;

/**
 * Styles by property, each over the largest rectangles of cells that share its value.
 * `indent` is not written: Office.js sets it from ExcelApi 1.9 (the .xlsx has it).
 */
export function planStyles(plan: RequestPlan, sheet: SheetLayout, styles: WorkbookLayout['styles'], range: (x: Rect) => Excel.Range): void {
  const width = sheet.columns.length;
  const style = (cell: CellSpec): StyleSpec => styles[cell.s];
  const all: Rect = { r1: 0, c1: 0, r2: sheet.grid.length - 1, c2: width - 1 };
  plan.add(0, () => {
    range(all).format.font.name = 'Calibri';
  });
  const property = <K extends string>(keyOf: (s: StyleSpec) => K | null, apply: (r: Excel.Range, key: K) => void) => {
    for (const { rect, key } of rectangles(sheet.grid, (cell) => keyOf(style(cell)))) plan.add(key.length, () => apply(range(rect), key));
  };
  property((s) => (s.size !== undefined ? String(s.size) : null), (r, k) => void (r.format.font.size = Number(k)));
  property((s) => (s.bold ? '1' : null), (r) => void (r.format.font.bold = true));
  property((s) => (s.italic ? '1' : null), (r) => void (r.format.font.italic = true));
  property((s) => (s.color ? colorOf(s.color) : null), (r, k) => void (r.format.font.color = k));
  property((s) => (s.fill ? colorOf(s.fill) : null), (r, k) => void (r.format.fill.color = k));
  property((s) => (s.hAlign ? H_ALIGN[s.hAlign] : null), (r, k) => void (r.format.horizontalAlignment = k));
  property((s) => (s.vAlign ? V_ALIGN[s.vAlign] : null), (r, k) => void (r.format.verticalAlignment = k));
  property((s) => (s.wrap ? '1' : null), (r) => void (r.format.wrapText = true));
  for (const { rect } of rectangles(sheet.grid, (cell) => (style(cell).border ? '1' : null))) {
    const edges: Array<EnumValue<Excel.BorderIndex>> = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'];
    if (rect.c2 > rect.c1) edges.push('InsideVertical');
    if (rect.r2 > rect.r1) edges.push('InsideHorizontal');
    for (const edge of edges) {
      plan.add(0, () => {
        const border = range(rect).format.borders.getItem(edge);
        border.style = 'Continuous';
        border.color = BORDER_COLOR;
      });
    }
  }
}

/** Column widths (runs of equal width at once), hidden columns, row heights (runs of equal height at once). */
export function planSizes(plan: RequestPlan, sheet: SheetLayout, worksheet: () => Excel.Worksheet): void {
  const columns = sheet.columns;
  for (const { first, start, count } of runs(columns, (a, b) => a.width === b.width)) {
    const w = first.width;
    if (Number.isFinite(w) && w > 0) {
      plan.add(0, () => {
        worksheet().getRangeByIndexes(0, start, 1, count).getEntireColumn().format.columnWidth = Math.round(w * POINTS_PER_CHARACTER * 100) / 100;
      });
    }
  }
  columns.forEach((column, c) => {
    if (column.hidden) plan.add(0, () => void (worksheet().getRangeByIndexes(0, c, 1, 1).getEntireColumn().columnHidden = true));
  });
  // Consecutive rows of the same height.
  for (const { first, count } of runs(rowHeightsOf(sheet), (a, b) => b[0] === a[0] + 1 && b[1] === a[1])) {
    const [r, h] = first;
    plan.add(0, () => {
      worksheet().getRangeByIndexes(r, 0, count, 1).format.rowHeight = h;
    });
  }
}
