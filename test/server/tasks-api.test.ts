/**
 * A plan written as tasks through the sync server: task entries in PUT bodies are validated
 * and stored, a repeated task code is refused, the template .xlsx has the task sheet, and the
 * consolidated JSON and .xlsx carry the task table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

const PLAN = 'hn-tasks-2026';
const REPORT = `/api/plans/${PLAN}/periods/2026/reports/hn-syt`;
const TABLE = `/api/plans/${PLAN}/periods/2026/consolidated`;
const TASKS = [
  { code: 'IV.2.1', status: 'inProgress', account: 'Đã lấy ý kiến các sở' },
  { code: 'IV.2.2', status: 'notStarted', account: 'Chờ hướng dẫn của Bộ Y tế' },
  { code: 'IV.2.3', status: 'completed', evidence: 'Báo cáo 300/BC-SYT ngày 1/12/2026' },
];

describe('a plan written as tasks, through the server', function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    s.clock.now = new Date('2026-11-20T08:00:00Z');
    const plan = JSON.parse(readFileSync('test/fixtures/task-plan.json', 'utf8'));
    await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(plan).expect(201);
  });
  after(async () => s.close());

  it('validates task entries on /api/validate and PUT the same way, stores them, and refuses a repeated task code', async () => {
    const body = { entries: [{ code: '2', value: '95' }], tasks: [{ ...TASKS[0]!, status: 'notYetDue' }, TASKS[1]!, { code: 'IV.2.3', status: 'notYetDue' }] };
    const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2026', ...body }).expect(200);
    assert.deepEqual(validated.body.findings.map((f: { code: string; task?: string }) => [f.code, f.task]), [['task-status-contradicts-due', 'IV.2.3']]);
    const put = await request(s.app).put(REPORT).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send(body).expect(201);
    assert.deepEqual(put.body.validation.findings, validated.body.findings);
    assert.deepEqual(put.body.report.tasks, body.tasks);
    const twice = await request(s.app).put(REPORT).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send({ ...body, tasks: [TASKS[0], TASKS[0]] }).expect(422);
    assert.equal(twice.body.error.code, 'duplicate-codes');
    assert.deepEqual(twice.body.error.details.tasks, ['IV.2.1']);
    assert.match(twice.body.error.message.vi, /nhiệm vụ IV\.2\.1/);
  });

  it('serves the template with its task sheet', async () => {
    const res = await request(s.app).get(`/api/plans/${PLAN}/templates/hn-syt.xlsx?period=2026`).set(bearer(s.tokens.agencyA)).buffer(true).parse(binaryParser).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body);
    assert.ok(book.getWorksheet('Nhiệm vụ'), 'the template has the Nhiệm vụ sheet');
  });

  it('consolidates the submitted tasks in the JSON and the .xlsx', async () => {
    await request(s.app).put(REPORT).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send({ entries: [{ code: '2', value: '95' }], tasks: TASKS }).expect(200);
    await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    const table = await request(s.app).get(TABLE).set(bearer(s.tokens.consolidator)).expect(200);
    assert.deepEqual(table.body.tasks.counts, { completed: 1, inProgress: 1, notStarted: 1, notYetDue: 0, notReported: 2 });
    assert.deepEqual(table.body.tasks.overdue.map((o: { code: string }) => o.code), ['IV.1.1', 'IV.1.2', 'IV.2.2']);
    assert.equal(table.body.tasks.rows.find((r: { code: string }) => r.code === 'IV.2.3').evidence[0].number, '300/BC-SYT');
    const xlsx = await request(s.app).get(`${TABLE}.xlsx`).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const sheet = book.getWorksheet('Nhiệm vụ');
    assert.ok(sheet);
    const codes: unknown[] = [];
    sheet.eachRow((row) => codes.push(row.getCell(1).value));
    assert.deepEqual(codes.filter((c) => typeof c === 'string' && c.startsWith('IV.')), ['IV.1.1', 'IV.1.2', 'IV.2.1', 'IV.2.2', 'IV.2.3']);
  });
});
