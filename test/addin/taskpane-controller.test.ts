import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { agencyTemplate } from '../../shared/layout/template';
import type { WorkbookLayout } from '../../shared/layout/types';
import type { EntryInput } from '../../shared/schema/report';
import { validateReport } from '../../shared/validate';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from '../../addin/excel/port';
import { ApiClient, OfflineQueue, QUEUE_STORAGE_KEY, normalizeBaseUrl } from '../../addin/src/api';
import { STORAGE_KEYS, TaskpaneController, conflictRows, currentPeriod, judgementOf, periodChoices } from '../../addin/src/controller';
import { LANG_STORAGE_KEY, MESSAGE_KEYS, t } from '../../addin/src/i18n';
import { MapStorage } from './map-storage';
import { freePort } from '../server/child-server';
import { SYT_2023_ENTRIES, examplePlanJudgedByHand } from '../server/harness';
import { startRealServer } from './real-server';
import type { RealServer, Who } from './real-server';

/**
 * The pane's controller against the real server (test/addin/real-server.ts): createApp with
 * the shipped catalog, the memory store and real tokens, on 127.0.0.1. Only the workbook is
 * a stand-in (stubPort below); the fake Excel host has its own tests.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const PLAN = 'hn-kh207-2021';
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));
const SYT_REPORT = (period: string) => ({ planId: PLAN, period, agencyId: 'hn-syt' });

/** Values that meet Sở Y tế's 2023 targets (as in the engine's tests). */
const SYT_2023: Record<string, string> = { '11': '28,5', '12': '14,3', '13': '100%', '14': '95,2', '15': '76,1', '16': '2,1', '17': '5,3', '18': '83', '19': '88,4' };
const sytEntries = (over: Record<string, Partial<EntryInput>> = {}): EntryInput[] =>
  Object.entries(SYT_2023).map(([code, value]) => ({ code, value, note: null, ...over[code] }));
const sheet = (over: Record<string, Partial<EntryInput>> = {}): ReadInputs => ({ entries: sytEntries(over), documents: [], projects: [] });


/** A port that keeps the template's inputs in memory and records every call. */
function stubPort(initial: ReadInputs = { entries: [], documents: [], projects: [] }) {
  let inputs = structuredClone(initial);
  const calls = {
    insert: [] as WorkbookLayout[],
    judgements: [] as Judgement[],
    writes: [] as ReadInputs[],
    selects: [] as Array<{ kind: string; code: string }>,
    consolidated: [] as WorkbookLayout[],
  };
  const templates: TemplateRef[] = [];
  const port: WorkbookPort = {
    async insertTemplate(layout) {
      calls.insert.push(layout);
      const m = layout.metadata;
      const ref: TemplateRef = {
        planId: m.planId!, revision: Number(m.revision), agencyId: m.agencyId!, period: m.period!, lang: m.lang === 'en' ? 'en' : 'vi',
        sheets: layout.sheets.map((s, i) => ({ role: s.role, id: `sheet-${i}`, name: s.name })),
      };
      templates.push(ref);
      return ref;
    },
    async findTemplates() {
      return [...templates];
    },
    async validateInPlace(_template, judge) {
      const judgement = judge(structuredClone(inputs));
      calls.judgements.push(judgement);
      return judgement;
    },
    async writeInputs(_template, written) {
      calls.writes.push(structuredClone(written));
      inputs = structuredClone(written);
    },
    async selectInput(_template, input) {
      calls.selects.push(input);
    },
    async writeConsolidated(layout) {
      calls.consolidated.push(layout);
      return { sheets: layout.sheets.map((s) => s.name) };
    },
  };
  return { port, calls, setInputs: (next: ReadInputs) => (inputs = structuredClone(next)) };
}

let srv: RealServer;
let idCounter = 0;

/** A pane on its own computer (its own storage and workbook), talking to `srv`. */
function setup(initial?: ReadInputs) {
  const storage = new MapStorage();
  const stub = stubPort(initial);
  const controller = new TaskpaneController({
    port: stub.port,
    storage,
    fetch: srv.fetch,
    now: () => srv.clock.now,
    newId: () => `id-${++idCounter}`,
  });
  return { storage, controller, ...stub };
}

/** Signed in, plan 207, period 2023. */
async function connected(who: Who = srv.tokens.syt, initial?: ReadInputs) {
  const s = setup(initial);
  await s.controller.connect(`${srv.base}/`, who.secret);
  await s.controller.selectPlan(PLAN);
  s.controller.selectPeriod('2023');
  return s;
}

/** A client outside the pane (not through the failure switches, not recorded). */
const direct = (who: Who) => new ApiClient({ baseUrl: srv.base, token: who.secret });

/** Sở Y tế's 2022 report with indicator 17 at `value17`, submitted: last year's stored value for 2023. */
async function submit2022(value17: string): Promise<void> {
  const api = direct(srv.tokens.sytOther);
  const entries = SYT_2023_ENTRIES.map((e) => ({ ...e, value: e.code === '17' ? value17 : e.value, note: 'Số liệu của Sở' }));
  const saved = await api.putReport(SYT_REPORT('2022'), { entries, documents: [], projects: [] }, { etag: null, idempotencyKey: 'seed-2022' });
  assert.equal(saved.status, 'saved');
  await api.submit(SYT_REPORT('2022'), saved.status === 'saved' ? saved.etag : null);
}

const revisions = async (period = '2023') => (await srv.history(SYT_REPORT(period))).length;
const latest = async (period = '2023') => (await srv.history(SYT_REPORT(period))).at(-1)!;

