import ExcelJS from 'exceljs';
import { cellAddress } from '../../shared/layout/a1';
import {
  BORDER_COLOR,
  cellValueOf,
  clean,
  conditionalFormatsOf,
  excelText,
  isLocked,
  layoutLang,
  listFormula,
  namesOf,
  numberFormatOf,
  parseRect,
  protectionOf,
  rowHeightsOf,
  namedSheets,
  tableColumnNames,
  validationsOf,
  withTableHeaders,
} from '../../shared/layout/excel-rules';
import type { CellRect, ExcelConditionalFormat, ExcelCriterion, ExcelProtection, ExcelValidation } from '../../shared/layout/excel-rules';
import { withCharts } from './chart-parts';
import { PAGE_FOOTER } from '../../shared/layout/print';
import type { CellSpec, CellValue, SheetLayout, StyleSpec, TableSpec, WorkbookLayout } from '../../shared/layout/types';

/**
 * Renders a WorkbookLayout (shared/layout) to an .xlsx file with exceljs. Values only:
 * exceljs never computes formulas and this writer never writes one; every string is a
 * plain string, so text such as "=HYPERLINK(…)" cannot run. How the layout becomes Excel
 * (limits, text, validation, conditional formats, names, protection) is decided in
 * shared/layout/excel-rules.ts, as for the add-in; this file maps those decisions to exceljs.
 */


export const WORKBOOK_CREATOR = 'An sinh reporting';

export async function renderWorkbook(layout: WorkbookLayout): Promise<Buffer> {
  const lang = layoutLang(layout);
  const workbook = new ExcelJS.Workbook();
  writeProperties(workbook, layout);
  const scopedNames: ScopedName[] = [];
  for (const [index, { sheet: layoutSheet, name }] of namedSheets(layout).entries()) {
    const sheet = withTableHeaders(layoutSheet);
    const worksheet = workbook.addWorksheet(name, {
      state: sheet.visibility,
      ...(sheet.freeze && (sheet.freeze.rows > 0 || sheet.freeze.columns > 0)
        ? {
            views: [
              {
                state: 'frozen' as const,
                xSplit: sheet.freeze.columns,
                ySplit: sheet.freeze.rows,
                topLeftCell: cellAddress(sheet.freeze.rows, sheet.freeze.columns),
              },
            ],
          }
        : {}),
    });
    writeColumns(worksheet, sheet);
    writeCells(worksheet, sheet, layout);
    for (const [row, height] of rowHeightsOf(sheet)) worksheet.getRow(row + 1).height = height;
    if (sheet.page) writePageSetup(worksheet, sheet.page, lang);
    writeTables(worksheet, sheet);
    // Merges after the values: exceljs sends a write to a merged cell to its master.
    for (const range of sheet.merges) {
      if (parseRect(range)) worksheet.mergeCells(range);
    }
    writeValidations(worksheet, validationsOf(sheet.validations, lang));
    writeConditionalFormats(worksheet, conditionalFormatsOf(sheet.conditionalFormats, cellAddress));
    for (const n of namesOf(sheet.names)) scopedNames.push({ name: n.name, ranges: [`${quoteSheet(name)}!${absolute(n.rect)}`], localSheetId: index });
    const protection = protectionOf(sheet.protection);
    if (protection) await worksheet.protect('', protectionModel(protection));
  }
  withSheetScopedNames(workbook, scopedNames);
  // The first visible sheet is the active one.
  const firstVisible = layout.sheets.findIndex((s) => s.visibility === 'visible');
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: Math.max(0, firstVisible), visibility: 'visible' }];

  const out = await workbook.xlsx.writeBuffer();
  // exceljs writes no charts: their DrawingML parts are added to the package it wrote.
  return withCharts(Buffer.isBuffer(out) ? out : Buffer.from(out), namedSheets(layout), lang);
}

