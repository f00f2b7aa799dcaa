import type { AgencyRegister } from '../agencies/register';
import type { IndicatorFile, PlanInput, Rule, YearTargetFile } from '../schema/plan';
import type { TargetExpression } from '../schema/target';
import { parseTarget, targetContextOf } from '../targets/parse';
import { mapColumns } from './columns';
import { Grid } from './grid';
import type { Pos } from './grid';
import { readHeader } from './headers';
import { inferPolarity, inferUnit, inferValueType, decimalsOf, provisionalTargets } from './infer';
import { splitNumberedItems } from './items';
import { ownOrMerged, readRows, repeatedBaselineYears } from './rows';
import type { CellValue, ColumnMap, TableRow } from './rows';
import type { PlanDraft, PlanMeta, PlanTableInput } from './types';

/**
 * A plan's appendix table (as pasted from the plan's Word file into Excel, or uploaded) → a
 * draft plan file and every finding, each at its cell. Pure: the register and the metadata
 * come in, nothing is stored. The draft is for review; saving it goes through the catalog's
 * checks like any plan file.
 */
export function importPlanTable(input: PlanTableInput): PlanDraft {
  const grid = new Grid(input.grid, input.sheet, input.origin, input.merges);
  const header = readHeader(grid);
  if (!header) {
    grid.add('no-header', { rows: Math.min(grid.rows, 15) });
    return { draft: planOf(input.meta, input.city, [], [], grid), findings: grid.findings };
  }
  const code = header.columns.find((c) => c.kind === 'code')?.col ?? 0;
  const name = header.columns.find((c) => c.kind === 'name')?.col ?? 0;
  const mapped = mapColumns(grid, header, input.meta, repeatedBaselineYears(grid, header, code, name));
  if (!mapped) return { draft: planOf(input.meta, input.city, [], [], grid), findings: grid.findings };
  const { cols, baselineYear } = mapped;
  const read = readRows(grid, header, cols);
  if (read.rows.length === 0) grid.add('empty-table', {}, { row: header.bottom, col: cols.name });
  const reader = new RowReader(grid, cols, input, baselineYear);
  const indicators = read.rows.map((row, i) => reader.indicator(row, i, read.rows));
  reader.shareGroupDocuments(indicators, read.rows);
  const rules = sumRules(grid, indicators, read.rows, cols);
  if (indicators.length > 0) grid.add('aggregation-default', {});
  return { draft: planOf(input.meta, input.city, indicators, rules, grid), findings: grid.findings };
}

/** What an earlier row resolved, for the rows below it that are merged with it. */
interface Resolved {
  lead: CellValue;
  coordinators: CellValue;
  /** Index of the row whose lead this row shares (itself when it has its own). */
  head: number;
}

/** Reads the rows one by one; a row merged with the one above needs what that row resolved. */
class RowReader {
  private readonly resolved: Resolved[] = [];
  private readonly register: AgencyRegister;

  constructor(
    private readonly grid: Grid,
    private readonly cols: ColumnMap,
    private readonly input: PlanTableInput,
    private readonly baselineYear: number,
  ) {
    this.register = input.register;
  }

