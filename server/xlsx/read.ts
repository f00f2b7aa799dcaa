import ExcelJS from 'exceljs';
import { parseCellAddress } from '../../shared/layout/a1';
import { finding } from '../../shared/findings';
import type { Finding } from '../../shared/findings';
import { UPLOAD_FAILURES, messageOf } from '../../shared/catalogue';
import type { Params, UploadFailureCode } from '../../shared/catalogue';
import { cellFinding, inputLabel, inputMoved, isoDay, mapInputs, rawOf, strayRowFindings } from '../../shared/layout/inputs';
import type { InputCell } from '../../shared/layout/inputs';
import { METADATA_SHEET, TEMPLATE_FORMAT, TEMPLATE_FORMAT_VERSION } from '../../shared/layout/template';
import type { InputRef } from '../../shared/layout/types';
import type { Text } from '../../shared/i18n';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from '../../shared/schema/report';
import { UPLOAD_LIMITS } from '../config';
import { inflateWithinBudget, storedZip } from './zip-budget';
import type { ZipProblem } from './zip-budget';

/**
 * Reads an agency template that came back filled in (an upload). The cells go out raw, as
 * the add-in would send them, so the shared reader (shared/entries.ts) judges them the same
 * way; this module only finds them. Total: every failure is a value, never an exception.
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Unpacked size allowed for the parts of an upload, counted as they inflate (server/config.ts). */
export const DEFAULT_MAX_UNPACKED_BYTES = UPLOAD_LIMITS.maxUnpackedBytes;
/**
 * The parts of an .xlsx the reader needs, by the names exceljs looks for: only these are
 * inflated (within the budget) and handed on. Themes, document properties, worksheet
 * relations (comments, drawings, tables, links: all skipped by the reader), pictures,
 * printer settings and anything else are listed but never inflated.
 */
const XLSX_PARTS = /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/styles\.xml|xl\/sharedStrings\.xml|xl\/worksheets\/sheet\d{1,5}\.xml)$/;
/** Rows per sheet and cells per row exceljs may build (a template has a few hundred rows of 15 cells). */
const MAX_ROWS = 100_000;
const MAX_CELLS_PER_ROW = 2_000;
/**
 * Cells all defined names may cover: exceljs expands every named range cell by cell, so a
 * name over A1:XFD1048576 would never finish loading.
 */
const MAX_NAMED_CELLS = 200_000;
/** Inputs listed on the metadata sheet read at most (a template has a few hundred). */
const MAX_INPUTS = 20_000;
/** Rows of the metadata sheet read at most (a template has one per input, plus a dozen). */
const MAX_META_ROWS = 50_000;
/** Rows searched for an indicator, document or project code that has moved. */
const MAX_SEARCH_ROWS = 20_000;
/** Limits of the report schema (shared/schema/report.ts), so a reading always fits it. */
const MAX_CODE_LENGTH = 50;

export type { UploadFailureCode } from '../../shared/catalogue';

/** @deprecated a reading problem is a Finding (kept for callers of the old name). */
export type UploadWarning = Finding;

export type UploadReading =
  | {
      ok: true;
      metadata: Record<string, string>;
      entries: EntryInput[];
      documents: DocumentEntryInput[];
      projects: ProjectEntryInput[];
      tasks: TaskEntryInput[];
      /** Problems found while reading (shared/layout/inputs.ts): pass them to validateReport as `reading`. */
      findings: Finding[];
    }
  | { ok: false; code: UploadFailureCode; params: Params; message: Text; /** 413 for what is too large, 422 for the rest. */ status: 413 | 422 };

export interface UploadOptions {
  /** Largest upload accepted, in bytes (default 5 MB). */
  maxBytes?: number;
  /** Largest inflated size of all the parts read, counted on the inflated bytes (default 8 MB). */
  maxUnpackedBytes?: number;
  /** Largest inflated size of one part (default 4 MB). */
  maxPartBytes?: number;
  /** Entries the zip may list (default 1,000). */
  maxZipEntries?: number;
}

/** The refusal of an upload: its words and its status (413 for what is too large, 422 for the rest) are the catalogue's. */
function fail(code: UploadFailureCode, detail?: string): UploadReading {
  const entry = UPLOAD_FAILURES[code];
  const params = detail !== undefined ? { detail } : {};
  return { ok: false, code, params, message: messageOf(entry, params), status: entry.status as 413 | 422 };
}

