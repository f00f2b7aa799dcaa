import type { Grid } from './grid';
import type { HeaderBlock } from './headers';
import type { ColumnMap } from './rows';
import type { PlanMeta } from './types';

/**
 * The header's columns → the map the rows are read through, with a finding for every column
 * repeated, unknown, missing or outside the plan's years, and the baseline year decided (a
 * header naming the first target year, as plan 207's first page does, is a finding).
 */
export function mapColumns(grid: Grid, header: HeaderBlock, meta: PlanMeta, repeatedBaselineYears: readonly number[]): { cols: ColumnMap; baselineYear: number } | null {
  const single = new Map<string, number>();
  const years: ColumnMap['years'] = [];
  let baseline: ColumnMap['baseline'];
  for (const column of header.columns) {
    if (column.kind === 'year') {
      const year = column.year ?? 0;
      if (year < meta.startYear || year > meta.endYear) grid.add('year-outside-plan', { year, startYear: meta.startYear, endYear: meta.endYear }, column.at);
      else if (years.some((y) => y.year === year)) grid.add('duplicate-column', { column: 'year', header: column.header }, column.at);
      else years.push({ year, col: column.col });
      continue;
    }
    if (single.has(column.kind) || (column.kind === 'baseline' && baseline)) {
      grid.add('duplicate-column', { column: column.kind, header: column.header }, column.at);
      continue;
    }
    if (column.kind === 'baseline') baseline = column;
    else single.set(column.kind, column.col);
  }
  for (const u of header.unknown) grid.add('unknown-column', { header: u.header }, u.at);
  const code = single.get('code');
  const name = single.get('name');
  if (code === undefined || name === undefined) return null;
  years.sort((a, b) => a.year - b.year);
  if (years.length === 0) grid.add('missing-column', { column: 'year' }, { row: header.top, col: name });
  for (let y = meta.startYear; y <= meta.endYear && years.length > 0; y++) {
    if (!years.some((c) => c.year === y)) grid.add('year-missing', { year: y }, { row: header.top, col: name });
  }
  for (const kind of ['lead', 'coordinators'] as const) {
    if (!single.has(kind)) grid.add('missing-column', { column: kind }, { row: header.top, col: name }, { variant: 'optional' });
  }
  const cols: ColumnMap = { code, name, years, ...pick(single, 'unit'), ...pick(single, 'policy'), ...pick(single, 'lead'), ...pick(single, 'coordinators'), ...(baseline ? { baseline } : {}) };
  return { cols, baselineYear: baselineYearOf(grid, baseline, meta, repeatedBaselineYears) };
}

function pick(map: ReadonlyMap<string, number>, key: 'unit' | 'policy' | 'lead' | 'coordinators'): Partial<Record<typeof key, number>> {
  const col = map.get(key);
  return col === undefined ? {} : { [key]: col };
}

/**
 * The year of the baseline column: the year its header names, unless that is not before the
 * first target year. Then the repeated headers' year when they agree and fit, else the year
 * before the plan; either way a finding at the header (DOMAIN.md: plan 207's first header).
 */
function baselineYearOf(grid: Grid, baseline: ColumnMap['baseline'], meta: PlanMeta, repeated: readonly number[]): number {
  const fallback = meta.startYear - 1;
  if (!baseline?.year) return fallback;
  const others = [...new Set(repeated)];
  const found = baseline.year;
  if (found < meta.startYear) {
    const differing = others.filter((y) => y !== found);
    if (differing.length > 0) grid.add('baseline-year', { years: [found, ...differing].join(', '), used: found }, baseline.at, { variant: 'disagree' });
    return found;
  }
  const fitting = others.filter((y) => y < meta.startYear);
  const used = fitting.length === 1 && others.length === 1 ? (fitting[0] ?? fallback) : fallback;
  grid.add('baseline-year', { header: baseline.header, found, firstYear: meta.startYear, used, others: others.join(', ') }, baseline.at);
  return used;
}
