import type { TaskAgencyCount, TaskTableStatus } from '../../../shared/consolidate-tasks';
import { TASK_TABLE_STATUSES } from '../../../shared/consolidate-tasks';
import { TASK_TABLE_STATUS_LABELS } from '../../../shared/layout/consolidated-tasks';
import type { ConsolidatedView, PaneState } from '../controller';
import { h, keyedList, setAttr, setText, show } from './el';
import { card } from './ui';
import type { PaneContext } from './ui';

/**
 * The consolidator's view of a plan written as tasks: how many tasks are in each status, how
 * many are overdue, and per lead agency its tasks by status (the citywide table's `tasks`).
 * Hidden for plans without tasks.
 */
export function taskCountsCard(ctx: PaneContext): { el: ReturnType<typeof h>; update(view: ConsolidatedView | null, state: PaneState): void } {
  const { tx } = ctx;
  const box = card('tasks-title', { 'data-testid': 'consolidate-tasks' });
  const statuses = h('ul', { class: 'categories', 'data-testid': 'consolidate-task-counts' });
  const overdue = h('p', { 'data-testid': 'consolidate-tasks-overdue' });
  const agencies = h('ul', { class: 'categories', 'data-testid': 'consolidate-task-agencies' });
  box.el.append(statuses, overdue, agencies);
  let lang: PaneState['lang'] = 'vi';
  let counts: Record<TaskTableStatus, number> | null = null;
  const statusItems = keyedList<TaskTableStatus>(statuses, (s) => s, (first) => {
    const li = h('li', { 'data-testid': 'consolidate-task-count', 'data-key': first });
    return {
      nodes: [li],
      update: (s) => {
        const n = counts?.[s] ?? 0;
        setAttr(li, 'data-count', n);
        setText(li, `${TASK_TABLE_STATUS_LABELS[s][lang]}: ${n}`);
      },
    };
  });
  const agencyItems = keyedList<TaskAgencyCount>(agencies, (a) => a.agencyId, (first) => {
    const li = h('li', { 'data-testid': 'consolidate-task-agency', 'data-key': first.agencyId });
    return {
      nodes: [li],
      update: (a) => {
        const parts = TASK_TABLE_STATUSES.filter((s) => a.counts[s] > 0).map((s) => `${TASK_TABLE_STATUS_LABELS[s][lang]} ${a.counts[s]}`);
        setAttr(li, 'data-overdue', a.overdue);
        setText(li, `${ctx.controller.show(a.agency)}: ${tx('tasksOf', { n: a.total })} — ${parts.join(', ')}${a.overdue > 0 ? `; ${tx('tasksOverdueShort', { n: a.overdue })}` : ''}`);
      },
    };
  });
  return {
    el: box.el,
    update(view, state) {
      const tasks = view?.table.tasks;
      const has = !!tasks && tasks.rows.length > 0;
      show(box.el, has);
      if (!tasks || !has) return;
      lang = state.lang;
      counts = tasks.counts;
      setText(box.title, tx('tasksTitle', { n: tasks.rows.length }));
      statusItems([...TASK_TABLE_STATUSES]);
      setAttr(overdue, 'data-count', tasks.overdue.length);
      setAttr(overdue, 'class', tasks.overdue.length > 0 ? 'notice warning' : 'muted');
      setText(overdue, tx('tasksOverdue', { n: tasks.overdue.length, codes: tasks.overdue.length > 0 ? ` (${tasks.overdue.map((o) => o.code).join(', ')})` : '' }));
      agencyItems(tasks.byAgency);
    },
  };
}
