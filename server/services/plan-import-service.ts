import type ExcelJS from 'exceljs';
import { rangeAddress } from '../../shared/layout/a1';
import { IMPORT_LIMITS, importPlanTable } from '../../shared/plan-import';
import type { PlanDraft, PlanMeta } from '../../shared/plan-import';
import { apiError } from '../errors';
import type { AppContext } from './context';
import type { MergedArea } from '../xlsx/read';

/** What a draft needs besides its table: the plan's metadata, its city, and whether unreadable targets go to hand judgement. */
export interface DraftRequest {
  meta: PlanMeta & { city: string };
  judgeUnreadableByHand?: boolean;
}

/** A table sent as cell texts (the pane's selection) → a draft plan and its findings. Stores nothing. */
export function draftFromGrid(ctx: AppContext, table: { grid: unknown[][]; merges?: string[]; sheet?: string; origin?: string }, request: DraftRequest): PlanDraft {
  const { city, ...meta } = request.meta;
  return importPlanTable({
    grid: table.grid,
    city,
    register: ctx.lookups.snapshot.register,
    meta,
    ...(table.merges ? { merges: table.merges } : {}),
    ...(table.sheet !== undefined ? { sheet: table.sheet } : {}),
    ...(table.origin !== undefined ? { origin: table.origin } : {}),
    ...(request.judgeUnreadableByHand ? { judgeUnreadableByHand: true } : {}),
  });
}

/** An uploaded workbook → the draft of one of its sheets (by name, or the first), merged areas included. */
export async function draftFromWorkbook(ctx: AppContext, bytes: Buffer, sheetName: string | undefined, request: DraftRequest): Promise<PlanDraft> {
  const opened = await ctx.uploads.openWorkbook(bytes);
  const sheet = sheetName === undefined ? opened.workbook.worksheets[0] : opened.workbook.worksheets.find((ws) => ws.name === sheetName);
  if (!sheet) throw apiError('bad-query', { params: { names: 'sheet' }, details: { sheets: opened.workbook.worksheets.map((ws) => ws.name) } });
  const merges = (opened.merges.get(sheet.name) ?? []).map((a: MergedArea) => rangeAddress(a.r1, a.c1, a.r2, a.c2));
  return draftFromGrid(ctx, { grid: gridOf(sheet), merges, sheet: sheet.name }, request);
}

/** The sheet's cells as text, from A1, within the importer's limits (it says when the table was cut). */
function gridOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows = Math.min(sheet.rowCount, IMPORT_LIMITS.maxRows + 1);
  const cols = Math.min(sheet.columnCount, IMPORT_LIMITS.maxCols + 1);
  const grid: unknown[][] = [];
  for (let r = 1; r <= rows; r++) {
    const row = sheet.findRow(r);
    const cells: unknown[] = [];
    for (let c = 1; c <= cols; c++) cells.push(row ? cellText(row.getCell(c).value) : '');
    grid.push(cells);
  }
  return grid;
}

/** A cell's value as the table shows it: text, a number, a formula's result, rich text joined. */
function cellText(value: ExcelJS.CellValue): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((p) => p.text).join('');
  if ('result' in value) {
    const result: unknown = value.result;
    return typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean' ? result : '';
  }
  if ('text' in value && typeof value.text === 'string') return value.text;
  return '';
}
