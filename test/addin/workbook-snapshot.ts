import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { cellAddress } from '../../shared/layout/a1';
import type { FakeSheet, FakeWorkbook, Rect } from '../../addin/testing/fake-excel';
import { formatAddress } from '../../addin/testing/fake-excel';
import { POINTS_PER_CHARACTER } from '../../addin/excel/office-adapter';

/**
 * One description of a rendered workbook, read back from either renderer: the fake Excel
 * host's model after the Office.js adapter ran, or the .xlsx that server/xlsx/render.ts
 * wrote (read with exceljs, and the parts exceljs does not read back faithfully — defined
 * names with their scope, validation ranges — from the file's XML). The layout-parity test
 * compares two of these field by field.
 */

export interface CellSnapshot {
  value: string | number | boolean | null;
  /** Inside a merged area but not its top-left cell: Excel shows the top-left cell there, so only its (blank) value counts. */
  covered?: true;
  numberFormat: string;
  locked: boolean;
  style: { fill: string | null; bold: boolean; italic: boolean; size: number; color: string; hAlign: string; vAlign: string; wrap: boolean; border: boolean };
}

export interface ValidationSnapshot {
  type: string;
  operator: string | null;
  /** Operands as text: numbers, ISO days, or the list items joined by "|". */
  formulae: string[];
  allowBlank: boolean;
  errorStyle: string;
  showError: boolean;
  errorTitle: string;
  error: string;
  prompt: { title: string; message: string } | null;
}

export interface ConditionalSnapshot {
  range: string;
  type: 'expression' | 'cellIs';
  operator: string | null;
  formulae: string[];
  fill: string | null;
  fontColor: string | null;
}

export interface ChartSnapshot {
  kind: 'bar' | 'column' | 'pie';
  title: string;
  seriesName: string;
  categories: string;
  values: string;
  from: string;
  to: string;
}

export interface SheetSnapshot {
  name: string;
  visibility: string;
  /** A1 → cell, over the layout's grid. */
  cells: Map<string, CellSnapshot>;
  /** A1 → the validation on that cell. */
  validations: Map<string, ValidationSnapshot>;
  /** The ranges validations were written on, sorted. */
  validationRanges: string[];
  conditionalFormats: ConditionalSnapshot[];
  merges: string[];
  columns: Array<{ width: number; hidden: boolean }>;
  rowHeights: Map<number, number>;
  freeze: { rows: number; columns: number } | null;
  protection: Record<string, boolean | string> | null;
  /** Excel tables: name, range (header row included), style. */
  tables: Array<{ name: string; range: string; style: string }>;
  /** Native charts: kind, title, the one series' name and ranges, the cells they cover (top-left, bottom-right). */
  charts: ChartSnapshot[];
}

export interface NameSnapshot {
  name: string;
  /** The sheet a sheet-scoped name belongs to; null for a workbook-scoped name. */
  scope: string | null;
  ref: string;
}

export interface WorkbookSnapshot {
  sheets: SheetSnapshot[];
  names: NameSnapshot[];
}

const upper = (c: string | null | undefined): string | null => (c ? c.toUpperCase() : null);
const fromArgb = (argb: string | undefined): string | null => (argb ? `#${argb.slice(-6).toUpperCase()}` : null);
const OFFICE_OPERATORS: Record<string, string> = {
  Between: 'between',
  GreaterThanOrEqualTo: 'greaterThanOrEqual',
  LessThanOrEqualTo: 'lessThanOrEqual',
  GreaterThanOrEqual: 'greaterThanOrEqual',
  LessThan: 'lessThan',
};
const OFFICE_ALIGN: Record<string, string> = { General: 'general', Left: 'left', Center: 'center', Right: 'right', Top: 'top', Bottom: 'bottom' };
const operand = (x: unknown): string => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x));
/** "\"a,b \"\"c\"\"\"" (a list as the file stores it) → "a|b \"c\"". */
const listOfFormula = (f: string) => f.replace(/^"|"$/g, '').replace(/""/g, '"').split(',').join('|');

// ---------------------------------------------------------------------------------------
// The fake host (Office.js adapter)

