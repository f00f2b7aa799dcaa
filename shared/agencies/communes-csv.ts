import { Agency, AgencyIdSchema } from '../schema/agency';
import type { Agency as AgencyT } from '../schema/agency';
import type { Text } from '../i18n';
import { COMMUNE_FINDINGS, render } from '../catalogue';
import type { CommuneCsvFindingCode, Params } from '../catalogue';
import { excerpt, foldVietnamese, normalizeText, slugify } from '../text';
import type { AgencyRegister } from './register';
import { isObject } from '../untrusted';
import type { Untrusted } from '../untrusted';

/**
 * Commune-level units (xã, phường, thị trấn) imported by an administrator from a CSV file,
 * so that the register can follow the 1 July 2025 reorganisation without a code change:
 *
 *     name,type,validFrom,predecessors[,id][,nameEn]
 *     Phường Thử Nghiệm Một,phường,2025-07-01,"UBND quận Hoàn Kiếm; hn-q-ba-dinh"
 *
 * Pure and total: never throws, whatever the text. Every row that cannot be imported becomes
 * a finding (Vietnamese and English) and is skipped; the other rows are imported.
 */
export interface CommuneCsvOptions {
  /** City id of the register, e.g. "hanoi". */
  city: string;
  /** Prefix of generated ids: "hn" gives "hn-p-thu-nghiem-mot". */
  idPrefix: string;
  /** Resolves predecessors written as names ("Quận Hoàn Kiếm") and checks ids. */
  register?: AgencyRegister;
  /** validFrom of rows that leave it blank; "2025-07-01" unless given. */
  defaultValidFrom?: string;
}

export interface CommuneCsvFinding {
  /** Line of the file (1-based) where the row starts; 0 for the file or the options. */
  line: number;
  code: CommuneCsvFindingCode;
  message: Text;
  /** What the message was rendered from (shared/catalogue/communes.ts). */
  params: Params;
  variant?: string;
}

export type { CommuneCsvFindingCode } from '../catalogue';

/** A finding on a line of the file, in the catalogue's words. */
function communeFinding(line: number, code: CommuneCsvFindingCode, params: Params = {}, variant?: string): CommuneCsvFinding {
  const { message } = render(COMMUNE_FINDINGS[code], params, variant);
  return { line, code, message, params, ...(variant !== undefined ? { variant } : {}) };
}

export interface CommuneCsvResult {
  agencies: AgencyT[];
  findings: CommuneCsvFinding[];
}

export type CommuneType = 'xã' | 'phường' | 'thị trấn';

/** Id infix per type: hn-x-…, hn-p-…, hn-tt-…. */
const TYPE_INFIX: Record<CommuneType, string> = { xã: 'x', phường: 'p', 'thị trấn': 'tt' };

/** Folded spellings accepted in the type column (typed without diacritics, or in English). */
const TYPE_WORDS = new Map<string, CommuneType>([
  ['xa', 'xã'],
  ['commune', 'xã'],
  ['phuong', 'phường'],
  ['ward', 'phường'],
  ['thi tran', 'thị trấn'],
  ['thitran', 'thị trấn'],
  ['township', 'thị trấn'],
]);

/** Folded header names accepted for each column. */
const COLUMNS = {
  name: ['name', 'ten', 'ten don vi'],
  type: ['type', 'loai', 'loai don vi'],
  validFrom: ['validfrom', 'valid from', 'valid_from', 'hieu luc tu', 'ngay hieu luc'],
  predecessors: ['predecessors', 'tien than', 'don vi tien than'],
  id: ['id', 'ma'],
  nameEn: ['nameen', 'name en', 'name_en', 'english name', 'ten tieng anh'],
} as const;
type Column = keyof typeof COLUMNS;

const MAX_TEXT = 2_000_000;
const MAX_ROWS = 5_000;
const MAX_FIELD = 500;
const DEFAULT_VALID_FROM = '2025-07-01';

