import type { Text } from '../i18n';
import type { Lang } from '../targets/render';
import { parseCellAddress } from './a1';
import type { CellSpec, CellValue, ConditionalFormatSpec, DefinedNameSpec, SheetLayout, ValidationSpec, WorkbookLayout } from './types';

/**
 * How a layout (shared/layout/types.ts) becomes Excel, decided once. Both renderers —
 * exceljs in server/xlsx/render.ts and Office.js in addin/excel/office/ — call these
 * functions and only map the renderer-neutral descriptions they return to their own API.
 * Pure: no I/O, no exceljs or Office.js types. test/addin/layout-parity.test.ts renders the
 * same layouts both ways and compares the workbooks cell by cell.
 */

// ---------------------------------------------------------------------------------------
// Excel's limits

export const EXCEL_LIMITS = {
  /** Characters a cell holds. */
  cellText: 32_767,
  /** Characters of a data-validation list as Excel stores it (the quoted formula "a,b"). */
  listFormula: 255,
  /** Characters of a validation prompt's and error alert's title. */
  promptTitle: 32,
  promptMessage: 255,
  errorMessage: 225,
  /** Characters of a sheet name; none of these characters; not starting or ending with an apostrophe. */
  sheetName: 31,
  sheetNameForbidden: /[\\/?*[\]:]/,
  /** Characters of a defined name, and of an Excel table's column name. */
  definedName: 255,
  tableColumnName: 255,
  /** Largest row height, in points. */
  rowHeight: 409,
} as const;

/**
 * Text a cell receives is cut one character below Excel's limit in both renderers: Office.js
 * writes text that Excel would reinterpret with a leading apostrophe (the text prefix), and
 * the two renderers must store the same text.
 */
export const CELL_TEXT_WRITTEN_MAX = EXCEL_LIMITS.cellText - 1;

/** Grey of the thin cell borders. */
export const BORDER_COLOR = '#A19F9D';

export type { Lang };

export function layoutLang(layout: Pick<WorkbookLayout, 'metadata'>): Lang {
  return layout.metadata.lang === 'en' ? 'en' : 'vi';
}

// ---------------------------------------------------------------------------------------
// Text

/** Characters XML 1.0 cannot carry (control characters, lone surrogates): Excel drops them or refuses the file. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing the control characters XML cannot carry is what this pattern is for
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** At most `max` UTF-16 units, never cutting a surrogate pair in half (which would leave a lone surrogate). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Cleaned and cut to a limit: what any text bound for Excel goes through. */
export function excelText(text: string, max: number = CELL_TEXT_WRITTEN_MAX): string {
  return truncate(clean(text), max);
}

function pick(text: Text, lang: Lang): string {
  return text[lang] || text.vi;
}

// ---------------------------------------------------------------------------------------
// Cells

/** The number format of a layout cell: its own, '@' (text) for text cells and text inputs, General otherwise. */
export function numberFormatOf(spec: Pick<CellSpec, 'f' | 'text' | 'input' | 's'>): string {
  if (spec.f) return spec.f;
  if (spec.text || spec.input) return spec.s === 'input' ? 'General' : '@';
  return 'General';
}

/** The value a cell stores: finite numbers, booleans, cleaned and cut text; null for blank. */
export function cellValueOf(v: CellValue | undefined): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  return excelText(v);
}

/** Only inputs are unlocked; everything else stays locked on a protected sheet. */
export const isLocked = (spec: Pick<CellSpec, 'input'>): boolean => !spec.input;

