import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import { createFakeExcel } from '../../addin/testing/fake-excel';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { EXCEL_LIMITS } from '../../shared/layout/excel-rules';
import { STYLES } from '../../shared/layout/labels';
import { agencyTemplate } from '../../shared/layout/template';
import type { CellSpec, SheetLayout, WorkbookLayout } from '../../shared/layout/types';
import { renderWorkbook } from '../../server/xlsx/render';
import { snapshotOfFake, snapshotOfXlsx } from './workbook-snapshot';
import type { SheetSnapshot, WorkbookSnapshot } from './workbook-snapshot';

/**
 * The same layouts drawn by both renderers — the Office.js adapter on the fake Excel host,
 * and exceljs (server/xlsx/render.ts) read back from the file it wrote — compared cell by
 * cell: values, number formats, locked cells, styles, data validations (type, operands,
 * prompts, error alerts, ranges), conditional formats, merges, sizes, frozen panes, defined
 * names with their scope, sheet protection, Excel tables and native charts (the .xlsx's chart
 * parts, server/xlsx/chart-parts.ts, against the charts the adapter added).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const register = createRegister(load('shared/agencies/hanoi.json'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const plan181 = compilePlan(load('shared/plans/hn-kh181-2024.json'));
// A plan written as tasks (test/fixtures/task-plan.json): the task sheet of both workbooks.
const taskPlan = compilePlan(load('test/fixtures/task-plan.json'));

const sizesOf = (layout: WorkbookLayout) => layout.sheets.map((s) => ({ rows: s.grid.length, columns: s.columns.length }));

async function throughOffice(layout: WorkbookLayout): Promise<WorkbookSnapshot> {
  const fake = createFakeExcel();
  const adapter = createOfficeAdapter(fake.Excel as unknown as typeof Excel);
  const names = layout.metadata.format === 'an-sinh-template' ? (await adapter.insertTemplate(layout)).sheets.map((s) => s.name) : (await adapter.writeConsolidated(layout)).sheets;
  return snapshotOfFake(fake.workbook, names, sizesOf(layout));
}

async function throughExceljs(layout: WorkbookLayout): Promise<WorkbookSnapshot> {
  return snapshotOfXlsx(await renderWorkbook(layout), sizesOf(layout));
}

interface Coverage {
  cells: number;
  validatedCells: number;
  validationRanges: number;
  conditionalFormats: number;
  names: number;
  protectedSheets: number;
  lockedCells: number;
  tables: number;
  charts: number;
}
const coverage: Coverage = { cells: 0, validatedCells: 0, validationRanges: 0, conditionalFormats: 0, names: 0, protectedSheets: 0, lockedCells: 0, tables: 0, charts: 0 };

const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? Object.fromEntries(x) : x));

/** Every difference between the two sheets, as "where: office … xlsx …" lines. */
function sheetDifferences(office: SheetSnapshot, xlsx: SheetSnapshot): string[] {
  const out: string[] = [];
  const differ = (where: string, a: unknown, b: unknown) => {
    try {
      assert.deepStrictEqual(a, b);
    } catch {
      out.push(`${office.name} ${where}: office ${show(a)} ≠ xlsx ${show(b)}`);
    }
  };
  differ('name', office.name, xlsx.name);
  differ('visibility', office.visibility, xlsx.visibility);
  for (const [address, cell] of office.cells) differ(address, cell, xlsx.cells.get(address));
  const validated = new Set([...office.validations.keys(), ...xlsx.validations.keys()]);
  for (const address of validated) differ(`validation ${address}`, office.validations.get(address), xlsx.validations.get(address));
  differ('validation ranges', office.validationRanges, xlsx.validationRanges);
  differ('conditional formats', office.conditionalFormats, xlsx.conditionalFormats);
  differ('merges', office.merges, xlsx.merges);
  differ('columns', office.columns, xlsx.columns);
  differ('row heights', office.rowHeights, xlsx.rowHeights);
  differ('frozen panes', office.freeze, xlsx.freeze);
  differ('protection', office.protection, xlsx.protection);
  differ('tables', office.tables, xlsx.tables);
  differ('charts', office.charts, xlsx.charts);
  return out;
}