/** Control characters, line and paragraph separators, non-characters and lone surrogates: text no cell should hold. */
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const INVALID_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function parseCommuneCsv(csvText: string, options: CommuneCsvOptions): CommuneCsvResult {
  const findings: CommuneCsvFinding[] = [];
  const agencies: AgencyT[] = [];
  const fail: Fail = (line, code, params = {}, variant) => findings.push(communeFinding(line, code, params, variant));
  const done = () => ({ agencies, findings });

  const settings = readOptions(options);
  if (!settings) {
    fail(0, 'bad-options');
    return done();
  }
  const table = readTable(csvText, fail);
  if (!table) return done();

  const taken: Taken = { ids: new Set(), communes: new Map() };
  const firstBeyondLimit = table.records[MAX_ROWS];
  if (firstBeyondLimit) {
    fail(firstBeyondLimit.line, 'too-many-rows', { max: MAX_ROWS });
  }
  for (const record of table.records.slice(0, MAX_ROWS)) {
    const row = importRow(record, table, settings, taken);
    if ('agency' in row) agencies.push(row.agency);
    else findings.push(...row.findings);
  }
  return done();
}

/** Records a finding; the file-level steps report through it. */
type Fail = (line: number, code: CommuneCsvFindingCode, params?: Params, variant?: string) => void;

/** The options once checked: what every row is read with. */
interface ImportSettings {
  city: string;
  idPrefix: string;
  register: AgencyRegister | undefined;
  defaultValidFrom: string;
}

/** The file once split: its header, where each known column is, and the rows below it. */
interface CsvTable {
  header: CsvRecord;
  columns: ReadonlyMap<Column, number>;
  records: CsvRecord[];
}

/** What the rows imported so far hold: their ids, and the line of each commune (by type and name). */
interface Taken {
  ids: Set<string>;
  communes: Map<string, number>;
}

/** Reads a row's cell by column; a column the header lacks, or a short row, reads as "". */
type Cell = (column: Column) => string;

/** The options, checked like the file (a caller's mistake is reported, not thrown); null when unusable. */
function readOptions(options: CommuneCsvOptions): ImportSettings | null {
  const opts: Untrusted<CommuneCsvOptions> = isObject(options) ? options : {};
  const city = typeof opts.city === 'string' ? opts.city.trim() : '';
  const idPrefix = typeof opts.idPrefix === 'string' ? opts.idPrefix.trim() : '';
  const register = isRegister(opts.register) ? opts.register : undefined;
  const defaultValidFrom = opts.defaultValidFrom === undefined ? DEFAULT_VALID_FROM : opts.defaultValidFrom;
  if (!city || !AgencyIdSchema.safeParse(idPrefix).success || typeof defaultValidFrom !== 'string' || !isCalendarDate(defaultValidFrom)) {
    return null;
  }
  return { city, idPrefix, register, defaultValidFrom };
}

/** The text split into records, its header read; null (with the findings) when no row can be read. */
function readTable(csvText: string, fail: Fail): CsvTable | null {
  const split = readRecords(csvText, fail);
  if (!split) return null;
  const columns = readColumns(split.header, fail);
  return columns ? { header: split.header, columns, records: split.records } : null;
}

/** The header and the non-blank records below it; null when there is no text or no header. */
function readRecords(csvText: string, fail: Fail): { header: CsvRecord; records: CsvRecord[] } | null {
  if (typeof csvText !== 'string') {
    fail(0, 'empty-file', {}, 'no-text');
    return null;
  }
  if (csvText.length > MAX_TEXT) {
    fail(0, 'too-large', { max: MAX_TEXT });
    return null;
  }
  const source = csvText.charCodeAt(0) === 0xfeff ? csvText.slice(1) : csvText;
  const parsed = splitCsv(source, sniffDelimiter(source));
  if (parsed.unterminatedAt !== null) {
    // The records before the open quote are still imported.
    fail(parsed.unterminatedAt, 'unterminated-quote');
  }
  const records = parsed.records.filter((r) => !r.fields.every((f) => f.trim() === ''));
  const header = records.shift();
  if (!header) {
    fail(0, 'empty-file');
    return null;
  }
  return { header, records };
}

