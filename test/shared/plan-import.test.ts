/**
 * The plan importer (shared/plan-import/): plan 207's appendix 1 rebuilt from the seed's
 * table and compared with the catalog, then small tables for each rule and finding.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PLAN_IMPORT_FINDINGS, missingPlaceholders } from '../../shared/catalogue';
import { importPlanTable } from '../../shared/plan-import';
import type { ImportFinding, PlanDraft, PlanMeta } from '../../shared/plan-import';
import { Plan } from '../../shared/schema/plan';
import type { IndicatorFile, PlanInput } from '../../shared/schema/plan';
import { requireSeeds, seedPath } from '../../scripts/seeds';
import { planFile, register } from '../fixtures/hanoi';

const SEED_NAME = 'hanoi-kh207-2021-program08.txt';
const META: PlanMeta = { id: 'hn-kh207-2021', number: '207/KH-UBND', title: 'Kế hoạch 207', startYear: 2021, endYear: 2025, issuedOn: '2021-09-08', program: '08-CTr/TU', standingAgency: 'hn-sldtbxh' };

/** Every finding the tests below made, for the catalogue checks at the end. */
const made: ImportFinding[] = [];

function draftOf(grid: unknown[][], options: { merges?: string[]; meta?: Partial<PlanMeta>; byHand?: boolean; origin?: string } = {}): PlanDraft {
  const result = importPlanTable({
    grid,
    city: 'hanoi',
    register: register(),
    sheet: 'Phụ lục 1',
    meta: { ...META, startYear: 2021, endYear: 2022, ...options.meta },
    ...(options.merges ? { merges: options.merges } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.byHand ? { judgeUnreadableByHand: true } : {}),
  });
  made.push(...result.findings);
  return result;
}

const codesOf = (r: PlanDraft) => r.findings.map((f) => f.code);
const findingOf = (r: PlanDraft, code: string) => r.findings.find((f) => f.code === code);
const indicator = (r: PlanDraft, code: string): IndicatorFile => {
  const found = r.draft.indicators.find((i) => i.code === code);
  assert.ok(found, `indicator ${code} in the draft`);
  return found as IndicatorFile;
};

/** The seed's appendix 1 as a paste from Word into Excel brings it: every line a row, tabs between cells, page headers and blank lines included. */
function seedGrid(): string[][] {
  const lines = readFileSync(seedPath(SEED_NAME), 'utf8').split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('TT\t'));
  const end = lines.findIndex((l, i) => i > start && l.includes('DỰ KIẾN CÁC CHƯƠNG TRÌNH'));
  assert.ok(start > 0 && end > start, 'appendix 1 found in the seed');
  const rows = lines.slice(start, end).map((l) => l.split('\t'));
  while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c.trim() === '')) rows.pop();
  return rows;
}