async function assertSameWorkbook(layout: WorkbookLayout): Promise<void> {
  const [office, xlsx] = await Promise.all([throughOffice(layout), throughExceljs(layout)]);
  assert.equal(office.sheets.length, layout.sheets.length);
  assert.equal(xlsx.sheets.length, layout.sheets.length);
  const differences = office.sheets.flatMap((s, i) => sheetDifferences(s, xlsx.sheets[i]!));
  try {
    assert.deepStrictEqual(office.names, xlsx.names);
  } catch {
    differences.push(`defined names: office ${show(office.names.slice(0, 5))}… ≠ xlsx ${show(xlsx.names.slice(0, 5))}…`);
  }
  assert.deepEqual(differences.slice(0, 20), [], `${differences.length} differences between the Office.js and the exceljs workbook`);
  // Something was compared: every layout cell, validation, format, name.
  for (const s of office.sheets) {
    coverage.cells += s.cells.size;
    coverage.lockedCells += [...s.cells.values()].filter((c) => c.locked).length;
    coverage.validatedCells += s.validations.size;
    coverage.validationRanges += s.validationRanges.length;
    coverage.conditionalFormats += s.conditionalFormats.length;
    if (s.protection) coverage.protectedSheets++;
    coverage.tables += s.tables.length;
    coverage.charts += s.charts.length;
  }
  coverage.names += office.names.length;
  const layoutNames = layout.sheets.reduce((n, s) => n + s.names.length, 0);
  assert.ok(office.names.length > 0 || layoutNames === 0, 'the names were read back');
}

