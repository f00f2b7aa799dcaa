import ExcelJS from 'exceljs';
import { cellAddress, parseRange } from '../../shared/layout/a1';
import type {
  CellSpec,
  CellValue,
  ConditionalFormatSpec,
  SheetLayout,
  StyleSpec,
  TableSpec,
  ValidationSpec,
  WorkbookLayout,
} from '../../shared/layout/types';

/**
 * Renders a WorkbookLayout (shared/layout) to an .xlsx file with exceljs. Values only:
 * exceljs never computes formulas and this writer never writes one; every string is a
 * plain string, so text such as "=HYPERLINK(…)" cannot run. Validations go on the bounded
 * ranges the layout names, never on whole columns.
 */

/** Parts of a layout exceljs cannot write; the README lists them. */
export const UNSUPPORTED_IN_XLSX = ['charts'] as const;

export const WORKBOOK_CREATOR = 'An sinh reporting';

type Lang = 'vi' | 'en';

/** Excel's limits: a cell holds at most 32,767 characters; prompts and titles less. */
const CELL_TEXT_MAX = 32_767;
const PROMPT_TITLE_MAX = 32;
const PROMPT_MAX = 255;
const ERROR_MAX = 225;
const LIST_FORMULA_MAX = 255;

const TEXTS = {
  promptTitle: { vi: 'Hướng dẫn nhập', en: 'How to fill in' },
  errorTitle: { vi: 'Kiểm tra giá trị', en: 'Check the value' },
  error: { vi: 'Giá trị không hợp lệ', en: 'This value is not allowed' },
} as const;

export async function renderWorkbook(layout: WorkbookLayout): Promise<Buffer> {
  const lang: Lang = layout.metadata?.lang === 'en' ? 'en' : 'vi';
  const workbook = new ExcelJS.Workbook();
  workbook.creator = WORKBOOK_CREATOR;
  workbook.lastModifiedBy = WORKBOOK_CREATOR;
  const now = new Date();
  workbook.created = now;
  workbook.modified = now;
  // exceljs writes no custom document properties: the metadata goes in the core
  // properties (subject = format, description = the metadata as JSON); templates also
  // carry it on their very hidden metadata sheet.
  if (layout.metadata?.format) workbook.subject = clean(layout.metadata.format);
  workbook.keywords = 'an-sinh-reporting';
  workbook.description = clean(JSON.stringify(layout.metadata ?? {}));
  if (layout.sheets[0]?.grid[0]?.[0]?.v !== undefined && typeof layout.sheets[0].grid[0][0].v === 'string') {
    workbook.title = clean(layout.sheets[0].grid[0][0].v).slice(0, 255);
  }

  const usedNames = new Set<string>();
  for (const sheet of layout.sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, {
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
    for (const [row, height] of Object.entries(sheet.rowHeights)) {
      const r = Number(row);
      if (Number.isInteger(r) && r >= 0 && Number.isFinite(height) && height > 0) worksheet.getRow(r + 1).height = height;
    }
    if (sheet.page) {
      worksheet.pageSetup = {
        ...worksheet.pageSetup,
        orientation: sheet.page.orientation,
        paperSize: 9, // A4
        fitToPage: sheet.page.fitToWidth,
        fitToWidth: 1,
        fitToHeight: 0,
        ...(sheet.page.repeatRows ? { printTitlesRow: `${sheet.page.repeatRows.from + 1}:${sheet.page.repeatRows.to + 1}` } : {}),
      };
    }
    writeTables(worksheet, sheet);
    // Merges after the values: exceljs sends a write to a merged cell to its master.
    for (const range of sheet.merges) {
      if (parseRange(range)) worksheet.mergeCells(range);
    }
    writeValidations(worksheet, sheet.validations, lang);
    writeConditionalFormats(worksheet, sheet.conditionalFormats);
    for (const n of sheet.names) {
      // exceljs writes workbook-scoped names only; input names are unique across the workbook.
      if (usedNames.has(n.name) || !parseRange(n.ref)) continue;
      usedNames.add(n.name);
      workbook.definedNames.add(`${quoteSheet(sheet.name)}!${absolute(n.ref)}`, n.name);
    }
    if (sheet.protection?.protect) {
      await worksheet.protect('', {
        formatColumns: sheet.protection.allowFormatColumns,
        formatRows: sheet.protection.allowFormatRows,
        autoFilter: sheet.protection.allowAutoFilter,
        selectLockedCells: true,
        selectUnlockedCells: true,
      });
    }
    // sheet.charts: exceljs cannot write charts (UNSUPPORTED_IN_XLSX); the data stays.
  }
  // The first visible sheet is the active one.
  const firstVisible = layout.sheets.findIndex((s) => s.visibility === 'visible');
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: Math.max(0, firstVisible), visibility: 'visible' }];

  const out = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(out) ? out : Buffer.from(out as ArrayBuffer);
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

/** A layout value as exceljs writes it: strings stay strings, whatever they start with. */
export function cellValue(v: CellValue | undefined): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  // A plain string: exceljs writes it as a shared string, never as <f>, so "=…" is text.
  const text = clean(String(v));
  return text.length > CELL_TEXT_MAX ? text.slice(0, CELL_TEXT_MAX) : text;
}