  indicator(row: TableRow, index: number, rows: readonly TableRow[]): IndicatorFile {
    const cols = this.cols;
    const texts = cols.years.map(({ year, col }) => ({ year, ...this.target(row, year, col) }));
    const baseline = cols.baseline ? ownOrMerged(this.grid, { row: row.row, col: cols.baseline.col }) : null;
    const targetPhrases = texts.map((t) => t.text).filter((t) => t !== '');
    // The baseline speaks only where the targets say nothing: "180.578 lượt người (…)" beside "160.000 lượt người /năm".
    const phrases = targetPhrases.length > 0 ? targetPhrases : baseline?.text ? [baseline.text] : [];
    const figures = [...targetPhrases, ...(baseline?.text ? [baseline.text] : [])];
    const unitCell = cols.unit === undefined ? '' : ownOrMerged(this.grid, { row: row.row, col: cols.unit }).text;
    const comparesToPrevious = targetContextOf({ valueType: 'number', polarity: 'higher', unit: '', name: row.name }).comparesToPrevious === true;
    const provisional = provisionalTargets(phrases, '');
    const unit = inferUnit({ name: row.name, unitColumn: unitCell, phrases, comparesToPrevious, allQualitative: provisional.length > 0 && provisional.every((t) => t.kind === 'qualitative') });
    this.unitFindings(row, unit);
    const targetsSeen = provisionalTargets(phrases, unit.unit);
    const type = inferValueType(unit.unit, targetsSeen, figures);
    if (!type.decided) this.grid.add('value-type-assumed', { code: row.code }, { row: row.row, col: cols.name }, { indicator: row.code });
    const polarity = inferPolarity(row.name, type.valueType, targetsSeen);
    if (!polarity.decided) this.grid.add('polarity-undecided', { code: row.code }, { row: row.row, col: cols.name }, { indicator: row.code, ...(polarity.conflict ? { variant: 'conflict' } : {}) });
    const context = targetContextOf({ valueType: type.valueType, polarity: polarity.polarity, unit: unit.unit, name: row.name });
    const targets: Record<string, YearTargetFile> = {};
    for (const t of texts) {
      if (t.text === '') continue;
      targets[String(t.year)] = this.typed(row, t, parseTarget(t.text, context));
    }
    if (baseline?.text === '') this.grid.add('no-baseline', { code: row.code, year: this.baselineYear }, baseline.at, { indicator: row.code });
    const decimals = type.valueType === 'number' ? decimalsOf(figures) : 0;
    const agencies = this.agencies(row, index, rows);
    return {
      code: row.code,
      name: row.name,
      ...(row.parent !== undefined ? { parent: row.parent } : {}),
      reportable: true,
      unit: unit.unit,
      valueType: type.valueType,
      polarity: polarity.polarity,
      ...(decimals > 0 ? { decimals } : {}),
      baseline: baseline?.text ? { year: this.baselineYear, text: baseline.text } : null,
      targets,
      ...agencies,
      policyDocuments: this.cols.policy === undefined ? [] : splitNumberedItems(ownOrMerged(this.grid, { row: row.row, col: this.cols.policy }).text),
      aggregation: { kind: 'lead' },
      noteRequiredWhenMissed: true,
    };
  }

  private unitFindings(row: TableRow, unit: ReturnType<typeof inferUnit>): void {
    const at = { row: row.row, col: this.cols.unit ?? this.cols.name };
    if (unit.source === 'name') this.grid.add('unit-from-name', { code: row.code, unit: unit.unit }, at, { indicator: row.code });
    if (unit.source === 'none') this.grid.add('unit-unknown', { code: row.code }, at, { indicator: row.code });
    if (unit.conflicting) this.grid.add('units-differ', { code: row.code, units: unit.conflicting.join(', '), unit: unit.unit }, at, { indicator: row.code });
  }

  /** A year's target cell: its own text, the merged area's, or (merges unknown) the nearest filled year to its left. */
  private target(row: TableRow, year: number, col: number): { text: string; at: Pos; mergedFrom?: string } {
    const at = { row: row.row, col };
    const cell = ownOrMerged(this.grid, at);
    if (cell.via === 'merge') {
      const from = this.cols.years.find((y) => y.col === cell.at.col && cell.at.row === row.row);
      return { text: cell.text, at: cell.at, ...(from ? { mergedFrom: String(from.year) } : {}) };
    }
    if (cell.text !== '' || this.grid.mergesKnown) {
      if (cell.text === '') this.grid.add('missing-target', { code: row.code, year }, at, { indicator: row.code });
      return { text: cell.text, at };
    }
    const before = this.cols.years.filter((y) => y.year < year).reverse().find((y) => this.grid.text(row.row, y.col) !== '');
    if (!before) {
      this.grid.add('missing-target', { code: row.code, year }, at, { indicator: row.code });
      return { text: '', at };
    }
    const text = this.grid.text(row.row, before.col);
    this.grid.add('target-spans-years', { code: row.code, year, from: before.year, text }, at, { indicator: row.code });
    return { text, at: { row: row.row, col: before.col }, mergedFrom: String(before.year) };
  }