/** A layout that pushes every rule: text limits, lists with commas, quotes and blanks, each validation and format kind, bad names, tall rows. */
function rulesLayout(): WorkbookLayout {
  const long = `${'x'.repeat(EXCEL_LIMITS.cellText - 2)}😀tail`;
  const row = (cells: Array<Partial<CellSpec>>): CellSpec[] => [0, 1, 2, 3].map((c) => ({ v: null, s: 'text', ...cells[c] }));
  const grid: CellSpec[][] = [
    row([{ v: 'Kiểm tra', s: 'title', text: true }, { v: '=HYPERLINK("http://x","y")', text: true }, { v: '+84 24', text: true }, { v: "'quoted", text: true }]),
    row([{ v: long, text: true }, { v: 'a\u0001b\uFFFEc', text: true }, { v: 12.5, s: 'number', f: '#,##0.0' }, { v: true }]),
    row([{ v: null, s: 'input', f: '#,##0', input: { kind: 'value', code: '1', name: 'asr.value.1' } }, { v: null, s: 'inputText', input: { kind: 'note', code: '1', name: 'asr.note.1' } }, { v: null, s: 'input', f: 'dd/mm/yyyy', input: { kind: 'documentDate', code: 'd', name: 'asr.documentDate.d' } }, { v: null, s: 'inputText', input: { kind: 'answer', code: '1', name: 'asr.answer.1' } }]),
    row([{ v: 1, s: 'output' }, { v: 50, s: 'outputNumber' }, { v: 'Đạt', s: 'output' }, { v: '', s: 'output' }]),
    // A table whose header has a blank, a number and a repeat (ignoring case and spaces).
    row([{ v: null, s: 'header' }, { v: 2023, s: 'header' }, { v: 'Mã', s: 'header', text: true }, { v: ' mã ', s: 'header', text: true }]),
    row([{ v: 1 }, { v: 2 }, { v: 'a', text: true }, { v: 'b', text: true }]),
  ];
  const sheet: SheetLayout = {
    name: 'Kiểm tra',
    role: 'rules',
    visibility: 'visible',
    columns: [{ key: 'a', width: 12 }, { key: 'b', width: 30 }, { key: 'c', width: 8.5, hidden: true }, { key: 'd', width: 20 }],
    grid,
    merges: ['A4:B4'],
    rowHeights: { 0: 600, 1: 30, 2: -4 },
    freeze: { rows: 1, columns: 0 },
    validations: [
      { range: 'A3', rule: { kind: 'whole', min: 0 }, errorStyle: 'stop', prompt: { vi: 'P'.repeat(300), en: 'p' }, error: { vi: 'E'.repeat(300), en: 'e' } },
      { range: 'B3', rule: { kind: 'textLength', max: 2000.7 }, errorStyle: 'information' },
      { range: 'C3', rule: { kind: 'date', min: '2020-01-01', max: '2030-12-31' }, errorStyle: 'warning' },
      { range: 'D3', rule: { kind: 'list', values: [' Đạt ', 'Cơ bản, đạt', '"Không" đạt', '', '  '] }, errorStyle: 'stop', prompt: { vi: 'Chọn', en: 'Choose' } },
      { range: 'A3:B3', rule: { kind: 'decimal', max: 10 }, errorStyle: 'warning' },
      { range: 'A1', rule: { kind: 'list', values: Array.from({ length: 60 }, (_, i) => `mục ${i}`) }, errorStyle: 'stop' },
      { range: 'B1', rule: { kind: 'list', values: ['', ' '] }, errorStyle: 'stop' },
    ],
    conditionalFormats: [
      { range: 'C4:D4', rule: { kind: 'textEquals', text: 'Đạt "x"' }, fill: '#dff6dd', fontColor: '#107c10' },
      { range: 'A4:B4', rule: { kind: 'between', min: 0, max: 100 }, fill: '#FFF4CE' },
      { range: 'A4', rule: { kind: 'lessThan', value: 5 }, fill: '#FDE7E9' },
      { range: 'B4', rule: { kind: 'greaterOrEqual', value: 50 }, fill: '#DFF6DD' },
      { range: 'D4', rule: { kind: 'blank' }, fill: '#F3F2F1' },
    ],
    names: [
      { name: 'asr.value.1', ref: '$A$3' },
      { name: 'asr.note.1', ref: '$B$3' },
      { name: 'asr.documentDate.d', ref: '$C$3' },
      { name: 'asr.answer.1', ref: '$D$3' },
      { name: 'ASR.VALUE.1', ref: '$D$4' },
      { name: 'A1', ref: '$A$1' },
      { name: 'bad name', ref: '$A$1' },
      { name: 'asr.range', ref: '$A$4:$B$4' },
    ],
    protection: { protect: true, allowFormatColumns: false, allowFormatRows: true, allowAutoFilter: false },
    tables: [{ name: 'KiemTra', range: 'A5:D6', style: 'TableStyleLight9' }],
    charts: [],
  };
  return { sheets: [sheet], styles: STYLES, metadata: { format: 'parity-rules', planId: 'rules', period: '2024', lang: 'vi' } };
}

