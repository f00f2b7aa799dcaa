/// <reference types="office-js" />
import { cellAddress, parseCellAddress } from '../../shared/layout/a1';
import { COLORS, DOCUMENT_STATUS_CHOICES } from '../../shared/layout/labels';
import { METADATA_SHEET, TEMPLATE_FORMAT, inputName } from '../../shared/layout/template';
import type {
  CellSpec,
  ChartSpec,
  ConditionalFormatSpec,
  InputRef,
  OutputRef,
  SheetLayout,
  StyleKey,
  StyleSpec,
  TableSpec,
  ValidationSpec,
  WorkbookLayout,
} from '../../shared/layout/types';
import type { Severity } from '../../shared/schema/plan';
import { mapInputs, officeValue, strayRowFindings } from '../../shared/layout/inputs';
import type { InputCell } from '../../shared/layout/inputs';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from './port';

/**
 * The only code that touches Excel (Office.js, ExcelApi 1.8). It renders the shared layouts
 * (shared/layout) the way server/xlsx/render.ts does with exceljs, in few requests:
 *
 * - insertTemplate: sync 1 reads the sheet names and the templates already recorded; sync 2
 *   adds the sheets and writes everything (values, number formats, styles, merges, sizes,
 *   freeze panes, validation, conditional formats, defined names, protection); sync 3 records
 *   the template, with the new sheet ids, in the workbook settings (`asr.templates`);
 * - validateInPlace: sync 1 reads the template sheets (used values and number formats, the
 *   defined names of the inputs, protection); sync 2 writes verdicts, progress, categories
 *   and highlights;
 * - writeInputs: one sync writing values into the input cells through their defined names;
 * - selectInput: one sync;
 * - writeConsolidated: like insertTemplate, with Excel tables and native charts, replacing an
 *   earlier copy recorded in `asr.consolidated`.
 *
 * Every value array is written in one call per range and every format over rectangles as
 * large as possible. A request is kept under `maxRequestBytes` (4 MB by default; Excel on the
 * web refuses 5 MB): past it, the writes go out in several requests, split between whole
 * operations and, for one huge grid, between rows.
 */

export interface OfficeAdapterOptions {
  /** Largest request the adapter builds, in bytes (estimated as the JSON of what it sends). */
  maxRequestBytes?: number;
}

export const TEMPLATES_SETTING = 'asr.templates';
export const CONSOLIDATED_SETTING = 'asr.consolidated';
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Layout widths are characters; Excel wants points: about 7 px a character, 0.75 pt a pixel. */
export const POINTS_PER_CHARACTER = 5.25;
/** What one operation costs in a request besides its data (object path, action, ids); generous on purpose. */
const OPERATION_BYTES = 400;
const CELL_TEXT_MAX = 32_767;
const PROMPT_TITLE_MAX = 32;
const PROMPT_MAX = 255;
const ERROR_MAX = 225;
const LIST_SOURCE_MAX = 255;
const BORDER_COLOR = '#A19F9D';

const TEXTS = {
  promptTitle: { vi: 'Hướng dẫn nhập', en: 'How to fill in' },
  errorTitle: { vi: 'Kiểm tra giá trị', en: 'Check the value' },
  error: { vi: 'Giá trị không hợp lệ', en: 'This value is not allowed' },
} as const;

type Lang = 'vi' | 'en';
type SheetRef = TemplateRef['sheets'][number];

/** What `asr.templates` keeps per template: the TemplateRef and how to find inputs and outputs again. */
interface StoredTemplate extends TemplateRef {
  format: typeof TEMPLATE_FORMAT;
  /** Every input in listing order (sheets in order, row by row): [sheet role, kind, code, defined name, style]. */
  inputs: Array<[string, InputRef['kind'], string, string, StyleKey]>;
  /** Output cells: the sheet role, the input of the same row they hang on, and the column offset from it. */
  outputs: Partial<Record<OutputRef['kind'], { role: string; anchor: InputRef['kind']; offset: number }>>;
  /** Fill of each input style, to clear highlights. */
  fills: Partial<Record<StyleKey, string | null>>;
}

interface StoredConsolidated {
  planId: string;
  revision: number;
  period: string;
  lang: Lang;
  sheets: SheetRef[];
  tables: string[];
}

// ---------------------------------------------------------------------------------------
// Small helpers (pure)

