import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from '../../addin/excel/port';
import { NO_FILTER, filterSubmissions, reminderRows } from '../../addin/src/agency-filters';
import { TaskpaneController } from '../../addin/src/controller';
import { MapStorage } from './map-storage';
import { revisionChanges } from '../../addin/src/review';
import type { EntryInput } from '../../shared/schema/report';
import { startRealServer } from './real-server';
import type { RealServer, Who } from './real-server';

/**
 * Review before approval, against the real server (test/addin/real-server.ts): the
 * consolidator opens Sở Y tế's report (figures as typed and read, targets, verdicts,
 * findings, notes, the history with its authors and cell-by-cell changes), then approves or
 * returns it; filters the agency list; copies the reminder list with contacts.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = 'hn-kh207-2021';
const SYT_2023: Record<string, string> = { '11': '28,5', '12': '14,3', '13': '100%', '14': '95,2', '15': '76,1', '16': '2,1', '17': '5,3', '18': '83', '19': '88,4' };
const entries = (over: Record<string, Partial<EntryInput>> = {}): EntryInput[] => Object.entries(SYT_2023).map(([code, value]) => ({ code, value, note: null, ...over[code] }));
const inputs = (over: Record<string, Partial<EntryInput>> = {}): ReadInputs => ({ entries: entries(over), documents: [], projects: [] });


/** A workbook port holding the template's inputs in memory (the fake Excel host has its own tests). */
function memoryPort(initial: ReadInputs) {
  let held = structuredClone(initial);
  const templates: TemplateRef[] = [];
  const port: WorkbookPort = {
    async insertTemplate(layout) {
      const m = layout.metadata;
      const ref: TemplateRef = {
        planId: String(m.planId), revision: Number(m.revision), agencyId: String(m.agencyId), period: String(m.period), lang: 'vi',
        sheets: layout.sheets.map((s, i) => ({ role: s.role, id: `sheet-${i}`, name: s.name })),
      };
      templates.push(ref);
      return ref;
    },
    findTemplates: async () => [...templates],
    async validateInPlace(_template, judge): Promise<Judgement> {
      return judge(structuredClone(held));
    },
    async writeInputs(_template, written) {
      held = structuredClone(written);
    },
    selectInput: async () => undefined,
    writeConsolidated: async (layout) => ({ sheets: layout.sheets.map((s) => s.name) }),
  };
  return { port, set: (next: ReadInputs) => (held = structuredClone(next)) };
}

let srv: RealServer;

async function pane(who: Who, initial: ReadInputs = inputs()) {
  const mem = memoryPort(initial);
  const controller = new TaskpaneController({ port: mem.port, storage: new MapStorage(), fetch: srv.fetch, now: () => srv.clock.now, newId: () => `id-${Math.random()}` });
  await controller.connect(srv.base, who.secret);
  await controller.selectPlan(PLAN);
  controller.selectPeriod('2023');
  return { controller, set: mem.set };
}

/** Sở Y tế saves a draft, corrects indicator 14 with a reason, and submits: three revisions. */
async function sytSubmits() {
  const agency = await pane(srv.tokens.syt);
  await agency.controller.insertTemplate();
  await agency.controller.send();
  agency.set(inputs({ '14': { value: '80', note: 'Thiếu nhân lực y tế cơ sở' } }));
  await agency.controller.submit();
  return agency;
}

