import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import type { ResponseLike } from '../../addin/src/api';
import { TaskpaneController } from '../../addin/src/controller';
import type { KeyValueStorage } from '../../addin/src/i18n';
import { createFakeExcel } from '../../addin/testing/fake-excel';
import { assignmentFor } from '../../shared/assignment';
import type { Finding } from '../../shared/findings';
import { parsePeriod } from '../../shared/periods';
import { newToken } from '../../server/auth';
import { SYT_2023_ENTRIES, bearer, startTestServer } from './harness';
import type { TestServer } from './harness';
import { PaneSide, UploadSide, XLSX_TYPE, compact, jsonBody, layoutOf, listInputs, reportUrl, stored } from './one-verdict.helpers';
import type { ReportKey, Typed } from './one-verdict.helpers';

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, String(value));
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const PLAN = 'hn-kh207-2021';
/** Sở Y tế's 2023 figures with an explanation on each row, so a miss is never an error. */
const withNotes = (over: Record<string, string>) => SYT_2023_ENTRIES.map((e) => ({ ...e, value: over[e.code] ?? e.value, note: 'Số liệu của Sở' }));

/** Sở Y tế's 2022 report with indicator 17 at 1,4, submitted: the stored value of last year for 2023. */
async function store2022(s: TestServer): Promise<void> {
  const url = reportUrl({ planId: PLAN, period: '2022', agencyId: 'hn-syt' });
  await request(s.app).put(url).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: withNotes({ '17': '1,4' }) }).expect(201);
  const submitted = await request(s.app).post(`${url}/submit`).set(bearer(s.tokens.agencyA));
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
}

const verdictOf17 = (results: ReadonlyArray<{ code: string; verdict?: string | null; evaluation?: { year: { verdict: string } } | null }>) => {
  const r = results.find((x) => x.code === '17');
  return r?.verdict ?? r?.evaluation?.year.verdict ?? null;
};

