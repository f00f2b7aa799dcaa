import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildAddin } from '../../addin/build';
import { inputName } from '../../shared/layout/template';
import request from 'supertest';
import { examplePlanJudgedByHand, startTestServer } from '../server/harness';
import type { TestServer } from '../server/harness';

/**
 * The real task pane, built and served by the real server, office.js from the npm package,
 * in headless Debian Chromium with the fake Excel host injected: connect, insert a template,
 * type values including a mistake, validate, fix, send, submit, then as the consolidator
 * pull the consolidated workbook and approve. Asserts on the fake workbook and on the
 * server's data, and saves screenshots (SCREENSHOT_DIR, default a temp folder).
 */
const CHROMIUM = '/usr/bin/chromium';
// Functions passed to page.waitForFunction run in the page, where `document` exists.
declare const document: { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };
const PLAN = 'hn-kh207-2021';

describe('task pane in headless Chromium (fake Excel host)', function () {
  this.timeout(300_000);
  let outDir: string;
  let shots: string;
  let s: TestServer;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error('/usr/bin/chromium is missing although scripts/setup-test-deps.sh ran');
      console.log('      (skipped: /usr/bin/chromium is missing; scripts/setup-test-deps.sh installs it)');
      this.skip();
    }
    outDir = mkdtempSync(path.join(tmpdir(), 'asr-addin-'));
    shots = process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : mkdtempSync(path.join(tmpdir(), 'asr-shots-'));
    mkdirSync(shots, { recursive: true });
    await buildAddin({ mode: 'development', withFake: true, outDir, log: () => undefined });
    s = await startTestServer({}, { addinDir: outDir });
    // The pane reads deadlines against the real clock; the server's clock is fixed in 2023 for submit.
    server = http.createServer(s.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 380, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.log(`      page error: ${error.message}`));
    await page.addInitScript({ path: path.join(outDir, 'testing', 'fake-excel.js') });
    // Anything the server's Content-Security-Policy blocks (scripts, styles the web components inject, eval) is recorded.
    await page.addInitScript(() => {
      const g = globalThis as unknown as { __csp: string[]; addEventListener(t: string, l: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void): void };
      g.__csp = [];
      g.addEventListener('securitypolicyviolation', (e) => g.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await s?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(shots, 'failed.png'), animations: 'disabled' });
      console.log(`      page text at failure:\n${(await page.locator('body').innerText()).slice(0, 1200)}`);
    }
  });

  const byId = (id: string) => page.locator(`[data-testid="${id}"]`);
  /** The native control inside a Fluent text field (playwright's CSS selectors pierce open shadow roots). */
  const field = (id: string) => byId(id).locator('input, textarea');
  /** A user typing into an input cell of the fake workbook, found by its defined name. */
  const typeCell = (sheet: string, name: string, value: string | number) =>
    page.evaluate(
      ([sheetName, inputName, v]) => {
        const host = (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { sheets: Array<{ name: string; nameAddress(n: string): string | null; touch(r: number, c: number): { value: unknown } }> } } }).__ASR_FAKE_EXCEL__;
        const target = host.workbook.sheets.find((x) => x.name === sheetName);
        if (!target) throw new Error(`no sheet ${sheetName}`);
        const address = target.nameAddress(inputName);
        if (!address) throw new Error(`no name ${inputName}`);
        const m = /^([A-Z]+)(\d+)$/.exec(address)!;
        let col = 0;
        for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
        target.touch(Number(m[2]) - 1, col - 1).value = v;
        return address;
      },
      [sheet, name, value] as const,
    );
  const fakeState = () =>
    page.evaluate(() => {
      const host = (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { sheets: Array<{ name: string; visibility: string; deleted: boolean; tables: unknown[]; charts: unknown[] }>; selection: { address: string } | null }; stats(): { syncs: number } } }).__ASR_FAKE_EXCEL__;
      return {
        sheets: host.workbook.sheets.filter((x) => !x.deleted).map((x) => ({ name: x.name, visibility: x.visibility, tables: x.tables.length, charts: x.charts.length })),
        selection: host.workbook.selection?.address ?? null,
        syncs: host.stats().syncs,
      };
    });

  /** Records every change under the agency table's body, by the agency row it falls in. */
  const watchRows = () =>
    page.evaluate(() => {
      interface El { closest(s: string): El | null; getAttribute(n: string): string | null; parentElement: El | null; nodeType: number }
      const g = globalThis as unknown as { document: { querySelector(s: string): { querySelectorAll(s: string): ArrayLike<El> } & object }; MutationObserver: new (cb: (list: Array<{ type: string; target: El; attributeName: string | null; addedNodes: ArrayLike<El>; removedNodes: ArrayLike<El> }>) => void) => { observe(n: object, o: object): void }; __rows?: unknown };
      const body = g.document.querySelector('[data-testid="agency-table"] tbody');
      const state = { before: new Map(Array.from(body.querySelectorAll('tr[data-testid="agency-row"]')).map((tr) => [tr.getAttribute('data-key'), tr])), changes: [] as Array<{ key: string | null; what: string }> };
      new g.MutationObserver((list) => {
        for (const m of list) {
          if (m.type === 'childList' && m.target === (body as unknown)) {
            for (const n of [...Array.from(m.addedNodes), ...Array.from(m.removedNodes)]) state.changes.push({ key: n.getAttribute?.('data-key') ?? null, what: 'row moved' });
          } else {
            // (No named helper here: tsx's keepNames would reference a __name the page does not have.)
            const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
            state.changes.push({ key: el?.closest('tr[data-key]')?.getAttribute('data-key') ?? null, what: m.type === 'attributes' ? `@${m.attributeName}` : m.type });
          }
        }
      }).observe(body, { subtree: true, childList: true, characterData: true, attributes: true });
      g.__rows = { body, state };
    });
  const rowChanges = () =>
    page.evaluate(() => {
      interface El { getAttribute(n: string): string | null }
      const { body, state } = (globalThis as unknown as { __rows: { body: { querySelectorAll(s: string): ArrayLike<El> }; state: { before: Map<string | null, El>; changes: Array<{ key: string | null; what: string }> } } }).__rows;
      const after = Array.from(body.querySelectorAll('tr[data-testid="agency-row"]'));
      // The busy state (an action running) disables every button for its duration: not a list update.
      const busy = new Set(['@disabled-focusable', '@aria-disabled', '@tabindex']);
      return {
        rows: after.length,
        replaced: after.filter((tr) => state.before.get(tr.getAttribute('data-key')) !== tr).map((tr) => tr.getAttribute('data-key')),
        outside: state.changes.filter((c) => c.key !== 'hn-syt' && !busy.has(c.what)),
        inside: state.changes.filter((c) => c.key === 'hn-syt').length,
      };
    });

  it('connects, inserts a template, validates a mistake, fixes it, sends and submits', async () => {
    await page.goto(`${base}/addin/taskpane.html`);
    await page.waitForSelector('fluent-tab[aria-selected="true"]');
    await page.screenshot({ path: path.join(shots, 'taskpane-signin.png'), animations: 'disabled' });
    // The field's hint describes the control inside the Fluent text input (aria-describedby cannot cross the shadow root).
    assert.match((await field('connect-token').getAttribute('aria-description')) ?? '', /bộ nhớ của add-in/);
    assert.equal(await page.getByRole('textbox', { name: 'Địa chỉ máy chủ' }).count(), 1, 'the label names the control');
    await field('connect-url').fill(base);
    await field('connect-token').fill(s.tokens.agencyA);
    await byId('connect-submit').click();
    // Once connected the pane moves on to the template tab and says who is signed in.
    await page.waitForFunction(() => document.querySelector('[data-testid="status-message"]')?.textContent?.includes('Sở Y tế'));
    await page.screenshot({ path: path.join(shots, 'taskpane-connect.png'), animations: 'disabled' });

    await byId('tab-template').click();
    await byId('template-plan').selectOption(PLAN);
    await byId('template-period').selectOption('2023');
    const before = (await fakeState()).syncs;
    await byId('template-insert').click();
    await page.waitForSelector('[data-testid="template-item"]');
    const inserted = await fakeState();
    assert.ok(inserted.sheets.some((x) => x.name === 'Chỉ tiêu' && x.visibility === 'Visible'), JSON.stringify(inserted.sheets));
    assert.ok(inserted.sheets.some((x) => x.name === '_asr_meta' && x.visibility === 'VeryHidden'));
    assert.ok(inserted.syncs - before <= 4, `insert used ${inserted.syncs - before} syncs (3 to write, at most 1 to look for an existing report)`);

    const values: Record<string, string> = { '11': '1.036', '12': '14,3', '13': '100', '14': '95', '15': '76,1', '16': '2,1', '17': '5,2', '18': '83', '19': '88' };
    for (const [code, v] of Object.entries(values)) await typeCell('Chỉ tiêu', `asr.value.${code}`, v);

    await byId('tab-check').click();
    await byId('check-run').click();
    await page.waitForSelector('[data-testid="finding-item"][data-code="ambiguous-number"]');
    assert.ok(Number(await byId('check-count-error').innerText()) >= 1);
    await page.screenshot({ path: path.join(shots, 'taskpane-check.png'), animations: 'disabled' });
    // A click on the finding selects its cell in the workbook.
    const finding = page.locator('[data-testid="finding-item"][data-code="ambiguous-number"]').first();
    await finding.click();
    await page.waitForFunction(() => (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { selection: unknown } } }).__ASR_FAKE_EXCEL__.workbook.selection !== null);
    const address = await typeCell('Chỉ tiêu', 'asr.value.11', '28,7');
    assert.equal((await fakeState()).selection, address, 'the finding selected the cell of indicator 11');

    await byId('check-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="finding-item"][data-code="ambiguous-number"]') === null);
    assert.equal(await byId('check-count-error').count() === 0 ? '0' : await byId('check-count-error').innerText(), '0');

    await byId('tab-send').click();
    // Before sending: the preview lists what the send adds, cell by cell.
    await byId('send-preview-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="send-preview-list"]')?.textContent?.includes('Chỉ tiêu 11: (trống) → 28,7'));
    await byId('send-run').click();
    await page.waitForSelector('[data-testid="send-phase"][data-phase="saved"]');
    const saved = await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
    assert.ok(saved, 'the report reached the server');
    assert.equal(saved.entries.find((e) => e.code === '11')?.value, '28,7');

    // Someone saves the same report meanwhile (another computer): the next send meets a conflict, shown in a dialog.
    const reportUrl = `/api/plans/${PLAN}/periods/2023/reports/hn-syt`;
    const theirs = await request(s.app).get(reportUrl).set('Authorization', `Bearer ${s.tokens.agencyA}`).expect(200);
    const entries = (theirs.body.entries as Array<{ code: string; value: unknown }>).map((e) => (e.code === '12' ? { ...e, value: '15' } : e));
    await request(s.app).put(reportUrl).set('Authorization', `Bearer ${s.tokens.agencyA}`).set('If-Match', theirs.headers.etag!).send({ entries, documents: theirs.body.documents ?? [], projects: theirs.body.projects ?? [] }).expect(200);
    await byId('send-run').click();
    await page.waitForSelector('[data-testid="conflict"] [data-testid="conflict-row"]');
    assert.deepEqual(await page.locator('[data-testid="conflict-row"]').evaluateAll((rows) => rows.map((r) => (r as unknown as { getAttribute(n: string): string }).getAttribute('data-key'))), ['value:12']);
    assert.match(await page.locator('[data-testid="conflict-row"]').innerText(), /14,3\s+15/);
    await page.screenshot({ path: path.join(shots, 'taskpane-conflict.png'), animations: 'disabled' });
    // Escape closes the dialog; the Gửi tab opens it again; keeping mine saves over the server's version.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="conflict-keep-mine"]', { state: 'hidden' });
    await byId('conflict-open').click();
    await byId('conflict-keep-mine').click();
    await page.waitForSelector('[data-testid="send-phase"][data-phase="saved"]');
    await page.waitForSelector('[data-testid="conflict-keep-mine"]', { state: 'hidden' });
    assert.equal((await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' }))?.entries.find((e) => e.code === '12')?.value, '14,3');

    await byId('submit-run').click();
    await page.waitForSelector('[data-testid="report-status"][data-status="submitted"], [data-testid="report-status"][data-status="late"]');
    const submitted = await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
    assert.ok(submitted && ['submitted', 'late'].includes(submitted.status), submitted?.status);
    // Submitted: "Gửi chính thức" is disabled and says why.
    await page.waitForFunction(() => document.querySelector('[data-testid="submit-blocked"]')?.textContent?.includes('đã gửi chính thức'));
    assert.equal(await byId('submit-run').getAttribute('disabled-focusable'), '');
    await page.screenshot({ path: path.join(shots, 'taskpane-send.png'), animations: 'disabled' });
  });

  it('switches to English and works from the keyboard alone', async () => {
    await byId('lang-select').selectOption('en');
    await page.waitForFunction(() => (document.querySelector('[data-testid="tab-check"]')?.textContent ?? '').includes('Check'));
    // Tabs follow the WAI-ARIA pattern: the selected tab is in the tab order, arrows move between tabs.
    await byId('tab-template').click();
    await byId('tab-template').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-testid="tab-check"]')?.getAttribute('aria-selected') === 'true');
    // One tab stop in the tablist (Fluent's focusgroup): Tab leaves it for the panel, Shift+Tab comes back to the selected tab and then leaves it.
    const focused = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);
    const roles = await page.evaluate(() => Array.from((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ tagName: string; getAttribute(n: string): string | null }> } }).document.querySelectorAll('[role="tab"]')).map((el) => [el.tagName, el.getAttribute('aria-selected')]));
    assert.deepEqual(roles.map(([tag]) => tag), Array(5).fill('FLUENT-TAB'));
    assert.deepEqual(roles.filter(([, selected]) => selected === 'true').length, 1);
    await page.keyboard.press('Tab');
    assert.ok(!(await focused())?.startsWith('tab-'), 'Tab leaves the tablist');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'tab-check');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'lang-select', 'the other tabs are not tab stops');
    await byId('check-run').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Checked/i.test(document.querySelector('[data-testid="status-message"]')?.textContent ?? ''));
    await byId('lang-select').selectOption('vi');
    await page.waitForFunction(() => (document.querySelector('[data-testid="tab-check"]')?.textContent ?? '').includes('Kiểm tra'));
  });

  it('keeps focus and the caret in a field while the state changes around it', async () => {
    await byId('tab-connect').click();
    const input = field('connect-url');
    await input.fill('https://example.gov.vn');
    await input.focus();
    await input.evaluate((el: { setSelectionRange(a: number, b: number): void }) => el.setSelectionRange(8, 8));
    await input.evaluate((el) => ((globalThis as unknown as { __typed: unknown }).__typed = el));
    // State updates from elsewhere: the language, a notice, the offline queue's retry.
    await page.evaluate(async () => {
      const pane = (globalThis as unknown as { __ASR_PANE__: { controller: { setLang(l: string): void; retryQueue(): Promise<void> } } }).__ASR_PANE__;
      pane.controller.setLang('en');
      await pane.controller.retryQueue();
    });
    await page.waitForFunction(() => (document.querySelector('[data-testid="tab-connect"]')?.textContent ?? '').includes('Connect'));
    const kept = await page.evaluate(() => {
      let active = (globalThis as unknown as { document: { activeElement: { shadowRoot: { activeElement: unknown } | null } | null } }).document.activeElement as unknown;
      while ((active as { shadowRoot?: { activeElement: unknown } | null })?.shadowRoot?.activeElement) active = (active as { shadowRoot: { activeElement: unknown } }).shadowRoot.activeElement;
      const el = active as { selectionStart: number; selectionEnd: number };
      return { same: active === (globalThis as unknown as { __typed: unknown }).__typed, start: el?.selectionStart, end: el?.selectionEnd };
    });
    assert.deepEqual(kept, { same: true, start: 8, end: 8 }, 'the same input keeps focus and the caret');
    await page.keyboard.type('www.');
    assert.equal(await input.inputValue(), 'https://www.example.gov.vn', 'typing goes on where the caret was');
    await page.evaluate(() => (globalThis as unknown as { __ASR_PANE__: { controller: { setLang(l: string): void } } }).__ASR_PANE__.controller.setLang('vi'));
  });

  it('as the consolidator: pulls the consolidated workbook with tables and charts, and approves', async () => {
    await byId('tab-connect').click();
    const disconnect = byId('connect-disconnect');
    if (await disconnect.count()) await disconnect.click();
    await field('connect-url').fill(base);
    await field('connect-token').fill(s.tokens.consolidator);
    await byId('connect-submit').click();
    await page.waitForFunction(() => /Cơ quan thường trực|consolidator/i.test(document.querySelector('[data-testid="status-message"]')?.textContent ?? ''));

    await byId('tab-consolidate').click();
    await byId('consolidate-plan').selectOption(PLAN);
    await byId('consolidate-period').selectOption('2023');
    await byId('consolidate-load').click();
    await page.waitForSelector('[data-testid="agency-row"][data-key="hn-syt"]');
    assert.match((await page.locator('[data-testid="agency-row"][data-key="hn-syt"]').getAttribute('data-status')) ?? '', /submitted|late/);
    assert.equal(await page.locator('[data-testid="agency-row"][data-key="hn-bhxh"]').getAttribute('data-status'), 'missing');
    assert.equal(await byId('consolidate-basis').getAttribute('data-basis'), 'submitted');
    assert.equal(await page.locator('[data-testid="consolidate-category"]').count(), 6, 'the four categories, not assessable and no data');
    await byId('consolidate-drafts').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="consolidate-basis"]')?.getAttribute('data-basis') === 'drafts');
    await byId('consolidate-drafts').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="consolidate-basis"]')?.getAttribute('data-basis') === 'submitted');
    await byId('consolidate-write').click();
    await page.waitForFunction(() =>
      (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { sheets: Array<{ name: string; deleted: boolean }> } } }).__ASR_FAKE_EXCEL__.workbook.sheets.some((x) => !x.deleted && x.name.startsWith('Phụ lục 1')),
    );
    const state = await fakeState();
    const tables = state.sheets.reduce((n, x) => n + x.tables, 0);
    const charts = state.sheets.reduce((n, x) => n + x.charts, 0);
    assert.ok(tables >= 5, `${tables} Excel tables`);
    assert.equal(charts, 2, 'progress per indicator and category counts');

    // Keyed updates: approving reloads the whole table, yet only the approved agency's row changes.
    await watchRows();
    await page.locator('[data-testid="agency-approve"][data-key="hn-syt"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="agency-row"][data-key="hn-syt"]')?.getAttribute('data-status') === 'approved');
    const touched = await rowChanges();
    assert.ok(touched.rows > 10, `${touched.rows} rows in the table`);
    assert.deepEqual(touched.replaced, [], 'every row is the same element after the reload');
    assert.deepEqual(touched.outside, [], 'nothing changed outside the approved row but the busy state of buttons');
    assert.ok(touched.inside > 0, 'the approved row changed');
    const approved = await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
    assert.equal(approved?.status, 'approved');
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'taskpane-consolidate.png'), animations: 'disabled' });

    // Returning a report: the comment field opens under the agency's row with focus in it.
    await page.locator('[data-testid="agency-return"][data-key="hn-syt"]').click();
    assert.equal(await page.locator('[data-testid="agency-return"][data-key="hn-syt"]').getAttribute('aria-expanded'), 'true');
    await page.keyboard.type('Thiếu số liệu chỉ tiêu 13');
    assert.equal(await page.locator('[data-testid="return-comment"][data-key="hn-syt"] textarea').inputValue(), 'Thiếu số liệu chỉ tiêu 13', 'focus went to the comment');
    await page.locator('[data-testid="return-confirm"][data-key="hn-syt"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="agency-row"][data-key="hn-syt"]')?.getAttribute('data-status') === 'returned');
    assert.equal(await page.locator('[data-testid="return-form"]').count(), 0, 'the form closes');
    const returned = await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
    assert.deepEqual([returned?.status, returned?.comment], ['returned', 'Thiếu số liệu chỉ tiêu 13']);
    console.log(`      screenshots in ${shots}`);
  });

  it('as the consolidator: filters the agencies, copies the reminder list, opens a report and reviews it before approving', async () => {
    // Sở Y tế corrects indicator 14 with a reason and submits again (its returned report is unlocked).
    const reportUrl = `/api/plans/${PLAN}/periods/2023/reports/hn-syt`;
    const agency = `Bearer ${s.tokens.agencyA}`;
    const mine = await request(s.app).get(reportUrl).set('Authorization', agency).expect(200);
    const entries = (mine.body.entries as Array<{ code: string; value: unknown; note?: string | null }>).map((e) => (e.code === '14' ? { ...e, value: '80', note: 'Thiếu nhân lực y tế cơ sở' } : e));
    const saved = await request(s.app).put(reportUrl).set('Authorization', agency).set('If-Match', mine.headers.etag!).send({ entries, documents: mine.body.documents ?? [], projects: mine.body.projects ?? [] }).expect(200);
    await request(s.app).post(`${reportUrl}/submit`).set('Authorization', agency).set('If-Match', saved.headers.etag!).expect(200);

    await byId('consolidate-load').click();
    await page.waitForFunction(() => /submitted|late/.test(document.querySelector('[data-testid="agency-row"][data-key="hn-syt"]')?.getAttribute('data-status') ?? ''));
    assert.equal(await page.locator('[data-testid="glance-category"]').count(), 6, 'the category counts at a glance');

    // Filters: only the missing agencies, then all again; the rows are the same elements.
    const rows = page.locator('[data-testid="agency-row"]');
    const all = await rows.count();
    await byId('agency-filter-status').selectOption('missing');
    await page.waitForFunction(() => !document.querySelector('[data-testid="agency-row"][data-key="hn-syt"]'));
    assert.equal(await rows.count(), all - 1);
    await byId('agency-filter-status').selectOption('all');
    await page.waitForSelector('[data-testid="agency-row"][data-key="hn-syt"]');
    assert.equal(await rows.count(), all);

    // The reminder list: the missing agencies with due date, "(chưa có liên hệ)" without a contact.
    await byId('reminder-copy').click();
    const reminder = await byId('reminder-text').inputValue();
    assert.match(reminder, /Bảo hiểm xã hội Thành phố — Chưa gửi — 30\/11\/2023 — \(chưa có liên hệ\)/);

    await page.locator('[data-testid="agency-review"][data-key="hn-syt"]').click();
    await page.waitForSelector('[data-testid="report-review"]:not([hidden]) [data-testid="review-figure"][data-key="14"]');
    const review = byId('report-review');
    const text = await review.innerText();
    assert.match(text, /Lần gửi \d+, lưu lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T|\br\d+\b/, 'no ISO time, no "r4"');
    assert.equal(await page.locator('[data-testid="review-figure"][data-key="14"]').getAttribute('data-verdict'), 'notMet');
    assert.match(await byId('review-notes').innerText(), /Chỉ tiêu 14: Thiếu nhân lực y tế cơ sở/);
    const history = await byId('review-history').innerText();
    assert.match(history, /Chỉ tiêu 14 · số liệu: .+ → 80/);
    assert.match(history, /Chỉ tiêu 14 · ghi chú: \(trống\) → Thiếu nhân lực y tế cơ sở/);
    assert.match(history, /Cơ quan thường trực, \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} — trả lại/, 'who returned it, when');
    await review.screenshot({ path: path.join(shots, 'taskpane-review.png') });

    await byId('review-approve').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="agency-row"][data-key="hn-syt"]')?.getAttribute('data-status') === 'approved');
    assert.equal(await review.isHidden(), true, 'the review closes on the decision');
    assert.equal((await s.store.getReport({ planId: PLAN, period: '2023', agencyId: 'hn-syt' }))?.status, 'approved');
  });

  it('as the consolidator: judges an indicator whose target the plan leaves to the consolidator', async () => {
    await request(s.app).post('/api/plans').set('Authorization', `Bearer ${s.tokens.admin}`).send(examplePlanJudgedByHand()).expect(201);
    // Plans are read at sign-in: sign in again to see the new one.
    await byId('tab-connect').click();
    await byId('connect-disconnect').click();
    await field('connect-url').fill(base);
    await field('connect-token').fill(s.tokens.consolidator);
    await byId('connect-submit').click();
    await page.waitForFunction(() => /Cơ quan thường trực|consolidator/i.test(document.querySelector('[data-testid="status-message"]')?.textContent ?? ''));
    await byId('tab-consolidate').click();
    await byId('consolidate-plan').selectOption('hn-example-2026');
    await byId('consolidate-period').selectOption('2027');
    await byId('consolidate-load').click();
    const row = '[data-testid="hand-judged-row"][data-key="1"]';
    await page.waitForSelector(row);
    assert.match(await page.locator(`${row} [data-testid="hand-judged-current"]`).innerText(), /Theo lộ trình của Trung ương — Chưa đánh giá/);
    await page.locator(`${row} [data-testid="judgement-verdict"]`).selectOption('withinTolerance');
    await page.locator(`${row} [data-testid="judgement-reason"] textarea`).fill('Đã ban hành 3/4 văn bản theo lộ trình');
    await page.locator(`${row} [data-testid="judgement-save"]`).click();
    await page.waitForFunction((sel) => (document.querySelector(`${sel} [data-testid="hand-judged-current"]`)?.textContent ?? '').includes('Cơ bản đạt — Đã ban hành 3/4 văn bản theo lộ trình (Cơ quan thường trực, '), row);
    await page.locator('[data-testid="hand-judged"]').screenshot({ path: path.join(shots, 'taskpane-judgement.png') });
    const stored = await s.store.listJudgements({ planId: 'hn-example-2026', period: '2027' });
    assert.deepEqual(stored.map((j) => [j.indicator, j.verdict, j.reason]), [['1', 'withinTolerance', 'Đã ban hành 3/4 văn bản theo lộ trình']]);
  });

  it('a plan written as tasks: the agency fills its Nhiệm vụ sheet, the check names the task, it submits; the consolidator sees the task counts', async () => {
    await request(s.app).post('/api/plans').set('Authorization', `Bearer ${s.tokens.admin}`).send(JSON.parse(readFileSync('test/fixtures/task-plan.json', 'utf8'))).expect(201);
    s.clock.now = new Date('2026-11-20T08:00:00Z');
    const signIn = async (token: string, who: RegExp) => {
      await byId('tab-connect').click();
      const disconnect = byId('connect-disconnect');
      if (await disconnect.count()) await disconnect.click();
      await field('connect-url').fill(base);
      await field('connect-token').fill(token);
      await byId('connect-submit').click();
      await page.waitForFunction((re) => new RegExp(re, 'i').test(document.querySelector('[data-testid="status-message"]')?.textContent ?? ''), who.source);
    };
    await signIn(s.tokens.agencyA, /Sở Y tế/);
    await byId('tab-template').click();
    await byId('template-plan').selectOption('hn-tasks-2026');
    await byId('template-period').selectOption('2026');
    await byId('template-insert').click();
    await page.waitForFunction(() =>
      (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { sheets: Array<{ name: string; deleted: boolean }> } } }).__ASR_FAKE_EXCEL__.workbook.sheets.some((x) => !x.deleted && x.name === 'Nhiệm vụ'),
    );
    // The workbook holds plan 207's template too: this one's indicator sheet is the newest "Chỉ tiêu…".
    const indicatorSheet = (await fakeState()).sheets.filter((x) => x.name.startsWith('Chỉ tiêu')).at(-1)!.name;
    await typeCell(indicatorSheet, inputName('value', '2'), 95);
    await typeCell('Nhiệm vụ', inputName('taskStatus', 'IV.2.1'), 'Đang thực hiện');
    await typeCell('Nhiệm vụ', inputName('taskStatus', 'IV.2.2'), 'Chưa đến hạn');
    await typeCell('Nhiệm vụ', inputName('taskStatus', 'IV.2.3'), 'Hoàn thành');
    await typeCell('Nhiệm vụ', inputName('taskEvidence', 'IV.2.3'), 'Báo cáo 300/BC-SYT ngày 1/12/2026');

    await byId('tab-check').click();
    await byId('check-run').click();
    const contradiction = page.locator('[data-testid="finding-item"][data-code="task-status-contradicts-due"]');
    await contradiction.waitFor();
    assert.match(await contradiction.innerText(), /IV\.2\.2.*Hướng dẫn khám sức khỏe định kỳ cho người cao tuổi/s);
    await typeCell('Nhiệm vụ', inputName('taskStatus', 'IV.2.2'), 'Chưa thực hiện');
    await typeCell('Nhiệm vụ', inputName('taskAccount', 'IV.2.2'), 'Chờ hướng dẫn của Bộ Y tế');
    await byId('check-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="finding-item"][data-code^="task-"]') === null);

    await byId('tab-send').click();
    await byId('submit-run').click();
    await page.waitForSelector('[data-testid="report-status"][data-status="submitted"], [data-testid="report-status"][data-status="late"]');
    const stored = await s.store.getReport({ planId: 'hn-tasks-2026', period: '2026', agencyId: 'hn-syt' });
    assert.deepEqual(stored?.tasks?.map((x) => [x.code, x.status]), [['IV.2.1', 'inProgress'], ['IV.2.2', 'notStarted'], ['IV.2.3', 'completed']]);

    await signIn(s.tokens.consolidator, /Cơ quan thường trực|consolidator/);
    await byId('tab-consolidate').click();
    await byId('consolidate-plan').selectOption('hn-tasks-2026');
    await byId('consolidate-period').selectOption('2026');
    await byId('consolidate-load').click();
    await page.waitForSelector('[data-testid="consolidate-tasks"]:not([hidden]) [data-testid="consolidate-task-count"][data-key="completed"]');
    const counts = await page.locator('[data-testid="consolidate-task-count"]').evaluateAll((items) => items.map((i) => [(i as unknown as { getAttribute(n: string): string }).getAttribute('data-key'), (i as unknown as { getAttribute(n: string): string }).getAttribute('data-count')]));
    assert.deepEqual(counts, [['completed', '1'], ['inProgress', '1'], ['notStarted', '1'], ['notYetDue', '0'], ['notReported', '2']]);
    assert.equal(await byId('consolidate-tasks-overdue').getAttribute('data-count'), '3');
    assert.match(await page.locator('[data-testid="consolidate-task-agency"][data-key="hn-syt"]').innerText(), /Sở Y tế: 3 nhiệm vụ/);
    await byId('consolidate-tasks').screenshot({ path: path.join(shots, 'taskpane-tasks.png') });
  });

  it('as the consolidator: drafts a plan from the selected appendix table; a finding selects its cell', async () => {
    await byId('tab-consolidate').click();
    // A pasted table from B2: indicator 2's lead is blank (merged in the Word file).
    await page.evaluate(() => {
      const host = (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { addSheet(n: string): { id: string; touch(r: number, c: number): { value: unknown } }; activeSheetId: string | null; selection: unknown } } }).__ASR_FAKE_EXCEL__;
      const sheet = host.workbook.addSheet('Phụ lục 1');
      const rows = [['TT', 'Chỉ tiêu', 'Năm 2026', 'Cơ quan chủ trì', 'Cơ quan phối hợp'], ['1', 'Tỷ lệ thất nghiệp', 'Dưới 4%', 'Sở Y tế', 'Cục Thống kê'], ['2', 'Tỷ lệ bao phủ bảo hiểm y tế', '91%', '', '']];
      rows.forEach((row, r) => row.forEach((text, c) => {
        if (text) sheet.touch(r + 1, c + 1).value = text;
      }));
      host.workbook.activeSheetId = sheet.id;
      host.workbook.selection = { sheetId: sheet.id, address: 'B2:F4' };
    });
    for (const [key, value] of [['id', 'hn-draft-2026'], ['number', '1/KH-UBND'], ['title', 'Kế hoạch thử'], ['startYear', '2026'], ['endYear', '2026']] as const) await field(`plan-draft-${key}`).fill(value);
    await byId('plan-draft-create').click();
    await page.waitForSelector('[data-testid="plan-draft-indicator"]');
    assert.equal(await page.locator('[data-testid="plan-draft-indicator"]').count(), 2);
    const fromAbove = page.locator('[data-testid="plan-draft-finding"]', { hasText: 'E4' });
    assert.match(await fromAbove.innerText(), /Ghi chú E4: .*Sở Y tế/);
    await fromAbove.click();
    await page.waitForFunction(() => (globalThis as unknown as { __ASR_FAKE_EXCEL__: { workbook: { selection: { address: string } | null } } }).__ASR_FAKE_EXCEL__.workbook.selection?.address === 'E4');
    await page.locator('[data-testid="plan-draft"]').screenshot({ path: path.join(shots, 'taskpane-plan-draft.png') });
  });

  it('ran every step under the CSP the server sends: no violation, no eval', async () => {
    const res = await fetch(`${base}/addin/taskpane.html`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' https:\/\/appsforoffice\.microsoft\.com(;|$)/, csp);
    assert.doesNotMatch(csp, /unsafe-eval/);
    // office.js outside Office tries to frame its telemetry page: its own business, not the pane's.
    const violations = await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
    assert.deepEqual(violations.filter((v) => !v.includes('/addin/office/')), []);
    // The Fluent components are defined and rendered in their shadow roots.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { customElements: { get(n: string): unknown } }).customElements.get('fluent-button') !== undefined), true);
  });
});
