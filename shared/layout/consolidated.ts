import type { AgencyRegister } from '../agencies/register';
import { indicatorOf } from '../compile';
import type { CompiledPlan } from '../compile';
import type { AgencyNote, ConsolidatedRow, ConsolidatedTable, DocumentStatus } from '../consolidate';
import { ANSWER_LABELS } from '../entries';
import { SUBMISSION_STATUS_LABELS as SUBMISSION_LABELS } from '../lifecycle';
import { parsePeriod } from '../periods';
import type { Lang } from '../targets/render';
import { cellAddress, rangeAddress } from './a1';
import { SheetBuilder } from './builder';
import { CATEGORY_SHORT, STYLES, VERDICT_LABELS, periodLabel } from './labels';
import { dayMonthYear, dayMonthYearTime } from './print';
import { taskTableSheet } from './consolidated-tasks';
import { trendSheet } from './consolidated-trend';
import { numberFormatFor } from './template';
import type { SheetLayout, WorkbookLayout } from './types';

/**
 * The consolidated workbook the standing agency pulls back into Excel: a summary, the
 * appendix-1 table with result, verdict and progress, documents, projects and the
 * submission status of every expected agency. Values only (no formulas), so Excel and
 * LibreOffice show the same numbers; data regions are Excel tables; two native charts.
 */
export const CONSOLIDATED_FORMAT = 'an-sinh-consolidated';

