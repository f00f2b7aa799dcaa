import { cellAddress } from '../../../shared/layout/a1';
import { conditionalFormatsOf, namesOf, parseRect, protectionOf, validationsOf, withTableHeaders } from '../../../shared/layout/excel-rules';
import type { Lang } from '../../../shared/layout/excel-rules';
import type { SheetLayout, WorkbookLayout } from '../../../shared/layout/types';
import { planConditionalFormats } from './formats';
import { rangeOn, rectangles } from './geometry';
import type { Rect } from './geometry';
import { planNames } from './names';
import { planPageLayout } from './page-layout';
import { bands, jsonBytes } from './requests';
import type { RequestPlan } from './requests';
import { planSizes, planStyles } from './styles';
import { planChart, planTable } from './tables-charts';
import { officeNumberFormat, writtenValue } from './text';
import { planValidations } from './validations';

export interface SheetWriteOptions {
  name: string;
  lang: Lang;
  budget: number;
  styles: WorkbookLayout['styles'];
  /** Table names already taken in the workbook (updated as tables are added). */
  tableNames: Set<string>;
}

export interface SheetHandle {
  worksheet: () => Excel.Worksheet;
  range: (x: Rect) => Excel.Range;
  tables: string[];
}

/** Queues everything that writes one layout sheet into a new worksheet. */
export function planSheet(plan: RequestPlan, worksheets: Excel.WorksheetCollection, layoutSheet: SheetLayout, options: SheetWriteOptions): SheetHandle {
  const sheet = withTableHeaders(layoutSheet);
  let ws: Excel.Worksheet | null = null;
  const worksheet = () => {
    if (!ws) throw new Error(`planSheet: sheet "${options.name}" used before the request that adds it`);
    return ws;
  };
  const range = (x: Rect) => rangeOn(worksheet(), x);
  const handle: SheetHandle = { worksheet, range, tables: [] };

  plan.add(jsonBytes(options.name), () => {
    ws = worksheets.add(options.name);
  });
  if (sheet.grid.length === 0 || sheet.columns.length === 0) return handle;

  planCells(plan, sheet, options.budget, range);
  planStyles(plan, sheet, options.styles, range);
  // Inputs are the only unlocked cells.
  for (const { rect } of rectangles(sheet.grid, (cell) => (cell.input ? 'input' : null))) {
    plan.add(0, () => {
      range(rect).format.protection.locked = false;
    });
  }
  for (const m of sheet.merges) {
    const rect = parseRect(m);
    if (rect) plan.add(0, () => range(rect).merge(false));
  }
  planSizes(plan, sheet, worksheet);
  planFreeze(plan, sheet, worksheet);
  planValidations(plan, validationsOf(sheet.validations, options.lang), range);
  planConditionalFormats(plan, conditionalFormatsOf(sheet.conditionalFormats, cellAddress), range);
  planNames(plan, namesOf(sheet.names), worksheet, range);
  for (const t of sheet.tables) planTable(plan, t, options.tableNames, worksheet, range, handle.tables);
  for (const c of sheet.charts) planChart(plan, c, options.lang, worksheet, range);
  planPageLayout(plan, sheet, options.lang, worksheet, range);
  planVisibilityAndProtection(plan, sheet, worksheet);
  return handle;
}

/** Number formats, then values (a text format first keeps "11" as text), in bands under half the budget. */
function planCells(plan: RequestPlan, sheet: SheetLayout, budget: number, range: (x: Rect) => Excel.Range): void {
  const width = sheet.columns.length;
  const band = (b: { start: number; rows: unknown[][] }) => range({ r1: b.start, c1: 0, r2: b.start + b.rows.length - 1, c2: width - 1 });
  const formats = sheet.grid.map((row) => row.map(officeNumberFormat));
  if (formats.some((row) => row.some((f) => f !== null))) {
    for (const b of bands(formats, budget / 2)) plan.add(jsonBytes(b.rows), () => void (band(b).numberFormat = b.rows as string[][]));
  }
  const values = sheet.grid.map((row) => row.map(writtenValue));
  if (values.some((row) => row.some((v) => v !== null))) {
    for (const b of bands(values, budget / 2)) plan.add(jsonBytes(b.rows), () => void (band(b).values = b.rows as unknown[][]));
  }
}

function planFreeze(plan: RequestPlan, sheet: SheetLayout, worksheet: () => Excel.Worksheet): void {
  if (!sheet.freeze || (sheet.freeze.rows <= 0 && sheet.freeze.columns <= 0)) return;
  const { rows, columns } = sheet.freeze;
  plan.add(0, () => {
    const panes = worksheet().freezePanes;
    if (rows > 0 && columns > 0) panes.freezeAt(worksheet().getRangeByIndexes(0, 0, rows, columns));
    else if (rows > 0) panes.freezeRows(rows);
    else panes.freezeColumns(columns);
  });
}

/** Hiding, then protecting last: a protected sheet refuses the writes above. */
function planVisibilityAndProtection(plan: RequestPlan, sheet: SheetLayout, worksheet: () => Excel.Worksheet): void {
  if (sheet.visibility !== 'visible') {
    const visibility = sheet.visibility === 'veryHidden' ? 'VeryHidden' : 'Hidden';
    plan.add(0, () => {
      worksheet().visibility = visibility;
    });
  }
  planProtection(plan, sheet, worksheet);
}

/** The sheet's protection (shared rules), once nothing more is written to it. */
export function planProtection(plan: RequestPlan, sheet: Pick<SheetLayout, 'protection'>, worksheet: () => Excel.Worksheet): void {
  const protection = protectionOf(sheet.protection);
  if (!protection) return;
  plan.add(jsonBytes(protection), () => {
    // Spread, so that the ExcelApi check (test/addin/excel-api-usage.ts) sees each option used.
    worksheet().protection.protect({ ...protection });
  });
}
