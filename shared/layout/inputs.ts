import type { Finding, FindingCode, FindingField } from '../findings';
import { text } from '../i18n';
import type { Text } from '../i18n';
import type { Severity } from '../schema/plan';
import { readDocumentStatus } from './labels';
import type { InputRef } from './types';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from '../schema/report';

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
  /** Problems found while reading the cells: pass them to validateReport as `reading`. */
  findings: Finding[];
}

/** The codes of the findings made while reading a workbook (kept when a stored report is validated again). */
export const READING_FINDING_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'cell-error',
  'formula-cell',
  'cell-not-text-or-number',
  'date-in-number-cell',
  'document-status-unreadable',
  'document-date-unreadable',
  'reference-truncated',
  'input-not-found',
  'input-moved',
  'input-merged',
  'row-not-read',
  'unexpected-sheet',
  'template-version',
]);

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

const FIELD_LABELS: Record<InputRef['kind'], Text> = {
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
};

/** "chỉ tiêu 17 — kết quả" / "indicator 17 — result". */
export function inputLabel(kind: InputRef['kind'], code: string): Text {
  const field = FIELD_LABELS[kind] ?? text(kind, kind);
  if (kind.startsWith('document')) return text(`văn bản ${code} — ${field.vi}`, `document ${code} — ${field.en}`);
  if (kind.startsWith('project')) return text(`dự án ${code} — ${field.vi}`, `project ${code} — ${field.en}`);
  return text(`chỉ tiêu ${code} — ${field.vi}`, `indicator ${code} — ${field.en}`);
}

function fieldOf(kind: InputRef['kind']): FindingField {
  if (kind.startsWith('document')) return 'document';
  if (kind.startsWith('project')) return 'project';
  return kind === 'answer' || kind === 'denominator' || kind === 'note' ? kind : 'value';
}

/** A finding on one input cell, placed on its indicator, document or project like the engine's own. */
export function cellFinding(
  input: { kind: InputRef['kind']; code: string },
  where: string,
  code: FindingCode,
  severity: Severity,
  message: Text,
  hint: Text,
): Finding {
  const subject = input.kind.startsWith('document') ? { document: input.code } : input.kind.startsWith('project') ? { project: input.code } : { indicator: input.code };
  return { code, severity, field: fieldOf(input.kind), ...subject, message, hint, details: { input: input.kind, ...(where ? { cell: where } : {}) } };
}

/** The input a cell finding is about: its kind and its row's code. */
type CellInput = { kind: InputRef['kind']; code: string };

function dateInNumberCell(where: string, input: CellInput): Finding {
  const label = inputLabel(input.kind, input.code);
  return cellFinding(
    input,
    where,
    'date-in-number-cell',
    'warning',
    text(
      `Ô ${where} (${label.vi}) chứa ngày tháng thay cho số; có thể Excel đã tự đổi số vừa nhập thành ngày. Hãy nhập lại dạng số`,
      `Cell ${where} (${label.en}) holds a date instead of a number; Excel may have turned the entry into a date. Enter it again as a number`,
    ),
    text('Định dạng ô là số (không phải ngày) rồi nhập lại', 'Format the cell as a number (not a date) and enter it again'),
  );
}

/** The input cell was not found: its row is read as blank, and the report says so. */
export function inputNotFound(input: CellInput, expected: string): Finding {
  const label = inputLabel(input.kind, input.code);
  const at = expected ? ` (${expected})` : '';
  return cellFinding(
    input,
    '',
    'input-not-found',
    'warning',
    text(`Không tìm thấy ô ${label.vi}${at}; ô này được coi là để trống`, `The ${label.en} cell${at} was not found; it is taken as blank`),
    text('Dùng mẫu biểu tải từ hệ thống, không xóa dòng, cột hay tên ô', 'Use the template from the system; do not delete its rows, columns or cell names'),
  );
}

