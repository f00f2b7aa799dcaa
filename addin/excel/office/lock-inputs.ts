import { protectionOf } from '../../../shared/layout/excel-rules';
import type { TemplateRef } from '../port';
import { TEMPLATES_SETTING, TemplateRecords, loadRecords, missingSheets } from './records';
import type { StoredTemplate } from './records';
import { RequestPlan, jsonBytes } from './requests';

/** The protection the templates are written with (shared/layout/builder.ts, protect: true), through the shared rules. */
const TEMPLATE_PROTECTION = protectionOf({ protect: true, allowFormatColumns: true, allowFormatRows: true, allowAutoFilter: true });

/**
 * Locks (an approved report) or unlocks (a returned one) every input cell of the template,
 * found through its defined names, and protects each sheet with the templates' own rules so
 * the lock holds: two syncs (the sheets' protection state, then the changes).
 */
export async function setInputsLocked(excel: typeof Excel, budget: number, records: TemplateRecords, template: TemplateRef, locked: boolean): Promise<void> {
  await excel.run(async (context) => {
    const templates = loadRecords<StoredTemplate>(context, TEMPLATES_SETTING);
    const sheets = template.sheets
      .filter((s) => s.role !== 'metadata')
      .map((s) => {
        const worksheet = context.workbook.worksheets.getItem(s.id);
        return { role: s.role, worksheet, protection: worksheet.protection.load('protected') };
      });
    try {
      await context.sync();
    } catch (error) {
      throw missingSheets(error, 'setInputsLocked');
    }
    const stored = templates();
    records.remember(stored);
    const record = TemplateRecords.find(stored, template);
    if (!record) throw new Error('setInputsLocked: this template is not recorded in the workbook (insert it with the add-in)');
    const plan = new RequestPlan();
    for (const sheet of sheets) {
      const names = record.inputs.filter(([role]) => role === sheet.role).map(([, , , name]) => name);
      if (names.length === 0) continue;
      // A protected sheet refuses a change of its cells' lock: unprotect, change, protect again.
      if (sheet.protection.protected) plan.add(0, () => sheet.worksheet.protection.unprotect());
      for (const name of names) {
        plan.add(jsonBytes(name), () => {
          sheet.worksheet.names.getItem(name).getRange().format.protection.locked = locked;
        });
      }
      if (TEMPLATE_PROTECTION) {
        const protection = TEMPLATE_PROTECTION;
        plan.add(jsonBytes(protection), () => sheet.worksheet.protection.protect({ ...protection }));
      }
    }
    await plan.run(context, budget);
    await context.sync();
  });
}
