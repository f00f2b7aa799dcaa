import { defineEntries, str } from './define';
import type { Lang, Params } from './types';
import { formatDate } from '../layout/labels';
import { text as t } from '../i18n';

/**
 * Findings on the tasks of a plan written as tasks (shared/tasks.ts): the engine's (kind
 * "finding") and those made while reading a task sheet's cells (kind "reading"). Every
 * message names the task by its code and a short excerpt of its text.
 */

const CHOOSE_STATUS = t(
  'Chọn một trong: Hoàn thành, Đang thực hiện, Chưa thực hiện, Chưa đến hạn',
  'Choose one of: Completed, In progress, Not started, Not yet due',
);

/** Dates given as YYYY-MM-DD shown as the language writes them (14/06/2023, 14 Jun 2023). */
function dates(p: Params, lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['due', 'cutoff']) {
    const iso = str(p[name]);
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) out[name] = formatDate(iso, lang);
  }
  return out;
}

export const TASK_FINDINGS = defineEntries('finding', {
  'task-unknown': {
    severity: 'error',
    title: t('Nhiệm vụ không có trong kế hoạch', 'Unknown task'),
    message: t('Kế hoạch {plan} không có nhiệm vụ "{task}"', 'Plan {plan} has no task "{task}"'),
    hint: t('Dùng mẫu biểu tải từ hệ thống, không sửa cột mã nhiệm vụ', 'Use the template from the system and keep the task codes as they are'),
    variants: { 'no-code': { message: t('Có một dòng nhiệm vụ không đọc được (không có mã nhiệm vụ)', 'A task row could not be read (it has no task code)') } },
  },
  'task-duplicate': {
    severity: 'error',
    title: t('Nhiệm vụ báo cáo nhiều lần', 'Task reported twice'),
    message: t('Nhiệm vụ {task} ({text}) được báo cáo nhiều lần', 'Task {task} ({text}) is reported more than once'),
    hint: t('Giữ một dòng cho mỗi nhiệm vụ', 'Keep one row per task'),
  },
  'task-not-led': {
    severity: 'warning',
    title: t('Nhiệm vụ không do đơn vị chủ trì', 'Task not led by the agency'),
    message: t(
      'Đơn vị không chủ trì nhiệm vụ {task} ({text}); tình trạng của nhiệm vụ do {lead} báo cáo, dòng này không được tổng hợp',
      'Your agency does not lead task {task} ({text}); its status is reported by {lead}, so this row is not consolidated',
    ),
    hint: t('Cơ quan phối hợp gửi kết quả cho cơ quan chủ trì, không báo cáo trạng thái nhiệm vụ', 'Coordinating agencies send their part to the lead agency; they do not report the status'),
  },
  'task-status-missing': {
    severity: 'error',
    title: t('Chưa chọn tình trạng nhiệm vụ', 'Task status missing'),
    message: t('Chưa chọn tình trạng nhiệm vụ {task}: {text}', 'No status chosen for task {task}: {text}'),
    hint: CHOOSE_STATUS,
    variants: {
      unreadable: { message: t('Nhiệm vụ {task} ({text}): tình trạng "{written}" không đọc được', 'Task {task} ({text}): status "{written}" is not understood') },
    },
  },
  'task-status-contradicts-due': {
    severity: 'error',
    title: t('Tình trạng trái với thời hạn', 'Status contradicts the due date'),
    message: t(
      'Nhiệm vụ {task} ({text}) có thời hạn {due}, đã qua ngày chốt số liệu {cutoff}: không thể "Chưa đến hạn"',
      'Task {task} ({text}) was due by {due}, before the cut-off {cutoff}: it cannot be "not yet due"',
    ),
    hint: t('Chọn Hoàn thành, Đang thực hiện hoặc Chưa thực hiện', 'Choose completed, in progress or not started'),
    format: dates,
    variants: {
      'every-year': {
        message: t(
          'Nhiệm vụ {task} ({text}) thực hiện hằng năm: báo cáo năm {year} không thể ghi "Chưa đến hạn"',
          'Task {task} ({text}) is due every year: the annual report for {year} cannot say "not yet due"',
        ),
      },
    },
  },
  'task-account-required': {
    severity: 'error',
    title: t('Cần giải trình nhiệm vụ chưa thực hiện', 'Account required for a task not started'),
    message: t(
      'Nhiệm vụ {task} ({text}) đã quá hạn ({due}) mà chưa thực hiện: cần ghi rõ lý do',
      'Task {task} ({text}) is past its due date ({due}) and not started: say why',
    ),
    hint: t('Ghi lý do và dự kiến thời gian thực hiện vào cột Kết quả thực hiện / giải trình', 'Give the reason and when it will be done in the account column'),
    format: dates,
  },
  'task-evidence-date-unreadable': {
    severity: 'warning',
    title: t('Ngày văn bản minh chứng không đọc được', 'Date of an evidence document not understood'),
    message: t(
      'Nhiệm vụ {task} ({text}): ngày trong "{written}" không đọc được; văn bản vẫn được ghi nhận như đã nhập',
      'Task {task} ({text}): the date in "{written}" is not understood; the document is kept as typed',
    ),
    hint: t('Ghi số, ký hiệu và ngày, ví dụ: Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022', 'Give the number and the date, e.g. Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022'),
  },
});

export const TASK_READING_FINDINGS = defineEntries('reading', {
  'task-status-unreadable': {
    severity: 'error',
    title: t('Tình trạng nhiệm vụ không đọc được', 'Task status not understood'),
    message: t(
      'Nhiệm vụ {task} (ô {cell}): tình trạng "{written}" không đọc được',
      'Task {task} (cell {cell}): status "{written}" is not understood',
    ),
    hint: CHOOSE_STATUS,
  },
});

export type TaskFindingCode = keyof typeof TASK_FINDINGS;
export type TaskReadingFindingCode = keyof typeof TASK_READING_FINDINGS;
