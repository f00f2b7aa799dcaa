import { finding } from '../findings';
import type { Finding, FindingCode, FindingField } from '../findings';
import { READING_FINDINGS } from '../catalogue/findings';
import { TASK_READING_FINDINGS } from '../catalogue/tasks';
import type { Params } from '../catalogue/types';
import { text } from '../i18n';
import type { Text } from '../i18n';
import { readDocumentStatus, readTaskStatus } from './labels';
import type { InputRef } from './types';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from '../schema/report';

/**
 * Input cells → the report's entries, for an uploaded template (server/xlsx/read.ts) and for
 * the add-in alike: every listed input gets its row (filled or not), values go out raw for
 * the shared reader (shared/entries.ts), and the things only a workbook can get wrong (a
 * formula, an error value, a date in a number cell, a cell that is not there, an
 * unreadable document status or date, data typed outside the template's rows) become
 * findings, with the same code and words on both paths; validateReport takes them as
 * `reading` so they reach the validation report.
 *
 * Pure and free of exceljs and Office.js, so the add-in (Office.js values: numbers, strings,
 * booleans, "" for blanks, dates as serial numbers with a date format) and the upload reader
 * (exceljs values: Date, rich text, formula objects) can share it.
 */

export interface InputCell {
  kind: InputRef['kind'];
  code: string;
  /** The cell, or null when it was not found (its row is still listed, as blank). */
  cell: {
    value: unknown;
    /** The cell's number format; a number in a date format is a date, as exceljs would give it. */
    numberFormat?: string;
    /** "Chỉ tiêu!H9", for findings. */
    where: string;
    /** The cell's formula ("=H8*2") when the host reports it apart from the value (Office.js). */
    formula?: string;
  } | null;
  /** Where the cell was looked for, when it was not found (a defined name or "Chỉ tiêu!H9"). */
  expected?: string;
}

/** @deprecated a reading problem is a Finding (kept for callers of the old name). */
export type InputWarning = Finding;

export interface MappedInputs {
  entries: EntryInput[];
  documents: DocumentEntryInput[];
  projects: ProjectEntryInput[];
  tasks: TaskEntryInput[];
  /** Problems found while reading the cells: pass them to validateReport as `reading`. */
  findings: Finding[];
}

/** The codes of the findings made while reading a workbook (kept when a stored report is validated again). */
export const READING_FINDING_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([...Object.keys(READING_FINDINGS), ...Object.keys(TASK_READING_FINDINGS)] as FindingCode[]);

/** The reading findings among a stored report's findings (untrusted shape: anything else is left out). */
export function readingFindingsOf(findings: unknown): Finding[] {
  if (!Array.isArray(findings)) return [];
  return findings.filter((f): f is Finding => !!f && typeof f === 'object' && READING_FINDING_CODES.has((f as Finding).code));
}

/** Limits of the report schema (shared/schema/report.ts), so a reading always fits it. */
const REFERENCE_MAX = 2_000;
const MAX_ENTRIES = 5_000;
const MAX_DOCUMENTS = 2_000;
const MAX_PROJECTS = 2_000;
const MAX_TASKS = 2_000;

export type Raw = string | number | Date | null;

/**
 * A cell's content as typed: numbers stay numbers, text (rich or plain) is its text, a
 * formula gives its cached result or, without one, its text with "=" so the shared reader
 * reports it; errors ("#DIV/0!") and booleans become their text. Blank text is null.
 * (The same rules as server/xlsx/read.ts.)
 */
export function rawOf(value: unknown, depth = 0): Raw {
  if (value === null || value === undefined || depth > 3) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if ('formula' in v || 'sharedFormula' in v) {
    const result = rawOf(v.result, depth + 1);
    if (result !== null) return result;
    const formula = typeof v.formula === 'string' ? v.formula : typeof v.sharedFormula === 'string' ? v.sharedFormula : '';
    return formula ? `=${formula}` : null;
  }
  if (Array.isArray(v.richText)) {
    const joined = v.richText.map((run) => (run && typeof (run as { text?: unknown }).text === 'string' ? (run as { text: string }).text : '')).join('');
    return joined.trim() === '' ? null : joined;
  }
  if ('hyperlink' in v || 'text' in v) return rawOf(v.text, depth + 1);
  if (typeof v.error === 'string') return v.error;
  return null;
}

/**
 * Whether a number format shows dates or times ("dd/mm/yyyy", "m/d/yy h:mm"): quoted
 * text, escaped characters and [colour] sections aside, it has a day, month or year code.
 */
export function isDateFormat(format: string | undefined): boolean {
  if (!format || format === 'General' || format === '@') return false;
  const bare = format
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]/gi, '')
    .replace(/_.|\*./g, '');
  return /[dy]/i.test(bare) || (/m/i.test(bare) && /[hs]/i.test(bare)) || /\[(h|hh|m|mm|s|ss)\]/i.test(bare);
}

