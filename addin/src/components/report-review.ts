import type { PaneState } from '../controller';
import { isMessageKey } from '../i18n';
import type { MessageKey } from '../i18n';
import type { ReviewChange, ReviewFigure, ReviewFinding, ReviewRevision, ReviewView } from '../review';
import { VERDICT_LABELS } from '../../../shared/layout/labels';
import { formatNumberEn, formatNumberVi } from '../../../shared/numbers';
import { h, keyedList, setAttr, setText, show } from './el';
import { statusLabelKey, reportStatusKind } from './report-status';
import { badge, button, card, setValue, textField } from './ui';
import type { Component, PaneContext } from './ui';

/**
 * The consolidator's review of one agency's report before approving it: its figures (as typed,
 * as read, the year's target, verdict and progress), findings, notes, the other lists and its
 * history, revision by revision and cell by cell; then approve, or return with a reason.
 */

type Fmt = (n: number | null) => string;

/**
 * One block per indicator, narrow enough for the pane: the code, name and verdict on the first
 * line, then as typed, as read, the year's target and the progress, each with its label.
 */
function figureList(ctx: PaneContext, fmt: () => Fmt) {
  const lang = () => ctx.controller.state.lang;
  const el = h('ul', { class: 'review-figures', 'data-testid': 'review-figures' });
  const rows = keyedList<ReviewFigure>(el, (f) => f.code, (first) => {
    const name = h('span', { class: 'review-figure-name' });
    const verdict = badge();
    const values = (['colTyped', 'colRead', 'colTarget', 'colProgress'] as const).map((key) => ({ key, label: h('span', { class: 'muted' }), value: h('span', { 'data-testid': `review-${key}` }) }));
    const li = h(
      'li',
      { 'data-testid': 'review-figure', 'data-key': first.code },
      h('div', { class: 'review-figure-head' }, h('strong', {}, first.code), ' ', name, ' ', verdict.el),
      h('div', { class: 'review-figure-values' }, values.map((v) => h('span', {}, v.label, ' ', v.value))),
    );
    return {
      nodes: [li],
      update(f) {
        const n = fmt();
        const title = ctx.controller.show(f.name);
        // The unit only where the name does not already say it ("Số giường bệnh/vạn dân").
        setText(name, f.unit && !title.includes(f.unit) ? `${title} (${f.unit})` : title);
        setAttr(li, 'data-verdict', f.verdict);
        verdict.set(f.verdict ? VERDICT_LABELS[f.verdict][lang()] : '', f.verdict === 'met' ? 'success' : f.verdict === 'notMet' ? 'error' : f.verdict === 'withinTolerance' ? 'warning' : '');
        show(verdict.el, !!f.verdict);
        const progress = f.progressYear === null && f.progressPeriod === null ? '' : `${n(f.progressYear)}% / ${n(f.progressPeriod)}%`;
        const texts: Record<(typeof values)[number]['key'], string> = { colTyped: f.typed || ctx.tx('empty'), colRead: n(f.read) || '—', colTarget: f.target ? ctx.controller.show(f.target) : '—', colProgress: progress || '—' };
        for (const v of values) {
          setText(v.label, `${ctx.tx(v.key)}:`);
          setText(v.value, texts[v.key]);
        }
      },
    };
  });
  return { el, update: rows };
}

/** A list of lines kept by key, each line's text recomputed on update. */
function lineList<T>(testid: string, keyOf: (item: T) => string, text: (item: T) => string) {
  const el = h('ul', { class: 'review-list', 'data-testid': `${testid}s` });
  const rows = keyedList<T>(el, keyOf, (first) => {
    const li = h('li', { 'data-testid': testid, 'data-key': keyOf(first) });
    return { nodes: [li], update: (item) => setText(li, text(item)) };
  });
  return { el, update: rows };
}

function whereOf(ctx: PaneContext, change: Pick<ReviewChange, 'kind' | 'code'>): string {
  const key: Record<ReviewChange['kind'], MessageKey> = { indicator: 'indicatorN', document: 'documentN', project: 'projectN', task: 'taskN' };
  return ctx.tx(key[change.kind], { code: change.code });
}

/** A cell's name in people's words ("số liệu", "ghi chú"); a field the pane has no word for keeps its own. */
function fieldName(ctx: PaneContext, field: string): string {
  const key = `cell_${field}`;
  return isMessageKey(key) ? ctx.tx(key) : field;
}

function historyList(ctx: PaneContext) {
  const el = h('ol', { class: 'review-history', 'data-testid': 'review-history' });
  const rows = keyedList<ReviewRevision>(el, (r) => String(r.revision), (first) => {
    const head = h('div', { class: 'review-revision' });
    const changes = lineList<ReviewChange>('review-change', (c) => `${c.kind}.${c.code}.${c.field}`, (c) =>
      ctx.tx('reviewChange', { where: whereOf(ctx, c), field: fieldName(ctx, c.field), from: c.from || ctx.tx('empty'), to: c.to || ctx.tx('empty') }));
    const none = h('div', { class: 'muted' });
    const comment = h('div', { class: 'muted' });
    const li = h('li', { 'data-testid': 'review-revision', 'data-key': String(first.revision) }, head, comment, changes.el, none);
    return {
      nodes: [li],
      update(r) {
        const actionKey = `action_${r.action}`;
        const action = isMessageKey(actionKey) ? ctx.tx(actionKey) : r.action;
        setText(head, ctx.tx('reviewBy', { revision: ctx.tx('revisionN', { n: r.revision }), who: r.author, time: ctx.controller.timeText(r.savedAt), action }));
        show(comment, !!r.comment);
        setText(comment, r.comment ?? '');
        changes.update(r.changes);
        show(none, r.changes.length === 0);
        setText(none, ctx.tx('reviewNoChange'));
      },
    };
  });
  return { el, update: rows };
}

