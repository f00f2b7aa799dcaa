import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { parseRange } from '../../shared/layout/a1';
import { METADATA_SHEET, agencyTemplate, indicatorColumn } from '../../shared/layout/template';
import type { CellSpec, SheetLayout } from '../../shared/layout/types';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

const rowOf = (sheet: SheetLayout, code: string): CellSpec[] => {
  const row = sheet.grid.find((r) => r[0]?.v === code);
  assert.ok(row, `row ${code}`);
  return row;
};
const cell = (row: CellSpec[], key: Parameters<typeof indicatorColumn>[0]): CellSpec => {
  const c = row[indicatorColumn(key)];
  assert.ok(c, key);
  return c;
};
/** The prompt of the validation covering (row, col). */
function promptAt(sheet: SheetLayout, row: number, col: number): string | undefined {
  return sheet.validations.find((v) => {
    const p = parseRange(v.range);
    return p && p.row1 <= row && row <= p.row2 && p.col1 <= col && col <= p.col2;
  })?.prompt?.vi;
}

describe('the clerk’s template mirrors the appendix', () => {
  const syt = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }).sheets[0];
  const district = agencyTemplate(plan207, register, { agencyId: 'hn-h-ba-vi', period: '2022' }).sheets[0];
  assert.ok(syt && district);

  it('lists every year’s target, this period’s year marked, the baseline and the agencies', () => {
    const row11 = rowOf(syt, '11');
    assert.equal(cell(row11, 'years').v, '2021: 27,5\n2022: 28,0\n▶ 2023: 28,5\n2024: 29,0\n2025: 30-35');
    assert.equal(cell(row11, 'yearTarget').v, '28,5');
    assert.equal(cell(row11, 'yearTarget').s, 'section', 'this period’s target is highlighted');
    assert.equal(cell(row11, 'baseline').v, '27,1');
    assert.match(String(cell(row11, 'agencies').v), /^Chủ trì: Sở Y tế/);
    assert.match(String(syt.grid[5]?.[indicatorColumn('yearTarget')]?.v), /Kế hoạch năm 2023 \(kỳ này\)/);
    assert.equal(cell(rowOf(district, '2'), 'agencies').v, 'Chủ trì: Sở Lao động-Thương binh và Xã hội\nPhối hợp: Cục Thống kê; Ngân hàng CSXH Thành phố; UBND quận, huyện, thị xã');
  });

  it('says on a district template when a target is the city’s and what the denominator is', () => {
    const row2 = rowOf(district, '2');
    assert.equal(plan207.indicators.get('2')?.aggregation.kind, 'sum');
    assert.equal(cell(row2, 'role').v, 'Số liệu địa bàn. Chỉ tiêu toàn Thành phố: đơn vị báo cáo phần đóng góp của mình vào tổng chung');
    assert.match(String(cell(row2, 'yearTarget').v), /^160\.000 lượt người \/năm \(toàn Thành phố\)$/);
    assert.match(String(cell(row2, 'years').v), /▶ 2022: 160\.000 lượt người \/năm\n.*\n\(toàn Thành phố\)$/s);
    const row21 = rowOf(district, '21');
    assert.match(String(cell(row21, 'role').v), /bình quân gia quyền: ghi tỷ lệ của địa bàn và ở cột Mẫu số ghi Số xã, phường, thị trấn/);
    // The lead's own template shows the target as its own.
    assert.equal(cell(rowOf(syt, '11'), 'role').v, 'Chủ trì');
    assert.doesNotMatch(String(cell(rowOf(syt, '11'), 'yearTarget').v), /toàn Thành phố/);
  });

  it('fits each input prompt to its indicator', () => {
    const at = (sheet: SheetLayout, code: string) => promptAt(sheet, sheet.grid.indexOf(rowOf(sheet, code)), indicatorColumn('value'));
    const count = at(district, '2');
    assert.match(String(count), /^Nhập số nguyên \(lượt người\/năm\); ví dụ 1\.250$/);
    assert.doesNotMatch(String(count), /85,5/);
    assert.match(String(at(syt, '13')), /tỷ lệ phần trăm.*ví dụ 85,5/);
    assert.match(String(at(syt, '11')), /^Nhập kết quả \(giường bệnh\/vạn dân\); ví dụ 12,5$/);
    const lead17 = plan207.indicators.get('17')?.lead;
    assert.equal(plan207.indicators.get('17')?.targets['2023']?.target.kind, 'change');
    const sheet = lead17 ? agencyTemplate(plan207, register, { agencyId: lead17, period: '2023' }).sheets[0] : undefined;
    assert.ok(sheet);
    assert.match(String(at(sheet, '17')), /^Nhập số liệu thực tế của năm nay \(%\), không nhập mức tăng, giảm; mức thay đổi so với năm trước do hệ thống tính$/);
  });

  it('shows no internal name in a visible cell; the metadata sheet stays very hidden', () => {
    const workbook = agencyTemplate(plan207, register, { agencyId: 'hn-h-ba-vi', period: '2022' });
    for (const sheet of workbook.sheets) {
      if (sheet.name === METADATA_SHEET) {
        assert.equal(sheet.visibility, 'veryHidden');
        continue;
      }
      for (const row of sheet.grid) for (const c of row) assert.doesNotMatch(String(c.v ?? ''), /_asr_meta|hn-[a-z]|asr\./, `${sheet.name}: ${String(c.v)}`);
      for (const v of sheet.validations) assert.doesNotMatch(`${v.prompt?.vi ?? ''} ${v.error?.vi ?? ''}`, /_asr_meta|hn-[a-z]/);
    }
  });

  it('shows last period’s own value beside each input, read-only', () => {
    const sheet = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023', previous: { period: '2023-9M', values: { '11': 28.7, '20': 'Cơ bản đạt' } } }).sheets[0];
    assert.ok(sheet);
    const row11 = rowOf(sheet, '11');
    assert.equal(cell(row11, 'previous').v, 28.7);
    assert.equal(cell(row11, 'previous').input, undefined);
    assert.equal(indicatorColumn('previous') + 1, indicatorColumn('value'), 'beside the input');
    assert.equal(sheet.grid[5]?.[indicatorColumn('previous')]?.v, 'Kỳ trước (9 tháng năm 2023)');
    assert.equal(cell(rowOf(sheet, '12'), 'previous').v, null);
  });
});
