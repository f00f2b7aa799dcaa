import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { API_ANSWERS } from '../../shared/catalogue/api-errors';
import type { ApiErrorCode } from '../../shared/catalogue/api-errors';
import { ROUTES } from '../../server/routes';
import { SYT_2023_ENTRIES, bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

const REPORT = '/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt';

describe('sync server API (real app, real lowdb file)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  const put = (entries: unknown, headers: Record<string, string>, token = s.tokens.agencyA, path = REPORT) =>
    request(s.app).put(path).set(bearer(token)).set(headers).send({ entries });

  describe('basics', () => {
    it('serves health, the OpenAPI document of every route and the plan schema without a token', async () => {
      const health = await request(s.app).get('/api/health').expect(200);
      assert.equal(health.body.status, 'ok');
      assert.equal(health.body.plans, 3);
      const openapi = await request(s.app).get('/api/openapi.json').expect(200);
      for (const route of ROUTES) assert.ok(openapi.body.paths[route.path]?.[route.method], `${route.method} ${route.path} documented`);
      assert.ok(openapi.body.paths['/api/plans/{planId}/periods/{period}/reports/{agencyId}'].put.requestBody.content['application/json'].schema.properties.entries);
      const schema = await request(s.app).get('/api/schema/plan').expect(200);
      assert.ok(schema.body.properties.indicators);
    });

    it('answers every error as { error: { code, message: { vi, en } } } without stack traces', async () => {
      await request(s.app).get('/api/nowhere').expect(401); // anonymous callers learn nothing but 401
      const notFound = await request(s.app).get('/api/nowhere').set(bearer(s.tokens.agencyA)).expect(404);
      assert.equal(notFound.body.error.code, 'route-not-found');
      assert.ok(notFound.body.error.message.vi && notFound.body.error.message.en);
      const badJson = await request(s.app).put(REPORT).set(bearer(s.tokens.agencyA)).set('Content-Type', 'application/json').send('{"entries": [').expect(400);
      assert.equal(badJson.body.error.code, 'json-unreadable');
      assert.doesNotMatch(JSON.stringify(badJson.body), /at .*\.ts:\d+|SyntaxError/);
      const big = await put([{ code: '11', value: 'x'.repeat(1_100_000) }], { 'If-None-Match': '*' }).expect(413);
      assert.equal(big.body.error.code, 'too-large');
      const invalid = await put([{ code: 11 }], { 'If-None-Match': '*' }).expect(400);
      assert.equal(invalid.body.error.code, 'invalid-body');
      assert.ok(invalid.body.error.details.some((d: { path: string }) => d.path === 'entries.0.code'));
    });

    it('sends helmet headers with frame-ancestors for Office, and CORS for configured origins exposing ETag', async () => {
      const res = await request(s.app).get('/api/health').set('Origin', 'https://localhost:3000').expect(200);
      assert.match(res.headers['content-security-policy']!, /frame-ancestors 'self' https:\/\/\*\.officeapps\.live\.com/);
      assert.equal(res.headers['x-frame-options'], undefined);
      assert.equal(res.headers['access-control-allow-origin'], 'https://localhost:3000');
      assert.match(res.headers['access-control-expose-headers']!, /ETag/);
      const other = await request(s.app).get('/api/health').set('Origin', 'https://evil.example').expect(200);
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    });

    it('refuses a bad token with 401 and says who a good one belongs to', async () => {
      await request(s.app).get('/api/me').expect(401);
      const bad = await request(s.app).get('/api/me').set(bearer('asr_not-a-real-token-value')).expect(401);
      assert.equal(bad.body.error.code, 'invalid-token');
      const me = await request(s.app).get('/api/me').set(bearer(s.tokens.agencyA)).expect(200);
      assert.deepEqual([me.body.role, me.body.agencyId, me.body.agencyName], ['agency', 'hn-syt', 'Sở Y tế']);
    });
  });

  describe('one error code for each case', () => {
    const code = async (req: request.Test, status: number) => {
      const res = await req.expect(status);
      assert.ok(API_ANSWERS[res.body.error.code as ApiErrorCode], `${res.body.error.code} is in the catalogue`);
      assert.equal(API_ANSWERS[res.body.error.code as ApiErrorCode].status, status, res.body.error.code);
      return res.body.error.code as string;
    };
    const get = (path: string, token = s.tokens.admin) => request(s.app).get(path).set(bearer(token));

    it('tells apart what is not there: route, plan, agency, report, indicator, token, template', async () => {
      assert.equal(await code(get('/api/nowhere'), 404), 'route-not-found');
      assert.equal(await code(get('/api/plans/no-such-plan'), 404), 'plan-not-found');
      assert.equal(await code(get('/api/plans/hn-kh207-2021/periods/2023/reports/no-such-agency'), 404), 'agency-not-found');
      assert.equal(await code(get(REPORT), 404), 'report-not-found');
      const lead = request(s.app).post('/api/plans/hn-kh207-2021/indicators/999/lead').set(bearer(s.tokens.admin)).send({ agencyId: 'hn-sxd', from: '2025-03-01' });
      assert.equal(await code(lead, 404), 'indicator-not-found');
      assert.equal(await code(request(s.app).delete('/api/tokens/tok_000000000000').set(bearer(s.tokens.admin)), 404), 'token-not-found');
      assert.equal(await code(get('/api/plans/hn-kh207-2021/templates/hn-syt.pdf'), 404), 'template-not-found');
    });

    it('tells apart what is wrong with a request: period, query, CSV, workbook, JSON, Idempotency-Key, If-Match, agency token', async () => {
      assert.equal(await code(get('/api/plans/hn-kh207-2021/periods/someday/consolidated'), 400), 'bad-period');
      assert.equal(await code(get('/api/plans/hn-kh207-2021/periods/2023-3M/consolidated'), 422), 'unknown-period');
      assert.equal(await code(get('/api/plans/hn-kh207-2021/periods/2023/consolidated?drafts=yes'), 400), 'bad-drafts');
      const communes = (type: string, body: string, query = '') => request(s.app).post(`/api/agencies/communes${query}`).set(bearer(s.tokens.admin)).set('Content-Type', type).send(body);
      assert.equal(await code(communes('application/json', '{}'), 400), 'csv-required');
      const bad = await communes('text/csv', 'name,type\n', '?prefix=NOT%20A%20PREFIX').expect(400);
      assert.deepEqual([bad.body.error.code, bad.body.error.message.en], ['bad-query', 'Bad city/prefix parameters']);
      const upload = request(s.app).post(`${REPORT}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', 'application/json').send('{}');
      assert.equal(await code(upload, 400), 'xlsx-required');
      const json = request(s.app).post('/api/tokens').set(bearer(s.tokens.admin)).set('Content-Type', 'application/json').send('{"role":');
      assert.equal(await code(json, 400), 'json-unreadable');
      assert.equal(await code(put(SYT_2023_ENTRIES, { 'If-None-Match': '*', 'Idempotency-Key': 'two words' }), 400), 'bad-idempotency-key');
      assert.equal(await code(put(SYT_2023_ENTRIES, { 'If-Match': 'r1' }), 400), 'bad-if-match');
      const agencyToken = request(s.app).post('/api/tokens').set(bearer(s.tokens.admin)).send({ role: 'agency', label: 'x' });
      assert.equal(await code(agencyToken, 400), 'agency-id-required');
    });

    it('tells apart who may not: the role, another agency (a plan the agency does not report on: one-verdict.test.ts)', async () => {
      assert.equal(await code(get('/api/tokens', s.tokens.agencyA), 403), 'role-forbidden');
      assert.equal(await code(put(SYT_2023_ENTRIES, { 'If-None-Match': '*' }, s.tokens.consolidator), 403), 'consolidator-cannot-edit');
      assert.equal(await code(get('/api/plans/hn-kh207-2021/periods/2023/reports/hn-bhxh', s.tokens.agencyA), 403), 'not-own-report');
    });

    it('the lifecycle refuses with its own codes: not-submitted, nothing-to-return, locked', async () => {
      await put(SYT_2023_ENTRIES, { 'If-None-Match': '*' }).expect(201);
      const decide = (action: string, body: object = {}) => request(s.app).post(`${REPORT}/${action}`).set(bearer(s.tokens.consolidator)).send(body);
      assert.equal(await code(decide('approve'), 409), 'not-submitted');
      assert.equal(await code(decide('return', { comment: 'Xem lại' }), 409), 'nothing-to-return');
      await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
      await decide('approve').expect(200);
      assert.equal(await code(request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)), 409), 'locked');
    });

    it('the OpenAPI document gives every route its answer schemas and its error codes, all from the catalogue', async () => {
      const doc = (await request(s.app).get('/api/openapi.json').expect(200)).body;
      for (const route of ROUTES) {
        const op = doc.paths[route.path][route.method];
        for (const [status, r] of Object.entries(route.responses)) {
          if (r.schema) assert.ok(op.responses[status].content['application/json'].schema, `${route.method} ${route.path} ${status} schema`);
        }
        for (const c of route.errors ?? []) assert.match(op.responses[String(API_ANSWERS[c].status)].description, new RegExp(`\\b${c}: `), `${route.method} ${route.path} ${c}`);
      }
      const report = doc.paths['/api/plans/{planId}/periods/{period}/reports/{agencyId}'].get.responses['200'].content['application/json'].schema;
      assert.deepEqual(report.properties.status.enum, ['draft', 'submitted', 'late', 'approved', 'returned']);
      assert.deepEqual(doc.components.schemas.Error.properties.error.properties.code.enum, Object.keys(API_ANSWERS));
    });
  });

  describe('reports: drafts, revisions, preconditions', () => {
    it('creates with If-None-Match: *, answers ETag "r1", keeps findings with a draft, and returns the latest', async () => {
      const created = await put([{ code: '11', value: '1.036' }], { 'If-None-Match': '*' }).expect(201);
      assert.equal(created.headers.etag, '"r1"');
      assert.equal(created.body.report.status, 'draft');
      assert.equal(created.body.validation.valid, false);
      assert.ok(created.body.validation.findings.some((f: { code: string }) => f.code === 'ambiguous-number'));
      const got = await request(s.app).get(REPORT).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(got.headers.etag, '"r1"');
      assert.deepEqual(got.body.entries, [{ code: '11', value: '1.036' }]);
    });

    it('requires If-Match (428), refuses a stale one (412, with the current version), accepts the current one', async () => {
      await put(SYT_2023_ENTRIES, { 'If-None-Match': '*' }).expect(201);
      const missing = await put(SYT_2023_ENTRIES, {}).expect(428);
      assert.equal(missing.body.error.code, 'precondition-required');
      const stale = await put(SYT_2023_ENTRIES, { 'If-Match': '"r7"' }).expect(412);
      assert.equal(stale.headers.etag, '"r1"');
      assert.equal(stale.body.current.revision, 1);
      await put(SYT_2023_ENTRIES, { 'If-Match': '"r1"' }).expect(200);
      const history = await request(s.app).get(`${REPORT}/history`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.deepEqual(history.body.revisions.map((r: { revision: number }) => r.revision), [1, 2]);
    });

    it('conflicts: two clients PUT with the same If-Match; exactly one wins, the other gets 412 and the winner', async () => {
      await put(SYT_2023_ENTRIES, { 'If-None-Match': '*' }).expect(201);
      const [a, b] = await Promise.all([
        put([{ code: '11', value: '29' }], { 'If-Match': '"r1"' }),
        put([{ code: '11', value: '30' }], { 'If-Match': '"r1"' }),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 412]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      assert.equal(loser.body.current.revision, 2);
      assert.deepEqual(loser.body.current.entries, winner.body.report.entries);
    });

    it('retries: the same PUT with the same Idempotency-Key creates one revision; another body with it is 422', async () => {
      const headers = { 'If-None-Match': '*', 'Idempotency-Key': 'retry-123' };
      const first = await put(SYT_2023_ENTRIES, headers).expect(201);
      const again = await put(SYT_2023_ENTRIES, headers).expect(201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      const history = await request(s.app).get(`${REPORT}/history`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(history.body.revisions.length, 1, 'the retry created no revision');
      const reused = await put([{ code: '11', value: '1' }], headers).expect(422);
      assert.equal(reused.body.error.code, 'idempotency-key-reused');
    });

    it('submits only without errors, marks late after the deadline, locks when approved, unlocks when returned', async () => {
      await put([{ code: '11', value: 'abc' }], { 'If-None-Match': '*' }).expect(201);
      const refused = await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(422);
      assert.equal(refused.body.error.code, 'has-errors');
      await put(SYT_2023_ENTRIES, { 'If-Match': '"r1"' }).expect(200);
      s.clock.now = new Date('2023-12-05T08:00:00Z'); // after the annual deadline of 30 November
      const submitted = await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(submitted.body.report.status, 'late');
      await request(s.app).post(`${REPORT}/approve`).set(bearer(s.tokens.agencyA)).expect(403);
      await request(s.app).post(`${REPORT}/approve`).set(bearer(s.tokens.consolidator)).expect(200);
      const locked = await put(SYT_2023_ENTRIES, { 'If-Match': '"r4"' }).expect(409);
      assert.equal(locked.body.error.code, 'locked');
      await request(s.app).post(`${REPORT}/return`).set(bearer(s.tokens.consolidator)).send({}).expect(400);
      const returned = await request(s.app).post(`${REPORT}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'Kiểm tra lại chỉ tiêu 12' }).expect(200);
      assert.deepEqual([returned.body.report.status, returned.body.report.comment], ['returned', 'Kiểm tra lại chỉ tiêu 12']);
      const again = await put(SYT_2023_ENTRIES, { 'If-Match': '"r5"' }).expect(200);
      assert.equal(again.body.report.status, 'draft');
    });

    it('writes an append-only audit line: who changed which value from what to what', async () => {
      await put([{ code: '11', value: '28' }], { 'If-None-Match': '*' }).expect(201);
      await put([{ code: '11', value: '28,7' }], { 'If-Match': '"r1"' }).expect(200);
      const lines = readFileSync(`${s.dataDir}/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const last = lines.filter((l) => l.action === 'put').at(-1);
      assert.equal(last.agencyId, 'hn-syt');
      assert.match(last.actor, /^tok_/);
      assert.deepEqual(last.changes, [{ path: 'entries.11.value', from: '28', to: '28,7' }]);
    });
  });

  describe('rate limits', () => {
    it('limits requests per token, and sign-in failures per address (429 in the error shape)', async () => {
      const limited = await startTestServer({ rateLimitPerMinute: 5, failedSignInLimit: 3 });
      try {
        for (let i = 0; i < 5; i++) await request(limited.app).get('/api/me').set(bearer(limited.tokens.agencyA)).expect(200);
        const over = await request(limited.app).get('/api/me').set(bearer(limited.tokens.agencyA)).expect(429);
        assert.equal(over.body.error.code, 'too-many-requests');
        await request(limited.app).get('/api/me').set(bearer(limited.tokens.agencyB)).expect(200); // another token has its own budget
        for (let i = 0; i < 3; i++) await request(limited.app).get('/api/me').set(bearer(`asr_wrong-token-number-${i}-xxxxxxxx`)).expect(401);
        const blocked = await request(limited.app).get('/api/me').set(bearer('asr_wrong-token-number-3-xxxxxxxx')).expect(429);
        assert.equal(blocked.body.error.code, 'too-many-requests', 'after 3 failures the next unknown token waits');
        await request(limited.app).get('/api/me').set(bearer(limited.tokens.consolidator)).expect(200); // a valid token never does
      } finally {
        await limited.close();
      }
    });
  });

  describe('validation, consolidation, admin', () => {
    it('POST /api/validate runs the shared engine for the signed-in agency', async () => {
      const res = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: 'hn-kh207-2021', period: '2023', entries: [{ code: '11', value: '1.036' }] }).expect(200);
      assert.equal(res.body.agencyId, 'hn-syt');
      assert.ok(res.body.findings.some((f: { code: string }) => f.code === 'ambiguous-number'));
      assert.ok(res.body.findings.some((f: { code: string; indicator: string }) => f.code === 'required' && f.indicator === '12'));
    });

    it('consolidates submitted reports into the citywide table', async () => {
      await put(SYT_2023_ENTRIES, { 'If-None-Match': '*' }).expect(201);
      await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
      const table = await request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated').set(bearer(s.tokens.consolidator)).expect(200);
      const row11 = table.body.rows.find((r: { code: string }) => r.code === '11');
      assert.deepEqual([row11.value, row11.verdict, row11.progressYear], [28.7, 'met', 100.7]);
      assert.equal(table.body.summary.total, 27);
      assert.equal(table.body.agencies.find((a: { agencyId: string }) => a.agencyId === 'hn-syt').status, 'submitted');
      assert.equal(table.body.agencies.find((a: { agencyId: string }) => a.agencyId === 'hn-bhxh').status, 'missing');
      await request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated').set(bearer(s.tokens.agencyA)).expect(403);
    });

    it('admin adds a plan file (400 lists every problem with its path; 409 for an existing revision)', async () => {
      const plan = JSON.parse(readFileSync('test/fixtures/example-plan.json', 'utf8'));
      await request(s.app).post('/api/plans').set(bearer(s.tokens.agencyA)).send(plan).expect(403);
      const bad = await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send({ ...plan, startYear: 'x', indicators: [{ code: '1' }] }).expect(400);
      assert.equal(bad.body.error.code, 'invalid-plan');
      const paths = bad.body.error.details.map((d: { path: string }) => d.path);
      assert.ok(paths.includes('startYear') && paths.includes('indicators[1].name'), paths.join(', '));
      await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(plan).expect(201);
      await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(plan).expect(409);
      const list = await request(s.app).get('/api/plans').set(bearer(s.tokens.agencyA)).expect(200);
      assert.ok(list.body.plans.some((p: { id: string }) => p.id === 'hn-example-2026'));
    });

    it('admin issues and revokes tokens; the secret is shown once and stored only as a hash', async () => {
      const issued = await request(s.app).post('/api/tokens').set(bearer(s.tokens.admin)).send({ role: 'agency', agencyId: 'hn-sgddt', label: 'Sở GD&ĐT' }).expect(201);
      assert.match(issued.body.token, /^asr_[A-Za-z0-9_-]{43}$/);
      await request(s.app).get('/api/me').set(bearer(issued.body.token)).expect(200);
      const raw = readFileSync(`${s.dataDir}/db.json`, 'utf8');
      assert.ok(!raw.includes(issued.body.token), 'the secret never reaches the data file');
      const list = await request(s.app).get('/api/tokens').set(bearer(s.tokens.admin)).expect(200);
      assert.ok(list.body.tokens.every((t: Record<string, unknown>) => !('hash' in t)));
      await request(s.app).delete(`/api/tokens/${issued.body.id}`).set(bearer(s.tokens.admin)).expect(204);
      await request(s.app).get('/api/me').set(bearer(issued.body.token)).expect(401);
    });

    it('moves an indicator lead from a date: reports before stay attributed, after go to the new lead', async () => {
      await request(s.app).post('/api/plans/hn-kh207-2021/indicators/23/lead').set(bearer(s.tokens.admin)).send({ agencyId: 'hn-sxd', from: '2025-03-01' }).expect(201);
      const before = await request(s.app).post('/api/validate').set(bearer(s.tokens.admin)).send({ planId: 'hn-kh207-2021', period: '2024', agencyId: 'hn-sgtvt', entries: [] }).expect(200);
      assert.ok(before.body.findings.some((f: { code: string; indicator: string }) => f.code === 'required' && f.indicator === '23'));
      const after = await request(s.app).post('/api/validate').set(bearer(s.tokens.admin)).send({ planId: 'hn-kh207-2021', period: '2025', agencyId: 'hn-sxd', entries: [] }).expect(200);
      assert.ok(after.body.findings.some((f: { code: string; indicator: string }) => f.code === 'required' && f.indicator === '23'));
    });
  });
});