  /** The parsed target; an unreadable one is a finding, marked judged by hand only when the caller asks. */
  private typed(row: TableRow, t: { year: number; text: string; at: Pos; mergedFrom?: string }, target: TargetExpression): YearTargetFile {
    const out: YearTargetFile = { text: t.text, target, ...(t.mergedFrom !== undefined ? { mergedFrom: t.mergedFrom } : {}) };
    if (target.kind !== 'unparsed') return out;
    const byHand = this.input.judgeUnreadableByHand === true;
    this.grid.add('unreadable-target', { code: row.code, year: t.year, text: t.text, reason: target.reason }, t.at, { indicator: row.code, ...(byHand ? { variant: 'judged-by-hand' } : {}) });
    if (byHand) {
      delete out.target;
      out.judgedByHand = true;
    }
    return out;
  }

  /** Lead and coordinators: own cells, merged areas, or (merges unknown) the row above when the lead cell is blank. */
  private agencies(row: TableRow, index: number, rows: readonly TableRow[]): Pick<IndicatorFile, 'lead' | 'leadSource' | 'coordinators' | 'coordinatorsSource'> {
    const blank = (col: number | undefined): CellValue => ({ text: '', at: { row: row.row, col: col ?? this.cols.name }, via: 'own' });
    let lead = this.cols.lead === undefined ? blank(undefined) : ownOrMerged(this.grid, { row: row.row, col: this.cols.lead });
    let coordinators = this.cols.coordinators === undefined ? blank(undefined) : ownOrMerged(this.grid, { row: row.row, col: this.cols.coordinators });
    let head = index;
    const above = this.resolved[index - 1];
    if (lead.text === '' && above && this.cols.lead !== undefined && !this.grid.mergesKnown && above.lead.text !== '') {
      this.grid.add('taken-from-above', { code: row.code, column: 'lead', text: above.lead.text, from: this.grid.address(above.lead.at) }, lead.at, { indicator: row.code });
      lead = { ...above.lead, via: 'above' };
      head = above.head;
      if (coordinators.text === '' && above.coordinators.text !== '') {
        this.grid.add('taken-from-above', { code: row.code, column: 'coordinators', text: above.coordinators.text, from: this.grid.address(above.coordinators.at) }, coordinators.at, { indicator: row.code });
        coordinators = { ...above.coordinators, via: 'above' };
      }
    } else if (lead.via === 'merge') {
      head = Math.max(0, rows.findIndex((r) => r.row === lead.at.row));
    }
    this.resolved[index] = { lead, coordinators, head };
    const leadIds = this.resolve(lead, row.code);
    const coordinatorIds = this.resolve(coordinators, row.code);
    if (leadIds.length === 0 && (this.cols.lead !== undefined || lead.text === '')) this.grid.add('no-lead', { code: row.code }, lead.at, { indicator: row.code });
    if (leadIds.length > 1) this.grid.add('several-leads', { code: row.code, count: leadIds.length, lead: leadIds[0] ?? '' }, lead.at, { indicator: row.code });
    const extra = leadIds.slice(1).filter((id) => !coordinatorIds.includes(id));
    return {
      lead: leadIds[0] ?? null,
      ...(lead.text !== '' ? { leadSource: lead.text } : {}),
      coordinators: [...extra, ...coordinatorIds],
      ...(coordinators.text !== '' ? { coordinatorsSource: coordinators.text } : {}),
    };
  }

