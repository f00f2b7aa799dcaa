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
  const fail = (line: number, code: CommuneCsvFindingCode, params: Params = {}, variant?: string) => findings.push(communeFinding(line, code, params, variant));
  const done = () => ({ agencies, findings });

  // ── the options (a caller's mistake, reported like the rest) ──
  const opts: Untrusted<CommuneCsvOptions> = isObject(options) ? options : {};
  const city = typeof opts.city === 'string' ? opts.city.trim() : '';
  const idPrefix = typeof opts.idPrefix === 'string' ? opts.idPrefix.trim() : '';
  const register = isRegister(opts.register) ? opts.register : undefined;
  const defaultValidFrom = opts.defaultValidFrom === undefined ? DEFAULT_VALID_FROM : opts.defaultValidFrom;
  if (!city || !AgencyIdSchema.safeParse(idPrefix).success || typeof defaultValidFrom !== 'string' || !isCalendarDate(defaultValidFrom)) {
    fail(0, 'bad-options');
    return done();
  }

  // ── the text ──
  if (typeof csvText !== 'string') {
    fail(0, 'empty-file', {}, 'no-text');
    return done();
  }
  if (csvText.length > MAX_TEXT) {
    fail(0, 'too-large', { max: MAX_TEXT });
    return done();
  }
  const source = csvText.charCodeAt(0) === 0xfeff ? csvText.slice(1) : csvText;
  const parsed = splitCsv(source, sniffDelimiter(source));
  if (parsed.unterminatedAt !== null) {
    fail(parsed.unterminatedAt, 'unterminated-quote');
  }
  const records = parsed.records.filter((r) => !r.fields.every((f) => f.trim() === ''));
  const header = records.shift();
  if (!header) {
    fail(0, 'empty-file');
    return done();
  }

  // ── the header ──
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
    return done();
  }

  // ── the rows ──
  const usedIds = new Set<string>();
  const seenCommunes = new Map<string, number>();
  const firstBeyondLimit = records[MAX_ROWS];
  if (firstBeyondLimit) {
    fail(firstBeyondLimit.line, 'too-many-rows', { max: MAX_ROWS });
  }
  for (const record of records.slice(0, MAX_ROWS)) {
    const line = record.line;
    const cell = (c: Column): string => {
      const i = columns.get(c);
      return i === undefined ? '' : (record.fields[i] ?? '');
    };
    const rowFindings: CommuneCsvFinding[] = [];
    const bad = (code: CommuneCsvFindingCode, params: Params = {}, variant?: string) => rowFindings.push(communeFinding(line, code, params, variant));

    if (record.fields.length > header.fields.length && record.fields.slice(header.fields.length).some((f) => f.trim() !== '')) {
      bad('too-many-fields', { fields: record.fields.length, header: header.fields.length });
    }
    for (const c of columns.keys()) {
      const raw = cell(c);
      if (raw.length > MAX_FIELD) {
        bad('field-too-long', { column: c, max: MAX_FIELD });
      } else if (looksLikeFormula(raw)) {
        bad('formula-like-text', { column: c, text: excerpt(raw.trim(), 30) });
      } else if (INVALID_CHARACTERS.test(raw)) {
        bad('invalid-characters', { column: c });
      }
    }
    if (rowFindings.length > 0) {
      findings.push(...rowFindings);
      continue;
    }

    // name and type
    const name = normalizeText(cell('name'));
    const typeText = normalizeText(cell('type'));
    const type = TYPE_WORDS.get(foldVietnamese(typeText).replace(/[-_]/g, ' ').replace(/\s+/g, ' ').trim());
    if (!name) bad('missing-name');
    if (!type) {
      if (typeText) bad('unknown-type', { type: excerpt(typeText, 30) });
      else bad('unknown-type', {}, 'missing');
    }
    const base = name && type ? baseName(name) : null;
    if (name && type && base?.statedType && base.statedType !== type) {
      bad('type-mismatch', { name: excerpt(name, 40), stated: base.statedType, type });
    }
    if (base && !base.name) bad('missing-name', { name: excerpt(name, 40) }, 'type-only');

    // validFrom
    const dateText = normalizeText(cell('validFrom'));
    const validFrom = dateText || defaultValidFrom;
    if (!isCalendarDate(validFrom)) {
      bad('bad-date', { date: excerpt(dateText, 30) });
    }

    // predecessors
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

    // id
    const idText = normalizeText(cell('id'));
    let id = '';
    if (idText) {
      if (!AgencyIdSchema.safeParse(idText).success) {
        bad('bad-id', { id: excerpt(idText, 40) });
      } else if (usedIds.has(idText) || clashesWithRegister(idText, register)) {
        bad('duplicate-id', { id: idText });
      } else {
        id = idText;
      }
    }

    // one commune per name and type
    const key = name && type ? `${type}|${(base?.name ?? name).toLowerCase()}` : '';
    const firstLine = key ? seenCommunes.get(key) : undefined;
    if (type && firstLine !== undefined) {
      bad('duplicate-commune', { type, name: excerpt(base?.name ?? name, 40), firstLine });
    }

    if (rowFindings.length > 0 || !type || !base) {
      findings.push(...rowFindings);
      continue;
    }
    if (!id) id = uniqueId(`${idPrefix}-${TYPE_INFIX[type]}-${slugify(base.name) || 'khong-ten'}`, usedIds, register);

    const nameEn = normalizeText(cell('nameEn'));
    // Named like the districts: "UBND phường X", also written "Phường X".
    const aliases = [`${capitalize(type)} ${base.name}`];
    const candidate = {
      id,
      name: `UBND ${type} ${base.name}`,
      ...(nameEn ? { nameEn } : {}),
      kind: 'commune',
      city,
      subtype: type,
      aliases,
      validFrom,
      successors: [],
      predecessors,
    };
    const checked = Agency.safeParse(candidate);
    if (!checked.success) {
      findings.push(communeFinding(line, 'invalid-agency', { issues: excerpt(checked.error.issues.map((i) => i.message).join('; '), 120) }));
      continue;
    }
    usedIds.add(id);
    seenCommunes.set(key, line);
    agencies.push(checked.data);
  }
  return done();
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
      // Quoted field.
      const openedAt = line;
      i++;
      let closed = false;
      while (i < n) {
        const c = source.charAt(i);
        if (c === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (c === '\r' || c === '\n') {
          if (c === '\r' && source[i + 1] === '\n') {
            field += '\n';
            i += 2;
          } else {
            field += '\n';
            i++;
          }
          line++;
          continue;
        }
        field += c;
        i++;
      }
      if (!closed) return { records, unterminatedAt: openedAt };
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