function applyStyle(cell: ExcelJS.Cell, style: StyleSpec | undefined, spec: CellSpec): void {
  const s = style ?? {};
  // Fresh objects per cell: exceljs shares style objects by reference otherwise.
  const font: Partial<ExcelJS.Font> = { name: 'Calibri', size: s.size ?? 11 };
  if (s.bold) font.bold = true;
  if (s.italic) font.italic = true;
  if (s.color) font.color = { argb: argb(s.color) };
  cell.font = font;
  if (s.fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(s.fill) }, bgColor: { argb: argb(s.fill) } };
  const alignment: Partial<ExcelJS.Alignment> = {};
  if (s.hAlign) alignment.horizontal = s.hAlign;
  if (s.vAlign) alignment.vertical = s.vAlign;
  if (s.wrap) alignment.wrapText = true;
  if (s.indent) alignment.indent = s.indent;
  if (Object.keys(alignment).length > 0) cell.alignment = alignment;
  if (s.border) {
    const thin = { style: 'thin' as const, color: { argb: 'FFA19F9D' } };
    cell.border = { top: { ...thin }, left: { ...thin }, bottom: { ...thin }, right: { ...thin } };
  }
  if (spec.f) cell.numFmt = spec.f;
  else if (spec.text || spec.input) cell.numFmt = spec.s === 'input' ? 'General' : '@';
  cell.protection = { locked: !spec.input };
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
 * their styles); only an empty or repeated header becomes a unique name, as Excel requires.
 */
function tableModel(sheet: SheetLayout, table: TableSpec): ExcelJS.TableProperties | null {
  const p = parseRange(table.range);
  if (!p || p.row2 < p.row1 || p.col2 < p.col1) return null;
  const header = sheet.grid[p.row1];
  if (!header) return null;
  const seen = new Set<string>();
  const columns: ExcelJS.TableColumnProperties[] = [];
  for (let c = p.col1; c <= p.col2; c++) {
    const raw = header[c]?.v;
    let name = clean(raw === null || raw === undefined ? '' : String(raw)).trim() || `Cột ${c - p.col1 + 1}`;
    const base = name;
    for (let i = 2; seen.has(name.toLowerCase()); i++) name = `${base} ${i}`;
    seen.add(name.toLowerCase());
    columns.push({ name, filterButton: true });
  }
  const rows: ExcelJS.CellValue[][] = [];
  for (let r = p.row1 + 1; r <= p.row2; r++) {
    const row: ExcelJS.CellValue[] = [];
    for (let c = p.col1; c <= p.col2; c++) row.push(cellValue(sheet.grid[r]?.[c]?.v));
    rows.push(row);
  }
  // Excel needs at least one data row.
  if (rows.length === 0) return null;
  return {
    name: table.name,
    displayName: table.name,
    ref: cellAddress(p.row1, p.col1),
    headerRow: true,
    totalsRow: false,
    style: { theme: table.style as ExcelJS.TableStyleProperties['theme'], showRowStripes: true },
    columns,
    rows,
  };
}

/**
 * Data validations, each on its bounded range. They go in by range, not cell by cell:
 * exceljs 4.4 "optimises" per-cell validations by sorting addresses as text (G10 before G7)
 * and then writes overlapping ranges, which Excel repairs away (exceljs issue #2820). A
 * range key is written as it is. A cell already covered by an earlier range is left out of
 * a later one, so no two ranges ever overlap.
 */