/** The decision under the review: approve, or return with a reason (kept while the pane re-renders). */
function decision(ctx: PaneContext) {
  const { controller, tx } = ctx;
  let agencyId = '';
  let reason = '';
  const approve = button('review-approve', () => ctx.act(() => controller.approve(agencyId)), { appearance: 'primary' });
  const comment = textField('review-return-comment', { multiline: true, maxlength: 2000, onInput: (v) => (reason = v) });
  const ret = button('review-return', () => ctx.act(async () => {
    await controller.returnReport(agencyId, reason);
    reason = '';
    setValue(comment.field, '');
  }));
  const close = button('review-close', () => controller.closeReview(), { appearance: 'subtle' });
  const el = h('div', { class: 'stack' }, comment.el, h('div', { class: 'row' }, approve.el, ret.el, close.el));
  return {
    el,
    update(review: ReviewView, state: PaneState) {
      if (agencyId !== review.agencyId) {
        reason = '';
        setValue(comment.field, '');
      }
      agencyId = review.agencyId;
      const row = state.consolidated?.rows.find((r) => r.agencyId === review.agencyId);
      const busy = state.busy !== null;
      show(approve.el, !!row?.canApprove);
      approve.set(tx('approve'), busy);
      show(ret.el, !!row?.canReturn);
      show(comment.el, !!row?.canReturn);
      comment.set(tx('returnComment'));
      ret.set(tx('returnConfirm'), busy);
      close.set(tx('reviewClose'), busy);
    },
  };
}

export function reportReview(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const box = card('review-title', { 'data-testid': 'report-review' });
  const status = badge('review-status');
  const saved = h('p', { class: 'muted', 'data-testid': 'review-saved' });
  const returned = h('p', { class: 'notice warning', 'data-testid': 'review-returned' });
  let fmt: Fmt = () => '';
  const figures = figureList(ctx, () => fmt);
  const sub = (key: string) => h('h3', { 'data-testid': key });
  const findingsHead = sub('review-findings-title');
  const findings = lineList<ReviewFinding>('review-finding', (f) => f.id, (f) => `${controller.show(f.where)}: ${controller.show(f.message)}`);
  const noFindings = h('p', { class: 'muted' });
  const notesHead = sub('review-notes-title');
  const notes = lineList<ReviewFigure>('review-note', (f) => f.code, (f) => `${tx('indicatorN', { code: f.code })}: ${f.note}`);
  const noNotes = h('p', { class: 'muted' });
  const othersHead = sub('review-others-title');
  const others = lineList<ReviewView['others'][number]>('review-other', (o) => `${o.kind}.${o.code}`, (o) =>
    `${whereOf(ctx, o)}${o.name ? ` (${o.name})` : ''}: ${o.cells.map((c) => `${fieldName(ctx, c.field)} = ${c.value}`).join('; ')}`);
  const historyHead = sub('review-history-title');
  const history = historyList(ctx);
  const actions = decision(ctx);
  box.el.append(h('div', { class: 'row' }, status.el), saved, returned, figures.el, findingsHead, findings.el, noFindings, notesHead, notes.el, noNotes, othersHead, others.el, historyHead, history.el, actions.el);
  return {
    el: box.el,
    update(state) {
      const review = state.review;
      show(box.el, !!review);
      if (!review) return;
      const format = state.lang === 'vi' ? formatNumberVi : formatNumberEn;
      fmt = (n) => (n === null ? '' : format(n, 2));
      setText(box.title, tx('reviewTitle', { agency: controller.show(controller.agencyText(review.agencyId)), period: controller.periodText(review.period) }));
      status.set(tx(statusLabelKey(review.status)), reportStatusKind(review.status));
      setText(saved, tx('reviewSaved', { revision: tx('revisionN', { n: review.revision }), time: controller.timeText(review.savedAt) }));
      show(returned, review.status === 'returned' && !!review.comment);
      setText(returned, review.comment ?? '');
      figures.update(review.figures);
      setText(findingsHead, tx('reviewFindings', { n: review.findings.length }));
      findings.update(review.findings);
      show(noFindings, review.findings.length === 0);
      setText(noFindings, tx('reviewNoFindings'));
      const noted = review.figures.filter((f) => f.note.trim() !== '');
      setText(notesHead, tx('reviewNotes'));
      notes.update(noted);
      show(noNotes, noted.length === 0);
      setText(noNotes, tx('reviewNoNotes'));
      show(othersHead, review.others.length > 0);
      setText(othersHead, tx('reviewOthers'));
      others.update(review.others);
      setText(historyHead, tx('reviewHistory', { n: review.history.length }));
      history.update(review.history);
      actions.update(review, state);
    },
  };
}
