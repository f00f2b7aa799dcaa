import { cellAddress, rangeAddress, safeSheetName } from './a1';
import type {
  CellSpec,
  ChartSpec,
  ColumnSpec,
  ConditionalFormatSpec,
  DefinedNameSpec,
  SheetLayout,
  StyleKey,
  TableSpec,
  ValidationRule,
  ValidationSpec,
} from './types';
import type { Text } from '../i18n';
import { COLORS, STYLES } from './labels';

/**
 * Builds a rectangular SheetLayout row by row. Validations on consecutive cells of one
 * column with the same rule are merged into one bounded range, which keeps the number of
 * Office.js calls and the size of the .xlsx down.
 */
export class SheetBuilder {
  private readonly grid: CellSpec[][] = [];
  private readonly merges: string[] = [];
  private readonly rowHeights: Record<number, number> = {};
  private readonly validations: Array<{ row: number; col: number; rule: ValidationRule; errorStyle: ValidationSpec['errorStyle']; prompt?: Text; error?: Text }> = [];
  private readonly conditional: ConditionalFormatSpec[] = [];
  private readonly names: DefinedNameSpec[] = [];
  private readonly tables: TableSpec[] = [];
  private readonly charts: ChartSpec[] = [];
  private freeze: SheetLayout['freeze'] = null;

  constructor(
    private readonly name: string,
    private readonly role: string,
    private readonly columns: ColumnSpec[],
  ) {}

  get rowCount(): number {
    return this.grid.length;
  }

  get width(): number {
    return this.columns.length;
  }

  /** Adds a row; missing cells are blank in the given style. Returns the row index. */
  row(cells: Array<Partial<CellSpec> | undefined>, fill: StyleKey = 'text', height?: number): number {
    const r = this.grid.length;
    const row: CellSpec[] = [];
    for (let c = 0; c < this.columns.length; c++) {
      const cell = cells[c];
      row.push({ v: cell?.v ?? null, s: cell?.s ?? fill, ...(cell?.f ? { f: cell.f } : {}), ...(cell?.input ? { input: cell.input } : {}), ...(cell?.output ? { output: cell.output } : {}), ...(cell?.text ? { text: true as const } : {}) });
      if (cell?.input) this.names.push({ name: cell.input.name, ref: cellAddress(r, c, true) });
    }
    this.grid.push(row);
    if (height) this.rowHeights[r] = height;
    return r;
  }

  /** A header row of text labels. Returns the row index. */
  headerRow(labels: readonly string[], height?: number): number {
    return this.row(labels.map((label) => ({ v: label, s: 'header' as const, text: true as const })), 'header', height);
  }

  /** Green, amber and red fills for cells whose text is one of the given labels. */
  colourByText(range: string, met: readonly string[], tolerance: readonly string[], missed: readonly string[]): void {
    for (const t of met) this.conditional.push({ range, rule: { kind: 'textEquals', text: t }, fill: COLORS.met, fontColor: COLORS.metText });
    for (const t of tolerance) this.conditional.push({ range, rule: { kind: 'textEquals', text: t }, fill: COLORS.tolerance, fontColor: COLORS.toleranceText });
    for (const t of missed) this.conditional.push({ range, rule: { kind: 'textEquals', text: t }, fill: COLORS.notMet, fontColor: COLORS.notMetText });
  }

  /** A full-width merged row, for titles. */
  banner(value: string, style: StyleKey, height?: number): number {
    const r = this.row([{ v: value, s: style, text: true }], style, height);
    if (this.columns.length > 1) this.merges.push(rangeAddress(r, 0, r, this.columns.length - 1));
    return r;
  }

  merge(row1: number, col1: number, row2: number, col2: number): void {
    this.merges.push(rangeAddress(row1, col1, row2, col2));
  }

  validate(row: number, col: number, rule: ValidationRule, errorStyle: ValidationSpec['errorStyle'], prompt?: Text, error?: Text): void {
    this.validations.push({ row, col, rule, errorStyle, ...(prompt ? { prompt } : {}), ...(error ? { error } : {}) });
  }