/** A problem of the zip → the refusal of the upload. */
function zipFailure(problem: ZipProblem): UploadReading {
  switch (problem.kind) {
    case 'too-many-entries':
      return fail('too-many-parts', `${problem.entries} > ${problem.limit}`);
    case 'part-too-large':
      return fail('too-large-inflated', `${problem.name} > ${megabytes(problem.limit)}`);
    case 'total-too-large':
      return fail('too-large-inflated', `> ${megabytes(problem.limit)}`);
    case 'unsafe-name':
      return fail('unsafe-zip', problem.name);
    case 'damaged':
      return fail('damaged');
  }
}

/** Reads an uploaded workbook; `null` options, as from a JavaScript caller, mean the defaults. */
export async function readTemplateUpload(buffer: Buffer, options?: UploadOptions | null): Promise<UploadReading> {
  try {
    return await readUnsafe(buffer, options ?? {});
  } catch {
    // Nothing below should throw; if it does, the file is what is wrong.
    return fail('damaged');
  }
}

async function readUnsafe(buffer: Buffer, options: UploadOptions): Promise<UploadReading> {
  const opened = await openWorkbook(buffer, options);
  if (!opened.ok) return opened;
  try {
    return readWorkbook(opened.workbook, opened.merges);
  } catch {
    return fail('damaged');
  }
}

/** A merged area of a sheet, 0-based, with its reference ("A1:B2"). */
export interface MergedArea {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
  ref: string;
}

export type UploadFailure = Extract<UploadReading, { ok: false }>;
export type OpenedWorkbook = { ok: true; workbook: ExcelJS.Workbook; merges: Map<string, MergedArea[]> } | UploadFailure;

/**
 * Any uploaded workbook opened under the same guards as a template (size, zip budget, parts
 * read, defined names, rows and cells), its merged areas read with a bounded scan; total.
 */
export async function openUploadedWorkbook(buffer: Buffer, options?: UploadOptions | null): Promise<OpenedWorkbook> {
  try {
    return await openWorkbook(buffer, options ?? {});
  } catch {
    return fail('damaged') as UploadFailure;
  }
}

async function openWorkbook(buffer: Buffer, options: UploadOptions): Promise<OpenedWorkbook> {
  const input: unknown = buffer;
  if (!(input instanceof Uint8Array)) return fail('not-xlsx') as UploadFailure;
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const maxBytes = positive(options.maxBytes, DEFAULT_MAX_UPLOAD_BYTES);
  if (bytes.length > maxBytes) return fail('too-large', `${megabytes(bytes.length)} > ${megabytes(maxBytes)}`) as UploadFailure;
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return fail('not-xlsx') as UploadFailure;

  const zip = await inflateWithinBudget(bytes, (name) => XLSX_PARTS.test(name), {
    maxEntries: positive(options.maxZipEntries, UPLOAD_LIMITS.maxZipEntries),
    maxPartBytes: positive(options.maxPartBytes, UPLOAD_LIMITS.maxPartBytes),
    maxTotalBytes: positive(options.maxUnpackedBytes, DEFAULT_MAX_UNPACKED_BYTES),
  });
  if (!zip.ok) return zipFailure(zip.problem) as UploadFailure;
  const parts = new Map([...zip.parts].map(([name, data]) => [name.toLowerCase(), data]));
  const workbookPart = parts.get('xl/workbook.xml');
  if (!parts.has('[content_types].xml') || !workbookPart) return fail('not-xlsx') as UploadFailure;

  // Defined names are expanded cell by cell by exceljs: count the cells before it does.
  const workbookXml = workbookPart.toString('utf8');
  if (namedCells(workbookXml) > MAX_NAMED_CELLS) return fail('too-large') as UploadFailure;

  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs reads the checked parts only, packed without compression: it copies them, it cannot inflate more.
    await workbook.xlsx.load(storedZip(zip.parts) as unknown as ExcelJS.Buffer, {
      // Only values, number formats and names are read. Parts exceljs would expand cell by
      // cell (validations, merges, hyperlinks over huge ranges) are skipped.
      ignoreNodes: ['dataValidations', 'mergeCells', 'hyperlinks', 'conditionalFormatting', 'extLst', 'drawing', 'picture', 'legacyDrawing', 'tableParts', 'autoFilter', 'rowBreaks', 'colBreaks'],
      maxRows: MAX_ROWS,
      maxCols: MAX_CELLS_PER_ROW,
    } as unknown as ExcelJS.XlsxReadOptions);
  } catch (error) {
    if (error instanceof Error && /^Max \w+ count \(\d+\) exceeded$/.test(error.message)) return fail('too-large') as UploadFailure;
    return fail('damaged') as UploadFailure;
  }
  return { ok: true, workbook, merges: mergedAreas(parts, workbookXml) };
}