/** Where each known column is; unknown and repeated headers are reported; null without name and type. */
function readColumns(header: CsvRecord, fail: Fail): Map<Column, number> | null {
  const columns = new Map<Column, number>();
  header.fields.forEach((raw, index) => {
    const folded = foldVietnamese(raw).replace(/\s+/g, ' ').trim();
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(folded));
    if (!column) {
      if (folded !== '') {
        fail(header.line, 'unknown-column', { column: excerpt(raw, 40) });
      }
      return;
    }
    if (columns.has(column)) {
      fail(header.line, 'duplicate-column', { column });
      return;
    }
    columns.set(column, index);
  });
  const missing = (['name', 'type'] as const).filter((c) => !columns.has(c));
  if (missing.length > 0) {
    fail(header.line, 'missing-column', { columns: missing });
    return null;
  }
  return columns;
}

/**
 * One row: the agency it stands for (and `taken` records it), or every finding that keeps
 * it out. Cells are read only once their text is safe to read.
 */
function importRow(record: CsvRecord, table: CsvTable, settings: ImportSettings, taken: Taken): { agency: AgencyT } | { findings: CommuneCsvFinding[] } {
  const cell: Cell = (c) => {
    const i = table.columns.get(c);
    return i === undefined ? '' : (record.fields[i] ?? '');
  };
  const textFindings = checkRowText(record, table, cell);
  if (textFindings.length > 0) return { findings: textFindings };

  const findings: CommuneCsvFinding[] = [];
  const bad: RowFail = (code, params = {}, variant) => findings.push(communeFinding(record.line, code, params, variant));
  const commune = readNameAndType(cell, bad);
  const validFrom = readValidFrom(cell, settings.defaultValidFrom, bad);
  const predecessors = readPredecessors(cell, settings.register, bad);
  const givenId = readId(cell, taken, settings.register, bad);
  const key = commune ? communeKey(commune) : '';
  const firstLine = key ? taken.communes.get(key) : undefined;
  if (commune && firstLine !== undefined) {
    bad('duplicate-commune', { type: commune.type, name: excerpt(commune.name, 40), firstLine });
  }
  if (findings.length > 0 || !commune) return { findings };

  const id = givenId || uniqueId(`${settings.idPrefix}-${TYPE_INFIX[commune.type]}-${slugify(commune.name) || 'khong-ten'}`, taken.ids, settings.register);
  const checked = Agency.safeParse(communeAgency(id, commune, normalizeText(cell('nameEn')), validFrom, predecessors, settings.city));
  if (!checked.success) {
    return { findings: [communeFinding(record.line, 'invalid-agency', { issues: excerpt(checked.error.issues.map((i) => i.message).join('; '), 120) })] };
  }
  taken.ids.add(id);
  taken.communes.set(key, record.line);
  return { agency: checked.data };
}

/** Records a finding on the row being read. */
type RowFail = (code: CommuneCsvFindingCode, params?: Params, variant?: string) => void;

/** A row's commune: its type, and its name without "UBND" or the type word. */
interface CommuneName {
  type: CommuneType;
  name: string;
}

/** Cells no spreadsheet or register should take: stray fields, overlong, formula-like or with invalid characters. */
function checkRowText(record: CsvRecord, table: CsvTable, cell: Cell): CommuneCsvFinding[] {
  const findings: CommuneCsvFinding[] = [];
  const width = table.header.fields.length;
  if (record.fields.length > width && record.fields.slice(width).some((f) => f.trim() !== '')) {
    findings.push(communeFinding(record.line, 'too-many-fields', { fields: record.fields.length, header: width }));
  }
  for (const c of table.columns.keys()) {
    const raw = cell(c);
    if (raw.length > MAX_FIELD) {
      findings.push(communeFinding(record.line, 'field-too-long', { column: c, max: MAX_FIELD }));
    } else if (looksLikeFormula(raw)) {
      findings.push(communeFinding(record.line, 'formula-like-text', { column: c, text: excerpt(raw.trim(), 30) }));
    } else if (INVALID_CHARACTERS.test(raw)) {
      findings.push(communeFinding(record.line, 'invalid-characters', { column: c }));
    }
  }
  return findings;
}

