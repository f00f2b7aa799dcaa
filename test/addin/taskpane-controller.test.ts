import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate, recordFromRevisions } from '../../shared/consolidate';
import type { ReportRecord } from '../../shared/consolidate';
import { agencyTemplate } from '../../shared/layout/template';
import type { WorkbookLayout } from '../../shared/layout/types';
import type { EntryInput } from '../../shared/schema/report';
import { validateReport } from '../../shared/validate';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from '../../addin/excel/port';
import { OfflineQueue, QUEUE_STORAGE_KEY, normalizeBaseUrl } from '../../addin/src/api';
import type { FetchLike, RequestInitLike, ResponseLike, ServerReport } from '../../addin/src/api';
import { STORAGE_KEYS, TaskpaneController, conflictRows, currentPeriod, judgementOf, periodChoices } from '../../addin/src/controller';
import { LANG_STORAGE_KEY, MESSAGE_KEYS, t } from '../../addin/src/i18n';
import type { KeyValueStorage } from '../../addin/src/i18n';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const planFile = load('shared/plans/hn-kh207-2021.json');
const plan207 = compilePlan(planFile);
const agenciesFile = load('shared/agencies/hanoi.json');
const register = createRegister(agenciesFile);

const SERVER = 'https://asr.test';
const TOKENS: Record<string, { tokenId: string; role: 'agency' | 'consolidator' | 'admin'; agencyId: string | null; label: string }> = {
  asr_syt: { tokenId: 't-syt', role: 'agency', agencyId: 'hn-syt', label: 'Sở Y tế' },
  asr_other: { tokenId: 't-syt2', role: 'agency', agencyId: 'hn-syt', label: 'Sở Y tế (máy 2)' },
  asr_city: { tokenId: 't-city', role: 'consolidator', agencyId: null, label: 'Sở Nội vụ' },
};

/** Values that meet Sở Y tế's 2023 targets (as in the engine's tests). */
const SYT_2023: Record<string, string> = { '11': '28,5', '12': '14,3', '13': '100%', '14': '95,2', '15': '76,1', '16': '2,1', '17': '5,3', '18': '83', '19': '88,4' };
const sytEntries = (over: Record<string, Partial<EntryInput>> = {}): EntryInput[] =>
  Object.entries(SYT_2023).map(([code, value]) => ({ code, value, note: null, ...over[code] }));

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.has(key) ? this.map.get(key)! : null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, String(value));
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A small in-memory stand-in for server/app.ts: same routes, headers and error shape. */
class StubServer {
  readonly history = new Map<string, ServerReport[]>();
  readonly idempotency = new Map<string, { body: string; revision: number; status: number }>();
  readonly requests: Seen[] = [];
  /** Requests fail before reaching the server (fetch rejects with TypeError). */
  offline = false;
  /** The next N writes reach the server but their answers are lost. */
  loseAnswers = 0;
  /** Last year's citywide values by period, as GET …/previous gives them (and as PUT judges with). */
  readonly previous = new Map<string, Record<string, number>>();

