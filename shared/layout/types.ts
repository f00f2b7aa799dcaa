import type { Text } from '../i18n';

/**
 * A worksheet described as data. The add-in (Office.js) and the server (exceljs) each
 * render exactly this, so a layout decision is made once. Coordinates are 0-based
 * (row, column) inside the sheet; ranges are A1 strings without the sheet name.
 */
export type CellValue = string | number | boolean | null;

export type StyleKey =
  | 'title'
  | 'subtitle'
  | 'caption'
  | 'header'
  | 'headerSub'
  | 'section'
  | 'code'
  | 'label'
  | 'labelHeading'
  | 'text'
  | 'number'
  | 'input'
  | 'inputText'
  | 'output'
  | 'outputNumber'
  | 'meta';

export interface StyleSpec {
  bold?: boolean;
  italic?: boolean;
  size?: number;
  color?: string;
  fill?: string;
  hAlign?: 'left' | 'center' | 'right';
  vAlign?: 'top' | 'middle' | 'bottom';
  wrap?: boolean;
  border?: boolean;
  indent?: number;
}

/** What an input cell holds, so the add-in and the upload reader find it again. */
export interface InputRef {
  kind:
    | 'value'
    | 'answer'
    | 'denominator'
    | 'note'
    | 'documentStatus'
    | 'documentReference'
    | 'documentDate'
    | 'documentNote'
    | 'projectDisbursed'
    | 'projectNote'
    | 'taskStatus'
    | 'taskAccount'
    | 'taskEvidence'
    | 'taskNote';
  /** Indicator, document, project or task code. */
  code: string;
  /** Defined name (scoped to the sheet) pointing at the cell. */
  name: string;
}

/** What an output cell shows after validation. */
export interface OutputRef {
  kind: 'verdict' | 'progressYear' | 'progressPeriod' | 'category';
  code: string;
}

export interface CellSpec {
  v: CellValue;
  s: StyleKey;
  /** Excel number format code (locale-independent, as stored in the file). */
  f?: string;
  input?: InputRef;
  output?: OutputRef;
  /** Written as text even if it looks like a number or a formula. */
  text?: true;
}

export interface ColumnSpec {
  key: string;
  width: number;
  hidden?: boolean;
}

export type ValidationRule =
  | { kind: 'decimal'; min?: number; max?: number }
  | { kind: 'whole'; min?: number; max?: number }
  | { kind: 'list'; values: string[] }
  | { kind: 'textLength'; max: number }
  | { kind: 'date'; min?: string; max?: string };

export interface ValidationSpec {
  /** A bounded range such as "G7:G7", never a whole column. */
  range: string;
  rule: ValidationRule;
  /** "stop" refuses the entry; "warning" lets a user confirm it (the engine still judges it). */
  errorStyle: 'stop' | 'warning' | 'information';
  prompt?: Text;
  error?: Text;
}

export type ConditionalRule =
  | { kind: 'textEquals'; text: string }
  | { kind: 'blank' }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'lessThan'; value: number }
  | { kind: 'greaterOrEqual'; value: number };

export interface ConditionalFormatSpec {
  range: string;
  rule: ConditionalRule;
  fill: string;
  fontColor?: string;
}

export interface DefinedNameSpec {
  name: string;
  /** A1 reference of one cell, e.g. "$G$7". */
  ref: string;
  comment?: string;
}

export interface TableSpec {
  name: string;
  /** Header row included. */
  range: string;
  style: string;
}

export interface ChartSpec {
  kind: 'barClustered' | 'columnClustered' | 'pie';
  title: Text;
  /** Category labels and values, each a one-column range. */
  categories: string;
  values: string;
  seriesName: Text;
  /** Top-left cell the chart is placed at, and its size in cells. */
  anchor: string;
  widthColumns: number;
  heightRows: number;
}

export interface SheetLayout {
  /** Sheet name: at most 31 characters, none of []:*?/\ */
  name: string;
  role: string;
  visibility: 'visible' | 'hidden' | 'veryHidden';
  columns: ColumnSpec[];
  /** Rectangular: every row has `columns.length` cells. */
  grid: CellSpec[][];
  merges: string[];
  rowHeights: Record<number, number>;
  freeze: { rows: number; columns: number } | null;
  validations: ValidationSpec[];
  conditionalFormats: ConditionalFormatSpec[];
  names: DefinedNameSpec[];
  protection: { protect: boolean; allowFormatColumns: boolean; allowFormatRows: boolean; allowAutoFilter: boolean } | null;
  /** How the sheet prints: these reports are printed and signed. */
  page?: { orientation: 'portrait' | 'landscape'; paper: 'A4'; fitToWidth: boolean; repeatRows?: { from: number; to: number } } | null;
  tables: TableSpec[];
  charts: ChartSpec[];
}

export interface WorkbookLayout {
  sheets: SheetLayout[];
  /** Styles every renderer applies by key. */
  styles: Record<StyleKey, StyleSpec>;
  /** Hidden metadata: which plan, revision, agency and period the workbook belongs to. */
  metadata: Record<string, string>;
}
