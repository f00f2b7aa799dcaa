import { checkPanel } from './components/findings';
import { conflictDialog } from './components/conflict';
import { connectPanel } from './components/connect';
import { consolidatePanel } from './components/consolidate';
import { h, show } from './components/el';
import { applyFluentTheme } from './components/fluent';
import { paneHeader, paneTabs, statusRegion, TABS } from './components/chrome';
import { signedInPanel } from './components/not-connected';
import { planDraftCard } from './components/plan-draft';
import { sendPanel } from './components/send';
import { templatePanel } from './components/template';
import { createContext } from './components/ui';
import type { Component, TabId } from './components/ui';
import type { TaskpaneController } from './controller';
import type { DomElement } from './dom';

/**
 * The task pane: a header with the language switch, a Fluent tablist (Kết nối · Mẫu biểu ·
 * Kiểm tra · Gửi · Tổng hợp), one panel per tab, a polite live region for notices and the
 * conflict dialog. Each is a component (addin/src/components/) created once; the view
 * subscribes to the controller, the state owner, and every change goes to every component,
 * which writes only the nodes whose content changed. Nothing is rebuilt, so focus and the
 * caret stay where the user left them.
 */

export type { TabId };

export interface PaneView {
  tab: TabId;
  select(tab: TabId): void;
  render(): void;
}

/** A panel with a card below it, updated together. */
function withCard(panel: Component, extra: Component): Component {
  panel.el.append(extra.el);
  return { el: panel.el, update: (state) => {
    panel.update(state);
    extra.update(state);
  } };
}

export function mountPane(root: DomElement, controller: TaskpaneController, options: { initialTab?: TabId } = {}): PaneView {
  applyFluentTheme();
  let tab: TabId = options.initialTab ?? (controller.state.me ? (controller.state.template ? 'check' : 'template') : 'connect');
  const select = (next: TabId) => {
    tab = next;
    tabs.activate(next);
    showPanel();
  };
  const ctx = createContext(controller, select);

  const conflict = conflictDialog(ctx);
  const planDraft = planDraftCard(ctx);
  const panels: Record<TabId, Component> = {
    connect: connectPanel(ctx),
    template: signedInPanel(ctx, templatePanel(ctx)),
    check: signedInPanel(ctx, checkPanel(ctx)),
    send: signedInPanel(ctx, sendPanel(ctx, conflict.open)),
    consolidate: signedInPanel(ctx, withCard(consolidatePanel(ctx), planDraft)),
  };
  const tabs = paneTabs(ctx, (next) => {
    tab = next;
    showPanel();
  });
  const header = paneHeader(ctx);
  const status = statusRegion(ctx);
  const main = h(
    'main',
    { class: 'panel', 'data-testid': 'panel' },
    TABS.map(({ id }) => h('section', { id: `panel-${id}`, role: 'tabpanel', 'aria-labelledby': `tab-${id}`, class: 'tabpanel' }, panels[id].el)),
  );
  const parts: Component[] = [header, tabs, status, ...Object.values(panels), conflict];

  function showPanel(): void {
    main.setAttribute('data-tab', tab);
    for (const { id } of TABS) {
      const section = main.querySelector(`#panel-${id}`);
      if (section) show(section, id === tab);
    }
  }

  function render(): void {
    for (const part of parts) part.update(controller.state);
  }

  render();
  root.replaceChildren(header.el, tabs.el, status.el, main, conflict.el);
  select(tab);
  controller.subscribe(render);
  return {
    get tab() {
      return tab;
    },
    select,
    render,
  };
}
