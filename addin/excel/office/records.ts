import type { TEMPLATE_FORMAT } from '../../../shared/layout/template';
import type { InputRef, OutputRef, SheetLayout, StyleKey, WorkbookLayout } from '../../../shared/layout/types';
import type { Lang } from '../../../shared/layout/excel-rules';
import { isObject } from '../../../shared/untrusted';
import type { TemplateRef } from '../port';

/**
 * What the adapter records in the workbook settings, so that it recognises its templates
 * and consolidated copies later, after a rename or inserted rows.
 */

export const TEMPLATES_SETTING = 'asr.templates';
export const CONSOLIDATED_SETTING = 'asr.consolidated';

export type SheetRef = TemplateRef['sheets'][number];

/** What `asr.templates` keeps per template: the TemplateRef and how to find inputs and outputs again. */
export interface StoredTemplate extends TemplateRef {
  format: typeof TEMPLATE_FORMAT;
  /** Every input in listing order (sheets in order, row by row): [sheet role, kind, code, defined name, style]. */
  inputs: Array<[string, InputRef['kind'], string, string, StyleKey]>;
  /** Output cells: the sheet role, the input of the same row they hang on, and the column offset from it. */
  outputs: Partial<Record<OutputRef['kind'], { role: string; anchor: InputRef['kind']; offset: number }>>;
  /** Fill of each input style, to clear highlights (a record read back from the workbook may lack it). */
  fills?: Partial<Record<StyleKey, string | null>>;
}

export interface StoredConsolidated {
  planId: string;
  revision: number;
  period: string;
  lang: Lang;
  sheets: SheetRef[];
  tables: string[];
}

/** A setting's value (JSON text or an array) as an array of records; [] when it is anything else. */
function parseJsonArray<T>(value: unknown): T[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? (v.filter(isObject) as T[]) : [];
}

/**
 * Queues the read of a setting (`asr.templates`, `asr.consolidated`); once the request is
 * synced, the returned function gives its records ([] when the setting is absent or not JSON).
 */
export function loadRecords<T>(context: Excel.RequestContext, name: string): () => T[] {
  const setting = context.workbook.settings.getItemOrNullObject(name);
  setting.load('value');
  return () => parseJsonArray<T>(setting.isNullObject ? null : setting.value);
}

/** The stored description of a template's inputs and outputs, from its layout. */
export function describeTemplate(layout: WorkbookLayout): Pick<StoredTemplate, 'inputs' | 'outputs' | 'fills'> {
  const inputs: StoredTemplate['inputs'] = [];
  const outputs: StoredTemplate['outputs'] = {};
  const fills: StoredTemplate['fills'] = {};
  for (const sheet of layout.sheets) {
    sheet.grid.forEach((row) => {
      row.forEach((cell) => {
        if (!cell.input) return;
        inputs.push([sheet.role, cell.input.kind, cell.input.code, cell.input.name, cell.s]);
        if (!(cell.s in fills)) fills[cell.s] = layout.styles[cell.s].fill ?? null;
      });
      // Outputs hang on the row's value input (or its first input).
      const valueCol = row.findIndex((c) => c.input?.kind === 'value');
      const anchorCol = valueCol >= 0 ? valueCol : row.findIndex((c) => c.input);
      const anchor = row[anchorCol]?.input?.kind;
      if (anchor === undefined) return;
      row.forEach((cell, c) => {
        if (cell.output && !outputs[cell.output.kind]) outputs[cell.output.kind] = { role: sheet.role, anchor, offset: c - anchorCol };
      });
    });
  }
  return { inputs, outputs, fills };
}

/** The metadata sheet's "sheets" row, rewritten when sheets got other names (e.g. "Chỉ tiêu (2)"). */
export function withSheetNames(meta: SheetLayout, names: Map<string, string>): SheetLayout {
  const list = [...names].map(([role, name]) => `${role}=${name}`).join(';');
  const grid = meta.grid.map((row) => (row[0]?.v === 'sheets' && row[1] ? [row[0], { ...row[1], v: list }, ...row.slice(2)] : row));
  return { ...meta, grid };
}

type Identity = Pick<TemplateRef, 'planId' | 'agencyId' | 'period'>;

export function sameTemplate(a: Identity, b: Identity): boolean {
  return a.planId === b.planId && a.agencyId === b.agencyId && a.period === b.period;
}

/** The TemplateRef of a record, with the sheets' current names (by id). */
export function refOf(t: StoredTemplate, names: Map<string, string>): TemplateRef {
  return {
    planId: t.planId,
    revision: t.revision,
    agencyId: t.agencyId,
    period: t.period,
    lang: t.lang,
    sheets: t.sheets.map((s) => ({ role: s.role, id: s.id, name: names.get(s.id) ?? s.name })),
  };
}

/** An Office error when a template sheet is gone, said plainly. */
export function missingSheets(error: unknown, what: string): Error {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ItemNotFound') return new Error(`${what}: a sheet of the template no longer exists in this workbook`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The records this adapter has read or written, so writeInputs needs no extra read of the
 * settings when the template was met before.
 */
export class TemplateRecords {
  private readonly seen = new Map<string, StoredTemplate>();

  private static keyOf(t: Pick<TemplateRef, 'planId' | 'agencyId' | 'period' | 'sheets'>): string {
    return `${t.planId}|${t.agencyId}|${t.period}|${t.sheets.map((s) => s.id).sort().join(',')}`;
  }

  remember(records: readonly StoredTemplate[]): void {
    for (const r of records) if (Array.isArray(r.sheets) && Array.isArray(r.inputs)) this.seen.set(TemplateRecords.keyOf(r), r);
  }

  known(template: TemplateRef): StoredTemplate | null {
    return this.seen.get(TemplateRecords.keyOf(template)) ?? null;
  }

  /** The record of a template among those read from the settings. */
  static find(records: readonly StoredTemplate[], template: TemplateRef): StoredTemplate | undefined {
    return records.find((t) => sameTemplate(t, template) && Array.isArray(t.inputs) && Array.isArray(t.sheets) && t.sheets.some((s) => template.sheets.some((x) => x.id === s.id)));
  }
}
