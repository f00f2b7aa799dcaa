/**
 * A fake Excel host for tests in Node and in a browser page (no Node imports). It implements
 * the subset of the Excel JavaScript API (ExcelApi ≤ 1.8) that addin/excel/office-adapter.ts
 * uses, with Excel's rules:
 *
 * - calls on proxy objects only queue operations; they are applied, in order, at
 *   `context.sync()` (one request). `Excel.run` syncs what is still queued when its batch ends;
 * - a property can be read only once loaded (`load()` then `sync()`) or set locally;
 *   otherwise the read throws `PropertyNotLoaded`. `*OrNullObject` results expose
 *   `isNullObject` after a sync;
 * - a 2-D array assigned to `values`, `numberFormat` or `formulas` must have the range's
 *   shape (else the sync fails with `InvalidArgument`); `null` in the array leaves a cell as
 *   it is, `""` clears it;
 * - a string written to `values` that starts with `=`, `+`, `-` or `@` (and is not a number)
 *   becomes a formula, whatever the number format; a leading apostrophe keeps the rest as
 *   text (and is not part of the value). Numeric-looking strings become numbers unless the
 *   cell's number format is text (`@`);
 * - every sync is one request whose size is the UTF-8 size of the JSON of its queued
 *   operations; a request over 5 MB fails with `RequestPayloadSizeLimitExceeded` and applies
 *   nothing. What a request loads is its response, held to the same 5 MB
 *   (`ResponsePayloadSizeLimitExceeded`, after the changes are made). An operation that fails stops the request there: what came before it stays
 *   applied (Excel is not transactional), nothing after it is applied;
 * - protected sheets refuse changes to locked cells, merges, validation, conditional
 *   formats, tables and inserted rows (unless allowed); `protect()` fails on a protected
 *   sheet; a workbook keeps at least one visible sheet; sheet, table and defined names
 *   follow Excel's rules and must be unique.
 *
 * The workbook model (`FakeWorkbook`) is public so that tests can assert on it.
 */

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;
/** Excel on the web refuses a request over 5 MB. */
export const REQUEST_LIMIT_BYTES = 5 * 1024 * 1024;
/** Cells one operation may touch cell by cell in the fake (whole-column formats are not modelled). */
const MAX_CELL_OPERATION = 2_000_000;
const CELL_TEXT_MAX = 32_767;

// ---------------------------------------------------------------------------------------
// Errors

export class FakeOfficeError extends Error {
  readonly code: string;
  readonly debugInfo: { code: string; message: string; errorLocation?: string };
  constructor(code: string, message: string, errorLocation?: string) {
    super(`${code}: ${message}`);
    this.name = 'RichApi.Error';
    this.code = code;
    this.debugInfo = { code, message, ...(errorLocation ? { errorLocation } : {}) };
  }
}

// Declared functions returning never, so that the code after a failed check is known unreachable.
/** JSON.stringify as it behaves: undefined (not a string) for undefined. */
const jsonText = (value: unknown): string | undefined => JSON.stringify(value);

