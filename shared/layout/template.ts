import type { AgencyRegister } from '../agencies/register';
import { assignmentFor } from '../assignment';
import type { Role } from '../assignment';
import { documentOf, indicatorOf } from '../compile';
import type { CompiledPlan } from '../compile';
import { periodTargetOf } from '../evaluate';
import { parsePeriod, periodWindow, previousReportingPeriod } from '../periods';
import type { Period } from '../periods';
import type { Indicator } from '../schema/plan';
import type { Lang } from '../targets/render';
import { cellAddress, definedName } from './a1';
import { SheetBuilder } from './builder';
import { ANSWER_CHOICES, CATEGORY_SHORT, DOCUMENT_STATUS_CHOICES, STYLES, TASK_STATUSES, TASK_STATUS_CHOICES, VERDICT_LABELS, formatDate, periodLabel } from './labels';
import { taskDueDate, tasksLedBy } from '../tasks';
import type { PlanTask } from '../schema/plan';
import type { CellSpec, InputRef, SheetLayout, WorkbookLayout } from './types';
import { plausibleBounds } from '../plausibility';

/**
 * The agency template: for one agency, plan and period, the rows it leads or contributes
 * to, laid out like the plan's appendix, with input cells unlocked and named, validation
 * and colours, and hidden metadata that lets the add-in and the upload reader recognise
 * the sheets later, even renamed or with rows inserted.
 */
export const TEMPLATE_FORMAT = 'an-sinh-template';
export const TEMPLATE_FORMAT_VERSION = '1';
export const METADATA_SHEET = '_asr_meta';

export interface TemplateOptions {
  agencyId: string;
  period: string;
  lang?: Lang;
  /** The agency's own report of the previous period, shown read-only beside each input. */
  previous?: PreviousValues | null;
}

/** Last period's values of one agency, by indicator code. */
export interface PreviousValues {
  period: string;
  values: Readonly<Record<string, string | number | null | undefined>>;
}

/** Column keys of the indicator sheet, in order. */
export const INDICATOR_COLUMNS = [
  'code',
  'name',
  'unit',
  'baseline',
  'years',
  'yearTarget',
  'periodTarget',
  'agencies',
  'role',
  'previous',
  'value',
  'answer',
  'denominator',
  'note',
  'verdict',
  'progressYear',
  'progressPeriod',
  'category',
] as const;
export type IndicatorColumn = (typeof INDICATOR_COLUMNS)[number];
/** The "Kỳ trước" values of a previous report's entries (as typed), by indicator code. */
export function previousValuesOf(period: string, entries: ReadonlyArray<{ code: string; value?: unknown }>): PreviousValues {
  const values: Record<string, string | number | null> = {};
  for (const entry of entries) if (typeof entry.value === 'string' || typeof entry.value === 'number') values[entry.code] = entry.value;
  return { period, values };
}

export const indicatorColumn = (key: IndicatorColumn): number => INDICATOR_COLUMNS.indexOf(key);

const NOTE_MAX = 2_000;

export function inputName(kind: InputRef['kind'], code: string): string {
  return definedName('asr', kind, code);
}

export function numberFormatFor(indicator: Pick<Indicator, 'valueType' | 'decimals'>): string {
  if (indicator.valueType === 'integer') return '#,##0';
  const decimals = indicator.decimals ?? (indicator.valueType === 'percent' ? 2 : 2);
  return decimals === 0 ? '#,##0' : `#,##0.${'#'.repeat(decimals)}`;
}