function fakeCell(sheet: FakeSheet, r: number, c: number): CellSnapshot {
  const cell = sheet.cellAt(r, c);
  const value = sheet.readValue(r, c);
  const f = cell?.format;
  return {
    value: value === '' ? null : value,
    numberFormat: cell?.numberFormat ?? 'General',
    locked: cell?.locked ?? true,
    style: {
      fill: upper(f?.fill),
      bold: f?.font.bold ?? false,
      italic: f?.font.italic ?? false,
      size: f?.font.size ?? 11,
      color: upper(f?.font.color) ?? '#000000',
      hAlign: OFFICE_ALIGN[f?.horizontalAlignment ?? 'General'] ?? String(f?.horizontalAlignment),
      vAlign: f?.verticalAlignment === 'Center' ? 'middle' : (OFFICE_ALIGN[f?.verticalAlignment ?? 'Bottom'] ?? String(f?.verticalAlignment)),
      wrap: f?.wrapText ?? false,
      border: !!f && ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'].every((e) => f.borders[e as 'EdgeTop']?.style === 'Continuous'),
    },
  };
}

function fakeValidation(v: FakeSheet['validations'][number]): ValidationSnapshot {
  const [type = 'none', body = {}] = Object.entries(v.rule ?? {})[0] ?? [];
  const b = body as Record<string, unknown>;
  const alert = (v.errorAlert ?? {}) as { showAlert?: boolean; style?: string; title?: string; message?: string };
  const prompt = v.prompt as { showPrompt?: boolean; title?: string; message?: string } | null;
  const isList = type === 'list';
  return {
    type: type === 'wholeNumber' ? 'whole' : type,
    operator: isList ? null : (OFFICE_OPERATORS[String(b.operator)] ?? String(b.operator)),
    formulae: isList ? [String(b.source).split(',').join('|')] : [b.formula1, b.formula2].filter((x) => x !== undefined).map(operand),
    allowBlank: v.ignoreBlanks,
    errorStyle: (alert.style ?? 'Stop').toLowerCase(),
    showError: alert.showAlert ?? false,
    errorTitle: alert.title ?? '',
    error: alert.message ?? '',
    prompt: prompt?.showPrompt ? { title: prompt.title ?? '', message: prompt.message ?? '' } : null,
  };
}

function eachCell(rect: Rect, visit: (address: string) => void): void {
  for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) visit(cellAddress(r, c));
}

export function snapshotOfFake(workbook: FakeWorkbook, sheetNames: readonly string[], sizes: ReadonlyArray<{ rows: number; columns: number }>): WorkbookSnapshot {
  const sheets = sheetNames.map((name, i): SheetSnapshot => {
    const sheet = workbook.sheet(name);
    if (!sheet) throw new Error(`no sheet ${name} in the fake workbook`);
    const { rows, columns } = sizes[i]!;
    const cells = new Map<string, CellSnapshot>();
    const covered = (r: number, c: number) => sheet.merges.some((m) => r >= m.r1 && r <= m.r2 && c >= m.c1 && c <= m.c2 && (r !== m.r1 || c !== m.c1));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) cells.set(cellAddress(r, c), covered(r, c) ? coveredCell(fakeCell(sheet, r, c).value) : fakeCell(sheet, r, c));
    }
    const validations = new Map<string, ValidationSnapshot>();
    for (const v of sheet.validations) {
      const snap = fakeValidation(v);
      eachCell(v.rect, (a) => validations.set(a, snap));
    }
    return {
      name: sheet.name,
      visibility: sheet.visibility.replace(/^./, (ch) => ch.toLowerCase()),
      cells,
      validations,
      validationRanges: sheet.validations.map((v) => formatAddress(v.rect)).sort(),
      conditionalFormats: sheet.conditionalFormats.map((cf) => {
        const rule = cf.rule as { formula?: string; formula1?: string; formula2?: string; operator?: string };
        const custom = cf.type === 'Custom';
        return {
          range: formatAddress(cf.rect),
          type: custom ? 'expression' : 'cellIs',
          operator: custom ? null : (OFFICE_OPERATORS[String(rule.operator)] ?? String(rule.operator)),
          formulae: custom ? [String(rule.formula).replace(/^=/, '')] : [rule.formula1, rule.formula2].filter((x) => x !== undefined).map(String),
          fill: upper(cf.format.fill),
          fontColor: upper(cf.format.fontColor),
        };
      }),
      merges: sheet.merges.map((m) => formatAddress(m)).sort(),
      columns: Array.from({ length: columns }, (_, c) => ({ width: Math.round(((sheet.columnWidths.get(c) ?? 0) / POINTS_PER_CHARACTER) * 100) / 100, hidden: sheet.hiddenColumns.has(c) })),
      rowHeights: new Map(sheet.rowHeights),
      freeze: sheet.freeze,
      protection: sheet.protection.protected ? { ...sheet.protection.options } : null,
      tables: sheet.tables.map((t) => ({ name: t.name, range: formatAddress(t.rect), style: t.style })),
      charts: sheet.charts.map(fakeChart),
    };
  });
  const names = sheets.flatMap((s) => [...workbook.sheet(s.name)!.names.values()].map((n) => ({ name: n.name, scope: s.name, ref: n.rect ? formatAddress(n.rect) : '#REF!' })));
  return { sheets, names: names.sort((a, b) => `${a.scope}!${a.name}`.localeCompare(`${b.scope}!${b.name}`)) };
}

