import { layoutLang, namedSheets, uniqueSheetName, withTableHeaders } from '../../../shared/layout/excel-rules';
import type { WorkbookLayout } from '../../../shared/layout/types';
import { CONSOLIDATED_SETTING, loadRecords } from './records';
import type { StoredConsolidated } from './records';
import { RequestPlan } from './requests';
import { planChart, planTable } from './tables-charts';
import { planProtection, planSheet } from './write-sheet';

/** A name for the earlier copy's sheet while the new one is written ("~asr old 0046"). */
function parkedName(id: string, taken: Set<string>): string {
  const name = uniqueSheetName(`~asr old ${id.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`, taken);
  taken.add(name.toLowerCase());
  return name;
}

/**
 * writeConsolidated in 3 syncs, like insertTemplate, with Excel tables and native charts,
 * replacing an earlier copy of the same plan and period recorded in `asr.consolidated`.
 */
export async function writeConsolidated(excel: typeof Excel, budget: number, layout: WorkbookLayout): Promise<{ sheets: string[] }> {
  const meta = layout.metadata;
  const lang = layoutLang(layout);
  return excel.run(async (context) => {
    // Sync 1: sheets, table names and the consolidated copies already recorded.
    const worksheets = context.workbook.worksheets;
    worksheets.load('items/name,items/id');
    const tables = context.workbook.tables;
    tables.load('items/name');
    const consolidated = loadRecords<Partial<StoredConsolidated>>(context, CONSOLIDATED_SETTING);
    await context.sync();

    const existing = worksheets.items.map((w) => ({ id: w.id, name: w.name }));
    const ids = new Set(existing.map((w) => w.id));
    // What the workbook's settings hold was written by any version of the add-in (or by hand): partial.
    const recorded = consolidated();
    const same = (c: Partial<StoredConsolidated>) => c.planId === (meta.planId ?? '') && c.period === (meta.period ?? '');
    const earlier = recorded.filter(same);
    const oldSheets = earlier.flatMap((c) => c.sheets ?? []).filter((s) => ids.has(s.id));
    const oldIds = new Set(oldSheets.map((s) => s.id));
    const oldTables = new Set(earlier.flatMap((c) => c.tables ?? []).map((t) => t.toLowerCase()));
    const taken = new Set(existing.filter((w) => !oldIds.has(w.id)).map((w) => w.name.toLowerCase()));
    const tableNames = new Set(tables.items.map((t) => t.name.toLowerCase()).filter((t) => !oldTables.has(t)));
    const named = namedSheets(layout, taken);

    // Sync 2: the earlier copy out of the way (renamed, then deleted once the new sheets
    // exist, so the workbook always keeps a visible sheet), then everything.
    const plan = new RequestPlan();
    const allNames = new Set([...existing.map((w) => w.name.toLowerCase()), ...named.map((n) => n.name.toLowerCase())]);
    for (const s of oldSheets) {
      const temp = parkedName(s.id, allNames);
      plan.add(0, () => void (worksheets.getItem(s.id).name = temp));
    }
    const written = named.map(({ sheet, name }, i) => {
      const withHeaders = withTableHeaders(sheet);
      // Tables, charts and protection come later: a protected sheet refuses a table.
      const handle = planSheet(plan, worksheets, { ...withHeaders, tables: [], charts: [], protection: null }, { name, lang, budget, styles: layout.styles, tableNames });
      if (i === 0) for (const s of oldSheets) plan.add(0, () => worksheets.getItem(s.id).delete());
      return { sheet, handle };
    });
    // Tables and charts once every sheet is written and the old tables are gone.
    for (const { sheet, handle: h } of written) {
      for (const t of sheet.tables) planTable(plan, t, tableNames, h.worksheet, h.range, h.tables);
      for (const c of sheet.charts) planChart(plan, c, lang, h.worksheet, h.range);
      planProtection(plan, sheet, h.worksheet);
    }
    await plan.run(context, budget);
    written[0]?.handle.worksheet().activate();
    for (const { handle } of written) handle.worksheet().load('id,name');
    await context.sync();

    // Sync 3: the record.
    const stored: StoredConsolidated = {
      planId: meta.planId ?? '',
      revision: Number(meta.revision ?? 0),
      period: meta.period ?? '',
      lang,
      sheets: written.map(({ sheet, handle }) => ({ role: sheet.role, id: handle.worksheet().id, name: handle.worksheet().name })),
      tables: written.flatMap((w) => w.handle.tables),
    };
    const kept = recorded.filter((c) => !same(c) && Array.isArray(c.sheets) && c.sheets.some((s) => ids.has(s.id)));
    context.workbook.settings.add(CONSOLIDATED_SETTING, JSON.stringify([...kept, stored]));
    await context.sync();
    return { sheets: stored.sheets.map((s) => s.name) };
  });
}
