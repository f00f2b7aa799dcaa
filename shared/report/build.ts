import type { AgencyRegister } from '../agencies/register';
import type { CompiledPlan } from '../compile';
import type { CategoryCount, ConsolidatedRow, ConsolidatedTable } from '../consolidate';
import { ANSWER_LABELS } from '../entries';
import { formatNumberEn, formatNumberVi } from '../numbers';
import { parsePeriod } from '../periods';
import type { Period } from '../periods';
import { formatDate, periodLabel } from '../layout/labels';
import type { Lang } from '../targets/render';
import type { AppendixTable, ReportContent, ReportContext, ReportSection, TitleBlock } from './content';
import { documentSection, projectSection, taskSection } from './sections';

/**
 * The standing agency's report on a plan and period, built from the consolidated table (whose
 * summary already carries the change since the previous period): the title block, the summary
 * in the agency's words, the indicators facing difficulties with their lead agency's reasons,
 * documents, projects, tasks and the appendix table.
 */
export interface ReportOptions {
  lang?: Lang;
  /** The day the report is dated (YYYY-MM-DD); the caller passes today so the text is reproducible. */
  date: string;
}

export function buildReport(plan: CompiledPlan, register: AgencyRegister, table: ConsolidatedTable, options: ReportOptions): ReportContent {
  const lang = options.lang ?? 'vi';
  const period = parsePeriod(table.period);
  if (!period) throw new RangeError(`not a reporting period: ${table.period}`);
  const name = (id: string | null): string => {
    if (!id) return lang === 'vi' ? 'chưa phân công' : 'unassigned';
    const agency = register.get(id);
    if (!agency) return lang === 'vi' ? 'đơn vị không có trong danh mục' : 'an agency not in the register';
    return lang === 'en' ? (agency.nameEn ?? agency.name) : agency.name;
  };
  const number = (value: number, decimals = 2) => (lang === 'vi' ? formatNumberVi(value, decimals) : formatNumberEn(value, decimals));
  const ctx: ReportContext = { plan, table, lang, name, number };
  const sections: ReportSection[] = [summarySection(ctx, period), difficultiesSection(ctx), documentSection(ctx), projectSection(ctx)];
  if (plan.plan.tasks.length > 0) sections.push(taskSection(ctx));
  return {
    titleBlock: titleBlock(plan, register, options.date, lang),
    title: reportTitle(plan, period, lang),
    sections,
    appendix: appendix(ctx, period),
    fileName: fileName(plan, period, lang),
  };
}

function titleBlock(plan: CompiledPlan, register: AgencyRegister, date: string, lang: Lang): TitleBlock {
  const committee = register.agencies.find((a) => a.kind === 'people-committee' && a.city === plan.plan.city);
  const standing = register.get(plan.plan.reporting.standingAgency);
  const vi = lang === 'vi';
  const pick = (a: typeof standing): string => (a ? (vi ? a.name : (a.nameEn ?? a.name)) : '');
  const committeeName = pick(committee);
  const place = committee ? committee.name.replace(/^Ủy ban nhân dân (Thành phố|Tỉnh) /iu, '') : '';
  const [y, m, d] = date.split('-');
  const short = standing ? initials(standing.name) : '';
  return {
    issuer: [committeeName.toUpperCase(), pick(standing).toUpperCase()].filter((l) => l !== ''),
    number: vi ? `Số:        /BC-${short}` : `No.:        /BC-${short}`,
    nation: vi
      ? ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc']
      : ['SOCIALIST REPUBLIC OF VIETNAM', 'Independence - Freedom - Happiness'],
    placeAndDate: vi ? `${place}, ngày ${d} tháng ${m} năm ${y}` : `${place}, ${formatDate(date, 'en')}`,
  };
}

/** "Sở Lao động - Thương binh và Xã hội" → "SLĐTBXH", as in the agency's document numbers. */
function initials(name: string): string {
  return name
    .split(/[\s\-–]+/u)
    .filter((w) => w !== '' && w.toLowerCase() !== 'và')
    .map((w) => w.charAt(0).toUpperCase())
    .join('');
}

function reportTitle(plan: CompiledPlan, period: Period, lang: Lang): string[] {
  const p = plan.plan;
  if (lang === 'en') {
    return ['REPORT', `Results of Plan No. ${p.number} of ${formatDate(p.issuedOn, 'en')} of the People's Committee (program ${p.program}, ${p.startYear}-${p.endYear})`, `in the ${periodLabel(period, 'en')}`];
  }
  return ['BÁO CÁO', `Kết quả thực hiện Kế hoạch số ${p.number} ngày ${formatDate(p.issuedOn, 'vi')} của UBND Thành phố (Chương trình ${p.program}, giai đoạn ${p.startYear}-${p.endYear})`, periodLabel(period, 'vi')];
}