export function agencyTemplate(plan: CompiledPlan, register: AgencyRegister, options: TemplateOptions): WorkbookLayout {
  const lang: Lang = options.lang ?? 'vi';
  const period = parsePeriod(options.period);
  if (!period) throw new RangeError(`not a reporting period: ${options.period}`);
  const agency = register.get(options.agencyId);
  if (!agency) throw new RangeError(`unknown agency: ${options.agencyId}`);
  const assignment = assignmentFor(plan, register, options.agencyId, period);
  const agencyName = lang === 'en' ? (agency.nameEn ?? agency.name) : agency.name;

  const context: IndicatorContext = { plan, register, period, lang, previous: options.previous ?? null };
  const sheets: SheetLayout[] = [indicatorSheet(context, agencyName, assignment.indicators)];
  if (assignment.documents.length > 0) sheets.push(documentSheet(plan, period, agencyName, assignment.documents, lang));
  if (assignment.projects.length > 0) sheets.push(projectSheet(plan, period, agencyName, assignment.projects, lang));
  const tasks = plan.plan.tasks.length > 0 ? tasksLedBy(plan, register, options.agencyId, period) : [];
  if (tasks.length > 0) sheets.push(taskSheet(plan, register, period, agencyName, tasks, lang));

  const metadata: Record<string, string> = {
    format: TEMPLATE_FORMAT,
    formatVersion: TEMPLATE_FORMAT_VERSION,
    planId: plan.plan.id,
    planNumber: plan.plan.number,
    revision: String(plan.plan.revision),
    agencyId: options.agencyId,
    period: period.id,
    lang,
    sheets: sheets.map((s) => `${s.role}=${s.name}`).join(';'),
  };
  sheets.push(metadataSheet(metadata, sheets));
  return { sheets, styles: STYLES, metadata };
}

function titleRows(b: SheetBuilder, plan: CompiledPlan, period: Period, agencyName: string, heading: { vi: string; en: string }, lang: Lang): void {
  const window = periodWindow(plan.plan, period);
  b.banner(lang === 'vi' ? heading.vi : heading.en, 'title', 36);
  b.banner(plan.plan.title, 'subtitle', 48);
  b.banner(
    lang === 'vi'
      ? `(Kèm theo Kế hoạch số ${plan.plan.number} ngày ${formatDate(plan.plan.issuedOn, 'vi')})`
      : `(Annex to plan ${plan.plan.number} of ${formatDate(plan.plan.issuedOn, 'en')})`,
    'caption',
  );
  const windowText = window
    ? lang === 'vi'
      ? ` (số liệu từ ${formatDate(window.from, 'vi')} đến ${formatDate(window.to, 'vi')}; hạn gửi ${formatDate(window.deadline, 'vi')})`
      : ` (data from ${formatDate(window.from, 'en')} to ${formatDate(window.to, 'en')}; due ${formatDate(window.deadline, 'en')})`
    : '';
  b.banner(
    lang === 'vi'
      ? `Đơn vị báo cáo: ${agencyName} — Kỳ báo cáo: ${periodLabel(period, 'vi')}${windowText}`
      : `Reporting agency: ${agencyName} — Period: ${periodLabel(period, 'en')}${windowText}`,
    'caption',
  );
}

/** What every row of the indicator sheet needs to know. */
interface IndicatorContext {
  plan: CompiledPlan;
  register: AgencyRegister;
  period: Period;
  lang: Lang;
  previous: PreviousValues | null;
}

function indicatorHeaders(ctx: IndicatorContext, baselineYear: number): Record<IndicatorColumn, string> {
  const { plan, period } = ctx;
  const previous = previousReportingPeriod(plan.plan, period);
  if (ctx.lang === 'vi') {
    return {
      code: 'TT', name: 'Tiêu chí', unit: 'Đơn vị tính', baseline: `Kết quả đến cuối năm ${baselineYear}`, years: `Chỉ tiêu các năm ${plan.plan.startYear}-${plan.plan.endYear}`,
      yearTarget: `Kế hoạch năm ${period.year} (kỳ này)`, periodTarget: `Mục tiêu năm ${plan.plan.endYear}`, agencies: 'Cơ quan chủ trì, phối hợp', role: 'Vai trò',
      previous: previous ? `Kỳ trước (${periodLabel(previous, 'vi')})` : 'Kỳ trước', value: `Kết quả ${periodLabel(period, 'vi')}`, answer: 'Tự đánh giá',
      denominator: 'Mẫu số', note: 'Ghi chú, nguyên nhân chưa đạt', verdict: 'Đánh giá', progressYear: '% KH năm', progressPeriod: '% MT giai đoạn', category: 'Phân loại',
    };
  }
  return {
    code: 'No.', name: 'Indicator', unit: 'Unit', baseline: `Result at end of ${baselineYear}`, years: `Targets ${plan.plan.startYear}-${plan.plan.endYear}`,
    yearTarget: `${period.year} plan (this period)`, periodTarget: `${plan.plan.endYear} target`, agencies: 'Lead and coordinating agencies', role: 'Role',
    previous: previous ? `Previous (${periodLabel(previous, 'en')})` : 'Previous period', value: `Result, ${periodLabel(period, 'en')}`, answer: 'Self-assessment',
    denominator: 'Denominator', note: 'Note, reason if missed', verdict: 'Verdict', progressYear: '% of year plan', progressPeriod: '% of period target', category: 'Category',
  };
}

