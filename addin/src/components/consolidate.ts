import type { ConsolidatedView, PaneState } from '../controller';
import type { MessageKey } from '../i18n';
import { CATEGORY_SHORT } from '../../../shared/layout/labels';
import { filterSubmissions } from '../agency-filters';
import { agencyListTools } from './agency-list-tools';
import { agencyTable } from './agency-table';
import { dom } from '../dom';
import { reportReview } from './report-review';
import { h, keyedList, setAttr, setText, show } from './el';
import { handJudgedCard } from './hand-judged';
import { taskCountsCard } from './task-counts';
import { COUNT_STATUSES, statusLabelKey } from './report-status';
import { planPeriodFields } from './template';
import { badge, button, card } from './ui';
import type { Component, PaneContext } from './ui';

type Category = ConsolidatedView['table']['summary']['categories'][number];

/** Every category with its count, share and change since the previous report. */
function categoryList(ctx: PaneContext): { el: ReturnType<typeof h>; update(view: ConsolidatedView, state: PaneState): void } {
  const el = h('ul', { class: 'categories', 'data-testid': 'consolidate-categories' });
  let line = (_c: Category) => '';
  const items = keyedList<Category>(el, (c) => String(c.category), (first) => {
    const li = h('li', { 'data-testid': 'consolidate-category', 'data-key': String(first.category) });
    return {
      nodes: [li],
      update: (c) => {
        setAttr(li, 'data-count', c.count);
        setText(li, line(c));
      },
    };
  });
  return {
    el,
    update(view, state) {
      const lang = state.lang;
      const previous = view.table.summary.previousPeriod;
      line = (c) =>
        `${CATEGORY_SHORT[c.category][lang]}: ${c.count} (${c.share.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US')}%)` +
        (c.change !== null && previous ? ` ${c.change > 0 ? '+' : c.change < 0 ? '−' : '±'}${Math.abs(c.change)} ${ctx.tx('changeSince', { period: ctx.controller.periodText(previous) })}` : '');
      setAttr(el, 'aria-label', ctx.tx('categories'));
      items(view.table.summary.categories);
    },
  };
}

/** At the top of the tab, one tile per category: its count and share of the plan's indicators. */
function categoryGlance(ctx: PaneContext): { el: ReturnType<typeof h>; update(view: ConsolidatedView | null, state: PaneState): void } {
  const el = h('div', { class: 'glance', 'data-testid': 'category-glance', role: 'list' });
  let lang: PaneState['lang'] = 'vi';
  const tiles = keyedList<Category>(el, (c) => String(c.category), (first) => {
    const count = h('span', { class: 'glance-count' });
    const share = h('span', { class: 'glance-share' });
    const label = h('span', { class: 'glance-label' });
    const tile = h('div', { class: 'glance-tile', role: 'listitem', 'data-testid': 'glance-category', 'data-key': String(first.category) }, count, share, label);
    return {
      nodes: [tile],
      update: (c) => {
        setAttr(tile, 'data-count', c.count);
        setText(count, String(c.count));
        setText(share, `${c.share.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US')}%`);
        setText(label, CATEGORY_SHORT[c.category][lang]);
      },
    };
  });
  return {
    el,
    update(view, state) {
      show(el, !!view);
      if (!view) return;
      lang = state.lang;
      setAttr(el, 'aria-label', ctx.tx('categories'));
      tiles(view.table.summary.categories);
    },
  };
}

/** The filters above the agency table, the table filtered by them, and the review of the report opened from it. */
function agencyReview(ctx: PaneContext) {
  const table = agencyTable(ctx);
  let shown: { view: ConsolidatedView; busy: boolean } | null = null;
  const render = () => {
    if (!shown) return;
    const rows = filterSubmissions(shown.view.rows, tools.filter());
    tools.update(shown.view, rows.length, shown.busy);
    table.update(rows, shown.busy);
  };
  const tools = agencyListTools(ctx, render);
  const review = reportReview(ctx);
  return {
    list: h('div', { class: 'stack' }, tools.el, table.el),
    review,
    update(view: ConsolidatedView, busy: boolean) {
      shown = { view, busy };
      render();
    },
  };
}

