import type { PaneState, SendPhase } from '../controller';
import type { MessageKey } from '../i18n';
import { pick } from '../i18n';
import { submitBlocker } from '../send-preview';
import type { SendPreview } from '../send-preview';
import { h, setAttr, setText, show } from './el';
import { reportStatusKind, statusLabelKey } from './report-status';
import { currentTemplateCard } from './template';
import { badge, button, card } from './ui';
import type { Component, PaneContext } from './ui';
import { present } from '../../excel/present';

const STEPS: readonly SendPhase[] = ['reading', 'validating', 'sending'];
const OUTCOMES: readonly SendPhase[] = ['saved', 'queued', 'conflict', 'locked', 'error'];

/** Đọc → Kiểm tra → Gửi → outcome: which step is done, current, a warning or a failure. */
function stepClasses(phase: SendPhase): Array<{ phase: SendPhase; cls: string; current: boolean }> {
  const final: SendPhase = OUTCOMES.includes(phase) ? phase : 'saved';
  const index = STEPS.indexOf(phase);
  return [...STEPS, final].map((p, i) => {
    let cls = '';
    if (index >= 0) cls = i < index ? 'done' : i === index ? 'current' : '';
    else if (phase !== 'idle') cls = i < STEPS.length ? 'done' : p === 'saved' ? 'done current' : p === 'queued' ? 'warn' : 'bad';
    return { phase: p, cls, current: i === index || (index < 0 && phase !== 'idle' && i === STEPS.length) };
  });
}

function sendSteps(ctx: PaneContext): { el: ReturnType<typeof h>; update(phase: SendPhase): void } {
  const items = [0, 1, 2, 3].map(() => h('li'));
  const el = h('ol', { class: 'steps', 'data-testid': 'send-steps' }, items);
  return {
    el,
    update(phase) {
      setAttr(el, 'aria-label', ctx.tx('tabSend'));
      stepClasses(phase).forEach((step, i) => {
        const li = present(items[i], 'a step of the progress list');
        setAttr(li, 'class', step.cls || null);
        setAttr(li, 'aria-current', step.current ? 'step' : null);
        setText(li, ctx.tx(`step_${step.phase}` as MessageKey));
      });
    },
  };
}

/** The preview card: "Chỉ tiêu 11: 28,7 → 29,1", one line per changed cell. */
function previewCard(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const el = h('div', { class: 'stack', 'data-testid': 'send-preview' });
  const run = button('send-preview-run', () => ctx.act(() => controller.previewSend()));
  const title = h('p', { 'data-testid': 'send-preview-title' });
  const list = h('ul', { 'data-testid': 'send-preview-list' });
  el.append(h('div', { class: 'row' }, run.el), title, list);
  let shown: SendPreview | null | undefined;
  let shownLang = '';
  return {
    el,
    update(state) {
      run.set(tx('previewRun'), state.busy !== null || !state.template);
      const preview = state.preview;
      show(title, !!preview);
      show(list, !!preview && preview.changes.length > 0);
      if (preview === shown && state.lang === shownLang) return;
      shown = preview;
      shownLang = state.lang;
      if (!preview) return;
      const heading = preview.changes.length === 0 ? tx('previewNone') : preview.revision === null ? tx('previewTitleNew') : tx('previewTitle', { revision: preview.revision });
      setText(title, heading);
      list.replaceChildren(...preview.changes.map((c) => h('li', {}, pick(c, state.lang))));
    },
  };
}

/** Gửi: the report's status on the server, the send steps, send and submit, the offline queue; a conflict opens its dialog. */
export function sendPanel(ctx: PaneContext, openConflict: () => void): Component {
  const { controller, tx } = ctx;
  const current = currentTemplateCard(ctx);

  const main = card('send-title');
  const statusLine = h('p', { 'data-testid': 'report-status' });
  const statusLabel = h('span');
  const statusBadge = badge();
  const revision = h('span');
  statusLine.append(statusLabel, statusBadge.el, revision);
  const comment = h('p', { class: 'notice warning', 'data-testid': 'report-comment' });
  const steps = sendSteps(ctx);
  const phase = h('p', { 'data-testid': 'send-phase' });
  const send = button('send-run', () => ctx.act(() => controller.send()), { appearance: 'primary' });
  const submit = button('submit-run', () => ctx.act(() => controller.submit()));
  const reopen = button('conflict-open', openConflict);
  const blocked = h('p', { class: 'notice warning', 'data-testid': 'submit-blocked' });
  const preview = previewCard(ctx);
  main.el.append(statusLine, comment, steps.el, phase, preview.el, h('div', { class: 'row' }, send.el, submit.el, reopen.el), blocked);

  const queue = card('queue-title');
  const queueTitle = h('span');
  const queueCount = badge('send-queue-count');
  queue.title.append(queueTitle, ' ', queueCount.el);
  const queueText = h('p', { class: 'muted' });
  const retry = button('send-retry', () => ctx.act(() => controller.retryQueue()));
  queue.el.append(queueText, h('div', { class: 'row' }, retry.el));

  return {
    el: h('div', { class: 'stack' }, current.el, main.el, queue.el),
    update(state: PaneState) {
      const busy = state.busy !== null;
      current.update(state);
      setText(main.title, tx('tabSend'));
      const report = state.report;
      setAttr(statusLine, 'data-status', report ? report.status : 'none');
      setAttr(statusLine, 'class', report ? null : 'muted');
      setText(statusLabel, report ? `${tx('reportStatus')}: ` : `${tx('reportStatus')}: ${tx('status_missing')}`);
      show(statusBadge.el, !!report);
      if (report) statusBadge.set(tx(statusLabelKey(report.status)), reportStatusKind(report.status));
      setText(revision, report ? ` · ${tx('revisionN', { n: report.revision })}` : '');
      const returned = report?.status === 'returned' && !!report.comment;
      show(comment, returned);
      setText(comment, returned ? tx('returnedComment', { comment: report.comment ?? '' }) : '');
      steps.update(state.phase);
      setAttr(phase, 'class', `phase ${state.phase}`);
      setAttr(phase, 'data-phase', state.phase);
      setText(phase, tx(`phase_${state.phase}` as MessageKey, { revision: state.lastSaved?.revision ?? '', errors: state.lastSaved?.errors ?? 0 }));
      send.set(state.busy === 'send' ? tx('phase_sending') : tx('send'), busy || !state.template);
      const blocker = submitBlocker(state);
      submit.set(state.busy === 'submit' ? tx('submitting') : tx('submit'), busy || blocker !== null, blocker ? `${tx('submit')}: ${tx(blocker.key, { n: blocker.n ?? 0 })}` : undefined);
      show(blocked, blocker !== null && !!state.template);
      setText(blocked, blocker ? tx(blocker.key, { n: blocker.n ?? 0 }) : '');
      preview.update(state);
      show(reopen.el, !!state.conflict);
      reopen.set(tx('conflictTitle'), false);

      show(queue.el, state.queued > 0);
      setText(queueTitle, tx('queued', { n: '' }).replace(/[:\s]+$/, ''));
      queueCount.set(state.queued, 'warning');
      setText(queueText, tx('phase_queued'));
      retry.set(tx('retryNow'), busy);
    },
  };
}