  /** Ids the register finds in a cell; each fragment it does not know is a finding, once per cell. */
  private resolve(cell: CellValue, code: string): string[] {
    if (cell.text === '') return [];
    const r = this.register.resolveNames(cell.text, this.input.city);
    if (cell.via === 'own' || cell.via === 'merge') {
      const key = `${cell.at.row}:${cell.at.col}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        for (const fragment of r.unresolved) this.grid.add('unresolved-agency', { fragment, city: this.input.city }, cell.at, { indicator: code });
      }
    }
    return r.ids;
  }

  private readonly reported = new Set<string>();

  /**
   * Rows sharing a lead (merged, or blank under the head) share the policy-documents cell too:
   * a page break of the Word document splits such a cell in two, so the group's items are
   * joined (plan 207: items 1-3 on row 3, item 4 on row 4).
   */
  shareGroupDocuments(indicators: IndicatorFile[], rows: readonly TableRow[]): void {
    if (this.cols.policy === undefined) return;
    const groups = new Map<number, number[]>();
    this.resolved.forEach((r, i) => groups.set(r.head, [...(groups.get(r.head) ?? []), i]));
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      const items = members.flatMap((i) => indicators[i]?.policyDocuments ?? []);
      const cells = members.filter((i) => (indicators[i]?.policyDocuments.length ?? 0) > 0).map((i) => this.grid.address({ row: rows[i]?.row ?? 0, col: this.cols.policy ?? 0 }));
      for (const i of members) {
        const indicator = indicators[i];
        if (indicator) indicator.policyDocuments = [...items];
      }
      if (cells.length > 1 || cells.length < members.length) {
        const first = rows[members[0] ?? 0];
        this.grid.add('taken-from-above', { codes: members.map((i) => rows[i]?.code ?? '').join(', '), cells: cells.join(', ') }, first ? { row: first.row, col: this.cols.policy } : undefined, { variant: 'documents' });
      }
    }
  }
}

/** A parent whose every year target is the sum of its sub-rows' (3 = 3.1 + 3.2) gets a proposed rule. */
function sumRules(grid: Grid, indicators: readonly IndicatorFile[], rows: readonly TableRow[], cols: ColumnMap): Rule[] {
  const rules: Rule[] = [];
  for (const parent of indicators) {
    const children = indicators.filter((i) => i.parent === parent.code);
    if (children.length < 2) continue;
    const years = Object.keys(parent.targets);
    const valueOf = (i: IndicatorFile, y: string) => {
      const t = i.targets[y]?.target;
      return t?.kind === 'exact' ? t.value : null;
    };
    const sums = years.every((y) => {
      const whole = valueOf(parent, y);
      const parts = children.map((c) => valueOf(c, y));
      const known = parts.filter((p): p is number => p !== null);
      return whole !== null && known.length === parts.length && Math.abs(known.reduce((a, b) => a + b, 0) - whole) < 1e-9;
    });
    if (!sums || years.length === 0) continue;
    const terms = children.map((c) => c.code);
    const row = rows.find((r) => r.code === parent.code);
    grid.add('sum-rule', { code: parent.code, terms: terms.join(', ') }, row ? { row: row.row, col: cols.name } : undefined, { indicator: parent.code });
    rules.push({ id: `ind-${parent.code}-sum`, kind: 'indicatorSum', target: parent.code, terms, tolerance: { absolute: 0.1 }, severity: 'warning', description: `${parent.code} = ${terms.join(' + ')}` });
  }
  return rules;
}

/** The plan file around the indicators; what the metadata leaves out is a finding. */
function planOf(meta: PlanMeta, city: string, indicators: IndicatorFile[], rules: Rule[], grid: Grid): PlanInput {
  for (const field of ['issuedOn', 'program', 'standingAgency'] as const) if (!meta[field]) grid.add('meta-missing', { field });
  return {
    id: meta.id,
    title: meta.title,
    number: meta.number,
    issuedOn: meta.issuedOn ?? '',
    city,
    program: meta.program ?? '',
    startYear: meta.startYear,
    endYear: meta.endYear,
    revision: meta.revision ?? 1,
    corrections: [],
    indicators,
    documents: [],
    projects: [],
    rules,
    reporting: {
      standingAgency: meta.standingAgency ?? '',
      // Decree 09/2019/NĐ-CP's windows; the plan's own calendar is data the reviewer may change.
      periods: [
        { kind: '6M', cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
      ],
    },
  };
}