function writeProperties(workbook: ExcelJS.Workbook, layout: WorkbookLayout): void {
  workbook.creator = WORKBOOK_CREATOR;
  workbook.lastModifiedBy = WORKBOOK_CREATOR;
  const now = new Date();
  workbook.created = now;
  workbook.modified = now;
  // exceljs writes no custom document properties: the metadata goes in the core
  // properties (subject = format, description = the metadata as JSON); templates also
  // carry it on their very hidden metadata sheet.
  if (layout.metadata.format) workbook.subject = clean(layout.metadata.format);
  workbook.keywords = 'an-sinh-reporting';
  workbook.description = clean(JSON.stringify(layout.metadata));
  const title = layout.sheets[0]?.grid[0]?.[0]?.v;
  if (typeof title === 'string') workbook.title = excelText(title, 255);
}

/** exceljs's PaperSize.A4. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- PaperSize is an ambient const enum in exceljs's typings: under isolatedModules (esbuild, tsx) it cannot be referenced, so its value is written out.
const A4: ExcelJS.PaperSize = 9;

function writePageSetup(worksheet: ExcelJS.Worksheet, page: NonNullable<SheetLayout['page']>, lang: 'vi' | 'en'): void {
  // "&C": centred; the same footer the add-in sets (addin/excel/office/page-layout.ts).
  worksheet.headerFooter = { ...worksheet.headerFooter, oddFooter: `&C${PAGE_FOOTER[lang]}` };
  worksheet.pageSetup = {
    ...worksheet.pageSetup,
    orientation: page.orientation,
    paperSize: A4,
    fitToPage: page.fitToWidth,
    fitToWidth: 1,
    fitToHeight: 0,
    ...(page.repeatRows ? { printTitlesRow: `${page.repeatRows.from + 1}:${page.repeatRows.to + 1}` } : {}),
  };
}

/** A defined name as workbook.xml stores it: `localSheetId` scopes it to the sheet at that position. */
interface ScopedName {
  name: string;
  ranges: string[];
  localSheetId: number;
}

/**
 * exceljs's `workbook.definedNames` only makes workbook-scoped names, but its writer renders
 * `localSheetId` for any entry of the workbook model that has one (it does so for print
 * titles). The input names (DEFINED_NAME_SCOPE, shared/layout/excel-rules.ts) are added to
 * that model when the file is written.
 */
function withSheetScopedNames(workbook: ExcelJS.Workbook, names: readonly ScopedName[]): void {
  const base = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(workbook), 'model');
  if (!base?.get || !base.set || names.length === 0) return;
  // The accessors are defined on this workbook alone, so `this` is always the workbook.
  const get = base.get.bind(workbook);
  const set = base.set.bind(workbook);
  Object.defineProperty(workbook, 'model', {
    configurable: true,
    get() {
      const model = get() as { definedNames: unknown[] };
      return { ...model, definedNames: [...model.definedNames, ...names] };
    },
    set(value: unknown) {
      set(value);
    },
  });
}

/** Whether a selection mode lets the user select locked cells (Office.js: Normal, Unlocked, None). */
const SELECT_LOCKED_CELLS: Readonly<Record<ExcelProtection['selectionMode'], boolean>> = { Normal: true };

/** The shared protection options as exceljs's sheetProtection model has them (true = allowed). */
function protectionModel(p: ExcelProtection): Partial<ExcelJS.WorksheetProtection> {
  return {
    selectLockedCells: SELECT_LOCKED_CELLS[p.selectionMode],
    selectUnlockedCells: true,
    formatCells: p.allowFormatCells,
    formatColumns: p.allowFormatColumns,
    formatRows: p.allowFormatRows,
    insertColumns: p.allowInsertColumns,
    insertRows: p.allowInsertRows,
    insertHyperlinks: p.allowInsertHyperlinks,
    deleteColumns: p.allowDeleteColumns,
    deleteRows: p.allowDeleteRows,
    sort: p.allowSort,
    autoFilter: p.allowAutoFilter,
    pivotTables: p.allowPivotTables,
    objects: p.allowEditObjects,
    scenarios: p.allowEditScenarios,
  };
}

