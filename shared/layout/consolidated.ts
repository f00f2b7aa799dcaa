import type { AgencyRegister } from '../agencies/register';
import type { CompiledPlan } from '../compile';
import type { ConsolidatedTable, DocumentStatus, SubmissionStatus } from '../consolidate';
import { ANSWER_LABELS } from '../entries';
import { parsePeriod } from '../periods';
import type { Lang } from '../targets/render';
import { cellAddress, rangeAddress } from './a1';
import { SheetBuilder } from './builder';
import { CATEGORY_SHORT, STYLES, VERDICT_LABELS, formatDate, periodLabel } from './labels';
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
  pending: { vi: 'Chưa đến hạn', en: 'Pending' },
};

const SUBMISSION_LABELS: Record<SubmissionStatus, Record<Lang, string>> = {
  missing: { vi: 'Chưa gửi', en: 'Missing' },
  draft: { vi: 'Bản nháp', en: 'Draft' },
  submitted: { vi: 'Đã gửi', en: 'Submitted' },
  late: { vi: 'Gửi muộn', en: 'Late' },
  approved: { vi: 'Đã duyệt', en: 'Approved' },
  returned: { vi: 'Trả lại', en: 'Returned' },
};

export function consolidatedWorkbook(plan: CompiledPlan, register: AgencyRegister, table: ConsolidatedTable, lang: Lang = 'vi'): WorkbookLayout {
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
    documentSheet(table, heading, name, lang),
    projectSheet(table, heading, lang),
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
  ]);
  b.banner(heading, 'title', 40);
  b.banner(plan.plan.title, 'subtitle', 48);
  b.banner(vi ? `Số liệu đến ngày ${formatDate(table.referenceDate, 'vi')}` : `Data up to ${formatDate(table.referenceDate, 'en')}`, 'caption');
  b.banner(vi ? table.summary.sentence.vi : table.summary.sentence.en, 'caption');
  b.row([]);
  const header = b.row([
    { v: vi ? 'Phân loại' : 'Category', s: 'header', text: true },
    { v: vi ? 'Số chỉ tiêu' : 'Indicators', s: 'header', text: true },
    { v: vi ? 'Tỷ lệ (%)' : 'Share (%)', s: 'header', text: true },
  ], 'header');
  for (const c of table.summary.categories) {
    b.row([{ v: CATEGORY_SHORT[c.category][lang], s: 'label', text: true }, { v: c.count, s: 'number', f: '0' }, { v: c.share, s: 'number', f: '0.0' }]);
  }
  const last = b.rowCount - 1;
  b.table({ name: 'TongHopPhanLoai', range: rangeAddress(header, 0, last, 2), style: 'TableStyleMedium2' });
  b.chart({
    kind: 'pie',
    title: { vi: 'Phân loại chỉ tiêu', en: 'Indicators by category' },
    categories: rangeAddress(header + 1, 0, last, 0),
    values: rangeAddress(header + 1, 1, last, 1),
    seriesName: { vi: 'Số chỉ tiêu', en: 'Indicators' },
    anchor: cellAddress(header, 4),
    widthColumns: 7,
    heightRows: 16,
  });
  b.row([]);
  b.row([{ v: vi ? `Tổng số chỉ tiêu: ${table.summary.total}` : `Indicators counted: ${table.summary.total}`, s: 'labelHeading', text: true }], 'text');
  const docs = table.documents.counts;
  b.row([{ v: vi ? `Văn bản: ${docs.issued} đã ban hành, ${docs.overdue} quá hạn, ${docs.pending} chưa đến hạn` : `Documents: ${docs.issued} issued, ${docs.overdue} overdue, ${docs.pending} pending`, s: 'text', text: true }], 'text');
  const submitted = table.agencies.filter((a) => a.status !== 'missing').length;
  b.row([{ v: vi ? `Đơn vị đã gửi báo cáo: ${submitted}/${table.agencies.length}` : `Agencies reported: ${submitted} of ${table.agencies.length}`, s: 'text', text: true }], 'text');
  return b.build({});
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
  const period = parsePeriod(table.period)!;
  const headers = vi
    ? ['TT', 'Tiêu chí', 'Đơn vị tính', 'Cơ quan chủ trì', `KH năm ${period.year}`, `MT năm ${plan.plan.endYear}`, `Kết quả ${periodLabel(period, 'vi')}`, 'Cách tổng hợp', 'Đánh giá', '% KH năm', '% MT giai đoạn', 'Phân loại', 'Số đơn vị báo cáo', 'Ghi chú']
    : ['No.', 'Indicator', 'Unit', 'Lead agency', `${period.year} plan`, `${plan.plan.endYear} target`, `Result, ${periodLabel(period, 'en')}`, 'Aggregation', 'Verdict', '% of year plan', '% of period target', 'Category', 'Agencies reporting', 'Notes'];
  const header = b.headerRow(headers, 42);
  b.freezeAt(header + 1, 2);
  const sourceLabel = { lead: vi ? 'Cơ quan chủ trì' : 'Lead agency', sum: vi ? 'Tổng các đơn vị' : 'Sum', weightedMean: vi ? 'BQ gia quyền' : 'Weighted mean', none: '' };
  for (const row of table.rows) {
    const indicator = plan.indicators.get(row.code)!;
    const value = row.value !== null ? row.value : row.answer ? (vi ? ANSWER_LABELS[row.answer].vi : ANSWER_LABELS[row.answer].en) : null;
    const notes = row.notes.map((n) => (vi ? n.vi : n.en)).join('; ');
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
    anchor: cellAddress(header, 15),
    widthColumns: 9,
    heightRows: Math.max(16, Math.min(60, table.rows.length + 4)),
  });
  return b.build({});
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
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Phụ lục 2: Tình hình ban hành văn bản' : 'Appendix 2: documents schedule', 'subtitle');
  b.row([]);
  const headers = vi ? ['Mã', 'Nội dung', 'Thời hạn', 'Cơ quan chủ trì', 'Tình trạng', 'Số, ký hiệu', 'Ngày ban hành'] : ['Code', 'Document', 'Due', 'Lead agency', 'Status', 'Number', 'Issued on'];
  const header = b.headerRow(headers, 32);
  for (const d of table.documents.rows) {
    b.row([
      { v: d.code, s: 'code', text: true },
      { v: d.title, s: 'label', text: true },
      { v: formatDate(d.dueDate, lang), s: 'text', text: true },
      { v: name(d.lead), s: 'text', text: true },
      { v: DOCUMENT_STATUS_LABELS[d.status][lang] + (d.conditional && d.status !== 'issued' ? (vi ? ' (có điều kiện)' : ' (conditional)') : ''), s: 'output', text: true },
      { v: d.reference ?? '', s: 'text', text: true },
      { v: d.issuedOn ? formatDate(d.issuedOn, lang) : '', s: 'text', text: true },
    ]);
  }
  const last = Math.max(b.rowCount - 1, header + 1);
  if (b.rowCount - 1 === header) b.row([]);
  b.table({ name: 'VanBan', range: rangeAddress(header, 0, last, 6), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 4, last, 4), [], [], [DOCUMENT_STATUS_LABELS.overdue[lang]]);
  b.colourByText(rangeAddress(header + 1, 4, last, 4), [DOCUMENT_STATUS_LABELS.issued[lang]], [], []);
  return b.build({});
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
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Phụ lục 3: Các dự án đầu tư (triệu đồng)' : 'Appendix 3: investment projects (million VND)', 'subtitle');
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nội dung', 'Kinh phí', 'Chuyển tiếp', 'Dự án mới', 'Tổng các dòng thành phần', 'Khớp số', 'Giải ngân lũy kế', '% giải ngân']
    : ['Code', 'Project', 'Cost', 'Carried over', 'New', 'Sum of members', 'Consistent', 'Disbursed', '% disbursed'];
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
    ]);
  }
  if (b.rowCount - 1 === header) b.row([]);
  const last = b.rowCount - 1;
  b.table({ name: 'DuAn', range: rangeAddress(header, 0, last, 8), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 6, last, 6), [], [], [vi ? 'Lệch' : 'No']);
  return b.build({});
}

