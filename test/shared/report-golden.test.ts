/**
 * The report to the city's leaders (shared/report/): its text for the catalog's plans, with
 * reports made here (some met, some lagging with the agency's reasons), compared exactly
 * with test/golden/report/*.txt. UPDATE_GOLDEN=1 rewrites them; read the diff before committing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { consolidate, summarize } from '../../shared/consolidate';
import type { ReportRecord } from '../../shared/consolidate';
import { buildReport } from '../../shared/report/build';
import { reportPlainText } from '../../shared/report/content';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { plan, register, repoRoot, taskPlan } from '../fixtures/hanoi';
import { round207 } from './report-fixtures';

const GOLDEN = path.join(repoRoot, 'test', 'golden', 'report');

function compareGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs; UPDATE_GOLDEN=1 rewrites it`);
}

/** The first six months' table of the same year, for the change since then. */
function firstHalf207() {
  const half = consolidate(plan('hn-kh207-2021'), register(), { period: '2023-6M', reports: round207().map((r) => ({ ...r, entries: r.entries.slice(0, 1) })) });
  return { period: half.period, categories: half.summary.categories };
}

describe('the report to the city leaders (text, golden)', () => {
  it('plan 207/KH-UBND, year 2023, with the change since the first six months, in Vietnamese and English', () => {
    const p = plan('hn-kh207-2021');
    const table = consolidate(p, register(), { period: '2023', reports: round207(), previousSummary: firstHalf207() });
    assert.equal(table.summary.previousPeriod, '2023-6M');
    for (const lang of ['vi', 'en'] as const) {
      const report = buildReport(p, register(), table, { lang, date: '2023-12-20' });
      compareGolden(`hn-kh207-2021-2023.${lang}.txt`, reportPlainText(report));
    }
    const vi = reportPlainText(buildReport(p, register(), table, { date: '2023-12-20' }));
    assert.match(vi, /Hà Nội, ngày 20 tháng 12 năm 2023/);
    assert.match(vi, /Có \d+\/\d+ chỉ tiêu \(\d+(,\d)?%\) đã hoàn thành, vượt mục tiêu giai đoạn 2021-2025/);
    assert.match(vi, /Chỉ tiêu 11 .*Đơn vị chủ trì: Sở Y tế\. Nguyên nhân \(Sở Y tế: Thiếu nhân lực y tế cơ sở/);
    assert.doesNotMatch(vi, /hn-[a-z]/, 'no agency ids reach the report');
    assert.equal(buildReport(p, register(), table, { date: '2023-12-20' }).fileName, 'Bao-cao-KH207-nam-2023.docx');
  });

  it('plan 181/KH-UBND, first six months of 2024, without a previous period', () => {
    const p = plan('hn-kh181-2024');
    const reports: ReportRecord[] = [
      {
        agencyId: 'hn-sldtbxh',
        status: 'submitted',
        entries: [
          { code: '1', value: '100' },
          { code: '2.1', value: '4,5', note: 'Nguồn kinh phí hỗ trợ chưa được bố trí kịp thời' },
          { code: '5', value: '98,5' },
        ],
      },
    ];
    const table = consolidate(p, register(), { period: '2024-6M', reports });
    assert.equal(table.summary.previousPeriod, null);
    const report = buildReport(p, register(), table, { date: '2024-06-20' });
    compareGolden('hn-kh181-2024-2024-6M.vi.txt', reportPlainText(report));
    assert.equal(report.fileName, 'Bao-cao-KH181-6-thang-2024.docx');
  });

  it('Hải Phòng plan 113/KH-UBND, year 2023: the poverty goal and the tasks of Sở LĐTBXH and a district', () => {
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as { agencies: unknown[] };
    const haiphong = createRegister({ city: 'all', agencies: [...read('shared/agencies/hanoi.json').agencies, ...read('shared/agencies/haiphong.json').agencies] });
    const p = compilePlan(JSON.parse(fs.readFileSync(path.join(repoRoot, 'shared/plans/hp-kh113-2022.json'), 'utf8')));
    const reports: ReportRecord[] = [
      {
        agencyId: 'hp-sldtbxh',
        status: 'submitted',
        entries: [{ code: '1', value: 2150, note: 'Còn 2.150 hộ nghèo theo chuẩn đa chiều cuối năm 2023' }],
        tasks: [
          { code: 'IV.1.1', status: 'completed', account: 'Đã tổ chức 12 hội nghị triển khai', evidence: 'Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2023' },
          { code: 'IV.1.2', status: 'inProgress', account: 'Đang rà soát chính sách trợ giúp xã hội' },
          { code: 'IV.1.5', status: 'notStarted', account: 'Chờ bố trí kinh phí năm 2024' },
        ],
      },
    ];
    const table = consolidate(p, haiphong, { period: '2023', reports });
    const report = buildReport(p, haiphong, table, { date: '2023-12-20' });
    const text = reportPlainText(report);
    compareGolden('hp-kh113-2022-2023.vi.txt', text);
    assert.match(text, /Hải Phòng, ngày 20 tháng 12 năm 2023/);
    assert.match(text, /Chờ bố trí kinh phí năm 2024/, "the agency's account of a task not started reaches the report");
    assert.doesNotMatch(text, /hp-[a-z]/, 'no agency ids reach the report');
  });

  it('a plan written as tasks: the task counts and the overdue tasks with their agency\'s account', () => {
    const reports: ReportRecord[] = [
      {
        agencyId: 'hn-syt',
        status: 'submitted',
        entries: [],
        tasks: [
          { code: 'IV.2.1', status: 'inProgress', account: 'Đã lấy ý kiến các sở' },
          { code: 'IV.2.2', status: 'notStarted', account: 'Chờ hướng dẫn của Bộ Y tế' },
          { code: 'IV.2.3', status: 'completed', evidence: 'Báo cáo 300/BC-SYT ngày 1/12/2026' },
        ],
      },
    ];
    const p = taskPlan();
    const table = consolidate(p, register(), { period: '2026', reports });
    const text = reportPlainText(buildReport(p, register(), table, { date: '2026-12-18' }));
    compareGolden('task-plan-2026.vi.txt', text);
    assert.match(text, /Chờ hướng dẫn của Bộ Y tế/);
  });

  it('counts every category once: the summary lines add up to the total', () => {
    const table = consolidate(plan('hn-kh207-2021'), register(), { period: '2023', reports: round207() });
    const text = reportPlainText(buildReport(plan('hn-kh207-2021'), register(), table, { date: '2023-12-20' }));
    const counts = [...text.matchAll(/^- Có (\d+)\/(\d+) chỉ tiêu/gmu)].map((m) => Number(m[1]));
    assert.equal(counts.length, summarize(table.rows).categories.length);
    assert.equal(counts.reduce((a, b) => a + b, 0), table.summary.total);
  });
});
