import type { FindingView, PaneState } from '../controller';
import type { MessageKey } from '../i18n';
import { h, keyedList, setAttr, setText, show } from './el';
import { badge, button, card } from './ui';
import type { Component, PaneContext } from './ui';
import { currentTemplateCard } from './template';
import { present } from '../../excel/present';

/**
 * A finding's key for the list: what it says and where, not its position, so a re-check
 * that fixes one finding removes that row and leaves the others untouched. Identical
 * findings are numbered in order.
 */
export function findingKeys(findings: readonly FindingView[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.severity}|${f.code}|${f.input ? `${f.input.kind}:${f.input.code}` : ''}|${f.where.vi}|${f.message.vi}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}#${n}`;
  });
}

interface KeyedFinding {
  key: string;
  finding: FindingView;
}

function findingRow(ctx: PaneContext, first: KeyedFinding) {
  let finding = first.finding;
  const severity = badge();
  const where = h('span', { class: 'where' });
  const message = h('span', { class: 'message' });
  const hint = h('span', { class: 'hint' });
  const el = h(
    'button',
    { type: 'button', class: 'finding', 'data-testid': 'finding-item', 'data-key': first.key, onclick: () => void ctx.controller.selectFinding(finding) },
    severity.el,
    where,
    message,
    hint,
  );
  return {
    nodes: [h('li', {}, el)],
    update({ finding: next }: KeyedFinding) {
      finding = next;
      const c = ctx.controller;
      setAttr(el, 'data-severity', next.severity);
      setAttr(el, 'data-code', next.code);
      setAttr(el, 'data-input', next.input ? `${next.input.kind}:${next.input.code}` : null);
      // A severity is a badge kind of the same name.
      severity.set(ctx.tx(`severity_${next.severity}` as MessageKey), next.severity);
      setText(where, c.show(next.where));
      setText(message, c.show(next.message));
      setText(hint, c.show(next.hint));
    },
  };
}

/** Kiểm tra: run the check, the counts per severity, the findings (a click selects the cell). */
export function checkPanel(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const current = currentTemplateCard(ctx);
  const c = card('findings-title');
  const run = button('check-run', () => ctx.act(() => controller.validate()), { appearance: 'primary' });
  const counts = (['error', 'warning', 'info'] as const).map((sev) => ({ sev, badge: badge(`check-count-${sev}`), label: h('span') }));
  const countsEl = h('div', { class: 'counts' }, counts.map((x) => h('span', { class: 'count' }, x.badge.el, x.label)));
  const none = h('p', { class: 'muted', 'data-testid': 'check-none' });
  const help = h('p', { class: 'muted' });
  const list = h('ul', { class: 'findings', 'data-testid': 'check-findings' });
  const empty = h('p', { 'data-testid': 'check-findings-empty' });
  c.el.append(h('div', { class: 'row' }, run.el), countsEl, none, help, list, empty);

  const rows = keyedList<KeyedFinding>(list, (x) => x.key, (x) => findingRow(ctx, x));
  const labels: Record<'error' | 'warning' | 'info', MessageKey> = { error: 'errors', warning: 'warnings', info: 'infos' };

  return {
    el: h('div', { class: 'stack' }, current.el, c.el),
    update(state: PaneState) {
      current.update(state);
      setText(c.title, tx('findings'));
      run.set(state.busy === 'check' ? tx('checking') : tx('runCheck'), state.busy !== null || !state.template);
      const check = state.check;
      show(countsEl, !!check);
      show(none, !check);
      setText(none, tx('notCheckedYet'));
      for (const x of counts) {
        const n = check?.counts[x.sev] ?? 0;
        x.badge.set(n, n ? x.sev : '');
        setText(x.label, tx(labels[x.sev]));
      }
      const findings = check?.findings ?? [];
      show(help, findings.length > 0);
      setText(help, tx('findingsHelp'));
      show(list, findings.length > 0);
      setAttr(list, 'aria-label', tx('findings'));
      show(empty, !!check && findings.length === 0);
      setText(empty, tx('noFindings'));
      const keys = findingKeys(findings);
      rows(findings.map((finding, i) => ({ key: present(keys[i], 'the key of a finding'), finding })));
    },
  };
}