function indicatorSheet(ctx: IndicatorContext, agencyName: string, rows: Array<{ code: string; role: Role }>): SheetLayout {
  const { plan, period, lang } = ctx;
  const vi = lang === 'vi';
  const baselineYear = plan.plan.indicators.find((i) => i.baseline)?.baseline?.year ?? plan.plan.startYear - 1;
  const widths: Record<IndicatorColumn, number> = {
    code: 7, name: 46, unit: 12, baseline: 14, years: 20, yearTarget: 14, periodTarget: 14, agencies: 20, role: 22, previous: 12,
    value: 14, answer: 14, denominator: 12, note: 36, verdict: 14, progressYear: 10, progressPeriod: 10, category: 18,
  };
  const hasDenominator = rows.some((r) => r.role === 'contributor' && plan.indicators.get(r.code)?.aggregation.kind === 'weightedMean');
  const hasAnswer = rows.some((r) => {
    const i = indicatorOf(plan, r.code);
    return i.valueType !== 'qualitative' && i.targets[String(period.year)]?.target.kind === 'qualitative';
  });
  const b = new SheetBuilder(
    vi ? 'Chỉ tiêu' : 'Indicators',
    'indicators',
    INDICATOR_COLUMNS.map((key) => ({
      key,
      width: widths[key],
      ...((key === 'denominator' && !hasDenominator) || (key === 'answer' && !hasAnswer) ? { hidden: true } : {}),
    })),
  );
  titleRows(b, plan, period, agencyName, { vi: `KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CHƯƠNG TRÌNH SỐ ${plan.plan.program}`, en: `RESULTS OF THE INDICATORS OF PROGRAMME ${plan.plan.program}` }, vi ? 'vi' : 'en');
  b.row([]);
  const headers = indicatorHeaders(ctx, baselineYear);
  const headerRow = b.headerRow(INDICATOR_COLUMNS.map((k) => headers[k]), 42);
  b.freezeAt(headerRow + 1, 2);

  // Show the headings above assigned rows, so the table reads like the appendix.
  const assigned = new Map(rows.map((r) => [r.code, r.role]));
  const shown = new Set<string>();
  for (const code of plan.order) {
    if (!assigned.has(code)) continue;
    let parent = indicatorOf(plan, code).parent;
    while (parent) {
      shown.add(parent);
      parent = plan.indicators.get(parent)?.parent;
    }
    shown.add(code);
  }

  const firstDataRow = b.rowCount;
  for (const code of plan.order) {
    if (!shown.has(code)) continue;
    const indicator = indicatorOf(plan, code);
    const role = assigned.get(code);
    if (!role) {
      b.row([{ v: code, s: 'code', text: true }, { v: indicator.name, s: 'labelHeading', text: true }], 'labelHeading');
      continue;
    }
    indicatorRow(b, ctx, indicator, role);
  }
  const lastDataRow = b.rowCount - 1;
  if (lastDataRow >= firstDataRow) outputColours(b, firstDataRow, lastDataRow, lang);
  b.row([]);
  const footnote = vi
    ? 'Ô nền vàng là ô nhập liệu; cột "Kỳ trước" là số liệu đơn vị đã gửi kỳ trước (chỉ để đối chiếu). Nhập số theo đơn vị tính (số nguyên cho số lượt, số người; tỷ lệ % nhập con số, ví dụ 85,5). Cột Đánh giá do hệ thống điền khi kiểm tra.'
    : 'Yellow cells take input; the "Previous" column is what the agency sent last period (for comparison only). Enter numbers in the unit shown (whole numbers for counts; for percentages the number, e.g. 85.5). The verdict columns are filled by the check.';
  b.row([{ v: footnote, s: 'meta', text: true }], 'meta');
  return b.build({ protect: true, repeatRows: { from: headerRow, to: headerRow } });
}