describe('plan import: an appendix table → a draft plan', () => {
  describe("plan 207's appendix 1 from the seed's table, against the catalog", function () {
    before(function () {
      requireSeeds(this, [SEED_NAME]);
    });

    let result: PlanDraft;
    let catalog: PlanInput;
    before(() => {
      result = importPlanTable({ grid: seedGrid(), city: 'hanoi', register: register(), sheet: 'Sheet1', meta: META });
      made.push(...result.findings);
      catalog = planFile('hn-kh207-2021');
    });

    /** The catalog's correction of a field, if it records one: the only difference the comparison accepts. */
    const corrected = (where: string, source: string, target: string): boolean =>
      (catalog.corrections ?? []).some((c) => c.where === where && c.source === source && c.corrected === target);

    it('has the catalog\'s indicators, in its order, with identical codes, parents, units, value types, polarities and decimals', () => {
      assert.deepEqual(result.draft.indicators.map((i) => i.code), catalog.indicators.map((i) => i.code));
      for (const c of catalog.indicators) {
        const d = indicator(result, c.code);
        for (const key of ['parent', 'unit', 'valueType', 'polarity', 'decimals'] as const) assert.deepEqual(d[key], c[key], `${c.code}.${key}`);
      }
    });

    it('names: the source wording; where the catalog corrects a typo, the correction is recorded in its corrections', () => {
      for (const c of catalog.indicators) {
        const d = indicator(result, c.code);
        if (d.name === c.name) continue;
        assert.equal(d.name, c.sourceName, `${c.code}: the draft keeps the source name`);
        assert.ok(corrected(`indicators[${c.code}].name`, d.name, c.name), `${c.code}: the catalog records "${d.name}" → "${c.name}"`);
      }
    });

    it('baselines, and every year\'s target text, parsed expression and merged span', () => {
      for (const c of catalog.indicators) {
        const d = indicator(result, c.code);
        assert.deepEqual(d.baseline, c.baseline, `${c.code} baseline`);
        assert.deepEqual(d.targets, c.targets, `${c.code} targets`);
      }
    });

    it('leads and coordinators, ids and source texts, merged cells resolved from the row above', () => {
      for (const c of catalog.indicators) {
        const d = indicator(result, c.code);
        for (const key of ['lead', 'leadSource', 'coordinators', 'coordinatorsSource'] as const) assert.deepEqual(d[key], c[key], `${c.code}.${key}`);
      }
      assert.ok(!codesOf(result).includes('unresolved-agency'), 'every agency of appendix 1 is in the register');
    });

    it('policy documents: the group\'s items joined; the typo corrections of the catalog are the only differences', () => {
      for (const c of catalog.indicators) {
        const d = indicator(result, c.code);
        assert.equal(d.policyDocuments.length, c.policyDocuments.length, `${c.code} policy documents`);
        d.policyDocuments.forEach((item, i) => {
          const expected = c.policyDocuments[i]!;
          if (item !== expected) assert.ok(corrected(`indicators[${c.code}].policyDocuments[${i}]`, item, expected), `${c.code}[${i}]: "${item}"`);
        });
      }
    });

    it('says what it decided: the defective baseline header, merged cells, units from names, an undecided direction', () => {
      const baseline = findingOf(result, 'baseline-year');
      assert.ok(baseline);
      assert.equal(baseline.cell, 'C2');
      assert.equal(baseline.sheet, 'Sheet1');
      assert.deepEqual([baseline.params.found, baseline.params.used, baseline.params.others], [2021, 2020, '2020']);
      const fromAbove = result.findings.filter((f) => f.code === 'taken-from-above' && f.params.column === 'lead').map((f) => f.indicator);
      assert.deepEqual(fromAbove, ['2', '3.1', '3.2', '4', '5', '6', '10']);
      assert.deepEqual(result.findings.filter((f) => f.code === 'target-spans-years').map((f) => `${f.indicator} ${f.cell}`), ['2 F4', '2 G4', '2 H4']);
      assert.deepEqual(result.findings.filter((f) => f.code === 'unit-from-name').map((f) => f.indicator), ['11', '12', '15', '16']);
      // Indicator 2's target is the same every year and has no comparator: the table cannot say (the catalog decided "higher").
      assert.deepEqual(result.findings.filter((f) => f.code === 'polarity-undecided').map((f) => f.indicator), ['2']);
      assert.ok(result.findings.every((f) => f.severity !== 'error'), JSON.stringify(result.findings.filter((f) => f.severity === 'error')));
    });

    it('proposes the catalog\'s rule 3 = 3.1 + 3.2, and the draft is a valid plan file', () => {
      const rule = result.draft.rules.find((r) => r.kind === 'indicatorSum');
      const expected = catalog.rules.find((r) => r.id === 'ind-3-sum');
      assert.ok(rule?.kind === 'indicatorSum' && expected?.kind === 'indicatorSum');
      assert.deepEqual([rule.target, rule.terms, rule.tolerance, rule.severity], [expected.target, expected.terms, expected.tolerance, expected.severity]);
      assert.ok(Plan.safeParse(result.draft).success);
    });
  });

  describe('small tables', () => {
    const HEAD = ['STT', 'Chỉ tiêu', 'Đơn vị tính', 'Năm 2021', 'Năm 2022', 'Cơ quan chủ trì', 'Cơ quan phối hợp'];

    it('reads header variants: STT, Chỉ tiêu, Đơn vị tính, "Năm 2021", "Chỉ tiêu năm 2022", a unit column', () => {
      const r = draftOf([
        ['STT', 'Tên chỉ tiêu', 'ĐVT', 'Thực hiện năm 2020', 'Chỉ tiêu năm 2021', 'Kế hoạch năm 2022', 'Đơn vị chủ trì', 'Đơn vị phối hợp'],
        ['1', 'Số lao động được giải quyết việc làm', 'người', '150.000', '155.000', '160.000', 'Sở Y tế', 'Cục Thống kê'],
      ]);
      const i = indicator(r, '1');
      assert.deepEqual([i.unit, i.valueType, i.polarity, i.baseline, i.lead, i.coordinators], ['người', 'integer', 'higher', { year: 2020, text: '150.000' }, 'hn-syt', ['hn-ctk']]);
      assert.deepEqual(i.targets['2022'], { text: '160.000', target: { kind: 'exact', value: 160000, maintain: false } });
      assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), []);
    });

    it('multi-row headers: a group label over the year columns', () => {
      const r = draftOf([
        ['TT', 'Tiêu chí', 'Kết quả đến cuối năm 2020', 'Kế hoạch giai đoạn 2021-2022', '', 'Cơ quan chủ trì', 'Cơ quan, đơn vị phối hợp'],
        ['', '', '', 'Cuối năm 2021', 'Cuối năm 2022', '', ''],
        ['1', 'Tỷ lệ thất nghiệp', '2,3%', 'Dưới 4%', 'Dưới 3%', 'Sở Y tế', 'Cục Thống kê'],
      ]);
      const i = indicator(r, '1');
      assert.deepEqual([i.polarity, i.valueType, i.unit, i.targets['2021']?.target], ['lower', 'percent', '%', { kind: 'below', value: 4, unit: '%' }]);
      assert.deepEqual(codesOf(r).filter((c) => c !== 'aggregation-default'), []);
    });

    it('merged areas from the sheet: a lead and a target spanning years, without info findings', () => {
      const grid = [HEAD, ['1', 'Tỷ lệ A', '%', '90%', '', 'Sở Y tế', 'Cục Thống kê'], ['2', 'Tỷ lệ B', '%', '80%', '85%', '', '']];
      const r = draftOf(grid, { merges: ['D2:E2', 'F2:F3', 'G2:G3'] });
      assert.deepEqual(indicator(r, '1').targets['2022'], { text: '90%', target: { kind: 'exact', value: 90, maintain: false, unit: '%' }, mergedFrom: '2021' });
      assert.equal(indicator(r, '2').lead, 'hn-syt');
      assert.deepEqual(indicator(r, '2').coordinators, ['hn-ctk']);
      assert.ok(!codesOf(r).includes('taken-from-above') && !codesOf(r).includes('target-spans-years'));
      // Merges known: a blank outside any merged area is a blank.
      const unmerged = draftOf(grid, { merges: [] });
      assert.ok(codesOf(unmerged).includes('missing-target') && codesOf(unmerged).includes('no-lead'));
    });

    it('addresses: the grid\'s origin in the sheet names the cells', () => {
      const r = draftOf([HEAD, ['1', 'Tỷ lệ A', '%', '90%', 'Theo lộ trình', 'Sở Y tế', 'Cục Thống kê']], { origin: 'B3' });
      assert.equal(findingOf(r, 'unreadable-target')?.cell, 'F4');
      assert.equal(findingOf(r, 'unreadable-target')?.sheet, 'Phụ lục 1');
    });

    it('an unresolved agency is a finding at its cell; several leads keep the first', () => {
      const r = draftOf([HEAD, ['1', 'Tỷ lệ A', '%', '90%', '91%', 'Sở Y tế, Sở Tài chính', 'Cục Thống kê; Ban Không Có Thật']]);
      const unresolved = findingOf(r, 'unresolved-agency');
      assert.equal(unresolved?.cell, 'G2');
      assert.match(JSON.stringify(unresolved?.params.fragment), /khong co that/i);
      assert.equal(findingOf(r, 'several-leads')?.cell, 'F2');
      assert.deepEqual([indicator(r, '1').lead, indicator(r, '1').coordinators], ['hn-syt', ['hn-stc', 'hn-ctk']]);
      const none = draftOf([HEAD, ['1', 'Tỷ lệ A', '%', '90%', '91%', 'Ban Không Có Thật', '']]);
      assert.equal(indicator(none, '1').lead, null);
      assert.ok(codesOf(none).includes('no-lead'));
    });

    it('an unreadable target is an error, or judged by hand when the caller asks', () => {
      const grid = [HEAD, ['1', 'Tỷ lệ A', '%', '90%', 'Theo lộ trình của Trung ương', 'Sở Y tế', 'Cục Thống kê']];
      const r = draftOf(grid);
      assert.equal(findingOf(r, 'unreadable-target')?.severity, 'error');
      assert.equal(indicator(r, '1').targets['2022']?.target?.kind, 'unparsed');
      const byHand = draftOf(grid, { byHand: true });
      assert.equal(findingOf(byHand, 'unreadable-target')?.severity, 'warning');
      assert.deepEqual(indicator(byHand, '1').targets['2022'], { text: 'Theo lộ trình của Trung ương', judgedByHand: true });
    });

    it('an unexpected column, a repeated one and a year outside the plan are findings; missing years and agencies columns too', () => {
      const r = draftOf([
        ['TT', 'Chỉ tiêu', 'Ghi chú', 'Năm 2021', 'Năm 2021', 'Năm 2030', 'Đơn vị tính', 'Đơn vị tính'],
        ['1', 'Tỷ lệ A', 'x', '90%', '91%', '95%', '%', '%'],
      ]);
      assert.equal(findingOf(r, 'unknown-column')?.cell, 'C1');
      assert.deepEqual(r.findings.filter((f) => f.code === 'duplicate-column').map((f) => f.cell), ['E1', 'H1']);
      assert.equal(findingOf(r, 'year-outside-plan')?.cell, 'F1');
      assert.equal(findingOf(r, 'year-missing')?.params.year, 2022);
      assert.deepEqual(r.findings.filter((f) => f.code === 'missing-column').map((f) => [f.params.column, f.severity]), [['lead', 'warning'], ['coordinators', 'warning']]);
      const noYears = draftOf([['TT', 'Chỉ tiêu'], ['1', 'Tỷ lệ A']]);
      assert.equal(findingOf(noYears, 'missing-column')?.severity, 'error');
    });

    it('an empty table, and a table without a header', () => {
      assert.deepEqual(codesOf(draftOf([HEAD])).filter((c) => c === 'empty-table'), ['empty-table']);
      assert.deepEqual(codesOf(draftOf([])), ['no-header']);
      assert.deepEqual(codesOf(draftOf([['a', 'b'], ['1', 'x']])), ['no-header']);
      assert.equal(draftOf([]).draft.indicators.length, 0);
    });

    it('rows: sub-rows, repeated headers and blank lines, rows without a number, bad and duplicate numbers, a missing name', () => {
      const r = draftOf([
        HEAD,
        ['1', 'Tỷ lệ tham gia, trong đó:', '%', '10%', '12%', 'Sở Y tế', 'Cục Thống kê'],
        ['', '- bắt buộc', '%', '7%', '8%', '', ''],
        ['', '- tự nguyện', '%', '3%', '4%', '', ''],
        [],
        HEAD,
        ['', 'ghi chú giữa bảng', '', '', '', '', ''],
        ['A', 'Nhóm chỉ tiêu', '', '', '', '', ''],
        ['1', 'Trùng số', '%', '1%', '1%', 'Sở Y tế', 'Cục Thống kê'],
        ['2', '', '%', '1%', '1%', 'Sở Y tế', 'Cục Thống kê'],
        ['2.1', 'Con của 2 (không có 2)', '%', '1%', '2%', 'Sở Y tế', 'Cục Thống kê'],
        ['4', 'Chỉ tiêu tăng trưởng', '%', '1%', '2%', 'Sở Y tế', 'Cục Thống kê'],
      ]);
      assert.deepEqual(r.draft.indicators.map((i) => [i.code, i.parent ?? '', i.name]), [['1', '', 'Tỷ lệ tham gia, trong đó:'], ['1.1', '1', 'bắt buộc'], ['1.2', '1', 'tự nguyện'], ['2.1', '', 'Con của 2 (không có 2)'], ['4', '', 'Chỉ tiêu tăng trưởng']]);
      for (const code of ['row-without-code', 'bad-code', 'duplicate-code', 'missing-name', 'sum-rule']) assert.ok(codesOf(r).includes(code as never), code);
      assert.equal(r.draft.rules[0]?.kind, 'indicatorSum');
    });

    it("blank cells without merges: rows under a blank lead share the row above's agencies and policy documents", () => {
      const r = draftOf([
        ['TT', 'Chỉ tiêu', 'Năm 2021', 'Năm 2022', 'Văn bản, chính sách', 'Cơ quan chủ trì', 'Cơ quan phối hợp'],
        ['1', 'Tỷ lệ A', '1%', '2%', '1. Kế hoạch A; 2. Kế hoạch B', 'Sở Y tế', 'Cục Thống kê'],
        ['2', 'Tỷ lệ B', '1%', '2%', '3. Kế hoạch C', '', ''],
        ['3', 'Tỷ lệ C', '1%', '', '', 'Sở Tài chính', 'Cục Thống kê'],
      ]);
      assert.deepEqual(indicator(r, '3').targets['2022'], { text: '1%', target: { kind: 'exact', value: 1, maintain: false, unit: '%' }, mergedFrom: '2021' });
      assert.deepEqual(r.draft.indicators.map((i) => [i.lead, i.coordinators, i.policyDocuments]), [
        ['hn-syt', ['hn-ctk'], ['Kế hoạch A', 'Kế hoạch B', 'Kế hoạch C']],
        ['hn-syt', ['hn-ctk'], ['Kế hoạch A', 'Kế hoạch B', 'Kế hoạch C']],
        ['hn-stc', ['hn-ctk'], []],
      ]);
      assert.deepEqual(r.findings.filter((f) => f.code === 'taken-from-above').map((f) => `${f.cell} ${f.variant ?? JSON.stringify(f.params.column)}`), ['F3 "lead"', 'G3 "coordinators"', 'E2 documents']);
      assert.equal(findingOf(r, 'target-spans-years')?.cell, 'D4');
    });

    it('blank cells without merges: a target spanning years, a missing first target, a blank baseline', () => {
      const r = draftOf([
        ['TT', 'Chỉ tiêu', 'Kết quả năm 2020', 'Năm 2021', 'Năm 2022', 'Cơ quan chủ trì', 'Cơ quan phối hợp'],
        ['1', 'Tỷ lệ A', '', '', '91%', 'Sở Y tế', 'Cục Thống kê'],
      ]);
      assert.equal(findingOf(r, 'missing-target')?.cell, 'D2');
      assert.equal(findingOf(r, 'no-baseline')?.cell, 'C2');
      assert.equal(indicator(r, '1').baseline, null);
      assert.deepEqual(Object.keys(indicator(r, '1').targets), ['2022']);
    });

    it('inference: units from phrases, names or nothing; value types; directions', () => {
      const r = draftOf([
        ['TT', 'Chỉ tiêu', 'Năm 2021', 'Năm 2022', 'Cơ quan chủ trì', 'Cơ quan phối hợp'],
        ['1', 'Số bác sỹ/vạn dân', '13,5', '14', 'Sở Y tế', 'Cục Thống kê'],
        ['2', 'Số dự án hoàn thành', '3', '3', 'Sở Y tế', 'Cục Thống kê'],
        ['3', 'Lượt khám', '160.000 lượt', '170.000 người', 'Sở Y tế', 'Cục Thống kê'],
        ['4', 'Tỷ lệ X', 'Dưới 5%', 'Trên 6%', 'Sở Y tế', 'Cục Thống kê'],
        ['5', 'Giảm tỷ lệ trẻ suy dinh dưỡng so với năm trước', '0,1%/năm', '0,1%/năm', 'Sở Y tế', 'Cục Thống kê'],
        ['6', 'Người có công có mức sống bằng trung bình', 'Cơ bản đạt', 'Đạt', 'Sở Y tế', 'Cục Thống kê'],
      ]);
      assert.deepEqual(r.draft.indicators.map((i) => [i.code, i.unit, i.valueType, i.polarity]), [
        ['1', 'bác sỹ/vạn dân', 'number', 'higher'],
        ['2', '', 'number', 'higher'],
        ['3', 'lượt', 'integer', 'higher'],
        ['4', '%', 'percent', 'higher'],
        ['5', '%', 'percent', 'lower'],
        ['6', '', 'qualitative', 'higher'],
      ]);
      const about = (code: string) => r.findings.filter((f) => f.indicator === code).map((f) => f.variant ? `${f.code}:${f.variant}` : f.code);
      assert.deepEqual(about('2'), ['unit-unknown', 'value-type-assumed', 'polarity-undecided']);
      assert.deepEqual(about('3'), ['units-differ']);
      assert.deepEqual(about('4'), ['polarity-undecided:conflict']);
      assert.deepEqual(indicator(r, '5').targets['2021']?.target, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
    });

    it('the baseline header: a year that fits is taken; repeated headers that disagree are a finding', () => {
      const head = ['TT', 'Chỉ tiêu', 'Kết quả đến cuối năm 2020', 'Năm 2021', 'Năm 2022', 'Cơ quan chủ trì', 'Cơ quan phối hợp'];
      const row = ['1', 'Tỷ lệ A', '1%', '2%', '3%', 'Sở Y tế', 'Cục Thống kê'];
      assert.equal(indicator(draftOf([head, row]), '1').baseline?.year, 2020);
      const again = [...head];
      again[2] = 'Kết quả đến cuối năm 2019';
      const r = draftOf([head, row, again, ['2', 'Tỷ lệ B', '1%', '2%', '3%', 'Sở Y tế', 'Cục Thống kê']]);
      assert.equal(findingOf(r, 'baseline-year')?.variant, 'disagree');
      const late = [...head];
      late[2] = 'Kết quả đến cuối năm 2021';
      const lone = draftOf([late, row]);
      assert.deepEqual([findingOf(lone, 'baseline-year')?.params.used, indicator(lone, '1').baseline?.year], [2020, 2020]);
    });

    it('the metadata the plan needs is a finding when left out; a table too large is cut and said so', () => {
      const r = draftOf([HEAD, ['1', 'Tỷ lệ A', '%', '90%', '91%', 'Sở Y tế', 'Cục Thống kê']], { meta: { issuedOn: undefined, program: undefined, standingAgency: undefined } });
      assert.deepEqual(r.findings.filter((f) => f.code === 'meta-missing').map((f) => f.params.field), ['issuedOn', 'program', 'standingAgency']);
      const wide = draftOf([Array.from({ length: 70 }, () => 'x')]);
      assert.ok(codesOf(wide).includes('table-too-large'));
      assert.ok(Plan.safeParse(draftOf([HEAD, ['1', 'Tỷ lệ A', '%', '90%', '91%', 'Sở Y tế', 'Cục Thống kê']]).draft).success);
    });

    it('is total on hostile input: non-arrays, objects and huge cells', () => {
      const r = draftOf([null, 5, [{ toString: () => 'TT' }, 'x'.repeat(100_000)]] as unknown as unknown[][]);
      assert.deepEqual(codesOf(r), ['no-header']);
    });
  });

  describe('the catalogue of its messages', () => {
    it('every code of the catalogue and each of its variants is produced, with the parameters its template needs', () => {
    const seen = new Set(made.map((f) => `${f.code}:${f.variant ?? ''}`));
    for (const [code, entry] of Object.entries(PLAN_IMPORT_FINDINGS)) {
      for (const variant of ['', ...Object.keys(entry.variants ?? {})]) assert.ok(seen.has(`${code}:${variant}`), `${code}${variant ? ` (${variant})` : ''} is never produced`);
    }
    for (const f of made) assert.deepEqual(missingPlaceholders(PLAN_IMPORT_FINDINGS[f.code], f.params, f.variant), [], `${f.code}: ${JSON.stringify(f.params)}`);
    });
  });
});
