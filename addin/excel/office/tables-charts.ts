import { parseRect } from '../../../shared/layout/excel-rules';
import type { Lang } from '../../../shared/layout/excel-rules';
import type { ChartSpec, TableSpec } from '../../../shared/layout/types';
import type { Rect } from './geometry';
import { jsonBytes } from './requests';
import type { RequestPlan } from './requests';
import type { EnumValue } from './enum-value';

const CHART_TYPES = { barClustered: 'BarClustered', columnClustered: 'ColumnClustered', pie: 'Pie' } as const satisfies Record<ChartSpec['kind'], EnumValue<Excel.ChartType>>;

/** The table name, or "Name_2", "Name_3"… when taken in the workbook (table names are workbook-wide). */
export function uniqueTableName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

/** An Excel table over the range (header row included); the name it got goes into `tables`. */
export function planTable(plan: RequestPlan, spec: TableSpec, tableNames: Set<string>, worksheet: () => Excel.Worksheet, range: (x: Rect) => Excel.Range, tables: string[]): void {
  const rect = parseRect(spec.range);
  if (!rect || rect.r2 <= rect.r1) return;
  const name = uniqueTableName(spec.name, tableNames);
  tableNames.add(name.toLowerCase());
  tables.push(name);
  plan.add(jsonBytes(spec), () => {
    const table = worksheet().tables.add(range(rect), true);
    table.name = name;
    table.style = spec.style;
  });
}

/** A native chart of one series, placed over its anchor cells. */
export function planChart(plan: RequestPlan, spec: ChartSpec, lang: Lang, worksheet: () => Excel.Worksheet, range: (x: Rect) => Excel.Range): void {
  const values = parseRect(spec.values);
  const categories = parseRect(spec.categories);
  const anchor = parseRect(spec.anchor);
  if (!values || !categories || !anchor) return;
  const title = spec.title[lang] || spec.title.vi;
  const seriesName = spec.seriesName[lang] || spec.seriesName.vi;
  const end = { r: anchor.r1 + Math.max(1, spec.heightRows) - 1, c: anchor.c1 + Math.max(1, spec.widthColumns) - 1 };
  plan.add(jsonBytes(spec), () => {
    const chart = worksheet().charts.add(CHART_TYPES[spec.kind], range(values), 'Columns');
    chart.title.text = title;
    const series = chart.series.getItemAt(0);
    series.name = seriesName;
    series.setXAxisValues(range(categories));
    chart.setPosition(range({ r1: anchor.r1, c1: anchor.c1, r2: anchor.r1, c2: anchor.c1 }), range({ r1: end.r, c1: end.c, r2: end.r, c2: end.c }));
  });
}