function writeColumns(worksheet: ExcelJS.Worksheet, sheet: SheetLayout): void {
  sheet.columns.forEach((column, c) => {
    const col = worksheet.getColumn(c + 1);
    if (Number.isFinite(column.width) && column.width > 0) col.width = column.width;
    if (column.hidden) col.hidden = true;
  });
}

function writeCells(worksheet: ExcelJS.Worksheet, sheet: SheetLayout, layout: WorkbookLayout): void {
  sheet.grid.forEach((row, r) => {
    const xlRow = worksheet.getRow(r + 1);
    row.forEach((spec, c) => {
      const cell = xlRow.getCell(c + 1);
      cell.value = cellValue(spec.v);
      applyStyle(cell, layout.styles[spec.s], spec);
    });
  });
}

/** A layout value as exceljs writes it: strings stay strings (a shared string, never <f>), whatever they start with. */
export function cellValue(v: CellValue | undefined): ExcelJS.CellValue {
  return cellValueOf(v);
}

function applyStyle(cell: ExcelJS.Cell, style: StyleSpec | undefined, spec: CellSpec): void {
  const s = style ?? {};
  // Fresh objects per cell: exceljs shares style objects by reference otherwise.
  const font: Partial<ExcelJS.Font> = { name: 'Calibri', size: s.size ?? 11 };
  if (s.bold) font.bold = true;
  if (s.italic) font.italic = true;
  if (s.color) font.color = { argb: argb(s.color) };
  cell.font = font;
  if (s.fill) cell.fill = solidFill(s.fill);
  const alignment: Partial<ExcelJS.Alignment> = {};
  if (s.hAlign) alignment.horizontal = s.hAlign;
  if (s.vAlign) alignment.vertical = s.vAlign;
  if (s.wrap) alignment.wrapText = true;
  if (s.indent) alignment.indent = s.indent;
  if (Object.keys(alignment).length > 0) cell.alignment = alignment;
  if (s.border) {
    const thin = { style: 'thin' as const, color: { argb: argb(BORDER_COLOR) } };
    cell.border = { top: { ...thin }, left: { ...thin }, bottom: { ...thin }, right: { ...thin } };
  }
  const format = numberFormatOf(spec);
  if (format !== 'General' || spec.text || spec.input) cell.numFmt = format;
  cell.protection = { locked: isLocked(spec) };
}

function solidFill(color: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(color) }, bgColor: { argb: argb(color) } };
}

function writeTables(worksheet: ExcelJS.Worksheet, sheet: SheetLayout): void {
  for (const table of sheet.tables) {
    const spec = tableModel(sheet, table);
    if (spec) worksheet.addTable(spec);
  }
}

/**
 * The exceljs table model of a TableSpec, header and rows taken from the grid. exceljs
 * writes the header and row values itself; they are the very values already written (with
 * their styles).
 */
function tableModel(sheet: SheetLayout, table: TableSpec): ExcelJS.TableProperties | null {
  const p = parseRect(table.range);
  if (!p) return null;
  const header = sheet.grid[p.r1];
  if (!header) return null;
  // The header cells already hold these names (withTableHeaders): exceljs writes them again.
  const columns: ExcelJS.TableColumnProperties[] = tableColumnNames(header.slice(p.c1, p.c2 + 1)).map((name) => ({ name, filterButton: true }));
  const rows: ExcelJS.CellValue[][] = [];
  for (let r = p.r1 + 1; r <= p.r2; r++) {
    const row: ExcelJS.CellValue[] = [];
    for (let c = p.c1; c <= p.c2; c++) row.push(cellValue(sheet.grid[r]?.[c]?.v));
    rows.push(row);
  }
  // Excel needs at least one data row.
  if (rows.length === 0) return null;
  return {
    name: table.name,
    displayName: table.name,
    ref: cellAddress(p.r1, p.c1),
    headerRow: true,
    totalsRow: false,
    style: { theme: table.style as ExcelJS.TableStyleProperties['theme'], showRowStripes: true },
    columns,
    rows,
  };
}