/** Merged areas read per sheet at most (a template has a few dozen, in its title rows). */
const MAX_MERGES = 10_000;

/**
 * The merged areas of each sheet ("A1:B2"), read from the sheet parts with a bounded scan:
 * exceljs is told to skip them (it would expand a huge one cell by cell), yet an input cell
 * merged into another loses its value in Excel, and the reading must say so.
 */
function mergedAreas(parts: ReadonlyMap<string, Buffer>, workbookXml: string): Map<string, Array<{ r1: number; c1: number; r2: number; c2: number; ref: string }>> {
  const out = new Map<string, Array<{ r1: number; c1: number; r2: number; c2: number; ref: string }>>();
  const relsPart = parts.get('xl/_rels/workbook.xml.rels');
  const rels = relsPart?.toString('utf8');
  if (!rels) return out;
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, target.replace(/^\/?(xl\/)?/, 'xl/').toLowerCase());
  }
  for (const m of workbookXml.matchAll(/<sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
    const part = rid ? parts.get(targets.get(rid) ?? '') : undefined;
    const xml = part?.toString('utf8');
    if (!name || !xml) continue;
    const areas: Array<{ r1: number; c1: number; r2: number; c2: number; ref: string }> = [];
    for (const merge of xml.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]{1,3}\d{1,7}):([A-Z]{1,3}\d{1,7})"/g)) {
      const [, from = '', to = ''] = merge;
      const a = parseCellAddress(from);
      const b = parseCellAddress(to);
      if (a && b) areas.push({ r1: Math.min(a.row, b.row), c1: Math.min(a.col, b.col), r2: Math.max(a.row, b.row), c2: Math.max(a.col, b.col), ref: `${from}:${to}` });
      if (areas.length >= MAX_MERGES) break;
    }
    out.set(unescapeXml(name), areas);
  }
  return out;
}

const XML_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (whole, e: string) => XML_ENTITIES[e] ?? whole);
}

/** An input cell inside a merged area but not its first cell: Excel keeps only the first cell's value. */
function mergedInput(input: { kind: InputRef['kind']; code: string }, cell: ExcelJS.Cell, areas: ReadonlyArray<{ r1: number; c1: number; r2: number; c2: number; ref: string }>): Finding | null {
  const r = Number(cell.row) - 1;
  const c = Number(cell.col) - 1;
  const area = areas.find((x) => r >= x.r1 && r <= x.r2 && c >= x.c1 && c <= x.c2 && !(r === x.r1 && c === x.c1));
  if (!area) return null;
  const where = `${cell.worksheet.name}!${cell.address}`;
  const first = area.ref.split(':')[0] ?? '';
  return cellFinding(input, where, 'input-merged', { cell: where, label: inputLabel(input.kind, input.code), area: area.ref, first });
}