function writeValidations(worksheet: ExcelJS.Worksheet, specs: readonly ValidationSpec[], lang: Lang): void {
  const model = (worksheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations;
  const covered = new Set<string>();
  for (const spec of specs) {
    const p = parseRange(spec.range);
    // A bounded range only: never a whole column.
    if (!p) continue;
    const validation = validationOf(spec, lang);
    if (!validation) continue;
    const row1 = Math.min(p.row1, p.row2);
    const row2 = Math.max(p.row1, p.row2);
    const col1 = Math.min(p.col1, p.col2);
    const col2 = Math.max(p.col1, p.col2);
    const cells: Array<[number, number]> = [];
    for (let r = row1; r <= row2; r++) for (let c = col1; c <= col2; c++) cells.push([r, c]);
    const free = cells.filter(([r, c]) => !covered.has(`${r}:${c}`));
    if (free.length === cells.length) {
      model.add(`${cellAddress(row1, col1)}:${cellAddress(row2, col2)}`, validation);
    } else {
      for (const [r, c] of free) model.add(`${cellAddress(r, c)}:${cellAddress(r, c)}`, { ...validation, formulae: [...validation.formulae] });
    }
    for (const [r, c] of free) covered.add(`${r}:${c}`);
  }
}

function validationOf(spec: ValidationSpec, lang: Lang): ExcelJS.DataValidation | null {
  const base = validationRule(spec);
  if (!base) return null;
  const prompt = spec.prompt ? clean(spec.prompt[lang] || spec.prompt.vi).slice(0, PROMPT_MAX) : '';
  const error = clean(spec.error ? spec.error[lang] || spec.error.vi : TEXTS.error[lang]).slice(0, ERROR_MAX);
  return {
    ...base,
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: spec.errorStyle,
    errorTitle: TEXTS.errorTitle[lang].slice(0, PROMPT_TITLE_MAX),
    error,
    ...(prompt ? { showInputMessage: true, promptTitle: TEXTS.promptTitle[lang].slice(0, PROMPT_TITLE_MAX), prompt } : {}),
  };
}

function validationRule(spec: ValidationSpec): Pick<ExcelJS.DataValidation, 'type' | 'operator' | 'formulae'> | null {
  const rule = spec.rule;
  switch (rule.kind) {
    case 'decimal':
    case 'whole':
      return bounded(rule.kind, rule.min, rule.max, rule.kind === 'whole' ? -2_147_483_647 : -1e15);
    case 'date': {
      const min = isoDate(rule.min);
      const max = isoDate(rule.max);
      if (min && max) return { type: 'date', operator: 'between', formulae: [min, max] };
      if (min) return { type: 'date', operator: 'greaterThanOrEqual', formulae: [min] };
      if (max) return { type: 'date', operator: 'lessThanOrEqual', formulae: [max] };
      return { type: 'date', operator: 'greaterThanOrEqual', formulae: [new Date(Date.UTC(1900, 0, 1))] };
    }
    case 'textLength':
      return { type: 'textLength', operator: 'lessThanOrEqual', formulae: [Math.max(0, Math.floor(rule.max))] };
    case 'list': {
      // A literal list: items separated by commas inside quotes, quotes doubled.
      const items = rule.values.map((v) => clean(v).replace(/,/g, ' ').replace(/"/g, '""'));
      const formula = `"${items.join(',')}"`;
      if (formula.length > LIST_FORMULA_MAX) return null;
      return { type: 'list', operator: 'between', formulae: [formula] };
    }
    default:
      return null;
  }
}

function bounded(type: 'decimal' | 'whole', min: number | undefined, max: number | undefined, floor: number): Pick<ExcelJS.DataValidation, 'type' | 'operator' | 'formulae'> {
  const lo = Number.isFinite(min) ? min : undefined;
  const hi = Number.isFinite(max) ? max : undefined;
  if (lo !== undefined && hi !== undefined) return { type, operator: 'between', formulae: [lo, hi] };
  if (lo !== undefined) return { type, operator: 'greaterThanOrEqual', formulae: [lo] };
  if (hi !== undefined) return { type, operator: 'lessThanOrEqual', formulae: [hi] };
  // Any number at all.
  return { type, operator: 'greaterThanOrEqual', formulae: [floor] };
}

function isoDate(iso: string | undefined): Date | null {
  if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function writeConditionalFormats(worksheet: ExcelJS.Worksheet, specs: readonly ConditionalFormatSpec[]): void {
  for (const spec of specs) {
    const p = parseRange(spec.range);
    if (!p) continue;
    const topLeft = cellAddress(p.row1, p.col1);
    const style: Partial<ExcelJS.Style> = {
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(spec.fill) }, bgColor: { argb: argb(spec.fill) } },
      ...(spec.fontColor ? { font: { color: { argb: argb(spec.fontColor) } } } : {}),
    };
    const rule = conditionalRule(spec, topLeft, style);
    if (rule) worksheet.addConditionalFormatting({ ref: spec.range, rules: [rule] });
  }
}

function conditionalRule(spec: ConditionalFormatSpec, topLeft: string, style: Partial<ExcelJS.Style>): ExcelJS.ConditionalFormattingRule | null {
  const rule = spec.rule;
  switch (rule.kind) {
    case 'textEquals':
      // EXACT, not containsText: "Đạt" is inside "Đạt (trong sai số)" and, ignoring case, "Chưa đạt".
      return { type: 'expression', formulae: [`EXACT(${topLeft},"${clean(rule.text).replace(/"/g, '""')}")`], style } as ExcelJS.ConditionalFormattingRule;
    case 'blank':
      return { type: 'expression', formulae: [`LEN(TRIM(${topLeft}))=0`], style } as ExcelJS.ConditionalFormattingRule;
    case 'between':
      return { type: 'cellIs', operator: 'between', formulae: [String(rule.min), String(rule.max)], style } as ExcelJS.ConditionalFormattingRule;
    case 'lessThan':
      return { type: 'cellIs', operator: 'lessThan', formulae: [String(rule.value)], style } as ExcelJS.ConditionalFormattingRule;
    case 'greaterOrEqual':
      return { type: 'cellIs', operator: 'greaterThanOrEqual', formulae: [String(rule.value)], style } as unknown as ExcelJS.ConditionalFormattingRule;
    default:
      return null;
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

function absolute(ref: string): string {
  const p = parseRange(ref)!;
  const a = cellAddress(p.row1, p.col1, true);
  return p.row1 === p.row2 && p.col1 === p.col2 ? a : `${a}:${cellAddress(p.row2, p.col2, true)}`;
}

/** Characters XML 1.0 cannot carry (control characters, lone surrogates) would corrupt the file. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}
