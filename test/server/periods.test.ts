import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { compilePlan } from '../../shared/compile';
import { planPeriodIds } from '../../shared/periods';
import { validateReport } from '../../shared/validate';
import { SYT_2023_ENTRIES, bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

const P207 = '/api/plans/hn-kh207-2021';
const PERIODS_207 = ['2021-6M', '2021-9M', '2021', '2022-6M', '2022-9M', '2022', '2023-6M', '2023-9M', '2023', '2024-6M', '2024-9M', '2024', '2025-6M', '2025-9M', '2025'];
const plan207 = compilePlan(JSON.parse(readFileSync(new URL('../../shared/plans/hn-kh207-2021.json', import.meta.url), 'utf8')));

describe('periods checked against the plan (API)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  /** The 422 of a period the plan does not define: its periods in the details and in both messages. */
  const assertUndefinedPeriod = (res: request.Response, period: string, periods: string[]) => {
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'unknown-period');
    assert.deepEqual(res.body.error.details, { period, periods });
    assert.ok(res.body.error.message.vi.includes(`các kỳ báo cáo của kế hoạch: ${periods.join(', ')}`), res.body.error.message.vi);
    assert.ok(res.body.error.message.en.includes(`the plan's reporting periods: ${periods.join(', ')}`), res.body.error.message.en);
  };

  it('defines the periods of plan 207 (6M, 9M, year × 2021-2025) and of plan 181 (6M, year × 2024-2030)', () => {
    assert.deepEqual(planPeriodIds(plan207.plan), PERIODS_207);
    const plan181 = JSON.parse(readFileSync(new URL('../../shared/plans/hn-kh181-2024.json', import.meta.url), 'utf8'));
    assert.deepEqual(planPeriodIds(plan181).slice(0, 4), ['2024-6M', '2024', '2025-6M', '2025']);
    assert.equal(planPeriodIds(plan181).length, 14);
  });

  it('refuses a PUT for 2023-3M on plan 207 (6M, 9M and year reports) with 422, storing nothing', async () => {
    const path = `${P207}/periods/2023-3M/reports/hn-syt`;
    const res = await request(s.app).put(path).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES });
    assertUndefinedPeriod(res, '2023-3M', PERIODS_207);
    assert.match(res.body.error.message.vi, /^Kế hoạch 207\/KH-UBND không có kỳ báo cáo 2023-3M/);
    assert.match(res.body.error.message.en, /^Plan 207\/KH-UBND has no reporting period 2023-3M/);
    assert.deepEqual(await s.store.listReports({ planId: 'hn-kh207-2021' }), []);
  });

  it('refuses years outside the plan with 422 too', async () => {
    for (const period of ['2026', '2020-6M', '2019']) {
      const res = await request(s.app).put(`${P207}/periods/${period}/reports/hn-syt`).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES });
      assertUndefinedPeriod(res, period, PERIODS_207);
      assert.match(res.body.error.message.en, new RegExp(`^Period ${period} is outside the plan period 2021-2025`));
    }
  });

  it('answers 422 on every route with a period: upload, submit, approve, return, history, template, consolidated, validate', async () => {
    const R = `${P207}/periods/2023-3M/reports/hn-syt`;
    const calls: Array<[string, () => request.Test]> = [
      ['get', () => request(s.app).get(R).set(bearer(s.tokens.agencyA))],
      ['history', () => request(s.app).get(`${R}/history`).set(bearer(s.tokens.agencyA))],
      ['upload', () => request(s.app).post(`${R}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', 'application/octet-stream').send(Buffer.from('PK not really'))],
      ['submit', () => request(s.app).post(`${R}/submit`).set(bearer(s.tokens.agencyA))],
      ['approve', () => request(s.app).post(`${R}/approve`).set(bearer(s.tokens.consolidator))],
      ['return', () => request(s.app).post(`${R}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'x' })],
      ['template', () => request(s.app).get(`${P207}/templates/hn-syt.xlsx?period=2023-3M`).set(bearer(s.tokens.agencyA))],
      ['consolidated', () => request(s.app).get(`${P207}/periods/2023-3M/consolidated`).set(bearer(s.tokens.consolidator))],
      ['consolidated.xlsx', () => request(s.app).get(`${P207}/periods/2023-3M/consolidated.xlsx`).set(bearer(s.tokens.consolidator))],
      ['validate', () => request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: 'hn-kh207-2021', period: '2023-3M', entries: SYT_2023_ENTRIES })],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      assert.equal(res.status, 422, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assertUndefinedPeriod(res, '2023-3M', PERIODS_207);
    }
  });

  it('lists the periods of the plan asked about: 2025-9M on plan 181 (6M and year reports only)', async () => {
    const res = await request(s.app).get('/api/plans/hn-kh181-2024/periods/2025-9M/consolidated').set(bearer(s.tokens.consolidator));
    assertUndefinedPeriod(res, '2025-9M', ['2024-6M', '2024', '2025-6M', '2025', '2026-6M', '2026', '2027-6M', '2027', '2028-6M', '2028', '2029-6M', '2029', '2030-6M', '2030']);
  });

  it('keeps 400 for an id that is not a period at all, and accepts every period the plan defines', async () => {
    const bad = await request(s.app).get(`${P207}/periods/2023-4M/consolidated`).set(bearer(s.tokens.consolidator)).expect(400);
    assert.equal(bad.body.error.code, 'bad-period');
    for (const period of PERIODS_207) await request(s.app).get(`${P207}/periods/${period}/consolidated`).set(bearer(s.tokens.consolidator)).expect(200);
  });

  it('documents the 422 in the OpenAPI document of every route that takes a period', async () => {
    const doc = (await request(s.app).get('/api/openapi.json').expect(200)).body;
    const R = '/api/plans/{planId}/periods/{period}/reports/{agencyId}';
    for (const [path, method] of [[R, 'put'], [`${R}/xlsx`, 'post'], [`${R}/submit`, 'post'], ['/api/plans/{planId}/periods/{period}/consolidated', 'get'], ['/api/plans/{planId}/templates/{agencyId}.xlsx', 'get'], ['/api/validate', 'post']] as const) {
      assert.match(doc.paths[path][method].responses['422'].description, /\bunknown-period: /, `${method} ${path}`);
    }
    for (const code of ['idempotency-key-reused', 'duplicate-codes', 'unknown-period']) assert.match(doc.paths[R].put.responses['422'].description, new RegExp(`\\b${code}: `));
    assert.equal(doc.paths['/api/plans'].post.responses['422'], undefined);
  });

  it('says the same words as the engine: the validation report of such a period carries the API message', async () => {
    const res = await request(s.app).put(`${P207}/periods/2023-3M/reports/hn-syt`).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES });
    const report = validateReport(plan207, { agencyId: 'hn-syt', period: '2023-3M', entries: SYT_2023_ENTRIES });
    const finding = report.findings.find((f) => f.code === 'unknown-period')!;
    assert.equal(finding.severity, 'error');
    assert.equal(report.valid, false);
    assert.deepEqual(res.body.error.message, finding.message);
    assert.deepEqual(res.body.error.details, finding.details);
  });
});