function fail(code: string, message: string, where?: string): never {
  throw new FakeOfficeError(code, message, where);
}
function invalidArgument(where: string, message = 'The argument is invalid or missing or has an incorrect format.'): never {
  return fail('InvalidArgument', message, where);
}
function notLoaded(property: string): never {
  return fail('PropertyNotLoaded', `The property '${property}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
}

// ---------------------------------------------------------------------------------------
// Addresses

export interface Rect {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

function columnLetters(col: number): string {
  let n = col + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function columnIndex(letters: string): number {
  let col = 0;
  for (const ch of letters.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return col - 1;
}

/** "A1", "$A$1:B2", "A:C", "3:5", optionally after "Sheet!" → a rectangle; null when not an address. */
export function parseAddress(address: string): Rect | null {
  const bang = address.lastIndexOf('!');
  const local = (bang >= 0 ? address.slice(bang + 1) : address).replace(/\$/g, '').trim().toUpperCase();
  const parts = local.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) return null;
  const [a = '', b = a] = parts;
  const cell = /^([A-Z]{1,3})(\d{1,7})$/;
  const ca = cell.exec(a);
  const cb = cell.exec(b);
  if (ca?.[1] && cb?.[1]) return normal({ r1: Number(ca[2]) - 1, c1: columnIndex(ca[1]), r2: Number(cb[2]) - 1, c2: columnIndex(cb[1]) });
  if (parts.length === 2 && /^[A-Z]{1,3}$/.test(a) && /^[A-Z]{1,3}$/.test(b)) return normal({ r1: 0, c1: columnIndex(a), r2: MAX_ROWS - 1, c2: columnIndex(b) });
  if (parts.length === 2 && /^\d{1,7}$/.test(a) && /^\d{1,7}$/.test(b)) return normal({ r1: Number(a) - 1, c1: 0, r2: Number(b) - 1, c2: MAX_COLUMNS - 1 });
  return null;
}

function normal(r: Rect): Rect | null {
  const out = { r1: Math.min(r.r1, r.r2), c1: Math.min(r.c1, r.c2), r2: Math.max(r.r1, r.r2), c2: Math.max(r.c1, r.c2) };
  if (out.r1 < 0 || out.c1 < 0 || out.r2 >= MAX_ROWS || out.c2 >= MAX_COLUMNS) return null;
  return out;
}

export function formatAddress(rect: Rect, absolute = false): string {
  const d = absolute ? '$' : '';
  const wholeColumns = rect.r1 === 0 && rect.r2 === MAX_ROWS - 1;
  const wholeRows = rect.c1 === 0 && rect.c2 === MAX_COLUMNS - 1;
  if (wholeColumns && !wholeRows) return `${d}${columnLetters(rect.c1)}:${d}${columnLetters(rect.c2)}`;
  if (wholeRows && !wholeColumns) return `${d}${rect.r1 + 1}:${d}${rect.r2 + 1}`;
  const a = `${d}${columnLetters(rect.c1)}${d}${rect.r1 + 1}`;
  if (rect.r1 === rect.r2 && rect.c1 === rect.c2) return a;
  return `${a}:${d}${columnLetters(rect.c2)}${d}${rect.r2 + 1}`;
}

/** Excel quotes a sheet name in a reference unless it is a plain identifier. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

const rows = (r: Rect) => r.r2 - r.r1 + 1;
const cols = (r: Rect) => r.c2 - r.c1 + 1;
const overlaps = (a: Rect, b: Rect) => a.r1 <= b.r2 && b.r1 <= a.r2 && a.c1 <= b.c2 && b.c1 <= a.c2;
const inside = (a: Rect, b: Rect) => a.r1 >= b.r1 && a.r2 <= b.r2 && a.c1 >= b.c1 && a.c2 <= b.c2;
const sameRect = (a: Rect, b: Rect) => a.r1 === b.r1 && a.r2 === b.r2 && a.c1 === b.c1 && a.c2 === b.c2;

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

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

// ---------------------------------------------------------------------------------------
// The workbook model

export type BorderEdge = 'EdgeTop' | 'EdgeBottom' | 'EdgeLeft' | 'EdgeRight';

export interface FakeCellFormat {
  fill: string | null;
  font: { name: string; size: number; bold: boolean; italic: boolean; color: string };
  horizontalAlignment: string;
  verticalAlignment: string;
  wrapText: boolean;
  borders: Partial<Record<BorderEdge, { style: string; color: string }>>;
}

export interface FakeCell {
  /** null: blank. A formula's cached result is not computed: it reads as "#NAME?". */
  value: string | number | boolean | null;
  formula: string | null;
  /** Text entered with a leading apostrophe. */
  quotePrefix: boolean;
  numberFormat: string;
  locked: boolean;
  format: FakeCellFormat;
}

export interface ProtectionOptions {
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
  selectionMode: string;
}

const DEFAULT_PROTECTION: ProtectionOptions = {
  allowAutoFilter: false,
  allowDeleteColumns: false,
  allowDeleteRows: false,
  allowEditObjects: false,
  allowEditScenarios: false,
  allowFormatCells: false,
  allowFormatColumns: false,
  allowFormatRows: false,
  allowInsertColumns: false,
  allowInsertHyperlinks: false,
  allowInsertRows: false,
  allowPivotTables: false,
  allowSort: false,
  selectionMode: 'Normal',
};

export interface FakeValidation {
  rect: Rect;
  rule: Record<string, unknown> | null;
  errorAlert: Record<string, unknown> | null;
  prompt: Record<string, unknown> | null;
  ignoreBlanks: boolean;
}

export interface FakeConditionalFormat {
  rect: Rect;
  type: string;
  /** Custom: { formula }; CellValue: { formula1, formula2?, operator }. */
  rule: Record<string, unknown>;
  format: { fill?: string; fontColor?: string; bold?: boolean; italic?: boolean };
}

export interface FakeName {
  name: string;
  rect: Rect | null;
  comment: string;
}

export interface FakeTable {
  id: string;
  name: string;
  rect: Rect;
  hasHeaders: boolean;
  style: string;
}

export interface FakeChart {
  id: string;
  name: string;
  type: string;
  seriesBy: string;
  source: Rect;
  title: string | null;
  series: Array<{ name: string; values: Rect; xValues: Rect | null }>;
  position: { start: Rect; end: Rect | null } | null;
}

const DEFAULT_FONT = { name: 'Calibri', size: 11, bold: false, italic: false, color: '#000000' };

function blankCell(): FakeCell {
  return {
    value: null,
    formula: null,
    quotePrefix: false,
    numberFormat: 'General',
    locked: true,
    format: { fill: null, font: { ...DEFAULT_FONT }, horizontalAlignment: 'General', verticalAlignment: 'Bottom', wrapText: false, borders: {} },
  };
}

const cellKey = (r: number, c: number) => r * MAX_COLUMNS + c;

export class FakeSheet {
  readonly cells = new Map<number, FakeCell>();
  merges: Rect[] = [];
  readonly columnWidths = new Map<number, number>();
  readonly hiddenColumns = new Set<number>();
  readonly rowHeights = new Map<number, number>();
  readonly hiddenRows = new Set<number>();
  freeze: { rows: number; columns: number } | null = null;
  protection: { protected: boolean; options: ProtectionOptions } = { protected: false, options: { ...DEFAULT_PROTECTION } };
  validations: FakeValidation[] = [];
  conditionalFormats: FakeConditionalFormat[] = [];
  readonly names = new Map<string, FakeName>();
  tables: FakeTable[] = [];
  charts: FakeChart[] = [];
  deleted = false;

  constructor(
    readonly id: string,
    public name: string,
    public visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible',
  ) {}

  /** The cell at an A1 address, or undefined when never touched. */
  cell(address: string): FakeCell | undefined {
    const p = parseAddress(address);
    return p ? this.cells.get(cellKey(p.r1, p.c1)) : undefined;
  }

  cellAt(r: number, c: number): FakeCell | undefined {
    return this.cells.get(cellKey(r, c));
  }

  /** The cell, created blank when missing. */
  touch(r: number, c: number): FakeCell {
    const key = cellKey(r, c);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = blankCell();
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** What `range.values` reads: "" for blanks, "#NAME?" for formulas. */
  readValue(r: number, c: number): string | number | boolean {
    const cell = this.cellAt(r, c);
    if (!cell) return '';
    if (cell.formula !== null) return '#NAME?';
    return cell.value ?? '';
  }

  /** Values of an A1 range as `range.values` returns them. */
  values(address: string): Array<Array<string | number | boolean>> {
    const p = parseAddress(address);
    if (!p) throw new RangeError(`not an address: ${address}`);
    const out: Array<Array<string | number | boolean>> = [];
    for (let r = p.r1; r <= p.r2; r++) {
      const row: Array<string | number | boolean> = [];
      for (let c = p.c1; c <= p.c2; c++) row.push(this.readValue(r, c));
      out.push(row);
    }
    return out;
  }

  /** The A1 address a sheet-scoped name points at ("H9"), or null. */
  nameAddress(name: string): string | null {
    const n = this.names.get(name.toLowerCase());
    return n?.rect ? formatAddress(n.rect) : null;
  }

  mergedAt(address: string): boolean {
    const p = parseAddress(address);
    return !!p && this.merges.some((m) => sameRect(m, p));
  }

  /** The smallest rectangle holding every cell with a value or a format (null when blank). */
  usedRect(valuesOnly = false): Rect | null {
    let out: Rect | null = null;
    for (const [key, cell] of this.cells) {
      if (valuesOnly && cell.value === null && cell.formula === null) continue;
      const r = Math.floor(key / MAX_COLUMNS);
      const c = key % MAX_COLUMNS;
      if (!out) out = { r1: r, c1: c, r2: r, c2: c };
      else {
        out.r1 = Math.min(out.r1, r);
        out.r2 = Math.max(out.r2, r);
        out.c1 = Math.min(out.c1, c);
        out.c2 = Math.max(out.c2, c);
      }
    }
    return out;
  }

  validationAt(address: string): FakeValidation | undefined {
    const p = parseAddress(address);
    return p ? this.validations.find((v) => inside(p, v.rect)) : undefined;
  }
}

export class FakeWorkbook {
  sheets: FakeSheet[] = [];
  readonly settings = new Map<string, unknown>();
  activeSheetId: string | null = null;
  selection: { sheetId: string; address: string } | null = null;
  private nextSheet = 1;
  private nextObject = 1;

  constructor() {
    const first = this.addSheet('Sheet1');
    this.activeSheetId = first.id;
  }

  addSheet(name: string): FakeSheet {
    const n = this.nextSheet++;
    const hex = n.toString(16).toUpperCase().padStart(4, '0');
    const sheet = new FakeSheet(`{00000000-${hex}-0000-C000-000000000046}`, name);
    this.sheets.push(sheet);
    return sheet;
  }

  objectId(): string {
    return String(this.nextObject++);
  }

  /** A sheet by name (case-insensitive) or id. */
  sheet(key: string): FakeSheet | undefined {
    const lower = key.toLowerCase();
    return this.sheets.find((s) => s.id === key) ?? this.sheets.find((s) => s.name.toLowerCase() === lower);
  }

  get activeSheet(): FakeSheet | undefined {
    return this.sheets.find((s) => s.id === this.activeSheetId);
  }

  allTables(): Array<{ sheet: FakeSheet; table: FakeTable }> {
    return this.sheets.flatMap((sheet) => sheet.tables.map((table) => ({ sheet, table })));
  }

  allCharts(): Array<{ sheet: FakeSheet; chart: FakeChart }> {
    return this.sheets.flatMap((sheet) => sheet.charts.map((chart) => ({ sheet, chart })));
  }

  /** The setting as stored (settings hold JSON values). */
  setting(key: string): unknown {
    return this.settings.get(key);
  }
}

// ---------------------------------------------------------------------------------------
// Requests

interface Operation {
  json: string;
  apply: () => void;
}

export interface FakeStats {
  syncs: number;
  requestBytes: number[];
  /** Bytes of what each request loaded (the response), for the same 5 MB cap. */
  responseBytes: number[];
}

interface Host {
  workbook: FakeWorkbook;
  stats: FakeStats;
}

type Arg = unknown;

function argJson(value: Arg): unknown {
  if (value instanceof ProxyObject) return { $ref: value._path };
  if (Array.isArray(value)) return value.map(argJson);
  return value === undefined ? null : value;
}

export class FakeRequestContext {
  readonly workbook: FakeWorkbookProxy;
  readonly trackedObjects = { add: (_o: unknown) => undefined, remove: (_o: unknown) => undefined };
  private queue: Operation[] = [];
  private nextId = 1;
  /** Bytes loaded by the request being applied. */
  _responseBytes = 0;

  constructor(readonly _host: Host) {
    this.workbook = new FakeWorkbookProxy(this, 'workbook');
  }

  /** Queues an operation; its JSON is what the request carries. */
  _enqueue(path: string, action: string, name: string, args: Arg[], apply: () => void): void {
    const json = JSON.stringify({ Id: this.nextId++, ObjectPath: path, Action: action, Name: name, Args: args.map(argJson) });
    this.queue.push({ json, apply });
  }

  get _pending(): number {
    return this.queue.length;
  }

  async sync<T>(passThrough?: T): Promise<T> {
    const ops = this.queue;
    this.queue = [];
    await Promise.resolve();
    if (ops.length === 0) return passThrough as T;
    let bytes = 2 + Math.max(0, ops.length - 1);
    for (const op of ops) bytes += utf8Length(op.json);
    this._host.stats.syncs++;
    this._host.stats.requestBytes.push(bytes);
    if (bytes > REQUEST_LIMIT_BYTES) {
      this._host.stats.responseBytes.push(0);
      fail('RequestPayloadSizeLimitExceeded', `The request payload size has exceeded the limit (${bytes} > ${REQUEST_LIMIT_BYTES} bytes).`);
    }
    this._responseBytes = 0;
    try {
      for (const op of ops) op.apply();
    } finally {
      this._host.stats.responseBytes.push(this._responseBytes);
    }
    // The changes are made; only the answer is too large to come back.
    if (this._responseBytes > REQUEST_LIMIT_BYTES) fail('ResponsePayloadSizeLimitExceeded', `The response payload size has exceeded the limit (${this._responseBytes} bytes).`);
    return passThrough as T;
  }
}

type LoadSpec = string | string[] | { select?: string } | undefined;

function loadNames(spec: LoadSpec): string[] | null {
  if (spec === undefined) return null;
  const text = typeof spec === 'string' ? spec : Array.isArray(spec) ? spec.join(',') : (spec.select ?? '');
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 ? names : null;
}

/** Base of every proxy: queued calls, loaded properties, null objects. */
abstract class ProxyObject {
  protected readonly loaded = new Map<string, unknown>();
  private nullState: boolean | undefined;

  constructor(
    readonly context: FakeRequestContext,
    readonly _path: string,
    orNull = false,
  ) {
    if (orNull) {
      context._enqueue(_path, 'Instantiate', '', [], () => {
        this.nullState = !this._exists();
      });
    }
  }

  /** Property name → how to read it from the live model. */
  protected abstract readonly properties: Record<string, () => unknown>;

  /** Whether the object exists now (for *OrNullObject). */
  protected _exists(): boolean {
    return true;
  }

  get isNullObject(): boolean {
    if (this.nullState === undefined) notLoaded('isNullObject');
    return this.nullState;
  }

  load(spec?: LoadSpec): this {
    const names = loadNames(spec) ?? Object.keys(this.properties);
    const path = this._path;
    this.context._enqueue(path, 'Load', '', [names.join(',')], () => this._snapshot(names));
    return this;
  }

  /** Reads the named properties from the live model, as a sync's response carries them. */
  _snapshot(names: string[]): void {
    for (const name of names) {
      const getter = this.properties[name];
      if (!getter) fail('InvalidArgument', `Cannot load unknown property '${name}'.`, this._path);
      if (this.nullState === true) {
        this.loaded.set(name, null);
        continue;
      }
      const value = clone(getter());
      this.context._responseBytes += utf8Length(jsonText(value) ?? 'null') + name.length + 4;
      this.loaded.set(name, value);
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a loaded value is what its getter in `properties` produced: the caller's declared property type
  protected read<T>(name: string): T {
    if (this.nullState === true) return undefined as T;
    if (!this.loaded.has(name)) notLoaded(name);
    return this.loaded.get(name) as T;
  }

  protected write(name: string, value: unknown, apply: () => void): void {
    if (value === null || value === undefined) invalidArgument(`${this._path}.${name}`, `null is not a valid value for '${name}'.`);
    this.loaded.set(name, value);
    this.context._enqueue(this._path, 'SetProperty', name, [value], apply);
  }

  protected call(name: string, args: Arg[], apply: () => void): void {
    this.context._enqueue(this._path, 'Method', name, args, apply);
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.loaded);
  }
}

const host = (o: ProxyObject) => o.context._host;

// ---------------------------------------------------------------------------------------
// Workbook, worksheets

export class FakeWorkbookProxy extends ProxyObject {
  protected readonly properties = {};
  readonly worksheets: FakeWorksheetCollection;
  readonly settings: FakeSettingCollection;
  readonly tables: FakeTableCollection;

  constructor(context: FakeRequestContext, path: string) {
    super(context, path);
    this.worksheets = new FakeWorksheetCollection(context, `${path}.worksheets`);
    this.settings = new FakeSettingCollection(context, `${path}.settings`);
    this.tables = new FakeTableCollection(context, `${path}.tables`, null);
  }

  getSelectedRange(): FakeRange {
    const wb = host(this).workbook;
    const sheet = new FakeWorksheet(this.context, `${this._path}.selectedSheet`, () => {
      const s = wb.selection ? wb.sheet(wb.selection.sheetId) : wb.activeSheet;
      return s && !s.deleted ? s : null;
    });
    return new FakeRange(this.context, `${this._path}.getSelectedRange()`, sheet, () => parseAddress(wb.selection?.address ?? 'A1'));
  }
}

function checkSheetName(name: unknown, where: string): string {
  if (typeof name !== 'string') return invalidArgument(where, 'A sheet name must be text.');
  if (name.length === 0 || name.length > 31 || /[\\/?*[\]:]/.test(name) || name.startsWith("'") || name.endsWith("'") || name.toLowerCase() === 'history') {
    invalidArgument(where, `"${name}" is not a valid sheet name: 1 to 31 characters, none of \\ / ? * [ ] :, not starting or ending with an apostrophe.`);
  }
  return name;
}

function visibleCount(wb: FakeWorkbook, except?: FakeSheet): number {
  return wb.sheets.filter((s) => s !== except && s.visibility === 'Visible').length;
}

export class FakeWorksheetCollection extends ProxyObject {
  protected readonly properties = {};
  private list: FakeWorksheet[] | undefined;

  get items(): FakeWorksheet[] {
    if (!this.list) notLoaded('items');
    return this.list;
  }

  override load(spec?: LoadSpec): this {
    const names = (loadNames(spec) ?? ['name', 'id', 'position', 'visibility']).map((n) => n.replace(/^items\//, ''));
    this.context._enqueue(this._path, 'Load', '', [names.join(',')], () => {
      const wb = host(this).workbook;
      this.list = wb.sheets.map((sheet) => {
        const proxy = new FakeWorksheet(this.context, `${this._path}.getItem(${JSON.stringify(sheet.id)})`, () => (sheet.deleted ? null : sheet));
        proxy._snapshot(names);
        return proxy;
      });
    });
    return this;
  }

  add(name?: string): FakeWorksheet {
    const slot: { sheet: FakeSheet | null } = { sheet: null };
    const proxy = new FakeWorksheet(this.context, `${this._path}.add(${JSON.stringify(name ?? '')})`, () => slot.sheet);
    this.call('add', [name ?? null], () => {
      const wb = host(this).workbook;
      let chosen = name;
      if (chosen === undefined) {
        for (let i = wb.sheets.length + 1; ; i++) if (!wb.sheet(`Sheet${i}`)) { chosen = `Sheet${i}`; break; }
      }
      checkSheetName(chosen, 'WorksheetCollection.add');
      if (wb.sheets.some((s) => s.name.toLowerCase() === chosen.toLowerCase())) fail('ItemAlreadyExists', `A sheet named "${chosen}" already exists.`, 'WorksheetCollection.add');
      slot.sheet = wb.addSheet(chosen);
    });
    return proxy;
  }

  getItem(key: string): FakeWorksheet {
    const wb = () => host(this).workbook;
    return new FakeWorksheet(this.context, `${this._path}.getItem(${JSON.stringify(key)})`, () => {
      const sheet = wb().sheet(key);
      return sheet ?? fail('ItemNotFound', `The worksheet "${key}" does not exist.`, 'WorksheetCollection.getItem');
    });
  }

  getItemOrNullObject(key: string): FakeWorksheet {
    const wb = () => host(this).workbook;
    return new FakeWorksheet(this.context, `${this._path}.getItemOrNullObject(${JSON.stringify(key)})`, () => wb().sheet(key) ?? null, true);
  }

  getActiveWorksheet(): FakeWorksheet {
    const wb = () => host(this).workbook;
    return new FakeWorksheet(this.context, `${this._path}.getActiveWorksheet()`, () => wb().activeSheet ?? null);
  }
}

export class FakeWorksheet extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    name: () => this._sheet().name,
    id: () => this._sheet().id,
    position: () => host(this).workbook.sheets.indexOf(this._sheet()),
    visibility: () => this._sheet().visibility,
  };
  readonly protection: FakeWorksheetProtection;
  readonly freezePanes: FakeFreezePanes;
  readonly names: FakeNamedItemCollection;
  readonly tables: FakeTableCollection;
  readonly charts: FakeChartCollection;

  constructor(
    context: FakeRequestContext,
    path: string,
    private readonly resolveSheet: () => FakeSheet | null,
    orNull = false,
  ) {
    super(context, path, orNull);
    this.protection = new FakeWorksheetProtection(context, `${path}.protection`, this);
    this.freezePanes = new FakeFreezePanes(context, `${path}.freezePanes`, this);
    this.names = new FakeNamedItemCollection(context, `${path}.names`, this);
    this.tables = new FakeTableCollection(context, `${path}.tables`, this);
    this.charts = new FakeChartCollection(context, `${path}.charts`, this);
  }

  protected override _exists(): boolean {
    if (this.bound) return !this.bound.deleted;
    const s = this.resolveSheet();
    if (s && !s.deleted) this.bound = s;
    return !!s && !s.deleted;
  }

  /**
   * The live sheet; fails like Excel when it is gone. Like an object Office.js has
   * instantiated, the proxy stays bound to its sheet once found (a rename does not lose it).
   */
  _sheet(): FakeSheet {
    if (this.bound && !this.bound.deleted) return this.bound;
    const s = this.resolveSheet();
    if (!s || s.deleted) fail('ItemNotFound', 'The worksheet does not exist.', this._path);
    this.bound = s;
    return s;
  }
  private bound: FakeSheet | null = null;


  get name(): string {
    return this.read('name');
  }
  set name(value: string) {
    this.write('name', value, () => {
      const sheet = this._sheet();
      checkSheetName(value, 'Worksheet.name');
      const wb = host(this).workbook;
      if (wb.sheets.some((s) => s !== sheet && s.name.toLowerCase() === value.toLowerCase())) fail('ItemAlreadyExists', `A sheet named "${value}" already exists.`, 'Worksheet.name');
      sheet.name = value;
    });
  }
  get id(): string {
    return this.read('id');
  }
  get position(): number {
    return this.read('position');
  }
  get visibility(): string {
    return this.read('visibility');
  }
  set visibility(value: string) {
    this.write('visibility', value, () => {
      const sheet = this._sheet();
      if (value !== 'Visible' && value !== 'Hidden' && value !== 'VeryHidden') invalidArgument('Worksheet.visibility');
      const wb = host(this).workbook;
      if (value !== 'Visible' && visibleCount(wb, sheet) === 0) fail('InvalidOperation', 'A workbook must contain at least one visible worksheet.', 'Worksheet.visibility');
      sheet.visibility = value;
      if (value !== 'Visible' && wb.activeSheetId === sheet.id) wb.activeSheetId = wb.sheets.find((s) => s.visibility === 'Visible')?.id ?? null;
    });
  }

  getRange(address?: string): FakeRange {
    return new FakeRange(this.context, `${this._path}.getRange(${JSON.stringify(address ?? '')})`, this, () => {
      if (address === undefined || address === '') return { r1: 0, c1: 0, r2: MAX_ROWS - 1, c2: MAX_COLUMNS - 1 };
      return parseAddress(address) ?? invalidArgument('Worksheet.getRange', `"${address}" is not a valid address.`);
    });
  }

  getRangeByIndexes(startRow: number, startColumn: number, rowCount: number, columnCount: number): FakeRange {
    return new FakeRange(this.context, `${this._path}.getRangeByIndexes(${startRow},${startColumn},${rowCount},${columnCount})`, this, () => {
      const ok = [startRow, startColumn, rowCount, columnCount].every((n) => Number.isInteger(n)) && startRow >= 0 && startColumn >= 0 && rowCount > 0 && columnCount > 0;
      const rect = ok ? normal({ r1: startRow, c1: startColumn, r2: startRow + rowCount - 1, c2: startColumn + columnCount - 1 }) : null;
      return rect ?? invalidArgument('Worksheet.getRangeByIndexes');
    });
  }

  getCell(row: number, column: number): FakeRange {
    return this.getRangeByIndexes(row, column, 1, 1);
  }

  getUsedRange(valuesOnly?: boolean): FakeRange {
    return new FakeRange(this.context, `${this._path}.getUsedRange(${valuesOnly ? 'true' : ''})`, this, () => this._sheet().usedRect(!!valuesOnly) ?? { r1: 0, c1: 0, r2: 0, c2: 0 });
  }

  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    return new FakeRange(this.context, `${this._path}.getUsedRangeOrNullObject(${valuesOnly ? 'true' : ''})`, this, () => this._sheet().usedRect(!!valuesOnly), true);
  }

  activate(): void {
    this.call('activate', [], () => {
      const sheet = this._sheet();
      if (sheet.visibility !== 'Visible') fail('InvalidOperation', 'A hidden worksheet cannot be activated.', 'Worksheet.activate');
      host(this).workbook.activeSheetId = sheet.id;
    });
  }

  delete(): void {
    this.call('delete', [], () => {
      const sheet = this._sheet();
      const wb = host(this).workbook;
      if (sheet.visibility === 'Visible' && visibleCount(wb, sheet) === 0) fail('InvalidOperation', 'A workbook must contain at least one visible worksheet.', 'Worksheet.delete');
      sheet.deleted = true;
      wb.sheets = wb.sheets.filter((s) => s !== sheet);
      if (wb.activeSheetId === sheet.id) wb.activeSheetId = wb.sheets.find((s) => s.visibility === 'Visible')?.id ?? null;
      if (wb.selection?.sheetId === sheet.id) wb.selection = null;
    });
  }
}

export class FakeWorksheetProtection extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    protected: () => this.owner._sheet().protection.protected,
    options: () => this.owner._sheet().protection.options,
  };
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet) {
    super(context, path);
  }
  get protected(): boolean {
    return this.read('protected');
  }
  get options(): ProtectionOptions {
    return this.read('options');
  }
  protect(options?: Partial<ProtectionOptions>, password?: string): void {
    this.call('protect', [options ?? null, password ?? null], () => {
      const sheet = this.owner._sheet();
      if (sheet.protection.protected) fail('InvalidOperation', 'The worksheet is already protected.', 'WorksheetProtection.protect');
      const merged = { ...DEFAULT_PROTECTION };
      for (const [k, v] of Object.entries(options ?? {})) {
        if (!(k in DEFAULT_PROTECTION)) invalidArgument('WorksheetProtection.protect', `Unknown protection option ${k}.`);
        (merged as Record<string, unknown>)[k] = v;
      }
      sheet.protection = { protected: true, options: merged };
    });
  }
  unprotect(password?: string): void {
    this.call('unprotect', [password ?? null], () => {
      const sheet = this.owner._sheet();
      sheet.protection = { protected: false, options: sheet.protection.options };
    });
  }
}

export class FakeFreezePanes extends ProxyObject {
  protected readonly properties = {};
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet) {
    super(context, path);
  }
  freezeAt(frozenRange: FakeRange | string): void {
    this.call('freezeAt', [frozenRange], () => {
      const sheet = this.owner._sheet();
      const rect = typeof frozenRange === 'string' ? parseAddress(frozenRange) : frozenRange._target().rect;
      if (!rect) return invalidArgument('WorksheetFreezePanes.freezeAt');
      const wholeRows = rect.c1 === 0 && rect.c2 === MAX_COLUMNS - 1;
      const wholeCols = rect.r1 === 0 && rect.r2 === MAX_ROWS - 1;
      sheet.freeze = { rows: wholeCols ? 0 : rect.r2 + 1, columns: wholeRows ? 0 : rect.c2 + 1 };
    });
  }
  freezeRows(count = 1): void {
    this.call('freezeRows', [count], () => {
      this.owner._sheet().freeze = { rows: count, columns: 0 };
    });
  }
  freezeColumns(count = 1): void {
    this.call('freezeColumns', [count], () => {
      this.owner._sheet().freeze = { rows: 0, columns: count };
    });
  }
  unfreeze(): void {
    this.call('unfreeze', [], () => {
      this.owner._sheet().freeze = null;
    });
  }
}

// ---------------------------------------------------------------------------------------
// Ranges

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) || /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) {
    const n = Number(t.replace(/,/g, ''));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Writes one entry of `values` (or `formulas`) into a cell, as Excel interprets it. */
function enterValue(cell: FakeCell, v: unknown, where: string, asFormula: boolean): void {
  if (v === null || v === undefined) return;
  const clear = () => {
    cell.value = null;
    cell.formula = null;
    cell.quotePrefix = false;
  };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) invalidArgument(where, 'A number written to a cell must be finite.');
    clear();
    cell.value = v;
    return;
  }
  if (typeof v === 'boolean') {
    clear();
    cell.value = v;
    return;
  }
  if (typeof v !== 'string') return invalidArgument(where, 'Cell values are numbers, strings or booleans.');
  if (v.length > CELL_TEXT_MAX) invalidArgument(where, `A cell holds at most ${CELL_TEXT_MAX} characters.`);
  clear();
  if (v === '') return;
  if (v.startsWith("'")) {
    cell.value = v.slice(1);
    cell.quotePrefix = true;
    return;
  }
  const number = parseNumber(v);
  if (v.startsWith('=') && v.length > 1) {
    cell.formula = v;
    return;
  }
  if (/^[+\-@]/.test(v) && v.length > 1 && number === null) {
    cell.formula = v.startsWith('=') ? v : `=${v.startsWith('@') ? v.slice(1) : v}`;
    return;
  }
  if (cell.numberFormat === '@') {
    cell.value = v;
    return;
  }
  if (number !== null) {
    cell.value = number;
    return;
  }
  if (/^(true|false)$/i.test(v)) {
    cell.value = v.toLowerCase() === 'true';
    return;
  }
  if (asFormula && v.startsWith('=')) {
    cell.formula = v;
    return;
  }
  cell.value = v;
}

export class FakeRange extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    address: () => this._address(),
    addressLocal: () => this._address(),
    rowIndex: () => this._target().rect.r1,
    columnIndex: () => this._target().rect.c1,
    rowCount: () => rows(this._target().rect),
    columnCount: () => cols(this._target().rect),
    cellCount: () => rows(this._target().rect) * cols(this._target().rect),
    values: () => this.grid((sheet, r, c) => sheet.readValue(r, c)),
    formulas: () =>
      this.grid((sheet, r, c) => {
        const cell = sheet.cellAt(r, c);
        return cell?.formula ?? cell?.value ?? '';
      }),
    numberFormat: () => this.grid((sheet, r, c) => sheet.cellAt(r, c)?.numberFormat ?? 'General'),
    text: () =>
      this.grid((sheet, r, c) => {
        const v = sheet.readValue(r, c);
        return typeof v === 'string' ? v : String(v);
      }),
    columnHidden: () => {
      const t = this._target();
      for (let c = t.rect.c1; c <= t.rect.c2; c++) if (!t.sheet.hiddenColumns.has(c)) return false;
      return true;
    },
    rowHidden: () => {
      const t = this._target();
      for (let r = t.rect.r1; r <= t.rect.r2; r++) if (!t.sheet.hiddenRows.has(r)) return false;
      return true;
    },
  };
  readonly format: FakeRangeFormat;
  readonly dataValidation: FakeDataValidation;
  readonly conditionalFormats: FakeConditionalFormatCollection;

  constructor(
    context: FakeRequestContext,
    path: string,
    readonly _worksheet: FakeWorksheet,
    private readonly resolveRect: () => Rect | null,
    orNull = false,
  ) {
    super(context, path, orNull);
    this.format = new FakeRangeFormat(context, `${path}.format`, this);
    this.dataValidation = new FakeDataValidation(context, `${path}.dataValidation`, this);
    this.conditionalFormats = new FakeConditionalFormatCollection(context, `${path}.conditionalFormats`, this);
  }

  get worksheet(): FakeWorksheet {
    return this._worksheet;
  }

  protected override _exists(): boolean {
    try {
      return this.resolveRect() !== null && !!this._worksheet._sheet();
    } catch {
      return false;
    }
  }

  _address(): string {
    const t = this._target();
    return `${quoteSheetName(t.sheet.name)}!${formatAddress(t.rect)}`;
  }

  _target(): { sheet: FakeSheet; rect: Rect } {
    const sheet = this._worksheet._sheet();
    const rect = this.resolveRect();
    if (!rect) return fail('ItemNotFound', 'The range does not exist.', this._path);
    return { sheet, rect };
  }

  private grid<T>(read: (sheet: FakeSheet, r: number, c: number) => T): T[][] {
    const { sheet, rect } = this._target();
    if (rows(rect) * cols(rect) > MAX_CELL_OPERATION) fail('ResponsePayloadSizeLimitExceeded', 'The response payload size has exceeded the limit.', this._path);
    const out: T[][] = [];
    for (let r = rect.r1; r <= rect.r2; r++) {
      const row: T[] = [];
      for (let c = rect.c1; c <= rect.c2; c++) row.push(read(sheet, r, c));
      out.push(row);
    }
    return out;
  }

  /** Applies `each` to every cell of the range, refusing locked cells of a protected sheet. */
  _eachCell(where: string, each: (cell: FakeCell, r: number, c: number) => void, options: { format?: boolean } = {}): void {
    const { sheet, rect } = this._target();
    if (rows(rect) * cols(rect) > MAX_CELL_OPERATION) fail('NotImplemented', `The fake Excel host does not format ${rows(rect) * cols(rect)} cells one by one (${where}).`, where);
    if (sheet.protection.protected) {
      if (options.format && !sheet.protection.options.allowFormatCells) fail('AccessDenied', 'The cell or chart you are trying to change is on a protected sheet.', where);
      for (let r = rect.r1; r <= rect.r2; r++) {
        for (let c = rect.c1; c <= rect.c2; c++) {
          if (sheet.cellAt(r, c)?.locked ?? true) fail('AccessDenied', 'The cell or chart you are trying to change is on a protected sheet.', where);
        }
      }
    }
    for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) each(sheet.touch(r, c), r, c);
  }

  private writeGrid(name: string, value: unknown, put: (cell: FakeCell, v: unknown, where: string) => void): void {
    this.write(name, value, () => {
      const where = `Range.${name}`;
      const { rect } = this._target();
      let grid = value;
      if (!Array.isArray(grid)) {
        if (rows(rect) !== 1 || cols(rect) !== 1) invalidArgument(where, 'The number of rows or columns in the input array doesn\'t match the size or dimensions of the range.');
        grid = [[grid]];
      }
      const g = grid as unknown[];
      if (g.length !== rows(rect) || g.some((row) => !Array.isArray(row) || row.length !== cols(rect))) {
        invalidArgument(where, `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${rows(rect)}×${cols(rect)}).`);
      }
      const anyWrite = (g as unknown[][]).some((row) => row.some((v) => v !== null && v !== undefined));
      if (!anyWrite) return;
      this._eachCell(where, (cell, r, c) => put(cell, (g as unknown[][])[r - rect.r1]?.[c - rect.c1], where));
    });
  }

  get address(): string {
    return this.read('address');
  }
  get rowIndex(): number {
    return this.read('rowIndex');
  }
  get columnIndex(): number {
    return this.read('columnIndex');
  }
  get rowCount(): number {
    return this.read('rowCount');
  }
  get columnCount(): number {
    return this.read('columnCount');
  }
  get text(): string[][] {
    return this.read('text');
  }
  get values(): unknown[][] {
    return this.read('values');
  }
  set values(value: unknown[][]) {
    this.writeGrid('values', value, (cell, v, where) => enterValue(cell, v, where, false));
  }
  get formulas(): unknown[][] {
    return this.read('formulas');
  }
  set formulas(value: unknown[][]) {
    this.writeGrid('formulas', value, (cell, v, where) => enterValue(cell, v, where, true));
  }
  get numberFormat(): string[][] {
    return this.read('numberFormat');
  }
  set numberFormat(value: unknown[][]) {
    this.writeGrid('numberFormat', value, (cell, v, where) => {
      if (v === null || v === undefined) return;
      if (typeof v !== 'string') return invalidArgument(where, 'A number format is text.');
      cell.numberFormat = v === '' ? 'General' : v;
    });
  }
  get columnHidden(): boolean {
    return this.read('columnHidden');
  }
  set columnHidden(value: boolean) {
    this.write('columnHidden', value, () => {
      const { sheet, rect } = this._target();
      if (sheet.protection.protected && !sheet.protection.options.allowFormatColumns) fail('AccessDenied', 'The sheet is protected.', 'Range.columnHidden');
      for (let c = rect.c1; c <= rect.c2; c++) {
        if (value) sheet.hiddenColumns.add(c);
        else sheet.hiddenColumns.delete(c);
      }
    });
  }
  get rowHidden(): boolean {
    return this.read('rowHidden');
  }
  set rowHidden(value: boolean) {
    this.write('rowHidden', value, () => {
      const { sheet, rect } = this._target();
      for (let r = rect.r1; r <= rect.r2; r++) {
        if (value) sheet.hiddenRows.add(r);
        else sheet.hiddenRows.delete(r);
      }
    });
  }

  private derived(path: string, make: (t: { sheet: FakeSheet; rect: Rect }) => Rect | null): FakeRange {
    return new FakeRange(this.context, `${this._path}.${path}`, this._worksheet, () => make(this._target()));
  }

  getCell(row: number, column: number): FakeRange {
    return this.derived(`getCell(${row},${column})`, ({ rect }) => normal({ r1: rect.r1 + row, c1: rect.c1 + column, r2: rect.r1 + row, c2: rect.c1 + column }));
  }
  getOffsetRange(rowOffset: number, columnOffset: number): FakeRange {
    return this.derived(`getOffsetRange(${rowOffset},${columnOffset})`, ({ rect }) =>
      normal({ r1: rect.r1 + rowOffset, c1: rect.c1 + columnOffset, r2: rect.r2 + rowOffset, c2: rect.c2 + columnOffset }),
    );
  }
  getEntireColumn(): FakeRange {
    return this.derived('getEntireColumn()', ({ rect }) => ({ r1: 0, c1: rect.c1, r2: MAX_ROWS - 1, c2: rect.c2 }));
  }
  getEntireRow(): FakeRange {
    return this.derived('getEntireRow()', ({ rect }) => ({ r1: rect.r1, c1: 0, r2: rect.r2, c2: MAX_COLUMNS - 1 }));
  }

  select(): void {
    this.call('select', [], () => {
      const { sheet, rect } = this._target();
      if (sheet.visibility !== 'Visible') fail('InvalidOperation', 'A range on a hidden sheet cannot be selected.', 'Range.select');
      const wb = host(this).workbook;
      wb.activeSheetId = sheet.id;
      wb.selection = { sheetId: sheet.id, address: formatAddress(rect) };
    });
  }

  merge(across = false): void {
    this.call('merge', [across], () => {
      const { sheet, rect } = this._target();
      if (sheet.protection.protected) fail('AccessDenied', 'Cells on a protected sheet cannot be merged.', 'Range.merge');
      const parts: Rect[] = across ? Array.from({ length: rows(rect) }, (_, i) => ({ r1: rect.r1 + i, c1: rect.c1, r2: rect.r1 + i, c2: rect.c2 })) : [rect];
      for (const part of parts) {
        if (rows(part) * cols(part) < 2) continue;
        if (sheet.merges.some((m) => overlaps(m, part) && !inside(m, part))) fail('MergedRangeConflict', 'The range partly overlaps a merged area.', 'Range.merge');
        if (sheet.tables.some((t) => overlaps(t.rect, part))) fail('InvalidOperation', 'Cells in a table cannot be merged.', 'Range.merge');
        sheet.merges = sheet.merges.filter((m) => !inside(m, part));
        // Excel keeps the upper-left value only.
        for (let r = part.r1; r <= part.r2; r++) {
          for (let c = part.c1; c <= part.c2; c++) {
            if (r === part.r1 && c === part.c1) continue;
            const cell = sheet.cellAt(r, c);
            if (cell) {
              cell.value = null;
              cell.formula = null;
              cell.quotePrefix = false;
            }
          }
        }
        sheet.merges.push({ ...part });
      }
    });
  }

  unmerge(): void {
    this.call('unmerge', [], () => {
      const { sheet, rect } = this._target();
      sheet.merges = sheet.merges.filter((m) => !overlaps(m, rect));
    });
  }

  /**
   * Inserts cells. The fake implements whole rows shifted down (what tests need to move
   * inputs): cells, row heights, merges, validations, conditional formats, names and
   * tables below move; names, merges and tables spanning the insertion grow; the new rows
   * take the format of the row above, as in Excel.
   */
  insert(shift: string): FakeRange {
    const slot: { rect: Rect | null } = { rect: null };
    const inserted = new FakeRange(this.context, `${this._path}.insert(${JSON.stringify(shift)})`, this._worksheet, () => slot.rect);
    this.call('insert', [shift], () => {
      const { sheet, rect } = this._target();
      if (shift !== 'Down') fail('NotImplemented', 'The fake Excel host inserts whole rows only (shift "Down").', 'Range.insert');
      if (rect.c1 !== 0 || rect.c2 !== MAX_COLUMNS - 1) fail('NotImplemented', 'The fake Excel host inserts whole rows only (e.g. getRange("8:9")).', 'Range.insert');
      if (sheet.protection.protected && !sheet.protection.options.allowInsertRows) fail('AccessDenied', 'Rows cannot be inserted on a protected sheet.', 'Range.insert');
      const n = rows(rect);
      const at = rect.r1;
      const moved = new Map<number, FakeCell>();
      for (const [key, cell] of sheet.cells) {
        const r = Math.floor(key / MAX_COLUMNS);
        const c = key % MAX_COLUMNS;
        if (r >= at) {
          if (r + n >= MAX_ROWS) fail('NonBlankCellOffSheet', 'Inserting would push non-blank cells off the sheet.', 'Range.insert');
          moved.set(cellKey(r + n, c), cell);
        } else moved.set(key, cell);
      }
      if (at > 0) {
        for (const [key, cell] of sheet.cells) {
          if (Math.floor(key / MAX_COLUMNS) !== at - 1) continue;
          const c = key % MAX_COLUMNS;
          for (let r = at; r < at + n; r++) moved.set(cellKey(r, c), { ...blankCell(), numberFormat: cell.numberFormat, locked: cell.locked, format: clone(cell.format) });
        }
      }
      sheet.cells.clear();
      for (const [k, v] of moved) sheet.cells.set(k, v);
      const shiftRect = (r: Rect): Rect => (r.r1 >= at ? { ...r, r1: r.r1 + n, r2: r.r2 + n } : r.r2 >= at ? { ...r, r2: r.r2 + n } : r);
      const heights = [...sheet.rowHeights];
      sheet.rowHeights.clear();
      for (const [r, h] of heights) sheet.rowHeights.set(r >= at ? r + n : r, h);
      sheet.merges = sheet.merges.map((m) => (m.r1 >= at ? shiftRect(m) : m));
      for (const v of sheet.validations) v.rect = shiftRect(v.rect);
      for (const f of sheet.conditionalFormats) f.rect = shiftRect(f.rect);
      for (const name of sheet.names.values()) if (name.rect) name.rect = shiftRect(name.rect);
      for (const t of sheet.tables) t.rect = shiftRect(t.rect);
      slot.rect = { ...rect };
    });
    return inserted;
  }
}

type Fmt = FakeCellFormat;

export class FakeRangeFormat extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    columnWidth: () => this.owner._target().sheet.columnWidths.get(this.owner._target().rect.c1) ?? 48,
    rowHeight: () => this.owner._target().sheet.rowHeights.get(this.owner._target().rect.r1) ?? 15,
    horizontalAlignment: () => this.common((f) => f.horizontalAlignment),
    verticalAlignment: () => this.common((f) => f.verticalAlignment),
    wrapText: () => this.common((f) => f.wrapText),
  };
  readonly fill: FakeRangeFill;
  readonly font: FakeRangeFont;
  readonly borders: FakeRangeBorderCollection;
  readonly protection: FakeFormatProtection;

  constructor(context: FakeRequestContext, path: string, readonly owner: FakeRange) {
    super(context, path);
    this.fill = new FakeRangeFill(context, `${path}.fill`, this);
    this.font = new FakeRangeFont(context, `${path}.font`, this);
    this.borders = new FakeRangeBorderCollection(context, `${path}.borders`, this);
    this.protection = new FakeFormatProtection(context, `${path}.protection`, this);
  }

  /** The common value of a format over the range, or null when cells differ (as Excel reports). */
  common<T>(get: (f: Fmt, cell: FakeCell) => T): T | null {
    const { sheet, rect } = this.owner._target();
    let first: T | undefined;
    for (let r = rect.r1; r <= rect.r2; r++) {
      for (let c = rect.c1; c <= rect.c2; c++) {
        const cell = sheet.cellAt(r, c) ?? blankCell();
        const v = get(cell.format, cell);
        if (first === undefined) first = v;
        else if (v !== first) return null;
      }
    }
    return first ?? null;
  }

  _set(name: string, value: unknown, each: (f: Fmt) => void): void {
    this.write(name, value, () => this.owner._eachCell(`RangeFormat.${name}`, (cell) => each(cell.format), { format: true }));
  }

  get horizontalAlignment(): string {
    return this.read('horizontalAlignment');
  }
  set horizontalAlignment(value: string) {
    const allowed = ['General', 'Left', 'Center', 'Right', 'Fill', 'Justify', 'CenterAcrossSelection', 'Distributed'];
    this._set('horizontalAlignment', value, (f) => {
      if (!allowed.includes(value)) invalidArgument('RangeFormat.horizontalAlignment');
      f.horizontalAlignment = value;
    });
  }
  get verticalAlignment(): string {
    return this.read('verticalAlignment');
  }
  set verticalAlignment(value: string) {
    const allowed = ['Center', 'Bottom', 'Top', 'Justify', 'Distributed'];
    this._set('verticalAlignment', value, (f) => {
      if (!allowed.includes(value)) invalidArgument('RangeFormat.verticalAlignment');
      f.verticalAlignment = value;
    });
  }
  get wrapText(): boolean {
    return this.read('wrapText');
  }
  set wrapText(value: boolean) {
    this._set('wrapText', value, (f) => {
      f.wrapText = value;
    });
  }
  get columnWidth(): number {
    return this.read('columnWidth');
  }
  set columnWidth(value: number) {
    this.write('columnWidth', value, () => {
      const { sheet, rect } = this.owner._target();
      if (!(typeof value === 'number' && value >= 0 && value <= 255 * 7.5)) invalidArgument('RangeFormat.columnWidth');
      if (sheet.protection.protected && !sheet.protection.options.allowFormatColumns) fail('AccessDenied', 'The sheet is protected.', 'RangeFormat.columnWidth');
      for (let c = rect.c1; c <= rect.c2; c++) sheet.columnWidths.set(c, value);
    });
  }
  get rowHeight(): number {
    return this.read('rowHeight');
  }
  set rowHeight(value: number) {
    this.write('rowHeight', value, () => {
      const { sheet, rect } = this.owner._target();
      if (!(typeof value === 'number' && value >= 0 && value <= 409)) invalidArgument('RangeFormat.rowHeight', 'A row is at most 409 points high.');
      if (sheet.protection.protected && !sheet.protection.options.allowFormatRows) fail('AccessDenied', 'The sheet is protected.', 'RangeFormat.rowHeight');
      for (let r = rect.r1; r <= rect.r2; r++) sheet.rowHeights.set(r, value);
    });
  }
}

function checkColor(value: unknown, where: string): string {
  if (typeof value !== 'string' || !(/^#[0-9A-Fa-f]{6}$/.test(value) || /^[A-Za-z]+$/.test(value))) return invalidArgument(where, `"${String(value)}" is not a colour.`);
  return value.toUpperCase();
}

export class FakeRangeFill extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = { color: () => this.parent.common((f) => f.fill ?? '#FFFFFF') };
  constructor(context: FakeRequestContext, path: string, private readonly parent: FakeRangeFormat) {
    super(context, path);
  }
  get color(): string {
    return this.read('color');
  }
  set color(value: string) {
    this.parent._set('fill.color', value, (f) => {
      f.fill = checkColor(value, 'RangeFill.color');
    });
    this.loaded.set('color', value);
  }
  clear(): void {
    this.call('clear', [], () => this.parent.owner._eachCell('RangeFill.clear', (cell) => void (cell.format.fill = null), { format: true }));
  }
}

export class FakeRangeFont extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    name: () => this.parent.common((f) => f.font.name),
    size: () => this.parent.common((f) => f.font.size),
    bold: () => this.parent.common((f) => f.font.bold),
    italic: () => this.parent.common((f) => f.font.italic),
    color: () => this.parent.common((f) => f.font.color),
  };
  constructor(context: FakeRequestContext, path: string, private readonly parent: FakeRangeFormat) {
    super(context, path);
  }
  private put(name: 'name' | 'size' | 'bold' | 'italic' | 'color', value: unknown, check: (v: unknown) => unknown): void {
    this.parent._set(`font.${name}`, value, (f) => {
      (f.font as Record<string, unknown>)[name] = check(value);
    });
    this.loaded.set(name, value);
  }
  get name(): string {
    return this.read('name');
  }
  set name(value: string) {
    this.put('name', value, (v) => (typeof v === 'string' && v ? v : invalidArgument('RangeFont.name')));
  }
  get size(): number {
    return this.read('size');
  }
  set size(value: number) {
    this.put('size', value, (v) => (typeof v === 'number' && v >= 1 && v <= 409 ? v : invalidArgument('RangeFont.size')));
  }
  get bold(): boolean {
    return this.read('bold');
  }
  set bold(value: boolean) {
    this.put('bold', value, (v) => !!v);
  }
  get italic(): boolean {
    return this.read('italic');
  }
  set italic(value: boolean) {
    this.put('italic', value, (v) => !!v);
  }
  get color(): string {
    return this.read('color');
  }
  set color(value: string) {
    this.put('color', value, (v) => checkColor(v, 'RangeFont.color'));
  }
}

const BORDER_INDEXES = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight', 'InsideVertical', 'InsideHorizontal', 'DiagonalDown', 'DiagonalUp'];

export class FakeRangeBorderCollection extends ProxyObject {
  protected readonly properties = {};
  constructor(context: FakeRequestContext, path: string, readonly parent: FakeRangeFormat) {
    super(context, path);
  }
  getItem(index: string): FakeRangeBorder {
    return new FakeRangeBorder(this.context, `${this._path}.getItem(${JSON.stringify(index)})`, this.parent, index);
  }
}

export class FakeRangeBorder extends ProxyObject {
  protected readonly properties = {};
  constructor(context: FakeRequestContext, path: string, private readonly parent: FakeRangeFormat, private readonly index: string) {
    super(context, path);
  }
  private put(what: 'style' | 'color', value: string): void {
    this.write(what, value, () => {
      if (!BORDER_INDEXES.includes(this.index)) invalidArgument('RangeBorderCollection.getItem', `Unknown border ${this.index}.`);
      if (what === 'color') checkColor(value, 'RangeBorder.color');
      if (what === 'style' && !['None', 'Continuous', 'Dash', 'DashDot', 'DashDotDot', 'Dot', 'Double', 'SlantDashDot'].includes(value)) invalidArgument('RangeBorder.style');
      const { rect } = this.parent.owner._target();
      this.parent.owner._eachCell(`RangeBorder.${what}`, (cell, r, c) => {
        const edges: BorderEdge[] = [];
        if (this.index === 'EdgeTop' && r === rect.r1) edges.push('EdgeTop');
        if (this.index === 'EdgeBottom' && r === rect.r2) edges.push('EdgeBottom');
        if (this.index === 'EdgeLeft' && c === rect.c1) edges.push('EdgeLeft');
        if (this.index === 'EdgeRight' && c === rect.c2) edges.push('EdgeRight');
        if (this.index === 'InsideHorizontal') {
          if (r > rect.r1) edges.push('EdgeTop');
          if (r < rect.r2) edges.push('EdgeBottom');
        }
        if (this.index === 'InsideVertical') {
          if (c > rect.c1) edges.push('EdgeLeft');
          if (c < rect.c2) edges.push('EdgeRight');
        }
        for (const e of edges) {
          const border = cell.format.borders[e] ?? { style: 'Continuous', color: '#000000' };
          border[what] = what === 'color' ? value.toUpperCase() : value;
          cell.format.borders[e] = border;
        }
      }, { format: true });
    });
  }
  set style(value: string) {
    this.put('style', value);
  }
  set color(value: string) {
    this.put('color', value);
  }
  set weight(value: string) {
    this.write('weight', value, () => {
      if (!['Hairline', 'Thin', 'Medium', 'Thick'].includes(value)) invalidArgument('RangeBorder.weight');
    });
  }
}

export class FakeFormatProtection extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = { locked: () => this.parent.common((_f, cell) => cell.locked) };
  constructor(context: FakeRequestContext, path: string, private readonly parent: FakeRangeFormat) {
    super(context, path);
  }
  get locked(): boolean {
    return this.read('locked');
  }
  set locked(value: boolean) {
    this.write('locked', value, () => {
      const { sheet } = this.parent.owner._target();
      if (sheet.protection.protected) fail('AccessDenied', 'Cell protection cannot change on a protected sheet.', 'FormatProtection.locked');
      this.parent.owner._eachCell('FormatProtection.locked', (cell) => void (cell.locked = value));
    });
  }
}

// ---------------------------------------------------------------------------------------
// Data validation, conditional formats

const VALIDATION_TYPES = ['wholeNumber', 'decimal', 'textLength', 'date', 'time', 'list', 'custom'];
const VALIDATION_OPERATORS = ['Between', 'NotBetween', 'EqualTo', 'NotEqualTo', 'GreaterThan', 'LessThan', 'GreaterThanOrEqualTo', 'LessThanOrEqualTo'];

function checkRule(rule: unknown): Record<string, unknown> {
  const where = 'DataValidation.rule';
  if (!rule || typeof rule !== 'object') return invalidArgument(where);
  const keys = Object.keys(rule);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !VALIDATION_TYPES.includes(type)) return invalidArgument(where, 'A rule has exactly one type.');
  const settings: unknown = (rule as Record<string, unknown>)[type];
  if (!settings || typeof settings !== 'object') return invalidArgument(where, 'A rule type needs its settings.');
  const body = settings as Record<string, unknown>;
  if (keys[0] === 'list') {
    if (typeof body.source !== 'string' || body.source.length === 0 || body.source.length > 255) invalidArgument(where, 'A list source is 1 to 255 characters.');
  } else if (keys[0] === 'custom') {
    if (typeof body.formula !== 'string') invalidArgument(where);
  } else {
    if (!VALIDATION_OPERATORS.includes(String(body.operator))) invalidArgument(where, `Unknown operator ${String(body.operator)}.`);
    if (body.formula1 === undefined || body.formula1 === null || body.formula1 === '') invalidArgument(where, 'formula1 is required.');
    if ((body.operator === 'Between' || body.operator === 'NotBetween') && (body.formula2 === undefined || body.formula2 === null || body.formula2 === '')) invalidArgument(where, 'formula2 is required.');
  }
  return clone(rule as Record<string, unknown>);
}

export class FakeDataValidation extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    rule: () => this.entry()?.rule ?? null,
    errorAlert: () => this.entry()?.errorAlert ?? null,
    prompt: () => this.entry()?.prompt ?? null,
    ignoreBlanks: () => this.entry()?.ignoreBlanks ?? true,
    type: () => {
      const rule = this.entry()?.rule;
      return rule ? Object.keys(rule)[0] : 'None';
    },
  };
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeRange) {
    super(context, path);
  }
  private entry(): FakeValidation | undefined {
    const { sheet, rect } = this.owner._target();
    return sheet.validations.find((v) => sameRect(v.rect, rect));
  }
  /** The validation of exactly this range, created over whatever covered its cells. */
  private own(where: string): FakeValidation {
    const { sheet, rect } = this.owner._target();
    if (sheet.protection.protected) fail('AccessDenied', 'Data validation cannot change on a protected sheet.', where);
    let entry = sheet.validations.find((v) => sameRect(v.rect, rect));
    if (!entry) {
      if (sheet.validations.some((v) => overlaps(v.rect, rect) && !inside(v.rect, rect))) {
        fail('InvalidOperation', 'The range partly overlaps another data validation; clear it first.', where);
      }
      sheet.validations = sheet.validations.filter((v) => !inside(v.rect, rect));
      entry = { rect: { ...rect }, rule: null, errorAlert: null, prompt: null, ignoreBlanks: true };
      sheet.validations.push(entry);
    }
    return entry;
  }
  get rule(): Record<string, unknown> {
    return this.read('rule');
  }
  set rule(value: Record<string, unknown>) {
    this.write('rule', value, () => void (this.own('DataValidation.rule').rule = checkRule(value)));
  }
  get errorAlert(): Record<string, unknown> {
    return this.read('errorAlert');
  }
  set errorAlert(value: Record<string, unknown>) {
    this.write('errorAlert', value, () => {
      const v = value as { title?: string; message?: string; style?: string };
      if ((v.title ?? '').length > 32 || (v.message ?? '').length > 225 || (v.style && !['Stop', 'Warning', 'Information'].includes(v.style))) invalidArgument('DataValidation.errorAlert');
      this.own('DataValidation.errorAlert').errorAlert = clone(value);
    });
  }
  get prompt(): Record<string, unknown> {
    return this.read('prompt');
  }
  set prompt(value: Record<string, unknown>) {
    this.write('prompt', value, () => {
      const v = value as { title?: string; message?: string };
      if ((v.title ?? '').length > 32 || (v.message ?? '').length > 255) invalidArgument('DataValidation.prompt');
      this.own('DataValidation.prompt').prompt = clone(value);
    });
  }
  get ignoreBlanks(): boolean {
    return this.read('ignoreBlanks');
  }
  set ignoreBlanks(value: boolean) {
    this.write('ignoreBlanks', value, () => void (this.own('DataValidation.ignoreBlanks').ignoreBlanks = value));
  }
  clear(): void {
    this.call('clear', [], () => {
      const { sheet, rect } = this.owner._target();
      if (sheet.protection.protected) fail('AccessDenied', 'Data validation cannot change on a protected sheet.', 'DataValidation.clear');
      sheet.validations = sheet.validations.filter((v) => !overlaps(v.rect, rect));
    });
  }
}

export class FakeConditionalFormatCollection extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {};
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeRange) {
    super(context, path);
  }
  add(type: string): FakeConditionalFormatProxy {
    const slot: { cf: FakeConditionalFormat | null } = { cf: null };
    const proxy = new FakeConditionalFormatProxy(this.context, `${this._path}.add(${JSON.stringify(type)})`, () => slot.cf);
    this.call('add', [type], () => {
      const { sheet, rect } = this.owner._target();
      if (!['Custom', 'CellValue'].includes(type)) fail('NotImplemented', `The fake Excel host models Custom and CellValue conditional formats, not ${type}.`, 'ConditionalFormatCollection.add');
      if (sheet.protection.protected) fail('AccessDenied', 'Conditional formats cannot change on a protected sheet.', 'ConditionalFormatCollection.add');
      const cf: FakeConditionalFormat = { rect: { ...rect }, type, rule: {}, format: {} };
      sheet.conditionalFormats.push(cf);
      slot.cf = cf;
    });
    return proxy;
  }
  clearAll(): void {
    this.call('clearAll', [], () => {
      const { sheet, rect } = this.owner._target();
      sheet.conditionalFormats = sheet.conditionalFormats.filter((f) => !overlaps(f.rect, rect));
    });
  }
}

export class FakeConditionalFormatProxy extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = { type: () => this.cf().type };
  readonly custom: FakeCustomConditionalFormat;
  readonly cellValue: FakeCellValueConditionalFormat;
  constructor(context: FakeRequestContext, path: string, private readonly resolveCf: () => FakeConditionalFormat | null) {
    super(context, path);
    this.custom = new FakeCustomConditionalFormat(context, `${path}.custom`, () => this.cf('Custom'));
    this.cellValue = new FakeCellValueConditionalFormat(context, `${path}.cellValue`, () => this.cf('CellValue'));
  }
  cf(kind?: string): FakeConditionalFormat {
    const cf = this.resolveCf();
    if (!cf) return fail('ItemNotFound', 'The conditional format does not exist.', this._path);
    if (kind && cf.type !== kind) fail('InvalidOperation', `The conditional format is ${cf.type}, not ${kind}.`, this._path);
    return cf;
  }
  get type(): string {
    return this.read('type');
  }
}

/** A write-only property object (`format.fill.color = …`), as the fake needs it. */
function setters(context: FakeRequestContext, path: string, table: Record<string, (value: unknown) => void>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, apply] of Object.entries(table)) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => notLoaded(name),
      set: (value: unknown) => {
        if (value === null || value === undefined) invalidArgument(`${path}.${name}`, `null is not a valid value for '${name}'.`);
        context._enqueue(path, 'SetProperty', name, [value], () => apply(value));
      },
    });
  }
  return out;
}

function conditionalRangeFormat(context: FakeRequestContext, path: string, cf: () => FakeConditionalFormat) {
  return {
    fill: setters(context, `${path}.fill`, { color: (v) => void (cf().format.fill = checkColor(v, 'ConditionalRangeFill.color')) }) as { color: string },
    font: setters(context, `${path}.font`, {
      color: (v) => void (cf().format.fontColor = checkColor(v, 'ConditionalRangeFont.color')),
      bold: (v) => void (cf().format.bold = !!v),
      italic: (v) => void (cf().format.italic = !!v),
    }) as { color: string; bold: boolean; italic: boolean },
  };
}

export class FakeCustomConditionalFormat extends ProxyObject {
  protected readonly properties = {};
  readonly rule: { formula: string };
  readonly format: ReturnType<typeof conditionalRangeFormat>;
  constructor(context: FakeRequestContext, path: string, cf: () => FakeConditionalFormat) {
    super(context, path);
    this.rule = setters(context, `${path}.rule`, {
      formula: (v) => {
        if (typeof v !== 'string' || !v.startsWith('=') || v.length > 8192) invalidArgument('ConditionalFormatRule.formula', 'A formula starts with "=".');
        cf().rule = { formula: v };
      },
    }) as { formula: string };
    this.format = conditionalRangeFormat(context, `${path}.format`, cf);
  }
}

const CELL_VALUE_OPERATORS = ['Between', 'NotBetween', 'EqualTo', 'NotEqualTo', 'GreaterThan', 'LessThan', 'GreaterThanOrEqual', 'LessThanOrEqual'];

export class FakeCellValueConditionalFormat extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = { rule: () => this.cf().rule };
  readonly format: ReturnType<typeof conditionalRangeFormat>;
  constructor(context: FakeRequestContext, path: string, private readonly cf: () => FakeConditionalFormat) {
    super(context, path);
    this.format = conditionalRangeFormat(context, `${path}.format`, cf);
  }
  get rule(): { formula1: string; formula2?: string; operator: string } {
    return this.read('rule');
  }
  set rule(value: { formula1: string; formula2?: string; operator: string }) {
    this.write('rule', value, () => {
      const v = value as { formula1?: unknown; formula2?: unknown; operator?: unknown };
      if (!CELL_VALUE_OPERATORS.includes(String(v.operator)) || v.formula1 === undefined || v.formula1 === '') invalidArgument('ConditionalCellValueRule');
      if ((v.operator === 'Between' || v.operator === 'NotBetween') && (v.formula2 === undefined || v.formula2 === '')) invalidArgument('ConditionalCellValueRule', 'formula2 is required.');
      this.cf().rule = clone(v as Record<string, unknown>);
    });
  }
}

// ---------------------------------------------------------------------------------------
// Names

const NAME_PATTERN = /^[A-Za-z_\\][A-Za-z0-9_.\\?]*$/;

function checkDefinedName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || !NAME_PATTERN.test(name)) return invalidArgument(where, `"${String(name)}" is not a valid name.`);
  if (/^[A-Za-z]{1,3}\d{1,7}$/.test(name) || /^[Rr]\d*([Cc]\d*)?$/.test(name) || /^[Cc]\d*$/.test(name)) invalidArgument(where, `"${name}" looks like a cell reference.`);
  return name;
}

export class FakeNamedItemCollection extends ProxyObject {
  protected readonly properties = {};
  private list: FakeNamedItem[] | undefined;
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet) {
    super(context, path);
  }
  get items(): FakeNamedItem[] {
    if (!this.list) notLoaded('items');
    return this.list;
  }
  override load(spec?: LoadSpec): this {
    const names = (loadNames(spec) ?? ['name', 'type', 'value', 'formula', 'comment', 'visible']).map((n) => n.replace(/^items\//, ''));
    this.context._enqueue(this._path, 'Load', '', [names.join(',')], () => {
      const sheet = this.owner._sheet();
      this.list = [...sheet.names.values()].map((n) => {
        const item = new FakeNamedItem(this.context, `${this._path}.getItem(${JSON.stringify(n.name)})`, this.owner, n.name);
        item._snapshot(names);
        return item;
      });
    });
    return this;
  }
  add(name: string, reference: FakeRange | string, comment?: string): FakeNamedItem {
    this.call('add', [name, reference, comment ?? null], () => {
      const sheet = this.owner._sheet();
      checkDefinedName(name, 'NamedItemCollection.add');
      if (sheet.names.has(name.toLowerCase())) fail('ItemAlreadyExists', `The name "${name}" already exists in this scope.`, 'NamedItemCollection.add');
      let rect: Rect | null;
      if (typeof reference === 'string') {
        const bang = reference.lastIndexOf('!');
        const target = bang >= 0 ? reference.slice(0, bang).replace(/^=/, '').replace(/^'|'$/g, '').replace(/''/g, "'") : null;
        if (target !== null && target !== sheet.name) fail('NotImplemented', 'The fake Excel host keeps sheet-scoped names on their own sheet.', 'NamedItemCollection.add');
        rect = parseAddress(reference.replace(/^=/, ''));
      } else {
        const t = reference._target();
        if (t.sheet !== sheet) fail('NotImplemented', 'The fake Excel host keeps sheet-scoped names on their own sheet.', 'NamedItemCollection.add');
        rect = t.rect;
      }
      if (!rect) return invalidArgument('NamedItemCollection.add', 'The reference is not a range.');
      sheet.names.set(name.toLowerCase(), { name, rect: { ...rect }, comment: comment ?? '' });
    });
    return new FakeNamedItem(this.context, `${this._path}.getItem(${JSON.stringify(name)})`, this.owner, name);
  }
  getItem(name: string): FakeNamedItem {
    return new FakeNamedItem(this.context, `${this._path}.getItem(${JSON.stringify(name)})`, this.owner, name);
  }
  getItemOrNullObject(name: string): FakeNamedItem {
    return new FakeNamedItem(this.context, `${this._path}.getItemOrNullObject(${JSON.stringify(name)})`, this.owner, name, true);
  }
}

export class FakeNamedItem extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    name: () => this.item().name,
    type: () => (this.item().rect ? 'Range' : 'Error'),
    value: () => {
      const n = this.item();
      return n.rect ? `${quoteSheetName(this.owner._sheet().name)}!${formatAddress(n.rect, true)}` : '#REF!';
    },
    formula: () => {
      const n = this.item();
      return n.rect ? `=${quoteSheetName(this.owner._sheet().name)}!${formatAddress(n.rect, true)}` : '=#REF!';
    },
    comment: () => this.item().comment,
    visible: () => true,
  };
  constructor(
    context: FakeRequestContext,
    path: string,
    private readonly owner: FakeWorksheet,
    private readonly key: string,
    orNull = false,
  ) {
    super(context, path, orNull);
  }
  protected override _exists(): boolean {
    try {
      return this.owner._sheet().names.has(this.key.toLowerCase());
    } catch {
      return false;
    }
  }
  private item(): FakeName {
    const n = this.owner._sheet().names.get(this.key.toLowerCase());
    return n ?? fail('ItemNotFound', `The name "${this.key}" does not exist.`, this._path);
  }
  get name(): string {
    return this.read('name');
  }
  get type(): string {
    return this.read('type');
  }
  get value(): string {
    return this.read('value');
  }
  get formula(): string {
    return this.read('formula');
  }
  get comment(): string {
    return this.read('comment');
  }
  getRange(): FakeRange {
    return new FakeRange(this.context, `${this._path}.getRange()`, this.owner, () => {
      const rect = this.item().rect;
      return rect ? { ...rect } : fail('InvalidReference', 'The name does not refer to a range.', 'NamedItem.getRange');
    });
  }
  getRangeOrNullObject(): FakeRange {
    return new FakeRange(
      this.context,
      `${this._path}.getRangeOrNullObject()`,
      this.owner,
      () => {
        const n = this.owner._sheet().names.get(this.key.toLowerCase());
        return n?.rect ? { ...n.rect } : null;
      },
      true,
    );
  }
  delete(): void {
    this.call('delete', [], () => {
      this.item();
      this.owner._sheet().names.delete(this.key.toLowerCase());
    });
  }
}

// ---------------------------------------------------------------------------------------
// Settings

export class FakeSettingCollection extends ProxyObject {
  protected readonly properties = {};
  private list: FakeSetting[] | undefined;
  get items(): FakeSetting[] {
    if (!this.list) notLoaded('items');
    return this.list;
  }
  override load(spec?: LoadSpec): this {
    const names = (loadNames(spec) ?? ['key', 'value']).map((n) => n.replace(/^items\//, ''));
    this.context._enqueue(this._path, 'Load', '', [names.join(',')], () => {
      this.list = [...host(this).workbook.settings.keys()].map((key) => {
        const s = new FakeSetting(this.context, `${this._path}.getItem(${JSON.stringify(key)})`, key);
        s._snapshotItem(names);
        return s;
      });
    });
    return this;
  }
  add(key: string, value: unknown): FakeSetting {
    this.call('add', [key, value], () => {
      if (typeof key !== 'string' || key.length === 0 || key.length > 255) invalidArgument('SettingCollection.add', 'A setting key is 1 to 255 characters.');
      if (value === undefined || typeof value === 'function') invalidArgument('SettingCollection.add', 'A setting value is JSON.');
      host(this).workbook.settings.set(key, clone(value));
    });
    return new FakeSetting(this.context, `${this._path}.getItem(${JSON.stringify(key)})`, key);
  }
  getItem(key: string): FakeSetting {
    return new FakeSetting(this.context, `${this._path}.getItem(${JSON.stringify(key)})`, key);
  }
  getItemOrNullObject(key: string): FakeSetting {
    return new FakeSetting(this.context, `${this._path}.getItemOrNullObject(${JSON.stringify(key)})`, key, true);
  }
}

export class FakeSetting extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    key: () => this.item() && this.key,
    value: () => this.item(),
  };
  constructor(context: FakeRequestContext, path: string, private readonly key: string, orNull = false) {
    super(context, path, orNull);
  }
  protected override _exists(): boolean {
    return host(this).workbook.settings.has(this.key);
  }
  private item(): unknown {
    const settings = host(this).workbook.settings;
    if (!settings.has(this.key)) fail('ItemNotFound', `The setting "${this.key}" does not exist.`, this._path);
    return settings.get(this.key);
  }
  /** Collection loads read every setting, tolerating one removed in the same batch. */
  _snapshotItem(names: string[]): void {
    for (const n of names) {
      const value = clone(this.properties[n]?.() ?? null);
      this.context._responseBytes += utf8Length(jsonText(value) ?? 'null') + n.length + 4;
      this.loaded.set(n, value);
    }
  }
  get value(): unknown {
    return this.read('value');
  }
  set value(value: unknown) {
    this.write('value', value, () => {
      this.item();
      host(this).workbook.settings.set(this.key, clone(value));
    });
  }
  delete(): void {
    this.call('delete', [], () => void host(this).workbook.settings.delete(this.key));
  }
}

// ---------------------------------------------------------------------------------------
// Tables and charts

const TABLE_STYLE = /^(TableStyle(Light([1-9]|1\d|2[0-1])|Medium([1-9]|1\d|2[0-8])|Dark([1-9]|1[01])))$/;

function tableByName(wb: FakeWorkbook, name: string): { sheet: FakeSheet; table: FakeTable } | undefined {
  return wb.allTables().find((t) => t.table.name.toLowerCase() === name.toLowerCase());
}

export class FakeTableCollection extends ProxyObject {
  protected readonly properties = {};
  private list: FakeTableProxy[] | undefined;
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet | null) {
    super(context, path);
  }
  get items(): FakeTableProxy[] {
    if (!this.list) notLoaded('items');
    return this.list;
  }
  private scope(): Array<{ sheet: FakeSheet; table: FakeTable }> {
    const wb = host(this).workbook;
    if (!this.owner) return wb.allTables();
    const sheet = this.owner._sheet();
    return sheet.tables.map((table) => ({ sheet, table }));
  }
  override load(spec?: LoadSpec): this {
    const names = (loadNames(spec) ?? ['name', 'id', 'style']).map((n) => n.replace(/^items\//, ''));
    this.context._enqueue(this._path, 'Load', '', [names.join(',')], () => {
      this.list = this.scope().map(({ table }) => {
        const t = new FakeTableProxy(this.context, `${this._path}.getItem(${JSON.stringify(table.name)})`, () => table);
        t._snapshot(names);
        return t;
      });
    });
    return this;
  }
  add(address: FakeRange | string, hasHeaders: boolean): FakeTableProxy {
    const slot: { table: FakeTable | null } = { table: null };
    const proxy = new FakeTableProxy(this.context, `${this._path}.add()`, () => slot.table);
    this.call('add', [address, hasHeaders], () => {
      const wb = host(this).workbook;
      let sheet: FakeSheet;
      let rect: Rect | null;
      if (typeof address === 'string') {
        const bang = address.lastIndexOf('!');
        const sheetName = bang >= 0 ? address.slice(0, bang).replace(/^'|'$/g, '').replace(/''/g, "'") : null;
        const s = sheetName ? wb.sheet(sheetName) : this.owner ? this.owner._sheet() : wb.activeSheet;
        if (!s) return fail('ItemNotFound', 'The worksheet does not exist.', 'TableCollection.add');
        sheet = s;
        rect = parseAddress(address);
      } else {
        const t = address._target();
        sheet = t.sheet;
        rect = t.rect;
      }
      if (!rect) return invalidArgument('TableCollection.add');
      if (sheet.protection.protected) fail('AccessDenied', 'A table cannot be added on a protected sheet.', 'TableCollection.add');
      if (sheet.tables.some((t) => overlaps(t.rect, rect))) fail('InvalidOperation', 'A table cannot overlap another table.', 'TableCollection.add');
      if (sheet.merges.some((m) => overlaps(m, rect))) fail('InvalidOperation', 'A table cannot overlap merged cells.', 'TableCollection.add');
      if (hasHeaders && rows(rect) < 2) fail('InvalidArgument', 'A table with headers needs a data row.', 'TableCollection.add');
      let n = 1;
      while (tableByName(wb, `Table${n}`)) n++;
      const table: FakeTable = { id: wb.objectId(), name: `Table${n}`, rect: { ...rect }, hasHeaders, style: 'TableStyleMedium2' };
      sheet.tables.push(table);
      slot.table = table;
    });
    return proxy;
  }
  getItem(key: string): FakeTableProxy {
    return new FakeTableProxy(this.context, `${this._path}.getItem(${JSON.stringify(key)})`, () => {
      const found = this.scope().find((t) => t.table.name.toLowerCase() === key.toLowerCase() || t.table.id === key);
      return found?.table ?? fail('ItemNotFound', `The table "${key}" does not exist.`, 'TableCollection.getItem');
    });
  }
  getItemOrNullObject(key: string): FakeTableProxy {
    return new FakeTableProxy(
      this.context,
      `${this._path}.getItemOrNullObject(${JSON.stringify(key)})`,
      () => this.scope().find((t) => t.table.name.toLowerCase() === key.toLowerCase() || t.table.id === key)?.table ?? null,
      true,
    );
  }
}

export class FakeTableProxy extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    name: () => this.table().name,
    id: () => this.table().id,
    style: () => this.table().style,
    showHeaders: () => this.table().hasHeaders,
  };
  constructor(context: FakeRequestContext, path: string, private readonly resolveTable: () => FakeTable | null, orNull = false) {
    super(context, path, orNull);
  }
  protected override _exists(): boolean {
    return !!this.resolveTable();
  }
  private table(): FakeTable {
    return this.resolveTable() ?? fail('ItemNotFound', 'The table does not exist.', this._path);
  }
  get name(): string {
    return this.read('name');
  }
  set name(value: string) {
    this.write('name', value, () => {
      const table = this.table();
      if (typeof value !== 'string' || !/^[A-Za-z_\\][A-Za-z0-9_.]*$/.test(value) || value.length > 255 || /^[A-Za-z]{1,3}\d+$/.test(value) || /^[RrCc]$/.test(value)) {
        invalidArgument('Table.name', `"${value}" is not a valid table name.`);
      }
      const other = tableByName(host(this).workbook, value);
      if (other && other.table !== table) fail('ItemAlreadyExists', `A table named "${value}" already exists.`, 'Table.name');
      table.name = value;
    });
  }
  get style(): string {
    return this.read('style');
  }
  set style(value: string) {
    this.write('style', value, () => {
      if (!TABLE_STYLE.test(value)) invalidArgument('Table.style', `Unknown table style ${value}.`);
      this.table().style = value;
    });
  }
  get id(): string {
    return this.read('id');
  }
  delete(): void {
    this.call('delete', [], () => {
      const table = this.table();
      for (const sheet of host(this).workbook.sheets) sheet.tables = sheet.tables.filter((t) => t !== table);
    });
  }
}

const CHART_TYPES = new Set([
  'ColumnClustered', 'ColumnStacked', 'ColumnStacked100', 'BarClustered', 'BarStacked', 'BarStacked100', 'Line', 'LineMarkers', 'Pie', 'Doughnut', 'Area', 'XYScatter',
]);

export class FakeChartCollection extends ProxyObject {
  protected readonly properties = {};
  private list: FakeChartProxy[] | undefined;
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet) {
    super(context, path);
  }
  get items(): FakeChartProxy[] {
    if (!this.list) notLoaded('items');
    return this.list;
  }
  override load(spec?: LoadSpec): this {
    const names = (loadNames(spec) ?? ['name', 'id']).map((n) => n.replace(/^items\//, ''));
    this.context._enqueue(this._path, 'Load', '', [names.join(',')], () => {
      this.list = this.owner._sheet().charts.map((chart) => {
        const c = new FakeChartProxy(this.context, `${this._path}.getItem(${JSON.stringify(chart.name)})`, this.owner, () => chart);
        c._snapshot(names);
        return c;
      });
    });
    return this;
  }
  add(type: string, sourceData: FakeRange, seriesBy = 'Auto'): FakeChartProxy {
    const slot: { chart: FakeChart | null } = { chart: null };
    const proxy = new FakeChartProxy(this.context, `${this._path}.add(${JSON.stringify(type)})`, this.owner, () => slot.chart);
    this.call('add', [type, sourceData, seriesBy], () => {
      const sheet = this.owner._sheet();
      if (!CHART_TYPES.has(type)) invalidArgument('ChartCollection.add', `Unknown chart type ${type}.`);
      if (!['Auto', 'Columns', 'Rows'].includes(seriesBy)) invalidArgument('ChartCollection.add', `Unknown seriesBy ${seriesBy}.`);
      if (sheet.protection.protected && !sheet.protection.options.allowEditObjects) fail('AccessDenied', 'A chart cannot be added on a protected sheet.', 'ChartCollection.add');
      const source = sourceData._target();
      const rect = source.rect;
      const byRows = seriesBy === 'Rows' || (seriesBy === 'Auto' && cols(rect) > rows(rect));
      const series = byRows
        ? Array.from({ length: rows(rect) }, (_, i) => ({ name: `Series${i + 1}`, values: { r1: rect.r1 + i, c1: rect.c1, r2: rect.r1 + i, c2: rect.c2 }, xValues: null }))
        : Array.from({ length: cols(rect) }, (_, i) => ({ name: `Series${i + 1}`, values: { r1: rect.r1, c1: rect.c1 + i, r2: rect.r2, c2: rect.c1 + i }, xValues: null }));
      const wb = host(this).workbook;
      const chart: FakeChart = { id: wb.objectId(), name: `Chart ${wb.allCharts().length + 1}`, type, seriesBy, source: { ...rect }, title: null, series, position: null };
      sheet.charts.push(chart);
      slot.chart = chart;
    });
    return proxy;
  }
  getItem(name: string): FakeChartProxy {
    return new FakeChartProxy(this.context, `${this._path}.getItem(${JSON.stringify(name)})`, this.owner, () => this.owner._sheet().charts.find((c) => c.name === name) ?? null);
  }
}

export class FakeChartProxy extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = {
    name: () => this.chart().name,
    id: () => this.chart().id,
    chartType: () => this.chart().type,
  };
  readonly title: { text: string };
  readonly series: { getItemAt(index: number): FakeChartSeries };
  constructor(context: FakeRequestContext, path: string, private readonly owner: FakeWorksheet, private readonly resolveChart: () => FakeChart | null) {
    super(context, path);
    this.title = Object.defineProperty({} as { text: string }, 'text', {
      enumerable: true,
      get: () => notLoaded('text'),
      set: (value: string) => {
        if (typeof value !== 'string') invalidArgument('ChartTitle.text');
        this.context._enqueue(`${path}.title`, 'SetProperty', 'text', [value], () => void (this.chart().title = value));
      },
    });
    this.series = {
      getItemAt: (index: number) => new FakeChartSeries(context, `${path}.series.getItemAt(${index})`, () => {
        const s = this.chart().series[index];
        return s ?? fail('ItemNotFound', `The chart has no series ${index}.`, `${path}.series.getItemAt`);
      }),
    };
  }
  chart(): FakeChart {
    return this.resolveChart() ?? fail('ItemNotFound', 'The chart does not exist.', this._path);
  }
  get name(): string {
    return this.read('name');
  }
  set name(value: string) {
    this.write('name', value, () => {
      if (typeof value !== 'string' || value.length === 0 || value.length > 255) invalidArgument('Chart.name');
      this.chart().name = value;
    });
  }
  setPosition(startCell: FakeRange | string, endCell?: FakeRange | string): void {
    this.call('setPosition', [startCell, endCell ?? null], () => {
      const sheet = this.owner._sheet();
      const rectOf = (x: FakeRange | string): Rect => {
        if (typeof x === 'string') return parseAddress(x) ?? invalidArgument('Chart.setPosition');
        const t = x._target();
        if (t.sheet !== sheet) invalidArgument('Chart.setPosition', 'The cells must be on the chart\'s sheet.');
        return t.rect;
      };
      this.chart().position = { start: rectOf(startCell), end: endCell === undefined ? null : rectOf(endCell) };
    });
  }
  delete(): void {
    this.call('delete', [], () => {
      const chart = this.chart();
      const sheet = this.owner._sheet();
      sheet.charts = sheet.charts.filter((c) => c !== chart);
    });
  }
}

export class FakeChartSeries extends ProxyObject {
  protected readonly properties: Record<string, () => unknown> = { name: () => this.resolveSeries().name };
  constructor(context: FakeRequestContext, path: string, private readonly resolveSeries: () => FakeChart['series'][number]) {
    super(context, path);
  }
  get name(): string {
    return this.read('name');
  }
  set name(value: string) {
    this.write('name', value, () => void (this.resolveSeries().name = value));
  }
  setXAxisValues(sourceData: FakeRange): void {
    this.call('setXAxisValues', [sourceData], () => void (this.resolveSeries().xValues = { ...sourceData._target().rect }));
  }
  setValues(sourceData: FakeRange): void {
    this.call('setValues', [sourceData], () => void (this.resolveSeries().values = { ...sourceData._target().rect }));
  }
}

// ---------------------------------------------------------------------------------------
// The host

export interface FakeExcelNamespace {
  run<T>(batch: (context: FakeRequestContext) => Promise<T>): Promise<T>;
  ConditionalFormatType: Record<string, string>;
  InsertShiftDirection: Record<string, string>;
  SheetVisibility: Record<string, string>;
  ChartType: Record<string, string>;
  ChartSeriesBy: Record<string, string>;
  BorderIndex: Record<string, string>;
  ErrorCodes: Record<string, string>;
}

export interface FakeExcelHost {
  /** Pass as `typeof Excel` (through `unknown`) to code under test. */
  Excel: FakeExcelNamespace;
  workbook: FakeWorkbook;
  /** Requests sent so far: how many, and the bytes of each. */
  stats(): FakeStats;
  /** Zeroes the counters; `{ workbook: true }` also starts a fresh workbook. */
  reset(options?: { workbook?: boolean }): void;
}

export function createFakeExcel(): FakeExcelHost {
  const state: Host = { workbook: new FakeWorkbook(), stats: { syncs: 0, requestBytes: [], responseBytes: [] } };
  const Excel: FakeExcelNamespace = {
    async run<T>(batch: (context: FakeRequestContext) => Promise<T>): Promise<T> {
      if (typeof batch !== 'function') fail('RunMustReturnPromise', 'Excel.run needs a batch function returning a promise.');
      const context = new FakeRequestContext(state);
      const result = await batch(context);
      // Like Office.js, run syncs whatever the batch left queued.
      if (context._pending > 0) await context.sync();
      return result;
    },
    ConditionalFormatType: { custom: 'Custom', cellValue: 'CellValue', containsText: 'ContainsText', dataBar: 'DataBar', colorScale: 'ColorScale', iconSet: 'IconSet', topBottom: 'TopBottom', presetCriteria: 'PresetCriteria' },
    InsertShiftDirection: { down: 'Down', right: 'Right' },
    SheetVisibility: { visible: 'Visible', hidden: 'Hidden', veryHidden: 'VeryHidden' },
    ChartType: { columnClustered: 'ColumnClustered', barClustered: 'BarClustered', pie: 'Pie', line: 'Line' },
    ChartSeriesBy: { auto: 'Auto', columns: 'Columns', rows: 'Rows' },
    BorderIndex: { edgeTop: 'EdgeTop', edgeBottom: 'EdgeBottom', edgeLeft: 'EdgeLeft', edgeRight: 'EdgeRight', insideVertical: 'InsideVertical', insideHorizontal: 'InsideHorizontal' },
    ErrorCodes: {
      invalidArgument: 'InvalidArgument',
      itemNotFound: 'ItemNotFound',
      itemAlreadyExists: 'ItemAlreadyExists',
      accessDenied: 'AccessDenied',
      invalidOperation: 'InvalidOperation',
      propertyNotLoaded: 'PropertyNotLoaded',
      requestPayloadSizeLimitExceeded: 'RequestPayloadSizeLimitExceeded',
    },
  };
  return {
    Excel,
    get workbook() {
      return state.workbook;
    },
    stats: () => ({ syncs: state.stats.syncs, requestBytes: [...state.stats.requestBytes], responseBytes: [...state.stats.responseBytes] }),
    reset(options) {
      state.stats = { syncs: 0, requestBytes: [], responseBytes: [] };
      if (options?.workbook) state.workbook = new FakeWorkbook();
    },
  };
}