  conditionalFormat(spec: ConditionalFormatSpec): void {
    this.conditional.push(spec);
  }

  table(spec: TableSpec): void {
    this.tables.push(spec);
  }

  chart(spec: ChartSpec): void {
    this.charts.push(spec);
  }

  freezeAt(rows: number, columns: number): void {
    this.freeze = { rows, columns };
  }

  build(options: { visibility?: SheetLayout['visibility']; protect?: boolean; repeatRows?: { from: number; to: number } }): SheetLayout {
    this.fitRowHeights();
    const visible = (options.visibility ?? 'visible') === 'visible';
    return {
      name: safeSheetName(this.name),
      role: this.role,
      visibility: options.visibility ?? 'visible',
      columns: this.columns,
      grid: this.grid,
      merges: this.merges,
      rowHeights: this.rowHeights,
      freeze: this.freeze,
      validations: mergeValidations(this.validations),
      conditionalFormats: this.conditional,
      names: this.names,
      protection: options.protect ? { protect: true, allowFormatColumns: true, allowFormatRows: true, allowAutoFilter: true } : null,
      tables: this.tables,
      charts: this.charts,
      page: visible ? { orientation: 'landscape', paper: 'A4', fitToWidth: true, ...(options.repeatRows ? { repeatRows: options.repeatRows } : {}) } : null,
    };
  }

  /**
   * Neither Excel nor LibreOffice grows a row for wrapped text when the file is opened, so
   * the layout estimates the lines of every wrapped cell from its column width.
   */
  private fitRowHeights(): void {
    const merged = new Set<number>();
    for (const m of this.merges) {
      const [a = '', b = a] = m.split(':');
      const r1 = Number(/\d+/.exec(a)?.[0]) - 1;
      const r2 = Number(/\d+/.exec(b)?.[0]) - 1;
      if (r1 === r2) merged.add(r1);
    }
    this.grid.forEach((row, r) => {
      if (this.rowHeights[r] !== undefined || merged.has(r)) return;
      let lines = 1;
      row.forEach((cell, c) => {
        if (typeof cell.v !== 'string' || cell.v === '' || !STYLES[cell.s].wrap) return;
        const width = Math.max(4, (this.columns[c]?.width ?? 10) - 1);
        const estimate = cell.v.split('\n').reduce((n, part) => n + Math.max(1, Math.ceil((part.length * 1.1) / width)), 0);
        lines = Math.max(lines, estimate);
      });
      if (lines > 1) this.rowHeights[r] = Math.min(409, Math.round(lines * 13.2 + 3));
    });
  }
}

function mergeValidations(
  items: Array<{ row: number; col: number; rule: ValidationRule; errorStyle: ValidationSpec['errorStyle']; prompt?: Text; error?: Text }>,
): ValidationSpec[] {
  const sorted = [...items].sort((a, b) => a.col - b.col || a.row - b.row);
  const out: ValidationSpec[] = [];
  interface Run {
    col: number;
    start: number;
    end: number;
    key: string;
    item: (typeof items)[number];
  }
  const flush = (r: Run | null) => {
    if (!r) return;
    out.push({
      range: rangeAddress(r.start, r.col, r.end, r.col),
      rule: r.item.rule,
      errorStyle: r.item.errorStyle,
      ...(r.item.prompt ? { prompt: r.item.prompt } : {}),
      ...(r.item.error ? { error: r.item.error } : {}),
    });
  };
  let run: Run | null = null;
  for (const item of sorted) {
    const key = JSON.stringify([item.rule, item.errorStyle, item.prompt, item.error]);
    if (run !== null && run.col === item.col && run.end === item.row - 1 && run.key === key) {
      run.end = item.row;
      continue;
    }
    flush(run);
    run = { col: item.col, start: item.row, end: item.row, key, item };
  }
  flush(run);
  return out;
}
