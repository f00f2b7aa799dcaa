import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { assignmentFor } from '../../shared/assignment';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { parsePeriod } from '../../shared/periods';
import { cellAddress, columnLetter, definedName, parseCellAddress, parseRange, safeSheetName } from '../../shared/layout/a1';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { INDICATOR_COLUMNS, METADATA_SHEET, agencyTemplate, indicatorColumn } from '../../shared/layout/template';
import type { SheetLayout, WorkbookLayout } from '../../shared/layout/types';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const plan181 = compilePlan(load('shared/plans/hn-kh181-2024.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

/** Checks every structural promise a renderer relies on. */
function assertWellFormed(workbook: WorkbookLayout): void {
  const sheetNames = new Set<string>();
  for (const sheet of workbook.sheets) {
    assert.ok(sheet.name.length <= 31 && !/[[\]:*?/\\]/.test(sheet.name), `sheet name ${sheet.name}`);
    assert.ok(!sheetNames.has(sheet.name), `duplicate sheet ${sheet.name}`);
    sheetNames.add(sheet.name);
    const width = sheet.columns.length;
    sheet.grid.forEach((row, r) => assert.equal(row.length, width, `${sheet.name} row ${r} is not ${width} wide`));
    const inGrid = (range: string) => {
      const p = parseRange(range);
      assert.ok(p, `bad range ${range}`);
      assert.ok(p.row1 >= 0 && p.row2 < sheet.grid.length && p.col1 >= 0 && p.col2 < width && p.row1 <= p.row2 && p.col1 <= p.col2, `${sheet.name}: ${range} outside the grid`);
      return p;
    };
    for (const m of sheet.merges) inGrid(m);
    for (const v of sheet.validations) {
      assert.match(v.range, /^[A-Z]+\d+:[A-Z]+\d+$/, 'validations name bounded ranges, never whole columns');
      const p = inGrid(v.range);
      for (let r = p.row1; r <= p.row2; r++) {
        for (let c = p.col1; c <= p.col2; c++) assert.ok(sheet.grid[r]![c]!.input, `${sheet.name}!${cellAddress(r, c)} is validated but is not an input`);
      }
    }
    for (const cf of sheet.conditionalFormats) inGrid(cf.range);
    for (const t of sheet.tables) inGrid(t.range);
    for (const ch of sheet.charts) {
      inGrid(ch.categories);
      inGrid(ch.values);
      assert.ok(parseCellAddress(ch.anchor));
    }
    const names = new Set<string>();
    for (const n of sheet.names) {
      assert.match(n.name, /^[A-Za-z_][A-Za-z0-9_.]*$/, `defined name ${n.name}`);
      assert.ok(!/^[A-Za-z]{1,3}\d+$/.test(n.name) && !/^R\d*C\d*$/i.test(n.name), `name ${n.name} looks like a cell`);
      assert.ok(!names.has(n.name), `duplicate name ${n.name} in ${sheet.name}`);
      names.add(n.name);
      const at = parseCellAddress(n.ref)!;
      assert.equal(sheet.grid[at.row]![at.col]!.input?.name, n.name, `${n.name} must point at its input cell`);
    }
    let inputs = 0;
    for (const row of sheet.grid) {
      for (const cell of row) {
        if (cell.input) inputs++;
        if (typeof cell.v === 'string' && /^[=+\-@]/.test(cell.v)) assert.ok(cell.text, `"${cell.v}" would run as a formula`);
        if (typeof cell.v === 'number') assert.ok(Number.isFinite(cell.v));
      }
    }
    assert.equal(inputs, sheet.names.length, `${sheet.name}: one defined name per input cell`);
  }
}

describe('sheet layouts as data', () => {
  describe('A1 helpers', () => {
    it('converts columns and cells both ways', () => {
      assert.equal(columnLetter(0), 'A');
      assert.equal(columnLetter(25), 'Z');
      assert.equal(columnLetter(26), 'AA');
      assert.equal(columnLetter(701), 'ZZ');
      assert.equal(columnLetter(702), 'AAA');
      for (const [r, c] of [[0, 0], [6, 7], [1048575, 16383]] as const) assert.deepEqual(parseCellAddress(cellAddress(r, c, true)), { row: r, col: c });
    });
    it('makes safe sheet and defined names', () => {
      assert.equal(safeSheetName('Phụ lục [1]: chỉ tiêu / kết quả năm 2023 rất dài'), 'Phụ lục 1 chỉ tiêu kết quả năm');
      assert.equal(definedName('asr', 'value', '3.1'), 'asr.value.3_1');
      assert.equal(definedName('1', 'x'), 'n_1.x');
      assert.equal(definedName('asr', 'documentStatus', '2021-Q3.9'), 'asr.documentStatus.2021_Q3_9');
    });
  });

  describe('agency template', () => {
    const cases: Array<[string, string, string]> = [
      ['hn-syt', '2023-6M', 'hn-kh207-2021'],
      ['hn-sldtbxh', '2021', 'hn-kh207-2021'],
      ['hn-bhxh', '2024-9M', 'hn-kh207-2021'],
      ['hn-q-ba-dinh', '2022', 'hn-kh207-2021'],
      ['hn-syt', '2025', 'hn-kh207-2021'],
      ['hn-sgddt', '2026', 'hn-kh181-2024'],
    ];
    for (const [agencyId, period, planId] of cases) {
      it(`${agencyId} ${period} (${planId}) is well formed and holds exactly its rows`, () => {
        const plan = planId === 'hn-kh207-2021' ? plan207 : plan181;
        const workbook = agencyTemplate(plan, register, { agencyId, period });
        assertWellFormed(workbook);
        const assignment = assignmentFor(plan, register, agencyId, parsePeriod(period)!);
        const sheet = workbook.sheets.find((s) => s.role === 'indicators')!;
        const valueInputs = sheet.grid.flatMap((row) => row.filter((c) => c.input?.kind === 'value').map((c) => c.input!.code));
        assert.deepEqual(valueInputs, assignment.indicators.map((r) => r.code));
        assert.equal(workbook.metadata.planId, planId);
        assert.equal(workbook.metadata.agencyId, agencyId);
        assert.equal(workbook.metadata.period, period);
        assert.equal(workbook.metadata.revision, '1');
        const documents = workbook.sheets.find((s) => s.role === 'documents');
        assert.equal(documents ? documents.grid.flatMap((r) => r.filter((c) => c.input?.kind === 'documentStatus')).length : 0, assignment.documents.length);
        const projects = workbook.sheets.find((s) => s.role === 'projects');
        assert.equal(projects ? projects.grid.flatMap((r) => r.filter((c) => c.input?.kind === 'projectDisbursed')).length : 0, assignment.projects.length);
      });
    }

    it('has title rows like the appendix, a frozen header and protected labels with unlocked, named inputs', () => {
      const workbook = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023-6M' });
      const sheet = workbook.sheets[0]!;
      assert.equal(sheet.name, 'Chỉ tiêu');
      assert.match(String(sheet.grid[0]![0]!.v), /CHỈ TIÊU CỦA CHƯƠNG TRÌNH SỐ 08-CTr\/TU/);
      assert.match(String(sheet.grid[2]![0]!.v), /Kế hoạch số 207\/KH-UBND ngày 08\/09\/2021/);
      assert.match(String(sheet.grid[3]![0]!.v), /Sở Y tế .* 6 tháng đầu năm 2023 \(số liệu từ 15\/12\/2022 đến 14\/06\/2023; hạn gửi 20\/06\/2023\)/);
      assert.deepEqual(sheet.merges.slice(0, 4), ['A1:R1', 'A2:R2', 'A3:R3', 'A4:R4']);
      assert.deepEqual(sheet.freeze, { rows: 6, columns: 2 });
      assert.equal(sheet.protection?.protect, true);
      const row11 = sheet.grid.find((r) => r[0]!.v === '11')!;
      assert.equal(row11[indicatorColumn('yearTarget')]!.v, '28,5');
      assert.equal(row11[indicatorColumn('periodTarget')]!.v, '30-35');
      assert.equal(row11[indicatorColumn('baseline')]!.v, '27,1');
      assert.deepEqual(row11[indicatorColumn('value')]!.input, { kind: 'value', code: '11', name: 'asr.value.11' });
      assert.equal(row11[indicatorColumn('value')]!.f, '#,##0.#');
      assert.equal(row11[indicatorColumn('verdict')]!.output?.kind, 'verdict');
      // Labels are never inputs; outputs are never inputs.
      for (const key of ['code', 'name', 'unit', 'baseline', 'yearTarget', 'periodTarget', 'verdict', 'progressYear', 'category'] as const) {
        assert.equal(row11[indicatorColumn(key)]!.input, undefined, key);
      }
      const v = sheet.validations.find((x) => x.range === 'K9:K10');
      assert.deepEqual(v?.rule, { kind: 'decimal', min: 0, max: 100 }, 'consecutive percent inputs share one bounded validation');
      assert.ok(sheet.conditionalFormats.some((c) => c.rule.kind === 'textEquals' && c.rule.text === 'Chưa đạt'));
    });

    it('asks a self-assessment where the year target is qualitative and a denominator from weighted-mean contributors', () => {
      const sldtbxh = agencyTemplate(plan207, register, { agencyId: 'hn-sldtbxh', period: '2021' }).sheets[0]!;
      const row7 = sldtbxh.grid.find((r) => r[0]!.v === '7')!;
      assert.equal(row7[indicatorColumn('answer')]!.input?.kind, 'answer', '2021 target of 7 is "Cơ bản không còn hộ nghèo"');
      assert.ok(!sldtbxh.columns[indicatorColumn('answer')]!.hidden);
      const listRule = sldtbxh.validations.find((v) => v.rule.kind === 'list');
      assert.deepEqual(listRule?.rule, { kind: 'list', values: ['Đạt', 'Cơ bản đạt', 'Không đạt'] });
      const row20 = sldtbxh.grid.find((r) => r[0]!.v === '20')!;
      assert.equal(row20[indicatorColumn('value')]!.s, 'inputText', 'qualitative indicator 20 takes the answer in its value cell');

      const district = agencyTemplate(plan207, register, { agencyId: 'hn-h-ba-vi', period: '2022' }).sheets[0]!;
      const row21 = district.grid.find((r) => r[0]!.v === '21')!;
      assert.equal(row21[indicatorColumn('denominator')]!.input?.kind, 'denominator');
      assert.match(String(row21[indicatorColumn('role')]!.v), /^Số liệu địa bàn\. Chỉ tiêu toàn Thành phố tính bình quân gia quyền: .*cột Mẫu số ghi Số xã, phường, thị trấn/);
      assert.ok(!district.columns[indicatorColumn('denominator')]!.hidden);
      const syt = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }).sheets[0]!;
      assert.ok(syt.columns[indicatorColumn('denominator')]!.hidden, 'unused columns are hidden, the layout stays stable');
    });

    it('keeps a very hidden metadata sheet naming plan, revision, agency, period and every input cell', () => {
      const workbook = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023-6M' });
      const meta = workbook.sheets.find((s) => s.name === METADATA_SHEET)!;
      assert.equal(meta.visibility, 'veryHidden');
      const kv = new Map(meta.grid.map((r) => [r[0]!.v, r[1]!.v]));
      assert.equal(kv.get('planId'), 'hn-kh207-2021');
      assert.equal(kv.get('revision'), '1');
      assert.equal(kv.get('agencyId'), 'hn-syt');
      assert.equal(kv.get('period'), '2023-6M');
      const listed = meta.grid.filter((r) => r[2]!.v && r[3]!.v).length;
      const inputs = workbook.sheets.reduce((n, s: SheetLayout) => n + s.names.length, 0);
      assert.equal(listed, inputs);
    });

    it('prints on landscape A4 fitted to the width, repeats the header row, and sizes rows for wrapped text', () => {
      const sheet = agencyTemplate(plan207, register, { agencyId: 'hn-sldtbxh', period: '2021' }).sheets[0]!;
      assert.deepEqual(sheet.page, { orientation: 'landscape', paper: 'A4', fitToWidth: true, repeatRows: { from: 5, to: 5 } });
      const row9 = sheet.grid.findIndex((r) => r[0]!.v === '9');
      const row1 = sheet.grid.findIndex((r) => r[0]!.v === '1');
      assert.ok((sheet.rowHeights[row9] ?? 15) > 40, 'the long name of indicator 9 gets several lines');
      assert.ok((sheet.rowHeights[row9] ?? 15) > (sheet.rowHeights[row1] ?? 15));
      const meta = agencyTemplate(plan207, register, { agencyId: 'hn-sldtbxh', period: '2021' }).sheets.at(-1)!;
      assert.equal(meta.page, null, 'the hidden metadata sheet does not print');
    });

    it('renders in English on request and is deterministic', () => {
      const en = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023', lang: 'en' });
      assert.equal(en.sheets[0]!.name, 'Indicators');
      assert.equal(en.sheets[0]!.grid[5]![indicatorColumn('name')]!.v, 'Indicator');
      assert.deepEqual(agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }), agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }));
      assert.equal(INDICATOR_COLUMNS.length, en.sheets[0]!.columns.length);
    });

    it('refuses an unknown agency or period rather than guessing', () => {
      assert.throws(() => agencyTemplate(plan207, register, { agencyId: 'hn-nobody', period: '2023' }), /unknown agency/);
      assert.throws(() => agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023-7M' }), /not a reporting period/);
    });
  });

  describe('consolidated workbook', () => {
    const reports = [
      { agencyId: 'hn-syt', status: 'submitted' as const, entries: [{ code: '11', value: '28,7' }, { code: '12', value: 14.1, note: '=HYPERLINK("http://x","y")' }] },
      { agencyId: 'hn-sldtbxh', status: 'approved' as const, entries: [{ code: '1', value: '2,5%' }, { code: '20', value: 'Cơ bản đạt' }] },
    ];
    const table = consolidate(plan207, register, { period: '2023', reports });

    it('is well formed: summary, appendix 1, documents, projects, submissions; tables and two charts', () => {
      const workbook = consolidatedWorkbook(plan207, register, table);
      assertWellFormed(workbook);
      assert.deepEqual(workbook.sheets.map((s) => s.role), ['summary', 'indicators', 'documents', 'projects', 'agencies']);
      assert.deepEqual(workbook.sheets.flatMap((s) => s.tables.map((t) => t.name)), ['TongHopPhanLoai', 'PhuLuc1', 'VanBan', 'DuAn', 'DonVi']);
      assert.deepEqual(workbook.sheets.flatMap((s) => s.charts.map((c) => c.kind)), ['pie', 'barClustered']);
      assert.equal(workbook.metadata.period, '2023');
    });

    it('writes values, not formulas, with the verdict and progress of each row', () => {
      const sheet = consolidatedWorkbook(plan207, register, table).sheets[1]!;
      const row11 = sheet.grid.find((r) => r[0]!.v === '11')!;
      assert.equal(row11[6]!.v, 28.7);
      assert.equal(row11[8]!.v, 'Đạt');
      assert.equal(row11[9]!.v, 100.7);
      const row1 = sheet.grid.find((r) => r[0]!.v === '1')!;
      assert.equal(row1[8]!.v, 'Đạt');
      assert.equal(row1[9]!.v, 120, 'less-is-better progress is inverted: 3 ÷ 2.5');
      const row20 = sheet.grid.find((r) => r[0]!.v === '20')!;
      assert.equal(row20[6]!.v, 'Cơ bản đạt');
      const summary = consolidatedWorkbook(plan207, register, table).sheets[0]!;
      const counts = summary.grid.filter((r) => typeof r[1]!.v === 'number').map((r) => r[1]!.v as number);
      assert.equal(counts.reduce((a, b) => a + b, 0), 27);
    });
  });
});