/** "2021: 28,5 · 2022: 28,5 · ▶ 2023: 28,5 · …": every year's target, this period's year marked. */
function yearsText(indicator: Indicator, plan: CompiledPlan, period: Period): string {
  const lines: string[] = [];
  for (let year = plan.plan.startYear; year <= plan.plan.endYear; year++) {
    const target = indicator.targets[String(year)];
    if (!target) continue;
    lines.push(`${year === period.year ? '▶ ' : ''}${year}: ${target.text}`);
  }
  return lines.join('\n');
}

function agenciesText(ctx: IndicatorContext, indicator: Indicator): string {
  const nameOf = (id: string) => {
    const agency = ctx.register.get(id);
    return agency ? (ctx.lang === 'vi' ? agency.name : (agency.nameEn ?? agency.name)) : id;
  };
  const lead = indicator.leadSource ?? (indicator.lead ? nameOf(indicator.lead) : '');
  const coordinators = indicator.coordinatorsSource ?? indicator.coordinators.map(nameOf).join(', ');
  const vi = ctx.lang === 'vi';
  const lines = [lead ? `${vi ? 'Chủ trì' : 'Lead'}: ${lead}` : '', coordinators ? `${vi ? 'Phối hợp' : 'Coordinating'}: ${coordinators}` : ''];
  return lines.filter(Boolean).join('\n');
}

/** The role cell: a contributor's row says when the target is the city's and what the denominator is. */
function roleText(indicator: Indicator, role: Role, lang: Lang): string {
  const vi = lang === 'vi';
  if (role === 'lead') return vi ? 'Chủ trì' : 'Lead';
  const own = vi ? 'Số liệu địa bàn' : 'Own area';
  const aggregation = indicator.aggregation;
  if (aggregation.kind === 'sum') {
    return vi
      ? `${own}. Chỉ tiêu toàn Thành phố: đơn vị báo cáo phần đóng góp của mình vào tổng chung`
      : `${own}. A citywide target: report your contribution to the city's total`;
  }
  if (aggregation.kind === 'weightedMean') {
    const label = vi ? aggregation.denominator.label : (aggregation.denominator.labelEn ?? aggregation.denominator.label);
    return vi
      ? `${own}. Chỉ tiêu toàn Thành phố tính bình quân gia quyền: ghi tỷ lệ của địa bàn và ở cột Mẫu số ghi ${label} của địa bàn`
      : `${own}. A citywide weighted mean: give your area's rate and, in the Denominator column, your area's ${label}`;
  }
  return own;
}

function previousCell(ctx: IndicatorContext, indicator: Indicator): Partial<CellSpec> {
  const value = ctx.previous?.values[indicator.code];
  if (typeof value === 'number') return { v: value, s: 'number', f: numberFormatFor(indicator) };
  // Right-aligned like a number even as typed ("96,5"), so it reads beside the input.
  return typeof value === 'string' ? { v: value, s: 'number', text: true } : { v: null, s: 'text' };
}

