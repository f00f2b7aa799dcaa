/**
 * The trend sheet of the downloaded consolidated workbook: each indicator's value, verdict and
 * progress for every earlier report of the plan in which a report counted, then this one, and a
 * chart of the indicators meeting the year plan per report; file name for people.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import request from 'supertest';
import { SYT_2023_ENTRIES, bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

const PLAN = '/api/plans/hn-kh207-2021';

describe('the trend sheet "Diễn biến" over the API (real app)', function () {
  this.timeout(60_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  async function submit(period: string, entries: unknown[]): Promise<void> {
    const path = `${PLAN}/periods/${period}/reports/hn-syt`;
    await request(s.app).put(path).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries }).expect(201);
    await request(s.app).post(`${path}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
  }

  it('lists 2023-9M (counted) and 2023, not 2023-6M (a draft only); names the file Bao-cao-KH207-nam-2023.xlsx', async () => {
    await request(s.app).put(`${PLAN}/periods/2023-6M/reports/hn-syt`).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES }).expect(201);
    await submit('2023-9M', SYT_2023_ENTRIES.map((e) => (e.code === '14' ? { ...e, value: '80', note: 'Chưa đạt do thiếu nhân lực' } : e)));
    await submit('2023', SYT_2023_ENTRIES);
    const res = await request(s.app).get(`${PLAN}/periods/2023/consolidated.xlsx`).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser).expect(200);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="Bao-cao-KH207-nam-2023.xlsx"');
    const body = res.body as Buffer;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(body as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Diễn biến') ?? assert.fail('the trend sheet');
    const rows: string[][] = [];
    sheet.eachRow((r) => rows.push(Array.from({ length: r.cellCount }, (_, c) => r.getCell(c + 1).text)));
    const header = rows.find((r) => r[0] === 'TT') ?? assert.fail('the indicator header');
    assert.deepEqual(header.slice(3), ['Kết quả 9 tháng năm 2023', 'Đánh giá 9 tháng năm 2023', '% KH năm 9 tháng năm 2023', 'Kết quả năm 2023', 'Đánh giá năm 2023', '% KH năm năm 2023']);
    const r14 = rows.find((r) => r[0] === '14') ?? assert.fail('indicator 14');
    assert.equal(Number(r14[3]), 80, '9 months: the value submitted then');
    assert.equal(Number(r14[6]), 95, 'the year: this report');
    assert.notEqual(r14[4], '', 'a verdict for each report');
    const periods = rows.filter((r) => r[1] === '9 tháng năm 2023' || r[1] === 'năm 2023');
    assert.equal(periods.length, 2, 'the counts block has one row per report');
    // The chart of the trend sheet is in the package.
    const zip = await JSZip.loadAsync(body);
    const charts = await Promise.all(Object.keys(zip.files).filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f)).map(async (f) => (await zip.file(f)?.async('string')) ?? ''));
    assert.ok(charts.some((c) => c.includes('Số chỉ tiêu đạt kế hoạch năm hoặc mục tiêu giai đoạn qua các kỳ') && c.includes("'Diễn biến'!$B$")));
  });

  it('has no trend rows before the plan has any earlier counted report (a first period shows this report alone)', async () => {
    await submit('2023', SYT_2023_ENTRIES);
    const res = await request(s.app).get(`${PLAN}/periods/2023/consolidated.xlsx?lang=en`).set(bearer(s.tokens.consolidator)).buffer(true).parse(binaryParser).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body);
    const sheet = book.getWorksheet('Trend') ?? assert.fail('the trend sheet');
    let header: string[] = [];
    sheet.eachRow((r) => {
      if (r.getCell(1).text === 'No.') header = Array.from({ length: r.cellCount }, (_, c) => r.getCell(c + 1).text);
    });
    assert.deepEqual(header.slice(3), ['Result, year 2023', 'Verdict, year 2023', '% of year plan, year 2023']);
  });
});
