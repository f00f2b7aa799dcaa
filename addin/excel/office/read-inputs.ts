import { mapInputs, officeValue, strayRowFindings } from '../../../shared/layout/inputs';
import type { InputCell } from '../../../shared/layout/inputs';
import type { ReadInputs, TemplateRef } from '../port';
import { cellA1, nameTarget } from './geometry';
import type { StoredTemplate } from './records';

/** One template sheet as loaded in validateInPlace's first sync. */
export interface LoadedSheet {
  role: string;
  worksheet: Excel.Worksheet;
  names: Excel.NamedItemCollection;
  used: Excel.Range;
  protection: Excel.WorksheetProtection;
}

/** Where each input's defined name points now, by sheet role and lower-cased name (rows may have been inserted). */
export type Positions = (role: string, name: string) => { row: number; col: number } | null;

/** Queues the loads of every template sheet but the metadata one: used values and formats, names, protection. */
export function loadTemplateSheets(context: Excel.RequestContext, template: TemplateRef): LoadedSheet[] {
  return template.sheets
    .filter((s) => s.role !== 'metadata')
    .map((s) => {
      const worksheet = context.workbook.worksheets.getItem(s.id);
      worksheet.load('name');
      const names = worksheet.names.load('items/name,items/formula');
      const used = worksheet.getUsedRange().load('rowIndex,columnIndex,values,numberFormat,formulas');
      const protection = worksheet.protection.load('protected,options');
      return { role: s.role, worksheet, names, used, protection };
    });
}

export function positionsOf(sheets: readonly LoadedSheet[]): Positions {
  const positions = new Map<string, Map<string, { row: number; col: number }>>();
  for (const s of sheets) {
    const map = new Map<string, { row: number; col: number }>();
    for (const item of s.names.items) {
      const at = nameTarget(item.formula);
      if (at) map.set(item.name.toLowerCase(), at);
    }
    positions.set(s.role, map);
  }
  return (role, name) => positions.get(role)?.get(name.toLowerCase()) ?? null;
}

/**
 * The inputs as the engine reads them, from the loaded cells: every recorded input where its
 * name points now, and the findings of data typed outside the template's rows (as an upload).
 */
export function readInputs(record: StoredTemplate, sheets: readonly LoadedSheet[], locate: Positions): ReadInputs {
  const byRole = new Map(sheets.map((s) => [s.role, s]));
  const read = new Map<string, Array<{ row: number; col: number }>>();
  const cells: InputCell[] = record.inputs.map(([role, kind, code, name]) => {
    const s = byRole.get(role);
    const at = locate(role, name);
    if (!s || !at) return { kind, code, cell: null, expected: s ? `${s.worksheet.name}!${name}` : name };
    let positions = read.get(role);
    if (!positions) read.set(role, (positions = []));
    positions.push(at);
    const r = at.row - s.used.rowIndex;
    const c = at.col - s.used.columnIndex;
    // Office.js types the loaded grids as any[][]; what a cell holds is checked below.
    const values: unknown[][] = s.used.values;
    const numberFormats: unknown[][] = s.used.numberFormat;
    const formulas: unknown[][] = s.used.formulas;
    const value = values[r]?.[c] ?? '';
    const format = numberFormats[r]?.[c];
    const numberFormat = typeof format === 'string' ? format : 'General';
    const formula = formulas[r]?.[c];
    return {
      kind,
      code,
      cell: { value: officeValue(value, numberFormat), numberFormat, where: `${s.worksheet.name}!${cellA1(at.row, at.col)}`, ...(typeof formula === 'string' ? { formula } : {}) },
    };
  });
  const mapped = mapInputs(cells);
  const outside = sheets.flatMap((s) => {
    const { rowIndex, values } = s.used;
    const columnIndex = s.used.columnIndex;
    return strayRowFindings(s.worksheet.name, read.get(s.role) ?? [], rowIndex + values.length - 1, (r, c) => values[r - rowIndex]?.[c - columnIndex]);
  });
  return { entries: mapped.entries, documents: mapped.documents, projects: mapped.projects, tasks: mapped.tasks, findings: [...mapped.findings, ...outside] };
}