describe('layout parity: the Office.js adapter and the .xlsx writer draw the same workbook', function () {
  this.timeout(120_000);

  const templates: Array<[string, ReturnType<typeof compilePlan>, string, string, 'vi' | 'en']> = [
    ['plan 207, hn-syt, 2023-6M', plan207, 'hn-syt', '2023-6M', 'vi'],
    ['plan 207, hn-sldtbxh, 2024, in English', plan207, 'hn-sldtbxh', '2024', 'en'],
    ['plan 207, hn-bhxh, 2025-9M', plan207, 'hn-bhxh', '2025-9M', 'vi'],
    ['plan 181, hn-syt, 2025-9M', plan181, 'hn-syt', '2025-9M', 'vi'],
    ['plan 181, hn-sgddt, 2024, in English', plan181, 'hn-sgddt', '2024', 'en'],
    ['plan 181, hn-sxd, 2024', plan181, 'hn-sxd', '2024', 'vi'],
    ['a task plan, hn-syt, 2026', taskPlan, 'hn-syt', '2026', 'vi'],
    ['a task plan, hn-snv, 2026-6M, in English', taskPlan, 'hn-snv', '2026-6M', 'en'],
  ];
  for (const [title, plan, agencyId, period, lang] of templates) {
    it(`the agency template: ${title}`, async () => {
      await assertSameWorkbook(agencyTemplate(plan, register, { agencyId, period, lang }));
    });
  }

  it('the consolidated workbook of plan 207, 2023, with reports', async () => {
    const reports = [
      { agencyId: 'hn-syt', status: 'submitted' as const, entries: [{ code: '11', value: '28,7', note: '=Ghi chú' }, { code: '12', value: 14.1 }] },
      { agencyId: 'hn-sldtbxh', status: 'approved' as const, entries: [{ code: '1', value: '2,5%' }, { code: '20', value: 'Cơ bản đạt' }] },
      { agencyId: 'hn-bhxh', status: 'returned' as const, entries: [{ code: '3', value: 45 }], comment: 'Bổ sung số liệu', updatedAt: '2023-12-05T02:30:00.000Z' },
    ];
    await assertSameWorkbook(consolidatedWorkbook(plan207, register, consolidate(plan207, register, { period: '2023', reports })));
  });

  it('the consolidated workbook of plan 207, 2023, with the trend sheet over 2022 and 2023-6M', async () => {
    const reports = (value: string) => [{ agencyId: 'hn-syt', status: 'submitted' as const, entries: [{ code: '11', value }, { code: '12', value: 14.1 }] }];
    const table = (period: string, value: string) => consolidate(plan207, register, { period, reports: reports(value) });
    const layout = consolidatedWorkbook(plan207, register, table('2023', '28,7'), 'vi', [table('2022', '20'), table('2023-6M', '25')]);
    assert.ok(layout.sheets.some((s) => s.role === 'trend' && s.charts.length === 1));
    await assertSameWorkbook(layout);
  });

  it('the consolidated workbook of plan 181, 2024, in English, without reports', async () => {
    await assertSameWorkbook(consolidatedWorkbook(plan181, register, consolidate(plan181, register, { period: '2024', reports: [] }), 'en'));
  });

  it('the consolidated workbook of a task plan, 2026, with task reports, in both languages', async () => {
    const reports = [
      {
        agencyId: 'hn-syt',
        status: 'submitted' as const,
        entries: [{ code: '2', value: 95 }],
        tasks: [
          { code: 'IV.2.1', status: 'inProgress' as const, account: 'Đã lấy ý kiến các sở' },
          { code: 'IV.2.2', status: 'notStarted' as const, account: 'Chờ hướng dẫn', evidence: 'Công văn 12/SYT-NVY ngày 20/5/2026' },
        ],
      },
    ];
    const table = consolidate(taskPlan, register, { period: '2026', reports });
    for (const lang of ['vi', 'en'] as const) {
      const layout = consolidatedWorkbook(taskPlan, register, table, lang);
      assert.ok(layout.sheets.some((s) => s.role === 'tasks'));
      await assertSameWorkbook(layout);
    }
  });

  it("a layout at Excel's limits: long and unclean text, every validation and format kind, odd lists and names, a row too tall, odd table headers", async () => {
    const layout = rulesLayout();
    await assertSameWorkbook(layout);
    const office = await throughOffice(layout);
    assert.deepEqual(['A5', 'B5', 'C5', 'D5'].map((a) => office.sheets[0]!.cells.get(a)!.value), ['Cột 1', '2023', 'Mã', 'mã 2']);
  });

  after(() => {
    console.log(`      compared: ${JSON.stringify(coverage)}`);
    assert.ok(coverage.cells > 5_000 && coverage.validatedCells > 100 && coverage.conditionalFormats > 50 && coverage.names > 100 && coverage.protectedSheets > 10 && coverage.charts >= 11);
  });
});
