import type { HandVerdict } from '../api';
import type { ConsolidatedView } from '../controller';
import type { MessageKey } from '../i18n';
import { h, keyedList, setText } from './el';
import { button, card, selectField, setValue, textField } from './ui';
import type { Component, PaneContext } from './ui';

type TableRow = ConsolidatedView['table']['rows'][number];
const VERDICTS: HandVerdict[] = ['met', 'withinTolerance', 'notMet'];

/** One indicator the consolidator judges: the current judgement, a verdict, a reason, save. */
function judgementRow(ctx: PaneContext, code: string, busy: () => boolean) {
  const { controller, tx } = ctx;
  let draft: { verdict: HandVerdict; reason: string } | null = null;
  const heading = h('h3');
  const current = h('p', { class: 'muted', 'data-testid': 'hand-judged-current', 'data-key': code });
  const verdict = selectField('judgement-verdict', (v) => draft && (draft.verdict = v as HandVerdict), code);
  const reason = textField('judgement-reason', { multiline: true, maxlength: 1000, key: code, onInput: (v) => draft && (draft.reason = v) });
  const save = button('judgement-save', () => ctx.act(async () => {
    if (!draft) return;
    await controller.judgeByHand(code, draft.verdict, draft.reason);
    // Saved: the next update starts from the stored judgement.
    draft = null;
    setValue(reason.field, '');
  }), { key: code, small: true, appearance: 'primary' });
  const el = h('div', { class: 'judgement', 'data-testid': 'hand-judged-row', 'data-key': code }, heading, current, verdict.el, reason.el, save.el);
  return {
    nodes: [el],
    update(row: TableRow) {
      draft ??= { verdict: row.judgement?.verdict ?? 'met', reason: '' };
      setText(heading, `${row.code}. ${controller.show({ vi: row.name, en: row.nameEn ?? row.name })}`);
      const judged = row.judgement
        ? tx('judgementBy', { verdict: tx(`verdict_${row.judgement.verdict}` as MessageKey), reason: row.judgement.reason, who: row.judgement.byName ?? row.judgement.by, time: controller.timeText(row.judgement.at) })
        : tx('judgementNone');
      setText(current, `${controller.show(row.yearTarget ?? row.periodTarget ?? { vi: '', en: '' })} — ${judged}`);
      verdict.set(tx('judgementVerdict'), VERDICTS.map((v) => ({ value: v, label: tx(`verdict_${v}` as MessageKey) })), draft.verdict);
      reason.set(tx('judgementReason'));
      save.set(tx('judgementSave'), busy());
    },
  };
}

/** Indicators whose target the plan leaves to the consolidator, kept by indicator code. */
export function handJudgedCard(ctx: PaneContext): Component & { set(view: ConsolidatedView | null, busy: boolean): void } {
  const c = card('hand-judged-title', { 'data-testid': 'hand-judged' });
  const help = h('p', { class: 'muted' });
  const list = h('div');
  c.el.append(help, list);
  let busy = false;
  const rows = keyedList<TableRow>(list, (r) => r.code, (r) => judgementRow(ctx, r.code, () => busy));
  const set = (view: ConsolidatedView | null, isBusy: boolean) => {
    busy = isBusy;
    const judged = view ? view.table.rows.filter((r) => r.judgedByHand && r.reportable) : [];
    c.el.hidden = judged.length === 0;
    setText(c.title, ctx.tx('handJudged'));
    setText(help, ctx.tx('handJudgedHelp'));
    rows(judged);
  };
  return { el: c.el, set, update: (state) => set(state.consolidated, state.busy !== null) };
}