interface Rect {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

const cellA1 = (r: number, c: number) => cellAddress(r, c);
const rectA1 = (x: Rect) => (x.r1 === x.r2 && x.c1 === x.c2 ? cellA1(x.r1, x.c1) : `${cellA1(x.r1, x.c1)}:${cellA1(x.r2, x.c2)}`);
const parseCell = (a1: string) => parseCellAddress(a1.trim());

function parseRect(range: string): Rect | null {
  const [a = '', b = a] = range.split(':');
  const p = parseCell(a);
  const q = parseCell(b);
  if (!p || !q) return null;
  return { r1: Math.min(p.row, q.row), c1: Math.min(p.col, q.col), r2: Math.max(p.row, q.row), c2: Math.max(p.col, q.col) };
}

/** "='Chỉ tiêu'!$H$9" (a defined name's formula) → the cell it points at; null for #REF! and the like. */
export function nameTarget(formula: unknown): { row: number; col: number } | null {
  if (typeof formula !== 'string') return null;
  const bang = formula.lastIndexOf('!');
  const ref = (bang >= 0 ? formula.slice(bang + 1) : formula.replace(/^=/, '')).split(':')[0] ?? '';
  return parseCell(ref);
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) n += 1;
    else if (code < 0x800) n += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const jsonBytes = (value: unknown) => utf8Length(JSON.stringify(value) ?? '');

/**
 * Rectangles covering the cells with the same key: runs along each row, then runs of equal
 * column span stacked over consecutive rows. Cells whose key is null are left out.
 */
export function rectangles<T>(grid: readonly (readonly T[])[], keyOf: (cell: T, r: number, c: number) => string | null): Array<{ rect: Rect; key: string }> {
  const out: Array<{ rect: Rect; key: string }> = [];
  let open = new Map<string, Rect>();
  grid.forEach((row, r) => {
    const next = new Map<string, Rect>();
    let c = 0;
    while (c < row.length) {
      const key = keyOf(row[c]!, r, c);
      let end = c;
      while (end + 1 < row.length && key !== null && keyOf(row[end + 1]!, r, end + 1) === key) end++;
      if (key !== null) {
        const id = `${c}:${end}:${key}`;
        const prev = open.get(id);
        if (prev && prev.r2 === r - 1) {
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

/** Characters XML 1.0 cannot carry; Excel would drop them or refuse the value. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Strings Excel would not keep as they are when typed into a cell that is not formatted as text. */
// Anything made of digits, separators, signs, brackets, currency, %, an exponent or a time
// colon may be read as a number, a date or a time ("1e3" → 1000, "(12)" → -12, "12:30"):
// protecting too much only adds an apostrophe, protecting too little changes the value.
const REINTERPRETED = /^[\s\d.,:/()+\-%$€£¥₫eE]*\d[\s\d.,:/()+\-%$€£¥₫eE]*$|^\s*(true|false)\s*$/i;
const DATE_LIKE = /^\s*\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?\s*$/;

/**
 * A string as written to `values` so that Excel stores exactly that text: a leading = + - @
 * would make a formula and a leading apostrophe would vanish, so such text gets an apostrophe
 * (Excel's text prefix, not part of the value). In a cell not formatted as text, numbers,
 * dates and TRUE/FALSE in text are protected the same way.
 */
export function textForExcel(value: string, textFormatted: boolean): string {
  let text = clean(value);
  if (text.length > CELL_TEXT_MAX - 1) text = text.slice(0, CELL_TEXT_MAX - 1);
  if (/^[=+\-@']/.test(text)) return `'${text}`;
  if (!textFormatted && text !== '' && (REINTERPRETED.test(text) || DATE_LIKE.test(text))) return `'${text}`;
  return text;
}

/** The number format of a layout cell, as render.ts sets it ('@' for text and text inputs). */
function numberFormatOf(spec: CellSpec): string | null {
  if (spec.f) return spec.f;
  if (spec.text || spec.input) return spec.s === 'input' ? null : '@';
  return null;
}

function valueOf(spec: CellSpec): string | number | boolean | null {
  const v = spec.v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  return textForExcel(String(v), numberFormatOf(spec) === '@');
}

function uniqueName(base: string, taken: Set<string>): string {
  const name = base.slice(0, 31);
  if (!taken.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const candidate = `${base.slice(0, 31 - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

function uniqueTableName(base: string, taken: Set<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

function parseJsonArray<T>(value: unknown): T[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as T[]) : [];
}

const severityRank: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

function roleOfInput(kind: InputRef['kind']): string {
  return kind.startsWith('document') ? 'documents' : kind.startsWith('project') ? 'projects' : 'indicators';
}

function langOf(layout: WorkbookLayout): Lang {
  return layout.metadata?.lang === 'en' ? 'en' : 'vi';
}

// ---------------------------------------------------------------------------------------
// Requests within a budget

/**
 * Operations queued in order; `run` sends them, syncing between operations whenever the next
 * one would take the request over the budget. With a template of a few thousand rows, that
 * never happens and everything goes in the caller's one sync.
 */
class Plan {
  private readonly ops: Array<{ bytes: number; run: () => void }> = [];

  add(dataBytes: number, run: () => void): void {
    this.ops.push({ bytes: dataBytes + OPERATION_BYTES, run });
  }

  /** Queues every operation, sending what is queued first whenever the next one would not fit. */
  async run(context: Excel.RequestContext, budget: number): Promise<void> {
    let size = 0;
    for (const op of this.ops) {
      if (size > 0 && size + op.bytes > budget) {
        await context.sync(); // only when the request is full (see the class comment)
        size = 0;
      }
      op.run();
      size += op.bytes;
    }
  }
}

/** Rows of a grid in bands whose JSON stays under `limit` bytes (one band unless the grid is huge). */
function bands<T>(grid: readonly T[][], limit: number): Array<{ start: number; rows: T[][] }> {
  const out: Array<{ start: number; rows: T[][] }> = [];
  let current: T[][] = [];
  let start = 0;
  let size = 0;
  grid.forEach((row, r) => {
    const bytes = jsonBytes(row) + 1;
    if (current.length > 0 && size + bytes > limit) {
      out.push({ start, rows: current });
      current = [];
      start = r;
      size = 0;
    }
    current.push(row);
    size += bytes;
  });
  if (current.length > 0) out.push({ start, rows: current });
  return out;
}

// ---------------------------------------------------------------------------------------
// Writing one sheet

interface SheetWriteOptions {
  name: string;
  lang: Lang;
  budget: number;
  styles: WorkbookLayout['styles'];
  /** Table names already taken in the workbook (updated as tables are added). */
  tableNames: Set<string>;
}

interface SheetHandle {
  worksheet: () => Excel.Worksheet;
  tables: string[];
}

const H_ALIGN = { left: 'Left', center: 'Center', right: 'Right' } as const;
const V_ALIGN = { top: 'Top', middle: 'Center', bottom: 'Bottom' } as const;
const CHART_TYPES = { barClustered: 'BarClustered', columnClustered: 'ColumnClustered', pie: 'Pie' } as const;

/** Queues everything that writes one layout sheet into a new worksheet. */
function planSheet(plan: Plan, worksheets: Excel.WorksheetCollection, sheet: SheetLayout, options: SheetWriteOptions): SheetHandle {
  let ws: Excel.Worksheet | null = null;
  const worksheet = () => ws!;
  const rows = sheet.grid.length;
  const width = sheet.columns.length;
  const range = (x: Rect) => worksheet().getRangeByIndexes(x.r1, x.c1, x.r2 - x.r1 + 1, x.c2 - x.c1 + 1);
  const handle: SheetHandle = { worksheet, tables: [] };

  plan.add(jsonBytes(options.name), () => {
    ws = worksheets.add(options.name);
  });
  if (rows === 0 || width === 0) return handle;

  // Number formats before values: a text format keeps "11" as text.
  const formats = sheet.grid.map((row) => row.map(numberFormatOf));
  if (formats.some((row) => row.some((f) => f !== null))) {
    for (const band of bands(formats, options.budget / 2)) {
      plan.add(jsonBytes(band.rows), () => {
        range({ r1: band.start, c1: 0, r2: band.start + band.rows.length - 1, c2: width - 1 }).numberFormat = band.rows as string[][];
      });
    }
  }
  const values = sheet.grid.map((row) => row.map(valueOf));
  if (values.some((row) => row.some((v) => v !== null))) {
    for (const band of bands(values, options.budget / 2)) {
      plan.add(jsonBytes(band.rows), () => {
        range({ r1: band.start, c1: 0, r2: band.start + band.rows.length - 1, c2: width - 1 }).values = band.rows as unknown[][];
      });
    }
  }

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
  if (sheet.freeze && (sheet.freeze.rows > 0 || sheet.freeze.columns > 0)) {
    const { rows: fr, columns: fc } = sheet.freeze;
    plan.add(0, () => {
      const panes = worksheet().freezePanes;
      if (fr > 0 && fc > 0) panes.freezeAt(worksheet().getRangeByIndexes(0, 0, fr, fc));
      else if (fr > 0) panes.freezeRows(fr);
      else panes.freezeColumns(fc);
    });
  }
  planValidations(plan, sheet.validations, options.lang, range);
  planConditionalFormats(plan, sheet.conditionalFormats, range);
  for (const n of sheet.names) {
    const at = parseCell(n.ref);
    if (!at) continue;
    plan.add(jsonBytes(n.name) + jsonBytes(n.comment ?? ''), () => {
      worksheet().names.add(n.name, worksheet().getRangeByIndexes(at.row, at.col, 1, 1), n.comment);
    });
  }
  for (const t of sheet.tables) planTable(plan, t, options, range, handle);
  for (const c of sheet.charts) planChart(plan, c, options.lang, worksheet, range);
  if (sheet.visibility !== 'visible') {
    const visibility = sheet.visibility === 'veryHidden' ? 'VeryHidden' : 'Hidden';
    plan.add(0, () => {
      worksheet().visibility = visibility;
    });
  }
  if (sheet.protection?.protect) {
    const p = sheet.protection;
    plan.add(0, () => {
      worksheet().protection.protect({ allowFormatColumns: p.allowFormatColumns, allowFormatRows: p.allowFormatRows, allowAutoFilter: p.allowAutoFilter });
    });
  }
  return handle;
}

/** Styles by property, each over the largest rectangles of cells that share its value. */
function planStyles(plan: Plan, sheet: SheetLayout, styles: WorkbookLayout['styles'], range: (x: Rect) => Excel.Range): void {
  const width = sheet.columns.length;
  const style = (cell: CellSpec): StyleSpec => styles[cell.s] ?? {};
  const all: Rect = { r1: 0, c1: 0, r2: sheet.grid.length - 1, c2: width - 1 };
  plan.add(0, () => {
    range(all).format.font.name = 'Calibri';
  });
  const property = (keyOf: (s: StyleSpec) => string | null, apply: (r: Excel.Range, key: string) => void) => {
    for (const { rect, key } of rectangles(sheet.grid, (cell) => keyOf(style(cell)))) plan.add(key.length, () => apply(range(rect), key));
  };
  property((s) => (s.size !== undefined ? String(s.size) : null), (r, k) => void (r.format.font.size = Number(k)));
  property((s) => (s.bold ? '1' : null), (r) => void (r.format.font.bold = true));
  property((s) => (s.italic ? '1' : null), (r) => void (r.format.font.italic = true));
  property((s) => s.color ?? null, (r, k) => void (r.format.font.color = k));
  property((s) => s.fill ?? null, (r, k) => void (r.format.fill.color = k));
  property((s) => (s.hAlign ? H_ALIGN[s.hAlign] : null), (r, k) => void (r.format.horizontalAlignment = k as Excel.HorizontalAlignment));
  property((s) => (s.vAlign ? V_ALIGN[s.vAlign] : null), (r, k) => void (r.format.verticalAlignment = k as Excel.VerticalAlignment));
  property((s) => (s.wrap ? '1' : null), (r) => void (r.format.wrapText = true));
  for (const { rect } of rectangles(sheet.grid, (cell) => (style(cell).border ? '1' : null))) {
    const edges: Excel.BorderIndex[] = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'] as Excel.BorderIndex[];
    if (rect.c2 > rect.c1) edges.push('InsideVertical' as Excel.BorderIndex);
    if (rect.r2 > rect.r1) edges.push('InsideHorizontal' as Excel.BorderIndex);
    for (const edge of edges) {
      plan.add(0, () => {
        const border = range(rect).format.borders.getItem(edge);
        border.style = 'Continuous';
        border.color = BORDER_COLOR;
      });
    }
  }
}

function planSizes(plan: Plan, sheet: SheetLayout, worksheet: () => Excel.Worksheet): void {
  // Column widths, runs of equal width at once; hidden columns.
  const columns = sheet.columns;
  for (let c = 0; c < columns.length; ) {
    const w = columns[c]!.width;
    let end = c;
    while (end + 1 < columns.length && columns[end + 1]!.width === w) end++;
    if (Number.isFinite(w) && w > 0) {
      const start = c;
      const count = end - c + 1;
      plan.add(0, () => {
        worksheet().getRangeByIndexes(0, start, 1, count).getEntireColumn().format.columnWidth = Math.round(w * POINTS_PER_CHARACTER * 100) / 100;
      });
    }
    c = end + 1;
  }
  columns.forEach((column, c) => {
    if (column.hidden) plan.add(0, () => void (worksheet().getRangeByIndexes(0, c, 1, 1).getEntireColumn().columnHidden = true));
  });
  // Row heights, runs of consecutive rows of equal height at once.
  const heights = Object.entries(sheet.rowHeights)
    .map(([r, h]) => [Number(r), h] as const)
    .filter(([r, h]) => Number.isInteger(r) && r >= 0 && Number.isFinite(h) && h > 0)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < heights.length; ) {
    const [r, h] = heights[i]!;
    let j = i;
    while (j + 1 < heights.length && heights[j + 1]![0] === heights[j]![0] + 1 && heights[j + 1]![1] === h) j++;
    const count = j - i + 1;
    plan.add(0, () => {
      worksheet().getRangeByIndexes(r, 0, count, 1).format.rowHeight = Math.min(409, h);
    });
    i = j + 1;
  }
}

function validationRule(spec: ValidationSpec): Excel.DataValidationRule | null {
  const rule = spec.rule;
  const bounded = (min: number | undefined, max: number | undefined, floor: number): Excel.BasicDataValidation => {
    const lo = Number.isFinite(min) ? min : undefined;
    const hi = Number.isFinite(max) ? max : undefined;
    if (lo !== undefined && hi !== undefined) return { formula1: lo, formula2: hi, operator: 'Between' as Excel.DataValidationOperator };
    if (lo !== undefined) return { formula1: lo, operator: 'GreaterThanOrEqualTo' as Excel.DataValidationOperator };
    if (hi !== undefined) return { formula1: hi, operator: 'LessThanOrEqualTo' as Excel.DataValidationOperator };
    return { formula1: floor, operator: 'GreaterThanOrEqualTo' as Excel.DataValidationOperator };
  };
  switch (rule.kind) {
    case 'decimal':
      return { decimal: bounded(rule.min, rule.max, -1e15) };
    case 'whole':
      return { wholeNumber: bounded(rule.min, rule.max, -2_147_483_647) };
    case 'textLength':
      return { textLength: { formula1: Math.max(0, Math.floor(rule.max)), operator: 'LessThanOrEqualTo' as Excel.DataValidationOperator } };
    case 'date': {
      const iso = (d: string | undefined) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
      const min = iso(rule.min);
      const max = iso(rule.max);
      if (min && max) return { date: { formula1: min, formula2: max, operator: 'Between' as Excel.DataValidationOperator } };
      if (min) return { date: { formula1: min, operator: 'GreaterThanOrEqualTo' as Excel.DataValidationOperator } };
      if (max) return { date: { formula1: max, operator: 'LessThanOrEqualTo' as Excel.DataValidationOperator } };
      return { date: { formula1: '1900-01-01', operator: 'GreaterThanOrEqualTo' as Excel.DataValidationOperator } };
    }
    case 'list': {
      // A literal list, items separated by commas (a comma inside an item would split it).
      const source = rule.values.map((v) => clean(v).replace(/,/g, ' ').trim()).join(',');
      if (source.length === 0 || source.length > LIST_SOURCE_MAX) return null;
      return { list: { inCellDropDown: true, source } };
    }
    default:
      return null;
  }
}

/** Validation per bounded range; a cell already covered by an earlier range is left out of a later one (as render.ts does). */
function planValidations(plan: Plan, specs: readonly ValidationSpec[], lang: Lang, range: (x: Rect) => Excel.Range): void {
  const covered = new Set<string>();
  for (const spec of specs) {
    const rect = parseRect(spec.range);
    const rule = validationRule(spec);
    if (!rect || !rule) continue;
    const prompt = spec.prompt ? clean(spec.prompt[lang] || spec.prompt.vi).slice(0, PROMPT_MAX) : '';
    const error = clean(spec.error ? spec.error[lang] || spec.error.vi : TEXTS.error[lang]).slice(0, ERROR_MAX);
    const cells: Rect[] = [];
    for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) cells.push({ r1: r, c1: c, r2: r, c2: c });
    const free = cells.filter((x) => !covered.has(`${x.r1}:${x.c1}`));
    const targets = free.length === cells.length ? [rect] : free;
    for (const x of free) covered.add(`${x.r1}:${x.c1}`);
    const style = (spec.errorStyle === 'stop' ? 'Stop' : spec.errorStyle === 'warning' ? 'Warning' : 'Information') as Excel.DataValidationAlertStyle;
    for (const target of targets) {
      plan.add(jsonBytes(rule) + utf8Length(prompt) + utf8Length(error), () => {
        const dv = range(target).dataValidation;
        dv.rule = rule;
        dv.ignoreBlanks = true;
        dv.errorAlert = { showAlert: true, style, title: TEXTS.errorTitle[lang].slice(0, PROMPT_TITLE_MAX), message: error };
        if (prompt) dv.prompt = { showPrompt: true, title: TEXTS.promptTitle[lang].slice(0, PROMPT_TITLE_MAX), message: prompt };
      });
    }
  }
}

/** Conditional formats as render.ts writes them: EXACT() for text, so "Đạt" does not colour "Chưa đạt". */
function planConditionalFormats(plan: Plan, specs: readonly ConditionalFormatSpec[], range: (x: Rect) => Excel.Range): void {
  for (const spec of specs) {
    const rect = parseRect(spec.range);
    if (!rect) continue;
    const topLeft = cellA1(rect.r1, rect.c1);
    const rule = spec.rule;
    plan.add(jsonBytes(spec), () => {
      const target = range(rect);
      let format: Excel.ConditionalRangeFormat;
      if (rule.kind === 'textEquals' || rule.kind === 'blank') {
        const cf = target.conditionalFormats.add('Custom' as Excel.ConditionalFormatType);
        cf.custom.rule.formula = rule.kind === 'textEquals' ? `=EXACT(${topLeft},"${clean(rule.text).replace(/"/g, '""')}")` : `=LEN(TRIM(${topLeft}))=0`;
        format = cf.custom.format;
      } else {
        const cf = target.conditionalFormats.add('CellValue' as Excel.ConditionalFormatType);
        cf.cellValue.rule =
          rule.kind === 'between'
            ? { formula1: String(rule.min), formula2: String(rule.max), operator: 'Between' }
            : rule.kind === 'lessThan'
              ? { formula1: String(rule.value), operator: 'LessThan' }
              : { formula1: String(rule.value), operator: 'GreaterThanOrEqual' };
        format = cf.cellValue.format;
      }
      format.fill.color = spec.fill;
      if (spec.fontColor) format.font.color = spec.fontColor;
    });
  }
}

function planTable(plan: Plan, spec: TableSpec, options: SheetWriteOptions, range: (x: Rect) => Excel.Range, handle: SheetHandle): void {
  const rect = parseRect(spec.range);
  if (!rect || rect.r2 <= rect.r1) return;
  const name = uniqueTableName(spec.name, options.tableNames);
  options.tableNames.add(name.toLowerCase());
  handle.tables.push(name);
  plan.add(jsonBytes(spec), () => {
    const table = handle.worksheet().tables.add(range(rect), true);
    table.name = name;
    table.style = spec.style;
  });
}

function planChart(plan: Plan, spec: ChartSpec, lang: Lang, worksheet: () => Excel.Worksheet, range: (x: Rect) => Excel.Range): void {
  const values = parseRect(spec.values);
  const categories = parseRect(spec.categories);
  const anchor = parseCell(spec.anchor);
  if (!values || !categories || !anchor) return;
  const title = spec.title[lang] || spec.title.vi;
  const seriesName = spec.seriesName[lang] || spec.seriesName.vi;
  plan.add(jsonBytes(spec), () => {
    const chart = worksheet().charts.add(CHART_TYPES[spec.kind] as Excel.ChartType, range(values), 'Columns' as Excel.ChartSeriesBy);
    chart.title.text = title;
    const series = chart.series.getItemAt(0);
    series.name = seriesName;
    series.setXAxisValues(range(categories));
    chart.setPosition(
      range({ r1: anchor.row, c1: anchor.col, r2: anchor.row, c2: anchor.col }),
      range({ r1: anchor.row + Math.max(1, spec.heightRows) - 1, c1: anchor.col + Math.max(1, spec.widthColumns) - 1, r2: anchor.row + Math.max(1, spec.heightRows) - 1, c2: anchor.col + Math.max(1, spec.widthColumns) - 1 }),
    );
  });
}

/** The stored description of a template's inputs and outputs, from its layout. */
function describeTemplate(layout: WorkbookLayout): Pick<StoredTemplate, 'inputs' | 'outputs' | 'fills'> {
  const inputs: StoredTemplate['inputs'] = [];
  const outputs: StoredTemplate['outputs'] = {};
  const fills: StoredTemplate['fills'] = {};
  for (const sheet of layout.sheets) {
    sheet.grid.forEach((row) => {
      row.forEach((cell) => {
        if (!cell.input) return;
        inputs.push([sheet.role, cell.input.kind, cell.input.code, cell.input.name, cell.s]);
        if (!(cell.s in fills)) fills[cell.s] = layout.styles[cell.s]?.fill ?? null;
      });
      // Outputs hang on the row's value input (or its first input).
      const valueCol = row.findIndex((c) => c.input?.kind === 'value');
      const anchorCol = valueCol >= 0 ? valueCol : row.findIndex((c) => c.input);
      if (anchorCol < 0) return;
      const anchor = row[anchorCol]!.input!.kind;
      row.forEach((cell, c) => {
        if (cell.output && !outputs[cell.output.kind]) outputs[cell.output.kind] = { role: sheet.role, anchor, offset: c - anchorCol };
      });
    });
  }
  return { inputs, outputs, fills };
}

/** The metadata sheet's "sheets" row, rewritten when sheets got other names (e.g. "Chỉ tiêu (2)"). */
function withSheetNames(meta: SheetLayout, names: Map<string, string>): SheetLayout {
  const list = [...names].map(([role, name]) => `${role}=${name}`).join(';');
  const grid = meta.grid.map((row) => (row[0]?.v === 'sheets' && row[1] ? [row[0], { ...row[1], v: list }, ...row.slice(2)] : row));
  return { ...meta, grid };
}

function sameTemplate(a: Pick<TemplateRef, 'planId' | 'agencyId' | 'period'>, b: Pick<TemplateRef, 'planId' | 'agencyId' | 'period'>): boolean {
  return a.planId === b.planId && a.agencyId === b.agencyId && a.period === b.period;
}

function refOf(t: StoredTemplate, names: Map<string, string>): TemplateRef {
  return {
    planId: t.planId,
    revision: t.revision,
    agencyId: t.agencyId,
    period: t.period,
    lang: t.lang,
    sheets: t.sheets.map((s) => ({ role: s.role, id: s.id, name: names.get(s.id) ?? s.name })),
  };
}

function missingSheets(error: unknown, what: string): Error {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ItemNotFound') return new Error(`${what}: a sheet of the template no longer exists in this workbook`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** ISO day → Excel serial day (1900 date system). */
function serialOf(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : t / 86_400_000 + 25_569;
}

/**
 * What writeInputs puts in each input cell ("kind:code" → value): raw values as they came
 * (text kept as text), "" to clear a field given as null, nothing for a field left out;
 * a document's status as the template's label, its date as a date.
 */
function inputValues(inputs: ReadInputs, lang: Lang): Map<string, string | number> {
  const out = new Map<string, string | number>();
  const set = (kind: InputRef['kind'], code: string, value: unknown) => {
    if (value === undefined) return;
    if (value === null || value === '') out.set(`${kind}:${code}`, '');
    else if (typeof value === 'number') out.set(`${kind}:${code}`, Number.isFinite(value) ? value : '');
    else out.set(`${kind}:${code}`, textForExcel(String(value), false));
  };
  for (const e of inputs.entries ?? []) {
    set('value', e.code, e.value);
    set('answer', e.code, e.answer);
    set('denominator', e.code, e.denominator);
    set('note', e.code, e.note);
  }
  const statuses = DOCUMENT_STATUS_CHOICES[lang];
  for (const d of inputs.documents ?? []) {
    set('documentStatus', d.code, d.status === undefined ? undefined : d.status === null ? null : d.status === 'issued' ? statuses.issued : statuses.notIssued);
    set('documentReference', d.code, d.reference);
    set('documentDate', d.code, d.issuedOn === undefined || d.issuedOn === null ? d.issuedOn : (serialOf(d.issuedOn) ?? d.issuedOn));
    set('documentNote', d.code, d.note);
  }
  for (const p of inputs.projects ?? []) {
    set('projectDisbursed', p.code, p.disbursed);
    set('projectNote', p.code, p.note);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The adapter

export function createOfficeAdapter(excel: typeof Excel, options: OfficeAdapterOptions = {}): WorkbookPort {
  const budget = Math.max(64 * 1024, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
  // The records this adapter has read or written, so writeInputs needs no extra read.
  const seen = new Map<string, StoredTemplate>();
  const keyOf = (t: Pick<TemplateRef, 'planId' | 'agencyId' | 'period' | 'sheets'>) => `${t.planId}|${t.agencyId}|${t.period}|${t.sheets.map((s) => s.id).sort().join(',')}`;
  const remember = (records: StoredTemplate[]) => {
    for (const r of records) if (Array.isArray(r.sheets) && Array.isArray(r.inputs)) seen.set(keyOf(r), r);
  };
  const recordOf = (records: StoredTemplate[], template: TemplateRef) =>
    records.find((t) => sameTemplate(t, template) && Array.isArray(t.inputs) && Array.isArray(t.sheets) && t.sheets.some((s) => template.sheets.some((x) => x.id === s.id)));

  return {
    async insertTemplate(layout: WorkbookLayout): Promise<TemplateRef> {
      const meta = layout.metadata ?? {};
      if (meta.format !== TEMPLATE_FORMAT) throw new Error('insertTemplate: not an agency template layout');
      const lang = langOf(layout);
      return excel.run(async (context) => {
        // Sync 1: sheet names and ids, and the templates already recorded.
        const worksheets = context.workbook.worksheets;
        worksheets.load('items/name,items/id,items/visibility');
        const setting = context.workbook.settings.getItemOrNullObject(TEMPLATES_SETTING);
        setting.load('value');
        await context.sync();

        const existing = worksheets.items.map((w) => ({ id: w.id, name: w.name }));
        const ids = new Set(existing.map((w) => w.id));
        const recorded = parseJsonArray<StoredTemplate>(setting.isNullObject ? null : setting.value);
        const identity = { planId: meta.planId ?? '', agencyId: meta.agencyId ?? '', period: meta.period ?? '' };
        // An earlier template of the same plan, agency and period: its very hidden metadata
        // sheet goes (so "_asr_meta" describes the new one), its visible sheets and the figures
        // typed into them stay as they are.
        const previous = recorded.find((t) => sameTemplate(t, identity));
        const previousMeta = previous?.sheets.find((s) => s.role === 'metadata' && ids.has(s.id));
        const taken = new Set(existing.filter((w) => w.id !== previousMeta?.id).map((w) => w.name.toLowerCase()));

        const names = new Map<string, string>();
        for (const sheet of layout.sheets) {
          const name = uniqueName(sheet.name, taken);
          taken.add(name.toLowerCase());
          names.set(sheet.role, name);
        }
        const visibleNames = new Map([...names].filter(([role]) => role !== 'metadata'));

        // Sync 2: everything.
        const plan = new Plan();
        if (previousMeta) {
          plan.add(0, () => {
            const old = worksheets.getItem(previousMeta.id);
            old.visibility = 'Hidden' as Excel.SheetVisibility;
            old.delete();
          });
        }
        const handles = layout.sheets.map((sheet) => {
          const s = sheet.role === 'metadata' || sheet.name === METADATA_SHEET ? withSheetNames(sheet, visibleNames) : sheet;
          return planSheet(plan, worksheets, s, { name: names.get(sheet.role)!, lang, budget, styles: layout.styles, tableNames: new Set() });
        });
        const first = layout.sheets.findIndex((s) => s.visibility === 'visible');
        await plan.run(context, budget);
        if (first >= 0) handles[first]!.worksheet().activate();
        for (const h of handles) h.worksheet().load('id,name');
        await context.sync();

        // Sync 3: the record, with the ids Excel gave the new sheets.
        const described = describeTemplate(layout);
        const stored: StoredTemplate = {
          format: TEMPLATE_FORMAT,
          planId: identity.planId,
          revision: Number(meta.revision ?? 0),
          agencyId: identity.agencyId,
          period: identity.period,
          lang,
          sheets: layout.sheets.map((s, i) => ({ role: s.role, id: handles[i]!.worksheet().id, name: handles[i]!.worksheet().name })),
          ...described,
        };
        const kept = recorded.filter((t) => !sameTemplate(t, identity) && Array.isArray(t.sheets) && t.sheets.some((s) => ids.has(s.id)));
        context.workbook.settings.add(TEMPLATES_SETTING, JSON.stringify([...kept, stored]));
        await context.sync();
        remember([stored]);
        return refOf(stored, new Map());
      });
    },

    async findTemplates(): Promise<TemplateRef[]> {
      return excel.run(async (context) => {
        const worksheets = context.workbook.worksheets;
        worksheets.load('items/name,items/id');
        const setting = context.workbook.settings.getItemOrNullObject(TEMPLATES_SETTING);
        setting.load('value');
        await context.sync();
        const names = new Map(worksheets.items.map((w) => [w.id, w.name]));
        const records = parseJsonArray<StoredTemplate>(setting.isNullObject ? null : setting.value);
        remember(records);
        return records
          .filter((t) => Array.isArray(t.sheets) && t.sheets.length > 0 && t.sheets.every((s) => names.has(s.id)))
          .map((t) => refOf(t, names));
      });
    },

    async validateInPlace(template: TemplateRef, judge: (inputs: ReadInputs) => Judgement): Promise<Judgement> {
      return excel.run(async (context) => {
        // Sync 1: per template sheet, its used values and number formats, where its defined
        // names point now (rows may have been inserted), and its protection.
        const setting = context.workbook.settings.getItemOrNullObject(TEMPLATES_SETTING);
        setting.load('value');
        const sheets = template.sheets
          .filter((s) => s.role !== 'metadata')
          .map((s) => {
            const worksheet = context.workbook.worksheets.getItem(s.id);
            worksheet.load('name');
            const names = worksheet.names.load('items/name,items/formula');
            const used = worksheet.getUsedRange().load('rowIndex,columnIndex,values,numberFormat,formulas');
            const protection = worksheet.protection.load('protected,options');
            return { role: s.role, worksheet, names, used, protection };
          });
        try {
          await context.sync();
        } catch (error) {
          throw missingSheets(error, 'validateInPlace');
        }
        const records = parseJsonArray<StoredTemplate>(setting.isNullObject ? null : setting.value);
        remember(records);
        const record = recordOf(records, template);
        if (!record) throw new Error('validateInPlace: this template is not recorded in the workbook (insert it with the add-in)');

        const byRole = new Map(sheets.map((s) => [s.role, s]));
        const positions = new Map<string, Map<string, { row: number; col: number }>>();
        for (const s of sheets) {
          const map = new Map<string, { row: number; col: number }>();
          for (const item of s.names.items) {
            const at = nameTarget(item.formula);
            if (at) map.set(item.name.toLowerCase(), at);
          }
          positions.set(s.role, map);
        }
        const locate = (role: string, name: string) => positions.get(role)?.get(name.toLowerCase()) ?? null;
        const read = new Map<string, Array<{ row: number; col: number }>>();
        const cells: InputCell[] = record.inputs.map(([role, kind, code, name]) => {
          const s = byRole.get(role);
          const at = locate(role, name);
          if (!s || !at) return { kind, code, cell: null, expected: s ? `${s.worksheet.name}!${name}` : name };
          (read.get(role) ?? read.set(role, []).get(role)!).push(at);
          const r = at.row - s.used.rowIndex;
          const c = at.col - s.used.columnIndex;
          const value = s.used.values[r]?.[c] ?? '';
          const numberFormat = String(s.used.numberFormat[r]?.[c] ?? 'General');
          const formula = s.used.formulas?.[r]?.[c];
          return {
            kind,
            code,
            cell: { value: officeValue(value, numberFormat), numberFormat, where: `${s.worksheet.name}!${cellA1(at.row, at.col)}`, ...(typeof formula === 'string' ? { formula } : {}) },
          };
        });
        const mapped = mapInputs(cells);
        // Data typed outside the template's rows is not read: the same findings as an upload.
        const outside = sheets.flatMap((s) => {
          const { rowIndex, columnIndex, values } = s.used;
          return strayRowFindings(s.worksheet.name, read.get(s.role) ?? [], rowIndex + values.length - 1, (r, c) => values[r - rowIndex]?.[c - columnIndex]);
        });
        const judgement = judge({ entries: mapped.entries, documents: mapped.documents, projects: mapped.projects, findings: [...mapped.findings, ...outside] });

        // Sync 2: outputs and highlights, on sheets unprotected for the time of the writes.
        const writes = new Map<string, Map<string, string | number>>();
        const put = (role: string, row: number, col: number, value: string | number) => {
          let m = writes.get(role);
          if (!m) writes.set(role, (m = new Map()));
          m.set(`${row}:${col}`, value);
        };
        const nameOf = new Map(record.inputs.map(([, kind, code, name]) => [`${kind}:${code}`, name]));
        for (const out of judgement.outputs) {
          const where = record.outputs[out.kind];
          if (!where) continue;
          const at = locate(where.role, nameOf.get(`${where.anchor}:${out.code}`) ?? inputName(where.anchor, out.code));
          if (!at) continue;
          const v = out.value;
          put(where.role, at.row, at.col + where.offset, typeof v === 'number' ? (Number.isFinite(v) ? v : '') : v === null ? '' : textForExcel(String(v), false));
        }
        const worst = new Map<string, Severity>();
        for (const h of judgement.highlights) {
          const key = `${h.kind}:${h.code}`;
          const prev = worst.get(key);
          if (!prev || severityRank[h.severity] > severityRank[prev]) worst.set(key, h.severity);
        }
        const fills = new Map<string, Map<string, string>>();
        for (const [role, kind, code, name, style] of record.inputs) {
          const at = locate(role, name);
          if (!at) continue;
          const severity = worst.get(`${kind}:${code}`);
          const colour = severity === 'error' ? COLORS.notMet : severity === 'warning' ? COLORS.tolerance : (record.fills?.[style] ?? COLORS.inputFill);
          if (!colour) continue;
          let m = fills.get(role);
          if (!m) fills.set(role, (m = new Map()));
          m.set(`${at.row}:${at.col}`, colour);
        }

        const plan = new Plan();
        for (const s of sheets) {
          const outputs = writes.get(s.role);
          const colours = fills.get(s.role);
          if (!outputs && !colours) continue;
          const wasProtected = s.protection.protected;
          const options = s.protection.options;
          if (wasProtected) plan.add(0, () => s.worksheet.protection.unprotect());
          for (const { rect, grid } of sparseRectangles(outputs, () => 'v')) {
            plan.add(jsonBytes(grid), () => {
              s.worksheet.getRangeByIndexes(rect.r1, rect.c1, rect.r2 - rect.r1 + 1, rect.c2 - rect.c1 + 1).values = grid;
            });
          }
          for (const { rect, key } of sparseRectangles(colours, (v) => String(v))) {
            plan.add(0, () => {
              s.worksheet.getRangeByIndexes(rect.r1, rect.c1, rect.r2 - rect.r1 + 1, rect.c2 - rect.c1 + 1).format.fill.color = key;
            });
          }
          if (wasProtected) plan.add(jsonBytes(options), () => s.worksheet.protection.protect(options));
        }
        await plan.run(context, budget);
        await context.sync();
        return judgement;
      });
    },

    async writeInputs(template: TemplateRef, inputs: ReadInputs): Promise<void> {
      await excel.run(async (context) => {
        let record = seen.get(keyOf(template)) ?? null;
        if (!record) {
          // Only when this adapter has not met the template yet (findTemplates, insertTemplate
          // or validateInPlace record it): one read of the settings first.
          const setting = context.workbook.settings.getItemOrNullObject(TEMPLATES_SETTING);
          setting.load('value');
          await context.sync();
          const records = parseJsonArray<StoredTemplate>(setting.isNullObject ? null : setting.value);
          remember(records);
          record = recordOf(records, template) ?? null;
        }
        if (!record) throw new Error('writeInputs: this template is not recorded in the workbook (insert it with the add-in)');
        const values = inputValues(inputs, template.lang);
        const worksheets = new Map<string, Excel.Worksheet>();
        const sheetOf = (role: string) => {
          let ws = worksheets.get(role);
          const ref = template.sheets.find((s) => s.role === role);
          if (!ws && ref) worksheets.set(role, (ws = context.workbook.worksheets.getItem(ref.id)));
          return ws ?? null;
        };
        // Through the defined names: the cells are found where they are now, one write each.
        const plan = new Plan();
        for (const [role, kind, code, name] of record.inputs) {
          const value = values.get(`${kind}:${code}`);
          if (value === undefined) continue;
          plan.add(jsonBytes(value) + jsonBytes(name), () => {
            const ws = sheetOf(role);
            if (ws) ws.names.getItem(name).getRange().values = [[value]];
          });
        }
        await plan.run(context, budget);
        try {
          await context.sync();
        } catch (error) {
          throw missingSheets(error, 'writeInputs');
        }
      });
    },

    async selectInput(template: TemplateRef, input: { kind: InputRef['kind']; code: string }): Promise<void> {
      const role = roleOfInput(input.kind);
      const sheet = template.sheets.find((s) => s.role === role);
      if (!sheet) throw new Error(`selectInput: the template has no ${role} sheet`);
      await excel.run(async (context) => {
        const worksheet = context.workbook.worksheets.getItem(sheet.id);
        worksheet.activate();
        worksheet.names.getItem(inputName(input.kind, input.code)).getRange().select();
        try {
          await context.sync();
        } catch (error) {
          throw missingSheets(error, 'selectInput');
        }
      });
    },

    async writeConsolidated(layout: WorkbookLayout): Promise<{ sheets: string[] }> {
      const meta = layout.metadata ?? {};
      const lang = langOf(layout);
      return excel.run(async (context) => {
        // Sync 1: sheets, table names and the consolidated copies already recorded.
        const worksheets = context.workbook.worksheets;
        worksheets.load('items/name,items/id');
        const tables = context.workbook.tables;
        tables.load('items/name');
        const setting = context.workbook.settings.getItemOrNullObject(CONSOLIDATED_SETTING);
        setting.load('value');
        await context.sync();

        const existing = worksheets.items.map((w) => ({ id: w.id, name: w.name }));
        const ids = new Set(existing.map((w) => w.id));
        const recorded = parseJsonArray<StoredConsolidated>(setting.isNullObject ? null : setting.value);
        const same = (c: StoredConsolidated) => c.planId === (meta.planId ?? '') && c.period === (meta.period ?? '');
        const earlier = recorded.filter(same);
        const oldSheets = earlier.flatMap((c) => c.sheets ?? []).filter((s) => ids.has(s.id));
        const oldIds = new Set(oldSheets.map((s) => s.id));
        const oldTables = new Set(earlier.flatMap((c) => c.tables ?? []).map((t) => t.toLowerCase()));
        const taken = new Set(existing.filter((w) => !oldIds.has(w.id)).map((w) => w.name.toLowerCase()));
        const tableNames = new Set(tables.items.map((t) => t.name.toLowerCase()).filter((t) => !oldTables.has(t)));
        const names = layout.sheets.map((sheet) => {
          const name = uniqueName(sheet.name, taken);
          taken.add(name.toLowerCase());
          return name;
        });

        // Sync 2: the earlier copy out of the way (renamed, then deleted once the new sheets
        // exist, so the workbook always keeps a visible sheet), then everything.
        const plan = new Plan();
        const allNames = new Set([...existing.map((w) => w.name.toLowerCase()), ...names.map((n) => n.toLowerCase())]);
        oldSheets.forEach((s) => {
          const temp = uniqueName(`~asr old ${s.id.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`, allNames);
          allNames.add(temp.toLowerCase());
          plan.add(0, () => void (worksheets.getItem(s.id).name = temp));
        });
        const handles: SheetHandle[] = [];
        layout.sheets.forEach((sheet, i) => {
          handles.push(planSheet(plan, worksheets, { ...sheet, tables: [], charts: [] }, { name: names[i]!, lang, budget, styles: layout.styles, tableNames }));
          if (i === 0) for (const s of oldSheets) plan.add(0, () => worksheets.getItem(s.id).delete());
        });
        // Tables and charts once every sheet is written and the old tables are gone.
        layout.sheets.forEach((sheet, i) => {
          const h = handles[i]!;
          const options = { name: names[i]!, lang, budget, styles: layout.styles, tableNames };
          const range = (x: Rect) => h.worksheet().getRangeByIndexes(x.r1, x.c1, x.r2 - x.r1 + 1, x.c2 - x.c1 + 1);
          for (const t of sheet.tables) planTable(plan, t, options, range, h);
          for (const c of sheet.charts) planChart(plan, c, lang, h.worksheet, range);
        });
        await plan.run(context, budget);
        if (handles[0]) handles[0].worksheet().activate();
        for (const h of handles) h.worksheet().load('id,name');
        await context.sync();

        // Sync 3: the record.
        const stored: StoredConsolidated = {
          planId: meta.planId ?? '',
          revision: Number(meta.revision ?? 0),
          period: meta.period ?? '',
          lang,
          sheets: layout.sheets.map((s, i) => ({ role: s.role, id: handles[i]!.worksheet().id, name: handles[i]!.worksheet().name })),
          tables: handles.flatMap((h) => h.tables),
        };
        const kept = recorded.filter((c) => !same(c) && Array.isArray(c.sheets) && c.sheets.some((s) => ids.has(s.id)));
        context.workbook.settings.add(CONSOLIDATED_SETTING, JSON.stringify([...kept, stored]));
        await context.sync();
        return { sheets: stored.sheets.map((s) => s.name) };
      });
    },
  };
}

/** Rectangles over a sparse "row:col" → value map: equal keys side by side and stacked, each with its 2-D values. */
function sparseRectangles<V extends string | number>(cells: Map<string, V> | undefined, keyOf: (v: V) => string): Array<{ rect: Rect; key: string; grid: V[][] }> {
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
  for (const p of points) grid[p.r - r0]![p.c - c0] = p.v;
  return rectangles(grid, (v) => (v === null ? null : keyOf(v))).map(({ rect, key }) => {
    const abs = { r1: rect.r1 + r0, c1: rect.c1 + c0, r2: rect.r2 + r0, c2: rect.c2 + c0 };
    const values: V[][] = [];
    for (let r = rect.r1; r <= rect.r2; r++) values.push(grid[r]!.slice(rect.c1, rect.c2 + 1) as V[]);
    return { rect: abs, key, grid: values };
  });
}