/**
 * Data validations, each on its bounded rectangles (which never overlap: excel-rules.ts
 * leaves out cells an earlier validation covers). They go in by range, not cell by cell:
 * exceljs 4.4 "optimises" per-cell validations by sorting addresses as text (G10 before G7)
 * and then writes overlapping ranges, which Excel repairs away (exceljs issue #2820). A
 * range key is written as it is.
 */
function writeValidations(worksheet: ExcelJS.Worksheet, validations: readonly ExcelValidation[]): void {
  const model = (worksheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations;
  for (const v of validations) {
    for (const rect of v.rects) model.add(`${cellAddress(rect.r1, rect.c1)}:${cellAddress(rect.r2, rect.c2)}`, validationModel(v));
  }
}

function validationModel(v: ExcelValidation): ExcelJS.DataValidation {
  return {
    ...criterionModel(v.criterion),
    allowBlank: v.ignoreBlank,
    showErrorMessage: true,
    errorStyle: v.errorStyle,
    errorTitle: v.error.title,
    error: v.error.message,
    ...(v.prompt ? { showInputMessage: true, promptTitle: v.prompt.title, prompt: v.prompt.message } : {}),
  };
}

function criterionModel(c: ExcelCriterion): Pick<ExcelJS.DataValidation, 'type' | 'operator' | 'formulae'> {
  if (c.type === 'list') return { type: 'list', operator: 'between', formulae: [listFormula(c.items)] };
  // exceljs writes a Date as its serial day; the rules keep ISO days.
  const operand = (x: number | string) => (typeof x === 'string' ? new Date(`${x}T00:00:00Z`) : x);
  const formulae = c.formula2 === undefined ? [operand(c.formula1)] : [operand(c.formula1), operand(c.formula2)];
  return { type: c.type, operator: c.operator, formulae };
}

function writeConditionalFormats(worksheet: ExcelJS.Worksheet, formats: readonly ExcelConditionalFormat[]): void {
  for (const cf of formats) {
    const style: Partial<ExcelJS.Style> = {
      fill: solidFill(cf.fill),
      ...(cf.fontColor ? { font: { color: { argb: argb(cf.fontColor) } } } : {}),
    };
    const rule =
      cf.rule.type === 'expression'
        ? { type: 'expression', formulae: [cf.rule.formula], style }
        : { type: 'cellIs', operator: cf.rule.operator, formulae: cf.rule.formula2 === undefined ? [cf.rule.formula1] : [cf.rule.formula1, cf.rule.formula2], style };
    worksheet.addConditionalFormatting({ ref: rectA1(cf.rect), rules: [rule as unknown as ExcelJS.ConditionalFormattingRule] });
  }
}

/** "#DEECF9" → "FFDEECF9". */
function argb(color: string): string {
  const hex = color.replace(/^#/, '').toUpperCase();
  if (/^[0-9A-F]{6}$/.test(hex)) return `FF${hex}`;
  if (/^[0-9A-F]{8}$/.test(hex)) return hex;
  return 'FF000000';
}

function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

function rectA1(x: CellRect): string {
  return x.r1 === x.r2 && x.c1 === x.c2 ? cellAddress(x.r1, x.c1) : `${cellAddress(x.r1, x.c1)}:${cellAddress(x.r2, x.c2)}`;
}

function absolute(x: CellRect): string {
  const a = cellAddress(x.r1, x.c1, true);
  return x.r1 === x.r2 && x.c1 === x.c2 ? a : `${a}:${cellAddress(x.r2, x.c2, true)}`;
}