const SUMMARY_PHRASES: Record<CategoryCount['category'], { vi: (plan: string) => string; en: (plan: string) => string }> = {
  1: { vi: (span) => `đã hoàn thành, vượt mục tiêu giai đoạn ${span}`, en: (span) => `already met the ${span} target` },
  2: { vi: () => 'hoàn thành kế hoạch năm', en: () => "met this year's plan" },
  3: { vi: () => 'đang triển khai theo tiến độ, dự kiến hoàn thành kế hoạch năm', en: () => "are on schedule to meet this year's plan" },
  4: { vi: () => 'gặp khó khăn, có khả năng không hoàn thành kế hoạch năm', en: () => "face difficulties and may miss this year's plan" },
  notAssessable: { vi: () => 'chưa đánh giá được', en: () => 'cannot be assessed yet' },
  noData: { vi: () => 'chưa có số liệu báo cáo', en: () => 'have no data reported' },
};

function summarySection(ctx: ReportContext, period: Period): ReportSection {
  const { table, lang, plan } = ctx;
  const vi = lang === 'vi';
  const span = `${plan.plan.startYear}-${plan.plan.endYear}`;
  const previous = table.summary.previousPeriod ? parsePeriod(table.summary.previousPeriod) : null;
  const total = table.summary.total;
  const paragraphs = [
    vi
      ? `Kế hoạch có ${total} chỉ tiêu được đánh giá. Kết quả ${periodLabel(period, 'vi')} (số liệu đến ngày ${formatDate(table.referenceDate, 'vi')}) như sau:`
      : `The plan has ${total} assessed indicators. Results for the ${periodLabel(period, 'en')} (figures up to ${formatDate(table.referenceDate, 'en')}):`,
  ];
  for (const c of table.summary.categories) {
    const phrase = SUMMARY_PHRASES[c.category][lang](span);
    const head = vi
      ? `Có ${c.count}/${total} chỉ tiêu (${ctx.number(c.share, 1)}%) ${phrase}`
      : `${c.count} of ${total} indicators (${ctx.number(c.share, 1)}%) ${phrase}`;
    paragraphs.push(`- ${head}${change(c, previous, lang)}.`);
  }
  if (table.basis === 'drafts') {
    paragraphs.push(vi ? 'Lưu ý: số liệu gồm cả bản nháp chưa gửi chính thức; chỉ để xem trước.' : 'Note: the figures include drafts not yet submitted; a preview only.');
  }
  const s = table.submissions;
  paragraphs.push(vi ? `Số đơn vị đã gửi báo cáo: ${s.counted}/${s.total}.` : `Agencies whose reports are counted: ${s.counted} of ${s.total}.`);
  return { heading: vi ? 'I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU' : 'I. RESULTS ON THE INDICATORS', paragraphs };
}

function change(c: CategoryCount, previous: Period | null, lang: Lang): string {
  if (c.change === null || !previous) return '';
  const label = periodLabel(previous, lang);
  if (lang === 'en') {
    if (c.change === 0) return ` (unchanged since the ${label})`;
    return ` (${c.change > 0 ? 'up' : 'down'} ${Math.abs(c.change)} since the ${label})`;
  }
  if (c.change === 0) return ` (không thay đổi so với ${label})`;
  return ` (${c.change > 0 ? 'tăng' : 'giảm'} ${Math.abs(c.change)} chỉ tiêu so với ${label})`;
}

/** "28,5%", "1.234 người": the value as people read it, or the qualitative answer. */
export function resultText(ctx: ReportContext, row: ConsolidatedRow): string {
  if (row.answer) return ANSWER_LABELS[row.answer][ctx.lang];
  if (row.value === null) return ctx.lang === 'vi' ? 'chưa có số liệu' : 'no data';
  const unit = row.unit.trim();
  return unit.startsWith('%') ? `${ctx.number(row.value)}${unit}` : `${ctx.number(row.value)} ${unit}`.trim();
}

function difficultiesSection(ctx: ReportContext): ReportSection {
  const { table, lang } = ctx;
  const vi = lang === 'vi';
  const lagging = table.rows.filter((r) => r.countsInSummary && (r.category === 4 || r.category === 'notAssessable'));
  const paragraphs = lagging.map((row) => laggingParagraph(ctx, row));
  if (paragraphs.length === 0) paragraphs.push(vi ? 'Không có chỉ tiêu gặp khó khăn hoặc chưa đánh giá được.' : 'No indicator faces difficulties or is unassessable.');
  return { heading: vi ? 'II. CÁC CHỈ TIÊU GẶP KHÓ KHĂN, CHƯA ĐÁNH GIÁ ĐƯỢC' : 'II. INDICATORS FACING DIFFICULTIES OR NOT ASSESSABLE', paragraphs };
}

