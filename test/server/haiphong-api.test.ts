/**
 * Hải Phòng's plan 113 through the API: listed with the Hà Nội plans, its tasks served with the
 * plan, and a template for each kind of Hải Phòng agency (a department leading the plan's one
 * indicator, a district). The task sheet itself comes with the task templates.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { newToken } from '../../server/auth';
import { bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

const PLAN = 'hp-kh113-2022';

describe('Hải Phòng plan 113 through the API', function () {
  this.timeout(120_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  it('lists hp-kh113-2022 beside the Hà Nội plans, with its city, years and yearly period', async () => {
    const res = await request(s.app).get('/api/plans').set(bearer(s.tokens.consolidator)).expect(200);
    const plans = (res.body as { plans: Array<Record<string, unknown>> }).plans;
    assert.deepEqual(plans.map((p) => p.id).sort(), ['hn-kh181-2024', 'hn-kh207-2021', PLAN]);
    const hp = plans.find((p) => p.id === PLAN);
    assert.deepEqual(
      { number: hp?.number, city: hp?.city, program: hp?.program, startYear: hp?.startYear, endYear: hp?.endYear, indicators: hp?.indicators, periods: hp?.periods },
      { number: '113/KH-UBND', city: 'haiphong', program: '1983/QĐ-TTg', startYear: 2022, endYear: 2025, indicators: 1, periods: ['year'] },
    );
  });

  it('serves the plan with its 28 tasks and Hải Phòng\'s agencies in the register', async () => {
    const plan = await request(s.app).get(`/api/plans/${PLAN}`).set(bearer(s.tokens.consolidator)).expect(200);
    const tasks = (plan.body as { tasks: Array<{ code: string; lead: string }> }).tasks;
    assert.equal(tasks.length, 28);
    assert.deepEqual(tasks.slice(0, 2).map((t) => [t.code, t.lead]), [['IV.1.1', 'hp-sldtbxh'], ['IV.1.2', 'hp-sldtbxh']]);
    const agencies = await request(s.app).get('/api/agencies').set(bearer(s.tokens.consolidator)).expect(200);
    const ids = new Set((agencies.body as { agencies: Array<{ id: string }> }).agencies.map((a) => a.id));
    for (const t of tasks) assert.ok(ids.has(t.lead), `${t.code}: ${t.lead}`);
  });

  const template = (agencyId: string, period: string) =>
    request(s.app).get(`/api/plans/${PLAN}/templates/${agencyId}.xlsx?period=${period}`).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser);

  it('gives Sở LĐTBXH a template with the poverty indicator to fill, and a district a template too', async () => {
    const res = await template('hp-sldtbxh', '2023').expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    assert.ok(workbook.definedNames.getRanges('asr.value.1').ranges.length > 0, 'no input cell for indicator 1');
    const text = workbook.worksheets.flatMap((w) => w.getSheetValues().flat().map(String)).join(' ');
    assert.match(text, /113\/KH-UBND/);
    assert.match(text, /hộ nghèo theo chuẩn nghèo đa chiều/);
    await template('hp-q-hong-bang', '2023').expect(200);
  });

  it('takes Sở LĐTBXH\'s report of the poverty figure and its six tasks, and shows both in the citywide table', async () => {
    const { secret, record } = newToken('agency', 'hp-sldtbxh', 'Sở LĐTBXH Hải Phòng', s.clock.now);
    await s.store.addToken(record, { at: s.clock.now.toISOString(), actor: 'test', action: 'issue-token' });
    const url = `/api/plans/${PLAN}/periods/2023/reports/hp-sldtbxh`;
    const tasks = [
      { code: 'IV.1.1', status: 'completed', account: 'Đã tổ chức 12 hội nghị tuyên truyền', evidence: 'Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2023' },
      { code: 'IV.1.2', status: 'inProgress', account: 'Đang rà soát chính sách' },
      { code: 'IV.1.3', status: 'inProgress' },
      { code: 'IV.1.4', status: 'completed', evidence: 'Tờ trình 88/TTr-SLĐTBXH ngày 02/11/2023' },
      { code: 'IV.1.5', status: 'notStarted', account: 'Chờ kinh phí năm 2024' },
      { code: 'IV.1.6', status: 'inProgress' },
    ];
    await request(s.app).put(url).set(bearer(secret)).set('If-None-Match', '*').send({ entries: [{ code: '1', value: 2150, note: 'Số hộ nghèo cuối năm 2023' }], tasks }).expect(201);
    const submitted = await request(s.app).post(`${url}/submit`).set(bearer(secret));
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const table = await request(s.app).get(`/api/plans/${PLAN}/periods/2023/consolidated`).set(bearer(s.tokens.consolidator)).expect(200);
    const row = (table.body as { rows: Array<{ code: string; value?: number | null }> }).rows.find((r) => r.code === '1');
    assert.equal(row?.value, 2150, JSON.stringify(row));
    const taskTable = (table.body as { tasks: { rows: Array<{ code: string; status: string; account: string | null }>; counts: Record<string, number> } }).tasks;
    assert.equal(taskTable.rows.length, 28);
    assert.deepEqual(
      taskTable.rows.filter((t) => t.code.startsWith('IV.1.')).map((t) => [t.code, t.status]),
      [['IV.1.1', 'completed'], ['IV.1.2', 'inProgress'], ['IV.1.3', 'inProgress'], ['IV.1.4', 'completed'], ['IV.1.5', 'notStarted'], ['IV.1.6', 'inProgress']],
    );
    assert.equal(taskTable.rows.find((t) => t.code === 'IV.1.5')?.account, 'Chờ kinh phí năm 2024', 'the reason reaches the consolidator');
    assert.deepEqual(taskTable.counts, { completed: 2, inProgress: 3, notStarted: 1, notYetDue: 0, notReported: 22 });
  });

  it('refuses a period outside 2022-2025 and a half-year period the plan does not have', async () => {
    for (const period of ['2021', '2023-6M']) {
      const res = await template('hp-sldtbxh', period).expect(422);
      assert.equal((JSON.parse((res.body as Buffer).toString('utf8')) as { error: { code: string } }).error.code, 'unknown-period');
    }
  });
});