function indicatorRow(b: SheetBuilder, ctx: IndicatorContext, indicator: Indicator, role: Role): void {
  const { plan, period, lang } = ctx;
  const vi = lang === 'vi';
  const yearTarget = indicator.targets[String(period.year)] ?? null;
  const periodTarget = periodTargetOf(indicator, plan.plan);
  const qualitative = indicator.valueType === 'qualitative';
  const needsAnswer = !qualitative && yearTarget?.target.kind === 'qualitative';
  const needsDenominator = role === 'contributor' && indicator.aggregation.kind === 'weightedMean';
  const name = vi ? indicator.name : (indicator.nameEn ?? indicator.name);

  // A contributor's targets are the city's, never its own: say so on every target.
  const city = role === 'contributor' ? (vi ? ' (toàn Thành phố)' : ' (citywide)') : '';
  const cityText = (text: string | undefined) => (text ? `${text}${city}` : '');
  const r = b.rowCount;
  const valueCol = indicatorColumn('value');
  const cells: Array<Partial<CellSpec>> = [
    { v: indicator.code, s: 'code', text: true },
    { v: name, s: 'label', text: true },
    { v: indicator.unit, s: 'text', text: true },
    { v: cityText(indicator.baseline?.text), s: 'text', text: true },
    { v: `${yearsText(indicator, plan, period)}${city ? `\n${city.trim()}` : ''}`, s: 'text', text: true },
    { v: cityText(yearTarget?.text), s: 'section', text: true },
    { v: cityText(periodTarget?.text), s: 'text', text: true },
    { v: agenciesText(ctx, indicator), s: 'text', text: true },
    { v: roleText(indicator, role, lang), s: 'text', text: true },
    previousCell(ctx, indicator),
    qualitative
      ? { v: null, s: 'inputText', input: { kind: 'value', code: indicator.code, name: inputName('value', indicator.code) } }
      : { v: null, s: 'input', f: numberFormatFor(indicator), input: { kind: 'value', code: indicator.code, name: inputName('value', indicator.code) } },
    needsAnswer ? { v: null, s: 'inputText', input: { kind: 'answer', code: indicator.code, name: inputName('answer', indicator.code) } } : { v: null, s: 'output' },
    needsDenominator
      ? { v: null, s: 'input', f: '#,##0.##', input: { kind: 'denominator', code: indicator.code, name: inputName('denominator', indicator.code) } }
      : { v: null, s: 'output' },
    { v: null, s: 'inputText', input: { kind: 'note', code: indicator.code, name: inputName('note', indicator.code) } },
    { v: null, s: 'output', output: { kind: 'verdict', code: indicator.code } },
    { v: null, s: 'outputNumber', f: '0.0', output: { kind: 'progressYear', code: indicator.code } },
    { v: null, s: 'outputNumber', f: '0.0', output: { kind: 'progressPeriod', code: indicator.code } },
    { v: null, s: 'output', output: { kind: 'category', code: indicator.code } },
  ];
  b.row(cells);

  const answers = ANSWER_CHOICES[lang];
  const answerPrompt = { vi: 'Chọn Đạt / Cơ bản đạt / Không đạt', en: 'Choose achieved / basically achieved / not achieved' };
  if (qualitative) {
    b.validate(r, valueCol, { kind: 'list', values: [...answers] }, 'stop', answerPrompt, { vi: 'Chỉ chọn trong danh sách', en: 'Choose from the list' });
  } else {
    // The engine's min-max bounds (shared/plausibility.ts), so Excel warns where the check will refuse.
    const bounds = plausibleBounds(indicator);
    const range = { min: bounds.min, ...(bounds.max !== undefined ? { max: bounds.max } : {}) };
    const rule = indicator.valueType === 'integer' ? ({ kind: 'whole', ...range } as const) : ({ kind: 'decimal', ...range } as const);
    b.validate(r, valueCol, rule, 'warning', valuePrompt(indicator, yearTarget), {
      vi: 'Giá trị có vẻ không hợp lệ; hệ thống sẽ kiểm tra khi bấm Kiểm tra',
      en: 'This value looks wrong; the check will examine it',
    });
  }
  if (needsAnswer) b.validate(r, INDICATOR_COLUMNS.indexOf('answer'), { kind: 'list', values: [...answers] }, 'stop', answerPrompt);
  if (needsDenominator) {
    const label = indicator.aggregation.kind === 'weightedMean' ? indicator.aggregation.denominator : { label: 'Mẫu số' };
    b.validate(r, INDICATOR_COLUMNS.indexOf('denominator'), { kind: 'decimal', min: 0 }, 'warning', { vi: label.label, en: ('labelEn' in label && label.labelEn) || label.label });
  }
  b.validate(r, INDICATOR_COLUMNS.indexOf('note'), { kind: 'textLength', max: NOTE_MAX }, 'warning', { vi: 'Ghi nguyên nhân nếu chưa đạt', en: 'Explain if the target is missed' });
}

function outputColours(b: SheetBuilder, first: number, last: number, lang: Lang): void {
  const verdictRange = `${cellAddress(first, indicatorColumn('verdict'))}:${cellAddress(last, indicatorColumn('verdict'))}`;
  const categoryRange = `${cellAddress(first, indicatorColumn('category'))}:${cellAddress(last, indicatorColumn('category'))}`;
  b.colourByText(verdictRange, [VERDICT_LABELS.met[lang]], [VERDICT_LABELS.withinTolerance[lang]], [VERDICT_LABELS.notMet[lang]]);
  b.colourByText(categoryRange, [CATEGORY_SHORT[1][lang], CATEGORY_SHORT[2][lang]], [CATEGORY_SHORT[3][lang]], [CATEGORY_SHORT[4][lang]]);
}

