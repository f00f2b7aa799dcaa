import type { ConflictRow, ConflictView, PaneState } from '../controller';
import { h, keyedList, setText, show } from './el';
import { button } from './ui';
import type { PaneContext } from './ui';

/**
 * The conflict on send as a Fluent dialog: someone saved the report since the sheet's
 * baseline. It opens when a new conflict arrives and closes when it is resolved; Escape
 * closes it and the Gửi tab's button opens it again.
 */
export function conflictDialog(ctx: PaneContext): { el: ReturnType<typeof h>; open: () => void; update(state: PaneState): void } {
  const { controller, tx } = ctx;
  const title = h('h2', { id: 'conflict-title', slot: 'title' });
  const message = h('p');
  const serverLine = h('p', { class: 'muted' });
  const caption = h('caption', { class: 'visually-hidden' });
  const heads = (['colItem', 'colMine', 'colServer'] as const).map((key) => ({ key, el: h('th', { scope: 'col' }) }));
  const body = h('tbody');
  const table = h('table', { 'data-testid': 'conflict-table' }, caption, h('thead', {}, h('tr', {}, heads.map((x) => x.el))), body);
  const tableWrap = h('div', { class: 'table-wrap' }, table);
  const same = h('p');
  const keep = button('conflict-keep-mine', () => ctx.act(() => controller.keepMine()), { appearance: 'primary' });
  const take = button('conflict-take-server', () => ctx.act(() => controller.takeServer()));
  keep.el.setAttribute('slot', 'action');
  take.el.setAttribute('slot', 'action');
  const dialogBody = h('fluent-dialog-body', {}, title, message, serverLine, tableWrap, same, keep.el, take.el);
  const el = h('fluent-dialog', { type: 'modal', 'aria-labelledby': 'conflict-title', 'data-testid': 'conflict' }, dialogBody);
  const dialog = el as unknown as { show(): void; hide(): void };

  const rows = keyedList<ConflictRow>(body, (r) => `${r.kind}:${r.code}`, (first) => {
    const where = h('th', { scope: 'row' });
    const mine = h('td', { class: 'diff-mine' });
    const server = h('td', { class: 'diff-server' });
    return {
      nodes: [h('tr', { 'data-testid': 'conflict-row', 'data-key': `${first.kind}:${first.code}` }, where, mine, server)],
      update(r) {
        setText(where, controller.show(r.where));
        setText(mine, r.mine || tx('empty'));
        setText(server, r.server || tx('empty'));
      },
    };
  });

  let shown: ConflictView | null = null;
  let isOpen = false;
  const open = () => {
    if (isOpen) return;
    isOpen = true;
    dialog.show();
  };
  el.addEventListener('toggle', () => {
    isOpen = (el as unknown as { dialog?: { open: boolean } }).dialog?.open ?? false;
  });

  return {
    el,
    open,
    update(state) {
      const conflict = state.conflict;
      if (conflict) {
        setText(title, tx('conflictTitle'));
        setText(message, controller.show(conflict.message));
        show(serverLine, !!conflict.server);
        setText(serverLine, conflict.server ? tx('conflictServerBy', { revision: conflict.server.revision, at: ctx.controller.timeText(conflict.server.savedAt) }) : '');
        setText(caption, tx('conflictTitle'));
        for (const head of heads) setText(head.el, tx(head.key));
        rows(conflict.rows);
        show(tableWrap, conflict.rows.length > 0);
        show(same, conflict.rows.length === 0);
        setText(same, tx('conflictSame'));
        keep.set(tx('keepMine'), state.busy !== null);
        take.set(tx('takeServer'), state.busy !== null);
      }
      if (conflict && conflict !== shown) open();
      if (!conflict && isOpen) {
        isOpen = false;
        dialog.hide();
      }
      shown = conflict;
    },
  };
}
