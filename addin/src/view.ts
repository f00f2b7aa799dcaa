import type { TemplateRef } from '../excel/port';
import { cssEscape, dom, isField } from './dom';
import type { DomElement, DomEvent, DomField, DomListener, DomNode } from './dom';
import type { ConflictView, FindingView, PaneState, SendPhase, SubmissionRow, TaskpaneController } from './controller';
import type { HandVerdict } from './api';
import { CATEGORY_SHORT } from '../../shared/layout/labels';
import { t } from './i18n';
import type { Lang, MessageKey, Params } from './i18n';

/**
 * The task pane's DOM: a header with the language switch, a pivot (Kết nối · Mẫu biểu ·
 * Kiểm tra · Gửi · Tổng hợp), one panel at a time, and a polite live region for status.
 * Everything interactive is a real <button>/<select>/<input> with a <label> and a stable
 * data-testid. The panel is rebuilt from the controller's state on every change; focus is
 * kept on the element with the same data-testid (and data-key).
 */

export type TabId = 'connect' | 'template' | 'check' | 'send' | 'consolidate';
const TABS: Array<{ id: TabId; label: MessageKey }> = [
  { id: 'connect', label: 'tabConnect' },
  { id: 'template', label: 'tabTemplate' },
  { id: 'check', label: 'tabCheck' },
  { id: 'send', label: 'tabSend' },
  { id: 'consolidate', label: 'tabConsolidate' },
];

type Child = DomNode | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | DomListener>;

function h(tag: string, attrs: Attrs = {}, ...children: Array<Child | Child[]>): DomElement {
  const el = dom().document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (typeof value === 'function') {
      continue;
    } else if (name === 'value' && isField(el)) {
      el.value = String(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? dom().document.createTextNode(child) : child);
  }
  return el;
}

let idSeq = 0;
const uid = (base: string) => `${base}-${++idSeq}`;

/** Drafts of what the user is typing, kept across re-renders. */
interface Drafts {
  url: string;
  token: string;
  returning: string | null;
  comment: string;
  /** What the consolidator is typing per hand-judged indicator, kept across renders. */
  judging: Record<string, { verdict: HandVerdict; reason: string }>;
}

export interface PaneView {
  tab: TabId;
  select(tab: TabId): void;
  render(): void;
}