function documentSheet(plan: CompiledPlan, period: Period, agencyName: string, codes: string[], lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Văn bản' : 'Documents', 'documents', [
    { key: 'code', width: 11 },
    { key: 'title', width: 56 },
    { key: 'issuer', width: 16 },
    { key: 'due', width: 14 },
    { key: 'status', width: 16 },
    { key: 'reference', width: 24 },
    { key: 'issuedOn', width: 14 },
    { key: 'note', width: 30 },
  ]);
  titleRows(b, plan, period, agencyName, { vi: 'TÌNH HÌNH BAN HÀNH CÁC CHƯƠNG TRÌNH, ĐỀ ÁN, KẾ HOẠCH', en: 'ISSUANCE OF PROGRAMMES, SCHEMES AND PLANS' }, lang);
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nội dung', 'Cơ quan ban hành', 'Thời hạn', 'Tình trạng', 'Số, ký hiệu văn bản', 'Ngày ban hành', 'Ghi chú']
    : ['Code', 'Document', 'Issued by', 'Due', 'Status', 'Number', 'Issued on', 'Note'];
  const headerRow = b.headerRow(headers, 32);
  b.freezeAt(headerRow + 1, 2);
  const statuses = DOCUMENT_STATUS_CHOICES[lang];
  for (const code of codes) {
    const d = documentOf(plan, code);
    const due =
      d.due.kind === 'everyYear' ? (vi ? 'Hằng năm' : 'Every year') : d.due.kind === 'quarter' ? (vi ? `Quý ${d.due.quarter}/${d.due.year}` : `Q${d.due.quarter} ${d.due.year}`) : String(d.due.year);
    const r = b.row([
      { v: d.code, s: 'code', text: true },
      { v: d.condition ? `${d.title} (${d.condition})` : d.title, s: 'label', text: true },
      { v: d.issuerSource ?? d.issuer, s: 'text', text: true },
      { v: due, s: 'text', text: true },
      { v: null, s: 'inputText', input: { kind: 'documentStatus', code, name: inputName('documentStatus', code) } },
      { v: null, s: 'inputText', input: { kind: 'documentReference', code, name: inputName('documentReference', code) } },
      { v: null, s: 'input', f: 'dd/mm/yyyy', input: { kind: 'documentDate', code, name: inputName('documentDate', code) } },
      { v: null, s: 'inputText', input: { kind: 'documentNote', code, name: inputName('documentNote', code) } },
    ]);
    b.validate(r, 4, { kind: 'list', values: [statuses.issued, statuses.notIssued] }, 'stop');
    b.validate(r, 6, { kind: 'date', min: `${plan.plan.startYear - 1}-01-01`, max: `${plan.plan.endYear + 1}-12-31` }, 'warning');
    b.validate(r, 7, { kind: 'textLength', max: NOTE_MAX }, 'warning');
  }
  return b.build({ protect: true, repeatRows: { from: headerRow, to: headerRow } });
}