function laggingParagraph(ctx: ReportContext, row: ConsolidatedRow): string {
  const vi = ctx.lang === 'vi';
  const title = vi ? row.name : (row.nameEn ?? row.name);
  const parts = [vi ? `- Chỉ tiêu ${row.code} "${title}": kết quả ${resultText(ctx, row)}` : `- Indicator ${row.code} "${title}": result ${resultText(ctx, row)}`];
  if (row.category === 4 || row.progressYear !== null || row.progressPeriod !== null) {
    const year = row.progressYear === null ? '' : vi ? `đạt ${ctx.number(row.progressYear, 1)}% kế hoạch năm` : `${ctx.number(row.progressYear, 1)}% of the year plan`;
    const span = row.progressPeriod === null ? '' : vi ? `${ctx.number(row.progressPeriod, 1)}% mục tiêu giai đoạn` : `${ctx.number(row.progressPeriod, 1)}% of the period target`;
    const progress = [year, span].filter((s) => s !== '').join(', ');
    if (progress !== '') parts.push(progress);
  }
  // The reason already starts with the category's name ("Chưa đánh giá được: …").
  if (row.category === 'notAssessable') parts.push(lowerFirst(row.categoryReason[ctx.lang]));
  let sentence = `${parts.join('; ')}. ${vi ? 'Đơn vị chủ trì' : 'Lead agency'}: ${ctx.name(row.lead)}.`;
  const notes = row.agencyNotes.filter((n) => n.note.trim() !== '');
  if (notes.length > 0) {
    const reasons = notes.map((n) => `${n.agency[ctx.lang]}: ${n.note.trim().replace(/\.$/u, '')}`).join('; ');
    sentence += ` ${vi ? 'Nguyên nhân' : 'Reasons'} (${reasons}).`;
  } else sentence += vi ? ' Đơn vị chưa nêu nguyên nhân.' : ' The agency gave no reason.';
  return sentence;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The appendix's result cell: the figure alone (the unit has its column), blank without data. */
function appendixResult(ctx: ReportContext, row: ConsolidatedRow): string {
  if (!row.reportable) return '';
  if (row.answer) return ANSWER_LABELS[row.answer][ctx.lang];
  return row.value === null ? '' : ctx.number(row.value);
}

function appendix(ctx: ReportContext, period: Period): AppendixTable {
  const vi = ctx.lang === 'vi';
  const rows = ctx.table.rows.map((row) => ({
    depth: row.depth,
    cells: [
      row.code,
      vi ? row.name : (row.nameEn ?? row.name),
      row.unit,
      row.yearTarget?.[ctx.lang] ?? '',
      row.periodTarget?.[ctx.lang] ?? '',
      appendixResult(ctx, row),
      row.reportable ? row.categoryLabel[ctx.lang] : '',
    ],
  }));
  return {
    title: vi ? `PHỤ LỤC: KẾT QUẢ CÁC CHỈ TIÊU ${periodLabel(period, 'vi').toUpperCase()}` : `APPENDIX: RESULTS ON THE INDICATORS, ${periodLabel(period, 'en').toUpperCase()}`,
    columns: vi
      ? ['STT', 'Chỉ tiêu', 'Đơn vị tính', `Kế hoạch năm ${period.year}`, `Mục tiêu đến năm ${ctx.plan.plan.endYear}`, 'Kết quả', 'Đánh giá']
      : ['No.', 'Indicator', 'Unit', `Plan for ${period.year}`, `Target for ${ctx.plan.plan.endYear}`, 'Result', 'Assessment'],
    rows,
  };
}

function fileName(plan: CompiledPlan, period: Period, lang: Lang): string {
  const match = /^(\d+)\/([A-Za-z]+)/u.exec(plan.plan.number);
  const plate = match ? `${match[2] ?? ''}${match[1] ?? ''}` : 'KH';
  const when = lang === 'vi'
    ? { year: 'nam', '3M': 'quy-I', '6M': '6-thang', '9M': '9-thang' }[period.kind]
    : { year: 'year', '3M': 'Q1', '6M': '6-months', '9M': '9-months' }[period.kind];
  return `${lang === 'vi' ? 'Bao-cao' : 'Report'}-${plate}-${when}-${period.year}.docx`;
}