// ---------------------------------------------------------------------------------------
// The .xlsx (exceljs writer)

function coveredCell(value: CellSnapshot['value']): CellSnapshot {
  return { value, covered: true, numberFormat: '', locked: true, style: { fill: null, bold: false, italic: false, size: 0, color: '', hAlign: '', vAlign: '', wrap: false, border: false } };
}

function xlsxCell(ws: ExcelJS.Worksheet, r: number, c: number): CellSnapshot {
  const cell = ws.getCell(r + 1, c + 1);
  // exceljs answers for a covered cell with its master's value; the file holds none there.
  if (cell.isMerged && cell.master.address !== cell.address) return coveredCell(null);
  const raw = cell.value;
  const value = raw === null || raw === undefined ? null : typeof raw === 'object' ? JSON.stringify(raw) : raw;
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  const border = cell.border;
  return {
    value: value === '' ? null : value,
    numberFormat: cell.numFmt || 'General',
    locked: cell.protection?.locked !== false,
    style: {
      fill: fill?.type === 'pattern' && fill.pattern === 'solid' ? fromArgb(fill.fgColor?.argb) : null,
      bold: !!cell.font?.bold,
      italic: !!cell.font?.italic,
      size: cell.font?.size ?? 11,
      color: fromArgb(cell.font?.color?.argb) ?? '#000000',
      hAlign: cell.alignment?.horizontal ?? 'general',
      vAlign: cell.alignment?.vertical ?? 'bottom',
      wrap: !!cell.alignment?.wrapText,
      border: !!border && (['top', 'bottom', 'left', 'right'] as const).every((e) => border[e]?.style === 'thin'),
    },
  };
}

function xlsxValidation(v: ExcelJS.DataValidation): ValidationSnapshot {
  const isList = v.type === 'list';
  return {
    type: v.type,
    operator: isList ? null : (v.operator ?? 'between'),
    formulae: isList ? [listOfFormula(String(v.formulae?.[0] ?? ''))] : (v.formulae ?? []).map(operand),
    allowBlank: !!v.allowBlank,
    errorStyle: v.errorStyle ?? 'stop',
    showError: !!v.showErrorMessage,
    errorTitle: v.errorTitle ?? '',
    error: v.error ?? '',
    prompt: v.showInputMessage ? { title: v.promptTitle ?? '', message: v.prompt ?? '' } : null,
  };
}

/** exceljs's sheetProtection (true = allowed; objects/scenarios false = protected) by Office.js's option names. */
function xlsxProtection(p: Record<string, unknown> | null | undefined): Record<string, boolean | string> | null {
  if (!p?.sheet) return null;
  const allowed = (k: string) => p[k] === true;
  return {
    allowAutoFilter: allowed('autoFilter'),
    allowDeleteColumns: allowed('deleteColumns'),
    allowDeleteRows: allowed('deleteRows'),
    allowEditObjects: p.objects !== false,
    allowEditScenarios: p.scenarios !== false,
    allowFormatCells: allowed('formatCells'),
    allowFormatColumns: allowed('formatColumns'),
    allowFormatRows: allowed('formatRows'),
    allowInsertColumns: allowed('insertColumns'),
    allowInsertHyperlinks: allowed('insertHyperlinks'),
    allowInsertRows: allowed('insertRows'),
    allowPivotTables: allowed('pivotTables'),
    allowSort: allowed('sort'),
    selectionMode: p.selectLockedCells === false ? (p.selectUnlockedCells === false ? 'None' : 'Unlocked') : 'Normal',
  };
}