/** Row heights that Excel accepts (positive, at most 409 points), by 0-based row. */
export function rowHeightsOf(sheet: Pick<SheetLayout, 'rowHeights'>): Array<[row: number, points: number]> {
  return Object.entries(sheet.rowHeights)
    .map(([r, h]) => [Number(r), h] as [number, number])
    .filter(([r, h]) => Number.isInteger(r) && r >= 0 && Number.isFinite(h) && h > 0)
    .map(([r, h]) => [r, Math.min(EXCEL_LIMITS.rowHeight, h)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

/** "#deecf9" → "#DEECF9"; anything else → black (both renderers refuse other colours). */
export function colorOf(color: string): string {
  const hex = color.replace(/^#/, '').toUpperCase();
  return /^[0-9A-F]{6}$/.test(hex) ? `#${hex}` : '#000000';
}

// ---------------------------------------------------------------------------------------
// Ranges

/** A rectangle of cells, 0-based, r1 ≤ r2 and c1 ≤ c2. */
export interface CellRect {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/** "G7:H9", "$G$7" or "H9:G7" → the normalised rectangle; null when not a bounded A1 range. */
export function parseRect(range: string): CellRect | null {
  const [a = '', b = a, extra] = range.split(':');
  if (extra !== undefined) return null;
  const p = parseCellAddress(a.trim());
  const q = parseCellAddress(b.trim());
  if (!p || !q) return null;
  return { r1: Math.min(p.row, q.row), c1: Math.min(p.col, q.col), r2: Math.max(p.row, q.row), c2: Math.max(p.col, q.col) };
}

// ---------------------------------------------------------------------------------------
// Excel tables

/**
 * A table's column names from its header cells: cleaned and trimmed text, "Cột 3" for a
 * blank one (in either language, as the .xlsx writer always named it), "Mã 2" for a repeat
 * (Excel wants them non-blank and unique ignoring case).
 */
export function tableColumnNames(header: ReadonlyArray<Pick<CellSpec, 'v'> | undefined>): string[] {
  const seen = new Set<string>();
  return header.map((cell, i) => {
    const raw = cell?.v;
    const base = excelText(raw === null || raw === undefined ? '' : String(raw), EXCEL_LIMITS.tableColumnName).trim() || `Cột ${i + 1}`;
    let name = base;
    for (let k = 2; seen.has(name.toLowerCase()); k++) name = `${base} ${k}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

/**
 * The sheet with each table's header cells holding its column names, as text: what Excel
 * would otherwise make of a blank, repeated or numeric header differs between the .xlsx
 * (its writer names the columns) and Office.js (Excel renames the cells).
 */
export function withTableHeaders(sheet: SheetLayout): SheetLayout {
  if (sheet.tables.length === 0) return sheet;
  const grid = sheet.grid.map((row) => [...row]);
  for (const table of sheet.tables) {
    const rect = parseRect(table.range);
    const header = rect ? grid[rect.r1] : undefined;
    if (!rect || !header) continue;
    const names = tableColumnNames(header.slice(rect.c1, rect.c2 + 1));
    names.forEach((name, i) => {
      const cell = header[rect.c1 + i];
      if (cell && cell.v !== name) header[rect.c1 + i] = { ...cell, v: name, text: true };
    });
  }
  return { ...sheet, grid };
}

// ---------------------------------------------------------------------------------------
// Sheet names

export function isValidSheetName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= EXCEL_LIMITS.sheetName &&
    !EXCEL_LIMITS.sheetNameForbidden.test(name) &&
    !name.startsWith("'") &&
    !name.endsWith("'") &&
    name.toLowerCase() !== 'history'
  );
}

/**
 * The layout's sheet name, or the first free "Name (2)", "Name (3)"… among `taken`
 * (lower-cased names already in the workbook). Excel compares sheet names ignoring case.
 */
export function uniqueSheetName(base: string, taken: ReadonlySet<string>): string {
  const name = base.slice(0, EXCEL_LIMITS.sheetName);
  if (!taken.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const candidate = `${base.slice(0, EXCEL_LIMITS.sheetName - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** Each layout sheet with the name it gets beside the sheets `taken` (lower-cased), in order: unique, "Name (2)" for a repeat. */
export function namedSheets(layout: Pick<WorkbookLayout, 'sheets'>, taken: ReadonlySet<string> = new Set()): Array<{ sheet: SheetLayout; name: string }> {
  const used = new Set(taken);
  return layout.sheets.map((sheet) => {
    const name = uniqueSheetName(sheet.name, used);
    used.add(name.toLowerCase());
    return { sheet, name };
  });
}

// ---------------------------------------------------------------------------------------
// Defined names

/**
 * Input names are scoped to their sheet, in both renderers. A workbook may hold several
 * templates (another period or agency, or the same one inserted again) whose inputs carry
 * the same names ("asr.value.11"); a sheet-scoped name also travels with its sheet when the
 * sheet is moved or copied, and the add-in finds the inputs through the sheet's own names.
 */
export const DEFINED_NAME_SCOPE = 'sheet' as const;

/** Excel's rules for a name: letters, digits, _ . \ ?; starting with a letter, _ or \; never shaped like a cell reference. */
export function isValidDefinedName(name: string): boolean {
  if (name.length === 0 || name.length > EXCEL_LIMITS.definedName) return false;
  if (!/^[A-Za-z_\\][A-Za-z0-9_.\\?]*$/.test(name)) return false;
  return !(/^[A-Za-z]{1,3}\d{1,7}$/.test(name) || /^[Rr]\d*([Cc]\d*)?$/.test(name) || /^[Cc]\d*$/.test(name));
}

export interface ExcelName {
  name: string;
  rect: CellRect;
  comment: string;
}

/** The sheet's defined names as Excel keeps them: valid, pointing at a bounded range, unique in the sheet (ignoring case; the first wins). */
export function namesOf(names: readonly DefinedNameSpec[]): ExcelName[] {
  const seen = new Set<string>();
  const out: ExcelName[] = [];
  for (const n of names) {
    const rect = parseRect(n.ref);
    if (!rect || !isValidDefinedName(n.name) || seen.has(n.name.toLowerCase())) continue;
    seen.add(n.name.toLowerCase());
    out.push({ name: n.name, rect, comment: excelText(n.comment ?? '', EXCEL_LIMITS.definedName) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Data validation

export type ValidationOperator = 'between' | 'greaterThanOrEqual' | 'lessThanOrEqual';

export type ExcelCriterion =
  | { type: 'decimal' | 'whole' | 'textLength'; operator: ValidationOperator; formula1: number; formula2?: number }
  /** Bounds as ISO days ("2020-01-01"). */
  | { type: 'date'; operator: ValidationOperator; formula1: string; formula2?: string }
  /** A literal list, items as offered in the drop-down. */
  | { type: 'list'; items: string[] };

export interface ExcelValidation {
  /** Non-overlapping bounded rectangles (a cell already covered by an earlier validation is left out). */
  rects: CellRect[];
  criterion: ExcelCriterion;
  errorStyle: ValidationSpec['errorStyle'];
  ignoreBlank: true;
  error: { title: string; message: string };
  prompt: { title: string; message: string } | null;
}

const VALIDATION_TEXTS = {
  promptTitle: { vi: 'Hướng dẫn nhập', en: 'How to fill in' },
  errorTitle: { vi: 'Kiểm tra giá trị', en: 'Check the value' },
  error: { vi: 'Giá trị không hợp lệ', en: 'This value is not allowed' },
} as const;

/** "Any number" when a bound is missing: Excel needs an operand. */
const ANY_DECIMAL = -1e15;
const ANY_WHOLE = -2_147_483_647;
const ANY_DATE = '1900-01-01';

function bounded<T extends number | string>(lo: T | undefined, hi: T | undefined, floor: T): { operator: ValidationOperator; formula1: T; formula2?: T } {
  if (lo !== undefined && hi !== undefined) return { operator: 'between', formula1: lo, formula2: hi };
  if (lo !== undefined) return { operator: 'greaterThanOrEqual', formula1: lo };
  if (hi !== undefined) return { operator: 'lessThanOrEqual', formula1: hi };
  return { operator: 'greaterThanOrEqual', formula1: floor };
}

const finite = (n: number | undefined) => (Number.isFinite(n) ? n : undefined);
const isoDay = (d: string | undefined) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ? d : undefined);

/**
 * The items of a list validation: cleaned, a comma inside an item becomes a space (Excel
 * would split there), trimmed, empty items dropped.
 */
export function listItems(values: readonly string[]): string[] {
  return values.map((v) => clean(v).replace(/,/g, ' ').trim()).filter((v) => v !== '');
}

/** The list as the file stores it: one quoted formula, quotes doubled ("Đạt,Không đạt"). */
export function listFormula(items: readonly string[]): string {
  return `"${items.map((i) => i.replace(/"/g, '""')).join(',')}"`;
}

/** The list as Office.js takes it (the source typed in Excel's dialog). */
export function listSource(items: readonly string[]): string {
  return items.join(',');
}

/** A layout rule as Excel checks it; null when Excel cannot (an empty list, or one too long to store). */
export function criterionOf(rule: ValidationSpec['rule']): ExcelCriterion | null {
  switch (rule.kind) {
    case 'decimal':
    case 'whole':
      return { type: rule.kind, ...bounded(finite(rule.min), finite(rule.max), rule.kind === 'whole' ? ANY_WHOLE : ANY_DECIMAL) };
    case 'textLength':
      return { type: 'textLength', operator: 'lessThanOrEqual', formula1: Math.max(0, Math.floor(Number.isFinite(rule.max) ? rule.max : 0)) };
    case 'date':
      return { type: 'date', ...bounded(isoDay(rule.min), isoDay(rule.max), ANY_DATE) };
    case 'list': {
      const items = listItems(rule.values);
      if (items.length === 0 || listFormula(items).length > EXCEL_LIMITS.listFormula) return null;
      return { type: 'list', items };
    }
    default:
      return null;
  }
}

/** The sheet's validations as Excel gets them, each on bounded rectangles that never overlap. */
export function validationsOf(specs: readonly ValidationSpec[], lang: Lang): ExcelValidation[] {
  const covered = new Set<string>();
  const out: ExcelValidation[] = [];
  for (const spec of specs) {
    const rect = parseRect(spec.range);
    const criterion = criterionOf(spec.rule);
    if (!rect || !criterion) continue;
    const cells: CellRect[] = [];
    for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) cells.push({ r1: r, c1: c, r2: r, c2: c });
    const free = cells.filter((x) => !covered.has(`${x.r1}:${x.c1}`));
    for (const x of free) covered.add(`${x.r1}:${x.c1}`);
    if (free.length === 0) continue;
    const prompt = spec.prompt ? excelText(pick(spec.prompt, lang), EXCEL_LIMITS.promptMessage) : '';
    out.push({
      rects: free.length === cells.length ? [rect] : free,
      criterion,
      errorStyle: spec.errorStyle,
      ignoreBlank: true,
      error: {
        title: excelText(VALIDATION_TEXTS.errorTitle[lang], EXCEL_LIMITS.promptTitle),
        message: excelText(spec.error ? pick(spec.error, lang) : VALIDATION_TEXTS.error[lang], EXCEL_LIMITS.errorMessage),
      },
      prompt: prompt ? { title: excelText(VALIDATION_TEXTS.promptTitle[lang], EXCEL_LIMITS.promptTitle), message: prompt } : null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Conditional formats

export type ExcelConditionalRule =
  /** A formula relative to the top-left cell of the range, without the leading "=". */
  | { type: 'expression'; formula: string }
  | { type: 'cellIs'; operator: 'between' | 'lessThan' | 'greaterThanOrEqual'; formula1: string; formula2?: string };

export interface ExcelConditionalFormat {
  rect: CellRect;
  rule: ExcelConditionalRule;
  fill: string;
  fontColor: string | null;
}

/** "Đạt" → the EXACT() test of the range's top-left cell (quotes doubled). */
function exactFormula(topLeft: string, text: string): string {
  return `EXACT(${topLeft},"${clean(text).replace(/"/g, '""')}")`;
}

/**
 * A layout rule as Excel evaluates it. EXACT, not "contains text": "Đạt" is inside
 * "Đạt (trong sai số)" and, ignoring case, inside "Chưa đạt".
 */
export function conditionalRuleOf(rule: ConditionalFormatSpec['rule'], topLeft: string): ExcelConditionalRule | null {
  switch (rule.kind) {
    case 'textEquals':
      return { type: 'expression', formula: exactFormula(topLeft, rule.text) };
    case 'blank':
      return { type: 'expression', formula: `LEN(TRIM(${topLeft}))=0` };
    case 'between':
      return Number.isFinite(rule.min) && Number.isFinite(rule.max) ? { type: 'cellIs', operator: 'between', formula1: String(rule.min), formula2: String(rule.max) } : null;
    case 'lessThan':
      return Number.isFinite(rule.value) ? { type: 'cellIs', operator: 'lessThan', formula1: String(rule.value) } : null;
    case 'greaterOrEqual':
      return Number.isFinite(rule.value) ? { type: 'cellIs', operator: 'greaterThanOrEqual', formula1: String(rule.value) } : null;
    default:
      return null;
  }
}

export function conditionalFormatsOf(specs: readonly ConditionalFormatSpec[], cellA1: (row: number, col: number) => string): ExcelConditionalFormat[] {
  const out: ExcelConditionalFormat[] = [];
  for (const spec of specs) {
    const rect = parseRect(spec.range);
    const rule = rect ? conditionalRuleOf(spec.rule, cellA1(rect.r1, rect.c1)) : null;
    if (!rect || !rule) continue;
    out.push({ rect, rule, fill: colorOf(spec.fill), fontColor: spec.fontColor ? colorOf(spec.fontColor) : null });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Protection

/** Every option of a protected sheet, by Office.js's names; exceljs maps each to its OOXML attribute. */
export interface ExcelProtection {
  allowAutoFilter: boolean;
  allowDeleteColumns: boolean;
  allowDeleteRows: boolean;
  allowEditObjects: boolean;
  allowEditScenarios: boolean;
  allowFormatCells: boolean;
  allowFormatColumns: boolean;
  allowFormatRows: boolean;
  allowInsertColumns: boolean;
  allowInsertHyperlinks: boolean;
  allowInsertRows: boolean;
  allowPivotTables: boolean;
  allowSort: boolean;
  /** Locked and unlocked cells stay selectable. */
  selectionMode: 'Normal';
}

/**
 * A protected sheet, without a password (the protection guards against slips, not people):
 * what the layout allows, and nothing else — objects and scenarios included, which a file
 * leaves editable unless it says otherwise.
 */
export function protectionOf(spec: SheetLayout['protection']): ExcelProtection | null {
  if (!spec?.protect) return null;
  return {
    allowAutoFilter: spec.allowAutoFilter,
    allowDeleteColumns: false,
    allowDeleteRows: false,
    allowEditObjects: false,
    allowEditScenarios: false,
    allowFormatCells: false,
    allowFormatColumns: spec.allowFormatColumns,
    allowFormatRows: spec.allowFormatRows,
    allowInsertColumns: false,
    allowInsertHyperlinks: false,
    allowInsertRows: false,
    allowPivotTables: false,
    allowSort: false,
    selectionMode: 'Normal',
  };
}
