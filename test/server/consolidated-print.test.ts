import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { consolidatedFileName, dayMonthYear, dayMonthYearTime, planShortName, templateFileName } from '../../shared/layout/print';
import { parsePeriod } from '../../shared/periods';
import { renderWorkbook } from '../../server/xlsx/render';

const load = (p: string): unknown => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

/** A 2023 table with a returned report (dates on the submission sheet) and a counted one. */
function table2023() {
  return consolidate(plan207, register, {
    period: '2023',
    reports: [
      { agencyId: 'hn-syt', status: 'submitted', revision: 4, updatedAt: '2023-12-10T08:00:00.000Z', entries: [{ code: '11', value: '28,7' }, { code: '12', value: 14.1 }] },
      { agencyId: 'hn-bhxh', status: 'returned', entries: [{ code: '6', value: 92.8 }], comment: 'Bổ sung số liệu', updatedAt: '2023-12-05T02:30:00.000Z' },
    ] as Parameters<typeof consolidate>[2]['reports'],
  });
}

describe('The consolidated workbook, printed: page setup, people’s names, dates and file names', function () {
  this.timeout(60_000);

  it('names files for people: Bao-cao-KH207-nam-2023.xlsx, Bieu-mau-KH207-…-So-Y-te.xlsx (ASCII)', () => {
    const p = (id: string) => parsePeriod(id) ?? assert.fail(id);
    assert.equal(planShortName('207/KH-UBND'), 'KH207');
    assert.equal(consolidatedFileName('207/KH-UBND', p('2023')), 'Bao-cao-KH207-nam-2023.xlsx');
    assert.equal(consolidatedFileName('207/KH-UBND', p('2023-6M')), 'Bao-cao-KH207-6-thang-dau-nam-2023.xlsx');
    assert.equal(consolidatedFileName('207/KH-UBND', p('2023-9M')), 'Bao-cao-KH207-9-thang-nam-2023.xlsx');
    assert.equal(templateFileName('207/KH-UBND', p('2023'), 'Sở Y tế'), 'Bieu-mau-KH207-nam-2023-So-Y-te.xlsx');
    assert.equal(templateFileName('113/KH-UBND', p('2024'), 'Ủy ban nhân dân quận Đống Đa'), 'Bieu-mau-KH113-nam-2024-Uy-ban-nhan-dan-quan-Dong-Da.xlsx');
    assert.match(templateFileName('207/KH-UBND', p('2023'), 'Sở Lao động – Thương binh và Xã hội'), /^[A-Za-z0-9.-]+$/);
  });

  it('writes dates as dd/mm/yyyy (Vietnam time for times)', () => {
    assert.equal(dayMonthYear('2023-06-14'), '14/06/2023');
    assert.equal(dayMonthYearTime('2023-12-05T02:30:00.000Z'), '05/12/2023 09:30');
    assert.equal(dayMonthYearTime('not a time'), '');
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`repeats the header row and numbers the pages of every printed sheet, landscape A4 fit to width, no ids or ISO dates (${lang})`, async () => {
      const layout = consolidatedWorkbook(plan207, register, table2023(), lang);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await renderWorkbook(layout)) as unknown as ExcelJS.Buffer);
      const visible = layout.sheets.filter((s) => s.visibility === 'visible');
      assert.ok(visible.length >= 5);
      for (const sheet of visible) {
        assert.ok(sheet.page?.repeatRows, `${sheet.name}: repeated header rows in the layout`);
        const header = sheet.page.repeatRows.from;
        assert.equal(sheet.grid[header]?.[0]?.s.startsWith('header'), true, `${sheet.name}: the repeated row is the table's header`);
        const ws = book.getWorksheet(sheet.name) ?? assert.fail(sheet.name);
        assert.equal(ws.pageSetup.orientation, 'landscape');
        assert.equal(ws.pageSetup.paperSize, 9);
        assert.equal(ws.pageSetup.fitToWidth, 1);
        assert.equal(ws.pageSetup.printTitlesRow, `${header + 1}:${header + 1}`, sheet.name);
        assert.equal(ws.headerFooter.oddFooter, lang === 'vi' ? '&CTrang &P/&N' : '&CPage &P/&N', sheet.name);
        const texts = sheet.grid.flat().map((c) => c.v).filter((v): v is string => typeof v === 'string');
        for (const t of texts) {
          assert.doesNotMatch(t, /\bhn-[a-z-]+\b|_asr_meta|\d{4}-\d{2}-\d{2}|\(r\d+\)/, `${sheet.name}: "${t.slice(0, 80)}"`);
          assert.doesNotMatch(t, /Tổng các dòng thành phần|Khớp số|Sum of members/, sheet.name);
        }
      }
      const submissions = visible.find((s) => s.role === 'agencies') ?? assert.fail();
      const syt = submissions.grid.find((r) => r[0]?.v === 'Sở Y tế' || r[0]?.v === 'Department of Health') ?? assert.fail('Sở Y tế by name');
      assert.match(String(syt[5]?.v), /^10\/12\/2023 15:00$/);
    });
  }
});