const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** Defined names from workbook.xml, with `localSheetId` resolved to the sheet's name. */
function xlsxNames(workbookXml: string): NameSnapshot[] {
  const sheetNames = [...workbookXml.matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map((m) => unescapeXml(m[1]!));
  const out: NameSnapshot[] = [];
  for (const m of workbookXml.matchAll(/<definedName\b([^>]*)>([^<]*)<\/definedName>/g)) {
    const attrs = m[1]!;
    const name = unescapeXml(/\bname="([^"]*)"/.exec(attrs)?.[1] ?? '');
    if (name.startsWith('_xlnm.')) continue;
    const local = /\blocalSheetId="(\d+)"/.exec(attrs)?.[1];
    const text = unescapeXml(m[2]!);
    out.push({ name, scope: local === undefined ? null : (sheetNames[Number(local)] ?? `#${local}`), ref: text.slice(text.lastIndexOf('!') + 1).replace(/\$/g, '') });
  }
  return out;
}

/** The sqref of every dataValidation of a sheet part. */
function xlsxValidationRanges(sheetXml: string): string[] {
  return [...sheetXml.matchAll(/<dataValidation\b[^>]*\bsqref="([^"]*)"/g)]
    .flatMap((m) => m[1]!.split(/\s+/))
    .map((a) => a.replace(/^([A-Z]+\d+):\1$/, '$1'))
    .sort();
}

export async function snapshotOfXlsx(buffer: Buffer, sizes: ReadonlyArray<{ rows: number; columns: number }>): Promise<WorkbookSnapshot> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const zip = await JSZip.loadAsync(buffer);
  const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
  const sheets = await Promise.all(
    workbook.worksheets.map(async (ws, i): Promise<SheetSnapshot> => {
      const { rows, columns } = sizes[i]!;
      const cells = new Map<string, CellSnapshot>();
      for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) cells.set(cellAddress(r, c), xlsxCell(ws, r, c));
      const model = (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
      const validations = new Map(Object.entries(model).map(([a, v]) => [a, xlsxValidation(v)]));
      const sheetXml = await zip.file(`xl/worksheets/sheet${i + 1}.xml`)!.async('string');
      const cfs = (ws as unknown as { conditionalFormattings: Array<{ ref: string; rules: Array<{ type: string; operator?: string; formulae?: string[]; style?: Partial<ExcelJS.Style> }> }> }).conditionalFormattings;
      const view = (ws.views ?? [])[0] as { state?: string; xSplit?: number; ySplit?: number } | undefined;
      return {
        name: ws.name,
        visibility: ws.state,
        cells,
        validations,
        validationRanges: xlsxValidationRanges(sheetXml),
        conditionalFormats: cfs.flatMap((cf) =>
          cf.rules.map((rule) => ({
            range: cf.ref,
            type: rule.type as 'expression' | 'cellIs',
            operator: rule.type === 'cellIs' ? (rule.operator ?? null) : null,
            formulae: (rule.formulae ?? []).map(String),
            fill: fromArgb((rule.style?.fill as ExcelJS.FillPattern | undefined)?.bgColor?.argb),
            fontColor: fromArgb(rule.style?.font?.color?.argb),
          })),
        ),
        merges: ((ws as unknown as { model: { merges?: string[] } }).model.merges ?? []).slice().sort(),
        columns: Array.from({ length: columns }, (_, c) => ({ width: ws.getColumn(c + 1).width ?? 0, hidden: ws.getColumn(c + 1).hidden })),
        rowHeights: new Map(
          Array.from({ length: rows }, (_, r) => [r, ws.getRow(r + 1).height] as const).filter((e): e is readonly [number, number] => typeof e[1] === 'number' && e[1] > 0),
        ),
        freeze: view?.state === 'frozen' && ((view.ySplit ?? 0) > 0 || (view.xSplit ?? 0) > 0) ? { rows: view.ySplit ?? 0, columns: view.xSplit ?? 0 } : null,
        protection: xlsxProtection((ws as unknown as { sheetProtection: Record<string, unknown> | null }).sheetProtection),
        tables: (ws as unknown as { getTables(): Array<{ table: { name: string; tableRef: string; style?: { theme?: string } } }> })
          .getTables()
          .map(({ table }) => ({ name: table.name, range: table.tableRef, style: table.style?.theme ?? '' })),
        charts: await xlsxCharts(zip, i + 1),
      };
    }),
  );
  const names = xlsxNames(workbookXml).sort((a, b) => `${a.scope}!${a.name}`.localeCompare(`${b.scope}!${b.name}`));
  return { sheets, names };
}

