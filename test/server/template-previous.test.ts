/** The template route fills the "Kỳ trước" column with the agency's own report of the period before. */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { indicatorColumn } from '../../shared/layout/template';
import { SYT_2023_ENTRIES, bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

const P207 = '/api/plans/hn-kh207-2021';

describe('the template route shows last period’s value beside each input', function () {
  this.timeout(120_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  const template = (period: string) =>
    request(s.app).get(`${P207}/templates/hn-syt.xlsx?period=${period}`).set(bearer(s.tokens.agencyA)).buffer(true).parse(binaryParser).expect(200);
  const previousOf = async (period: string, code: string) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await template(period)).body as ArrayBuffer);
    const ws = book.getWorksheet('Chỉ tiêu');
    assert.ok(ws);
    const row = ws.getColumn(1).values.indexOf(code);
    assert.ok(row > 0, `row ${code}`);
    return { header: ws.getCell(6, indicatorColumn('previous') + 1).value, value: ws.getCell(row, indicatorColumn('previous') + 1).value };
  };

  it('is blank before the agency has reported, then shows the 9-month figures on the year template', async () => {
    assert.deepEqual(await previousOf('2023', '11'), { header: 'Kỳ trước (9 tháng năm 2023)', value: null });
    await request(s.app).put(`${P207}/periods/2023-9M/reports/hn-syt`).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES }).expect(201);
    assert.deepEqual(await previousOf('2023', '11'), { header: 'Kỳ trước (9 tháng năm 2023)', value: '28,7' });
    assert.equal((await previousOf('2023-9M', '11')).value, null, 'the 6-month report before the 9-month one is absent');
  });
});