describe('one verdict, one way in', function () {
  this.timeout(60_000);

  describe('plan 207, indicator 17 ("0,1%/năm"), 2023: 1,2 after 2022\'s stored 1,4', () => {
    let s: TestServer;
    let http: Server;
    let base: string;
    before(async () => {
      s = await startTestServer();
      await store2022(s);
      http = s.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => http.once('listening', resolve));
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => http.close(resolve));
      await s.close();
    });

    it('GET …/previous hands the pane the stored value; an agency not reporting on the plan may not read it', async () => {
      const res = await request(s.app).get(`/api/plans/${PLAN}/periods/2023/previous`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.deepEqual(res.body.previousPeriod, '2022');
      assert.equal(res.body.values['17'], 1.4);
      const plan = s.catalog.snapshot.plans.get(PLAN)!;
      const outsider = s.catalog.snapshot.register.agencies.find((a) => {
        if (a.kind === 'group') return false;
        const x = assignmentFor(plan, s.catalog.snapshot.register, a.id, parsePeriod('2023')!);
        return x.indicators.length + x.documents.length + x.projects.length === 0;
      })!;
      const { secret, record } = newToken('agency', outsider.id, outsider.name, s.clock.now);
      await s.store.addToken(record, { at: s.clock.now.toISOString(), actor: 'test', action: 'issue-token' });
      const refused = await request(s.app).get(`/api/plans/${PLAN}/periods/2023/previous`).set(bearer(secret)).expect(403);
      assert.match(refused.body.error.message.vi, /không báo cáo kế hoạch này/);
    });

    it('the same "met" in the pane, on PUT, in an upload, on /api/validate and on submit', async () => {
      // The pane: the real controller over HTTP, the Office adapter on the fake Excel host.
      const fake = createFakeExcel();
      const port = createOfficeAdapter(fake.Excel as unknown as typeof Excel);
      const controller = new TaskpaneController({ port, storage: new MapStorage(), fetch: (url, init) => fetch(url, init as RequestInit) as Promise<ResponseLike>, now: () => s.clock.now });
      await controller.connect(base, s.tokens.agencyA);
      await controller.selectPlan(PLAN);
      controller.selectPeriod('2023');
      const ref = await controller.insertTemplate();
      const entries = withNotes({ '17': '1,2' });
      await port.writeInputs(ref, { entries, documents: [], projects: [] });
      const check = await controller.validate();
      assert.equal(check.previous.source, 'server');
      assert.equal(verdictOf17(check.report.results), 'met');
      assert.ok(!check.findings.some((f) => f.code === 'previous-missing'));

      // PUT (the pane's send).
      const sent = await controller.send();
      assert.equal(sent.status, 'saved');
      const url = reportUrl({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
      const afterPut = await request(s.app).get(url).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(verdictOf17(afterPut.body.validation.results), 'met');
      assert.deepEqual(stored(afterPut.body.validation), compact(check.report));

      // /api/validate: the stored value, not one from the body.
      const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2023', entries }).expect(200);
      assert.equal(verdictOf17(validated.body.results), 'met');
      assert.deepEqual(compact(validated.body), compact(check.report));
      const refused = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2023', entries, previous: { '17': 5 } }).expect(400);
      assert.equal(refused.body.error.code, 'previous-not-accepted');

      // Submit (from the pane): validated again with the stored value.
      const submitted = await controller.submit();
      assert.ok(submitted.status === 'submitted' || submitted.status === 'late', JSON.stringify(submitted));
      const afterSubmit = await request(s.app).get(url).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(verdictOf17(afterSubmit.body.validation.results), 'met');
      assert.deepEqual(stored(afterSubmit.body.validation), compact(check.report));
      // The upload of the same figures (a new draft over the submitted report).
      const register = s.catalog.snapshot.register;
      const key: ReportKey = { planId: PLAN, period: '2023', agencyId: 'hn-syt', lang: 'vi' };
      const layout = layoutOf(s.catalog.snapshot.plans.get(PLAN)!, register, key);
      const inputs = listInputs(layout);
      const typed = new Map<string, Typed>(entries.flatMap((e) => [[`value:${e.code}`, e.value], [`note:${e.code}`, e.note]] as Array<[string, Typed]>));
      const file = await new UploadSide().filled(key, layout, inputs, typed);
      const uploaded = await request(s.app).post(`${url}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX_TYPE).send(file).expect(200);
      assert.equal(verdictOf17(uploaded.body.validation.results), 'met');
      assert.deepEqual(stored(uploaded.body.validation), compact(check.report));

    });

    it("without last year's value every path says so with the same finding (previous-missing)", async () => {
      // 2021's previous year (2020) is before the plan: no stored value can exist.
      const entries = withNotes({ '17': '1,2' });
      const key: ReportKey = { planId: PLAN, period: '2021', agencyId: 'hn-syt', lang: 'vi' };
      const pane = new PaneSide(s, s.tokens.agencyA);
      const plan = await pane.plan(PLAN);
      const layout = layoutOf(plan, await pane.register(), key);
      const inputs = listInputs(layout);
      const typed = new Map<string, Typed>(entries.flatMap((e) => [[`value:${e.code}`, e.value], [`note:${e.code}`, e.note]] as Array<[string, Typed]>));
      const paneReport = await pane.check(key, layout, inputs, typed);
      const url = reportUrl(key);
      const put = await request(s.app).put(url).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send(jsonBody(inputs, typed)).expect(201);
      const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2021', ...jsonBody(inputs, typed) }).expect(200);
      const uploaded = await request(s.app).post(`${url}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX_TYPE).send(await new UploadSide().filled(key, layout, inputs, typed)).expect(200);
      const missing = (findings: unknown[]) => (findings as Finding[]).filter((f) => f.code === 'previous-missing' && f.indicator === '17');
      const expected = missing(paneReport.findings);
      assert.equal(expected.length, 1);
      assert.match(expected[0]!.message.vi, /chưa có số liệu cùng kỳ năm trước/);
      assert.deepEqual(missing(put.body.validation.findings), expected);
      assert.deepEqual(missing(validated.body.findings), expected);
      assert.deepEqual(missing(uploaded.body.validation.findings), expected);
      assert.equal(verdictOf17(paneReport.results), 'notAssessable');
    });
  });
});
