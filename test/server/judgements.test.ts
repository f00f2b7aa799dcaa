import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { bearer, examplePlanJudgedByHand, startTestServer } from './harness';
import type { TestServer } from './harness';

const J = '/api/plans/hn-example-2026/periods/2027/judgements';
const TABLE = '/api/plans/hn-example-2026/periods/2027/consolidated';

describe('targets judged by hand (API)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  const addPlan = (plan: object) => request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(plan);
  const judge = (body: object, token = s.tokens.consolidator, path = `${J}/1`) => request(s.app).put(path).set(bearer(token)).send(body);
  const row = async (code: string) => {
    const table = await request(s.app).get(TABLE).set(bearer(s.tokens.consolidator)).expect(200);
    return table.body.rows.find((r: { code: string }) => r.code === code);
  };
  const tokenId = async (token: string) => (await request(s.app).get('/api/me').set(bearer(token)).expect(200)).body.tokenId as string;

  it('refuses a plan file with an unreadable target that is not marked, naming indicator and year', async () => {
    const plan = examplePlanJudgedByHand() as { indicators: Array<{ targets: Record<string, { judgedByHand?: boolean }> }> };
    delete plan.indicators[0]!.targets['2027']!.judgedByHand;
    const refused = await addPlan(plan).expect(400);
    assert.equal(refused.body.error.code, 'invalid-plan');
    assert.deepEqual(refused.body.error.details.map((d: { path: string }) => d.path), ['indicators[1].targets.2027']);
    assert.match(refused.body.error.details[0].message.en, /"Theo lộ trình của Trung ương" is not understood/);
    await request(s.app).get('/api/plans/hn-example-2026').set(bearer(s.tokens.admin)).expect(404);
    await addPlan(examplePlanJudgedByHand()).expect(201);
  });

  it('records a judgement with who and when; the consolidated row follows it and says so', async () => {
    await addPlan(examplePlanJudgedByHand()).expect(201);
    const before = await row('1');
    assert.equal(before.verdict, 'notAssessable');
    assert.equal(before.judgement, undefined);
    assert.ok(before.notes.some((n: { en: string }) => n.en.includes('judged by the consolidator; no judgement is recorded')), JSON.stringify(before.notes));

    s.clock.now = new Date('2027-12-20T09:30:00.000Z');
    const created = await judge({ verdict: 'met', reason: 'Đã thực hiện đúng lộ trình của Trung ương' }).expect(201);
    const consolidatorId = await tokenId(s.tokens.consolidator);
    const expected = { planId: 'hn-example-2026', period: '2027', indicator: '1', verdict: 'met', reason: 'Đã thực hiện đúng lộ trình của Trung ương', by: consolidatorId, at: '2027-12-20T09:30:00.000Z' };
    assert.deepEqual(created.body, expected);
    assert.deepEqual((await request(s.app).get(J).set(bearer(s.tokens.consolidator)).expect(200)).body, { judgements: [expected] });

    const judged = await row('1');
    assert.equal(judged.verdict, 'met');
    assert.equal(judged.verdictPeriod, 'met', '2027 is the last year: its target is also the plan-period target');
    assert.equal(judged.category, 1);
    assert.deepEqual(judged.judgement, { verdict: 'met', reason: expected.reason, by: consolidatorId, byName: 'Cơ quan thường trực', at: expected.at });
    assert.deepEqual(judged.yearTarget.vi, 'Theo lộ trình của Trung ương', 'the row shows the plan\'s own phrase');
    const note = judged.notes.find((n: { vi: string }) => n.vi.startsWith('Cơ quan tổng hợp đánh giá đạt'));
    assert.ok(note, JSON.stringify(judged.notes));
    // Readers see who by the token's label and when in Vietnam time, never the token id or an ISO timestamp.
    assert.ok(note.vi.includes('(Cơ quan thường trực, 20/12/2027 16:30)') && note.vi.includes(expected.reason), note.vi);
    assert.ok(!note.vi.includes(consolidatorId) && !note.vi.includes(expected.at), note.vi);
    assert.match(note.en, /^Judged met by the consolidator/);
    assert.equal((await row('2')).judgement, undefined, 'other rows are the engine\'s');

    const audit = readFileSync(`${s.dataDir}/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.action === 'judge');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor, consolidatorId);
    assert.deepEqual(audit[0].changes, [{ path: 'judgements.1', from: null, to: expected }]);
  });

  it('replaces the judgement (200), keeping the change in the audit log; the admin may judge too', async () => {
    await addPlan(examplePlanJudgedByHand()).expect(201);
    await judge({ verdict: 'met', reason: 'Đạt' }).expect(201);
    const replaced = await judge({ verdict: 'notMet', reason: '  Chưa ban hành lộ trình  ' }, s.tokens.admin).expect(200);
    assert.equal(replaced.body.reason, 'Chưa ban hành lộ trình');
    assert.equal(replaced.body.by, await tokenId(s.tokens.admin));
    const judged = await row('1');
    assert.equal(judged.verdict, 'notMet');
    assert.equal(judged.judgement.verdict, 'notMet');
    await judge({ verdict: 'withinTolerance', reason: 'Gần đạt' }).expect(200);
    assert.equal((await row('1')).verdict, 'withinTolerance');
    const audit = readFileSync(`${s.dataDir}/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.action === 'judge');
    assert.deepEqual(audit.map((e) => [e.changes[0].from?.verdict ?? null, e.changes[0].to.verdict]), [[null, 'met'], ['met', 'notMet'], ['notMet', 'withinTolerance']]);
  });

  it('lets no agency judge or read the judgements (403), and nobody without a token (401)', async () => {
    await addPlan(examplePlanJudgedByHand()).expect(201);
    const refused = await judge({ verdict: 'met', reason: 'Tự đánh giá' }, s.tokens.agencyA).expect(403);
    assert.ok(refused.body.error.message.vi);
    await request(s.app).get(J).set(bearer(s.tokens.agencyA)).expect(403);
    await request(s.app).put(`${J}/1`).send({ verdict: 'met', reason: 'x' }).expect(401);
    assert.deepEqual((await request(s.app).get(J).set(bearer(s.tokens.consolidator)).expect(200)).body, { judgements: [] });
  });

  it('judges only targets judged by hand, for periods and indicators of the plan, with a bounded body', async () => {
    await addPlan(examplePlanJudgedByHand()).expect(201);
    const engine = await judge({ verdict: 'met', reason: 'x' }, s.tokens.consolidator, `${J}/2`).expect(422);
    assert.equal(engine.body.error.code, 'not-judged-by-hand');
    await judge({ verdict: 'met', reason: 'x' }, s.tokens.consolidator, `${J}/9`).expect(404);
    const period = await judge({ verdict: 'met', reason: 'x' }, s.tokens.consolidator, '/api/plans/hn-example-2026/periods/2027-9M/judgements/1').expect(422);
    assert.equal(period.body.error.code, 'unknown-period');
    for (const body of [{ verdict: 'maybe', reason: 'x' }, { verdict: 'met', reason: '   ' }, { verdict: 'met', reason: 'x'.repeat(1_001) }, { verdict: 'met' }, { verdict: 'met', reason: 'x', by: 'someone-else' }, []]) {
      const bad = await judge(body).expect(400);
      assert.equal(bad.body.error.code, 'invalid-body', JSON.stringify(body));
    }
    assert.deepEqual((await request(s.app).get(J).set(bearer(s.tokens.consolidator)).expect(200)).body, { judgements: [] });
  });

  it('in 2026 the judgement stands for the plan-period target only; the year target stays the engine\'s', async () => {
    await addPlan(examplePlanJudgedByHand()).expect(201);
    await request(s.app).put('/api/plans/hn-example-2026/periods/2026/judgements/1').set(bearer(s.tokens.consolidator)).send({ verdict: 'notMet', reason: 'Chưa có lộ trình' }).expect(201);
    const table = await request(s.app).get('/api/plans/hn-example-2026/periods/2026/consolidated').set(bearer(s.tokens.consolidator)).expect(200);
    const judged = table.body.rows.find((r: { code: string }) => r.code === '1');
    assert.equal(judged.verdictPeriod, 'notMet');
    assert.equal(judged.verdict, 'notAssessable', 'no value for "Dưới 3%": the engine says so, the judgement does not touch it');
    assert.equal(judged.judgement.verdict, 'notMet');
  });
});
