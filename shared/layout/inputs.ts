import { text } from '../i18n';
import type { Text } from '../i18n';
import { readDocumentStatus } from './labels';
import type { InputRef } from './types';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from '../schema/report';

/**
 * Input cells → the report's entries, for an uploaded template (server/xlsx/read.ts) and for
 * the add-in alike: every listed input gets its row (filled or not), values go out raw for
 * the shared reader (shared/entries.ts), and the few things only a workbook can get wrong
 * (a date in a number cell, an unreadable document status or date) become warnings.
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
    /** "Chỉ tiêu!H9", for warnings. */
    where: string;
  } | null;
}

export interface InputWarning {
  code: string;
  message: Text;
}

export interface MappedInputs {
  entries: EntryInput[];
  documents: DocumentEntryInput[];
  projects: ProjectEntryInput[];
  warnings: InputWarning[];
}

/** Limits of the report schema (shared/schema/report.ts), so a reading always fits it. */
const REFERENCE_MAX = 2_000;
const MAX_ENTRIES = 5_000;
const MAX_DOCUMENTS = 2_000;
const MAX_PROJECTS = 2_000;

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

function dateInNumberCell(where: string, code: string): InputWarning {
  return {
    code: 'date-in-number-cell',
    message: text(
      `Ô ${where} (${code}) chứa ngày tháng thay cho số; có thể Excel đã tự đổi số vừa nhập thành ngày. Hãy nhập lại dạng số`,
      `Cell ${where} (${code}) holds a date instead of a number; Excel may have turned the entry into a date. Enter it again as a number`,
    ),
  };
}

function getOrAdd<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let value = map.get(key);
  if (!value) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The entries, documents and projects of a template from its input cells, in listing order. */
export function mapInputs(cells: readonly InputCell[]): MappedInputs {
  const entries = new Map<string, EntryInput>();
  const documents = new Map<string, DocumentEntryInput>();
  const projects = new Map<string, ProjectEntryInput>();
  const warnings: InputWarning[] = [];
  // Within the limits of the report schema: past them a row is read and dropped.
  const bounded = <T>(map: Map<string, T>, limit: number, code: string, make: () => T): T =>
    map.has(code) || map.size < limit ? getOrAdd(map, code, make) : make();
  const entry = (code: string) => bounded<EntryInput>(entries, MAX_ENTRIES, code, () => ({ code }));
  const document = (code: string) => bounded<DocumentEntryInput>(documents, MAX_DOCUMENTS, code, () => ({ code }));
  const project = (code: string) => bounded<ProjectEntryInput>(projects, MAX_PROJECTS, code, () => ({ code }));

  for (const input of cells) {
    if (input.kind.startsWith('document')) document(input.code);
    else if (input.kind.startsWith('project')) project(input.code);
    else entry(input.code);
    if (!input.cell) continue;
    const raw = rawOf(input.cell.value);
    if (raw === null) continue;
    const where = input.cell.where;
    switch (input.kind) {
      case 'value': {
        const e = entry(input.code);
        if (raw instanceof Date) {
          warnings.push(dateInNumberCell(where, input.code));
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
          warnings.push(dateInNumberCell(where, input.code));
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
          warnings.push({
            code: 'document-status-unreadable',
            message: text(
              `Văn bản ${input.code} (ô ${where}): tình trạng "${excerptOf(stringOf(raw))}" không đọc được; chọn "Đã ban hành" hoặc "Chưa ban hành"`,
              `Document ${input.code} (cell ${where}): status "${excerptOf(stringOf(raw))}" is not understood; choose "Issued" or "Not issued"`,
            ),
          });
        }
        break;
      }
      case 'documentReference': {
        const reference = stringOf(raw);
        if (reference.length > REFERENCE_MAX) {
          warnings.push({
            code: 'reference-truncated',
            message: text(`Văn bản ${input.code}: số, ký hiệu dài quá ${REFERENCE_MAX} ký tự, đã cắt bớt`, `Document ${input.code}: the number is longer than ${REFERENCE_MAX} characters and was cut`),
          });
        }
        document(input.code).reference = reference.slice(0, REFERENCE_MAX);
        break;
      }
      case 'documentDate': {
        const day = dayOf(raw);
        if (day) document(input.code).issuedOn = day;
        else {
          warnings.push({
            code: 'document-date-unreadable',
            message: text(
              `Văn bản ${input.code} (ô ${where}): ngày ban hành "${excerptOf(stringOf(raw))}" không đọc được; nhập dạng ngày/tháng/năm, ví dụ 14/06/2023`,
              `Document ${input.code} (cell ${where}): date "${excerptOf(stringOf(raw))}" is not understood; enter day/month/year, e.g. 14/06/2023`,
            ),
          });
        }
        break;
      }
      case 'documentNote':
        document(input.code).note = stringOf(raw);
        break;
      case 'projectDisbursed':
        if (raw instanceof Date) {
          warnings.push(dateInNumberCell(where, input.code));
          project(input.code).disbursed = isoDay(raw);
        } else project(input.code).disbursed = raw;
        break;
      case 'projectNote':
        project(input.code).note = stringOf(raw);
        break;
    }
  }
  return { entries: [...entries.values()], documents: [...documents.values()], projects: [...projects.values()], warnings };
}
