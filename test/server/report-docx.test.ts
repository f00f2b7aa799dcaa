/**
 * The report to the city's leaders over the API: GET …/report.docx builds the Word file from
 * the consolidated table; LibreOffice converts it to PDF and pdftotext reads the summary
 * sentences and the lagging indicators with their reasons back.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { SYT_2023_ENTRIES, bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';
import { convertWithSoffice, findSoffice, requireSoffice } from './libreoffice';

const PLAN = '/api/plans/hn-kh207-2021';

/** Sở Y tế's full report: hospital beds lagging in 2023 with the department's reason, the others met. */
const BEDS_LAGGING = { code: '11', value: '20', note: 'Thiếu nhân lực y tế cơ sở; nhiều bác sĩ chuyển sang khu vực tư nhân' };
const SYT_ENTRIES = SYT_2023_ENTRIES.map((e) => (e.code === '11' ? BEDS_LAGGING : e));

describe("the report to the city's leaders (.docx over the API)", function () {
  this.timeout(240_000);
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-docx-'));
    for (const period of ['2023-9M', '2023']) {
      const entries = period === '2023' ? SYT_ENTRIES : SYT_2023_ENTRIES;
      const at = `${PLAN}/periods/${period}/reports/hn-syt`;
      await request(s.app).put(at).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries }).expect(201);
      await request(s.app).post(`${at}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
    }
  });
  after(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const download = (query = '', token = s.tokens.consolidator) =>
    request(s.app).get(`${PLAN}/periods/2023/report.docx${query}`).set(bearer(token)).buffer(true).parse(binaryParser);

  it('answers a Word file with a name people read, for the consolidator only', async () => {
    const res = await download().expect(200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="Bao-cao-KH207-nam-2023.docx"');
    assert.equal((res.body as Buffer).subarray(0, 2).toString('latin1'), 'PK', 'a zip package');
    const en = await download('?lang=en').expect(200);
    assert.equal(en.headers['content-disposition'], 'attachment; filename="Report-KH207-year-2023.docx"');
    await download('?lang=fr').expect(400);
    await download('', s.tokens.agencyA).expect(403);
  });

  it('LibreOffice renders it: the summary sentences, the lagging indicator with its lead agency and reasons, page numbers', async function () {
    const soffice = findSoffice();
    requireSoffice(this, soffice);
    if (!soffice) return;
    const docx = path.join(dir, 'Bao-cao-KH207-nam-2023.docx');
    fs.writeFileSync(docx, (await download().expect(200)).body as Buffer);
    const converted = convertWithSoffice(soffice, docx, 'pdf', dir, dir);
    assert.equal(converted.status, 0, converted.stderr);
    const pdf = path.join(dir, 'Bao-cao-KH207-nam-2023.pdf');
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/gu, ' ');
    assert.match(text, /BÁO CÁO/);
    assert.match(text, /Kết quả thực hiện Kế hoạch số 207\/KH-UBND/);
    assert.match(text, /Số: \/BC-SLĐTBXH/);
    assert.match(text, /Có 2\/27 chỉ tiêu \(7,4%\) đã hoàn thành, vượt mục tiêu giai đoạn 2021-2025 \(không thay đổi so với 9 tháng năm 2023\)/);
    assert.match(text, /Có 1\/27 chỉ tiêu \(3,7%\) gặp khó khăn, có khả năng không hoàn thành kế hoạch năm \(tăng 1 chỉ tiêu so với 9 tháng năm 2023\)/);
    assert.match(text, /Chỉ tiêu 17 .*: kết quả 5,2%; chưa đánh giá được: Chỉ tiêu so với năm trước: thiếu số liệu kỳ trước/);
    assert.match(text, /Chỉ tiêu 11 "Số giường bệnh\/vạn dân": kết quả 20 giường bệnh\/vạn dân; đạt 70,2% kế hoạch năm, 66,7% mục tiêu giai đoạn/);
    assert.match(text, /Đơn vị chủ trì: Sở Y tế\. Nguyên nhân \(Sở Y tế: Thiếu nhân lực y tế cơ sở; nhiều bác sĩ chuyển sang khu vực tư nhân\)/);
    assert.match(text, /PHỤ LỤC: KẾT QUẢ CÁC CHỈ TIÊU NĂM 2023/);
    assert.doesNotMatch(text, /hn-syt|hn-kh207/, 'no internal ids');
    const pages = Number(/Pages:\s+(\d+)/u.exec(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout)?.[1]);
    assert.ok(pages >= 3, `pages: ${pages}`);
    const lastPage = spawnSync('pdftotext', ['-f', String(pages), '-l', String(pages), '-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    assert.match(lastPage, /STT\s+Chỉ tiêu/, 'the appendix header repeats on its last page');
    assert.match(lastPage.trim(), new RegExp(`${pages}$`, 'u'), 'a page number in the footer');
    // The README's picture of the report's first page (SCREENSHOT_DIR=docs).
    const shots = process.env.SCREENSHOT_DIR;
    if (shots) assert.equal(spawnSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(path.resolve(shots), 'report-page')]).status, 0);
  });
});
