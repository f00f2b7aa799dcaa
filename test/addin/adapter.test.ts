import assert from 'node:assert/strict';
import { judgementOf } from '../../addin/src/controller';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_REQUEST_BYTES, POINTS_PER_CHARACTER, TEMPLATES_SETTING, CONSOLIDATED_SETTING, createOfficeAdapter } from '../../addin/excel/office-adapter';
import type { Judgement, ReadInputs, WorkbookPort } from '../../addin/excel/port';
import { REQUEST_LIMIT_BYTES, createFakeExcel, formatAddress, parseAddress } from '../../addin/testing/fake-excel';
import type { FakeExcelHost, FakeRequestContext, FakeSheet } from '../../addin/testing/fake-excel';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import type { CompiledPlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { numberFormatOf } from '../../shared/layout/excel-rules';
import { CATEGORY_SHORT, COLORS, VERDICT_LABELS } from '../../shared/layout/labels';
import { METADATA_SHEET, agencyTemplate, indicatorColumn } from '../../shared/layout/template';
import type { CellSpec, InputRef, SheetLayout, WorkbookLayout } from '../../shared/layout/types';
import { validateReport } from '../../shared/validate';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const rawPlan207 = load('shared/plans/hn-kh207-2021.json');
const plan207 = compilePlan(rawPlan207);
const register = createRegister(load('shared/agencies/hanoi.json'));
const MB4 = 4 * 1024 * 1024;

function setup(options: { maxRequestBytes?: number } = {}): { fake: FakeExcelHost; adapter: WorkbookPort } {
  const fake = createFakeExcel();
  return { fake, adapter: createOfficeAdapter(fake.Excel as unknown as typeof Excel, options) };
}

const run = <T>(fake: FakeExcelHost, batch: (context: FakeRequestContext) => Promise<T>) => fake.Excel.run(batch);

/** Plan 207 with indicator 11 cloned as indicators "1".."n", all led by hn-syt. */
function syntheticPlan(n: number): CompiledPlan {
  const i11 = rawPlan207.indicators.find((i: { code: string }) => i.code === '11');
  return compilePlan({
    ...rawPlan207,
    id: `synthetic-${n}`,
    indicators: Array.from({ length: n }, (_, k) => ({ ...structuredClone(i11), code: String(k + 1), name: `${i11.name} (${k + 1})` })),
    rules: [],
  });
}

const template = (plan: CompiledPlan = plan207, agencyId = 'hn-syt', period = '2023-6M') => agencyTemplate(plan, register, { agencyId, period });

/** What the number format of a layout cell must be in Excel (the shared rule both renderers follow). */
const expectedFormat = (spec: CellSpec) => numberFormatOf(spec);

/** Every promise of the layout, checked on the fake workbook. */
function assertRendered(sheet: FakeSheet, layout: SheetLayout, workbook: WorkbookLayout): void {
  assert.equal(sheet.visibility, { visible: 'Visible', hidden: 'Hidden', veryHidden: 'VeryHidden' }[layout.visibility]);
  layout.grid.forEach((row, r) => {
    row.forEach((spec, c) => {
      const at = `${sheet.name}!${formatAddress({ r1: r, c1: c, r2: r, c2: c })}`;
      const cell = sheet.cellAt(r, c);
      assert.ok(cell, `${at} written`);
      if (layout.role !== 'metadata' || c !== 1 || row[0]?.v !== 'sheets') assert.equal(cell.value, spec.v === '' ? null : spec.v, `${at} value`);
      assert.equal(cell.formula, null, `${at} is not a formula`);
      assert.equal(cell.numberFormat, expectedFormat(spec), `${at} number format`);
      assert.equal(cell.locked, !spec.input, `${at} ${spec.input ? 'unlocked input' : 'locked'}`);
      const style = workbook.styles[spec.s];
      assert.equal(cell.format.fill, style.fill?.toUpperCase() ?? null, `${at} fill`);
      assert.equal(cell.format.font.size, style.size ?? 11, `${at} font size`);
      assert.equal(cell.format.font.bold, !!style.bold, `${at} bold`);
      assert.equal(cell.format.wrapText, !!style.wrap, `${at} wrap`);
      if (style.border) assert.deepEqual(Object.keys(cell.format.borders).sort(), ['EdgeBottom', 'EdgeLeft', 'EdgeRight', 'EdgeTop'], `${at} borders`);
    });
  });
  assert.deepEqual(sheet.merges.map((m) => formatAddress(m)).sort(), [...layout.merges].sort());
  // Validation on exactly the layout's bounded ranges.
  assert.deepEqual(sheet.validations.map((v) => formatAddress(v.rect)).sort(), layout.validations.map((v) => formatAddress(parseAddress(v.range)!)).sort());
  for (const v of sheet.validations) {
    assert.ok(v.rect.r2 < layout.grid.length, 'validation ranges are bounded');
    assert.ok(v.rule && v.errorAlert, 'rule and error alert');
  }
  assert.equal(sheet.conditionalFormats.length, layout.conditionalFormats.length);
  for (const [i, cf] of layout.conditionalFormats.entries()) {
    const got = sheet.conditionalFormats[i]!;
    assert.equal(formatAddress(got.rect), formatAddress(parseAddress(cf.range)!));
    if (cf.rule.kind === 'textEquals') assert.match(String(got.rule.formula), /^=EXACT\([A-Z]+\d+,".*"\)$/);
    assert.equal(got.format.fill, cf.fill.toUpperCase());
  }
  // One sheet-scoped name per input, on its cell.
  assert.equal(sheet.names.size, layout.names.length);
  for (const n of layout.names) assert.equal(sheet.nameAddress(n.name), n.ref.replace(/\$/g, ''), n.name);
  assert.equal(sheet.protection.protected, !!layout.protection?.protect);
  if (layout.protection) {
    assert.equal(sheet.protection.options.allowFormatColumns, layout.protection.allowFormatColumns);
    assert.equal(sheet.protection.options.allowFormatRows, layout.protection.allowFormatRows);
    assert.equal(sheet.protection.options.allowInsertRows, false);
  }
  assert.deepEqual(sheet.freeze, layout.freeze && (layout.freeze.rows || layout.freeze.columns) ? layout.freeze : null);
  layout.columns.forEach((col, c) => {
    assert.equal(sheet.columnWidths.get(c), Math.round(col.width * POINTS_PER_CHARACTER * 100) / 100, `width of column ${c}`);
    assert.equal(sheet.hiddenColumns.has(c), !!col.hidden);
  });
  for (const [r, h] of Object.entries(layout.rowHeights)) assert.equal(sheet.rowHeights.get(Number(r)), h, `height of row ${r}`);
}

/** The first input of a kind in a layout (codes such as "2021-Q1.1" do not survive in names). */
function firstInput(layout: WorkbookLayout, kind: InputRef['kind']): InputRef {
  for (const s of layout.sheets) for (const row of s.grid) for (const c of row) if (c.input?.kind === kind) return c.input;
  throw new Error(`no ${kind} input`);
}
const nameOf = (kind: InputRef['kind'], code: string) => `asr.${kind}.${code.replace(/[^A-Za-z0-9]+/g, '_')}`;

function findRow(layout: SheetLayout, code: string): number {
  return layout.grid.findIndex((row) => row[0]?.v === code && row.some((c) => c.input));
}

/** Types into an input as a user would (the sheet stays protected: inputs are unlocked). */
async function typeInto(fake: FakeExcelHost, sheetName: string, name: string, value: string | number): Promise<void> {
  await run(fake, async (context) => {
    context.workbook.worksheets.getItem(sheetName).names.getItem(name).getRange().values = [[value]];
  });
}

/** The shared engine turned into a judgement, exactly as the task pane does it. */
function engineJudge(plan: CompiledPlan, agencyId: string, period: string, seen: ReadInputs[] = []) {
  return (inputs: ReadInputs): Judgement => {
    seen.push(inputs);
    return judgementOf(validateReport(plan, { agencyId, period, ...inputs }, { register }), 'vi');
  };
}

describe('Office.js adapter against the fake Excel host', () => {
  describe('insertTemplate', () => {
    it('writes hn-syt 2023-6M in at most 3 syncs, leaving the workbook exactly in the layout\'s state', async () => {
      const { fake, adapter } = setup();
      const layout = template();
      // Text that Excel would run as a formula or reinterpret must stay text.
      const tricky = structuredClone(layout);
      const sheet0 = tricky.sheets[0]!;
      const row11 = sheet0.grid[findRow(sheet0, '11')]!;
      row11[indicatorColumn('name')]!.v = '=HYPERLINK("http://x","y")';
      row11[indicatorColumn('unit')]!.v = '+84 24 3825';
      row11[indicatorColumn('baseline')]!.v = '-5 hộ';
      row11[indicatorColumn('yearTarget')]!.v = '@risk';
      row11[indicatorColumn('periodTarget')]!.v = "'quoted";

      const ref = await adapter.insertTemplate(tricky);
      const stats = fake.stats();
      assert.ok(stats.syncs <= 3, `${stats.syncs} syncs`);
      assert.ok(Math.max(...stats.requestBytes) < MB4);

      const wb = fake.workbook;
      assert.deepEqual(ref.sheets.map((s) => [s.role, s.name]), [['indicators', 'Chỉ tiêu'], ['documents', 'Văn bản'], ['projects', 'Dự án'], ['metadata', METADATA_SHEET]]);
      assert.deepEqual({ planId: ref.planId, revision: ref.revision, agencyId: ref.agencyId, period: ref.period, lang: ref.lang }, { planId: 'hn-kh207-2021', revision: 1, agencyId: 'hn-syt', period: '2023-6M', lang: 'vi' });
      for (const [i, s] of tricky.sheets.entries()) {
        const sheet = wb.sheet(ref.sheets[i]!.id)!;
        assert.equal(sheet.name, s.name);
        assertRendered(sheet, s, tricky);
      }
      const indicators = wb.sheet('Chỉ tiêu')!;
      const r = findRow(sheet0, '11');
      const cellOf = (key: Parameters<typeof indicatorColumn>[0]) => indicators.cellAt(r, indicatorColumn(key))!;
      assert.equal(cellOf('name').value, '=HYPERLINK("http://x","y")');
      assert.equal(cellOf('unit').value, '+84 24 3825');
      assert.equal(cellOf('baseline').value, '-5 hộ');
      assert.equal(cellOf('yearTarget').value, '@risk');
      assert.equal(cellOf('periodTarget').value, "'quoted");
      for (const key of ['name', 'unit', 'baseline', 'yearTarget', 'periodTarget'] as const) assert.equal(cellOf(key).formula, null, key);
      assert.equal(cellOf('code').value, '11', 'codes stay text');
      assert.equal(cellOf('value').numberFormat, '#,##0.#');
      assert.equal(cellOf('value').locked, false);
      assert.equal(cellOf('name').locked, true);
      assert.equal(cellOf('verdict').locked, true);

      const meta = wb.sheet(METADATA_SHEET)!;
      assert.equal(meta.visibility, 'VeryHidden');
      assert.equal(meta.values('B1')[0]![0], 'an-sinh-template');
      assert.equal(wb.activeSheet?.name, 'Chỉ tiêu');

      const stored = JSON.parse(String(wb.setting(TEMPLATES_SETTING)));
      assert.equal(stored.length, 1);
      assert.deepEqual(stored[0].sheets, ref.sheets);
      assert.equal(stored[0].inputs.length, tricky.sheets.reduce((n, s) => n + s.names.length, 0));
      assert.deepEqual(stored[0].outputs.verdict, { role: 'indicators', anchor: 'value', offset: indicatorColumn('verdict') - indicatorColumn('value') });
    });

    it('keeps the sync count constant from 10 to 500 indicators, with request bytes growing linearly and none over 4 MB', async () => {
      const rows: Array<{ n: number; syncs: number; bytes: number[]; total: number }> = [];
      for (const n of [10, 100, 500]) {
        const { fake, adapter } = setup();
        const layout = template(syntheticPlan(n));
        await adapter.insertTemplate(layout);
        const { syncs, requestBytes } = fake.stats();
        rows.push({ n, syncs, bytes: requestBytes, total: requestBytes.reduce((a, b) => a + b, 0) });
        assert.ok(requestBytes.every((b) => b <= MB4), `${n}: a request over 4 MB`);
        assertRendered(fake.workbook.sheet('Chỉ tiêu')!, layout.sheets[0]!, layout);
        assert.equal(fake.workbook.sheet('Chỉ tiêu')!.names.size, 2 * n, 'value and note of every indicator are named');
      }
      console.log(`      insertTemplate: ${rows.map((r) => `${r.n} indicators → ${r.syncs} syncs, requests ${r.bytes.join(' + ')} bytes`).join('; ')}`);
      assert.deepEqual(rows.map((r) => r.syncs), [3, 3, 3]);
      const [a, b, c] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
      const perIndicatorLow = (b.total - a.total) / (b.n - a.n);
      const perIndicatorHigh = (c.total - b.total) / (c.n - b.n);
      assert.ok(perIndicatorLow > 0 && Math.abs(perIndicatorHigh / perIndicatorLow - 1) < 0.2, `bytes per indicator ${perIndicatorLow.toFixed(0)} then ${perIndicatorHigh.toFixed(0)}: not linear`);
    });

    it('splits the writes of a 500-indicator template into several requests when they would not fit one, with the same result', async () => {
      const layout = template(syntheticPlan(500));
      const whole = setup();
      await whole.adapter.insertTemplate(layout);
      const budget = 256 * 1024;
      const split = setup({ maxRequestBytes: budget });
      await split.adapter.insertTemplate(layout);
      const { syncs, requestBytes } = split.fake.stats();
      console.log(`      500 indicators with a ${budget}-byte budget: ${syncs} syncs, largest request ${Math.max(...requestBytes)} bytes`);
      assert.ok(syncs > 3, 'more requests');
      assert.ok(requestBytes.every((b) => b <= budget), `requests ${requestBytes.join(', ')} over the budget`);
      for (const s of layout.sheets) {
        const a = whole.fake.workbook.sheet(s.name)!;
        const b = split.fake.workbook.sheet(s.name)!;
        assertRendered(b, s, layout);
        assert.deepEqual([...b.cells.entries()], [...a.cells.entries()], `${s.name}: same cells`);
      }
      assert.ok(DEFAULT_MAX_REQUEST_BYTES <= MB4 && MB4 < REQUEST_LIMIT_BYTES);
    });

    it('picks unique sheet names beside an earlier template of the same plan, agency and period, and replaces its record', async () => {
      const { fake, adapter } = setup();
      const first = await adapter.insertTemplate(template());
      await typeInto(fake, 'Chỉ tiêu', 'asr.value.11', 28.7);
      fake.reset();
      const second = await adapter.insertTemplate(template());
      assert.ok(fake.stats().syncs <= 3);
      assert.deepEqual(second.sheets.map((s) => s.name), ['Chỉ tiêu (2)', 'Văn bản (2)', 'Dự án (2)', METADATA_SHEET]);
      // The earlier sheets and the figures typed in them stay; its metadata sheet gave way.
      assert.equal(fake.workbook.sheet(first.sheets[0]!.id)!.values('K7')[0]![0], 28.7);
      assert.equal(fake.workbook.sheet(first.sheets[3]!.id), undefined);
      const metaSheet = fake.workbook.sheet(METADATA_SHEET)!;
      const sheetsRow = metaSheet.values('A1:B20').find((r) => r[0] === 'sheets')!;
      assert.equal(sheetsRow[1], 'indicators=Chỉ tiêu (2);documents=Văn bản (2);projects=Dự án (2)');
      const found = await adapter.findTemplates();
      assert.deepEqual(found, [second]);
    });
  });

  describe('findTemplates, validateInPlace, writeInputs, selectInput', () => {
    it('finds the template after a rename and two rows inserted above the inputs, and validation still reads and writes the right cells', async () => {
      const { fake, adapter } = setup();
      const layout = template();
      const sheet0 = layout.sheets[0]!;
      const ref = await adapter.insertTemplate(layout);
      await typeInto(fake, 'Chỉ tiêu', 'asr.value.11', 28.7);
      await typeInto(fake, 'Chỉ tiêu', 'asr.note.11', 'Đúng kế hoạch');
      await typeInto(fake, 'Chỉ tiêu', 'asr.value.12', 'abc');
      await typeInto(fake, 'Chỉ tiêu', 'asr.value.13', 50);
      const doc = firstInput(layout, 'documentStatus').code;
      await typeInto(fake, 'Văn bản', nameOf('documentStatus', doc), 'Đã ban hành');
      await typeInto(fake, 'Văn bản', nameOf('documentDate', doc), 45091);

      // The user renames the sheet and inserts two rows above the indicators.
      await run(fake, async (context) => {
        const ws = context.workbook.worksheets.getItem('Chỉ tiêu');
        const protection = ws.protection.load('options');
        await context.sync();
        ws.protection.unprotect();
        ws.getRange('7:8').insert('Down');
        ws.name = 'Báo cáo Sở Y tế';
        ws.protection.protect(protection.options);
      });

      fake.reset();
      const found = await adapter.findTemplates();
      assert.equal(fake.stats().syncs, 1);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.sheets[0]!.name, 'Báo cáo Sở Y tế');
      assert.equal(found[0]!.sheets[0]!.id, ref.sheets[0]!.id);

      fake.reset();
      const seen: ReadInputs[] = [];
      await adapter.validateInPlace(found[0]!, engineJudge(plan207, 'hn-syt', '2023-6M', seen));
      assert.ok(fake.stats().syncs <= 2, `${fake.stats().syncs} syncs`);
      const inputs = seen[0]!;
      const entry = (code: string) => inputs.entries.find((e) => e.code === code);
      assert.deepEqual(entry('11'), { code: '11', value: 28.7, numberFormat: '#,##0.#', note: 'Đúng kế hoạch' });
      assert.deepEqual(entry('12'), { code: '12', value: 'abc' });
      assert.equal(entry('13')?.value, 50);
      assert.deepEqual(entry('14'), { code: '14' }, 'blank inputs are listed');
      assert.equal(inputs.entries.length, sheet0.grid.filter((row) => row.some((c) => c.input?.kind === 'value')).length);
      assert.deepEqual(inputs.documents.find((d) => d.code === doc), { code: doc, status: 'issued', issuedOn: '2023-06-14' });

      const ws = fake.workbook.sheet('Báo cáo Sở Y tế')!;
      const shifted = findRow(sheet0, '11') + 2;
      const at = (key: Parameters<typeof indicatorColumn>[0], row: number) => ws.readValue(row, indicatorColumn(key));
      assert.equal(at('verdict', shifted), VERDICT_LABELS.met.vi);
      assert.equal(at('progressYear', shifted), 100.7);
      assert.equal(at('progressPeriod', shifted), 95.7);
      assert.equal(at('category', shifted), CATEGORY_SHORT[2].vi);
      assert.equal(at('verdict', shifted + 2), VERDICT_LABELS.notMet.vi, '13 is missed');
      assert.equal(at('verdict', shifted - 2), '', 'nothing written where the row used to be');
      // Highlights: an error red, a warning amber, the rest the input fill.
      const fill = (name: string) => ws.cell(ws.nameAddress(name)!)!.format.fill;
      assert.equal(fill('asr.value.12'), COLORS.notMet, 'not a number: error');
      assert.equal(fill('asr.note.13'), COLORS.notMet, 'note required: error');
      assert.equal(fill('asr.value.13'), COLORS.tolerance, 'target missed: warning');
      assert.equal(fill('asr.value.11'), COLORS.inputFill);
      assert.equal(ws.protection.protected, true, 'the sheet is protected again');
      assert.equal(ws.protection.options.allowFormatColumns, true);
    });

    it('writes outputs and highlights in at most 2 syncs and clears earlier highlights', async () => {
      const { fake, adapter } = setup();
      const ref = await adapter.insertTemplate(template());
      const ws = fake.workbook.sheet('Chỉ tiêu')!;
      const fill = (name: string) => ws.cell(ws.nameAddress(name)!)!.format.fill;
      fake.reset();
      await adapter.validateInPlace(ref, () => ({
        outputs: [
          { kind: 'verdict', code: '11', value: '=not a formula' },
          { kind: 'progressYear', code: '11', value: 12.5 },
          { kind: 'category', code: '12', value: CATEGORY_SHORT[4].vi },
        ],
        highlights: [
          { kind: 'value', code: '11', severity: 'warning' },
          { kind: 'value', code: '11', severity: 'error' },
          { kind: 'note', code: '12', severity: 'warning' },
          { kind: 'value', code: '13', severity: 'info' },
        ],
      }));
      assert.equal(fake.stats().syncs, 2);
      const row11 = parseAddress(ws.nameAddress('asr.value.11')!)!.r1;
      const row12 = parseAddress(ws.nameAddress('asr.value.12')!)!.r1;
      assert.equal(ws.readValue(row11, indicatorColumn('verdict')), '=not a formula');
      assert.equal(ws.cellAt(row11, indicatorColumn('verdict'))!.formula, null);
      assert.equal(ws.readValue(row11, indicatorColumn('progressYear')), 12.5);
      assert.equal(ws.readValue(row12, indicatorColumn('category')), CATEGORY_SHORT[4].vi);
      assert.equal(fill('asr.value.11'), COLORS.notMet, 'the worst finding wins');
      assert.equal(fill('asr.note.12'), COLORS.tolerance);
      assert.equal(fill('asr.value.13'), COLORS.inputFill, 'info: no colour');

      fake.reset();
      await adapter.validateInPlace(ref, () => ({ outputs: [{ kind: 'verdict', code: '11', value: null }], highlights: [] }));
      assert.equal(fake.stats().syncs, 2);
      assert.equal(ws.readValue(row11, indicatorColumn('verdict')), '', 'null clears the output');
      assert.equal(fill('asr.value.11'), COLORS.inputFill, 'earlier highlights are cleared');
      assert.equal(fill('asr.note.12'), COLORS.inputFill);
    });

    it('keeps validation at 2 syncs for 500 indicators', async () => {
      const { fake, adapter } = setup();
      const plan = syntheticPlan(500);
      const ref = await adapter.insertTemplate(template(plan));
      await typeInto(fake, 'Chỉ tiêu', 'asr.value.250', 1);
      fake.reset();
      const seen: ReadInputs[] = [];
      await adapter.validateInPlace(ref, engineJudge(plan, 'hn-syt', '2023-6M', seen));
      const { syncs, requestBytes, responseBytes } = fake.stats();
      console.log(`      validateInPlace, 500 indicators: ${syncs} syncs, requests ${requestBytes.join(' + ')} bytes, responses ${responseBytes.join(' + ')} bytes`);
      assert.equal(syncs, 2);
      assert.ok(requestBytes.every((b) => b < MB4));
      assert.ok(responseBytes.every((b) => b < MB4));
      assert.equal(seen[0]!.entries.find((e) => e.code === '250')?.value, 1);
      const ws = fake.workbook.sheet('Chỉ tiêu')!;
      const row = parseAddress(ws.nameAddress('asr.value.250')!)!.r1;
      assert.equal(ws.readValue(row, indicatorColumn('verdict')), VERDICT_LABELS.notMet.vi);
      assert.equal(ws.cell(ws.nameAddress('asr.value.1')!)!.format.fill, COLORS.notMet, 'required and missing: error');
    });

    it('writes inputs in one sync through their names and selects an input in one sync', async () => {
      const { fake, adapter } = setup();
      const layout = template();
      const ref = await adapter.insertTemplate(layout);
      await typeInto(fake, 'Chỉ tiêu', 'asr.note.12', 'old note');
      await run(fake, async (context) => {
        const ws = context.workbook.worksheets.getItem('Chỉ tiêu');
        ws.protection.unprotect();
        ws.getRange('7:7').insert('Down');
        ws.protection.protect({ allowFormatColumns: true, allowFormatRows: true, allowAutoFilter: true });
      });
      const doc = firstInput(layout, 'documentStatus').code;
      const project = firstInput(layout, 'projectDisbursed').code;
      fake.reset();
      await adapter.writeInputs(ref, {
        entries: [{ code: '11', value: 30, note: '=SUM(A1)' }, { code: '12', value: '28,5', note: null }],
        documents: [{ code: doc, status: 'notIssued', issuedOn: '2023-06-14', reference: '12/QĐ-UBND' }],
        projects: [{ code: project, disbursed: 1200 }],
      });
      assert.equal(fake.stats().syncs, 1);
      const ws = fake.workbook.sheet('Chỉ tiêu')!;
      const value = (name: string) => ws.cell(ws.nameAddress(name)!)!;
      assert.equal(value('asr.value.11').value, 30);
      assert.equal(value('asr.note.11').value, '=SUM(A1)');
      assert.equal(value('asr.note.11').formula, null);
      assert.equal(value('asr.value.12').value, '28,5', 'raw text stays text');
      assert.equal(value('asr.note.12').value, null, 'null clears');
      assert.equal(ws.nameAddress('asr.value.11'), 'K8', 'written where the name points now');
      const docs = fake.workbook.sheet('Văn bản')!;
      assert.equal(firstInput(layout, 'documentStatus').name, nameOf('documentStatus', doc));
      assert.equal(docs.cell(docs.nameAddress(nameOf('documentStatus', doc))!)!.value, 'Chưa ban hành');
      assert.equal(docs.cell(docs.nameAddress(nameOf('documentDate', doc))!)!.value, 45091);
      assert.equal(docs.cell(docs.nameAddress(nameOf('documentReference', doc))!)!.value, '12/QĐ-UBND');

      // What was written reads back the same.
      const seen: ReadInputs[] = [];
      await adapter.validateInPlace(ref, (inputs) => (seen.push(inputs), { outputs: [], highlights: [] }));
      assert.deepEqual(seen[0]!.entries.find((e) => e.code === '11'), { code: '11', value: 30, numberFormat: '#,##0.#', note: '=SUM(A1)' });
      assert.deepEqual(seen[0]!.documents.find((d) => d.code === doc), { code: doc, status: 'notIssued', reference: '12/QĐ-UBND', issuedOn: '2023-06-14' });
      assert.deepEqual(seen[0]!.projects.find((p) => p.code === project), { code: project, disbursed: 1200 });

      fake.reset();
      await adapter.selectInput(ref, { kind: 'note', code: '12' });
      assert.equal(fake.stats().syncs, 1);
      assert.deepEqual(fake.workbook.selection, { sheetId: ref.sheets[0]!.id, address: ws.nameAddress('asr.note.12') });
      assert.equal(fake.workbook.activeSheet?.name, 'Chỉ tiêu');
    });

    it('drops a template whose sheets were deleted', async () => {
      const { fake, adapter } = setup();
      const ref = await adapter.insertTemplate(template());
      await run(fake, async (context) => {
        context.workbook.worksheets.getItem(ref.sheets[1]!.id).delete();
      });
      assert.deepEqual(await adapter.findTemplates(), []);
      await assert.rejects(adapter.validateInPlace(ref, () => ({ outputs: [], highlights: [] })), /no longer exists/);
    });
  });

  describe('writeConsolidated', () => {
    const reports = [
      { agencyId: 'hn-syt', status: 'submitted' as const, entries: [{ code: '11', value: '28,7' }, { code: '12', value: 14.1 }] },
      { agencyId: 'hn-sldtbxh', status: 'approved' as const, entries: [{ code: '1', value: '2,5%' }, { code: '20', value: 'Cơ bản đạt' }] },
    ];
    const layout = consolidatedWorkbook(plan207, register, consolidate(plan207, register, { period: '2023', reports }));

    it('writes the sheets, Excel tables and two native charts in at most 3 syncs', async () => {
      const { fake, adapter } = setup();
      const result = await adapter.writeConsolidated(layout);
      const { syncs, requestBytes } = fake.stats();
      assert.ok(syncs <= 3, `${syncs} syncs`);
      assert.ok(requestBytes.every((b) => b < MB4));
      assert.deepEqual(result.sheets, layout.sheets.map((s) => s.name));
      const wb = fake.workbook;
      for (const s of layout.sheets) {
        const sheet = wb.sheet(s.name)!;
        // Tables are added over the formatted cells; everything else is as the layout says.
        assertRendered(sheet, s, layout);
        assert.deepEqual(sheet.tables.map((t) => [t.name, formatAddress(t.rect), t.style, t.hasHeaders]), s.tables.map((t) => [t.name, t.range, t.style, true]));
      }
      const charts = wb.allCharts();
      assert.equal(charts.length, 2);
      for (const { sheet, chart } of charts) {
        const spec = layout.sheets.find((s) => s.name === sheet.name)!.charts[0]!;
        assert.equal(chart.type, { pie: 'Pie', barClustered: 'BarClustered', columnClustered: 'ColumnClustered' }[spec.kind]);
        assert.equal(chart.title, spec.title.vi);
        assert.equal(chart.series.length, 1);
        assert.equal(chart.series[0]!.name, spec.seriesName.vi);
        assert.equal(formatAddress(chart.series[0]!.values), spec.values);
        assert.equal(formatAddress(chart.series[0]!.xValues!), spec.categories);
        assert.equal(formatAddress(chart.position!.start), spec.anchor);
        const end = chart.position!.end!;
        const anchor = parseAddress(spec.anchor)!;
        assert.deepEqual([end.r1 - anchor.r1 + 1, end.c1 - anchor.c1 + 1], [spec.heightRows, spec.widthColumns]);
      }
      const row11 = wb.sheet('Phụ lục 1')!.values('A1:N40').find((r) => r[0] === '11')!;
      assert.equal(row11[6], 28.7);
      assert.equal(row11[8], 'Đạt');
      const stored = JSON.parse(String(wb.setting(CONSOLIDATED_SETTING)));
      assert.equal(stored.length, 1);
      assert.deepEqual(stored[0].tables, ['TongHopPhanLoai', 'PhuLuc1', 'VanBan', 'DuAn', 'DonVi']);
    });

    it("writes the agencies' notes into Ghi chú with the agency's name, and return comments with their date on the submission sheet", async () => {
      const noted = consolidatedWorkbook(
        plan207,
        register,
        consolidate(plan207, register, {
          period: '2023',
          reports: [
            {
              agencyId: 'hn-syt',
              status: 'submitted',
              entries: [{ code: '14', value: '90', note: 'Chưa đạt do thiếu nhân lực y tế cơ sở' }, { code: '12', note: 'Chưa có số liệu' }, { code: '17', value: '5,2' }],
              documents: [{ code: '2021-Q1.2', status: 'notIssued', note: 'Đang trình UBND Thành phố' }],
              projects: [{ code: 'A.I.1', disbursed: 1000, note: 'Vướng giải phóng mặt bằng' }],
            },
            { agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '14', note: '=Phối hợp kiểm tra' }] },
            { agencyId: 'hn-bhxh', status: 'returned', entries: [{ code: '3', value: 45 }], comment: 'Bổ sung số liệu chỉ tiêu 3.1', updatedAt: '2023-12-05T02:30:00.000Z' },
          ],
        }),
      );
      const { fake, adapter } = setup();
      await adapter.writeConsolidated(noted);
      const wb = fake.workbook;
      const rows = (sheet: string, address: string) => wb.sheet(sheet)!.values(address);
      const appendix1 = rows('Phụ lục 1', 'A1:N40');
      const notesAt = appendix1.find((r) => r[0] === 'TT')!.indexOf('Ghi chú');
      assert.equal(notesAt, 13);
      assert.equal(appendix1.find((r) => r[0] === '14')![13], 'Sở Y tế: Chưa đạt do thiếu nhân lực y tế cơ sở\nSở Lao động - Thương binh và Xã hội: =Phối hợp kiểm tra');
      assert.equal(appendix1.find((r) => r[0] === '12')![13], 'Sở Y tế: Chưa có số liệu');
      assert.match(String(appendix1.find((r) => r[0] === '17')![13]), /^Chưa đánh giá được: .*thiếu số liệu kỳ trước/);
      assert.equal(appendix1.find((r) => r[0] === '17')![11], 'Chưa đánh giá được', 'never category 4');
      assert.equal(rows('Phụ lục 2', 'A1:I45').find((r) => r[0] === '2021-Q1.2')![8], 'Sở Y tế: Đang trình UBND Thành phố');
      assert.equal(rows('Phụ lục 3', 'A1:J45').find((r) => r[0] === 'A.I.1')![9], 'Sở Y tế: Vướng giải phóng mặt bằng');
      const bhxh = rows('Đơn vị báo cáo', 'A1:I60').find((r) => r[0] === 'Bảo hiểm xã hội Thành phố')!;
      assert.deepEqual([bhxh[1], bhxh[4], bhxh[7], bhxh[8]], ['Trả lại', 'Không', '05/12/2023 09:30', 'Bổ sung số liệu chỉ tiêu 3.1']);
    });

    it('replaces an earlier copy of the same plan and period, even when it holds the only visible sheets', async () => {
      const { fake, adapter } = setup();
      await adapter.writeConsolidated(layout);
      const before = fake.workbook.sheets.map((s) => s.id);
      await run(fake, async (context) => {
        context.workbook.worksheets.getItem('Sheet1').delete();
      });
      fake.reset();
      const result = await adapter.writeConsolidated(layout);
      assert.ok(fake.stats().syncs <= 3);
      assert.deepEqual(result.sheets, layout.sheets.map((s) => s.name), 'the same names again');
      const wb = fake.workbook;
      assert.equal(wb.sheets.length, layout.sheets.length, 'one copy only');
      assert.ok(wb.sheets.every((s) => !before.includes(s.id)), 'the earlier sheets are gone');
      assert.deepEqual(wb.allTables().map((t) => t.table.name), ['TongHopPhanLoai', 'PhuLuc1', 'VanBan', 'DuAn', 'DonVi']);
      assert.equal(wb.allCharts().length, 2);
      assert.equal(JSON.parse(String(wb.setting(CONSOLIDATED_SETTING))).length, 1);
      assert.equal(wb.activeSheet?.name, layout.sheets[0]!.name);
    });

    it('leaves a template and another period alone, naming its sheets around them', async () => {
      const { fake, adapter } = setup();
      await adapter.insertTemplate(template());
      await adapter.writeConsolidated(layout);
      const other = consolidatedWorkbook(plan207, register, consolidate(plan207, register, { period: '2022', reports: [] }));
      const result = await adapter.writeConsolidated(other);
      assert.deepEqual(result.sheets, ['Tổng hợp (2)', 'Phụ lục 1 (2)', 'Phụ lục 2 (2)', 'Phụ lục 3 (2)', 'Đơn vị báo cáo (2)']);
      assert.deepEqual(fake.workbook.allTables().map((t) => t.table.name).slice(5), ['TongHopPhanLoai_2', 'PhuLuc1_2', 'VanBan_2', 'DuAn_2', 'DonVi_2']);
      assert.equal((await adapter.findTemplates()).length, 1);
      assert.equal(JSON.parse(String(fake.workbook.setting(CONSOLIDATED_SETTING))).length, 2);
    });
  });
});
