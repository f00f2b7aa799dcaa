/// <reference types="office-js" />
/**
 * A deliberately naive Office.js adapter: the first attempt the real one
 * (addin/excel/office-adapter.ts) is measured against in bench/excel.bench.ts. Benchmark
 * code only; nothing in the add-in uses it.
 *
 * - insertTemplate: one `worksheets.add` + sync per sheet, then one
 *   `getRange(cell).values = [[v]]` and one `context.sync()` per non-blank cell of the layout;
 * - validateInPlace: one `load('values,numberFormat')` + sync per input cell, then one write
 *   + sync per output cell and one fill + sync per highlighted input;
 * - writeInputs: one write + sync per value (used to fill the inputs before validating).
 *
 * It writes values only (no number formats, styles, merges, validation, names or
 * protection), so it does less than the real adapter and still needs a round trip per cell:
 * its sync count is the number of cells. It remembers the layouts it inserted in memory
 * instead of recording them in the workbook.
 */
import { cellAddress } from '../shared/layout/a1';
import { mapInputs, officeValue } from '../shared/layout/inputs';
import type { InputCell } from '../shared/layout/inputs';
import { COLORS } from '../shared/layout/labels';
import type { InputRef, OutputRef, WorkbookLayout } from '../shared/layout/types';
import type { Judgement, ReadInputs, TemplateRef } from '../addin/excel/port';

export interface NaiveAdapter {
  insertTemplate(layout: WorkbookLayout): Promise<TemplateRef>;
  validateInPlace(template: TemplateRef, judge: (inputs: ReadInputs) => Judgement): Promise<Judgement>;
  writeInputs(template: TemplateRef, inputs: ReadInputs): Promise<void>;
}

interface Located {
  sheet: string;
  address: string;
}

interface Remembered {
  inputs: Array<{ kind: InputRef['kind']; code: string; at: Located }>;
  outputs: Map<string, Located>;
}

const SEVERITY_FILL: Record<string, string> = { error: COLORS.notMet, warning: COLORS.tolerance };

export function createNaiveAdapter(excel: typeof Excel): NaiveAdapter {
  const templates = new Map<string, Remembered>();
  const keyOf = (t: Pick<TemplateRef, 'planId' | 'agencyId' | 'period'>) => `${t.planId}|${t.agencyId}|${t.period}`;
  const find = (t: TemplateRef): Remembered => {
    const r = templates.get(keyOf(t));
    if (!r) throw new Error('naive adapter: template not inserted by this adapter');
    return r;
  };
  const inputKey = (kind: string, code: string) => `${kind}|${code}`;

  return {
    async insertTemplate(layout) {
      const meta = layout.metadata;
      const remembered: Remembered = { inputs: [], outputs: new Map() };
      const sheets: TemplateRef['sheets'] = [];
      await excel.run(async (context) => {
        for (const sheet of layout.sheets) {
          const ws = context.workbook.worksheets.add(sheet.name);
          ws.load('id');
          await context.sync();
          sheets.push({ role: sheet.role, id: ws.id, name: sheet.name });
          for (const [r, row] of sheet.grid.entries()) {
            for (const [c, spec] of row.entries()) {
              const address = cellAddress(r, c);
              if (spec.input) remembered.inputs.push({ kind: spec.input.kind, code: spec.input.code, at: { sheet: sheet.name, address } });
              if (spec.output) remembered.outputs.set(inputKey(spec.output.kind, spec.output.code), { sheet: sheet.name, address });
              if (spec.v === null || spec.v === '') continue;
              ws.getRange(address).values = [[spec.v]];
              await context.sync();
            }
          }
        }
      });
      const ref: TemplateRef = {
        planId: meta.planId ?? '',
        revision: Number(meta.revision ?? 0),
        agencyId: meta.agencyId ?? '',
        period: meta.period ?? '',
        lang: meta.lang === 'en' ? 'en' : 'vi',
        sheets,
      };
      templates.set(keyOf(ref), remembered);
      return ref;
    },

    async validateInPlace(template, judge) {
      const t = find(template);
      return excel.run(async (context) => {
        const cells: InputCell[] = [];
        for (const input of t.inputs) {
          const range = context.workbook.worksheets.getItem(input.at.sheet).getRange(input.at.address);
          range.load('values,numberFormat');
          await context.sync();
          const format = String(range.numberFormat[0]![0]);
          cells.push({ kind: input.kind, code: input.code, cell: { value: officeValue(range.values[0]![0], format), numberFormat: format, where: `${input.at.sheet}!${input.at.address}` } });
        }
        const { findings: _findings, ...inputs } = mapInputs(cells);
        const judgement = judge(inputs);
        for (const out of judgement.outputs) {
          const at = t.outputs.get(inputKey(out.kind satisfies OutputRef['kind'], out.code));
          if (!at) continue;
          context.workbook.worksheets.getItem(at.sheet).getRange(at.address).values = [[out.value ?? '']];
          await context.sync();
        }
        for (const h of judgement.highlights) {
          const input = t.inputs.find((i) => i.kind === h.kind && i.code === h.code);
          const fill = SEVERITY_FILL[h.severity];
          if (!input || !fill) continue;
          context.workbook.worksheets.getItem(input.at.sheet).getRange(input.at.address).format.fill.color = fill;
          await context.sync();
        }
        return judgement;
      });
    },

    async writeInputs(template, inputs) {
      const t = find(template);
      await excel.run(async (context) => {
        const put = async (kind: InputRef['kind'], code: string, value: unknown) => {
          if (value === undefined || value === null) return;
          const input = t.inputs.find((i) => i.kind === kind && i.code === code);
          if (!input) return;
          context.workbook.worksheets.getItem(input.at.sheet).getRange(input.at.address).values = [[value]];
          await context.sync();
        };
        for (const e of inputs.entries) {
          await put('value', e.code, e.value);
          await put('note', e.code, e.note);
        }
      });
    },
  };
}
