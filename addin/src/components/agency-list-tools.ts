import type { ConsolidatedView } from '../controller';
import type { DomField } from '../dom';
import { dom } from '../dom';
import type { MessageKey } from '../i18n';
import { NO_FILTER, SORT_KEYS, STATUS_FILTERS } from '../agency-filters';
import type { AgencyFilter, SortKey, StatusFilter } from '../agency-filters';
import { h, setAttr, setText, show, uid } from './el';
import { button, selectField } from './ui';
import type { PaneContext } from './ui';

/**
 * Above the consolidator's agency table: filter by status, late only, with errors; sort; and
 * copy the reminder list of late and missing agencies. The filter is the pane's own (the
 * controller's rows stay as the server sent them); `onChange` re-renders the table.
 */

interface Clipboard {
  writeText?(text: string): Promise<void>;
}

/** The clipboard API where the webview allows it; otherwise the text selected in a field and copied. */
async function copyText(text: string, fallback: DomField): Promise<boolean> {
  const clipboard = (globalThis as { navigator?: { clipboard?: Clipboard } }).navigator?.clipboard;
  try {
    if (clipboard?.writeText) {
      await clipboard.writeText(text);
      return true;
    }
  } catch {
    /* denied (no permission, not focused): fall back below */
  }
  const field = fallback as DomField & { select?(): void };
  field.select?.();
  const doc = dom().document as unknown as { execCommand?(command: string): boolean };
  return doc.execCommand?.('copy') ?? false;
}

function checkbox(testid: string, onChange: (on: boolean) => void) {
  const id = uid(testid);
  const input = h('input', { type: 'checkbox', id, 'data-testid': testid, onchange: () => onChange((input as unknown as { checked: boolean }).checked) });
  const label = h('label', { for: id });
  return { el: h('span', { class: 'check' }, input, label), label };
}

export function agencyListTools(ctx: PaneContext, onChange: () => void): { el: ReturnType<typeof h>; filter(): AgencyFilter; update(view: ConsolidatedView, shown: number, busy: boolean): void } {
  const { controller, tx } = ctx;
  const filter: AgencyFilter = { ...NO_FILTER };
  const status = selectField('agency-filter-status', (v) => {
    filter.status = v as StatusFilter;
    onChange();
  });
  const sort = selectField('agency-sort', (v) => {
    filter.sort = v as SortKey;
    onChange();
  });
  const late = checkbox('agency-filter-late', (on) => {
    filter.lateOnly = on;
    onChange();
  });
  const errors = checkbox('agency-filter-errors', (on) => {
    filter.withErrors = on;
    onChange();
  });
  const shownText = h('p', { class: 'muted', 'data-testid': 'agency-filter-shown', 'aria-live': 'polite' });
  const text = h('textarea', { readonly: true, rows: 6, class: 'reminder-text', 'data-testid': 'reminder-text' }) as DomField;
  const copied = h('p', { class: 'muted', 'data-testid': 'reminder-copied', 'aria-live': 'polite' });
  const reminderBox = h('div', { class: 'field' }, text, copied);
  reminderBox.hidden = true;
  const copy = button('reminder-copy', () => {
    const value = controller.reminderText();
    text.value = value;
    reminderBox.hidden = false;
    void copyText(value, text).then((done) => {
      const n = Math.max(0, value.split('\n').length - 1);
      setText(copied, done ? tx('reminderCopied', { n }) : '');
      setAttr(copied, 'data-copied', done);
    });
  }, { small: true });
  const el = h('div', { class: 'stack', 'data-testid': 'agency-tools' }, h('div', { class: 'row' }, status.el, sort.el), h('div', { class: 'row' }, late.el, errors.el, copy.el), shownText, reminderBox);
  return {
    el,
    filter: () => filter,
    update(view, shown, busy) {
      status.set(tx('filterStatus'), STATUS_FILTERS.map((s) => ({ value: s, label: s === 'all' ? tx('filterAll') : tx(`status_${s}` as MessageKey) })), filter.status);
      sort.set(tx('sortBy'), SORT_KEYS.map((k) => ({ value: k, label: tx(`sort_${k}` as MessageKey) })), filter.sort);
      setText(late.label, tx('filterLateOnly'));
      setText(errors.label, tx('filterWithErrors'));
      setText(shownText, tx('filterShown', { n: shown, total: view.rows.length }));
      copy.set(tx('reminderCopy'), busy);
      show(copy.el, view.rows.length > 0);
    },
  };
}