describe('task pane controller (against the real server)', () => {
  beforeEach(async () => {
    srv = await startRealServer();
  });
  afterEach(async () => srv.close());

  describe('connect', () => {
    it('stores the URL and token in the add-in storage, and shows who and which role', async () => {
      const { controller, storage, calls } = setup();
      const me = await controller.connect(`${srv.base}/api/`, `  ${srv.tokens.syt.secret} `);
      assert.equal(me.role, 'agency');
      assert.equal(me.agencyId, 'hn-syt');
      assert.equal(me.tokenId, srv.tokens.syt.id);
      assert.equal(controller.state.me?.agencyName, 'Sở Y tế');
      assert.equal(storage.getItem(STORAGE_KEYS.server), srv.base);
      assert.equal(storage.getItem(STORAGE_KEYS.token), srv.tokens.syt.secret);
      assert.deepEqual(controller.state.agencyChoices.map((a) => a.id), ['hn-syt']);
      assert.equal(controller.state.notice?.kind, 'success');
      assert.match(controller.state.notice.text.vi, /Đã kết nối: Sở Y tế/);
      assert.match(controller.state.notice.text.en, /Connected: Department of Health/);
      assert.equal(controller.text('role_agency'), 'Đơn vị báo cáo');
      // The plan list is the server's catalog; the first plan is chosen, at the period due next.
      assert.deepEqual(controller.state.plans.map((p) => p.id).sort(), ['hn-kh181-2024', 'hn-kh207-2021', 'hp-kh113-2022']);
      const first = controller.state.plans[0]!;
      assert.equal(controller.state.planId, first.id);
      assert.equal(controller.state.period, currentPeriod(compilePlan(await direct(srv.tokens.syt).plan(first.id)).plan, '2023-11-01'));
      await controller.selectPlan(PLAN);
      assert.equal(controller.state.periods.length, 15, '6M, 9M and year × 2021-2025');
      assert.equal(controller.state.plans.find((p) => p.id === PLAN)?.indicators, plan207.plan.indicators.length);
      // Nothing about the connection goes near the workbook.
      assert.equal(calls.insert.length + calls.writes.length, 0);
    });

    it('chooses the period due next on the clock', async () => {
      const early = setup();
      await early.controller.connect(srv.base, srv.tokens.syt.secret);
      const first = compilePlan(await direct(srv.tokens.syt).plan(early.controller.state.planId!)).plan;
      assert.equal(early.controller.state.period, currentPeriod(first, '2023-11-01'));
      srv.clock.now = new Date('2024-07-01T08:00:00Z');
      const later = setup();
      await later.controller.connect(srv.base, srv.tokens.syt.secret);
      assert.equal(later.controller.state.period, currentPeriod(first, '2024-07-01'));
      assert.notEqual(later.controller.state.period, early.controller.state.period, 'the clock moved past a deadline');
      assert.equal(currentPeriod(plan207.plan, '2023-11-01'), '2023', 'on 1 Nov 2023 the 2023 annual report (due 30 Nov) is next');
      assert.equal(currentPeriod(plan207.plan, '2023-12-01'), '2024-6M');
    });

    it('a bad token is forgotten and the server message is shown in both languages', async () => {
      const { controller, storage } = setup();
      await assert.rejects(controller.connect(srv.base, 'asr_wrong'));
      assert.equal(storage.getItem(STORAGE_KEYS.token), null);
      assert.equal(controller.state.me, null);
      assert.equal(controller.state.hasToken, false);
      assert.equal(controller.state.notice?.kind, 'error');
      // Exactly what the server says to a wrong token, whatever its wording.
      const answer = await globalThis.fetch(`${srv.base}/api/me`, { headers: { Authorization: 'Bearer asr_wrong' } });
      assert.equal(answer.status, 401);
      const said = ((await answer.json()) as { error: { message: { vi: string; en: string } } }).error.message;
      assert.deepEqual(controller.state.notice?.text, said);
      assert.match(said.vi, /mã truy cập/i);
    });

    it('an unreachable server is a network error, said in the UI language', async () => {
      const { controller, storage } = setup();
      controller.setLang('en');
      // Nothing listens on this port: the real fetch fails to connect.
      await assert.rejects(controller.connect(`http://127.0.0.1:${await freePort()}`, srv.tokens.syt.secret));
      assert.match(controller.show(controller.state.notice!.text), /cannot be reached/);
      assert.equal(controller.state.me, null);
      assert.equal(storage.getItem(STORAGE_KEYS.token), srv.tokens.syt.secret, 'a network failure does not forget the token');
    });

    it('the language choice is stored and every string exists in both languages', () => {
      const { controller, storage } = setup();
      assert.equal(controller.state.lang, 'vi');
      controller.setLang('en');
      assert.equal(storage.getItem(LANG_STORAGE_KEY), 'en');
      const again = new TaskpaneController({ port: stubPort().port, storage });
      assert.equal(again.state.lang, 'en');
      assert.ok(MESSAGE_KEYS.length > 50, 'the message table is listed');
      for (const key of MESSAGE_KEYS) {
        assert.ok(t(key, 'vi').length > 0 && t(key, 'en').length > 0, key);
      }
      assert.equal(t('tabConnect', 'vi'), 'Kết nối');
      assert.equal(t('tabConsolidate', 'en'), 'Consolidate');
    });

    it('normalises the server address', () => {
      assert.equal(normalizeBaseUrl('https://h.example:3000/'), 'https://h.example:3000');
      assert.equal(normalizeBaseUrl('https://h.example/api'), 'https://h.example');
      assert.equal(normalizeBaseUrl('https://h.example/addin/'), 'https://h.example');
      assert.throws(() => normalizeBaseUrl('ftp://h.example'));
    });
  });

  describe('plans and periods', () => {
    it('period choices are the reporting kinds × the plan years', () => {
      const choices = periodChoices(plan207.plan);
      assert.deepEqual(choices.slice(0, 4).map((c) => c.id), ['2021-6M', '2021-9M', '2021', '2022-6M']);
      assert.equal(choices.length, 3 * 5);
      assert.equal(choices[0]!.label.vi, '6 tháng đầu năm 2021');
      assert.equal(choices[2]!.label.en, 'year 2021');
      assert.equal(currentPeriod(plan207.plan, '2030-01-01'), '2025');
    });
  });

  describe('insert template', () => {
    it("calls port.insertTemplate with agencyTemplate's layout for the token's agency", async () => {
      const { controller, calls } = await connected();
      const ref = await controller.insertTemplate();
      assert.equal(calls.insert.length, 1);
      // The plan and register the server serves give the same layout as the shipped files.
      assert.deepEqual(calls.insert[0], agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023', lang: 'vi' }));
      assert.equal(ref.agencyId, 'hn-syt');
      assert.equal(controller.state.template, ref);
      assert.equal(calls.writes.length, 0, 'no saved report yet: the fresh sheet stays blank');
      assert.equal(controller.state.report, null);
    });

    it('an agency cannot insert another agency’s template; a consolidator may choose any', async () => {
      const agency = await connected();
      await assert.rejects(agency.controller.insertTemplate({ agencyId: 'hn-sgddt' }));
      assert.equal(agency.calls.insert.length, 0);

      const city = await connected(srv.tokens.city);
      assert.ok(city.controller.state.agencyChoices.length > 5);
      assert.ok(city.controller.state.agencyChoices.some((a) => a.id === 'hn-sgddt'));
      city.controller.selectAgency('hn-sgddt');
      city.controller.setLang('en');
      await city.controller.insertTemplate();
      assert.deepEqual(city.calls.insert[0], agencyTemplate(plan207, register, { agencyId: 'hn-sgddt', period: '2023', lang: 'en' }));
    });

    it('a template inserted where the server already has a report is filled with it and takes its ETag', async () => {
      const first = await connected(srv.tokens.sytOther, sheet());
      await first.controller.insertTemplate();
      await first.controller.send();
      // Same server, another computer: a fresh sheet.
      const { controller, calls } = await connected(srv.tokens.syt);
      await controller.insertTemplate();
      assert.equal(calls.writes.length, 1);
      assert.deepEqual(calls.writes[0]!.entries.map((e) => [e.code, e.value]), Object.entries(SYT_2023));
      assert.deepEqual(controller.state.report, { status: 'draft', revision: 1, late: false, comment: null });
      await controller.send();
      assert.equal(srv.puts().at(-1)!.headers['if-match'], '"r1"');
      assert.equal(await revisions(), 2);
    });
  });

  describe('validate', () => {
    it('maps a missed target to "Chưa đạt" and highlights the input; an ambiguous number is an error highlight', async () => {
      const { controller, calls } = await connected(srv.tokens.syt, sheet({ '14': { value: 80 }, '11': { value: '1.036' } }));
      await controller.insertTemplate();
      const check = await controller.validate();
      const judgement = calls.judgements[0]!;
      const out = (kind: string, code: string) => judgement.outputs.find((o) => o.kind === kind && o.code === code)?.value;
      assert.equal(out('verdict', '14'), 'Chưa đạt');
      assert.equal(typeof out('progressYear', '14'), 'number');
      assert.equal(out('progressYear', '14'), Math.round((80 / 94) * 1000) / 10);
      assert.equal(out('category', '14'), '4. Gặp khó khăn');
      assert.equal(out('verdict', '12'), 'Đạt');
      assert.equal(out('verdict', '11'), null, 'an unreadable value gets no verdict');
      const hl = (kind: string, code: string) => judgement.highlights.find((h) => h.kind === kind && h.code === code)?.severity;
      assert.equal(hl('value', '14'), 'warning');
      assert.equal(hl('note', '14'), 'error', 'a missed annual target needs an explanation');
      assert.equal(hl('value', '11'), 'error');
      assert.equal(hl('value', '12'), undefined);
      assert.equal(check.counts.error, 2);
      assert.ok(check.findings.some((f) => f.code === 'target-missed' && f.severity === 'warning'));
      assert.equal(check.valid, false);
      assert.deepEqual(check.findings.slice(0, 2).map((f) => f.severity), ['error', 'error']);
      const ambiguous = check.findings.find((f) => f.code === 'ambiguous-number')!;
      assert.deepEqual(ambiguous.input, { kind: 'value', code: '11' });
      assert.equal(ambiguous.where.vi, 'Chỉ tiêu 11 (Số giường bệnh/vạn dân) — kết quả', 'the finding names the indicator by code and name');
      await controller.selectFinding(ambiguous);
      assert.deepEqual(calls.selects, [{ kind: 'value', code: '11' }]);
      assert.equal(srv.puts().length, 0, 'checking saves nothing');
    });

    it('writes the labels in the template’s language', async () => {
      const { controller, calls } = await connected(srv.tokens.syt, sheet({ '14': { value: 80 } }));
      controller.setLang('en');
      await controller.insertTemplate();
      await controller.validate();
      assert.equal(calls.judgements[0]!.outputs.find((o) => o.kind === 'verdict' && o.code === '14')?.value, 'Not met');
    });

    it('judgementOf keeps the worst finding per input', () => {
      const report = validateReport(plan207, { agencyId: 'hn-syt', period: '2023', entries: sytEntries({ '14': { value: 80 } }) }, { register });
      const j = judgementOf(report, 'vi');
      assert.equal(j.highlights.filter((h) => h.code === '14').length, 2);
    });

    it("judges a change target with the server's stored values of last year, as PUT does (plan 207, indicator 17, 2023: 1,2 after 1,4)", async () => {
      await submit2022('1,4');
      const { controller, calls } = await connected(srv.tokens.syt, sheet({ '17': { value: '1,2' } }));
      await controller.insertTemplate();
      const check = await controller.validate();
      assert.ok(srv.requests.some((r) => r.method === 'GET' && r.path === `/api/plans/${PLAN}/periods/2023/previous`));
      assert.equal(check.previous.source, 'server');
      assert.equal(check.previous.previousPeriod, '2022');
      assert.equal(check.previous.values['17'], 1.4);
      assert.equal(check.report.results.find((r) => r.code === '17')?.evaluation?.year.verdict, 'met');
      assert.equal(calls.judgements[0]!.outputs.find((o) => o.kind === 'verdict' && o.code === '17')?.value, 'Đạt');
      assert.ok(!check.findings.some((f) => f.code === 'previous-missing'));
      // The server's verdict on the PUT is the pane's.
      await controller.send();
      assert.equal(srv.puts().length, 1);
      assert.deepEqual((await latest()).validation.findings, JSON.parse(JSON.stringify(check.report.findings)));
    });

    it('a decrease too small against last year is "Chưa đạt" in the pane and on the server alike', async () => {
      await submit2022('1,4');
      const { controller, calls } = await connected(srv.tokens.syt, sheet({ '17': { value: '1,35', note: 'Giảm ít' } }));
      await controller.insertTemplate();
      const check = await controller.validate();
      assert.equal(check.report.results.find((r) => r.code === '17')?.evaluation?.year.verdict, 'notMet');
      assert.equal(calls.judgements[0]!.outputs.find((o) => o.kind === 'verdict' && o.code === '17')?.value, 'Chưa đạt');
      await controller.send();
      const stored = (await latest()).validation as unknown as { results: Array<{ code: string; verdict: string | null }> };
      assert.equal(stored.results.find((r) => r.code === '17')?.verdict, 'notMet');
    });

    it("without last year's value the pane says so as the server does (previous-missing)", async () => {
      const { controller } = await connected(srv.tokens.syt, sheet({ '17': { value: '1,2' } }));
      await controller.insertTemplate();
      const check = await controller.validate();
      const missing = check.findings.find((f) => f.code === 'previous-missing');
      assert.ok(missing, 'the finding is listed in the pane');
      assert.deepEqual(missing.input, { kind: 'value', code: '17' });
      assert.match(missing.message.vi, /chưa có số liệu cùng kỳ năm trước/);
      await controller.send();
      const stored = (await latest()).validation.findings as unknown as Array<{ code: string; indicator?: string }>;
      assert.ok(stored.some((f) => f.code === 'previous-missing' && f.indicator === '17'));
    });

    it('offline, the check uses the values fetched last and says so; never fetched, it says that instead', async () => {
      await submit2022('1,4');
      const { controller } = await connected(srv.tokens.syt, sheet({ '17': { value: '1,2' } }));
      await controller.insertTemplate();
      await controller.validate();
      srv.clock.now = new Date('2023-11-02T03:15:00Z');
      srv.net.offline = true;
      const offline = await controller.validate();
      assert.equal(offline.previous.source, 'cache');
      assert.equal(offline.report.results.find((r) => r.code === '17')?.evaluation?.year.verdict, 'met');
      assert.equal(controller.state.notice?.kind, 'warning');
      assert.match(controller.state.notice.text.vi, /số liệu cùng kỳ năm trước \(2022\) là bản đã tải lúc 2023-11-01 08:00/);
      assert.match(controller.state.notice.text.en, /last year's values \(2022\) are the copy fetched at/);

      // Another computer (empty storage) that never fetched them.
      srv.net.offline = false;
      const fresh = await connected(srv.tokens.syt, sheet({ '17': { value: '1,2' } }));
      await fresh.controller.insertTemplate();
      srv.net.offline = true;
      const never = await fresh.controller.validate();
      assert.equal(never.previous.source, 'none');
      assert.ok(never.findings.some((f) => f.code === 'previous-missing'));
      assert.match(fresh.controller.state.notice!.text.vi, /chưa có số liệu cùng kỳ năm trước đã tải/);
    });

    it('refuses without a template', async () => {
      const { controller } = await connected();
      await assert.rejects(controller.validate());
      assert.match(controller.state.notice!.text.vi, /Chưa có mẫu biểu/);
    });
  });

  describe('send', () => {
    it('If-None-Match for a new report, then If-Match with the returned ETag; a fresh Idempotency-Key per send', async () => {
      const { controller, setInputs } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      const phases: string[] = [controller.state.phase];
      controller.subscribe((s) => {
        if (phases[phases.length - 1] !== s.phase) phases.push(s.phase);
      });
      const first = await controller.send();
      assert.equal(first.status, 'saved');
      assert.deepEqual(phases, ['idle', 'reading', 'validating', 'sending', 'saved']);
      setInputs(sheet({ '15': { value: '76,5' } }));
      const second = await controller.send();
      assert.equal(second.status, 'saved');
      const [put1, put2] = srv.puts();
      assert.equal(put1!.headers['if-none-match'], '*');
      assert.equal(put1!.headers['if-match'], undefined);
      assert.equal(put2!.headers['if-match'], '"r1"');
      assert.equal(put2!.headers['if-none-match'], undefined);
      assert.ok(put1!.headers['idempotency-key'] && put2!.headers['idempotency-key']);
      assert.notEqual(put1!.headers['idempotency-key'], put2!.headers['idempotency-key']);
      assert.equal(put2!.headers.authorization, `Bearer ${srv.tokens.syt.secret}`);
      assert.deepEqual(put2!.body, sheet({ '15': { value: '76,5' } }));
      assert.equal(controller.state.lastSaved?.revision, 2);
      assert.equal(controller.state.phase, 'saved');
      // What the server stored is what the sheet held, saved by this token.
      const stored = await latest();
      assert.deepEqual([stored.revision, stored.status, stored.savedBy], [2, 'draft', srv.tokens.syt.id]);
      assert.equal(stored.entries.find((e) => e.code === '15')?.value, '76,5');
    });

    it('a network failure queues the PUT; the retry reuses its Idempotency-Key and If-Match', async () => {
      const { controller, storage } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      srv.net.offline = true;
      const outcome = await controller.send();
      assert.equal(outcome.status, 'queued');
      assert.equal(controller.state.phase, 'queued');
      assert.equal(controller.state.queued, 1);
      const stored = JSON.parse(storage.getItem(QUEUE_STORAGE_KEY)!);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].idempotencyKey, outcome.status === 'queued' ? outcome.idempotencyKey : '');
      assert.equal(stored[0].etag, null);
      assert.ok(!JSON.stringify(stored).includes(srv.tokens.syt.secret), 'the queue holds no token');
      assert.equal(await revisions(), 0);

      // Back online, but the first retry's answer is lost after the server stored it.
      srv.net.offline = false;
      srv.net.loseAnswers = 1;
      await controller.retryQueue();
      assert.equal(controller.state.queued, 1, 'no answer: still queued');
      assert.equal(await revisions(), 1, 'the server stored it once');

      // The online event fires: the retry is the same request and gets the stored answer.
      let online: (() => void) | null = null;
      const intervals: Array<() => void> = [];
      const stop = controller.startQueueRetry({
        onOnline: (l) => ((online = l), () => (online = null)),
        setInterval: (fn) => intervals.push(fn),
        clearInterval: () => undefined,
      });
      assert.equal(intervals.length, 1);
      online!();
      await controller.retryQueue();
      stop();
      assert.equal(online, null);
      const puts = srv.puts();
      assert.equal(puts.length, 2);
      assert.equal(puts[0]!.headers['idempotency-key'], puts[1]!.headers['idempotency-key']);
      assert.equal(puts[1]!.headers['idempotency-key'], stored[0].idempotencyKey);
      assert.equal(puts[1]!.headers['if-none-match'], '*');
      assert.equal(await revisions(), 1, 'not stored twice');
      assert.equal(controller.state.queued, 0);
      assert.equal(storage.getItem(QUEUE_STORAGE_KEY), null);
      assert.equal(controller.state.phase, 'saved');
      assert.equal(controller.state.lastSaved?.revision, 1);

      // The next send continues from the replayed answer's ETag.
      await controller.send();
      assert.equal(srv.puts().at(-1)!.headers['if-match'], '"r1"');
      assert.equal(await revisions(), 2);
    });

    it('a gateway answering 502 in place of the server queues the PUT, and the retry saves it', async () => {
      const { controller } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      srv.net.gateway = 502;
      assert.equal((await controller.send()).status, 'queued');
      assert.equal(controller.state.phase, 'queued');
      assert.equal(await revisions(), 0, 'the request never reached the server');
      await controller.retryQueue();
      assert.equal(controller.state.queued, 1, 'the gateway still answers: the PUT stays queued');
      srv.net.gateway = null;
      await controller.retryQueue();
      assert.equal(controller.state.queued, 0);
      assert.equal(controller.state.phase, 'saved');
      assert.equal(await revisions(), 1);
    });

    it('a PUT the server refuses is not queued: the pane shows why', async () => {
      // Two rows with one code: the server refuses the body (422) whatever the network does.
      const { controller } = await connected(srv.tokens.syt, { entries: [...sytEntries(), { code: '14', value: '96', note: null }], documents: [], projects: [] });
      await controller.insertTemplate();
      await assert.rejects(controller.send());
      assert.equal(controller.state.phase, 'error');
      assert.equal(controller.state.queued, 0);
      assert.equal(controller.state.notice?.kind, 'error');
      assert.match(controller.state.notice.text.en, /14/);
      assert.equal(await revisions(), 0);
    });

    it('the queue survives a restart (localStorage) and keeps unreachable items', async () => {
      const storage = new MapStorage();
      const queue = new OfflineQueue(storage);
      queue.add({ id: 'a', baseUrl: srv.base, key: { planId: 'p', period: '2023', agencyId: 'x' }, body: { entries: [], documents: [], projects: [] }, etag: '"r2"', idempotencyKey: 'k1', queuedAt: '', attempts: 1 });
      queue.add({ id: 'b', baseUrl: srv.base, key: { planId: 'p', period: '2023', agencyId: 'x' }, body: { entries: [{ code: '1', value: 2 }], documents: [], projects: [] }, etag: '"r2"', idempotencyKey: 'k2', queuedAt: '', attempts: 1 });
      assert.deepEqual(new OfflineQueue(storage).list().map((i) => i.id), ['b'], 'a newer send of the same report replaces the older one');
    });

    it('a queued PUT is retried only by the token that sent it', async () => {
      const { controller } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      srv.net.offline = true;
      assert.equal((await controller.send()).status, 'queued');
      srv.net.offline = false;
      assert.equal(controller.queuedItems()[0]!.owner, srv.tokens.syt.id);
      controller.disconnect();
      await controller.connect(srv.base, srv.tokens.city.secret);
      await controller.retryQueue();
      assert.equal(srv.puts().length, 0, 'the consolidator does not replay the agency’s draft');
      assert.equal(controller.state.queued, 1);
      controller.disconnect();
      await controller.connect(srv.base, srv.tokens.syt.secret);
      await controller.retryQueue();
      assert.equal(controller.state.queued, 0);
      assert.equal(await revisions(), 1);
      assert.equal((await latest()).savedBy, srv.tokens.syt.id);
    });

    it('a 412 returns both versions; "keep mine" re-PUTs with the server ETag', async () => {
      const { controller, setInputs } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      await controller.send();
      // Someone else saves a different 14 from another computer (its sheet starts from r1).
      const other = await connected(srv.tokens.sytOther);
      await other.controller.insertTemplate();
      other.setInputs(sheet({ '14': { value: '96' } }));
      assert.equal((await other.controller.send()).status, 'saved');
      const serverRevision = (await latest()).revision;
      assert.equal(serverRevision, 2);

      setInputs(sheet({ '14': { value: '97,5' } }));
      const outcome = await controller.send();
      assert.equal(outcome.status, 'conflict');
      assert.equal(controller.state.phase, 'conflict');
      assert.equal(await revisions(), 2, 'the stale write was not stored');
      const conflict = controller.state.conflict!;
      assert.equal(conflict.etag, `"r${serverRevision}"`);
      assert.equal(conflict.server?.revision, serverRevision);
      assert.deepEqual(conflict.rows.map((r) => [r.code, r.kind, r.mine, r.server]), [['14', 'value', '97,5', '96']]);
      assert.equal(conflict.rows[0]!.where.vi, 'Chỉ tiêu 14 — kết quả');

      const kept = await controller.keepMine();
      assert.equal(kept.status, 'saved');
      const last = srv.puts().at(-1)!;
      assert.equal(last.headers['if-match'], `"r${serverRevision}"`);
      assert.notEqual(last.headers['idempotency-key'], srv.puts().at(-2)!.headers['idempotency-key'], 'keep mine is a new logical send');
      assert.deepEqual((last.body as { entries: EntryInput[] }).entries.find((e) => e.code === '14')?.value, '97,5');
      assert.equal(controller.state.conflict, null);
      assert.equal(controller.state.phase, 'saved');
      assert.equal((await latest()).entries.find((e) => e.code === '14')?.value, '97,5');
    });

    it('"take the server\'s" writes the server values into the sheet and adopts its ETag', async () => {
      const { controller, setInputs, calls } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      await controller.send();
      // A second revision saved from another computer, behind this pane's back.
      const other = await connected(srv.tokens.sytOther);
      await other.controller.insertTemplate();
      other.setInputs(sheet({ '16': { value: '2,0' } }));
      assert.equal((await other.controller.send()).status, 'saved');

      setInputs({ entries: [...sytEntries(), { code: '99', value: 'x' }], documents: [], projects: [] });
      assert.equal((await controller.send()).status, 'conflict');
      await controller.takeServer();
      const written = calls.writes.at(-1)!;
      assert.equal(written.entries.find((e) => e.code === '16')?.value, '2,0');
      assert.deepEqual(written.entries.find((e) => e.code === '99'), { code: '99', value: null, answer: null, denominator: null, note: null });
      assert.equal(controller.state.conflict, null);
      assert.equal(controller.state.report?.revision, 2);
      await controller.send();
      assert.equal(srv.puts().at(-1)!.headers['if-match'], '"r2"');
      assert.equal(controller.state.phase, 'saved');
      assert.equal(await revisions(), 3);
    });

    it('a locked (approved) report says so', async () => {
      const agency = await connected(srv.tokens.syt, sheet());
      await agency.controller.insertTemplate();
      assert.equal((await agency.controller.submit()).status, 'submitted');
      const city = await connected(srv.tokens.city);
      await city.controller.loadConsolidated();
      await city.controller.approve('hn-syt');
      // The agency opens the report again: the fresh sheet holds the approved figures and their ETag.
      await agency.controller.insertTemplate();
      assert.equal(agency.controller.state.report?.status, 'approved');
      agency.setInputs(sheet({ '14': { value: '96' } }));
      const outcome = await agency.controller.send();
      assert.equal(outcome.status, 'locked');
      assert.equal(agency.controller.state.phase, 'locked');
      assert.match(agency.controller.state.notice!.text.vi, /khóa/);
      assert.equal(srv.puts().at(-1)!.headers['if-match'], '"r3"');
      assert.equal((await latest()).status, 'approved', 'nothing was stored over it');
      assert.equal(await revisions(), 3);
    });

    it('conflictRows compares documents and projects too', () => {
      const rows = conflictRows(
        { entries: [{ code: '1', value: 5 }], documents: [{ code: 'D1', status: 'issued' }], projects: [] },
        { entries: [{ code: '1', value: '5' }], documents: [{ code: 'D1', status: 'notIssued' }], projects: [{ code: 'P1', disbursed: 10 }] },
      );
      assert.deepEqual(rows.map((r) => [r.kind, r.code, r.mine, r.server]), [['documentStatus', 'D1', 'issued', 'notIssued'], ['projectDisbursed', 'P1', '', '10']]);
    });
  });

  describe('submit', () => {
    it('refuses while errors remain and says why; submits once they are fixed', async () => {
      const { controller, setInputs } = await connected(srv.tokens.syt, sheet({ '11': { value: '1.036' } }));
      await controller.insertTemplate();
      const refused = await controller.submit();
      assert.equal(refused.status, 'refused');
      assert.match(controller.state.notice!.text.vi, /Còn 1 lỗi/);
      assert.match(controller.state.notice!.text.en, /1 errors remain/);
      assert.equal(srv.requests.filter((r) => r.path.endsWith('/submit')).length, 0);
      assert.equal(srv.puts().length, 0);

      setInputs(sheet());
      const done = await controller.submit();
      assert.equal(done.status, 'submitted');
      const submitCall = srv.requests.find((r) => r.path.endsWith('/submit'))!;
      assert.equal(submitCall.headers['if-match'], '"r1"', 'the sheet was saved first, then submitted over that revision');
      assert.equal(controller.state.report?.status, 'submitted');
      assert.equal(controller.state.report?.late, false);
      assert.deepEqual((await srv.history(SYT_REPORT('2023'))).map((r) => r.status), ['draft', 'submitted']);
    });

    it('after the deadline on the clock the submission is late, and the pane says so', async () => {
      srv.clock.now = new Date('2023-12-03T02:00:00Z');
      const { controller } = await connected(srv.tokens.syt, sheet());
      await controller.insertTemplate();
      const done = await controller.submit();
      assert.equal(done.status, 'late');
      assert.deepEqual([controller.state.report?.status, controller.state.report?.late], ['late', true]);
      assert.match(controller.state.notice!.text.vi, /sau hạn/);
      assert.match(controller.state.notice!.text.en, /after the deadline/);
      const city = await connected(srv.tokens.city);
      const row = (await city.controller.loadConsolidated()).rows.find((r) => r.agencyId === 'hn-syt')!;
      assert.deepEqual([row.status, row.late, row.canApprove], ['late', true, true]);
    });
  });

  describe('consolidator', () => {
    it('the consolidated workbook goes to port.writeConsolidated with tables and charts', async () => {
      const agency = await connected(srv.tokens.syt, sheet());
      await agency.controller.insertTemplate();
      await agency.controller.submit();
      const city = await connected(srv.tokens.city);
      const view = await city.controller.loadConsolidated();
      const syt = view.rows.find((r) => r.agencyId === 'hn-syt')!;
      assert.equal(syt.status, 'submitted');
      assert.ok(syt.canApprove);
      assert.equal(syt.name.vi, 'Sở Y tế');
      assert.ok(view.rows.some((r) => r.status === 'missing'));
      assert.equal(view.counts.submitted, 1);
      assert.equal(view.table.rows.find((r) => r.code === '14')!.value, 95.2, "Sở Y tế leads 14: the citywide figure is its own");

      const written = await city.controller.writeConsolidated();
      const layout = city.calls.consolidated[0]!;
      assert.ok(layout.sheets.some((s) => s.tables.length > 0));
      assert.ok(layout.sheets.some((s) => s.charts.length > 0));
      assert.equal(layout.metadata.format, 'an-sinh-consolidated');
      assert.deepEqual(written.sheets, layout.sheets.map((s) => s.name));

      await city.controller.approve('hn-syt');
      assert.equal(city.controller.state.consolidated!.rows.find((r) => r.agencyId === 'hn-syt')!.status, 'approved');
      await assert.rejects(city.controller.returnReport('hn-syt', '   '));
      assert.equal(await revisions(), 3, 'an empty comment never reached the server');
      await city.controller.returnReport('hn-syt', 'Bổ sung nguyên nhân chỉ tiêu 14');
      assert.equal(city.controller.state.consolidated!.rows.find((r) => r.agencyId === 'hn-syt')!.status, 'returned');
      const returned = await latest();
      assert.deepEqual([returned.status, returned.comment, returned.savedBy], ['returned', 'Bổ sung nguyên nhân chỉ tiêu 14', srv.tokens.city.id]);
      // The agency sees the return and its comment when it opens the report.
      await agency.controller.insertTemplate();
      assert.deepEqual(agency.controller.state.report, { status: 'returned', revision: 4, late: false, comment: 'Bổ sung nguyên nhân chỉ tiêu 14' });
    });

    it('a report that is not submitted cannot be approved: the server says why', async () => {
      const agency = await connected(srv.tokens.syt, sheet());
      await agency.controller.insertTemplate();
      await agency.controller.send();
      const city = await connected(srv.tokens.city);
      const view = await city.controller.loadConsolidated({});
      assert.equal(view.rows.find((r) => r.agencyId === 'hn-syt')!.canApprove, false);
      await assert.rejects(city.controller.approve('hn-syt'));
      assert.equal(city.controller.state.notice?.kind, 'error');
      assert.match(city.controller.state.notice.text.en, /submitted/);
      assert.equal((await latest()).status, 'draft');
    });

    it('a submitted report being corrected still counts, cannot be approved meanwhile, and the drafts switch shows the draft', async () => {
      const agency = await connected(srv.tokens.syt, sheet());
      await agency.controller.insertTemplate();
      await agency.controller.submit();
      const city = await connected(srv.tokens.city);
      const before = await city.controller.loadConsolidated();
      const value11 = before.table.rows.find((r) => r.code === '11')!.value;
      assert.notEqual(value11, null);

      srv.clock.now = new Date('2023-11-05T02:30:00Z');
      agency.setInputs(sheet({ '11': { value: '10' } }));
      await agency.controller.send();
      const view = await city.controller.loadConsolidated();
      const syt = view.rows.find((r) => r.agencyId === 'hn-syt')!;
      assert.deepEqual([syt.status, syt.counted, syt.canApprove, syt.canReturn], ['submitted', true, false, false]);
      assert.deepEqual(syt.updateInProgress, { revision: 3, since: '2023-11-05T02:30:00.000Z' });
      assert.equal(view.table.rows.find((r) => r.code === '11')!.value, value11, 'the submitted figure still counts');
      assert.deepEqual([view.table.basis, view.counts.submitted, view.counts.updating], ['submitted', 1, 1]);

      await city.controller.setConsolidateDrafts(true);
      const drafts = city.controller.state.consolidated!;
      assert.equal(drafts.table.basis, 'drafts');
      assert.equal(drafts.table.rows.find((r) => r.code === '11')!.value, 10);
      assert.ok(srv.requests.some((r) => r.path.endsWith('/consolidated')), 'asked the server');
      await city.controller.writeConsolidated();
      const written = city.calls.consolidated.at(-1)!;
      assert.equal(written.metadata.period, '2023');
      assert.ok(written.sheets[0]!.grid.flat().some((c) => typeof c.v === 'string' && c.v.includes('GỒM CẢ BẢN NHÁP')), 'the workbook says it holds drafts');
    });

    it('judges by hand a target the plan leaves to the consolidator; the table follows the judgement', async () => {
      const added = await globalThis.fetch(`${srv.base}/api/plans`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${srv.tokens.admin.secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(examplePlanJudgedByHand()),
      });
      assert.equal(added.status, 201, await added.text());
      srv.clock.now = new Date('2027-12-20T09:30:00Z');
      const city = setup();
      await city.controller.connect(srv.base, srv.tokens.city.secret);
      await city.controller.selectPlan('hn-example-2026');
      city.controller.selectPeriod('2027');
      const before = await city.controller.loadConsolidated();
      assert.equal(before.table.rows.find((r) => r.code === '1')!.verdict, 'notAssessable');

      await assert.rejects(city.controller.judgeByHand('1', 'met', '   '));
      assert.equal(srv.requests.filter((r) => r.path.includes('/judgements/')).length, 0, 'a judgement without a reason never leaves the pane');

      await city.controller.judgeByHand('1', 'met', 'Đã thực hiện đúng lộ trình của Trung ương');
      const row = city.controller.state.consolidated!.table.rows.find((r) => r.code === '1')!;
      assert.equal(row.verdict, 'met');
      assert.deepEqual(row.judgement, { verdict: 'met', reason: 'Đã thực hiện đúng lộ trình của Trung ương', by: srv.tokens.city.id, byName: 'Sở Nội vụ', at: '2027-12-20T09:30:00.000Z' });
      assert.match(city.controller.state.notice!.text.vi, /Đã ghi đánh giá chỉ tiêu 1/);

      // Indicator 2's targets are read by the engine: it takes no judgement; the server refuses, the pane shows why.
      await assert.rejects(city.controller.judgeByHand('2', 'met', 'Thử'));
      assert.equal(city.controller.state.notice?.kind, 'error');
      assert.match(city.controller.state.notice.text.en, /\b2\b/);
      assert.equal(city.controller.state.consolidated!.table.rows.find((r) => r.code === '2')!.judgement, undefined);
    });

    it('a plan written as tasks: the agency inserts its task sheet, the check names the task, it sends and submits; the consolidator sees the task counts', async () => {
      const added = await globalThis.fetch(`${srv.base}/api/plans`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${srv.tokens.admin.secret}`, 'Content-Type': 'application/json' },
        body: readFileSync(`${root}test/fixtures/task-plan.json`, 'utf8'),
      });
      assert.equal(added.status, 201, await added.text());
      srv.clock.now = new Date('2026-11-20T09:00:00Z');
      const agency = setup();
      await agency.controller.connect(srv.base, srv.tokens.syt.secret);
      await agency.controller.selectPlan('hn-tasks-2026');
      agency.controller.selectPeriod('2026');
      await agency.controller.insertTemplate();
      const layout = agency.calls.insert.at(-1)!;
      assert.deepEqual(layout.sheets.map((x) => x.name), ['Chỉ tiêu', 'Nhiệm vụ', '_asr_meta']);
      const filled = (status: 'notYetDue' | 'notStarted'): ReadInputs => ({
        entries: [{ code: '2', value: '95' }],
        documents: [],
        projects: [],
        tasks: [
          { code: 'IV.2.1', status: 'inProgress', account: 'Đã lấy ý kiến các sở' },
          { code: 'IV.2.2', status, account: status === 'notStarted' ? 'Chờ hướng dẫn của Bộ Y tế' : null },
          { code: 'IV.2.3', status: 'completed', evidence: 'Báo cáo 300/BC-SYT ngày 1/12/2026' },
        ],
      });
      agency.setInputs(filled('notYetDue'));
      const check = await agency.controller.validate();
      const contradiction = check.findings.find((f) => f.code === 'task-status-contradicts-due')!;
      assert.deepEqual(contradiction.input, { kind: 'taskStatus', code: 'IV.2.2' });
      assert.equal(contradiction.where.vi, 'Nhiệm vụ IV.2.2 — tình trạng');
      assert.match(contradiction.message.vi, /Hướng dẫn khám sức khỏe định kỳ cho người cao tuổi/);
      assert.equal((await agency.controller.submit()).status, 'refused');

      agency.setInputs(filled('notStarted'));
      assert.equal((await agency.controller.validate()).counts.error, 0);
      assert.equal((await agency.controller.submit()).status, 'submitted');
      const stored = (await srv.history({ planId: 'hn-tasks-2026', period: '2026', agencyId: 'hn-syt' })).at(-1)!;
      assert.deepEqual(stored.tasks?.map((x) => [x.code, x.status]), [['IV.2.1', 'inProgress'], ['IV.2.2', 'notStarted'], ['IV.2.3', 'completed']]);

      const city = setup();
      await city.controller.connect(srv.base, srv.tokens.city.secret);
      await city.controller.selectPlan('hn-tasks-2026');
      city.controller.selectPeriod('2026');
      const view = await city.controller.loadConsolidated();
      assert.deepEqual(view.table.tasks.counts, { completed: 1, inProgress: 1, notStarted: 1, notYetDue: 0, notReported: 2 });
      assert.deepEqual(view.table.tasks.byAgency.map((x) => [x.agencyId, x.total, x.overdue]), [['hn-snv', 2, 2], ['hn-syt', 3, 1]]);
      assert.deepEqual(view.table.tasks.overdue.map((x) => [x.code, x.account]), [['IV.1.1', null], ['IV.1.2', null], ['IV.2.2', 'Chờ hướng dẫn của Bộ Y tế']]);
      assert.ok(view.rows.some((r) => r.agencyId === 'hn-snv' && r.status === 'missing'), 'Sở Nội vụ leads tasks and has not reported');
      await city.controller.writeConsolidated();
      assert.ok(city.calls.consolidated.at(-1)!.sheets.some((x) => x.role === 'tasks'), 'the consolidated sheet has the task table');
    });

    it('Hải Phòng plan 113: Sở LĐTBXH inserts its template with its six tasks, reports them with the poverty goal and submits; the consolidator sees the task table', async () => {
      srv.clock.now = new Date('2023-12-10T09:00:00Z');
      const agency = setup();
      await agency.controller.connect(srv.base, srv.tokens.hpLabour.secret);
      await agency.controller.selectPlan('hp-kh113-2022');
      agency.controller.selectPeriod('2023');
      await agency.controller.insertTemplate();
      const layout = agency.calls.insert.at(-1)!;
      assert.deepEqual(layout.sheets.map((x) => x.name), ['Chỉ tiêu', 'Nhiệm vụ', '_asr_meta']);
      const taskText = JSON.stringify(layout.sheets.find((x) => x.name === 'Nhiệm vụ'));
      for (const code of ['IV.1.1', 'IV.1.6']) assert.ok(taskText.includes(code), `${code} is on the task sheet`);
      assert.ok(!taskText.includes('IV.2.1'), 'tasks of another department are not');
      const statuses = ['completed', 'inProgress', 'inProgress', 'completed', 'notStarted', 'inProgress'] as const;
      agency.setInputs({
        entries: [{ code: '1', value: '2.150', note: 'Còn 2.150 hộ nghèo cuối năm 2023' }],
        documents: [],
        projects: [],
        tasks: statuses.map((status, i) => ({ code: `IV.1.${i + 1}`, status, account: status === 'notStarted' ? 'Chờ kinh phí năm 2024' : null })),
      });
      const check = await agency.controller.validate();
      assert.equal(check.counts.error, 0, JSON.stringify(check.findings.filter((f) => f.severity === 'error').map((f) => f.message.en)));
      assert.equal((await agency.controller.submit()).status, 'submitted');

      const city = setup();
      await city.controller.connect(srv.base, srv.tokens.city.secret);
      await city.controller.selectPlan('hp-kh113-2022');
      city.controller.selectPeriod('2023');
      const view = await city.controller.loadConsolidated();
      assert.equal(view.table.tasks.rows.length, 28);
      assert.deepEqual(view.table.tasks.counts, { completed: 2, inProgress: 3, notStarted: 1, notYetDue: 0, notReported: 22 });
      assert.equal(view.table.tasks.rows.find((t) => t.code === 'IV.1.5')?.account, 'Chờ kinh phí năm 2024', 'the reason reaches the consolidator');
      assert.ok(view.table.tasks.byAgency.some((x) => x.agencyId === 'hp-sldtbxh' && x.total === 6));
      await city.controller.writeConsolidated();
      assert.ok(city.calls.consolidated.at(-1)!.sheets.some((x) => x.role === 'tasks'), 'the consolidated sheet has the task table');
    });

    it('an agency cannot load the consolidated table', async () => {
      const { controller } = await connected();
      await assert.rejects(controller.loadConsolidated());
      assert.equal(srv.requests.filter((r) => r.path.endsWith('/consolidated')).length, 0);
      assert.match(controller.state.notice!.text.vi, /cơ quan tổng hợp/);
    });
  });
});
