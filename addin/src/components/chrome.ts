import type { PaneState } from '../controller';
import { dom } from '../dom';
import type { DomElement } from '../dom';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { h, setAttr, setText, show } from './el';
import { badge, selectField } from './ui';
import type { Component, PaneContext, TabId } from './ui';

/** The header: the pane's title, the help link and the language switch (the pane's one setting). */
export function paneHeader(ctx: PaneContext): Component {
  const title = h('h1', { 'data-testid': 'app-title' });
  const help = h('fluent-link', { href: 'help.html', target: '_blank', rel: 'noopener', class: 'help', 'data-testid': 'help-link' });
  const lang = selectField('lang-select', (v) => ctx.controller.setLang(v === 'en' ? 'en' : 'vi'));
  const el = h('header', { class: 'header' }, title, h('div', { class: 'lang' }, help, lang.el));
  // The language's label is for screen readers only: the switch names the languages in themselves.
  el.querySelector('label')?.setAttribute('class', 'visually-hidden');
  return {
    el,
    update(state: PaneState) {
      const document = dom().document;
      if (document.documentElement.lang !== state.lang) document.documentElement.lang = state.lang;
      const appTitle = ctx.tx('appTitle');
      if (document.title !== appTitle) document.title = appTitle;
      setText(title, appTitle);
      setText(help, ctx.tx('help'));
      lang.set(ctx.tx('language'), [{ value: 'vi', label: t('langVi', state.lang) }, { value: 'en', label: t('langEn', state.lang) }], state.lang);
    },
  };
}

export const TABS: ReadonlyArray<{ id: TabId; label: MessageKey }> = [
  { id: 'connect', label: 'tabConnect' },
  { id: 'template', label: 'tabTemplate' },
  { id: 'check', label: 'tabCheck' },
  { id: 'send', label: 'tabSend' },
  { id: 'consolidate', label: 'tabConsolidate' },
];

/**
 * The pivot as a Fluent tablist: each tab controls its panel (the tablist shows the active
 * one and hides the others), arrow keys, Home and End move between tabs. The Kiểm tra tab
 * counts errors of the last check, the Gửi tab the queued sends.
 */
export function paneTabs(ctx: PaneContext, onChange: (tab: TabId) => void): Component & { activate(tab: TabId): void } {
  const tabs = TABS.map((def) => {
    const label = h('span');
    const count = badge(def.id === 'check' ? 'tab-check-count' : def.id === 'send' ? 'tab-send-count' : undefined);
    count.el.setAttribute('slot', 'end');
    const el = h('fluent-tab', { id: `tab-${def.id}`, 'data-testid': `tab-${def.id}`, 'aria-controls': `panel-${def.id}` }, label, count.el);
    return { def, el, label, count };
  });
  const el = h('fluent-tablist', { class: 'tabs', appearance: 'subtle', size: 'small' }, tabs.map((x) => x.el));
  el.addEventListener('change', () => {
    const id = (el as DomElement & { activeid?: string }).activeid?.replace(/^tab-/, '');
    if (id && TABS.some((x) => x.id === id)) onChange(id as TabId);
  });
  return {
    el,
    activate(tab) {
      const list = el as DomElement & { activeid?: string };
      if (list.activeid !== `tab-${tab}`) setAttr(el, 'activeid', `tab-${tab}`);
      for (const x of tabs) setAttr(x.el, 'aria-selected', x.def.id === tab ? 'true' : 'false');
    },
    update(state) {
      setAttr(el, 'aria-label', ctx.tx('tabsLabel'));
      for (const tab of tabs) {
        setText(tab.label, ctx.tx(tab.def.label));
        const check = tab.def.id === 'check' && state.check;
        const queued = tab.def.id === 'send' && state.queued > 0;
        show(tab.count.el, !!check || queued);
        if (check) {
          const n = check.counts.error;
          tab.count.set(n, n ? 'error' : 'success', `${n} ${ctx.tx('errors')}`);
        } else if (queued) tab.count.set(state.queued, 'warning', ctx.tx('queued', { n: state.queued }));
      }
    },
  };
}

/** Notifications: one polite live region under the tabs, with the latest notice as a Fluent message bar. */
export function statusRegion(ctx: PaneContext): Component {
  const message = h('fluent-message-bar', { 'data-testid': 'status-message', role: 'none', layout: 'multiline' });
  const el = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'status' }, message);
  const INTENT = { info: 'info', success: 'success', warning: 'warning', error: 'error' } as const;
  return {
    el,
    update(state) {
      const notice = state.notice;
      show(message, !!notice);
      if (!notice) return;
      setAttr(message, 'intent', INTENT[notice.kind]);
      setAttr(message, 'data-kind', notice.kind);
      setText(message, ctx.controller.show(notice.text));
    },
  };
}