/** Cells covered by the defined names of workbook.xml (print areas and titles aside: exceljs does not expand them). */
function namedCells(xml: string): number {
  let total = 0;
  for (const m of xml.matchAll(/<definedName\b([^>]*)>([^<]*)<\/definedName>/g)) {
    if (/name="_xlnm\.Print_(Area|Titles)"/.test(m[1] ?? '')) continue;
    for (const r of (m[2] ?? '').matchAll(/\$([A-Z]{1,3})\$(\d{1,7}):\$([A-Z]{1,3})\$(\d{1,7})/gi)) {
      const a = parseCellAddress(`${r[1]}${r[2]}`);
      const b = parseCellAddress(`${r[3]}${r[4]}`);
      if (!a || !b) continue;
      total += (Math.abs(b.row - a.row) + 1) * (Math.abs(b.col - a.col) + 1);
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// The template

interface ListedInput {
  name: string;
  kind: InputRef['kind'];
  code: string;
  role: string;
  address: string;
}

const INPUT_KINDS = new Set<InputRef['kind']>([
  'value',
  'answer',
  'denominator',
  'note',
  'documentStatus',
  'documentReference',
  'documentDate',
  'documentNote',
  'projectDisbursed',
  'projectNote',
  'taskStatus',
  'taskAccount',
  'taskEvidence',
  'taskNote',
]);

function readWorkbook(workbook: ExcelJS.Workbook, merges: ReadonlyMap<string, ReadonlyArray<{ r1: number; c1: number; r2: number; c2: number; ref: string }>> = new Map()): UploadReading {
  const meta = workbook.worksheets.find((ws) => ws.name === METADATA_SHEET);
  if (!meta) return fail('not-our-template');

  const metadata: Record<string, string> = {};
  const inputs: ListedInput[] = [];
  const findings: Finding[] = [];
  const last = Math.min(meta.rowCount, MAX_META_ROWS);
  let inInputs = false;
  for (let r = 1; r <= last; r++) {
    const row = meta.findRow(r);
    if (!row) continue;
    const key = textOf(row.getCell(1).value).trim();
    if (!key) continue;
    if (!inInputs) {
      if (key === 'inputs') {
        inInputs = true;
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(metadata, key) && !isUnsafeKey(key)) metadata[key] = textOf(row.getCell(2).value);
      continue;
    }
    const kindCode = textOf(row.getCell(2).value);
    const colon = kindCode.indexOf(':');
    const kind = kindCode.slice(0, colon) as InputRef['kind'];
    const code = kindCode.slice(colon + 1).trim();
    if (colon < 0 || !INPUT_KINDS.has(kind) || !code || code.length > MAX_CODE_LENGTH) continue;
    if (inputs.length >= MAX_INPUTS) break;
    inputs.push({ name: key, kind, code, role: textOf(row.getCell(3).value).trim(), address: textOf(row.getCell(4).value).trim() });
  }
  if (metadata.format !== TEMPLATE_FORMAT) return fail('not-our-template');
  if (metadata.formatVersion !== TEMPLATE_FORMAT_VERSION) {
    findings.push(finding('template-version', { version: metadata.formatVersion ?? '?', current: TEMPLATE_FORMAT_VERSION }, { field: 'workbook' }));
  }

  const sheetsByRole = new Map<string, string>();
  for (const part of (metadata.sheets ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) sheetsByRole.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  }
  const definedNames = definedNameTargets(workbook);
  const sheetByName = new Map(workbook.worksheets.map((ws) => [ws.name, ws]));
  const codeRows = new Map<ExcelJS.Worksheet, Map<string, number>>();
  const rowOfCode = (ws: ExcelJS.Worksheet, code: string): number | undefined => getOrAdd(codeRows, ws, () => codeIndex(ws)).get(code);

  // Locate each input; the mapping to entries is the one the add-in uses (shared/layout/inputs.ts).
  const read = new Map<ExcelJS.Worksheet, Array<{ row: number; col: number }>>();
  const cells: InputCell[] = inputs.map((input) => {
    const found = locate(input, definedNames, sheetByName, sheetsByRole, rowOfCode, findings);
    if (!found.cell) return { kind: input.kind, code: input.code, cell: null, expected: found.expected };
    const cell = found.cell;
    getOrAdd(read, cell.worksheet, () => []).push({ row: Number(cell.row) - 1, col: Number(cell.col) - 1 });
    const merged = mergedInput(input, cell, merges.get(cell.worksheet.name) ?? []);
    if (merged) findings.push(merged);
    return { kind: input.kind, code: input.code, cell: { value: cell.value, numberFormat: typeof cell.numFmt === 'string' ? cell.numFmt : '', where: `${cell.worksheet.name}!${cell.address}` } };
  });
  const mapped = mapInputs(cells);
  // Data the reader did not take: rows outside the template's, sheets outside the template.
  const outside: Finding[] = [];
  for (const [ws, positions] of read) {
    const lastRow = Math.min(ws.rowCount, MAX_SEARCH_ROWS) - 1;
    outside.push(...strayRowFindings(ws.name, positions, lastRow, (r, c) => ws.findRow(r + 1)?.findCell(c + 1)?.value));
  }
  const templateSheets = new Set([METADATA_SHEET, ...sheetsByRole.values()]);
  for (const ws of workbook.worksheets) {
    if (templateSheets.has(ws.name) || read.has(ws) || ws.actualRowCount === 0) continue;
    outside.push(finding('unexpected-sheet', { sheet: ws.name }, { field: 'workbook', details: { sheet: ws.name } }));
  }
  return { ok: true, metadata, entries: mapped.entries, documents: mapped.documents, projects: mapped.projects, tasks: mapped.tasks, findings: [...findings, ...mapped.findings, ...outside] };
}

function getOrAdd<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let value = map.get(key);
  if (!value) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Defined names of the workbook → the sheet and cell each points at (first cell of its first range). */
function definedNameTargets(workbook: ExcelJS.Workbook): Map<string, { sheet: string; address: string }> {
  const out = new Map<string, { sheet: string; address: string }>();
  // exceljs builds the model from the uploaded workbook.xml: any entry may be missing or malformed.
  const model = (workbook.definedNames as unknown as { model?: Array<{ name?: unknown; ranges?: unknown } | null | undefined> }).model;
  if (!Array.isArray(model)) return out;
  for (const entry of model) {
    if (typeof entry?.name !== 'string' || !Array.isArray(entry.ranges) || typeof entry.ranges[0] !== 'string') continue;
    const target = splitReference(entry.ranges[0]);
    if (target && !out.has(entry.name)) out.set(entry.name, target);
  }
  return out;
}

/** "'Chỉ tiêu'!$H$7" or "Sheet1!$H$7:$H$8" → { sheet, address of the first cell }. */
function splitReference(ref: string): { sheet: string; address: string } | null {
  const bang = ref.lastIndexOf('!');
  if (bang <= 0) return null;
  let sheet = ref.slice(0, bang);
  if (sheet.startsWith("'") && sheet.endsWith("'") && sheet.length >= 2) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  const first = ref.slice(bang + 1).split(':')[0] ?? '';
  const at = parseCellAddress(first);
  if (!at) return null;
  return { sheet, address: first.replace(/\$/g, '') };
}

function locate(
  input: ListedInput,
  definedNames: Map<string, { sheet: string; address: string }>,
  sheetByName: Map<string, ExcelJS.Worksheet>,
  sheetsByRole: Map<string, string>,
  rowOfCode: (ws: ExcelJS.Worksheet, code: string) => number | undefined,
  findings: Finding[],
): { cell: ExcelJS.Cell | null; expected: string } {
  // 1. The defined name: Excel keeps it on its cell when rows are inserted or the sheet renamed.
  const named = definedNames.get(input.name);
  if (named) {
    const ws = sheetByName.get(named.sheet);
    if (ws && ws.name !== METADATA_SHEET) return { cell: ws.getCell(named.address), expected: '' };
  }
  // 2. The sheet role and address listed on the metadata sheet, checked against the code in column A.
  const sheetName = sheetsByRole.get(input.role);
  const ws = sheetName !== undefined ? sheetByName.get(sheetName) : undefined;
  const at = parseCellAddress(input.address);
  if (ws && at && ws.name !== METADATA_SHEET) {
    if (codeAt(ws, at.row + 1) === input.code) return { cell: ws.getCell(at.row + 1, at.col + 1), expected: '' };
    // 3. Rows inserted or deleted without defined names: find the row by its code.
    const r = rowOfCode(ws, input.code);
    if (r !== undefined) {
      const cell = ws.getCell(r, at.col + 1);
      findings.push(inputMoved(input, `${ws.name}!${input.address}`, `${ws.name}!${cell.address}`));
      return { cell, expected: '' };
    }
  }
  return { cell: null, expected: `${sheetName ?? input.role}!${input.address}` };
}

function codeAt(ws: ExcelJS.Worksheet, row: number): string {
  const found = ws.findRow(row);
  return found ? textOf(found.getCell(1).value).trim() : '';
}

/** Code in column A → the first row holding it, over the first rows of a sheet. */
function codeIndex(ws: ExcelJS.Worksheet): Map<string, number> {
  const index = new Map<string, number>();
  const last = Math.min(ws.rowCount, MAX_SEARCH_ROWS);
  for (let r = 1; r <= last; r++) {
    const code = codeAt(ws, r);
    if (code && !index.has(code)) index.set(code, r);
  }
  return index;
}

// ---------------------------------------------------------------------------------------
// Cell values

/** Metadata cells as text, with the same reading of cell values as the inputs. */
function textOf(value: unknown): string {
  const raw = rawOf(value);
  if (raw === null) return '';
  return raw instanceof Date ? isoDay(raw) : String(raw);
}

function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function megabytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
