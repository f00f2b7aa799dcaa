import { indicatorOf } from '../compile';
import type { CompiledPlan } from '../compile';
import type { ConsolidatedRow, ConsolidatedTable } from '../consolidate';
import { ANSWER_LABELS } from '../entries';
import { parsePeriod } from '../periods';
import type { Period } from '../periods';
import type { Lang } from '../targets/render';
import { cellAddress, rangeAddress } from './a1';
import { SheetBuilder } from './builder';
import { VERDICT_LABELS, periodLabel } from './labels';
import { numberFormatFor } from './template';
import type { CellSpec, ColumnSpec, SheetLayout } from './types';

/**
 * "Diễn biến" / "Trend": each indicator's value, verdict and progress against the year plan
 * for every report of the plan so far (oldest first, this one last), and how many indicators
 * met the year plan or the plan-period target (categories 1 and 2) in each, charted.
 */

function periodOf(table: ConsolidatedTable): Period {
  const period = parsePeriod(table.period);
  if (!period) throw new RangeError(`not a reporting period: ${table.period}`);
  return period;
}

function valueCell(plan: CompiledPlan, row: ConsolidatedRow | undefined, lang: Lang): Partial<CellSpec> {
  if (!row) return { v: '', s: 'text', text: true };
  if (typeof row.value === 'number') return { v: row.value, s: 'number', f: numberFormatFor(indicatorOf(plan, row.code)) };
  const answer = row.answer ? ANSWER_LABELS[row.answer][lang] : '';
  return { v: answer, s: 'text', text: true };
}

/** The counts per report: met (1 and 2), on schedule (3), facing difficulties (4), of the indicators counted. */
function countsOf(table: ConsolidatedTable): { met: number; onSchedule: number; difficult: number; total: number } {
  const count = (...cs: Array<ConsolidatedTable['summary']['categories'][number]['category']>) => table.summary.categories.filter((c) => cs.includes(c.category)).reduce((n, c) => n + c.count, 0);
  return { met: count(1, 2), onSchedule: count(3), difficult: count(4), total: table.summary.total };
}

/** `tables`: the consolidated table of each report of the plan so far, oldest first; the last is this report's. */
export function trendSheet(plan: CompiledPlan, tables: readonly ConsolidatedTable[], heading: string, lang: Lang): SheetLayout {
  const vi = lang === 'vi';
  const periods = tables.map(periodOf);
  const columns: ColumnSpec[] = [
    { key: 'code', width: 7 },
    { key: 'name', width: 44 },
    { key: 'unit', width: 11 },
    ...periods.flatMap((p) => [
      { key: `value-${p.id}`, width: 13 },
      { key: `verdict-${p.id}`, width: 13 },
      { key: `progress-${p.id}`, width: 10 },
    ]),
  ];
  const b = new SheetBuilder(vi ? 'Diễn biến' : 'Trend', 'trend', columns);
  b.banner(heading, 'title', 40);
  b.banner(vi ? 'Diễn biến kết quả thực hiện các chỉ tiêu qua các kỳ báo cáo' : 'The indicators over the reports of the plan', 'subtitle');
  b.row([]);
  const countsHeader = b.headerRow(
    vi ? ['', 'Kỳ báo cáo', 'Tổng số chỉ tiêu', 'Đạt KH năm hoặc mục tiêu giai đoạn', 'Đúng tiến độ', 'Gặp khó khăn'] : ['', 'Report', 'Indicators', 'Met the year plan or the target', 'On schedule', 'Facing difficulties'],
    42,
  );
  tables.forEach((t, i) => {
    const c = countsOf(t);
    const period = periods[i];
    b.row([
      { v: '', s: 'text', text: true },
      { v: period ? periodLabel(period, lang) : t.period, s: 'label', text: true },
      { v: c.total, s: 'number', f: '0' },
      { v: c.met, s: 'number', f: '0' },
      { v: c.onSchedule, s: 'number', f: '0' },
      { v: c.difficult, s: 'number', f: '0' },
    ]);
  });
  const countsLast = b.rowCount - 1;
  b.row([]);
  const chartRow = b.rowCount;
  const chartRows = 16;
  for (let i = 0; i < chartRows; i++) b.row([]);
  b.chart({
    kind: 'columnClustered',
    title: { vi: 'Số chỉ tiêu đạt kế hoạch năm hoặc mục tiêu giai đoạn qua các kỳ', en: 'Indicators meeting the year plan or the target, report by report' },
    categories: rangeAddress(countsHeader + 1, 1, countsLast, 1),
    values: rangeAddress(countsHeader + 1, 3, countsLast, 3),
    seriesName: { vi: 'Đạt KH năm hoặc mục tiêu', en: 'Met the year plan or the target' },
    anchor: cellAddress(chartRow, 1),
    widthColumns: 5,
    heightRows: chartRows,
  });
  const headers = [
    vi ? 'TT' : 'No.',
    vi ? 'Tiêu chí' : 'Indicator',
    vi ? 'Đơn vị tính' : 'Unit',
    ...periods.flatMap((p) => {
      const label = periodLabel(p, lang);
      return vi ? [`Kết quả ${label}`, `Đánh giá ${label}`, `% KH năm ${label}`] : [`Result, ${label}`, `Verdict, ${label}`, `% of year plan, ${label}`];
    }),
  ];
  const header = b.headerRow(headers, 54);
  b.freezeAt(header + 1, 2);
  const byPeriod = tables.map((t) => new Map(t.rows.map((r) => [r.code, r])));
  const current = tables.at(-1);
  for (const row of current?.rows ?? []) {
    b.row([
      { v: row.code, s: 'code', text: true },
      { v: vi ? row.name : (row.nameEn ?? row.name), s: row.reportable ? 'label' : 'labelHeading', text: true },
      { v: row.unit, s: 'text', text: true },
      ...byPeriod.flatMap((rows): Array<Partial<CellSpec>> => {
        const r = rows.get(row.code);
        if (!row.reportable) return [{ v: '', s: 'text', text: true }, { v: '', s: 'output', text: true }, { v: null, s: 'outputNumber' }];
        return [valueCell(plan, r, lang), { v: r ? VERDICT_LABELS[r.verdict][lang] : '', s: 'output', text: true }, { v: r?.progressYear ?? null, s: 'outputNumber', f: '0.0' }];
      }),
    ]);
  }
  const last = Math.max(b.rowCount - 1, header);
  periods.forEach((_, i) => {
    const col = 3 + i * 3 + 1;
    b.colourByText(rangeAddress(header + 1, col, Math.max(last, header + 1), col), [VERDICT_LABELS.met[lang]], [VERDICT_LABELS.withinTolerance[lang]], [VERDICT_LABELS.notMet[lang]]);
  });
  return b.build({ repeatRows: { from: header, to: header } });
}
