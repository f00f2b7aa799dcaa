import { DOCUMENT_STATUS_CHOICES, TASK_STATUS_CHOICES } from '../../../shared/layout/labels';
import { inputName } from '../../../shared/layout/template';
import type { InputRef } from '../../../shared/layout/types';
import type { Lang } from '../../../shared/layout/excel-rules';
import type { ReadInputs, TemplateRef } from '../port';
import { TEMPLATES_SETTING, TemplateRecords, loadRecords, missingSheets } from './records';
import type { StoredTemplate } from './records';
import { RequestPlan, jsonBytes } from './requests';
import { textForExcel } from './text';

/** ISO day → Excel serial day (1900 date system). */
function serialOf(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : t / 86_400_000 + 25_569;
}

/**
 * What writeInputs puts in each input cell ("kind:code" → value): raw values as they came
 * (text kept as text), "" to clear a field given as null, nothing for a field left out;
 * a document's status as the template's label, its date as a date.
 */
export function inputValues(inputs: ReadInputs, lang: Lang): Map<string, string | number> {
  const out = new Map<string, string | number>();
  const set = (kind: InputRef['kind'], code: string, value: string | number | null | undefined) => {
    if (value === undefined) return;
    if (value === null || value === '') out.set(`${kind}:${code}`, '');
    else if (typeof value === 'number') out.set(`${kind}:${code}`, Number.isFinite(value) ? value : '');
    else out.set(`${kind}:${code}`, textForExcel(value, false));
  };
  for (const e of inputs.entries) {
    set('value', e.code, e.value);
    set('answer', e.code, e.answer);
    set('denominator', e.code, e.denominator);
    set('note', e.code, e.note);
  }
  const statuses = DOCUMENT_STATUS_CHOICES[lang];
  for (const d of inputs.documents) {
    set('documentStatus', d.code, d.status === undefined ? undefined : d.status === null ? null : d.status === 'issued' ? statuses.issued : statuses.notIssued);
    set('documentReference', d.code, d.reference);
    set('documentDate', d.code, d.issuedOn === undefined || d.issuedOn === null ? d.issuedOn : (serialOf(d.issuedOn) ?? d.issuedOn));
    set('documentNote', d.code, d.note);
  }
  for (const p of inputs.projects) {
    set('projectDisbursed', p.code, p.disbursed);
    set('projectNote', p.code, p.note);
  }
  for (const t of inputs.tasks ?? []) {
    set('taskStatus', t.code, t.status === undefined || t.status === null ? t.status : TASK_STATUS_CHOICES[lang][t.status]);
    set('taskAccount', t.code, t.account);
    set('taskEvidence', t.code, t.evidence);
    set('taskNote', t.code, t.note);
  }
  return out;
}

/** writeInputs in one sync (two when this adapter has not met the template yet): one write per input, through its defined name. */
export async function writeInputs(excel: typeof Excel, budget: number, records: TemplateRecords, template: TemplateRef, inputs: ReadInputs): Promise<void> {
  await excel.run(async (context) => {
    let record = records.known(template);
    if (!record) {
      // Only when this adapter has not met the template yet (findTemplates, insertTemplate
      // or validateInPlace record it): one read of the settings first.
      const templates = loadRecords<StoredTemplate>(context, TEMPLATES_SETTING);
      await context.sync();
      const stored = templates();
      records.remember(stored);
      record = TemplateRecords.find(stored, template) ?? null;
    }
    if (!record) throw new Error('writeInputs: this template is not recorded in the workbook (insert it with the add-in)');
    // Without a recorded language the document choices are the Vietnamese ones, the templates' first language.
    const values = inputValues(inputs, template.lang ?? 'vi');
    const worksheets = new Map<string, Excel.Worksheet>();
    const sheetOf = (role: string) => {
      let ws = worksheets.get(role);
      const ref = template.sheets.find((s) => s.role === role);
      if (!ws && ref) worksheets.set(role, (ws = context.workbook.worksheets.getItem(ref.id)));
      return ws ?? null;
    };
    // Through the defined names: the cells are found where they are now, one write each.
    const plan = new RequestPlan();
    for (const [role, kind, code, name] of record.inputs) {
      const value = values.get(`${kind}:${code}`);
      if (value === undefined) continue;
      plan.add(jsonBytes(value) + jsonBytes(name), () => {
        const ws = sheetOf(role);
        if (ws) ws.names.getItem(name).getRange().values = [[value]];
      });
    }
    await plan.run(context, budget);
    try {
      await context.sync();
    } catch (error) {
      throw missingSheets(error, 'writeInputs');
    }
  });
}

function roleOfInput(kind: InputRef['kind']): string {
  return kind.startsWith('document') ? 'documents' : kind.startsWith('project') ? 'projects' : kind.startsWith('task') ? 'tasks' : 'indicators';
}

/** Activates the input's sheet and selects the input, in one sync. */
export async function selectInput(excel: typeof Excel, template: TemplateRef, input: { kind: InputRef['kind']; code: string }): Promise<void> {
  const role = roleOfInput(input.kind);
  const sheet = template.sheets.find((s) => s.role === role);
  if (!sheet) throw new Error(`selectInput: the template has no ${role} sheet`);
  await excel.run(async (context) => {
    const worksheet = context.workbook.worksheets.getItem(sheet.id);
    worksheet.activate();
    worksheet.names.getItem(inputName(input.kind, input.code)).getRange().select();
    try {
      await context.sync();
    } catch (error) {
      throw missingSheets(error, 'selectInput');
    }
  });
}
