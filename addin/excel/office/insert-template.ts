import { layoutLang, namedSheets } from '../../../shared/layout/excel-rules';
import { METADATA_SHEET, TEMPLATE_FORMAT } from '../../../shared/layout/template';
import type { WorkbookLayout } from '../../../shared/layout/types';
import type { TemplateRef } from '../port';
import { TEMPLATES_SETTING, describeTemplate, loadRecords, refOf, sameTemplate, withSheetNames } from './records';
import type { StoredTemplate, TemplateRecords } from './records';
import { RequestPlan } from './requests';
import { planSheet } from './write-sheet';

/**
 * insertTemplate in 3 syncs: (1) the sheet names and the templates already recorded;
 * (2) the sheets added and everything written; (3) the record, with the ids Excel gave the
 * new sheets, in the workbook settings (`asr.templates`).
 */
export async function insertTemplate(excel: typeof Excel, budget: number, records: TemplateRecords, layout: WorkbookLayout): Promise<TemplateRef> {
  const meta = layout.metadata;
  if (meta.format !== TEMPLATE_FORMAT) throw new Error('insertTemplate: not an agency template layout');
  const lang = layoutLang(layout);
  return excel.run(async (context) => {
    // Sync 1: sheet names and ids, and the templates already recorded.
    const worksheets = context.workbook.worksheets;
    worksheets.load('items/name,items/id,items/visibility');
    const templates = loadRecords<StoredTemplate>(context, TEMPLATES_SETTING);
    await context.sync();

    const existing = worksheets.items.map((w) => ({ id: w.id, name: w.name }));
    const ids = new Set(existing.map((w) => w.id));
    const recorded = templates();
    const identity = { planId: meta.planId ?? '', agencyId: meta.agencyId ?? '', period: meta.period ?? '' };
    // An earlier template of the same plan, agency and period: its very hidden metadata
    // sheet goes (so "_asr_meta" describes the new one), its visible sheets and the figures
    // typed into them stay as they are.
    const previous = recorded.find((t) => sameTemplate(t, identity));
    const previousMeta = previous?.sheets.find((s) => s.role === 'metadata' && ids.has(s.id));
    const taken = new Set(existing.filter((w) => w.id !== previousMeta?.id).map((w) => w.name.toLowerCase()));
    const named = namedSheets(layout, taken);
    const visibleNames = new Map(named.filter(({ sheet }) => sheet.role !== 'metadata').map(({ sheet, name }) => [sheet.role, name]));

    // Sync 2: everything.
    const plan = new RequestPlan();
    if (previousMeta) {
      plan.add(0, () => {
        const old = worksheets.getItem(previousMeta.id);
        old.visibility = 'Hidden';
        old.delete();
      });
    }
    const written = named.map(({ sheet, name }) => {
      const s = sheet.role === 'metadata' || sheet.name === METADATA_SHEET ? withSheetNames(sheet, visibleNames) : sheet;
      return { sheet, handle: planSheet(plan, worksheets, s, { name, lang, budget, styles: layout.styles, tableNames: new Set() }) };
    });
    await plan.run(context, budget);
    written.find((w) => w.sheet.visibility === 'visible')?.handle.worksheet().activate();
    for (const { handle } of written) handle.worksheet().load('id,name');
    await context.sync();

    // Sync 3: the record, with the ids Excel gave the new sheets.
    const stored: StoredTemplate = {
      format: TEMPLATE_FORMAT,
      planId: identity.planId,
      revision: Number(meta.revision ?? 0),
      agencyId: identity.agencyId,
      period: identity.period,
      lang,
      sheets: written.map(({ sheet, handle }) => ({ role: sheet.role, id: handle.worksheet().id, name: handle.worksheet().name })),
      ...describeTemplate(layout),
    };
    const kept = recorded.filter((t) => !sameTemplate(t, identity) && Array.isArray(t.sheets) && t.sheets.some((s) => ids.has(s.id)));
    context.workbook.settings.add(TEMPLATES_SETTING, JSON.stringify([...kept, stored]));
    await context.sync();
    records.remember([stored]);
    return refOf(stored, new Map());
  });
}

/** Templates in the open workbook whose sheets all still exist, in one sync. */
export async function findTemplates(excel: typeof Excel, records: TemplateRecords): Promise<TemplateRef[]> {
  return excel.run(async (context) => {
    const worksheets = context.workbook.worksheets;
    worksheets.load('items/name,items/id');
    const templates = loadRecords<StoredTemplate>(context, TEMPLATES_SETTING);
    await context.sync();
    const names = new Map(worksheets.items.map((w) => [w.id, w.name]));
    const stored = templates();
    records.remember(stored);
    return stored.filter((t) => Array.isArray(t.sheets) && t.sheets.length > 0 && t.sheets.every((s) => names.has(s.id))).map((t) => refOf(t, names));
  });
}
