/**
 * The citywide table over the API (issue 8, items 3-5): which revision counts, the drafts
 * switch, returned reports, submission and document counts, the summary's changes since the
 * previous report, and the agencies' notes in the JSON and in the server's workbook.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { SYT_2023_ENTRIES, bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

const PLAN = '/api/plans/hn-kh207-2021';
const REPORT = `${PLAN}/periods/2023/reports/hn-syt`;
const TABLE = `${PLAN}/periods/2023/consolidated`;

/** A cell as text: '' when empty; a value exceljs keeps as an object (rich text, formula) as its JSON, not [object Object]. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : String(v);
}

interface Category {
  category: number | string;
  count: number;
  change: number | null;
}

describe('the citywide table over the API (real app, real lowdb file)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  const put = (path: string, body: object, etag: string | null, token = s.tokens.agencyA) =>
    request(s.app).put(path).set(bearer(token)).set(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' }).send(body);
  const table = async (query = '') => (await request(s.app).get(`${TABLE}${query}`).set(bearer(s.tokens.consolidator)).expect(200)).body;
  const counts = (t: { summary: { categories: Category[] } }) => t.summary.categories.map((c) => c.count);
  const agency = (t: { agencies: Array<Record<string, unknown>> }, id: string) => t.agencies.find((a) => a.agencyId === id)!;
  const row = (t: { rows: Array<Record<string, unknown>> }, code: string) => t.rows.find((r) => r.code === code)!;

  /** Sở Y tế submits its full 2023 report. */
  async function submitSyt(entries: unknown[] = SYT_2023_ENTRIES): Promise<void> {
    await put(REPORT, { entries }, null).expect(201);
    await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
  }

  it('a submitted report edited into a draft still counts, and the table says an update is in progress since when', async () => {
    await submitSyt();
    const before = await table();
    assert.equal(before.basis, 'submitted');
    assert.equal(row(before, '11').value, 28.7);
    assert.equal(counts(before).reduce((a: number, b: number) => a + b, 0), 27);
    assert.ok(counts(before)[5]! < 27, 'Sở Y tế has data');

    s.clock.now = new Date('2023-06-12T03:00:00Z');
    await put(REPORT, { entries: [{ code: '11', value: '10' }] }, '"r2"').expect(200);
    const after = await table();
    assert.deepEqual(counts(after), counts(before), 'the same summary after one PUT');
    assert.equal(row(after, '11').value, 28.7);
    const syt = agency(after, 'hn-syt');
    assert.deepEqual([syt.status, syt.revision, syt.counted, syt.countedRevision], ['submitted', 2, true, 2]);
    assert.deepEqual(syt.updateInProgress, { revision: 3, since: '2023-06-12T03:00:00.000Z' });
    assert.equal(after.submissions.updating, 1);
  });

  it('?drafts=1 counts the drafts instead, and says so; a bad value is 400', async () => {
    await submitSyt();
    await put(REPORT, { entries: [{ code: '11', value: '10' }] }, '"r2"').expect(200);
    await put(`${PLAN}/periods/2023/reports/hn-bhxh`, { entries: [{ code: '3', value: 45 }] }, null, s.tokens.agencyB).expect(201);
    const drafts = await table('?drafts=1');
    assert.equal(drafts.basis, 'drafts');
    assert.equal(row(drafts, '11').value, 10);
    assert.equal(row(drafts, '3').value, 45);
    assert.deepEqual([agency(drafts, 'hn-syt').status, agency(drafts, 'hn-syt').countedRevision], ['submitted', 3]);
    assert.deepEqual([agency(drafts, 'hn-bhxh').status, agency(drafts, 'hn-bhxh').counted], ['draft', true]);
    const official = await table('?drafts=0');
    assert.deepEqual([row(official, '11').value, row(official, '3').value, agency(official, 'hn-bhxh').counted], [28.7, null, false]);
    const bad = await request(s.app).get(`${TABLE}?drafts=yes`).set(bearer(s.tokens.consolidator)).expect(400);
    assert.equal(bad.body.error.code, 'bad-drafts');
    await request(s.app).get(`${TABLE}.xlsx?drafts=2`).set(bearer(s.tokens.consolidator)).expect(400);
  });

  it('a returned report is listed with the comment and its date and does not count until resubmitted; counts are separate', async () => {
    await submitSyt();
    await put(`${PLAN}/periods/2023/reports/hn-bhxh`, { entries: [{ code: '3', value: 45 }] }, null, s.tokens.agencyB).expect(201);
    s.clock.now = new Date('2023-06-15T09:30:00Z');
    await request(s.app).post(`${REPORT}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'Bổ sung nguyên nhân chỉ tiêu 14' }).expect(200);
    const t = await table();
    assert.equal(row(t, '11').value, null, 'not counted');
    assert.deepEqual(
      [agency(t, 'hn-syt').status, agency(t, 'hn-syt').counted, agency(t, 'hn-syt').returned],
      ['returned', false, { comment: 'Bổ sung nguyên nhân chỉ tiêu 14', at: '2023-06-15T09:30:00.000Z' }],
    );
    assert.deepEqual(
      { ...t.submissions, total: undefined, missing: undefined },
      { total: undefined, submitted: 0, late: 0, approved: 0, returned: 1, draft: 1, missing: undefined, updating: 0, counted: 0 },
    );
    assert.equal(t.submissions.missing, t.submissions.total - 2);

    // Corrected as a draft: still returned, still not counted, the correction in progress shown.
    await put(REPORT, { entries: SYT_2023_ENTRIES }, '"r3"').expect(200);
    const correcting = await table();
    assert.deepEqual([agency(correcting, 'hn-syt').status, row(correcting, '11').value], ['returned', null]);
    assert.equal((agency(correcting, 'hn-syt').returned as { comment: string }).comment, 'Bổ sung nguyên nhân chỉ tiêu 14');
    await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    const resubmitted = await table();
    assert.deepEqual([agency(resubmitted, 'hn-syt').status, agency(resubmitted, 'hn-syt').returned, row(resubmitted, '11').value], ['submitted', null, 28.7]);
    // Resubmitted, the consolidator's words stay on the record, with their date.
    assert.deepEqual(agency(resubmitted, 'hn-syt').returns, [{ comment: 'Bổ sung nguyên nhân chỉ tiêu 14', at: '2023-06-15T09:30:00.000Z' }]);
    s.clock.now = new Date('2023-06-16T02:00:00Z');
    await request(s.app).post(`${REPORT}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'Chỉ tiêu 16 cần số liệu quý IV' }).expect(200);
    const twice = await table();
    assert.deepEqual(
      (agency(twice, 'hn-syt').returns as Array<{ comment: string }>).map((r) => r.comment),
      ['Bổ sung nguyên nhân chỉ tiêu 14', 'Chỉ tiêu 16 cần số liệu quý IV'],
    );
    const book = new ExcelJS.Workbook();
    const xlsx = await request(s.app).get(`${TABLE}.xlsx`).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser).expect(200);
    await book.xlsx.load(xlsx.body);
    const sheet = book.getWorksheet('Đơn vị báo cáo')!;
    let comments = '';
    sheet.eachRow((r) => {
      if (r.getCell(1).text === 'Sở Y tế') comments = r.getCell(9).text;
    });
    assert.equal(comments, '15/06/2023 16:30: Bổ sung nguyên nhân chỉ tiêu 14\n16/06/2023 09:00: Chỉ tiêu 16 cần số liệu quý IV');
  });

  it('documents: issued, overdue (reported as not issued) and not reported are told apart', async () => {
    await put(REPORT, { entries: SYT_2023_ENTRIES, documents: [{ code: '2021-Q1.1', status: 'issued', reference: 'QĐ 1/QĐ-UBND' }, { code: '2021-Q1.2', status: 'notIssued', note: 'Đang trình' }] }, null).expect(201);
    await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    const t = await table();
    const doc = (code: string) => t.documents.rows.find((r: { code: string }) => r.code === code);
    assert.deepEqual([doc('2021-Q1.1').status, doc('2021-Q1.2').status, doc('2021-Q1.3').status], ['issued', 'overdue', 'notReported']);
    assert.deepEqual(t.documents.counts, { issued: 1, overdue: 1, notReported: 29, pending: 7 });
    assert.deepEqual(doc('2021-Q1.2').notes, [{ agencyId: 'hn-syt', agency: { vi: 'Sở Y tế', en: 'Department of Health' }, note: 'Đang trình' }]);
  });

  it('the summary says how each count moved since the previous report of the plan (2023 ← 2023-9M)', async () => {
    // Only a draft for 2023-6M: nothing counted then, so 2023-9M has no previous table.
    await put(`${PLAN}/periods/2023-6M/reports/hn-syt`, { entries: SYT_2023_ENTRIES }, null).expect(201);
    const nineMonths = `${PLAN}/periods/2023-9M/reports/hn-syt`;
    await put(nineMonths, { entries: SYT_2023_ENTRIES.map((e) => (e.code === '14' ? { ...e, value: '80', note: 'Chưa đạt do thiếu nhân lực' } : e)) }, null).expect(201);
    await request(s.app).post(`${nineMonths}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    const nine = (await request(s.app).get(`${PLAN}/periods/2023-9M/consolidated`).set(bearer(s.tokens.consolidator)).expect(200)).body;
    assert.equal(nine.summary.previousPeriod, null, 'no report counted for 2023-6M');
    assert.ok(nine.summary.categories.every((c: Category) => c.change === null));
    await submitSyt();
    const year = await table();
    assert.equal(year.summary.previousPeriod, '2023-9M');
    assert.deepEqual(
      year.summary.categories.map((c: Category) => c.change),
      year.summary.categories.map((c: Category, i: number) => c.count - nine.summary.categories[i].count),
    );
    assert.match(year.summary.sentence.vi, /^Trong tổng số 27 chỉ tiêu: /);
    assert.match(year.summary.sentence.vi, /so với 9 tháng năm 2023\)/);
    assert.match(year.summary.sentence.en, /compared with the first nine months of 2023\)/);
  });

  it("the agencies' notes reach the JSON and the server's workbook (Ghi chú, with the agency's name); return comments the submission sheet", async () => {
    const entries = SYT_2023_ENTRIES.map((e) => (e.code === '14' ? { ...e, value: '90', note: 'Chưa đạt do thiếu nhân lực y tế cơ sở' } : e));
    await put(REPORT, { entries, projects: [{ code: 'A.I.1', disbursed: 1000, note: 'Vướng giải phóng mặt bằng' }], documents: [{ code: '2021-Q1.2', status: 'notIssued', note: 'Đang trình' }] }, null).expect(201);
    await request(s.app).post(`${REPORT}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    const t = await table();
    assert.deepEqual(row(t, '14').agencyNotes, [{ agencyId: 'hn-syt', agency: { vi: 'Sở Y tế', en: 'Department of Health' }, note: 'Chưa đạt do thiếu nhân lực y tế cơ sở' }]);

    const sheets = await workbook(`${TABLE}.xlsx`);
    const appendix1 = sheets('Phụ lục 1');
    const notesColumn = appendix1.find((r) => r[0] === 'TT')!.indexOf('Ghi chú');
    assert.equal(appendix1.find((r) => r[0] === '14')![notesColumn], 'Sở Y tế: Chưa đạt do thiếu nhân lực y tế cơ sở');
    const appendix3 = sheets('Phụ lục 3');
    assert.equal(appendix3.find((r) => r[0] === 'A.I.1')!.at(-1), 'Sở Y tế: Vướng giải phóng mặt bằng');
    const appendix2 = sheets('Phụ lục 2');
    assert.deepEqual(appendix2.find((r) => r[0] === '2021-Q1.2')!.slice(4), ['Quá hạn', '', '', 'Sở Y tế', 'Sở Y tế: Đang trình']);
    const summary = sheets('Tổng hợp').map((r) => r.join(' ')).join('\n');
    assert.match(summary, /Cơ sở số liệu: báo cáo đã gửi chính thức/);
    assert.match(summary, /1 quá hạn \(đơn vị báo cáo chưa ban hành\); 30 đã đến hạn nhưng chưa có đơn vị nào báo cáo/);
    assert.match(summary, /: 1 đã gửi \(0 gửi muộn\), 0 đã duyệt, 0 bị trả lại, 0 mới có bản nháp, \d+ chưa gửi/);

    await request(s.app).post(`${REPORT}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'Đề nghị bổ sung số liệu chỉ tiêu 12' }).expect(200);
    const returned = await workbook(`${TABLE}.xlsx?drafts=1`);
    const submissions = returned('Đơn vị báo cáo');
    const sytRow = submissions.find((r) => r[0] === 'Sở Y tế')!;
    assert.ok(submissions.every((r) => !r.includes('hn-syt')), 'no agency id reaches the sheet');
    assert.deepEqual([sytRow[1], sytRow[4], sytRow[7], sytRow[8]], ['Trả lại', 'Không', '10/06/2023 15:00', 'Đề nghị bổ sung số liệu chỉ tiêu 12'], 'returned on 10 June 08:00 UTC, 15:00 in Hà Nội');
    assert.ok(submissions.some((r) => r.join(' ').includes('GỒM CẢ BẢN NHÁP')), 'the sheet says which basis');
  });

  /** Downloads a workbook and reads each sheet back with exceljs as rows of strings. */
  async function workbook(path: string): Promise<(sheet: string) => string[][]> {
    const res = await request(s.app).get(path).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    return (name: string) => {
      const ws = wb.getWorksheet(name);
      assert.ok(ws, `sheet ${name}`);
      const out: string[][] = [];
      ws.eachRow((r) => {
        const values: string[] = [];
        for (let c = 1; c <= ws.columnCount; c++) {
          const v = r.getCell(c).value;
          values.push(cellText(v));
        }
        out.push(values);
      });
      return out;
    };
  }
});