function projectSheet(plan: CompiledPlan, period: Period, agencyName: string, codes: string[], lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Dự án' : 'Projects', 'projects', [
    { key: 'code', width: 10 },
    { key: 'title', width: 56 },
    { key: 'years', width: 12 },
    { key: 'total', width: 14 },
    { key: 'carriedOver', width: 14 },
    { key: 'new', width: 14 },
    { key: 'disbursed', width: 16 },
    { key: 'note', width: 30 },
  ]);
  titleRows(b, plan, period, agencyName, { vi: 'TÌNH HÌNH THỰC HIỆN CÁC DỰ ÁN ĐẦU TƯ', en: 'PROGRESS OF INVESTMENT PROJECTS' }, lang);
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nội dung', 'Thời gian thực hiện', 'Kinh phí (triệu đồng)', 'Chuyển tiếp 2016-2020', 'Dự án mới', 'Giải ngân lũy kế (triệu đồng)', 'Ghi chú']
    : ['Code', 'Project', 'Years', 'Cost (million VND)', 'Carried over', 'New', 'Disbursed to date (million VND)', 'Note'];
  const headerRow = b.headerRow(headers, 42);
  b.freezeAt(headerRow + 1, 2);
  const wanted = new Set(codes);
  for (const group of plan.plan.projectGroups) {
    const members = plan.plan.projects.filter((p) => p.group === group.code && wanted.has(p.code));
    if (members.length === 0) continue;
    b.row([{ v: group.code, s: 'code', text: true }, { v: group.title, s: 'labelHeading', text: true }], 'labelHeading');
    for (const p of members) {
      const r = b.row([
        { v: p.code, s: 'code', text: true },
        { v: p.title, s: 'label', text: true },
        { v: p.years ? `${p.years.from}-${p.years.to}` : '', s: 'text', text: true },
        { v: p.costs.total, s: 'number', f: '#,##0' },
        { v: p.costs.carriedOver, s: 'number', f: '#,##0' },
        { v: p.costs.new, s: 'number', f: '#,##0' },
        { v: null, s: 'input', f: '#,##0', input: { kind: 'projectDisbursed', code: p.code, name: inputName('projectDisbursed', p.code) } },
        { v: null, s: 'inputText', input: { kind: 'projectNote', code: p.code, name: inputName('projectNote', p.code) } },
      ]);
      b.validate(r, 6, { kind: 'decimal', min: 0, max: p.costs.total }, 'warning', { vi: 'Số triệu đồng đã giải ngân', en: 'Million VND disbursed' });
      b.validate(r, 7, { kind: 'textLength', max: NOTE_MAX }, 'warning');
    }
  }
  return b.build({ protect: true, repeatRows: { from: headerRow, to: headerRow } });
}

/** How a task's due date reads in the sheet: "Hằng năm", "Trước 31/03/2026", "Trong kỳ kế hoạch (đến 31/12/2027)". */
export function taskDueText(plan: CompiledPlan, task: PlanTask, period: Period, lang: Lang): string {
  const vi = lang === 'vi';
  if (task.due.kind === 'everyYear') return vi ? 'Hằng năm' : 'Every year';
  const date = formatDate(taskDueDate(plan, task, period), lang);
  if (task.due.kind === 'byDate') return vi ? `Trước ${date}` : `By ${date}`;
  return vi ? `Trong kỳ kế hoạch (đến ${date})` : `Within the plan (by ${date})`;
}

/** The tasks the agency leads: the task as assigned, then its status (a list), account, evidence and note. */
function taskSheet(plan: CompiledPlan, register: AgencyRegister, period: Period, agencyName: string, tasks: readonly PlanTask[], lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const b = new SheetBuilder(vi ? 'Nhiệm vụ' : 'Tasks', 'tasks', [
    // Not 9: exceljs leaves a width of 9 (its default) out of the file, so Excel would show 8.43.
    { key: 'code', width: 10 },
    { key: 'text', width: 56 },
    { key: 'due', width: 18 },
    { key: 'coordinators', width: 28 },
    { key: 'status', width: 18 },
    { key: 'account', width: 40 },
    { key: 'evidence', width: 34 },
    { key: 'note', width: 24 },
  ]);
  titleRows(b, plan, period, agencyName, { vi: 'KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO', en: 'PROGRESS OF THE TASKS ASSIGNED' }, lang);
  b.row([]);
  const headers = vi
    ? ['Mã', 'Nhiệm vụ', 'Thời hạn', 'Cơ quan phối hợp', 'Tình trạng', 'Kết quả thực hiện / giải trình', 'Văn bản minh chứng (số, ngày)', 'Ghi chú']
    : ['Code', 'Task', 'Due', 'Coordinating agencies', 'Status', 'Account of what was done, or why not', 'Evidence (number, date)', 'Note'];
  const headerRow = b.headerRow(headers, 42);
  b.freezeAt(headerRow + 1, 2);
  const choices = TASK_STATUSES.map((s) => TASK_STATUS_CHOICES[lang][s]);
  const nameOf = (id: string) => {
    const agency = register.get(id);
    return agency ? (vi ? agency.name : (agency.nameEn ?? agency.name)) : id;
  };
  for (const task of tasks) {
    const code = task.code;
    const r = b.row([
      { v: code, s: 'code', text: true },
      { v: vi ? task.text : (task.textEn ?? task.text), s: 'label', text: true },
      { v: taskDueText(plan, task, period, lang), s: 'text', text: true },
      { v: task.coordinatorsSource ?? task.coordinators.map(nameOf).join(', '), s: 'text', text: true },
      { v: null, s: 'inputText', input: { kind: 'taskStatus', code, name: inputName('taskStatus', code) } },
      { v: null, s: 'inputText', input: { kind: 'taskAccount', code, name: inputName('taskAccount', code) } },
      { v: null, s: 'inputText', input: { kind: 'taskEvidence', code, name: inputName('taskEvidence', code) } },
      { v: null, s: 'inputText', input: { kind: 'taskNote', code, name: inputName('taskNote', code) } },
    ]);
    b.validate(r, 4, { kind: 'list', values: choices }, 'stop', { vi: 'Chọn tình trạng thực hiện', en: 'Choose the status' }, { vi: 'Chỉ chọn trong danh sách', en: 'Choose from the list' });
    b.validate(r, 5, { kind: 'textLength', max: NOTE_MAX }, 'warning', { vi: 'Bắt buộc khi quá hạn mà chưa thực hiện', en: 'Required when past due and not started' });
    b.validate(r, 6, { kind: 'textLength', max: NOTE_MAX }, 'warning', { vi: 'Ví dụ: Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022', en: 'E.g. Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022' });
    b.validate(r, 7, { kind: 'textLength', max: NOTE_MAX }, 'warning');
  }
  b.row([]);
  b.row([{ v: vi ? 'Cơ quan chủ trì báo cáo tình trạng nhiệm vụ; cơ quan phối hợp gửi kết quả cho cơ quan chủ trì. Nhiều văn bản cách nhau bằng dấu chấm phẩy.' : 'The lead agency reports the status; coordinating agencies send their part to the lead. Separate several documents with semicolons.', s: 'meta', text: true }], 'meta');
  return b.build({ protect: true, repeatRows: { from: headerRow, to: headerRow } });
}