/** The submission counts above the table: missing, drafts, submitted (late among them), approved, returned, updating. */
function submissionCounts(ctx: PaneContext): { el: ReturnType<typeof h>; update(view: ConsolidatedView): void } {
  const { tx } = ctx;
  const cells = COUNT_STATUSES.map((st) => ({ st, badge: badge(`consolidate-count-${st}`), label: h('span'), extra: h('span', { class: 'muted', 'data-testid': 'consolidate-count-late' }) }));
  const updating = { badge: badge('consolidate-count-updating'), label: h('span') };
  const updatingEl = h('span', { class: 'count' }, updating.badge.el, updating.label);
  const el = h('div', { class: 'counts', 'data-testid': 'consolidate-counts' }, cells.map((c) => h('span', { class: 'count' }, c.badge.el, c.label, c.st === 'submitted' ? c.extra : null)), updatingEl);
  return {
    el,
    update(view) {
      for (const c of cells) {
        const n = view.counts[c.st];
        c.badge.set(n, n && c.st === 'missing' ? 'error' : n ? 'info' : '');
        setText(c.label, tx(statusLabelKey(c.st)));
        show(c.extra, c.st === 'submitted' && view.counts.late > 0);
        setText(c.extra, view.counts.late > 0 ? ` (${tx('countLateOf', { n: view.counts.late })})` : '');
      }
      show(updatingEl, view.counts.updating > 0);
      updating.badge.set(view.counts.updating, 'warning');
      setText(updating.label, tx('countUpdating'));
    },
  };
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Saves the bytes through a temporary link: the pane's request carries the token, a plain link would not. */
function saveDownload(file: { bytes: ArrayBuffer; fileName: string }): void {
  const web = globalThis as unknown as {
    URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
    Blob: new (parts: unknown[], options: { type: string }) => unknown;
  };
  const url = web.URL.createObjectURL(new web.Blob([file.bytes], { type: DOCX_TYPE }));
  const link = h('a', { href: url, download: file.fileName, hidden: true });
  dom().document.body?.append(link);
  (link as unknown as { click(): void }).click();
  link.remove();
  setTimeout(() => { web.URL.revokeObjectURL(url); }, 60_000);
}

/** Tổng hợp: plan and period, load and write the citywide table, the drafts switch; the submissions; hand judgements. */
export function consolidatePanel(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const deniedText = h('p', { 'data-testid': 'consolidate-denied' });
  const denied = h('section', { class: 'card' }, deniedText);

  const controls = card('consolidate-title');
  const fields = planPeriodFields(ctx, 'consolidate');
  const load = button('consolidate-load', () => ctx.act(() => controller.loadConsolidated()), { appearance: 'primary' });
  const write = button('consolidate-write', () => ctx.act(() => controller.writeConsolidated()));
  const report = button('consolidate-report', () => ctx.act(async () => { saveDownload(await controller.downloadReport()); }));
  const drafts = h('fluent-switch', {
    'data-testid': 'consolidate-drafts',
    onchange: () => ctx.act(() => controller.setConsolidateDrafts((drafts as unknown as { checked: boolean }).checked)),
  });
  // Not a <label> around the switch: its activation would click the switch a second time.
  const draftsLabel = h('span', { id: 'consolidate-drafts-label', onclick: () => (drafts as unknown as { click(): void }).click() });
  drafts.setAttribute('aria-labelledby', 'consolidate-drafts-label');
  controls.el.append(...fields.nodes, h('div', { class: 'row' }, load.el, write.el, report.el), h('div', { class: 'switch' }, drafts, draftsLabel));

  const summary = card('submissions-title');
  const basis = h('p', { 'data-testid': 'consolidate-basis' });
  const sentence = h('p', { 'data-testid': 'consolidate-summary' });
  const categories = categoryList(ctx);
  const counts = submissionCounts(ctx);
  const agencies = agencyReview(ctx);
  const glance = categoryGlance(ctx);
  summary.el.append(basis, sentence, categories.el, counts.el, agencies.list);
  const judged = handJudgedCard(ctx);
  const tasks = taskCountsCard(ctx);

  return {
    el: h('div', { class: 'stack' }, denied, glance.el, controls.el, summary.el, agencies.review.el, tasks.el, judged.el),
    update(state: PaneState) {
      const agency = state.me?.role === 'agency';
      show(denied, agency);
      setText(deniedText, tx('consolidatorOnly'));
      show(controls.el, !agency);
      const view = agency ? null : state.consolidated;
      show(summary.el, !!view);
      judged.set(view, state.busy !== null);
      tasks.update(view, state);
      glance.update(view, state);
      agencies.review.update(state);
      if (agency) return;
      const busy = state.busy !== null;
      setText(controls.title, tx('tabConsolidate'));
      fields.update(state);
      load.set(state.busy === 'consolidated' ? tx('loadingConsolidated') : tx('loadConsolidated'), busy);
      write.set(state.busy === 'write' ? tx('writingConsolidated') : tx('writeConsolidated'), busy);
      report.set(state.busy === 'report' ? tx('downloadingReport') : tx('downloadReport'), busy);
      const sw = drafts as unknown as { checked: boolean };
      if (sw.checked !== state.consolidateDrafts) sw.checked = state.consolidateDrafts;
      setText(draftsLabel, tx('consolidateDrafts'));
      if (!view) return;
      setText(summary.title, `${tx('submissions')} — ${controller.periodText(view.period)}`);
      setAttr(basis, 'class', view.table.basis === 'drafts' ? 'notice warning' : 'muted');
      setAttr(basis, 'data-basis', view.table.basis);
      setText(basis, tx(`basis_${view.table.basis}` as MessageKey));
      setText(sentence, controller.show(view.table.summary.sentence));
      categories.update(view, state);
      counts.update(view);
      agencies.update(view, busy);
    },
  };
}