export function mountPane(root: DomElement, controller: TaskpaneController, options: { initialTab?: TabId } = {}): PaneView {
  const drafts: Drafts = { url: controller.state.serverUrl, token: '', returning: null, comment: '', judging: {} };
  let tab: TabId = options.initialTab ?? (controller.state.me ? (controller.state.template ? 'check' : 'template') : 'connect');
  let lastFocus: { testid: string; key: string | null } | null = null;

  root.textContent = '';
  const langLabelId = uid('lang');
  const title = h('h1', { 'data-testid': 'app-title' });
  const langSelect = h('select', { id: langLabelId, 'data-testid': 'lang-select' }) as DomField;
  const langLabel = h('label', { for: langLabelId });
  langLabel.setAttribute('class', 'visually-hidden');
  const help = h('a', { href: 'help.html', target: '_blank', rel: 'noopener', class: 'help', 'data-testid': 'help-link' });
  const header = h('header', { class: 'header' }, title, h('div', { class: 'lang' }, help, langLabel, langSelect));
  const tablist = h('div', { class: 'tabs', role: 'tablist' });
  const panel = h('main', { class: 'panel', role: 'tabpanel', tabindex: -1, 'data-testid': 'panel' });
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'status' });
  root.append(header, tablist, status, panel);

  langSelect.addEventListener('change', () => controller.setLang(langSelect.value === 'en' ? 'en' : 'vi'));
  root.addEventListener('focusin', (event) => {
    const target = event.target as DomElement | null;
    const testid = target?.getAttribute?.('data-testid');
    if (testid) lastFocus = { testid, key: target!.getAttribute('data-key') };
  });

  const s = () => controller.state;
  const L = (): Lang => s().lang;
  const tx = (key: MessageKey, params?: Params) => t(key, L(), params);
  const busy = () => s().busy !== null;

  /** Runs a controller action; its errors are already in the state's notice. */
  const act = (fn: () => Promise<unknown> | unknown) => async () => {
    if (busy()) return;
    try {
      await fn();
    } catch {
      /* shown in the status region */
    }
  };

  const button = (testid: string, label: string, onClick: () => void, opts: { primary?: boolean; key?: string; disabled?: boolean; small?: boolean; subtle?: boolean; extra?: Attrs } = {}) =>
    h(
      'button',
      {
        type: 'button',
        class: ['btn', opts.primary ? 'primary' : '', opts.small ? 'small' : '', opts.subtle ? 'subtle' : ''].filter(Boolean).join(' '),
        'data-testid': testid,
        'data-key': opts.key,
        'aria-disabled': opts.disabled || busy() ? 'true' : null,
        onclick: () => {
          if (opts.disabled || busy()) return;
          onClick();
        },
        ...opts.extra,
      },
      label,
    );

  const selectField = (testid: string, label: string, choices: Array<{ value: string; label: string }>, value: string | null, onChange: (v: string) => void, disabled = false) => {
    const id = uid(testid);
    const select = h(
      'select',
      { id, 'data-testid': testid, disabled: disabled || choices.length === 0 },
      choices.map((c) => h('option', { value: c.value, selected: c.value === value }, c.label)),
    ) as DomField;
    if (value !== null) select.value = value;
    select.addEventListener('change', () => onChange(select.value));
    return h('div', { class: 'field' }, h('label', { for: id }, label), select);
  };

  const badge = (text: string | number, kind = '', testid?: string, label?: string) =>
    h('span', { class: `badge ${kind}`.trim(), 'data-testid': testid, 'aria-label': label }, String(text));

  const templateLine = (ref: TemplateRef) =>
    tx('templateLine', { plan: controller.planLabel(ref.planId), period: controller.periodText(ref.period), agency: controller.show(controller.agencyText(ref.agencyId)) });

  // ---- panels ----

  function connectPanel(): DomElement[] {
    const state = s();
    const out: DomElement[] = [];
    if (state.me) {
      const me = state.me;
      const who = me.agencyId ? controller.show(controller.agencyText(me.agencyId)) : me.label;
      out.push(
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'who-title' },
          h('h2', { id: 'who-title' }, tx('connectedAs', { who: '' }).replace(/[:\s]+$/, '')),
          h(
            'div',
            { class: 'who' },
            h('strong', { 'data-testid': 'connect-who' }, who),
            h('span', {}, `${tx('roleLabel')}: `, badge(tx(`role_${me.role}` as MessageKey), 'brand', 'connect-role')),
            h('span', { class: 'muted', 'data-testid': 'connect-server' }, state.serverUrl),
          ),
          h('div', { class: 'row' }, button('connect-disconnect', tx('disconnect'), () => controller.disconnect())),
        ),
      );
    }
    const urlId = uid('url');
    const tokenId = uid('token');
    const form = h(
      'form',
      {
        class: 'card',
        'aria-labelledby': 'connect-title',
        novalidate: true,
        onsubmit: (event: DomEvent) => {
          event.preventDefault();
          void act(async () => {
            await controller.connect(drafts.url, drafts.token);
            drafts.token = '';
            select('template');
          })();
        },
      },
      h('h2', { id: 'connect-title' }, tx('tabConnect')),
      h(
        'div',
        { class: 'field' },
        h('label', { for: urlId }, tx('serverUrl')),
        h('input', {
          id: urlId,
          type: 'url',
          inputmode: 'url',
          autocomplete: 'url',
          spellcheck: 'false',
          placeholder: 'https://',
          'aria-describedby': `${urlId}-hint`,
          'data-testid': 'connect-url',
          value: drafts.url,
          oninput: (e: DomEvent) => (drafts.url = (e.target as DomField).value),
        }),
        h('span', { id: `${urlId}-hint`, class: 'muted' }, tx('serverUrlHint')),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: tokenId }, tx('token')),
        h('input', {
          id: tokenId,
          type: 'password',
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-describedby': `${tokenId}-hint`,
          'data-testid': 'connect-token',
          value: drafts.token,
          oninput: (e: DomEvent) => (drafts.token = (e.target as DomField).value),
        }),
        h('span', { id: `${tokenId}-hint`, class: 'muted' }, tx('tokenHint')),
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'connect-submit', 'aria-disabled': busy() ? 'true' : null }, state.busy === 'connect' ? tx('connecting') : tx('connect')),
      ),
    );
    out.push(form);
    return out;
  }

  function planPeriodFields(prefix: 'template' | 'consolidate'): DomElement[] {
    const state = s();
    return [
      selectField(
        `${prefix}-plan`,
        tx('plan'),
        state.plans.map((p) => ({ value: p.id, label: `${p.number} — ${p.title}` })),
        state.planId,
        (v) => void act(() => controller.selectPlan(v))(),
      ),
      selectField(
        `${prefix}-period`,
        tx('period'),
        state.periods.map((p) => ({ value: p.id, label: controller.show(p.label) })),
        state.period,
        (v) => controller.selectPeriod(v),
      ),
    ];
  }

  function notConnected(): DomElement[] {
    return [
      h(
        'section',
        { class: 'card' },
        h('p', {}, tx('notConnected')),
        h('div', { class: 'row' }, button('goto-connect', tx('tabConnect'), () => select('connect'), { primary: true })),
      ),
    ];
  }

  function templatePanel(): DomElement[] {
    const state = s();
    if (!state.me) return notConnected();
    const isAgency = state.me.role === 'agency';
    const insertCard = h(
      'section',
      { class: 'card', 'aria-labelledby': 'insert-title' },
      h('h2', { id: 'insert-title' }, tx('insertTemplate')),
      ...planPeriodFields('template'),
      selectField(
        'template-agency',
        tx('agencyLabel'),
        state.agencyChoices.map((a) => ({ value: a.id, label: controller.show(a.name) })),
        state.agencyId,
        (v) => controller.selectAgency(v),
        isAgency,
      ),
      h('div', { class: 'row' }, button('template-insert', state.busy === 'insert' ? tx('inserting') : tx('insertTemplate'), () => void act(() => controller.insertTemplate())(), { primary: true })),
    );
    const list = state.templates.length
      ? h(
          'ul',
          { class: 'template-list', 'data-testid': 'template-list' },
          state.templates.map((ref, i) =>
            h(
              'li',
              {},
              button('template-item', templateLine(ref), () => void act(() => controller.useTemplate(ref))(), {
                key: String(i),
                extra: { class: 'btn template-item', 'aria-pressed': state.template === ref ? 'true' : 'false' },
              }),
            ),
          ),
        )
      : h('p', { class: 'muted', 'data-testid': 'template-none' }, tx('noTemplates'));
    const listCard = h(
      'section',
      { class: 'card', 'aria-labelledby': 'templates-title' },
      h('h2', { id: 'templates-title' }, tx('templatesInWorkbook'), ' ', badge(state.templates.length, '', 'template-count')),
      list,
      h('div', { class: 'row' }, button('template-refresh', tx('findTemplates'), () => void act(() => controller.refreshTemplates())())),
    );
    return [insertCard, listCard];
  }

  function currentTemplateCard(): DomElement {
    const state = s();
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'current-title' },
      h('h2', { id: 'current-title' }, tx('currentTemplate')),
      state.template
        ? h('p', { 'data-testid': 'template-current' }, templateLine(state.template))
        : h('p', { 'data-testid': 'template-current' }, tx('noTemplate')),
    );
  }

  function findingButton(f: FindingView): DomElement {
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: `finding ${f.severity}`,
          'data-testid': 'finding-item',
          'data-key': f.id,
          'data-severity': f.severity,
          'data-code': f.code,
          'data-input': f.input ? `${f.input.kind}:${f.input.code}` : null,
          onclick: () => void controller.selectFinding(f),
        },
        badge(tx(`severity_${f.severity}` as MessageKey), f.severity),
        h('span', { class: 'where' }, controller.show(f.where)),
        h('span', { class: 'message' }, controller.show(f.message)),
        h('span', { class: 'hint' }, controller.show(f.hint)),
      ),
    );
  }

  function countBadges(counts: { error: number; warning: number; info: number }): DomElement {
    return h(
      'div',
      { class: 'counts' },
      h('span', { class: 'count' }, badge(counts.error, counts.error ? 'error' : '', 'check-count-error'), tx('errors')),
      h('span', { class: 'count' }, badge(counts.warning, counts.warning ? 'warning' : '', 'check-count-warning'), tx('warnings')),
      h('span', { class: 'count' }, badge(counts.info, counts.info ? 'info' : '', 'check-count-info'), tx('infos')),
    );
  }

  function checkPanel(): DomElement[] {
    const state = s();
    if (!state.me) return notConnected();
    const check = state.check;
    const card = h(
      'section',
      { class: 'card', 'aria-labelledby': 'findings-title' },
      h('h2', { id: 'findings-title' }, tx('findings')),
      h('div', { class: 'row' }, button('check-run', state.busy === 'check' ? tx('checking') : tx('runCheck'), () => void act(() => controller.validate())(), { primary: true, disabled: !state.template })),
      check ? countBadges(check.counts) : h('p', { class: 'muted', 'data-testid': 'check-none' }, tx('notCheckedYet')),
      check && check.findings.length > 0 ? h('p', { class: 'muted' }, tx('findingsHelp')) : null,
      check
        ? check.findings.length
          ? h('ul', { class: 'findings', 'data-testid': 'check-findings', 'aria-label': tx('findings') }, check.findings.map(findingButton))
          : h('p', { 'data-testid': 'check-findings-empty' }, tx('noFindings'))
        : null,
    );
    return [currentTemplateCard(), card];
  }

  function steps(phase: SendPhase): DomElement {
    const order: SendPhase[] = ['reading', 'validating', 'sending'];
    const outcomes: SendPhase[] = ['saved', 'queued', 'conflict', 'locked', 'error'];
    const final: SendPhase = outcomes.includes(phase) ? phase : 'saved';
    const index = order.indexOf(phase);
    const items = [...order, final].map((p, i) => {
      let cls = '';
      if (index >= 0) cls = i < index ? 'done' : i === index ? 'current' : '';
      else if (phase !== 'idle') cls = i < order.length ? 'done' : p === 'saved' ? 'done current' : p === 'queued' ? 'warn' : 'bad';
      return h('li', { class: cls, 'aria-current': i === index || (index < 0 && phase !== 'idle' && i === order.length) ? 'step' : null }, tx(`step_${p}` as MessageKey));
    });
    return h('ol', { class: 'steps', 'data-testid': 'send-steps', 'aria-label': tx('tabSend') }, items);
  }

  function conflictCard(conflict: ConflictView): DomElement {
    const server = conflict.server;
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'conflict-title', 'data-testid': 'conflict' },
      h('h2', { id: 'conflict-title' }, tx('conflictTitle')),
      h('p', {}, controller.show(conflict.message)),
      server ? h('p', { class: 'muted' }, tx('conflictServerBy', { revision: server.revision, at: server.savedAt })) : null,
      conflict.rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { 'data-testid': 'conflict-table' },
              h('caption', { class: 'visually-hidden' }, tx('conflictTitle')),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tx('colItem')), h('th', { scope: 'col' }, tx('colMine')), h('th', { scope: 'col' }, tx('colServer')))),
              h(
                'tbody',
                {},
                conflict.rows.map((r) =>
                  h(
                    'tr',
                    { 'data-testid': 'conflict-row', 'data-key': `${r.kind}:${r.code}` },
                    h('th', { scope: 'row' }, controller.show(r.where)),
                    h('td', { class: 'diff-mine' }, r.mine || tx('empty')),
                    h('td', { class: 'diff-server' }, r.server || tx('empty')),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, tx('conflictSame')),
      h(
        'div',
        { class: 'row' },
        button('conflict-keep-mine', tx('keepMine'), () => void act(() => controller.keepMine())(), { primary: true }),
        button('conflict-take-server', tx('takeServer'), () => void act(() => controller.takeServer())()),
      ),
    );
  }

  function sendPanel(): DomElement[] {
    const state = s();
    if (!state.me) return notConnected();
    const report = state.report;
    const reportLine = report
      ? h(
          'p',
          { 'data-testid': 'report-status', 'data-status': report.status },
          `${tx('reportStatus')}: `,
          badge(tx(`status_${report.status}` as MessageKey), report.status === 'approved' || report.status === 'submitted' ? 'success' : report.status === 'returned' || report.status === 'late' ? 'warning' : ''),
          ` · r${report.revision}`,
        )
      : h('p', { 'data-testid': 'report-status', 'data-status': 'none', class: 'muted' }, `${tx('reportStatus')}: ${tx('status_missing')}`);
    const card = h(
      'section',
      { class: 'card', 'aria-labelledby': 'send-title' },
      h('h2', { id: 'send-title' }, tx('tabSend')),
      reportLine,
      report?.status === 'returned' && report.comment ? h('p', { class: 'notice warning', 'data-testid': 'report-comment' }, tx('returnedComment', { comment: report.comment })) : null,
      steps(state.phase),
      h('p', { class: `phase ${state.phase}`, 'data-testid': 'send-phase', 'data-phase': state.phase }, tx(`phase_${state.phase}` as MessageKey, { revision: state.lastSaved?.revision ?? '', errors: state.lastSaved?.errors ?? 0 })),
      h(
        'div',
        { class: 'row' },
        button('send-run', state.busy === 'send' ? tx('phase_sending') : tx('send'), () => void act(() => controller.send())(), { primary: true, disabled: !state.template }),
        button('submit-run', state.busy === 'submit' ? tx('submitting') : tx('submit'), () => void act(() => controller.submit())(), { disabled: !state.template }),
      ),
    );
    const queue =
      state.queued > 0
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'queue-title' },
            h('h2', { id: 'queue-title' }, tx('queued', { n: '' }).replace(/[:\s]+$/, ''), ' ', badge(state.queued, 'warning', 'send-queue-count')),
            h('p', { class: 'muted' }, tx('phase_queued')),
            h('div', { class: 'row' }, button('send-retry', tx('retryNow'), () => void act(() => controller.retryQueue())())),
          )
        : null;
    return [currentTemplateCard(), card, ...(queue ? [queue] : []), ...(state.conflict ? [conflictCard(state.conflict)] : [])];
  }

  function submissionRow(row: SubmissionRow): DomElement[] {
    const returning = drafts.returning === row.agencyId;
    const statusKind = row.status === 'approved' || row.status === 'submitted' ? 'success' : row.status === 'missing' ? 'error' : row.status === 'late' || row.status === 'returned' ? 'warning' : '';
    const tr = h(
      'tr',
      { 'data-testid': 'agency-row', 'data-key': row.agencyId, 'data-status': row.status },
      h(
        'th',
        { scope: 'row' },
        controller.show(row.name),
        // What the consolidator needs to decide: a correction under way, the return comment, not counted.
        row.updateInProgress ? h('div', { class: 'muted', 'data-testid': 'agency-updating', 'data-key': row.agencyId }, tx('updatingSince', { time: controller.timeText(row.updateInProgress.since) })) : null,
        row.returned ? h('div', { class: 'muted', 'data-testid': 'agency-returned', 'data-key': row.agencyId }, tx('returnedOn', { time: controller.timeText(row.returned.at), comment: row.returned.comment ?? '' })) : null,
        ...row.earlierReturns.map((r) => h('div', { class: 'muted', 'data-testid': 'agency-earlier-return', 'data-key': row.agencyId }, tx('returnedBefore', { time: controller.timeText(r.at), comment: r.comment }))),
      ),
      h(
        'td',
        {},
        badge(tx(`status_${row.status}` as MessageKey), statusKind),
        row.late && row.status !== 'late' ? [' ', badge(tx('status_late'), 'warning')] : null,
        !row.counted && row.status !== 'missing' ? h('div', { class: 'muted', 'data-testid': 'agency-not-counted', 'data-key': row.agencyId }, tx('notCounted')) : null,
      ),
      h('td', { class: 'num' }, String(row.indicators)),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'row' },
          row.canApprove ? button('agency-approve', tx('approve'), () => void act(() => controller.approve(row.agencyId))(), { key: row.agencyId, small: true, primary: true, extra: { 'aria-label': `${tx('approve')}: ${controller.show(row.name)}` } }) : null,
          row.canReturn
            ? button(
                'agency-return',
                tx('returnReport'),
                () => {
                  drafts.returning = row.agencyId;
                  drafts.comment = '';
                  render();
                  root.querySelector('[data-testid="return-comment"]')?.focus();
                },
                { key: row.agencyId, small: true, extra: { 'aria-label': `${tx('returnReport')}: ${controller.show(row.name)}`, 'aria-expanded': returning ? 'true' : 'false' } },
              )
            : null,
        ),
      ),
    );
    if (!returning) return [tr];
    const commentId = uid('comment');
    const form = h(
      'tr',
      { 'data-testid': 'return-form', 'data-key': row.agencyId },
      h(
        'td',
        { colspan: 4 },
        h(
          'div',
          { class: 'field' },
          h('label', { for: commentId }, `${tx('returnComment')} — ${controller.show(row.name)}`),
          h('textarea', {
            id: commentId,
            'data-testid': 'return-comment',
            'data-key': row.agencyId,
            maxlength: 2000,
            value: drafts.comment,
            oninput: (e: DomEvent) => (drafts.comment = (e.target as DomField).value),
          }),
        ),
        h(
          'div',
          { class: 'row' },
          button(
            'return-confirm',
            tx('returnConfirm'),
            () =>
              void act(async () => {
                await controller.returnReport(row.agencyId, drafts.comment);
                drafts.returning = null;
                drafts.comment = '';
                render();
              })(),
            { key: row.agencyId, primary: true, small: true },
          ),
          button('return-cancel', tx('cancel'), () => {
            drafts.returning = null;
            render();
          }, { key: row.agencyId, small: true }),
        ),
      ),
    );
    return [tr, form];
  }

  /** Every category with its count, share and change since the previous report. */
  function categoryList(table: NonNullable<PaneState['consolidated']>['table']): DomElement {
    const lang = s().lang;
    const previous = table.summary.previousPeriod;
    return h(
      'ul',
      { class: 'categories', 'data-testid': 'consolidate-categories', 'aria-label': tx('categories') },
      table.summary.categories.map((c) =>
        h(
          'li',
          { 'data-testid': 'consolidate-category', 'data-key': String(c.category), 'data-count': c.count },
          `${CATEGORY_SHORT[c.category][lang]}: ${c.count} (${c.share.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US')}%)`,
          c.change !== null && previous ? ` ${c.change > 0 ? '+' : c.change < 0 ? '−' : '±'}${Math.abs(c.change)} ${tx('changeSince', { period: controller.periodText(previous) })}` : '',
        ),
      ),
    );
  }

  /** Indicators whose target the plan leaves to the consolidator: the current judgement and a form to record one. */
  function handJudgedSection(table: NonNullable<PaneState['consolidated']>['table']): DomElement | null {
    const rows = table.rows.filter((r) => r.judgedByHand && r.reportable);
    if (rows.length === 0) return null;
    const verdicts: HandVerdict[] = ['met', 'withinTolerance', 'notMet'];
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'hand-judged-title', 'data-testid': 'hand-judged' },
      h('h2', { id: 'hand-judged-title' }, tx('handJudged')),
      h('p', { class: 'muted' }, tx('handJudgedHelp')),
      rows.map((row) => {
        const draft = (drafts.judging[row.code] ??= { verdict: row.judgement?.verdict ?? 'met', reason: '' });
        const reasonId = uid('judgement-reason');
        const current = row.judgement
          ? tx('judgementBy', { verdict: tx(`verdict_${row.judgement.verdict}` as MessageKey), reason: row.judgement.reason, who: row.judgement.byName ?? row.judgement.by, time: controller.timeText(row.judgement.at) })
          : tx('judgementNone');
        return h(
          'div',
          { class: 'judgement', 'data-testid': 'hand-judged-row', 'data-key': row.code },
          h('h3', {}, `${row.code}. ${controller.show({ vi: row.name, en: row.nameEn ?? row.name })}`),
          h('p', { class: 'muted', 'data-testid': 'hand-judged-current', 'data-key': row.code }, `${controller.show(row.yearTarget ?? row.periodTarget ?? { vi: '', en: '' })} — ${current}`),
          selectField('judgement-verdict', tx('judgementVerdict'), verdicts.map((v) => ({ value: v, label: tx(`verdict_${v}` as MessageKey) })), draft.verdict, (v) => (draft.verdict = v as HandVerdict)),
          h(
            'div',
            { class: 'field' },
            h('label', { for: reasonId }, tx('judgementReason')),
            h('textarea', { id: reasonId, 'data-testid': 'judgement-reason', 'data-key': row.code, maxlength: 1000, value: draft.reason, oninput: (e: DomEvent) => (draft.reason = (e.target as DomField).value) }),
          ),
          button('judgement-save', tx('judgementSave'), () => void act(async () => {
            await controller.judgeByHand(row.code, draft.verdict, draft.reason);
            delete drafts.judging[row.code];
            render();
          })(), { key: row.code, small: true, primary: true }),
        );
      }),
    );
  }

  function consolidatePanel(): DomElement[] {
    const state = s();
    if (!state.me) return notConnected();
    if (state.me.role === 'agency') return [h('section', { class: 'card' }, h('p', { 'data-testid': 'consolidate-denied' }, tx('consolidatorOnly')))];
    const view = state.consolidated;
    const controls = h(
      'section',
      { class: 'card', 'aria-labelledby': 'consolidate-title' },
      h('h2', { id: 'consolidate-title' }, tx('tabConsolidate')),
      ...planPeriodFields('consolidate'),
      h(
        'div',
        { class: 'row' },
        button('consolidate-load', state.busy === 'consolidated' ? tx('loadingConsolidated') : tx('loadConsolidated'), () => void act(() => controller.loadConsolidated())(), { primary: true }),
        button('consolidate-write', state.busy === 'write' ? tx('writingConsolidated') : tx('writeConsolidated'), () => void act(() => controller.writeConsolidated())()),
      ),
      h(
        'div',
        { class: 'field' },
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            'data-testid': 'consolidate-drafts',
            checked: state.consolidateDrafts,
            onchange: (e: DomEvent) => void act(() => controller.setConsolidateDrafts((e.target as { checked?: boolean }).checked === true))(),
          }),
          ' ',
          tx('consolidateDrafts'),
        ),
      ),
    );
    if (!view) return [controls];
    const summary = h(
      'section',
      { class: 'card', 'aria-labelledby': 'submissions-title' },
      h('h2', { id: 'submissions-title' }, tx('submissions'), ` — ${controller.periodText(view.period)}`),
      h('p', { class: view.table.basis === 'drafts' ? 'notice warning' : 'muted', 'data-testid': 'consolidate-basis', 'data-basis': view.table.basis }, tx(`basis_${view.table.basis}` as MessageKey)),
      h('p', { 'data-testid': 'consolidate-summary' }, controller.show(view.table.summary.sentence)),
      categoryList(view.table),
      h(
        'div',
        { class: 'counts', 'data-testid': 'consolidate-counts' },
        (['missing', 'draft', 'submitted', 'approved', 'returned'] as const).map((st) =>
          h(
            'span',
            { class: 'count' },
            badge(view.counts[st], view.counts[st] && st === 'missing' ? 'error' : view.counts[st] ? 'info' : '', `consolidate-count-${st}`),
            tx(`status_${st}` as MessageKey),
            st === 'submitted' && view.counts.late > 0 ? h('span', { class: 'muted', 'data-testid': 'consolidate-count-late' }, ` (${tx('countLateOf', { n: view.counts.late })})`) : null,
          ),
        ),
        view.counts.updating > 0 ? h('span', { class: 'count' }, badge(view.counts.updating, 'warning', 'consolidate-count-updating'), tx('countUpdating')) : null,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { 'data-testid': 'agency-table' },
          h('caption', { class: 'visually-hidden' }, tx('submissions')),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tx('colAgency')), h('th', { scope: 'col' }, tx('colStatus')), h('th', { scope: 'col' }, tx('colIndicators')), h('th', { scope: 'col' }, tx('colActions')))),
          h('tbody', {}, view.rows.flatMap(submissionRow)),
        ),
      ),
    );
    const judged = handJudgedSection(view.table);
    return judged ? [controls, summary, judged] : [controls, summary];
  }

  // ---- chrome ----

  function renderTabs(): void {
    const state = s();
    tablist.setAttribute('aria-label', tx('tabsLabel'));
    tablist.textContent = '';
    for (const def of TABS) {
      const selected = def.id === tab;
      let count: DomElement | null = null;
      if (def.id === 'check' && state.check) {
        const n = state.check.counts.error;
        count = badge(n, n ? 'error' : 'success', 'tab-check-count', `${n} ${tx('errors')}`);
      }
      if (def.id === 'send' && state.queued > 0) count = badge(state.queued, 'warning', 'tab-send-count', tx('queued', { n: state.queued }));
      const el = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'tab',
          id: `tab-${def.id}`,
          'data-testid': `tab-${def.id}`,
          'aria-selected': selected ? 'true' : 'false',
          'aria-controls': 'asr-panel',
          tabindex: selected ? 0 : -1,
          onclick: () => select(def.id),
          onkeydown: (event: DomEvent) => {
            const key = event.key;
            const i = TABS.findIndex((x) => x.id === tab);
            let next = -1;
            if (key === 'ArrowRight') next = (i + 1) % TABS.length;
            else if (key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
            else if (key === 'Home') next = 0;
            else if (key === 'End') next = TABS.length - 1;
            if (next < 0) return;
            event.preventDefault();
            select(TABS[next]!.id);
            tablist.querySelector(`#tab-${TABS[next]!.id}`)?.focus();
          },
        },
        tx(def.label),
        count,
      );
      tablist.append(el);
    }
  }

  function renderPanel(): void {
    panel.id = 'asr-panel';
    panel.setAttribute('aria-labelledby', `tab-${tab}`);
    panel.setAttribute('data-tab', tab);
    const content =
      tab === 'connect' ? connectPanel() : tab === 'template' ? templatePanel() : tab === 'check' ? checkPanel() : tab === 'send' ? sendPanel() : consolidatePanel();
    panel.replaceChildren(...content);
  }

  let lastNotice: PaneState['notice'] | undefined;
  let lastLang: Lang | undefined;
  function renderStatus(): void {
    const notice = s().notice;
    if (notice === lastNotice && lastLang === L()) return;
    lastNotice = notice;
    lastLang = L();
    status.textContent = '';
    if (notice) status.append(h('p', { class: `notice ${notice.kind}`, 'data-testid': 'status-message', 'data-kind': notice.kind }, controller.show(notice.text)));
  }

  function render(): void {
    const document = dom().document;
    const active = document.activeElement;
    const hadFocusInside = !!active && (active === document.body || root.contains(active));
    document.documentElement.lang = L();
    document.title = tx('appTitle');
    title.textContent = tx('appTitle');
    langLabel.textContent = tx('language');
    help.textContent = tx('help');
    langSelect.replaceChildren(h('option', { value: 'vi' }, t('langVi', L())), h('option', { value: 'en' }, t('langEn', L())));
    langSelect.value = L();
    renderTabs();
    renderPanel();
    renderStatus();
    // Keep focus where it was: the element with the same data-testid and data-key.
    if (hadFocusInside && lastFocus && (!document.activeElement || document.activeElement === document.body || !root.contains(document.activeElement))) {
      const { testid, key } = lastFocus;
      const selector = `[data-testid="${cssEscape(testid)}"]${key !== null ? `[data-key="${cssEscape(key)}"]` : ''}`;
      const target = root.querySelector(selector);
      target?.focus();
      if (isField(target) && target.setSelectionRange && target.tagName !== 'SELECT') {
        try {
          target.setSelectionRange(target.value.length, target.value.length);
        } catch {
          /* inputs of type url/password may not support selection */
        }
      }
    }
  }

  function select(next: TabId): void {
    tab = next;
    render();
  }

  controller.subscribe(() => render());
  render();
  return {
    get tab() {
      return tab;
    },
    select,
    render,
  };
}