/** The input cell is no longer where the template put it and was found by its row's code. */
export function inputMoved(input: CellInput, from: string, where: string): Finding {
  const label = inputLabel(input.kind, input.code);
  return cellFinding(
    input,
    where,
    'input-moved',
    'warning',
    text(`Ô ${label.vi} không còn ở ${from}; đã đọc ở ${where} theo mã của dòng`, `The ${label.en} cell is no longer at ${from}; it was read at ${where} by its row's code`),
    text('Kiểm tra lại dòng này; không chèn hay xóa dòng trong mẫu biểu', 'Check this row; do not insert or delete rows in the template'),
  );
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
  if (formula) {
    const shown = raw === null ? '' : excerptOf(stringOf(raw));
    const shownVi = typeof raw === 'number' ? shown.replace('.', ',') : shown;
    const hasResult = raw !== null && raw !== formula;
    out.push(
      cellFinding(
        input,
        where,
        'formula-cell',
        'warning',
        hasResult
          ? text(`Ô ${where} (${label.vi}) chứa công thức ${excerptOf(formula)}; đã đọc kết quả "${shownVi}" lưu trong tệp`, `Cell ${where} (${label.en}) holds the formula ${excerptOf(formula)}; its stored result "${shown}" was read`)
          : text(`Ô ${where} (${label.vi}) chứa công thức ${excerptOf(formula)} không có kết quả lưu sẵn`, `Cell ${where} (${label.en}) holds the formula ${excerptOf(formula)} without a stored result`),
        text('Nhập con số hoặc nội dung thay cho công thức: hệ thống không tính lại công thức', 'Type the figure or text instead of a formula: the system does not recalculate formulas'),
      ),
    );
  }
  if (typeof raw === 'string' && EXCEL_ERROR.test(raw.trim())) {
    out.push(
      cellFinding(
        input,
        where,
        'cell-error',
        'warning',
        text(`Ô ${where} (${label.vi}) hiển thị lỗi Excel ${raw.trim()} thay cho giá trị`, `Cell ${where} (${label.en}) shows the Excel error ${raw.trim()} instead of a value`),
        text('Sửa hoặc bỏ công thức gây lỗi rồi nhập giá trị', 'Fix or remove what causes the error, then enter the value'),
      ),
    );
  } else if (typeof result === 'boolean') {
    out.push(
      cellFinding(
        input,
        where,
        'cell-not-text-or-number',
        'warning',
        text(`Ô ${where} (${label.vi}) chứa giá trị đúng/sai (${result ? 'TRUE' : 'FALSE'}), không phải số hay chữ; đã đọc là chữ "${result ? 'TRUE' : 'FALSE'}"`, `Cell ${where} (${label.en}) holds a logical value (${result ? 'TRUE' : 'FALSE'}), not a number or text; it was read as the text "${result ? 'TRUE' : 'FALSE'}"`),
        text('Nhập con số hoặc nội dung', 'Enter a figure or text'),
      ),
    );
  } else if (raw === null && result !== null && result !== undefined && typeof result === 'object' && !(result instanceof Date) && !isBlankObject(result)) {
    out.push(
      cellFinding(
        input,
        where,
        'cell-not-text-or-number',
        'warning',
        text(`Ô ${where} (${label.vi}) có nội dung không phải số hay chữ nên không đọc được; ô được coi là để trống`, `Cell ${where} (${label.en}) holds something that is neither a number nor text and cannot be read; it is taken as blank`),
        text('Xóa nội dung ô rồi nhập con số hoặc chữ', 'Clear the cell and enter a figure or text'),
      ),
    );
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
    const what = code ? { vi: ` (mã "${code}")`, en: ` (code "${code}")` } : { vi: '', en: '' };
    return strayFinding(
      text(`Dòng ${row + 1} của trang "${sheet}"${what.vi} có số liệu nhưng không thuộc mẫu biểu nên không được đọc`, `Row ${row + 1} of sheet "${sheet}"${what.en} holds data outside the template's rows, so it was not read`),
      { sheet, row: row + 1, ...(code ? { code } : {}) },
    );
  });
  if (stray.length > shown.length) {
    const more = stray.length - shown.length;
    out.push(strayFinding(text(`Trang "${sheet}" còn ${more} dòng khác có số liệu ngoài mẫu biểu, không được đọc`, `Sheet "${sheet}" has ${more} more rows with data outside the template, not read`), { sheet, rows: more }));
  }
  return out;
}

function strayFinding(message: Text, details: Record<string, unknown>): Finding {
  return {
    code: 'row-not-read',
    severity: 'warning',
    field: 'workbook',
    message,
    hint: text('Nhập số liệu vào đúng dòng của mẫu biểu, không thêm dòng mới', "Enter figures in the template's own rows; do not add rows"),
    details,
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

function documentStatusUnreadable(input: CellInput, where: string, written: string): Finding {
  return cellFinding(
    input,
    where,
    'document-status-unreadable',
    'warning',
    text(
      `Văn bản ${input.code} (ô ${where}): tình trạng "${excerptOf(written)}" không đọc được; chọn "Đã ban hành" hoặc "Chưa ban hành"`,
      `Document ${input.code} (cell ${where}): status "${excerptOf(written)}" is not understood; choose "Issued" or "Not issued"`,
    ),
    text('Chọn tình trạng trong danh sách của ô', "Choose the status from the cell's list"),
  );
}

function referenceTruncated(input: CellInput, where: string): Finding {
  return cellFinding(
    input,
    where,
    'reference-truncated',
    'warning',
    text(`Văn bản ${input.code}: số, ký hiệu dài quá ${REFERENCE_MAX} ký tự, đã cắt bớt`, `Document ${input.code}: the number is longer than ${REFERENCE_MAX} characters and was cut`),
    text('Chỉ ghi số, ký hiệu và ngày ban hành', 'Give only the number and date of the document'),
  );
}

function documentDateUnreadable(input: CellInput, where: string, written: string): Finding {
  return cellFinding(
    input,
    where,
    'document-date-unreadable',
    'warning',
    text(
      `Văn bản ${input.code} (ô ${where}): ngày ban hành "${excerptOf(written)}" không đọc được; nhập dạng ngày/tháng/năm, ví dụ 14/06/2023`,
      `Document ${input.code} (cell ${where}): date "${excerptOf(written)}" is not understood; enter day/month/year, e.g. 14/06/2023`,
    ),
    text('Nhập ngày dạng ngày/tháng/năm', 'Enter the date as day/month/year'),
  );
}

/** The entries, documents and projects of a template from its input cells, in listing order. */
export function mapInputs(cells: readonly InputCell[]): MappedInputs {
  const entries = new Map<string, EntryInput>();
  const documents = new Map<string, DocumentEntryInput>();
  const projects = new Map<string, ProjectEntryInput>();
  const findings: Finding[] = [];
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
    }
  }
  return { entries: [...entries.values()], documents: [...documents.values()], projects: [...projects.values()], findings };
}
