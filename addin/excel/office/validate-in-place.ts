import type { Judgement, ReadInputs, TemplateRef } from '../port';
import { loadTemplateSheets, positionsOf, readInputs } from './read-inputs';
import { TEMPLATES_SETTING, TemplateRecords, loadRecords, missingSheets } from './records';
import type { StoredTemplate } from './records';
import { RequestPlan } from './requests';
import { planJudgement } from './write-judgement';

/**
 * validateInPlace in 2 syncs: (1) per template sheet, its used values and number formats,
 * where its defined names point now (rows may have been inserted), and its protection;
 * then `judge` runs the shared engine; (2) verdicts, progress, categories and highlights.
 */
export async function validateInPlace(excel: typeof Excel, budget: number, records: TemplateRecords, template: TemplateRef, judge: (inputs: ReadInputs) => Judgement): Promise<Judgement> {
  return excel.run(async (context) => {
    const templates = loadRecords<StoredTemplate>(context, TEMPLATES_SETTING);
    const sheets = loadTemplateSheets(context, template);
    try {
      await context.sync();
    } catch (error) {
      throw missingSheets(error, 'validateInPlace');
    }
    const stored = templates();
    records.remember(stored);
    const record = TemplateRecords.find(stored, template);
    if (!record) throw new Error('validateInPlace: this template is not recorded in the workbook (insert it with the add-in)');

    const locate = positionsOf(sheets);
    const judgement = judge(readInputs(record, sheets, locate));

    const plan = new RequestPlan();
    planJudgement(plan, record, judgement, sheets, locate);
    await plan.run(context, budget);
    await context.sync();
    return judgement;
  });
}
