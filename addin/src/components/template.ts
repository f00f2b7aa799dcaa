import type { TemplateRef } from '../../excel/port';
import type { PaneState } from '../controller';
import { h, keyedList, setAttr, setText, show, uid } from './el';
import { badge, button, card, selectField } from './ui';
import type { Component, PaneContext } from './ui';

export const templateKey = (ref: TemplateRef): string => `${ref.planId}|${ref.period}|${ref.agencyId}|${ref.sheets[0]?.id ?? ''}`;

export function templateLine(ctx: PaneContext, ref: TemplateRef): string {
  const c = ctx.controller;
  return ctx.tx('templateLine', { plan: c.planLabel(ref.planId), period: c.periodText(ref.period), agency: c.show(c.agencyText(ref.agencyId)) });
}

/** The plan and period choices, shared by the template and consolidation panels. */
export function planPeriodFields(ctx: PaneContext, prefix: 'template' | 'consolidate'): { nodes: Array<ReturnType<typeof h>>; update(state: PaneState): void } {
  const { controller, tx } = ctx;
  const plan = selectField(`${prefix}-plan`, (v) => ctx.act(() => controller.selectPlan(v)));
  const period = selectField(`${prefix}-period`, (v) => controller.selectPeriod(v));
  return {
    nodes: [plan.el, period.el],
    update(state) {
      plan.set(tx('plan'), state.plans.map((p) => ({ value: p.id, label: `${p.number} — ${p.title}` })), state.planId);
      period.set(tx('period'), state.periods.map((p) => ({ value: p.id, label: controller.show(p.label) })), state.period);
    },
  };
}

/** "Mẫu đang dùng": the template the check and the send work on. */
export function currentTemplateCard(ctx: PaneContext): Component {
  const c = card(uid('current-title'));
  const line = h('p', { 'data-testid': 'template-current' });
  c.el.append(line);
  return {
    el: c.el,
    update(state) {
      setText(c.title, ctx.tx('currentTemplate'));
      setText(line, state.template ? templateLine(ctx, state.template) : ctx.tx('noTemplate'));
    },
  };
}

/** Mẫu biểu: insert a template for a plan, period and agency; the templates already in the workbook. */
export function templatePanel(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const insert = card('insert-title');
  const fields = planPeriodFields(ctx, 'template');
  const agency = selectField('template-agency', (v) => controller.selectAgency(v));
  const insertButton = button('template-insert', () => ctx.act(() => controller.insertTemplate()), { appearance: 'primary' });
  insert.el.append(...fields.nodes, agency.el, h('div', { class: 'row' }, insertButton.el));

  const list = card('templates-title');
  const count = badge('template-count');
  const titleText = h('span');
  list.title.append(titleText, ' ', count.el);
  const items = h('ul', { class: 'template-list', 'data-testid': 'template-list' });
  const none = h('p', { class: 'muted', 'data-testid': 'template-none' });
  const refresh = button('template-refresh', () => ctx.act(() => controller.refreshTemplates()));
  list.el.append(items, none, h('div', { class: 'row' }, refresh.el));

  let busy = false;
  let current: TemplateRef | null = null;
  const renderItems = keyedList<TemplateRef>(items, templateKey, (first) => {
    let ref = first;
    const item = button('template-item', () => ctx.act(() => controller.useTemplate(ref)), { key: templateKey(first) });
    item.el.setAttribute('class', 'template-item');
    return {
      nodes: [h('li', {}, item.el)],
      update(next) {
        ref = next;
        item.set(templateLine(ctx, next), busy);
        setAttr(item.el, 'aria-pressed', current === next ? 'true' : 'false');
        setAttr(item.el, 'appearance', current === next ? 'primary' : null);
      },
    };
  });

  return {
    el: h('div', { class: 'stack' }, insert.el, list.el),
    update(state: PaneState) {
      busy = state.busy !== null;
      current = state.template;
      setText(insert.title, tx('insertTemplate'));
      fields.update(state);
      agency.set(tx('agencyLabel'), state.agencyChoices.map((a) => ({ value: a.id, label: controller.show(a.name) })), state.agencyId, state.me?.role === 'agency');
      insertButton.set(state.busy === 'insert' ? tx('inserting') : tx('insertTemplate'), busy);
      setText(titleText, tx('templatesInWorkbook'));
      count.set(state.templates.length, '');
      renderItems(state.templates);
      show(items, state.templates.length > 0);
      show(none, state.templates.length === 0);
      setText(none, tx('noTemplates'));
      refresh.set(tx('findTemplates'), busy);
    },
  };
}
