import type { TaskTable, TaskTableStatus } from '../consolidate-tasks';
import { TASK_TABLE_STATUSES } from '../consolidate-tasks';
import type { Lang } from '../targets/render';
import { rangeAddress } from './a1';
import { SheetBuilder } from './builder';
import { TASK_STATUS_CHOICES } from './labels';
import { dayMonthYear } from './print';
import type { SheetLayout } from './types';

/**
 * The task sheet of the consolidated workbook (plans written as tasks): counts per status,
 * agency × status, then every task with its lead, status, account, evidence and an overdue
 * flag, as an Excel table. Drawn by both renderers from this description.
 */

export const TASK_TABLE_STATUS_LABELS: Record<TaskTableStatus, Record<Lang, string>> = {
  completed: { vi: TASK_STATUS_CHOICES.vi.completed, en: TASK_STATUS_CHOICES.en.completed },
  inProgress: { vi: TASK_STATUS_CHOICES.vi.inProgress, en: TASK_STATUS_CHOICES.en.inProgress },
  notStarted: { vi: TASK_STATUS_CHOICES.vi.notStarted, en: TASK_STATUS_CHOICES.en.notStarted },
  notYetDue: { vi: TASK_STATUS_CHOICES.vi.notYetDue, en: TASK_STATUS_CHOICES.en.notYetDue },
  notReported: { vi: 'Chưa báo cáo', en: 'Not reported' },
};

const OVERDUE: Record<Lang, string> = { vi: 'Quá hạn', en: 'Overdue' };

function dueText(row: TaskTable['rows'][number], lang: Lang): string {
  if (row.due.kind === 'everyYear') return `${lang === 'vi' ? 'Hằng năm' : 'Every year'} (${dayMonthYear(row.dueDate)})`;
  return dayMonthYear(row.dueDate);
}

export function taskTableSheet(tasks: TaskTable, heading: string, name: (id: string | null) => string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Nhiệm vụ' : 'Tasks', 'tasks', [
    // Not 9: exceljs leaves a width of 9 (its default) out of the file, so Excel would show 8.43.
    { key: 'code', width: 10 },
    { key: 'text', width: 52 },
    { key: 'lead', width: 24 },
    { key: 'due', width: 16 },
    { key: 'status', width: 16 },
    { key: 'account', width: 40 },
    { key: 'evidence', width: 34 },
    { key: 'overdue', width: 10 },
    { key: 'note', width: 24 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Tình hình thực hiện các nhiệm vụ được giao' : 'Progress of the tasks assigned', 'subtitle');
  b.row([]);
  b.headerRow(vi ? ['', 'Tình trạng', 'Số nhiệm vụ'] : ['', 'Status', 'Tasks'], 20);
  for (const status of TASK_TABLE_STATUSES) {
    b.row([{ v: '', s: 'text', text: true }, { v: TASK_TABLE_STATUS_LABELS[status][lang], s: 'label', text: true }, { v: tasks.counts[status], s: 'number', f: '#,##0' }]);
  }
  b.row([{ v: '', s: 'text', text: true }, { v: vi ? 'Quá hạn chưa hoàn thành' : 'Overdue, not completed', s: 'labelHeading', text: true }, { v: tasks.overdue.length, s: 'number', f: '#,##0' }]);
  b.row([]);
  const statusHeaders = TASK_TABLE_STATUSES.map((s) => TASK_TABLE_STATUS_LABELS[s][lang]);
  b.headerRow(['', vi ? 'Cơ quan chủ trì' : 'Lead agency', vi ? 'Tổng số' : 'Total', ...statusHeaders, OVERDUE[lang]], 32);
  for (const a of tasks.byAgency) {
    b.row([
      { v: '', s: 'text', text: true },
      { v: name(a.agencyId), s: 'label', text: true },
      { v: a.total, s: 'number', f: '#,##0' },
      ...TASK_TABLE_STATUSES.map((s) => ({ v: a.counts[s], s: 'number' as const, f: '#,##0' })),
      { v: a.overdue, s: 'number', f: '#,##0' },
    ]);
  }
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Thời hạn', 'Tình trạng', 'Kết quả thực hiện / giải trình', 'Văn bản minh chứng', 'Quá hạn', 'Ghi chú']
    : ['Code', 'Task', 'Lead agency', 'Due', 'Status', 'Account', 'Evidence', 'Overdue', 'Note'];
  const header = b.headerRow(headers, 32);
  for (const row of tasks.rows) {
    b.row([
      { v: row.code, s: 'code', text: true },
      { v: vi ? row.text : (row.textEn ?? row.text), s: 'label', text: true },
      { v: name(row.lead), s: 'text', text: true },
      { v: dueText(row, lang), s: 'text', text: true },
      { v: TASK_TABLE_STATUS_LABELS[row.status][lang], s: 'output', text: true },
      { v: row.account ?? '', s: 'text', text: true },
      { v: row.evidenceText ?? '', s: 'text', text: true },
      { v: row.overdue ? OVERDUE[lang] : '', s: 'output', text: true },
      { v: row.note ?? '', s: 'text', text: true },
    ]);
  }
  const last = Math.max(b.rowCount - 1, header + 1);
  if (b.rowCount - 1 === header) b.row([]);
  b.table({ name: 'NhiemVu', range: rangeAddress(header, 0, last, 8), style: 'TableStyleLight9' });
  const labels = TASK_TABLE_STATUS_LABELS;
  b.colourByText(rangeAddress(header + 1, 4, last, 4), [labels.completed[lang]], [labels.inProgress[lang], labels.notYetDue[lang]], [labels.notStarted[lang], labels.notReported[lang]]);
  b.colourByText(rangeAddress(header + 1, 7, last, 7), [], [], [OVERDUE[lang]]);
  return b.build({ repeatRows: { from: header, to: header } });
}
