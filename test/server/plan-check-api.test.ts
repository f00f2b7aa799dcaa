/**
 * Checking a plan before adding it (POST /api/plans/check), adding it with the same verdict
 * (POST /api/plans), and retiring it (POST /api/plans/{planId}/retire, …/restore): a retired
 * plan takes no new reports, and what was reported stays readable.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { SYT_2023_ENTRIES, bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';
import { brokenPlans, examplePlanFile } from '../shared/plan-check-corpus';

const R = '/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt';

describe('checking, adding and retiring plans (API)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => {
    await s.close();
  });
  const admin = () => bearer(s.tokens.admin);
  const checkPlan = (plan: unknown) => request(s.app).post('/api/plans/check').set(admin()).send(plan as object);
  const addPlan = (plan: unknown) => request(s.app).post('/api/plans').set(admin()).send(plan as object);
  const auditActions = () => readFileSync(`${s.dataDir}/audit.log`, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action);

  it('checks a plan without storing or auditing anything, and shows how each target was read', async () => {
    const before = auditActions();
    const res = await checkPlan(examplePlanFile()).expect(200);
    assert.deepEqual(res.body.ok, true);
    assert.deepEqual(res.body.problems, []);
    assert.deepEqual(res.body.targets[0], { indicator: '1', year: '2026', text: 'Dưới 3%', reading: { vi: 'Dưới 3%', en: 'below 3%' }, judgedByHand: false });
    assert.deepEqual(await s.store.listPlanFiles(), []);
    assert.deepEqual(auditActions(), before, 'nothing audited');
    await request(s.app).get('/api/plans/hn-example-2026').set(admin()).expect(404);
    await checkPlan(examplePlanFile()).set(bearer(s.tokens.consolidator)).expect(403);
  });

  it('answers a broken plan with every problem at once, paths by code (the README example)', async () => {
    const plan = examplePlanFile();
    plan.title = 7;
    plan.indicators[0].lead = 'Sở Y tế';
    plan.indicators[1].targets['2027'] = { text: 'Theo lộ trình của Trung ương' };
    plan.reporting.periods[0].deadline = '06-31';
    const res = await checkPlan(plan).expect(200);
    assert.equal(res.body.ok, false);
    assert.deepEqual(
      res.body.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
      ['schema-type title', 'schema-format indicators[1].lead', 'period-bad-day reporting.periods[6M].deadline', 'agency-unknown indicators[1].lead', 'target-unreadable indicators[2].targets.2027'],
    );
    const unreadable = res.body.problems.at(-1);
    assert.deepEqual(unreadable.message, {
      vi: 'Không đọc được chỉ tiêu "Theo lộ trình của Trung ương" (Không đọc được từ "Theo" (vị trí 1))',
      en: 'The target "Theo lộ trình của Trung ương" is not understood (Could not read "Theo" (at 1))',
    });
    assert.deepEqual(res.body.targets.find((t: { year: string; indicator: string }) => t.indicator === '2' && t.year === '2027'), { indicator: '2', year: '2027', text: 'Theo lộ trình của Trung ương', reading: null, judgedByHand: false });
  });

  it('one verdict: for every broken plan, POST /api/plans refuses with exactly the problems the check lists', async () => {
    const verdicts = async () => {
      for (const { name, plan } of brokenPlans()) {
        const checked = await checkPlan(plan).expect(200);
        assert.equal(checked.body.ok, false, name);
        const refused = await addPlan(plan).expect(400);
        assert.equal(refused.body.error.code, 'invalid-plan', name);
        assert.deepEqual(refused.body.error.details, checked.body.problems, name);
      }
    };
    await verdicts();
    const good = await checkPlan(examplePlanFile()).expect(200);
    const added = await addPlan(examplePlanFile()).expect(201);
    assert.deepEqual(added.body.warnings, good.body.problems);
    // Now the catalog holds revision 1: the same file is checked as a revision that exists, and added as 409.
    const again = await checkPlan(examplePlanFile()).expect(200);
    assert.deepEqual(again.body.problems.map((p: { code: string }) => p.code), ['revision-exists']);
    assert.equal((await addPlan(examplePlanFile()).expect(409)).body.error.code, 'plan-exists');
    await verdicts();
    assert.equal((await s.store.listPlanFiles()).length, 1);
  });

  it('refuses unreadable targets unless marked judgedByHand, and then adds the plan', async () => {
    const plan = examplePlanFile();
    plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương' };
    const refused = await addPlan(plan).expect(400);
    assert.deepEqual(refused.body.error.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`), ['target-unreadable indicators[1].targets.2027']);
    plan.indicators[0].targets['2027'].judgedByHand = true;
    const checked = await checkPlan(plan).expect(200);
    assert.equal(checked.body.ok, true);
    assert.deepEqual(checked.body.targets[1], { indicator: '1', year: '2027', text: 'Theo lộ trình của Trung ương', reading: null, judgedByHand: true });
    await addPlan(plan).expect(201);
  });

  it('retires a plan: new PUTs, uploads and templates are refused, reports, history and the citywide table stay readable; restoring undoes it', async () => {
    await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES }).expect(201);
    const TEMPLATE = '/api/plans/hn-kh207-2021/templates/hn-syt.xlsx?period=2023';
    const template = (await request(s.app).get(TEMPLATE).set(bearer(s.tokens.agencyA)).buffer(true).parse(binaryParser).expect(200)).body as Buffer;
    await request(s.app).post('/api/plans/hn-kh207-2021/retire').set(bearer(s.tokens.consolidator)).send({ reason: 'x' }).expect(403);
    const retired = await request(s.app).post('/api/plans/hn-kh207-2021/retire').set(admin()).send({ reason: 'Hết giai đoạn 2021-2025' }).expect(201);
    assert.deepEqual({ ...retired.body, at: undefined, by: undefined }, { planId: 'hn-kh207-2021', revision: null, retired: true, reason: 'Hết giai đoạn 2021-2025', inForce: null, at: undefined, by: undefined });

    const refused = await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send({ entries: SYT_2023_ENTRIES }).expect(409);
    assert.equal(refused.body.error.code, 'plan-retired');
    assert.match(refused.body.error.message.vi, /ngừng áp dụng \(Hết giai đoạn 2021-2025\)/);
    assert.match(refused.body.error.message.en, /is retired \(Hết giai đoạn 2021-2025\)/);
    await request(s.app).post(`${R}/submit`).set(bearer(s.tokens.agencyA)).expect(409);
    await request(s.app).get(TEMPLATE).set(bearer(s.tokens.agencyA)).expect(409);
    const upload = await request(s.app).post(`${R}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(template).expect(409);
    assert.equal(upload.body.error.code, 'plan-retired');

    assert.equal((await request(s.app).get(R).set(bearer(s.tokens.agencyA)).expect(200)).body.revision, 1);
    assert.equal((await request(s.app).get(`${R}/history`).set(bearer(s.tokens.agencyA)).expect(200)).body.revisions.length, 1);
    const table = await request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated').set(bearer(s.tokens.consolidator)).expect(200);
    assert.ok(table.body.rows.length > 0);
    await request(s.app).get('/api/plans/hn-kh207-2021').set(bearer(s.tokens.agencyA)).expect(200);

    const listed = await request(s.app).get('/api/plans').set(bearer(s.tokens.agencyA)).expect(200);
    assert.deepEqual(listed.body.plans.map((p: { id: string }) => p.id), ['hn-kh181-2024', 'hp-kh113-2022'], 'not offered for new reports');
    const all = await request(s.app).get('/api/plans?retired=1').set(bearer(s.tokens.agencyA)).expect(200);
    assert.equal(all.body.plans.find((p: { id: string }) => p.id === 'hn-kh207-2021').retired.reason, 'Hết giai đoạn 2021-2025');
    await request(s.app).get('/api/plans?retired=2').set(bearer(s.tokens.agencyA)).expect(400);

    assert.equal((await request(s.app).post('/api/plans/hn-kh207-2021/retire').set(admin()).send({ reason: 'lần nữa' }).expect(409)).body.error.code, 'plan-retired');
    const restored = await request(s.app).post('/api/plans/hn-kh207-2021/restore').set(admin()).send({ reason: 'Gia hạn' }).expect(201);
    assert.deepEqual([restored.body.retired, restored.body.inForce], [false, 1]);
    await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send({ entries: SYT_2023_ENTRIES }).expect(200);
    assert.equal((await request(s.app).post('/api/plans/hn-kh207-2021/restore').set(admin()).send({ reason: 'lần nữa' }).expect(409)).body.error.code, 'plan-not-retired');
    assert.deepEqual(auditActions().filter((a) => a.endsWith('-plan')), ['retire-plan', 'restore-plan']);
  });

  it('retires one revision: the one below is in force again; retiring every revision retires the plan', async () => {
    await addPlan(examplePlanFile()).expect(201);
    await addPlan({ ...examplePlanFile(), revision: 2, revisionNote: 'Sửa chỉ tiêu 2' }).expect(201);
    assert.equal((await request(s.app).get('/api/plans/hn-example-2026').set(admin()).expect(200)).body.revision, 2);
    assert.equal((await request(s.app).post('/api/plans/hn-example-2026/retire').set(admin()).send({ revision: 3, reason: 'x' }).expect(404)).body.error.code, 'plan-revision-not-found');
    const one = await request(s.app).post('/api/plans/hn-example-2026/retire').set(admin()).send({ revision: 2, reason: 'Thêm nhầm' }).expect(201);
    assert.equal(one.body.inForce, 1);
    assert.equal((await request(s.app).get('/api/plans/hn-example-2026').set(admin()).expect(200)).body.revision, 1);
    // A retired revision still counts: the next file must go above it.
    assert.deepEqual((await checkPlan({ ...examplePlanFile(), revision: 2 }).expect(200)).body.problems.map((p: { code: string }) => p.code), ['revision-exists']);
    const all = await request(s.app).post('/api/plans/hn-example-2026/retire').set(admin()).send({ revision: 1, reason: 'Không dùng' }).expect(201);
    assert.equal(all.body.inForce, null);
    const listed = await request(s.app).get('/api/plans?retired=1').set(admin()).expect(200);
    const example = listed.body.plans.find((p: { id: string }) => p.id === 'hn-example-2026');
    assert.deepEqual([example.revision, example.retired.revision], [2, 2]);
    await request(s.app).post('/api/plans/no-such-plan/retire').set(admin()).send({ reason: 'x' }).expect(404);
  });
});