/** A very hidden sheet: the metadata and, per input cell, where it is, for readers without defined names. */
function metadataSheet(metadata: Record<string, string>, sheets: SheetLayout[]): SheetLayout {
  const b = new SheetBuilder(METADATA_SHEET, 'metadata', [
    { key: 'key', width: 20 },
    { key: 'value', width: 40 },
    { key: 'sheetRole', width: 14 },
    { key: 'address', width: 10 },
  ]);
  for (const [key, value] of Object.entries(metadata)) b.row([{ v: key, s: 'meta', text: true }, { v: value, s: 'meta', text: true }], 'meta');
  b.row([{ v: 'inputs', s: 'meta', text: true }], 'meta');
  for (const sheet of sheets) {
    sheet.grid.forEach((row, r) =>
      row.forEach((cell, c) => {
        if (cell.input) {
          b.row(
            [
              { v: cell.input.name, s: 'meta', text: true },
              { v: `${cell.input.kind}:${cell.input.code}`, s: 'meta', text: true },
              { v: sheet.role, s: 'meta', text: true },
              { v: cellAddress(r, c), s: 'meta', text: true },
            ],
            'meta',
          );
        }
      }),
    );
  }
  return b.build({ visibility: 'veryHidden', protect: true });
}

/** The input prompt of a number cell, fitted to the indicator: its unit, a fitting example, and what a change target wants. */
export function valuePrompt(indicator: Pick<Indicator, 'valueType' | 'unit'>, yearTarget: { target: { kind: string } } | null): { vi: string; en: string } {
  const unit = indicator.unit || (indicator.valueType === 'percent' ? '%' : '');
  const unitVi = unit ? ` (${unit})` : '';
  if (yearTarget?.target.kind === 'change') {
    return {
      vi: `Nhập số liệu thực tế của năm nay${unitVi}, không nhập mức tăng, giảm; mức thay đổi so với năm trước do hệ thống tính`,
      en: `Enter this year's actual figure${unitVi}, not the change; the change against last year is computed`,
    };
  }
  if (indicator.valueType === 'integer') return { vi: `Nhập số nguyên${unitVi}; ví dụ 1.250`, en: `Enter a whole number${unitVi}; e.g. 1,250` };
  if (indicator.valueType === 'percent' || unit === '%') return { vi: 'Nhập tỷ lệ phần trăm là con số, không kèm dấu %; ví dụ 85,5', en: 'Enter the percentage as a number, without %; e.g. 85.5' };
  return { vi: `Nhập kết quả${unitVi}; ví dụ 12,5`, en: `Enter the result${unitVi}; e.g. 12.5` };
}