const FAKE_CHART_KINDS: Record<string, ChartSnapshot['kind']> = { BarClustered: 'bar', ColumnClustered: 'column', Pie: 'pie' };

function fakeChart(chart: FakeSheet['charts'][number]): ChartSnapshot {
  const series = chart.series[0];
  const start = chart.position?.start;
  const end = chart.position?.end ?? start;
  return {
    kind: FAKE_CHART_KINDS[chart.type] ?? 'bar',
    title: chart.title ?? '',
    seriesName: series?.name ?? '',
    categories: series?.xValues ? formatAddress(series.xValues) : '',
    values: series ? formatAddress(series.values) : '',
    from: start ? cellAddress(start.r1, start.c1) : '',
    to: end ? cellAddress(end.r1, end.c1) : '',
  };
}

/** The charts of sheet N as the chart parts of the package hold them (drawing anchors, c:chartSpace). */
async function xlsxCharts(zip: JSZip, sheetNo: number): Promise<ChartSnapshot[]> {
  const read = async (path: string) => (await zip.file(path)?.async('string')) ?? null;
  const sheetXml = (await read(`xl/worksheets/sheet${sheetNo}.xml`)) ?? '';
  const drawingId = /<drawing r:id="([^"]+)"/.exec(sheetXml)?.[1];
  if (!drawingId) return [];
  const target = (rels: string, id: string) => new RegExp(`Id="${id}"[^>]*Target="\\.\\./([^"]+)"`).exec(rels)?.[1] ?? '';
  const drawingPath = `xl/${target((await read(`xl/worksheets/_rels/sheet${sheetNo}.xml.rels`)) ?? '', drawingId)}`;
  const drawing = (await read(drawingPath)) ?? '';
  const drawingRels = (await read(drawingPath.replace(/drawings\/(drawing\d+\.xml)$/, 'drawings/_rels/$1.rels'))) ?? '';
  const out: ChartSnapshot[] = [];
  for (const anchor of drawing.match(/<xdr:twoCellAnchor[\s\S]*?<\/xdr:twoCellAnchor>/g) ?? []) {
    const marker = (tag: string) => {
      const m = new RegExp(`<xdr:${tag}><xdr:col>(\\d+)</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>(\\d+)</xdr:row>`).exec(anchor);
      return { c: Number(m?.[1]), r: Number(m?.[2]) };
    };
    const from = marker('from');
    const to = marker('to');
    const chart = (await read(`xl/${target(drawingRels, /r:id="([^"]+)"/.exec(anchor)?.[1] ?? '')}`)) ?? '';
    const range = (tag: string) => unescapeXml(new RegExp(`<c:${tag}><c:(?:str|num)Ref><c:f>([^<]*)</c:f>`).exec(chart)?.[1] ?? '').replace(/^.*!/, '').replace(/\$/g, '');
    out.push({
      kind: chart.includes('<c:pieChart>') ? 'pie' : chart.includes('<c:barDir val="bar"/>') ? 'bar' : 'column',
      title: unescapeXml(/<c:title>[\s\S]*?<a:t>([^<]*)<\/a:t>/.exec(chart)?.[1] ?? ''),
      seriesName: unescapeXml(/<c:ser>[\s\S]*?<c:tx><c:v>([^<]*)<\/c:v>/.exec(chart)?.[1] ?? ''),
      categories: range('cat'),
      values: range('val'),
      from: cellAddress(from.r, from.c),
      // The "to" marker is the edge of the cell past the chart: the last cell covered is one before it.
      to: cellAddress(to.r - 1, to.c - 1),
    });
  }
  return out;
}