  fetch: FetchLike = async (url: string, init: RequestInitLike): Promise<ResponseLike> => {
    if (this.offline) throw new TypeError('Failed to fetch');
    const u = new URL(url);
    const headers = Object.fromEntries(Object.entries(init.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const body = init.body ? JSON.parse(init.body) : undefined;
    this.requests.push({ method: init.method, path: u.pathname, headers, body });
    const response = this.handle(init.method, u.pathname, headers, body, u.searchParams);
    if (init.method !== 'GET' && this.loseAnswers > 0) {
      this.loseAnswers--;
      throw new TypeError('network connection was lost');
    }
    return response;
  };

  private reply(status: number, json: unknown, headers: Record<string, string> = {}): ResponseLike {
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { status, ok: status >= 200 && status < 300, headers: { get: (n: string) => lower[n.toLowerCase()] ?? null }, text: async () => JSON.stringify(json) };
  }

  private error(status: number, code: string, vi: string, en: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    return this.reply(status, { error: { code, message: { vi, en } }, ...extra }, headers);
  }

  private handle(method: string, path: string, headers: Record<string, string>, body: any, query = new URLSearchParams()): ResponseLike {
    const who = TOKENS[(headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!who) return this.error(401, 'invalid-token', 'Mã truy cập không hợp lệ hoặc đã bị thu hồi', 'The token is invalid or revoked');
    if (method === 'GET' && path === '/api/me') {
      return this.reply(200, { ...who, agencyName: who.agencyId ? register.get(who.agencyId)!.name : null });
    }
    if (method === 'GET' && path === '/api/plans') {
      const p = plan207.plan;
      return this.reply(200, { plans: [{ id: p.id, title: p.title, number: p.number, city: p.city, program: p.program, startYear: p.startYear, endYear: p.endYear, revision: p.revision, indicators: p.indicators.length, periods: p.reporting.periods.map((x) => x.kind) }] });
    }
    if (method === 'GET' && path === `/api/plans/${plan207.plan.id}`) return this.reply(200, plan207.plan);
    if (method === 'GET' && path === '/api/agencies') return this.reply(200, { agencies: register.agencies });
    const consolidated = /^\/api\/plans\/([^/]+)\/periods\/([^/]+)\/consolidated$/.exec(path);
    if (consolidated && method === 'GET') {
      if (who.role === 'agency') return this.error(403, 'forbidden', 'Không có quyền', 'Forbidden');
      const period = consolidated[2]!;
      // Which revision counts is the engine's rule, as on the server.
      const reports: ReportRecord[] = [...this.history.values()]
        .filter((h) => h[0]!.period === period)
        .map((h) => recordFromRevisions(h)!);
      return this.reply(200, consolidate(plan207, register, { period, reports, includeDrafts: query.get('drafts') === '1' }));
    }
    const previous = /^\/api\/plans\/([^/]+)\/periods\/([^/]+)\/previous$/.exec(path);
    if (previous && method === 'GET') {
      const period = previous[2]!;
      return this.reply(200, { planId: previous[1], period, previousPeriod: String(Number(period.slice(0, 4)) - 1) + period.slice(4), values: this.previous.get(period) ?? {} });
    }
    const m = /^\/api\/plans\/([^/]+)\/periods\/([^/]+)\/reports\/([^/]+)(?:\/(submit|approve|return|history))?$/.exec(path);
    if (!m) return this.error(404, 'not-found', 'Không có địa chỉ này', 'No such route');
    const [, planId, period, agencyId, action] = m as unknown as [string, string, string, string, string | undefined];
    const id = `${planId}/${period}/${agencyId}`;
    const revisions = this.history.get(id) ?? [];
    const current = revisions[revisions.length - 1] ?? null;
    const etag = (r: ServerReport) => ({ ETag: `"r${r.revision}"` });
    if (method === 'GET' && !action) {
      if (!current) return this.error(404, 'not-found', 'Đơn vị chưa gửi báo cáo kỳ này', 'No report for this period yet');
      return this.reply(200, current, etag(current));
    }
    if (method === 'PUT') {
      const idemKey = headers['idempotency-key'];
      const scoped = `${who.tokenId} ${idemKey}`;
      if (idemKey && this.idempotency.has(scoped)) {
        const seen = this.idempotency.get(scoped)!;
        if (seen.body !== JSON.stringify(body)) return this.error(422, 'idempotency-key-reused', 'Idempotency-Key đã dùng', 'Key reused');
        const created = revisions.find((r) => r.revision === seen.revision)!;
        return this.reply(seen.status, { report: created, validation: created.validation }, { ...etag(created), 'Idempotent-Replayed': 'true' });
      }
      let expected: number;
      if (headers['if-none-match'] === '*') expected = 0;
      else if (headers['if-match']) expected = Number(/"r(\d+)"/.exec(headers['if-match'])![1]);
      else return this.error(428, 'precondition-required', 'Cần If-Match', 'If-Match required');
      if (expected !== (current?.revision ?? 0)) {
        return this.error(412, 'precondition-failed', 'Báo cáo đã được người khác cập nhật', 'Someone else updated the report', { current }, current ? etag(current) : {});
      }
      if (current?.status === 'approved') return this.error(409, 'locked', 'Báo cáo đã được phê duyệt nên bị khóa', 'The report is approved and locked');
      const validation = validateReport(plan207, { agencyId, period, entries: body.entries, documents: body.documents, projects: body.projects, previous: this.previous.get(period) ?? {} }, { register });
      const next: ServerReport = {
        planId, planRevision: 1, period, agencyId, revision: (current?.revision ?? 0) + 1, status: 'draft', late: false, comment: null,
        entries: body.entries, documents: body.documents ?? [], projects: body.projects ?? [],
        validation: { valid: validation.valid, stats: { ...validation.stats }, findings: validation.findings as never },
        savedAt: '2023-11-01T00:00:00.000Z', savedBy: who.tokenId, action: 'put',
      };
      this.history.set(id, [...revisions, next]);
      const status = current ? 200 : 201;
      if (idemKey) this.idempotency.set(scoped, { body: JSON.stringify(body), revision: next.revision, status });
      return this.reply(status, { report: next, validation: next.validation }, etag(next));
    }
    if (method === 'POST' && action) {
      if (!current) return this.error(404, 'not-found', 'Đơn vị chưa gửi báo cáo kỳ này', 'No report for this period yet');
      if (headers['if-match'] && headers['if-match'] !== `"r${current.revision}"`) {
        return this.error(412, 'precondition-failed', 'Báo cáo đã được người khác cập nhật', 'Someone else updated the report', { current }, etag(current));
      }
      let status: ServerReport['status'] = current.status;
      let comment: string | null = current.comment;
      if (action === 'submit') {
        if (!current.validation.valid) return this.error(422, 'has-errors', 'Báo cáo còn lỗi', 'The report still has errors', {});
        status = 'submitted';
        comment = null;
      } else if (action === 'approve') {
        if (current.status !== 'submitted' && current.status !== 'late') return this.error(409, 'not-submitted', 'Chỉ phê duyệt báo cáo đã gửi chính thức', 'Only a submitted report can be approved');
        status = 'approved';
      } else if (action === 'return') {
        status = 'returned';
        comment = body.comment;
      }
      const next: ServerReport = { ...current, revision: current.revision + 1, status, comment, action };
      this.history.set(id, [...revisions, next]);
      return this.reply(200, { report: next }, etag(next));
    }
    return this.error(404, 'not-found', 'Không có địa chỉ này', 'No such route');
  }

  puts(): Seen[] {
    return this.requests.filter((r) => r.method === 'PUT');
  }
}

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

let idCounter = 0;
function setup(token = 'asr_syt', initial?: ReadInputs, server = new StubServer()) {
  const storage = new MapStorage();
  const stub = stubPort(initial);
  const controller = new TaskpaneController({
    port: stub.port,
    storage,
    fetch: server.fetch,
    now: () => new Date('2023-11-01T08:00:00Z'),
    newId: () => `id-${++idCounter}`,
  });
  return { server, storage, controller, ...stub, token };
}

async function connected(token = 'asr_syt', initial?: ReadInputs, server?: StubServer) {
  const s = setup(token, initial, server);
  await s.controller.connect(`${SERVER}/`, token);
  await s.controller.selectPlan('hn-kh207-2021');
  s.controller.selectPeriod('2023');
  return s;
}

describe('task pane controller', () => {
  describe('connect', () => {
    it('stores the URL and token in the add-in storage, and shows who and which role', async () => {
      const { controller, storage, calls } = setup();
      const me = await controller.connect(`${SERVER}/api/`, '  asr_syt ');
      assert.equal(me.role, 'agency');
      assert.equal(me.agencyId, 'hn-syt');
      assert.equal(controller.state.me?.agencyName, 'Sở Y tế');
      assert.equal(storage.getItem(STORAGE_KEYS.server), SERVER);
      assert.equal(storage.getItem(STORAGE_KEYS.token), 'asr_syt');
      assert.deepEqual(controller.state.agencyChoices.map((a) => a.id), ['hn-syt']);
      assert.equal(controller.state.notice?.kind, 'success');
      assert.match(controller.state.notice!.text.vi, /Đã kết nối: Sở Y tế/);
      assert.match(controller.state.notice!.text.en, /Connected: Department of Health/);
      assert.equal(controller.text('role_agency'), 'Đơn vị báo cáo');
      // The plan list loads, and the period choices are the plan's kinds × its years.
      assert.equal(controller.state.plans[0]?.id, 'hn-kh207-2021');
      assert.equal(controller.state.planId, 'hn-kh207-2021');
      assert.equal(controller.state.periods.length, 15, '6M, 9M and year × 2021-2025');
      assert.equal(controller.state.period, '2023', 'the period due next on 1 Nov 2023 is the 2023 annual report');
      // Nothing about the connection goes near the workbook.
      assert.equal(calls.insert.length + calls.writes.length, 0);
    });

    it('a bad token is forgotten and the server message is shown in both languages', async () => {
      const { controller, storage } = setup();
      await assert.rejects(controller.connect(SERVER, 'asr_wrong'));
      assert.equal(storage.getItem(STORAGE_KEYS.token), null);
      assert.equal(controller.state.me, null);
      assert.equal(controller.state.notice?.kind, 'error');
      assert.equal(controller.state.notice?.text.vi, 'Mã truy cập không hợp lệ hoặc đã bị thu hồi');
      assert.equal(controller.state.notice?.text.en, 'The token is invalid or revoked');
    });

    it('an unreachable server is a network error, said in the UI language', async () => {
      const { controller, server } = setup();
      server.offline = true;
      controller.setLang('en');
      await assert.rejects(controller.connect(SERVER, 'asr_syt'));
      assert.match(controller.show(controller.state.notice!.text), /cannot be reached/);
    });

    it('the language choice is stored and every string exists in both languages', () => {
      const { controller, storage } = setup();
      assert.equal(controller.state.lang, 'vi');
      controller.setLang('en');
      assert.equal(storage.getItem(LANG_STORAGE_KEY), 'en');
      const again = new TaskpaneController({ port: stubPort().port, storage });
      assert.equal(again.state.lang, 'en');
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
      assert.deepEqual(calls.insert[0], agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023', lang: 'vi' }));
      assert.equal(ref.agencyId, 'hn-syt');
      assert.equal(controller.state.template, ref);
      assert.equal(calls.writes.length, 0, 'no saved report yet: the fresh sheet stays blank');
    });

    it('an agency cannot insert another agency’s template; a consolidator may choose any', async () => {
      const agency = await connected();
      await assert.rejects(agency.controller.insertTemplate({ agencyId: 'hn-sgddt' }));
      assert.equal(agency.calls.insert.length, 0);

      const city = await connected('asr_city');
      assert.ok(city.controller.state.agencyChoices.length > 5);
      assert.ok(city.controller.state.agencyChoices.some((a) => a.id === 'hn-sgddt'));
      city.controller.selectAgency('hn-sgddt');
      city.controller.setLang('en');
      await city.controller.insertTemplate();
      assert.deepEqual(city.calls.insert[0], agencyTemplate(plan207, register, { agencyId: 'hn-sgddt', period: '2023', lang: 'en' }));
    });

    it('a template inserted where the server already has a report is filled with it and takes its ETag', async () => {
      const first = await connected('asr_other', { entries: sytEntries(), documents: [], projects: [] });
      await first.controller.insertTemplate();
      await first.controller.send();
      // Same server, another computer: a fresh sheet.
      const { controller, calls, server } = await connected('asr_syt', undefined, first.server);
      await controller.insertTemplate();
      assert.equal(calls.writes.length, 1);
      assert.deepEqual(calls.writes[0]!.entries.map((e) => [e.code, e.value]), Object.entries(SYT_2023));
      await controller.send();
      assert.equal(server.puts().at(-1)!.headers['if-match'], '"r1"');
    });
  });

  describe('validate', () => {
    it('maps a missed target to "Chưa đạt" and highlights the input; an ambiguous number is an error highlight', async () => {
      const { controller, calls } = await connected('asr_syt', { entries: sytEntries({ '14': { value: 80 }, '11': { value: '1.036' } }), documents: [], projects: [] });
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
      assert.equal(ambiguous.where.vi, 'Chỉ tiêu 11 — kết quả');
      await controller.selectFinding(ambiguous);
      assert.deepEqual(calls.selects, [{ kind: 'value', code: '11' }]);
    });

    it('writes the labels in the template’s language', async () => {
      const { controller, calls } = await connected('asr_syt', { entries: sytEntries({ '14': { value: 80 } }), documents: [], projects: [] });
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
      const server = new StubServer();
      server.previous.set('2023', { '17': 1.4 });
      const { controller, calls } = await connected('asr_syt', { entries: sytEntries({ '17': { value: '1,2' } }), documents: [], projects: [] }, server);
      await controller.insertTemplate();
      const check = await controller.validate();
      assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/api/plans/hn-kh207-2021/periods/2023/previous'));
      assert.equal(check.previous.source, 'server');
      assert.equal(check.report.results.find((r) => r.code === '17')?.evaluation?.year.verdict, 'met');
      assert.equal(calls.judgements[0]!.outputs.find((o) => o.kind === 'verdict' && o.code === '17')?.value, 'Đạt');
      assert.ok(!check.findings.some((f) => f.code === 'previous-missing'));
      // The server's verdict on the PUT is the pane's.
      await controller.send();
      assert.equal(server.puts().length, 1);
      assert.deepEqual([...server.history.values()][0]![0]!.validation.findings, check.report.findings);
    });

    it("without last year's value the pane says so as the server does (previous-missing)", async () => {
      const { controller, server } = await connected('asr_syt', { entries: sytEntries({ '17': { value: '1,2' } }), documents: [], projects: [] });
      await controller.insertTemplate();
      const check = await controller.validate();
      const missing = check.findings.find((f) => f.code === 'previous-missing');
      assert.ok(missing, 'the finding is listed in the pane');
      assert.deepEqual(missing.input, { kind: 'value', code: '17' });
      assert.match(missing.message.vi, /chưa có số liệu cùng kỳ năm trước/);
      await controller.send();
      const stored = [...server.history.values()][0]![0]!.validation.findings as unknown as Array<{ code: string; indicator?: string }>;
      assert.ok(stored.some((f) => f.code === 'previous-missing' && f.indicator === '17'));
    });

    it('offline, the check uses the values fetched last and says so; never fetched, it says that instead', async () => {
      const server = new StubServer();
      server.previous.set('2023', { '17': 1.4 });
      const { controller } = await connected('asr_syt', { entries: sytEntries({ '17': { value: '1,2' } }), documents: [], projects: [] }, server);
      await controller.insertTemplate();
      await controller.validate();
      server.offline = true;
      const offline = await controller.validate();
      assert.equal(offline.previous.source, 'cache');
      assert.equal(offline.report.results.find((r) => r.code === '17')?.evaluation?.year.verdict, 'met');
      assert.equal(controller.state.notice?.kind, 'warning');
      assert.match(controller.state.notice!.text.vi, /số liệu cùng kỳ năm trước \(2022\) là bản đã tải lúc 2023-11-01 08:00/);
      assert.match(controller.state.notice!.text.en, /last year's values \(2022\) are the copy fetched at/);

      // Another computer (empty storage) that never fetched them.
      server.offline = false;
      const fresh = await connected('asr_syt', { entries: sytEntries({ '17': { value: '1,2' } }), documents: [], projects: [] }, server);
      await fresh.controller.insertTemplate();
      server.offline = true;
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
      const { controller, server, setInputs } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      const phases: string[] = [controller.state.phase];
      controller.subscribe((s) => {
        if (phases[phases.length - 1] !== s.phase) phases.push(s.phase);
      });
      const first = await controller.send();
      assert.equal(first.status, 'saved');
      assert.deepEqual(phases, ['idle', 'reading', 'validating', 'sending', 'saved']);
      setInputs({ entries: sytEntries({ '15': { value: '76,5' } }), documents: [], projects: [] });
      const second = await controller.send();
      assert.equal(second.status, 'saved');
      const [put1, put2] = server.puts();
      assert.equal(put1!.headers['if-none-match'], '*');
      assert.equal(put1!.headers['if-match'], undefined);
      assert.equal(put2!.headers['if-match'], '"r1"');
      assert.equal(put2!.headers['if-none-match'], undefined);
      assert.ok(put1!.headers['idempotency-key'] && put2!.headers['idempotency-key']);
      assert.notEqual(put1!.headers['idempotency-key'], put2!.headers['idempotency-key']);
      assert.equal(put2!.headers.authorization, 'Bearer asr_syt');
      assert.deepEqual(put2!.body, { entries: sytEntries({ '15': { value: '76,5' } }), documents: [], projects: [] });
      assert.equal(controller.state.lastSaved?.revision, 2);
      assert.equal(controller.state.phase, 'saved');
    });

    it('a network failure queues the PUT; the retry reuses its Idempotency-Key and If-Match', async () => {
      const { controller, server, storage } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      server.offline = true;
      const outcome = await controller.send();
      assert.equal(outcome.status, 'queued');
      assert.equal(controller.state.phase, 'queued');
      assert.equal(controller.state.queued, 1);
      const stored = JSON.parse(storage.getItem(QUEUE_STORAGE_KEY)!);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].idempotencyKey, outcome.status === 'queued' ? outcome.idempotencyKey : '');
      assert.equal(stored[0].etag, null);
      assert.ok(!JSON.stringify(stored).includes('asr_syt'), 'the queue holds no token');

      // Back online, but the first retry's answer is lost after the server stored it.
      server.offline = false;
      server.loseAnswers = 1;
      await controller.retryQueue();
      assert.equal(controller.state.queued, 1, 'no answer: still queued');
      assert.equal(server.history.get('hn-kh207-2021/2023/hn-syt')?.length, 1, 'the server stored it once');

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
      const puts = server.puts();
      assert.equal(puts.length, 2);
      assert.equal(puts[0]!.headers['idempotency-key'], puts[1]!.headers['idempotency-key']);
      assert.equal(puts[1]!.headers['idempotency-key'], stored[0].idempotencyKey);
      assert.equal(puts[1]!.headers['if-none-match'], '*');
      assert.equal(server.history.get('hn-kh207-2021/2023/hn-syt')?.length, 1, 'not stored twice');
      assert.equal(controller.state.queued, 0);
      assert.equal(storage.getItem(QUEUE_STORAGE_KEY), null);
      assert.equal(controller.state.phase, 'saved');

      // The next send continues from the replayed answer's ETag.
      await controller.send();
      assert.equal(server.puts().at(-1)!.headers['if-match'], '"r1"');
    });

    it('the queue survives a restart (localStorage) and keeps unreachable items', async () => {
      const storage = new MapStorage();
      const queue = new OfflineQueue(storage);
      queue.add({ id: 'a', baseUrl: SERVER, key: { planId: 'p', period: '2023', agencyId: 'x' }, body: { entries: [], documents: [], projects: [] }, etag: '"r2"', idempotencyKey: 'k1', queuedAt: '', attempts: 1 });
      queue.add({ id: 'b', baseUrl: SERVER, key: { planId: 'p', period: '2023', agencyId: 'x' }, body: { entries: [{ code: '1', value: 2 }], documents: [], projects: [] }, etag: '"r2"', idempotencyKey: 'k2', queuedAt: '', attempts: 1 });
      assert.deepEqual(new OfflineQueue(storage).list().map((i) => i.id), ['b'], 'a newer send of the same report replaces the older one');
    });

    it('a queued PUT is retried only by the token that sent it', async () => {
      const { controller, server } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      server.offline = true;
      assert.equal((await controller.send()).status, 'queued');
      server.offline = false;
      assert.equal(controller.queuedItems()[0]!.owner, 't-syt');
      controller.disconnect();
      await controller.connect(SERVER, 'asr_city');
      await controller.retryQueue();
      assert.equal(server.puts().length, 0, 'the consolidator does not replay the agency’s draft');
      assert.equal(controller.state.queued, 1);
      controller.disconnect();
      await controller.connect(SERVER, 'asr_syt');
      await controller.retryQueue();
      assert.equal(controller.state.queued, 0);
      assert.equal(server.history.get('hn-kh207-2021/2023/hn-syt')?.length, 1);
    });

    it('a 412 returns both versions; "keep mine" re-PUTs with the server ETag', async () => {
      const { controller, server, setInputs } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      await controller.send();
      // Someone else saves a different 14 from another computer (its sheet starts from r1).
      const other = await connected('asr_other', undefined, server);
      await other.controller.insertTemplate();
      other.setInputs({ entries: sytEntries({ '14': { value: '96' } }), documents: [], projects: [] });
      assert.equal((await other.controller.send()).status, 'saved');
      const serverRevision = server.history.get('hn-kh207-2021/2023/hn-syt')!.at(-1)!.revision;

      setInputs({ entries: sytEntries({ '14': { value: '97,5' } }), documents: [], projects: [] });
      const outcome = await controller.send();
      assert.equal(outcome.status, 'conflict');
      assert.equal(controller.state.phase, 'conflict');
      const conflict = controller.state.conflict!;
      assert.equal(conflict.etag, `"r${serverRevision}"`);
      assert.equal(conflict.server?.revision, serverRevision);
      assert.deepEqual(conflict.rows.map((r) => [r.code, r.kind, r.mine, r.server]), [['14', 'value', '97,5', '96']]);
      assert.equal(conflict.rows[0]!.where.vi, 'Chỉ tiêu 14 — kết quả');

      const kept = await controller.keepMine();
      assert.equal(kept.status, 'saved');
      const last = server.puts().at(-1)!;
      assert.equal(last.headers['if-match'], `"r${serverRevision}"`);
      assert.notEqual(last.headers['idempotency-key'], server.puts().at(-2)!.headers['idempotency-key'], 'keep mine is a new logical send');
      assert.deepEqual((last.body as { entries: EntryInput[] }).entries.find((e) => e.code === '14')?.value, '97,5');
      assert.equal(controller.state.conflict, null);
      assert.equal(controller.state.phase, 'saved');
    });

    it('"take the server\'s" writes the server values into the sheet and adopts its ETag', async () => {
      const { controller, server, setInputs, calls } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      await controller.send();
      // A second revision written behind this pane's back.
      const history = server.history.get('hn-kh207-2021/2023/hn-syt')!;
      history.push({ ...history[0]!, revision: 2, entries: sytEntries({ '16': { value: '2,0' } }) });
      setInputs({ entries: [...sytEntries(), { code: '99', value: 'x' }], documents: [], projects: [] });
      assert.equal((await controller.send()).status, 'conflict');
      await controller.takeServer();
      const written = calls.writes.at(-1)!;
      assert.equal(written.entries.find((e) => e.code === '16')?.value, '2,0');
      assert.deepEqual(written.entries.find((e) => e.code === '99'), { code: '99', value: null, answer: null, denominator: null, note: null });
      assert.equal(controller.state.conflict, null);
      await controller.send();
      assert.equal(server.puts().at(-1)!.headers['if-match'], '"r2"');
    });

    it('a locked (approved) report says so', async () => {
      const { controller, server } = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await controller.insertTemplate();
      await controller.send();
      const history = server.history.get('hn-kh207-2021/2023/hn-syt')!;
      history.push({ ...history[0]!, revision: 2, status: 'approved' });
      (controller as unknown as { remember(k: unknown, e: string): void }).remember({ planId: 'hn-kh207-2021', period: '2023', agencyId: 'hn-syt' }, '"r2"');
      const outcome = await controller.send();
      assert.equal(outcome.status, 'locked');
      assert.equal(controller.state.phase, 'locked');
      assert.match(controller.state.notice!.text.vi, /khóa/);
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
      const { controller, server, setInputs } = await connected('asr_syt', { entries: sytEntries({ '11': { value: '1.036' } }), documents: [], projects: [] });
      await controller.insertTemplate();
      const refused = await controller.submit();
      assert.equal(refused.status, 'refused');
      assert.match(controller.state.notice!.text.vi, /Còn 1 lỗi/);
      assert.match(controller.state.notice!.text.en, /1 errors remain/);
      assert.equal(server.requests.filter((r) => r.path.endsWith('/submit')).length, 0);
      assert.equal(server.puts().length, 0);

      setInputs({ entries: sytEntries(), documents: [], projects: [] });
      const done = await controller.submit();
      assert.equal(done.status, 'submitted');
      const submitCall = server.requests.find((r) => r.path.endsWith('/submit'))!;
      assert.equal(submitCall.headers['if-match'], '"r1"', 'the sheet was saved first, then submitted over that revision');
      assert.equal(controller.state.report?.status, 'submitted');
    });
  });

  describe('consolidator', () => {
    it('the consolidated workbook goes to port.writeConsolidated with tables and charts', async () => {
      const agency = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await agency.controller.insertTemplate();
      await agency.controller.submit();
      const city = await connected('asr_city', undefined, agency.server);
      const view = await city.controller.loadConsolidated();
      const syt = view.rows.find((r) => r.agencyId === 'hn-syt')!;
      assert.equal(syt.status, 'submitted');
      assert.ok(syt.canApprove);
      assert.equal(syt.name.vi, 'Sở Y tế');
      assert.ok(view.rows.some((r) => r.status === 'missing'));
      assert.equal(view.counts.submitted, 1);

      const written = await city.controller.writeConsolidated();
      const layout = city.calls.consolidated[0]!;
      assert.ok(layout.sheets.some((s) => s.tables.length > 0));
      assert.ok(layout.sheets.some((s) => s.charts.length > 0));
      assert.equal(layout.metadata.format, 'an-sinh-consolidated');
      assert.deepEqual(written.sheets, layout.sheets.map((s) => s.name));

      await city.controller.approve('hn-syt');
      assert.equal(city.controller.state.consolidated!.rows.find((r) => r.agencyId === 'hn-syt')!.status, 'approved');
      await assert.rejects(city.controller.returnReport('hn-syt', '   '));
      await city.controller.returnReport('hn-syt', 'Bổ sung nguyên nhân chỉ tiêu 14');
      assert.equal(city.controller.state.consolidated!.rows.find((r) => r.agencyId === 'hn-syt')!.status, 'returned');
      assert.equal(agency.server.history.get('hn-kh207-2021/2023/hn-syt')!.at(-1)!.comment, 'Bổ sung nguyên nhân chỉ tiêu 14');
    });

    it('a submitted report being corrected still counts, cannot be approved meanwhile, and the drafts switch shows the draft', async () => {
      const agency = await connected('asr_syt', { entries: sytEntries(), documents: [], projects: [] });
      await agency.controller.insertTemplate();
      await agency.controller.submit();
      const city = await connected('asr_city', undefined, agency.server);
      const before = await city.controller.loadConsolidated();
      const value11 = before.table.rows.find((r) => r.code === '11')!.value;
      assert.notEqual(value11, null);

      agency.setInputs({ entries: sytEntries({ '11': { value: '10' } }), documents: [], projects: [] });
      await agency.controller.send();
      const view = await city.controller.loadConsolidated();
      const syt = view.rows.find((r) => r.agencyId === 'hn-syt')!;
      assert.deepEqual([syt.status, syt.counted, syt.canApprove, syt.canReturn], ['submitted', true, false, false]);
      assert.deepEqual(syt.updateInProgress, { revision: 3, since: '2023-11-01T00:00:00.000Z' });
      assert.equal(view.table.rows.find((r) => r.code === '11')!.value, value11, 'the submitted figure still counts');
      assert.deepEqual([view.table.basis, view.counts.submitted, view.counts.updating], ['submitted', 1, 1]);

      await city.controller.setConsolidateDrafts(true);
      const drafts = city.controller.state.consolidated!;
      assert.equal(drafts.table.basis, 'drafts');
      assert.equal(drafts.table.rows.find((r) => r.code === '11')!.value, 10);
      assert.ok(agency.server.requests.some((r) => r.path.endsWith('/consolidated')), 'asked the server');
      await city.controller.writeConsolidated();
      const written = city.calls.consolidated.at(-1)!;
      assert.equal(written.metadata.period, '2023');
      assert.ok(written.sheets[0]!.grid.flat().some((c) => typeof c.v === 'string' && c.v.includes('GỒM CẢ BẢN NHÁP')), 'the workbook says it holds drafts');
    });

    it('an agency cannot load the consolidated table', async () => {
      const { controller, server } = await connected();
      await assert.rejects(controller.loadConsolidated());
      assert.equal(server.requests.filter((r) => r.path.endsWith('/consolidated')).length, 0);
      assert.match(controller.state.notice!.text.vi, /cơ quan tổng hợp/);
    });
  });
});
