/**
 * The task sheet of a plan written as tasks, through exceljs: the template's "Nhiệm vụ"
 * sheet (task, due, coordinators, then status from a list, account, evidence, note), read
 * back by the upload reader into task entries with the same inputs description the add-in uses.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { agencyTemplate } from '../../shared/layout/template';
import { validateReport } from '../../shared/validate';
import { renderWorkbook } from '../../server/xlsx/render';
import { readTemplateUpload } from '../../server/xlsx/read';
import { plan, register, taskPlan } from '../fixtures/hanoi';

async function filledTemplate(fill: (sheet: ExcelJS.Worksheet, rowOf: (code: string) => number) => void): Promise<Buffer> {
  const layout = agencyTemplate(taskPlan(), register(), { agencyId: 'hn-syt', period: '2026' });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await renderWorkbook(layout)) as unknown as ExcelJS.Buffer);
  const sheet = book.getWorksheet('Nhiệm vụ');
  assert.ok(sheet, 'the template has a task sheet');
  const rowOf = (code: string) => {
    let found = 0;
    sheet.eachRow((row, n) => {
      if (row.getCell(1).value === code) found = n;
    });
    assert.ok(found > 0, `row of task ${code}`);
    return found;
  };
  fill(sheet, rowOf);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('the task sheet (exceljs)', () => {
  it('lists the tasks the agency leads with their due dates and coordinators, and a status list of the four labels', async () => {
    const layout = agencyTemplate(taskPlan(), register(), { agencyId: 'hn-syt', period: '2026' });
    assert.deepEqual(layout.sheets.map((s) => s.role), ['indicators', 'tasks', 'metadata']);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await renderWorkbook(layout)) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Nhiệm vụ')!;
    const rows = new Map<number, unknown[]>();
    sheet.eachRow((row, n) => rows.set(n, (row.values as unknown[]).slice(1, 5)));
    const taskRows = [...rows.values()].filter((r) => typeof r[0] === 'string' && r[0].startsWith('IV.'));
    assert.deepEqual(taskRows, [
      ['IV.2.1', 'Xây dựng đề án phát triển mạng lưới cơ sở trợ giúp xã hội', 'Trong kỳ kế hoạch (đến 31/12/2027)', 'Sở Nội vụ, Sở Giáo dục và Đào tạo'],
      ['IV.2.2', 'Hướng dẫn khám sức khỏe định kỳ cho người cao tuổi', 'Trước 31/05/2026', ''],
      ['IV.2.3', 'Báo cáo kết quả cấp thẻ bảo hiểm y tế cho người thuộc hộ nghèo, cận nghèo', 'Hằng năm', 'Sở Nội vụ'],
    ]);
    const statusCell = sheet.getCell(`E${[...rows].find(([, r]) => r[0] === 'IV.2.1')?.[0] ?? 0}`);
    assert.equal(statusCell.dataValidation.type, 'list');
    assert.deepEqual(statusCell.dataValidation.formulae, ['"Hoàn thành,Đang thực hiện,Chưa thực hiện,Chưa đến hạn"']);
    assert.equal(statusCell.protection.locked, false);
    // A coordinator gets no task sheet for tasks it only coordinates.
    const snv = agencyTemplate(taskPlan(), register(), { agencyId: 'hn-sgddt', period: '2026' });
    assert.ok(!snv.sheets.some((s) => s.role === 'tasks'));
  });

  it('reads the filled sheet back into task entries, and an unreadable status into a finding with its cell', async () => {
    const buffer = await filledTemplate((sheet, rowOf) => {
      sheet.getCell(`E${rowOf('IV.2.1')}`).value = 'Đang thực hiện';
      sheet.getCell(`F${rowOf('IV.2.1')}`).value = 'Đã lấy ý kiến các sở';
      sheet.getCell(`E${rowOf('IV.2.2')}`).value = 'Chưa thực hiện';
      sheet.getCell(`G${rowOf('IV.2.2')}`).value = 'Công văn 12/SYT-NVY ngày 40/5/2026';
      sheet.getCell(`E${rowOf('IV.2.3')}`).value = 'xong';
      sheet.getCell(`H${rowOf('IV.2.3')}`).value = 'Theo số liệu BHXH';
    });
    const upload = await readTemplateUpload(buffer);
    assert.ok(upload.ok);
    assert.deepEqual(upload.tasks, [
      { code: 'IV.2.1', status: 'inProgress', account: 'Đã lấy ý kiến các sở' },
      { code: 'IV.2.2', status: 'notStarted', evidence: 'Công văn 12/SYT-NVY ngày 40/5/2026' },
      { code: 'IV.2.3', note: 'Theo số liệu BHXH' },
    ]);
    const unreadable = upload.findings.filter((f) => f.code === 'task-status-unreadable');
    assert.deepEqual(unreadable.map((f) => [f.task, f.field, f.severity]), [['IV.2.3', 'task', 'error']]);
    assert.match(String(unreadable[0]?.details?.cell), /^Nhiệm vụ!E\d+$/);
    assert.match(unreadable[0]!.message.vi, /Nhiệm vụ IV\.2\.3 \(ô Nhiệm vụ!E\d+\): tình trạng "xong" không đọc được/);
    const report = validateReport(taskPlan(), { agencyId: 'hn-syt', period: '2026', entries: upload.entries, tasks: upload.tasks, reading: upload.findings }, { register: register() });
    assert.deepEqual(report.findings.filter((f) => f.task).map((f) => [f.code, f.task]), [
      ['task-status-unreadable', 'IV.2.3'],
      ['task-account-required', 'IV.2.2'],
      ['task-evidence-date-unreadable', 'IV.2.2'],
    ]);
  });
});

describe('the consolidated workbook of a task plan (exceljs)', () => {
  it('has a task sheet: counts per status, agency × status, and each task with lead, status, account, evidence and the overdue flag', async () => {
    const reports = [
      {
        agencyId: 'hn-syt',
        status: 'submitted' as const,
        entries: [],
        tasks: [
          { code: 'IV.2.1', status: 'inProgress' as const, account: 'Đã lấy ý kiến các sở' },
          { code: 'IV.2.2', status: 'notStarted' as const, account: 'Chờ hướng dẫn', evidence: 'Công văn 12/SYT-NVY ngày 20/5/2026' },
          { code: 'IV.2.3', status: 'completed' as const },
        ],
      },
    ];
    const table = consolidate(taskPlan(), register(), { period: '2026', reports });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await renderWorkbook(consolidatedWorkbook(taskPlan(), register(), table))) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Nhiệm vụ');
    assert.ok(sheet);
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const byLabel = (label: string) => rows.find((r) => r[1] === label);
    assert.deepEqual(['Hoàn thành', 'Đang thực hiện', 'Chưa thực hiện', 'Chưa đến hạn', 'Chưa báo cáo', 'Quá hạn chưa hoàn thành'].map((l) => byLabel(l)?.[2]), [1, 1, 1, 0, 2, 3]);
    assert.deepEqual(byLabel('Sở Y tế')?.slice(2), [3, 1, 1, 1, 0, 0, 1]);
    assert.deepEqual(byLabel('Sở Nội vụ')?.slice(2), [2, 0, 0, 0, 0, 2, 2]);
    const task = rows.find((r) => r[0] === 'IV.2.2');
    assert.deepEqual(task, ['IV.2.2', 'Hướng dẫn khám sức khỏe định kỳ cho người cao tuổi', 'Sở Y tế', '31/05/2026', 'Chưa thực hiện', 'Chờ hướng dẫn', 'Công văn 12/SYT-NVY ngày 20/5/2026', 'Quá hạn', '']);
    assert.equal(rows.find((r) => r[0] === 'IV.1.1')?.[3], 'Hằng năm (14/12/2026)');
    // A plan without tasks keeps its workbook as it was: no task sheet.
    const plain = consolidatedWorkbook(plan('hn-kh207-2021'), register(), consolidate(plan('hn-kh207-2021'), register(), { period: '2023', reports: [] }));
    assert.ok(!plain.sheets.some((s) => s.role === 'tasks'));
  });
});