const DOCUMENT_STATUS_LABELS: Record<DocumentStatus, Record<Lang, string>> = {
  issued: { vi: 'Đã ban hành', en: 'Issued' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  notReported: { vi: 'Chưa có báo cáo', en: 'Not reported' },
  pending: { vi: 'Chưa đến hạn', en: 'Pending' },
};

/** Excel holds 32,767 characters a cell: a longer notes cell is cut and says so. */
const NOTES_CELL_MAX = 30_000;

/** "Sở Y tế: Chưa đạt do …; Bảo hiểm xã hội Thành phố: …". */
function agencyNotesText(notes: readonly AgencyNote[], lang: Lang): string[] {
  return notes.map((n) => `${lang === 'vi' ? n.agency.vi : n.agency.en}: ${n.note}`);
}

function notesCell(parts: readonly string[], lang: Lang): string {
  const joined = parts.filter((p) => p !== '').join('\n');
  if (joined.length <= NOTES_CELL_MAX) return joined;
  const more = lang === 'vi' ? ' … (đã rút gọn; xem đủ trong bảng tổng hợp JSON hoặc báo cáo của đơn vị)' : ' … (shortened; see the JSON table or the agency reports for the rest)';
  return joined.slice(0, NOTES_CELL_MAX) + more;
}

/** The Ghi chú of an indicator row: why it cannot be assessed, the engine's notes, then the agencies' own words. */
function rowNotes(row: ConsolidatedRow, lang: Lang): string {
  const pick = (t: { vi: string; en: string }) => (lang === 'vi' ? t.vi : t.en);
  return notesCell([...(row.category === 'notAssessable' ? [pick(row.categoryReason)] : []), ...row.notes.map(pick), ...agencyNotesText(row.agencyNotes, lang)], lang);
}

const BASIS_TEXT: Record<ConsolidatedTable['basis'], Record<Lang, string>> = {
  submitted: {
    vi: 'Cơ sở số liệu: báo cáo đã gửi chính thức hoặc đã duyệt của từng đơn vị; bản nháp đang sửa chưa được tính, báo cáo bị trả lại không được tính đến khi gửi lại',
    en: "Basis: each agency's submitted or approved report; drafts being corrected are not counted, a returned report counts again once resubmitted",
  },
  drafts: {
    vi: 'Cơ sở số liệu: GỒM CẢ BẢN NHÁP chưa gửi chính thức (chỉ để xem trước, chưa dùng để báo cáo)',
    en: 'Basis: INCLUDING DRAFTS not yet submitted (a preview only, not for reporting)',
  },
};

/**
 * `earlier`: the tables of the plan's earlier reports, oldest first (the server's
 * ConsolidationService.earlierTables); given, the workbook has the trend sheet "Diễn biến".
 */
export function consolidatedWorkbook(plan: CompiledPlan, register: AgencyRegister, table: ConsolidatedTable, lang: Lang = 'vi', earlier: readonly ConsolidatedTable[] | null = null): WorkbookLayout {
  const period = parsePeriod(table.period);
  if (!period) throw new RangeError(`not a reporting period: ${table.period}`);
  const name = (id: string | null) => {
    if (!id) return lang === 'vi' ? '(chưa phân công)' : '(unassigned)';
    const a = register.get(id);
    return a ? (lang === 'en' ? (a.nameEn ?? a.name) : a.name) : id;
  };
  const heading = lang === 'vi'
    ? `KẾT QUẢ THỰC HIỆN KẾ HOẠCH ${plan.plan.number} — ${periodLabel(period, 'vi').toUpperCase()}`
    : `RESULTS OF PLAN ${plan.plan.number} — ${periodLabel(period, 'en').toUpperCase()}`;
  const sheets: SheetLayout[] = [
    summarySheet(plan, table, heading, lang),
    indicatorSheet(plan, table, heading, name, lang),
    ...(earlier ? [trendSheet(plan, [...earlier, table], heading, lang)] : []),
    documentSheet(table, heading, name, lang),
    projectSheet(table, heading, lang),
    // Only plans written as tasks get the task sheet: the others' workbooks stay as they were.
    ...(plan.plan.tasks.length > 0 ? [taskTableSheet(table.tasks, heading, name, lang)] : []),
    agencySheet(table, heading, name, lang),
  ];
  return {
    sheets,
    styles: STYLES,
    metadata: {
      format: CONSOLIDATED_FORMAT,
      formatVersion: '1',
      planId: plan.plan.id,
      revision: String(plan.plan.revision),
      period: table.period,
      referenceDate: table.referenceDate,
      lang,
    },
  };
}

function summarySheet(plan: CompiledPlan, table: ConsolidatedTable, heading: string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Tổng hợp' : 'Summary', 'summary', [
    { key: 'label', width: 40 },
    { key: 'count', width: 14 },
    { key: 'share', width: 14 },
    { key: 'change', width: 16 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(plan.plan.title, 'subtitle', 48);
  b.banner(vi ? `Số liệu đến ngày ${dayMonthYear(table.referenceDate)}` : `Data up to ${dayMonthYear(table.referenceDate)}`, 'caption');
  b.banner(BASIS_TEXT[table.basis][lang], 'caption', 30);
  b.banner(vi ? table.summary.sentence.vi : table.summary.sentence.en, 'caption', 60);
  b.row([]);
  const previous = table.summary.previousPeriod ? parsePeriod(table.summary.previousPeriod) : null;
  const header = b.row([
    { v: vi ? 'Phân loại' : 'Category', s: 'header', text: true },
    { v: vi ? 'Số chỉ tiêu' : 'Indicators', s: 'header', text: true },
    { v: vi ? 'Tỷ lệ (%)' : 'Share (%)', s: 'header', text: true },
    { v: previous ? (vi ? `Tăng (+), giảm (-) so với ${periodLabel(previous, 'vi')}` : `Change since the ${periodLabel(previous, 'en')}`) : vi ? 'Tăng, giảm so với kỳ trước' : 'Change since the previous report', s: 'header', text: true },
  ], 'header', 32);
  for (const c of table.summary.categories) {
    b.row([
      { v: CATEGORY_SHORT[c.category][lang], s: 'label', text: true },
      { v: c.count, s: 'number', f: '0' },
      { v: c.share, s: 'number', f: '0.0' },
      { v: c.change, s: 'number', f: '+0;-0;0' },
    ]);
  }
  const last = b.rowCount - 1;
  b.table({ name: 'TongHopPhanLoai', range: rangeAddress(header, 0, last, 3), style: 'TableStyleMedium2' });
  b.chart({
    kind: 'pie',
    title: { vi: 'Phân loại chỉ tiêu', en: 'Indicators by category' },
    categories: rangeAddress(header + 1, 0, last, 0),
    values: rangeAddress(header + 1, 1, last, 1),
    seriesName: { vi: 'Số chỉ tiêu', en: 'Indicators' },
    anchor: cellAddress(header, 5),
    widthColumns: 7,
    heightRows: 16,
  });
  b.row([]);
  b.row([{ v: vi ? `Tổng số chỉ tiêu: ${table.summary.total}` : `Indicators counted: ${table.summary.total}`, s: 'labelHeading', text: true }], 'text');
  const docs = table.documents.counts;
  b.row([{
    v: vi
      ? `Văn bản: ${docs.issued} đã ban hành; ${docs.overdue} quá hạn (đơn vị báo cáo chưa ban hành); ${docs.notReported} đã đến hạn nhưng chưa có đơn vị nào báo cáo; ${docs.pending} chưa đến hạn`
      : `Documents: ${docs.issued} issued; ${docs.overdue} overdue (reported as not issued); ${docs.notReported} due but not reported by any agency; ${docs.pending} pending`,
    s: 'text',
    text: true,
  }], 'text');
  b.row([{ v: submissionSentence(table.submissions, lang), s: 'text', text: true }], 'text');
  return b.build({ repeatRows: { from: header, to: header } });
}

/** "35 đơn vị phải báo cáo: 3 đã gửi (1 gửi muộn), 1 đã duyệt, 1 bị trả lại, 2 bản nháp, 28 chưa gửi; 1 đang sửa báo cáo đã gửi". */
export function submissionSentence(c: ConsolidatedTable['submissions'], lang: Lang): string {
  return lang === 'vi'
    ? `${c.total} đơn vị: ${c.submitted} đã gửi (${c.late} gửi muộn), ${c.approved} đã duyệt, ${c.returned} bị trả lại, ${c.draft} mới có bản nháp, ${c.missing} chưa gửi; ${c.updating} đang sửa báo cáo đã gửi; số liệu của ${c.counted} đơn vị được tính`
    : `${c.total} agencies: ${c.submitted} submitted (${c.late} late), ${c.approved} approved, ${c.returned} returned, ${c.draft} with a draft only, ${c.missing} missing; ${c.updating} correcting a submitted report; figures of ${c.counted} counted`;
}

function indicatorSheet(plan: CompiledPlan, table: ConsolidatedTable, heading: string, name: (id: string | null) => string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Phụ lục 1' : 'Appendix 1', 'indicators', [
    { key: 'code', width: 7 },
    { key: 'name', width: 46 },
    { key: 'unit', width: 12 },
    { key: 'lead', width: 24 },
    { key: 'yearTarget', width: 16 },
    { key: 'periodTarget', width: 16 },
    { key: 'value', width: 14 },
    { key: 'source', width: 14 },
    { key: 'verdict', width: 14 },
    { key: 'progressYear', width: 11 },
    { key: 'progressPeriod', width: 11 },
    { key: 'category', width: 22 },
    { key: 'reported', width: 10 },
    { key: 'notes', width: 40 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Phụ lục 1: Kết quả thực hiện các chỉ tiêu' : 'Appendix 1: results of the indicators', 'subtitle');
  b.row([]);
  const period = parsePeriod(table.period);
  if (!period) throw new Error(`The consolidated table's period ${table.period} is not a period`);
  const headers = vi
    ? ['TT', 'Tiêu chí', 'Đơn vị tính', 'Cơ quan chủ trì', `KH năm ${period.year}`, `MT năm ${plan.plan.endYear}`, `Kết quả ${periodLabel(period, 'vi')}`, 'Cách tổng hợp', 'Đánh giá', '% KH năm', '% MT giai đoạn', 'Phân loại', 'Số đơn vị báo cáo', 'Ghi chú']
    : ['No.', 'Indicator', 'Unit', 'Lead agency', `${period.year} plan`, `${plan.plan.endYear} target`, `Result, ${periodLabel(period, 'en')}`, 'Aggregation', 'Verdict', '% of year plan', '% of period target', 'Category', 'Agencies reporting', 'Notes'];
  const header = b.headerRow(headers, 42);
  b.freezeAt(header + 1, 2);
  const sourceLabel = { lead: vi ? 'Cơ quan chủ trì' : 'Lead agency', sum: vi ? 'Tổng các đơn vị' : 'Sum', weightedMean: vi ? 'BQ gia quyền' : 'Weighted mean', none: '' };
  for (const row of table.rows) {
    const indicator = indicatorOf(plan, row.code);
    const value = row.value ?? (row.answer ? (vi ? ANSWER_LABELS[row.answer].vi : ANSWER_LABELS[row.answer].en) : null);
    const notes = rowNotes(row, lang);
    b.row([
      { v: row.code, s: 'code', text: true },
      { v: vi ? row.name : (row.nameEn ?? row.name), s: row.reportable ? 'label' : 'labelHeading', text: true },
      { v: row.unit, s: 'text', text: true },
      { v: row.reportable ? name(row.lead) : '', s: 'text', text: true },
      { v: row.yearTarget ? (vi ? row.yearTarget.vi : row.yearTarget.en) : '', s: 'text', text: true },
      { v: row.periodTarget ? (vi ? row.periodTarget.vi : row.periodTarget.en) : '', s: 'text', text: true },
      typeof value === 'number' ? { v: value, s: 'number', f: numberFormatFor(indicator) } : { v: value, s: 'text', text: true },
      { v: row.reportable ? sourceLabel[row.source] : '', s: 'text', text: true },
      { v: row.reportable ? VERDICT_LABELS[row.verdict][lang] : '', s: 'output', text: true },
      { v: row.progressYear, s: 'outputNumber', f: '0.0' },
      { v: row.progressPeriod, s: 'outputNumber', f: '0.0' },
      { v: row.reportable ? CATEGORY_SHORT[row.category][lang] : '', s: 'output', text: true },
      { v: row.contributions.length, s: 'number', f: '0' },
      { v: notes, s: 'text', text: true },
    ]);
  }
  const last = b.rowCount - 1;
  b.table({ name: 'PhuLuc1', range: rangeAddress(header, 0, last, 13), style: 'TableStyleLight9' });
  const verdicts = rangeAddress(header + 1, 8, last, 8);
  const categories = rangeAddress(header + 1, 11, last, 11);
  b.colourByText(verdicts, [VERDICT_LABELS.met[lang]], [VERDICT_LABELS.withinTolerance[lang]], [VERDICT_LABELS.notMet[lang]]);
  b.colourByText(categories, [CATEGORY_SHORT[1][lang], CATEGORY_SHORT[2][lang]], [CATEGORY_SHORT[3][lang]], [CATEGORY_SHORT[4][lang]]);
  b.chart({
    kind: 'barClustered',
    title: { vi: 'Tiến độ so với kế hoạch năm (%)', en: 'Progress against the year plan (%)' },
    categories: rangeAddress(header + 1, 0, last, 0),
    values: rangeAddress(header + 1, 9, last, 9),
    seriesName: { vi: '% KH năm', en: '% of year plan' },
    // Below the table, not beside it: printed fit to width, a chart to the right would shrink the table's pages.
    anchor: cellAddress(last + 2, 1),
    widthColumns: 5,
    heightRows: Math.max(16, Math.min(60, table.rows.length + 4)),
  });
  return b.build({ repeatRows: { from: header, to: header } });
}

function documentSheet(table: ConsolidatedTable, heading: string, name: (id: string | null) => string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Phụ lục 2' : 'Appendix 2', 'documents', [
    { key: 'code', width: 11 },
    { key: 'title', width: 56 },
    { key: 'dueDate', width: 13 },
    { key: 'lead', width: 24 },
    { key: 'status', width: 14 },
    { key: 'reference', width: 24 },
    { key: 'issuedOn', width: 13 },
    { key: 'reportedBy', width: 24 },
    { key: 'notes', width: 40 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Phụ lục 2: Tình hình ban hành văn bản' : 'Appendix 2: documents schedule', 'subtitle');
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nội dung', 'Thời hạn', 'Cơ quan chủ trì', 'Tình trạng', 'Số, ký hiệu', 'Ngày ban hành', 'Đơn vị báo cáo', 'Ghi chú']
    : ['Code', 'Document', 'Due', 'Lead agency', 'Status', 'Number', 'Issued on', 'Reported by', 'Notes'];
  const header = b.headerRow(headers, 32);
  for (const d of table.documents.rows) {
    b.row([
      { v: d.code, s: 'code', text: true },
      { v: d.title, s: 'label', text: true },
      { v: dayMonthYear(d.dueDate), s: 'text', text: true },
      { v: name(d.lead), s: 'text', text: true },
      { v: DOCUMENT_STATUS_LABELS[d.status][lang] + (d.conditional && d.status !== 'issued' ? (vi ? ' (có điều kiện)' : ' (conditional)') : ''), s: 'output', text: true },
      { v: d.reference ?? '', s: 'text', text: true },
      { v: d.issuedOn ? dayMonthYear(d.issuedOn) : '', s: 'text', text: true },
      { v: d.reportedBy ? name(d.reportedBy) : '', s: 'text', text: true },
      { v: notesCell(agencyNotesText(d.notes, lang), lang), s: 'text', text: true },
    ]);
  }
  const last = Math.max(b.rowCount - 1, header + 1);
  if (b.rowCount - 1 === header) b.row([]);
  b.table({ name: 'VanBan', range: rangeAddress(header, 0, last, 8), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 4, last, 4), [], [DOCUMENT_STATUS_LABELS.notReported[lang]], [DOCUMENT_STATUS_LABELS.overdue[lang]]);
  b.colourByText(rangeAddress(header + 1, 4, last, 4), [DOCUMENT_STATUS_LABELS.issued[lang]], [], []);
  return b.build({ repeatRows: { from: header, to: header } });
}

function projectSheet(table: ConsolidatedTable, heading: string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Phụ lục 3' : 'Appendix 3', 'projects', [
    { key: 'code', width: 10 },
    { key: 'title', width: 56 },
    { key: 'total', width: 14 },
    { key: 'carriedOver', width: 14 },
    { key: 'new', width: 14 },
    { key: 'computed', width: 14 },
    { key: 'consistent', width: 12 },
    { key: 'disbursed', width: 14 },
    { key: 'share', width: 10 },
    { key: 'notes', width: 40 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Phụ lục 3: Các dự án đầu tư (triệu đồng)' : 'Appendix 3: investment projects (million VND)', 'subtitle');
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nội dung', 'Kinh phí', 'Chuyển tiếp', 'Dự án mới', 'Cộng kinh phí các dự án thành phần', 'Khớp với kinh phí', 'Giải ngân lũy kế', '% giải ngân', 'Ghi chú']
    : ['Code', 'Project', 'Cost', 'Carried over', 'New', 'Cost of its projects added up', 'Matches the cost', 'Disbursed', '% disbursed', 'Notes'];
  const header = b.headerRow(headers, 32);
  for (const p of table.projects.rows) {
    b.row([
      { v: p.code, s: 'code', text: true },
      { v: p.title, s: p.kind === 'group' ? 'labelHeading' : 'label', text: true },
      { v: p.planned.total, s: 'number', f: '#,##0' },
      { v: p.planned.carriedOver, s: 'number', f: '#,##0' },
      { v: p.planned.new, s: 'number', f: '#,##0' },
      { v: p.computed.total, s: 'number', f: '#,##0' },
      { v: p.consistent ? (vi ? 'Khớp' : 'Yes') : vi ? 'Lệch' : 'No', s: 'output', text: true },
      { v: p.disbursed, s: 'number', f: '#,##0' },
      { v: p.disbursedShare, s: 'number', f: '0.0' },
      { v: notesCell(agencyNotesText(p.notes, lang), lang), s: 'text', text: true },
    ]);
  }
  if (b.rowCount - 1 === header) b.row([]);
  const last = b.rowCount - 1;
  b.table({ name: 'DuAn', range: rangeAddress(header, 0, last, 9), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 6, last, 6), [], [], [vi ? 'Lệch' : 'No']);
  return b.build({ repeatRows: { from: header, to: header } });
}

/** Every return comment of the report, one a line with its date; the current one alone when the history is not known. */
function returnComments(a: ConsolidatedTable['agencies'][number]): string {
  const [first] = a.returns;
  if (!first) return a.returned?.comment ?? '';
  if (a.returns.length === 1 && a.returned) return first.comment;
  return a.returns.map((r) => `${dayMonthYearTime(r.at)}: ${r.comment}`).join('\n');
}

function agencySheet(table: ConsolidatedTable, heading: string, name: (id: string | null) => string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Đơn vị báo cáo' : 'Submissions', 'agencies', [
    { key: 'name', width: 44 },
    { key: 'status', width: 14 },
    { key: 'indicators', width: 12 },
    { key: 'revision', width: 10 },
    { key: 'counted', width: 12 },
    { key: 'updatedAt', width: 17 },
    { key: 'draftSince', width: 17 },
    { key: 'returnedAt', width: 17 },
    { key: 'comment', width: 44 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Tình hình gửi báo cáo của các đơn vị' : 'Submission status of the reporting agencies', 'subtitle');
  b.banner(submissionSentence(table.submissions, lang), 'caption', 30);
  b.banner(BASIS_TEXT[table.basis][lang], 'caption', 30);
  b.row([]);
  const headers = vi
    ? ['Đơn vị', 'Tình trạng', 'Số chỉ tiêu', 'Phiên bản', 'Tính vào bảng', 'Cập nhật lúc', 'Đang sửa từ', 'Ngày trả lại', 'Ý kiến khi trả lại (các lần)']
    : ['Agency', 'Status', 'Indicators', 'Revision', 'Counted', 'Saved at', 'Correcting since', 'Returned on', 'Return comments (each time)'];
  const header = b.headerRow(headers, 32);
  const yes = vi ? 'Có' : 'Yes';
  const no = vi ? 'Không' : 'No';
  for (const a of table.agencies) {
    const status = SUBMISSION_LABELS[a.status][lang] + (a.late && a.status !== 'late' ? (vi ? ' (muộn)' : ' (late)') : '');
    b.row([
      { v: name(a.agencyId), s: 'label', text: true },
      { v: status, s: 'output', text: true },
      { v: a.indicators, s: 'number', f: '0' },
      { v: a.revision, s: 'number', f: '0' },
      { v: a.counted ? (a.countedRevision !== null && a.countedRevision !== a.revision ? `${yes} (${vi ? 'phiên bản' : 'revision'} ${a.countedRevision})` : yes) : no, s: 'text', text: true },
      { v: dayMonthYearTime(a.updatedAt), s: 'text', text: true },
      { v: a.updateInProgress ? dayMonthYearTime(a.updateInProgress.since) : '', s: 'text', text: true },
      { v: a.returned ? dayMonthYearTime(a.returned.at) : '', s: 'text', text: true },
      { v: returnComments(a), s: 'text', text: true },
    ]);
  }
  if (b.rowCount - 1 === header) b.row([]);
  const last = b.rowCount - 1;
  b.table({ name: 'DonVi', range: rangeAddress(header, 0, last, 8), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 1, last, 1), [SUBMISSION_LABELS.approved[lang]], [SUBMISSION_LABELS.returned[lang], SUBMISSION_LABELS.draft[lang]], [SUBMISSION_LABELS.missing[lang]]);
  return b.build({ repeatRows: { from: header, to: header } });
}