/** The name and type cells, which must agree ("Phường X" typed as a xã is a mistake); null when either is missing. */
function readNameAndType(cell: Cell, bad: RowFail): CommuneName | null {
  const name = normalizeText(cell('name'));
  const typeText = normalizeText(cell('type'));
  const type = TYPE_WORDS.get(foldVietnamese(typeText).replace(/[-_]/g, ' ').replace(/\s+/g, ' ').trim());
  if (!name) bad('missing-name');
  if (!type) {
    if (typeText) bad('unknown-type', { type: excerpt(typeText, 30) });
    else bad('unknown-type', {}, 'missing');
  }
  if (!name || !type) return null;
  const base = baseName(name);
  if (base.statedType && base.statedType !== type) {
    bad('type-mismatch', { name: excerpt(name, 40), stated: base.statedType, type });
  }
  if (!base.name) bad('missing-name', { name: excerpt(name, 40) }, 'type-only');
  return { type, name: base.name };
}

/** The validFrom cell, or the default when blank. */
function readValidFrom(cell: Cell, defaultValidFrom: string, bad: RowFail): string {
  const dateText = normalizeText(cell('validFrom'));
  const validFrom = dateText || defaultValidFrom;
  if (!isCalendarDate(validFrom)) {
    bad('bad-date', { date: excerpt(dateText, 30) });
  }
  return validFrom;
}

/** The predecessors cell ("; " or line separated), each an id or names; each id once. */
function readPredecessors(cell: Cell, register: AgencyRegister | undefined, bad: RowFail): string[] {
  const predecessors: string[] = [];
  for (const token of cell('predecessors').split(/[;\n]/).map((t) => normalizeText(t)).filter((t) => t !== '')) {
    const resolved = resolvePredecessor(token, register);
    if (resolved.kind === 'ok') {
      for (const pid of resolved.ids) if (!predecessors.includes(pid)) predecessors.push(pid);
    } else if (resolved.kind === 'not-local') {
      bad('predecessor-not-local', { predecessor: excerpt(token, 40) });
    } else {
      bad('unresolved-predecessor', { predecessor: excerpt(token, 40), candidates: resolved.candidates });
    }
  }
  return predecessors;
}

/** The id cell when it holds a usable id; "" when blank or reported (an id is then generated). */
function readId(cell: Cell, taken: Taken, register: AgencyRegister | undefined, bad: RowFail): string {
  const idText = normalizeText(cell('id'));
  if (!idText) return '';
  if (!AgencyIdSchema.safeParse(idText).success) {
    bad('bad-id', { id: excerpt(idText, 40) });
    return '';
  }
  if (taken.ids.has(idText) || clashesWithRegister(idText, register)) {
    bad('duplicate-id', { id: idText });
    return '';
  }
  return idText;
}

/** One commune per type and name, whatever the case. */
function communeKey(commune: CommuneName): string {
  return `${commune.type}|${commune.name.toLowerCase()}`;
}