/** An Excel serial day (1900 date system) → UTC midnight of that day; null outside 1900-03-01…9999-12-31. */
export function serialToDate(serial: number): Date | null {
  if (!Number.isFinite(serial) || serial < 61 || serial > 2_958_465) return null;
  return new Date(Math.round((Math.floor(serial) - 25_569) * 86_400_000));
}

/** An Office.js cell (value and number format) → what exceljs would have given: a date-formatted number is a Date. */
export function officeValue(value: unknown, numberFormat: string | undefined): unknown {
  if (typeof value === 'number' && isDateFormat(numberFormat)) return serialToDate(value) ?? value;
  return value;
}

export function isoDay(d: Date): string {
  const y = d.getUTCFullYear();
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A date cell: a Date, an Excel serial number, "2023-06-14" or "14/06/2023" (also with - or .). */
export function dayOf(raw: Exclude<Raw, null>): string | null {
  if (raw instanceof Date) return validDay(raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate());
  if (typeof raw === 'number') {
    const d = serialToDate(raw);
    return d ? validDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) : null;
  }
  const t = raw.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (m) return validDay(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

function validDay(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return isoDay(date);
}

function stringOf(raw: Exclude<Raw, null>): string {
  return raw instanceof Date ? isoDay(raw) : String(raw);
}

function excerptOf(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

/** By any kind: a kind read back from a workbook's hidden records may be one this version does not know. */
const FIELD_LABELS: Readonly<Partial<Record<string, Text>>> = {
  value: text('kết quả', 'result'),
  answer: text('đánh giá', 'answer'),
  denominator: text('mẫu số', 'denominator'),
  note: text('ghi chú', 'note'),
  documentStatus: text('tình trạng', 'status'),
  documentReference: text('số, ký hiệu', 'number'),
  documentDate: text('ngày ban hành', 'date of issue'),
  documentNote: text('ghi chú', 'note'),
  projectDisbursed: text('giải ngân', 'disbursement'),
  projectNote: text('ghi chú', 'note'),
  taskStatus: text('tình trạng', 'status'),
  taskAccount: text('kết quả thực hiện', 'account'),
  taskEvidence: text('văn bản minh chứng', 'evidence'),
  taskNote: text('ghi chú', 'note'),
} satisfies Record<InputRef['kind'], Text>;

/** "chỉ tiêu 17 — kết quả" / "indicator 17 — result". */
export function inputLabel(kind: InputRef['kind'], code: string): Text {
  const field = FIELD_LABELS[kind] ?? text(kind, kind);
  if (kind.startsWith('document')) return text(`văn bản ${code} — ${field.vi}`, `document ${code} — ${field.en}`);
  if (kind.startsWith('project')) return text(`dự án ${code} — ${field.vi}`, `project ${code} — ${field.en}`);
  if (kind.startsWith('task')) return text(`nhiệm vụ ${code} — ${field.vi}`, `task ${code} — ${field.en}`);
  return text(`chỉ tiêu ${code} — ${field.vi}`, `indicator ${code} — ${field.en}`);
}

function fieldOf(kind: InputRef['kind']): FindingField {
  if (kind.startsWith('document')) return 'document';
  if (kind.startsWith('project')) return 'project';
  if (kind.startsWith('task')) return 'task';
  return kind === 'answer' || kind === 'denominator' || kind === 'note' ? kind : 'value';
}

/** A finding on one input cell, placed on its indicator, document or project like the engine's own. */
export function cellFinding(input: { kind: InputRef['kind']; code: string }, where: string, code: FindingCode, params: Params, variant?: string): Finding {
  const subject = input.kind.startsWith('document')
    ? { document: input.code }
    : input.kind.startsWith('project')
      ? { project: input.code }
      : input.kind.startsWith('task')
        ? { task: input.code }
        : { indicator: input.code };
  const place = { field: fieldOf(input.kind), ...subject, details: { input: input.kind, ...(where ? { cell: where } : {}) } };
  return finding(code, params, place, variant !== undefined ? { variant } : {});
}

/** The input a cell finding is about: its kind and its row's code. */
interface CellInput {
  kind: InputRef['kind'];
  code: string;
}

function dateInNumberCell(where: string, input: CellInput): Finding {
  return cellFinding(input, where, 'date-in-number-cell', { cell: where, label: inputLabel(input.kind, input.code) });
}

/** The input cell was not found: its row is read as blank, and the report says so. */
export function inputNotFound(input: CellInput, expected: string): Finding {
  return cellFinding(input, '', 'input-not-found', { label: inputLabel(input.kind, input.code), expected });
}

/** The input cell is no longer where the template put it and was found by its row's code. */
export function inputMoved(input: CellInput, from: string, where: string): Finding {
  return cellFinding(input, where, 'input-moved', { label: inputLabel(input.kind, input.code), from, cell: where });
}

/** Excel's error values, as Office.js gives them and exceljs names them. */
const EXCEL_ERROR = /^#(NULL!|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|N\/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|EXTERNAL!|PYTHON!)$/;

/** The formula of an exceljs formula cell, or the one the host reported beside the value. */
function formulaOf(value: unknown, reported: unknown): string | null {
  if (typeof reported === 'string' && reported.startsWith('=') && reported !== value) return reported;
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!('formula' in v || 'sharedFormula' in v)) return null;
  const f = typeof v.formula === 'string' ? v.formula : typeof v.sharedFormula === 'string' ? v.sharedFormula : '';
  return f.startsWith('=') ? f : `=${f}`;
}

/** What a cell holds beyond text, numbers and dates, as findings; the value itself is read by rawOf. */
function cellProblems(input: { kind: InputRef['kind']; code: string }, cell: NonNullable<InputCell['cell']>, raw: Raw): Finding[] {
  const out: Finding[] = [];
  const where = cell.where;
  const label = inputLabel(input.kind, input.code);
  const formula = formulaOf(cell.value, cell.formula);
  const result = formula && cell.value && typeof cell.value === 'object' && !(cell.value instanceof Date) ? (cell.value as { result?: unknown }).result : cell.value;
  const at = { cell: where, label };
  if (formula) {
    const hasResult = raw !== null && raw !== formula;
    const result = raw === null ? '' : excerptOf(stringOf(raw));
    const params = hasResult ? { ...at, formula: excerptOf(formula), result, numeric: typeof raw === 'number' } : { ...at, formula: excerptOf(formula) };
    out.push(cellFinding(input, where, 'formula-cell', params, hasResult ? undefined : 'no-result'));
  }
  if (typeof raw === 'string' && EXCEL_ERROR.test(raw.trim())) {
    out.push(cellFinding(input, where, 'cell-error', { ...at, error: raw.trim() }));
  } else if (typeof result === 'boolean') {
    out.push(cellFinding(input, where, 'cell-not-text-or-number', { ...at, logical: result ? 'TRUE' : 'FALSE' }));
  } else if (raw === null && result !== null && result !== undefined && typeof result === 'object' && !(result instanceof Date) && !isBlankObject(result)) {
    out.push(cellFinding(input, where, 'cell-not-text-or-number', at, 'unreadable'));
  }
  return out;
}

/** Rich text, hyperlinks and formulas whose text is blank are blank cells, not unreadable ones. */
function isBlankObject(value: object): boolean {
  const v = value as Record<string, unknown>;
  return Array.isArray(v.richText) || 'text' in v || 'formula' in v || 'sharedFormula' in v;
}

/** Findings listed at most per sheet for data outside the template's rows (then one line for the rest). */
const MAX_STRAY_ROWS = 20;

/**
 * Rows of a template sheet that hold data in an input column without being one of the
 * template's input rows (a row added at the bottom, a copied or inserted row): nothing in
 * them is read, so each becomes a finding. Rows and columns are 0-based; `valueAt` reads
 * a cell as the host gives it.
 */
export function strayRowFindings(
  sheet: string,
  inputs: ReadonlyArray<{ row: number; col: number }>,
  lastRow: number,
  valueAt: (row: number, col: number) => unknown,
): Finding[] {
  if (inputs.length === 0) return [];
  const inputRows = new Set(inputs.map((p) => p.row));
  const columns = [...new Set(inputs.map((p) => p.col))].sort((a, b) => a - b);
  const first = Math.min(...inputRows);
  const stray: Array<{ row: number; code: string }> = [];
  for (let r = first + 1; r <= lastRow; r++) {
    if (inputRows.has(r) || !columns.some((c) => rawOf(valueAt(r, c)) !== null)) continue;
    const code = rawOf(valueAt(r, 0));
    stray.push({ row: r, code: code === null ? '' : excerptOf(stringOf(code)).slice(0, 50) });
  }
  const shown = stray.slice(0, MAX_STRAY_ROWS);
  const out = shown.map(({ row, code }) => {
    const details = { sheet, row: row + 1, ...(code ? { code } : {}) };
    return finding('row-not-read', details, { field: 'workbook', details });
  });
  if (stray.length > shown.length) {
    const details = { sheet, rows: stray.length - shown.length };
    out.push(finding('row-not-read', details, { field: 'workbook', details }, { variant: 'more' }));
  }
  return out;
}

function getOrAdd<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let value = map.get(key);
  if (!value) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function documentStatusUnreadable(input: CellInput, where: string, written: string): Finding {
  return cellFinding(input, where, 'document-status-unreadable', { document: input.code, cell: where, written: excerptOf(written) });
}

function referenceTruncated(input: CellInput, where: string): Finding {
  return cellFinding(input, where, 'reference-truncated', { document: input.code, limit: REFERENCE_MAX });
}

function taskStatusUnreadable(input: CellInput, where: string, written: string): Finding {
  return cellFinding(input, where, 'task-status-unreadable', { task: input.code, cell: where, written: excerptOf(written) });
}

function documentDateUnreadable(input: CellInput, where: string, written: string): Finding {
  return cellFinding(input, where, 'document-date-unreadable', { document: input.code, cell: where, written: excerptOf(written) });
}

/** The entries, documents and projects of a template from its input cells, in listing order. */
export function mapInputs(cells: readonly InputCell[]): MappedInputs {
  const entries = new Map<string, EntryInput>();
  const documents = new Map<string, DocumentEntryInput>();
  const projects = new Map<string, ProjectEntryInput>();
  const tasks = new Map<string, TaskEntryInput>();
  const findings: Finding[] = [];
  // Within the limits of the report schema: past them a row is read and dropped.
  const bounded = <T>(map: Map<string, T>, limit: number, code: string, make: () => T): T =>
    map.has(code) || map.size < limit ? getOrAdd(map, code, make) : make();
  const entry = (code: string) => bounded<EntryInput>(entries, MAX_ENTRIES, code, () => ({ code }));
  const document = (code: string) => bounded<DocumentEntryInput>(documents, MAX_DOCUMENTS, code, () => ({ code }));
  const project = (code: string) => bounded<ProjectEntryInput>(projects, MAX_PROJECTS, code, () => ({ code }));
  const task = (code: string) => bounded<TaskEntryInput>(tasks, MAX_TASKS, code, () => ({ code }));

  for (const input of cells) {
    if (input.kind.startsWith('document')) document(input.code);
    else if (input.kind.startsWith('project')) project(input.code);
    else if (input.kind.startsWith('task')) task(input.code);
    else entry(input.code);
    if (!input.cell) {
      findings.push(inputNotFound(input, input.expected ?? ''));
      continue;
    }
    const raw = rawOf(input.cell.value);
    findings.push(...cellProblems(input, input.cell, raw));
    if (raw === null) continue;
    const where = input.cell.where;
    switch (input.kind) {
      case 'value': {
        const e = entry(input.code);
        if (raw instanceof Date) {
          findings.push(dateInNumberCell(where, input));
          e.value = isoDay(raw);
        } else {
          e.value = raw;
          const format = typeof input.cell.numberFormat === 'string' ? input.cell.numberFormat : '';
          if (typeof raw === 'number' && format && format !== 'General') e.numberFormat = format.slice(0, 200);
        }
        break;
      }
      case 'answer':
        entry(input.code).answer = stringOf(raw);
        break;
      case 'denominator':
        if (raw instanceof Date) {
          findings.push(dateInNumberCell(where, input));
          entry(input.code).denominator = isoDay(raw);
        } else entry(input.code).denominator = raw;
        break;
      case 'note':
        entry(input.code).note = stringOf(raw);
        break;
      case 'documentStatus': {
        const status = readDocumentStatus(stringOf(raw));
        if (status) document(input.code).status = status;
        else {
          findings.push(documentStatusUnreadable(input, where, stringOf(raw)));
        }
        break;
      }
      case 'documentReference': {
        const reference = stringOf(raw);
        if (reference.length > REFERENCE_MAX) {
          findings.push(referenceTruncated(input, where));
        }
        document(input.code).reference = reference.slice(0, REFERENCE_MAX);
        break;
      }
      case 'documentDate': {
        const day = dayOf(raw);
        if (day) document(input.code).issuedOn = day;
        else {
          findings.push(documentDateUnreadable(input, where, stringOf(raw)));
        }
        break;
      }
      case 'documentNote':
        document(input.code).note = stringOf(raw);
        break;
      case 'projectDisbursed':
        if (raw instanceof Date) {
          findings.push(dateInNumberCell(where, input));
          project(input.code).disbursed = isoDay(raw);
        } else project(input.code).disbursed = raw;
        break;
      case 'projectNote':
        project(input.code).note = stringOf(raw);
        break;
      case 'taskStatus': {
        const status = readTaskStatus(stringOf(raw));
        if (status) task(input.code).status = status;
        else findings.push(taskStatusUnreadable(input, where, stringOf(raw)));
        break;
      }
      case 'taskAccount':
        task(input.code).account = stringOf(raw);
        break;
      case 'taskEvidence':
        task(input.code).evidence = stringOf(raw);
        break;
      case 'taskNote':
        task(input.code).note = stringOf(raw);
        break;
    }
  }
  return { entries: [...entries.values()], documents: [...documents.values()], projects: [...projects.values()], tasks: [...tasks.values()], findings };
}