describe('review before approval (pane controller, real server)', () => {
  beforeEach(async () => {
    srv = await startRealServer();
  });
  afterEach(async () => srv.close());

  it('opens a report: figures as typed and read, target, verdict, findings, notes, history with authors and changes; then approves', async () => {
    await sytSubmits();
    const city = await pane(srv.tokens.city);
    await city.controller.loadConsolidated();
    const review = await city.controller.openReview('hn-syt');
    assert.equal(city.controller.state.review, review);
    assert.equal(review.status, 'submitted');

    const f14 = review.figures.find((f) => f.code === '14');
    assert.ok(f14, 'indicator 14 is among the figures');
    assert.equal(f14.typed, '80');
    assert.equal(f14.read, 80);
    assert.ok(f14.target && f14.target.vi.length > 0, "the year's target is shown");
    assert.equal(f14.verdict, 'notMet', '80 is below the 2023 target');
    assert.equal(typeof f14.progressYear, 'number');
    assert.ok(f14.name.vi.length > 3);
    const f11 = review.figures.find((f) => f.code === '11');
    assert.deepEqual([f11?.typed, f11?.read], ['28,5', 28.5], 'a comma decimal as typed, the number as read');
    assert.deepEqual(review.figures.filter((f) => f.note).map((f) => [f.code, f.note]), [['14', 'Thiếu nhân lực y tế cơ sở']]);

    // Findings name their indicator.
    for (const finding of review.findings) assert.ok(finding.where.vi.length > 0);
    assert.ok(review.findings.some((f) => f.where.vi.includes('Chỉ tiêu 14')), JSON.stringify(review.findings.map((f) => f.where.vi)));

    // History, newest first: who (the token's label) and what changed, cell by cell.
    assert.deepEqual(review.history.map((r) => [r.revision, r.action, r.author]), [[3, 'submit', 'Sở Y tế'], [2, 'put', 'Sở Y tế'], [1, 'put', 'Sở Y tế']]);
    const corrected = review.history.find((r) => r.revision === 2);
    assert.deepEqual(corrected?.changes, [
      { kind: 'indicator', code: '14', field: 'value', from: '95,2', to: '80' },
      { kind: 'indicator', code: '14', field: 'note', from: '', to: 'Thiếu nhân lực y tế cơ sở' },
    ]);
    assert.deepEqual(review.history[0]?.changes, [], 'submitting changes no figure');
    assert.equal(review.history.at(-1)?.changes.length, Object.keys(SYT_2023).length, 'the first revision: every filled cell');
    assert.match(city.controller.timeText(review.savedAt), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    assert.equal(city.controller.text('revisionN', { n: review.revision }), 'Lần gửi 3');

    await city.controller.approve('hn-syt');
    assert.equal(city.controller.state.review, null, 'the review closes on the decision');
    assert.equal(city.controller.state.consolidated?.rows.find((r) => r.agencyId === 'hn-syt')?.status, 'approved');
    const again = await city.controller.openReview('hn-syt');
    assert.deepEqual([again.status, again.history[0]?.action, again.history[0]?.author], ['approved', 'approve', 'Sở Nội vụ']);
  });

  it('returns a report with a reason; the reason and its author are in the history', async () => {
    await sytSubmits();
    const city = await pane(srv.tokens.city);
    await city.controller.loadConsolidated();
    await city.controller.openReview('hn-syt');
    await assert.rejects(city.controller.returnReport('hn-syt', '  '));
    assert.ok(city.controller.state.review, 'a refused return keeps the review open');
    await city.controller.returnReport('hn-syt', 'Giải thích thêm chỉ tiêu 14');
    assert.equal(city.controller.state.review, null);
    const after = await city.controller.openReview('hn-syt');
    assert.deepEqual([after.status, after.comment, after.history[0]?.action, after.history[0]?.author, after.history[0]?.comment], ['returned', 'Giải thích thêm chỉ tiêu 14', 'return', 'Sở Nội vụ', 'Giải thích thêm chỉ tiêu 14']);
  });

  it('a missing report cannot be opened: the pane says so', async () => {
    const city = await pane(srv.tokens.city);
    await city.controller.loadConsolidated();
    await assert.rejects(city.controller.openReview('hn-syt'));
    assert.match(city.controller.state.notice?.text.vi ?? '', /Sở Y tế chưa có báo cáo/);
  });

  it('filters and sorts the agency list: status, late only, with errors, by name and submitted date', async () => {
    srv.clock.now = new Date('2023-12-05T08:00:00Z');
    await sytSubmits();
    const city = await pane(srv.tokens.city);
    const view = await city.controller.loadConsolidated();
    const all = view.rows;
    assert.ok(all.length > 3);
    const syt = all.find((r) => r.agencyId === 'hn-syt');
    assert.equal(syt?.status, 'late', 'submitted after the 30 November deadline');
    assert.deepEqual(filterSubmissions(all, { ...NO_FILTER, status: 'late' }).map((r) => r.agencyId), ['hn-syt']);
    assert.deepEqual(filterSubmissions(all, { ...NO_FILTER, status: 'submitted' }).map((r) => r.agencyId), ['hn-syt'], 'late reports are submitted ones');
    assert.deepEqual(filterSubmissions(all, { ...NO_FILTER, lateOnly: true }).map((r) => r.agencyId), ['hn-syt']);
    const missing = filterSubmissions(all, { ...NO_FILTER, status: 'missing' });
    assert.equal(missing.length, all.length - 1);
    assert.ok(missing.every((r) => r.status === 'missing'));
    assert.deepEqual(filterSubmissions(all, { ...NO_FILTER, status: 'approved' }), []);
    const byName = filterSubmissions(all, { ...NO_FILTER, sort: 'name' }).map((r) => r.name.vi);
    assert.deepEqual(byName, [...byName].sort((a, b) => a.localeCompare(b, 'vi')));
    assert.equal(filterSubmissions(all, { ...NO_FILTER, sort: 'submitted' })[0]?.agencyId, 'hn-syt', 'the one submission first');
    assert.deepEqual(filterSubmissions(all, NO_FILTER), all, 'no filter: the review order as the controller sorted it');
    assert.deepEqual(filterSubmissions(all, { ...NO_FILTER, withErrors: true }), [], 'a submitted report has no errors');

  });

  it('"with errors": a draft with an unreadable figure, in the drafts preview', async () => {
    const agency = await pane(srv.tokens.syt, inputs({ '12': { value: 'mười bốn' } }));
    await agency.controller.insertTemplate();
    await agency.controller.send();
    const city = await pane(srv.tokens.city);
    await city.controller.loadConsolidated();
    assert.deepEqual(filterSubmissions(city.controller.state.consolidated?.rows ?? [], { ...NO_FILTER, withErrors: true }), [], 'a draft is not counted on the submitted basis');
    await city.controller.setConsolidateDrafts(true);
    const drafts = city.controller.state.consolidated?.rows ?? [];
    assert.deepEqual(filterSubmissions(drafts, { ...NO_FILTER, withErrors: true }).map((r) => r.agencyId), ['hn-syt']);
    assert.ok((drafts.find((r) => r.agencyId === 'hn-syt')?.errors ?? 0) > 0);
  });

  it('copies the reminder list: late and missing agencies with due date and contact, "(chưa có liên hệ)" where none', async () => {
    srv.clock.now = new Date('2023-12-05T08:00:00Z');
    await sytSubmits();
    const admin = srv.tokens.admin.secret;
    const register = JSON.parse(readFileSync(`${root}shared/agencies/hanoi.json`, 'utf8')) as { agencies: Array<{ id: string }> };
    const city = await pane(srv.tokens.city);
    const first = await city.controller.loadConsolidated();
    const someMissing = first.rows.find((r) => r.status === 'missing');
    assert.ok(someMissing);
    const agency = register.agencies.find((a) => a.id === someMissing.agencyId);
    const answer = await globalThis.fetch(`${srv.base}/api/agencies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...agency, contact: { name: 'Nguyễn Văn An', phone: '0243 825 6789', email: 'an@example.vn' } }),
    });
    assert.equal(answer.status, 201);
    const city2 = await pane(srv.tokens.city);
    const view = await city2.controller.loadConsolidated();
    const text = city2.controller.reminderText();
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /gửi muộn hoặc chưa nộp báo cáo năm 2023 \(\d+ đơn vị\):/i);
    assert.equal(lines.length - 1, reminderRows(view.rows).length);
    assert.equal(reminderRows(view.rows).length, view.rows.filter((r) => r.status === 'missing').length + 1, 'every missing agency and the late one');
    const syt = lines.find((l) => l.includes('Sở Y tế —'));
    assert.match(syt ?? '', /Sở Y tế — Gửi muộn — 30\/11\/2023 — \(chưa có liên hệ\)/);
    const named = lines.find((l) => l.includes('Nguyễn Văn An'));
    assert.match(named ?? '', / — Chưa gửi — 30\/11\/2023 — Nguyễn Văn An, 0243 825 6789, an@example\.vn$/);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, 'no ISO dates');
    city2.controller.setLang('en');
    assert.match(city2.controller.reminderText(), /\(no contact yet\)/);
  });

  it('revision changes cover documents, projects and tasks too', () => {
    const base = { planId: PLAN, planRevision: 1, period: '2023', agencyId: 'hn-syt', revision: 1, status: 'draft' as const, late: false, comment: null, validation: { valid: true, stats: {}, findings: [] }, savedAt: '', savedBy: '', action: 'put' };
    const before = { ...base, entries: [], documents: [{ code: 'VB1', status: 'notIssued' as const }], projects: [], tasks: [] };
    const after = { ...base, revision: 2, entries: [{ code: '14', value: 90 }], documents: [{ code: 'VB1', status: 'issued' as const, reference: 'QĐ 12/QĐ-UBND' }], projects: [{ code: 'DA1', disbursed: 1200 }], tasks: [] };
    assert.deepEqual(revisionChanges(before, after), [
      { kind: 'indicator', code: '14', field: 'value', from: '', to: '90' },
      { kind: 'document', code: 'VB1', field: 'status', from: 'notIssued', to: 'issued' },
      { kind: 'document', code: 'VB1', field: 'reference', from: '', to: 'QĐ 12/QĐ-UBND' },
      { kind: 'project', code: 'DA1', field: 'disbursed', from: '', to: '1200' },
    ]);
  });
});
