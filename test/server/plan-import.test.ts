/**
 * POST /api/plans/draft and /api/plans/draft.xlsx: a plan's appendix table → a draft plan
 * and its findings, nothing stored; the draft, once its metadata is complete, is accepted
 * by POST /api/plans.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const META = { id: 'hn-draft-2026', number: '5/KH-UBND', title: 'Kế hoạch thử', city: 'hanoi', startYear: 2026, endYear: 2027, issuedOn: '2026-01-15', program: '01-CTr/TU', standingAgency: 'hn-snv' };
const GRID = [
  ['TT', 'Chỉ tiêu', 'Năm 2026', 'Năm 2027', 'Cơ quan chủ trì', 'Cơ quan phối hợp'],
  ['1', 'Tỷ lệ thất nghiệp', 'Dưới 4%', 'Dưới 3%', 'Sở Y tế', 'Cục Thống kê'],
  ['2', 'Tỷ lệ bao phủ bảo hiểm y tế', '91%', '', '', ''],
];

async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Ghi chú').getCell('A1').value = 'không phải bảng';
  const sheet = book.addWorksheet('Phụ lục 1');
  sheet.addRows(GRID);
  sheet.mergeCells('C3:D3');
  sheet.mergeCells('E2:E3');
  sheet.mergeCells('F2:F3');
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('plan drafts from appendix tables (POST /api/plans/draft, /api/plans/draft.xlsx)', function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });

  it('cells → a draft and findings with their cells; nothing stored; the draft is then saved by POST /api/plans', async () => {
    const res = await request(s.app).post('/api/plans/draft').set(bearer(s.tokens.consolidator)).send({ grid: GRID, sheet: 'Sheet1', origin: 'B2', meta: META }).expect(200);
    const draft = res.body.draft as { indicators: Array<{ code: string; lead: string; targets: Record<string, { text: string; mergedFrom?: string }> }> };
    assert.deepEqual(draft.indicators.map((i) => [i.code, i.lead]), [['1', 'hn-syt'], ['2', 'hn-syt']]);
    assert.deepEqual(draft.indicators[1]!.targets['2027'], { text: '91%', target: { kind: 'exact', value: 91, maintain: false, unit: '%' }, mergedFrom: '2026' });
    const findings = res.body.findings as Array<{ code: string; cell?: string; sheet?: string }>;
    assert.ok(findings.some((f) => f.code === 'taken-from-above' && f.cell === 'F4' && f.sheet === 'Sheet1'), JSON.stringify(findings));
    assert.equal((await request(s.app).get('/api/plans/hn-draft-2026').set(bearer(s.tokens.admin))).status, 404, 'nothing stored');
    const saved = await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(res.body.draft);
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
  });

  it('a workbook: the sheet by name (or the first), its merged areas resolving the blanks without info findings', async () => {
    const book = await workbook();
    const res = await request(s.app).post('/api/plans/draft.xlsx').query({ ...META, sheet: 'Phụ lục 1' }).set(bearer(s.tokens.admin)).set('Content-Type', XLSX).send(book).expect(200);
    const findings = res.body.findings as Array<{ code: string; sheet: string }>;
    assert.ok(!findings.some((f) => f.code === 'taken-from-above' || f.code === 'target-spans-years'), JSON.stringify(findings));
    assert.equal(res.body.draft.indicators[1].targets['2027'].mergedFrom, '2026');
    assert.equal(res.body.draft.indicators[1].lead, 'hn-syt');
    assert.ok(findings.every((f) => f.sheet === 'Phụ lục 1'));
    const first = await request(s.app).post('/api/plans/draft.xlsx').query(META).set(bearer(s.tokens.admin)).set('Content-Type', XLSX).send(book).expect(200);
    // The first sheet holds a note, not the table: said so, at no cell.
    assert.deepEqual(first.body.findings.map((f: { code: string; sheet: string }) => [f.code, f.sheet]), [['no-header', 'Ghi chú']]);
  });

  it('refuses what does not fit: a missing sheet, bad metadata, a grid too large, a file that is not a workbook, an agency', async () => {
    const book = await workbook();
    const noSheet = await request(s.app).post('/api/plans/draft.xlsx').query({ ...META, sheet: 'Không có' }).set(bearer(s.tokens.admin)).set('Content-Type', XLSX).send(book).expect(400);
    assert.equal(noSheet.body.error.code, 'bad-query');
    assert.deepEqual(noSheet.body.error.details.sheets, ['Ghi chú', 'Phụ lục 1']);
    const badMeta = await request(s.app).post('/api/plans/draft.xlsx').query({ ...META, startYear: 'x' }).set(bearer(s.tokens.admin)).set('Content-Type', XLSX).send(book).expect(400);
    assert.equal(badMeta.body.error.code, 'bad-query');
    const big = await request(s.app).post('/api/plans/draft').set(bearer(s.tokens.admin)).send({ grid: Array.from({ length: 2_001 }, () => ['x']), meta: META }).expect(400);
    assert.equal(big.body.error.code, 'invalid-body');
    const wide = await request(s.app).post('/api/plans/draft').set(bearer(s.tokens.admin)).send({ grid: [['x'.repeat(5_001)]], meta: META }).expect(400);
    assert.equal(wide.body.error.code, 'invalid-body');
    const notXlsx = await request(s.app).post('/api/plans/draft.xlsx').query(META).set(bearer(s.tokens.admin)).set('Content-Type', XLSX).send(Buffer.from('PK not a zip at all')).expect(422);
    assert.equal(notXlsx.body.error.code.startsWith('upload-'), true);
    await request(s.app).post('/api/plans/draft').set(bearer(s.tokens.agencyA)).send({ grid: GRID, meta: META }).expect(403);
  });
});