/** The agency a row describes, before the schema checks it. */
function communeAgency(id: string, commune: CommuneName, nameEn: string, validFrom: string, predecessors: string[], city: string): unknown {
  return {
    id,
    name: `UBND ${commune.type} ${commune.name}`,
    ...(nameEn ? { nameEn } : {}),
    kind: 'commune',
    city,
    subtype: commune.type,
    // Named like the districts: "UBND phường X", also written "Phường X".
    aliases: [`${capitalize(commune.type)} ${commune.name}`],
    validFrom,
    successors: [],
    predecessors,
  };
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────

/** A register from a JavaScript caller: what the import calls on it is there. */
function isRegister(value: unknown): value is AgencyRegister {
  if (!isObject(value)) return false;
  const r: Untrusted<AgencyRegister> = value;
  return typeof r.get === 'function' && typeof r.resolveNames === 'function';
}

/** Text a spreadsheet would run as a formula; leading spaces do not make it safe. */
function looksLikeFormula(raw: string): boolean {
  return /^[=+\-@\t\r]/.test(raw) || /^\s+[=+\-@]/.test(raw);
}

function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** "UBND phường Thử Nghiệm Một" / "Phường Thử Nghiệm Một" / "Thử Nghiệm Một" → "Thử Nghiệm Một", with the type the name states. */
function baseName(name: string): { name: string; statedType: CommuneType | null } {
  let rest = name.replace(/^ubnd\s+/i, '');
  const folded = foldVietnamese(rest);
  // Longest first: "thị trấn" before "thị xã"-like prefixes; "thị xã" is a district, not a commune.
  for (const [word, stated] of [['thi tran', 'thị trấn'], ['phuong', 'phường'], ['xa', 'xã']] as const) {
    if (folded === word || folded.startsWith(`${word} `)) {
      rest = rest.slice(word.length).trim();
      return { name: rest, statedType: stated };
    }
  }
  return { name: rest.trim(), statedType: null };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type PredecessorResolution = { kind: 'ok'; ids: string[] } | { kind: 'not-local' } | { kind: 'unresolved'; candidates: string[] };

const LOCAL_KINDS = new Set(['district', 'commune']);

/** An id, or names the register resolves completely ("Quận Hoàn Kiếm, Quận Ba Đình"); never a guess. */
function resolvePredecessor(token: string, register: AgencyRegister | undefined): PredecessorResolution {
  if (register) {
    const direct = register.get(token);
    if (direct) return LOCAL_KINDS.has(direct.kind) ? { kind: 'ok', ids: [direct.id] } : { kind: 'not-local' };
    const r = register.resolveNames(token);
    if (r.ids.length === 0 || r.unresolved.length > 0) return { kind: 'unresolved', candidates: r.ids };
    if (!r.ids.every((id) => LOCAL_KINDS.has(register.get(id)?.kind ?? ''))) return { kind: 'not-local' };
    return { kind: 'ok', ids: r.ids };
  }
  // Without a register only ids can be taken, as written.
  return AgencyIdSchema.safeParse(token).success ? { kind: 'ok', ids: [token] } : { kind: 'unresolved', candidates: [] };
}

/** An id already in the register for something other than a commune (re-importing a commune updates it). */
function clashesWithRegister(id: string, register: AgencyRegister | undefined): boolean {
  const existing = register?.get(id);
  return existing !== undefined && existing.kind !== 'commune';
}

function uniqueId(wanted: string, used: ReadonlySet<string>, register: AgencyRegister | undefined): string {
  const base = wanted.replace(/-+$/, '');
  let id = base;
  for (let n = 2; used.has(id) || clashesWithRegister(id, register); n++) id = `${base}-${n}`;
  return id;
}

interface CsvRecord {
  /** Line (1-based) where the record starts. */
  line: number;
  fields: string[];
}

/** Comma unless the header line uses semicolons or tabs only (Excel under some locales). */
function sniffDelimiter(source: string): string {
  const firstLine = source.slice(0, source.search(/\r|\n|$/));
  const outside = firstLine.replace(/"[^"]*"/g, '');
  if (outside.includes(',')) return ',';
  if (outside.includes(';')) return ';';
  if (outside.includes('\t')) return '\t';
  return ',';
}

/**
 * RFC 4180 with the usual leniencies: CRLF, LF or CR line ends; quoted fields holding the
 * delimiter, line breaks and doubled quotes; a quote inside an unquoted field taken as text.
 */
function splitCsv(source: string, delimiter: string): { records: CsvRecord[]; unterminatedAt: number | null } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = source.length;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < n) {
    const ch = source.charAt(i);
    if (ch === '"' && field === '') {
      const quoted = readQuoted(source, i);
      if (!quoted) return { records, unterminatedAt: line };
      field = quoted.text;
      i = quoted.end;
      line += quoted.lineBreaks;
      // Text after the closing quote up to the delimiter is kept ("a"b → ab).
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records, unterminatedAt: null };
}

/**
 * A quoted field from its opening quote at `start`: its text (doubled quotes undone, line
 * breaks as "\n"), the index after its closing quote and the line breaks it holds; null when
 * the quote is never closed.
 */
function readQuoted(source: string, start: number): { text: string; end: number; lineBreaks: number } | null {
  let text = '';
  let lineBreaks = 0;
  let i = start + 1;
  while (i < source.length) {
    const c = source.charAt(i);
    if (c === '"') {
      if (source[i + 1] !== '"') return { text, end: i + 1, lineBreaks };
      text += '"';
      i += 2;
    } else if (c === '\r' || c === '\n') {
      text += '\n';
      i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
      lineBreaks++;
    } else {
      text += c;
      i++;
    }
  }
  return null;
}
