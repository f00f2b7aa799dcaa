import type { SubmissionRow } from '../controller';
import type { DomNode } from '../dom';
import { h, keyedList, placeChildren, setAttr, setText, show } from './el';
import { statusLabelKey, submissionStatusKind } from './report-status';
import { badge, button, setValue, textField } from './ui';
import type { PaneContext } from './ui';

/**
 * The consolidator's table of submissions, one row per agency kept by agency id, with open (the review),
 * approve, and return with a comment (the form opens under its row and keeps what was typed
 * while the table reloads).
 */
export function agencyTable(ctx: PaneContext): { el: ReturnType<typeof h>; update(rows: readonly SubmissionRow[], busy: boolean): void } {
  const { tx } = ctx;
  const caption = h('caption', { class: 'visually-hidden' });
  const heads = (['colAgency', 'colStatus', 'colIndicators', 'colActions'] as const).map((key) => ({ key, el: h('th', { scope: 'col' }) }));
  const body = h('tbody');
  const table = h('table', { 'data-testid': 'agency-table' }, caption, h('thead', {}, h('tr', {}, heads.map((x) => x.el))), body);
  const returning = { agencyId: null as string | null, comment: '' };
  let busy = false;
  let rerender: () => void = () => undefined;
  const rows = keyedList<SubmissionRow>(body, (r) => r.agencyId, (first) => agencyRow(ctx, first.agencyId, returning, () => busy, () => rerender()));
  let last: readonly SubmissionRow[] = [];
  rerender = () => rows(last);
  return {
    el: h('div', { class: 'table-wrap' }, table),
    update(next, isBusy) {
      busy = isBusy;
      last = next;
      setText(caption, tx('submissions'));
      for (const head of heads) setText(head.el, tx(head.key));
      rows(next);
    },
  };
}

interface Returning {
  agencyId: string | null;
  comment: string;
}

function agencyRow(ctx: PaneContext, agencyId: string, returning: Returning, busy: () => boolean, rerender: () => void) {
  const { controller, tx } = ctx;
  let name = '';
  let earlierShown = '';
  const nameText = h('span');
  const updating = h('div', { class: 'muted', 'data-testid': 'agency-updating', 'data-key': agencyId });
  const returned = h('div', { class: 'muted', 'data-testid': 'agency-returned', 'data-key': agencyId });
  const earlier = h('div');
  const status = badge();
  const late = badge();
  const lateWrap = h('span', {}, ' ', late.el);
  const notCounted = h('div', { class: 'muted', 'data-testid': 'agency-not-counted', 'data-key': agencyId });
  const indicators = h('td', { class: 'num' });
  // Open the report before deciding on it (components/report-review.ts).
  const review = button('agency-review', () => ctx.act(() => controller.openReview(agencyId)), { key: agencyId, small: true });
  const approve = button('agency-approve', () => ctx.act(() => controller.approve(agencyId)), { key: agencyId, small: true, appearance: 'primary' });
  const ret = button('agency-return', () => {
    returning.agencyId = agencyId;
    returning.comment = '';
    setValue(comment.field, '');
    rerender();
    comment.field.focus();
  }, { key: agencyId, small: true });
  const tr = h(
    'tr',
    { 'data-testid': 'agency-row', 'data-key': agencyId },
    h('th', { scope: 'row' }, nameText, updating, returned, earlier),
    h('td', {}, status.el, lateWrap, notCounted),
    indicators,
    h('td', {}, h('div', { class: 'row' }, review.el, approve.el, ret.el)),
  );

  const comment = textField('return-comment', { multiline: true, maxlength: 2000, key: agencyId, onInput: (v) => (returning.comment = v) });
  const confirm = button('return-confirm', () => ctx.act(async () => {
    await controller.returnReport(agencyId, returning.comment);
    returning.agencyId = null;
    returning.comment = '';
    rerender();
  }), { key: agencyId, appearance: 'primary', small: true });
  const cancel = button('return-cancel', () => {
    returning.agencyId = null;
    rerender();
  }, { key: agencyId, small: true });
  const form = h('tr', { 'data-testid': 'return-form', 'data-key': agencyId }, h('td', { colspan: 4 }, comment.el, h('div', { class: 'row' }, confirm.el, cancel.el)));
  const nodes: DomNode[] = [tr];

  return {
    nodes,
    update(row: SubmissionRow) {
      name = controller.show(row.name);
      setAttr(tr, 'data-status', row.status);
      setText(nameText, name);
      show(updating, !!row.updateInProgress);
      setText(updating, row.updateInProgress ? tx('updatingSince', { time: controller.timeText(row.updateInProgress.since) }) : '');
      show(returned, !!row.returned);
      setText(returned, row.returned ? tx('returnedOn', { time: controller.timeText(row.returned.at), comment: row.returned.comment ?? '' }) : '');
      const earlierTexts = row.earlierReturns.map((r) => tx('returnedBefore', { time: controller.timeText(r.at), comment: r.comment }));
      if (earlierTexts.join('\n') !== earlierShown) {
        earlierShown = earlierTexts.join('\n');
        placeChildren(earlier, earlierTexts.map((text) => h('div', { class: 'muted', 'data-testid': 'agency-earlier-return', 'data-key': agencyId }, text)));
      }
      status.set(tx(statusLabelKey(row.status)), submissionStatusKind(row.status));
      show(lateWrap, row.late && row.status !== 'late');
      late.set(tx('status_late'), 'warning');
      show(notCounted, !row.counted && row.status !== 'missing');
      setText(notCounted, tx('notCounted'));
      setText(indicators, String(row.indicators));
      show(review.el, row.status !== 'missing');
      review.set(tx('reviewOpen'), busy(), `${tx('reviewOpen')}: ${name}`);
      show(approve.el, row.canApprove);
      approve.set(tx('approve'), busy(), `${tx('approve')}: ${name}`);
      const open = returning.agencyId === agencyId;
      show(ret.el, row.canReturn);
      ret.set(tx('returnReport'), busy(), `${tx('returnReport')}: ${name}`);
      setAttr(ret.el, 'aria-expanded', open ? 'true' : 'false');
      comment.set(`${tx('returnComment')} — ${name}`);
      confirm.set(tx('returnConfirm'), busy());
      cancel.set(tx('cancel'), busy());
      // The form row follows its agency's row while it is open.
      nodes.length = 0;
      nodes.push(tr, ...(open && row.canReturn ? [form] : []));
    },
  };
}
