import type { PaneState } from '../controller';
import type { DraftFindingView, DraftIndicatorView, PlanDraftMeta } from '../plan-draft';
import type { Text } from '../../../shared/i18n';
import { h, keyedList, setText } from './el';
import { button, card, setValue, textField } from './ui';
import type { Component, PaneContext } from './ui';

/**
 * "Tạo kế hoạch từ bảng đã chọn": for the consolidator and the admin. The plan's metadata,
 * then the table selected in Excel goes to the server's importer; its findings (a click
 * selects the cell) and the drafted indicators are shown for review; "Lưu kế hoạch" adds it.
 */

const WORDS = {
  title: { vi: 'Tạo kế hoạch từ bảng phụ lục', en: 'A plan from its appendix table' },
  help: {
    vi: 'Dán bảng chỉ tiêu của kế hoạch (từ tệp Word) vào Excel, chọn cả bảng kể cả dòng tiêu đề, điền thông tin kế hoạch rồi bấm nút. Ô gộp để trống được lấy theo dòng trên và có ghi chú.',
    en: "Paste the plan's indicator table (from its Word file) into Excel, select the whole table with its header, fill in the plan's details, then press the button. Blank merged cells are taken from the row above, with a note.",
  },
  create: { vi: 'Tạo kế hoạch từ bảng đã chọn', en: 'Create a plan from the selected table' },
  save: { vi: 'Lưu kế hoạch', en: 'Save the plan' },
  findings: { vi: 'Ghi chú và lỗi (bấm để chọn ô)', en: 'Notes and problems (click to select the cell)' },
  indicators: { vi: 'Các chỉ tiêu của bản dự thảo', en: "The draft's indicators" },
  noLead: { vi: 'chưa có cơ quan chủ trì', en: 'no lead' },
  saved: { vi: 'Đã lưu', en: 'Saved' },
} satisfies Record<string, Text>;

const FIELDS: ReadonlyArray<{ key: keyof PlanDraftMeta; label: Text }> = [
  { key: 'id', label: { vi: 'Mã kế hoạch (chữ thường, số, gạch nối)', en: 'Plan id (lower case, digits, dashes)' } },
  { key: 'number', label: { vi: 'Số kế hoạch (ví dụ 207/KH-UBND)', en: 'Plan number (e.g. 207/KH-UBND)' } },
  { key: 'title', label: { vi: 'Tên kế hoạch', en: 'Title' } },
  { key: 'city', label: { vi: 'Thành phố (mã)', en: 'City (id)' } },
  { key: 'startYear', label: { vi: 'Từ năm', en: 'From year' } },
  { key: 'endYear', label: { vi: 'Đến năm', en: 'To year' } },
  { key: 'issuedOn', label: { vi: 'Ngày ban hành (YYYY-MM-DD)', en: 'Issued on (YYYY-MM-DD)' } },
  { key: 'program', label: { vi: 'Chương trình thực hiện (ví dụ 08-CTr/TU)', en: 'Programme (e.g. 08-CTr/TU)' } },
  { key: 'standingAgency', label: { vi: 'Cơ quan thường trực (mã)', en: 'Standing agency (id)' } },
];

const SEVERITY: Record<DraftFindingView['severity'], Text> = { error: { vi: 'Lỗi', en: 'Error' }, warning: { vi: 'Cảnh báo', en: 'Warning' }, info: { vi: 'Ghi chú', en: 'Note' } };

/** The typed metadata; years as numbers. */
function metaOf(values: Record<string, string>): PlanDraftMeta {
  const year = new Date().getFullYear();
  return {
    id: values.id ?? '',
    number: values.number ?? '',
    title: values.title ?? '',
    city: values.city || 'hanoi',
    startYear: Number(values.startYear || year),
    endYear: Number(values.endYear || year),
    ...(values.issuedOn ? { issuedOn: values.issuedOn } : {}),
    ...(values.program ? { program: values.program } : {}),
    ...(values.standingAgency ? { standingAgency: values.standingAgency } : {}),
  };
}

export function planDraftCard(ctx: PaneContext): Component {
  const { controller } = ctx;
  const values: Record<string, string> = { city: 'hanoi' };
  const c = card('plan-draft-title', { 'data-testid': 'plan-draft' });
  const help = h('p', { class: 'muted' });
  const fields = FIELDS.map((f) => ({ ...f, input: textField(`plan-draft-${f.key}`, { maxlength: 1000, onInput: (v) => (values[f.key] = v) }) }));
  const create = button('plan-draft-create', () => ctx.act(() => controller.draftPlanFromSelection(metaOf(values))), { appearance: 'primary' });
  const save = button('plan-draft-save', () => ctx.act(() => controller.savePlanDraft()));
  const findingsTitle = h('h3');
  const findingList = h('ul', { 'data-testid': 'plan-draft-findings' });
  const indicatorsTitle = h('h3');
  const indicatorList = h('ul', { 'data-testid': 'plan-draft-indicators' });
  c.el.append(help, ...fields.map((f) => f.input.el), create.el, findingsTitle, findingList, indicatorsTitle, indicatorList, save.el);

  const findings = keyedList<DraftFindingView & { key: string }>(findingList, (f) => f.key, (first) => {
    const link = h('button', { type: 'button', class: 'link', 'data-testid': 'plan-draft-finding', onclick: () => ctx.act(() => controller.selectDraftCell(first)) });
    const li = h('li', { class: `finding ${first.severity}` }, link);
    return { nodes: [li], update: (f) => setText(link, `${controller.show(SEVERITY[f.severity])}${f.cell ? ` ${f.cell}` : ''}: ${controller.show(f.message)}`) };
  });
  const indicators = keyedList<DraftIndicatorView>(indicatorList, (i) => i.code, () => {
    const li = h('li', { 'data-testid': 'plan-draft-indicator' });
    return { nodes: [li], update: (i) => setText(li, `${i.code}. ${i.name}${i.unit ? ` (${i.unit})` : ''} — ${i.lead ? controller.show(controller.agencyText(i.lead)) : controller.show(WORDS.noLead)} — ${i.targets}`) };
  });

  function update(state: PaneState): void {
    const allowed = state.me?.role === 'consolidator' || state.me?.role === 'admin';
    c.el.hidden = !allowed;
    setText(c.title, controller.show(WORDS.title));
    setText(help, controller.show(WORDS.help));
    for (const f of fields) {
      f.input.set(controller.show(f.label));
      setValue(f.input.field, values[f.key] ?? '');
    }
    const busy = state.busy !== null;
    const draft = state.planDraft;
    const savable = draft !== null && draft.saved === null;
    create.set(controller.show(WORDS.create), busy);
    save.set(draft?.saved ? `${controller.show(WORDS.saved)}: ${draft.saved.id}` : controller.show(WORDS.save), busy || !savable);
    findingsTitle.hidden = indicatorsTitle.hidden = save.el.hidden = !draft;
    setText(findingsTitle, controller.show(WORDS.findings));
    setText(indicatorsTitle, `${controller.show(WORDS.indicators)} (${draft?.indicators.length ?? 0})`);
    findings((draft?.findings ?? []).map((f, i) => ({ ...f, key: `${i}:${f.code}:${f.cell ?? ''}` })));
    indicators(draft?.indicators ?? []);
  }
  return { el: c.el, update };
}
