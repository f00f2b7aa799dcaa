/**
 * The task sheet of a plan written as tasks, through exceljs: the template's "Nhiệm vụ"
 * sheet (task, due, coordinators, then status from a list, account, evidence, note), read
 * back by the upload reader into task entries with the same inputs description the add-in uses.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { agencyTemplate } from '../../shared/layout/template';
import { validateReport } from '../../shared/validate';
import { renderWorkbook } from '../../server/xlsx/render';
import { readTemplateUpload } from '../../server/xlsx/read';
import { register, taskPlan } from '../fixtures/hanoi';

async function filledTemplate(fill: (sheet: ExcelJS.Worksheet, rowOf: (code: string) => number) => void): Promise<Buffer> {
  const layout = agencyTemplate(taskPlan(), register(), { agencyId: 'hn-syt', period: '2026' });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await renderWorkbook(layout));
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
    await book.xlsx.load(await renderWorkbook(layout));
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
