import type { Category, Verdict } from '../evaluate';
import type { Period } from '../periods';
import type { Lang } from '../targets/render';
import { foldVietnamese, normalizeText } from '../text';
import type { StyleKey, StyleSpec } from './types';
import type { TaskStatus } from '../schema/report';

/** The task statuses in the order the dropdown lists them. */
export const TASK_STATUSES: readonly TaskStatus[] = ['completed', 'inProgress', 'notStarted', 'notYetDue'];

/** Words shown in sheets. One place, so the add-in, the .xlsx writer and the reader agree. */
export const VERDICT_LABELS: Record<Verdict, Record<Lang, string>> = {
  met: { vi: 'Đạt', en: 'Met' },
  withinTolerance: { vi: 'Đạt (trong sai số)', en: 'Met (within tolerance)' },
  notMet: { vi: 'Chưa đạt', en: 'Not met' },
  notAssessable: { vi: 'Chưa đánh giá được', en: 'Not assessable' },
};

export const CATEGORY_SHORT: Record<Category, Record<Lang, string>> = {
  1: { vi: '1. Vượt mục tiêu giai đoạn', en: '1. Plan-period target met' },
  2: { vi: '2. Hoàn thành KH năm', en: "2. Year's plan met" },
  3: { vi: '3. Đúng tiến độ', en: '3. On schedule' },
  4: { vi: '4. Gặp khó khăn', en: '4. Facing difficulties' },
  notAssessable: { vi: 'Chưa đánh giá được', en: 'Not assessable' },
  noData: { vi: 'Chưa có số liệu', en: 'No data' },
};

export const ANSWER_CHOICES: Record<Lang, [string, string, string]> = {
  vi: ['Đạt', 'Cơ bản đạt', 'Không đạt'],
  en: ['Achieved', 'Basically achieved', 'Not achieved'],
};

export const DOCUMENT_STATUS_CHOICES: Record<Lang, { issued: string; notIssued: string }> = {
  vi: { issued: 'Đã ban hành', notIssued: 'Chưa ban hành' },
  en: { issued: 'Issued', notIssued: 'Not issued' },
};

/** Reads a document-status cell in either language; null when blank or not understood. */
export function readDocumentStatus(raw: unknown): 'issued' | 'notIssued' | null {
  if (typeof raw !== 'string') return null;
  const folded = foldVietnamese(normalizeText(raw));
  if (['da ban hanh', 'issued', 'co'].includes(folded)) return 'issued';
  if (['chua ban hanh', 'not issued', 'khong'].includes(folded)) return 'notIssued';
  return null;
}

/** The task statuses as the template's dropdown shows them (shared/tasks.ts reads either language, or the code). */
export const TASK_STATUS_CHOICES: Record<Lang, Record<TaskStatus, string>> = {
  vi: { completed: 'Hoàn thành', inProgress: 'Đang thực hiện', notStarted: 'Chưa thực hiện', notYetDue: 'Chưa đến hạn' },
  en: { completed: 'Completed', inProgress: 'In progress', notStarted: 'Not started', notYetDue: 'Not yet due' },
};

/** Reads a task status typed or chosen in either language, or given as its code; null when blank or not understood. */
export function readTaskStatus(raw: unknown): TaskStatus | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  if (TASK_STATUSES.includes(trimmed as TaskStatus)) return trimmed as TaskStatus;
  const folded = foldVietnamese(normalizeText(trimmed));
  for (const status of TASK_STATUSES) {
    for (const lang of ['vi', 'en'] as const) if (foldVietnamese(normalizeText(TASK_STATUS_CHOICES[lang][status])) === folded) return status;
  }
  return null;
}

export function periodLabel(period: Period, lang: Lang): string {
  if (lang === 'en') {
    if (period.kind === 'year') return `year ${period.year}`;
    return { '3M': 'first quarter', '6M': 'first six months', '9M': 'first nine months' }[period.kind] + ` of ${period.year}`;
  }
  if (period.kind === 'year') return `năm ${period.year}`;
  return { '3M': 'quý I năm', '6M': '6 tháng đầu năm', '9M': '9 tháng năm' }[period.kind] + ` ${period.year}`;
}

/** "2023-06-14" → "14/06/2023" (vi) or "14 Jun 2023" (en). */
export function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-');
  if (lang === 'vi') return `${d}/${m}/${y}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(d)} ${months[Number(m) - 1] ?? m} ${y}`;
}

/** A stored UTC time in Vietnam's time (UTC+7 all year): "14/06/2023 15:30" / "14 Jun 2023 15:30"; '' when not a time. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const local = new Date(ms + 7 * 3_600_000).toISOString();
  return `${formatDate(local.slice(0, 10), lang)} ${local.slice(11, 16)}`;
}

export const COLORS = {
  inputFill: '#FFF8E1',
  outputFill: '#F3F2F1',
  headerFill: '#DEECF9',
  sectionFill: '#EDEBE9',
  met: '#DFF6DD',
  metText: '#107C10',
  tolerance: '#FFF4CE',
  toleranceText: '#8A6D00',
  notMet: '#FDE7E9',
  notMetText: '#A4262C',
  neutral: '#F3F2F1',
} as const;

export const STYLES: Record<StyleKey, StyleSpec> = {
  title: { bold: true, size: 14, hAlign: 'center', vAlign: 'middle', wrap: true },
  subtitle: { bold: true, size: 12, hAlign: 'center', vAlign: 'middle', wrap: true },
  caption: { italic: true, size: 10, hAlign: 'center', wrap: true },
  header: { bold: true, size: 10, fill: COLORS.headerFill, hAlign: 'center', vAlign: 'middle', wrap: true, border: true },
  headerSub: { italic: true, size: 9, fill: COLORS.headerFill, hAlign: 'center', vAlign: 'middle', wrap: true, border: true },
  section: { bold: true, size: 10, fill: COLORS.sectionFill, vAlign: 'middle', wrap: true, border: true },
  code: { size: 10, hAlign: 'center', vAlign: 'top', border: true },
  label: { size: 10, vAlign: 'top', wrap: true, border: true },
  labelHeading: { bold: true, size: 10, vAlign: 'top', wrap: true, border: true },
  text: { size: 10, vAlign: 'top', wrap: true, border: true },
  number: { size: 10, hAlign: 'right', vAlign: 'top', border: true },
  input: { size: 10, hAlign: 'right', vAlign: 'top', fill: COLORS.inputFill, border: true },
  inputText: { size: 10, vAlign: 'top', wrap: true, fill: COLORS.inputFill, border: true },
  output: { size: 10, hAlign: 'center', vAlign: 'top', fill: COLORS.outputFill, wrap: true, border: true },
  outputNumber: { size: 10, hAlign: 'right', vAlign: 'top', fill: COLORS.outputFill, border: true },
  meta: { size: 9, color: '#605E5C' },
};