function agencySheet(table: ConsolidatedTable, heading: string, name: (id: string | null) => string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Đơn vị báo cáo' : 'Submissions', 'agencies', [
    { key: 'agencyId', width: 22 },
    { key: 'name', width: 44 },
    { key: 'status', width: 14 },
    { key: 'indicators', width: 12 },
    { key: 'revision', width: 10 },
  ]);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Tình hình gửi báo cáo của các đơn vị' : 'Submission status of the reporting agencies', 'subtitle');
  b.row([]);
  const headers = vi ? ['Mã đơn vị', 'Đơn vị', 'Tình trạng', 'Số chỉ tiêu', 'Phiên bản'] : ['Agency id', 'Agency', 'Status', 'Indicators', 'Revision'];
  const header = b.headerRow(headers);
  for (const a of table.agencies) {
    b.row([
      { v: a.agencyId, s: 'code', text: true },
      { v: name(a.agencyId), s: 'label', text: true },
      { v: SUBMISSION_LABELS[a.status][lang], s: 'output', text: true },
      { v: a.indicators, s: 'number', f: '0' },
      { v: a.revision, s: 'number', f: '0' },
    ]);
  }
  if (b.rowCount - 1 === header) b.row([]);
  const last = b.rowCount - 1;
  b.table({ name: 'DonVi', range: rangeAddress(header, 0, last, 4), style: 'TableStyleLight9' });
  b.colourByText(rangeAddress(header + 1, 2, last, 2), [], [], [SUBMISSION_LABELS.missing[lang]]);
  return b.build({});
}
