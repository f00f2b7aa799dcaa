import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { CSV_ALL_SHEETS, convertWithSoffice, findSoffice, parseCsv, requireSoffice } from './libreoffice';
import { bearer, binaryParser, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Round trips through the real API: the template workbook, filled by code and uploaded,
 * gives the same findings as a JSON PUT of the same values; the consolidated workbook,
 * opened by LibreOffice, shows the numbers the JSON endpoint returns.
 */
const PLAN = 'hn-kh207-2021';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The same cells as typed into Excel and as an add-in would send them. */
const CELLS: Array<{ code: string; value: string | number | null; note?: string }> = [
  { code: '11', value: 28.7 },
  { code: '12', value: '14,3', note: '=HYPERLINK("http://example.invalid","y")' },
  { code: '13', value: '100' },
  { code: '14', value: '1.036' },
  { code: '15', value: 'abc' },
  { code: '16', value: 2.1 },
  { code: '17', value: null },
  { code: '18', value: '-5' },
  { code: '19', value: '=SUM(A1)' },
];

function sameFindings(findings: Array<Record<string, unknown>>) {
  return findings.map((f) => [f.code, f.severity, f.indicator ?? f.document ?? f.project ?? '', f.field, (f.message as { vi: string }).vi]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('round trips through the API', function () {
  this.timeout(300_000);
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => s.close());

  it('template → filled by code → uploaded gives the same findings as a JSON PUT of the same values', async () => {
    const download = await request(s.app)
      .get(`/api/plans/${PLAN}/templates/hn-syt.xlsx?period=2023`)
      .set(bearer(s.tokens.agencyA))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    assert.equal(download.headers['content-type'], XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(download.body);
    const cellOf = (name: string) => {
      const [ref] = workbook.definedNames.getRanges(name).ranges;
      assert.ok(ref, `defined name ${name}`);
      const [sheetName, address] = ref.split('!') as [string, string];
      return workbook.getWorksheet(sheetName.replace(/^'|'$/g, ''))!.getCell(address.replace(/\$/g, ''));
    };
    for (const c of CELLS) {
      if (c.value !== null) cellOf(`asr.value.${c.code}`).value = c.value;
      if (c.note) cellOf(`asr.note.${c.code}`).value = c.note;
    }
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());

    const uploaded = await request(s.app)
      .post(`/api/plans/${PLAN}/periods/2023/reports/hn-syt/xlsx`)
      .set(bearer(s.tokens.agencyA))
      .set('Content-Type', XLSX)
      .send(filled)
      .expect(201);

    const other = await startTestServer();
    try {
      const json = await request(other.app)
        .put(`/api/plans/${PLAN}/periods/2023/reports/hn-syt`)
        .set(bearer(other.tokens.agencyA))
        .set('If-None-Match', '*')
        .send({ entries: CELLS.map((c) => ({ code: c.code, ...(c.value !== null ? { value: c.value } : {}), ...(c.note ? { note: c.note } : {}) })) })
        .expect(201);
      assert.deepEqual(sameFindings(uploaded.body.validation.findings), sameFindings(json.body.validation.findings));
    } finally {
      await other.close();
    }
    const codes = new Set(uploaded.body.validation.findings.map((f: { code: string }) => f.code));
    for (const expected of ['not-a-number', 'required', 'negative', 'formula-like-text', 'note-required']) assert.ok(codes.has(expected), `${expected} among ${[...codes].join(', ')}`);

    // A template for another period is refused with an explanation, not stored.
    const wrong = await request(s.app).post(`/api/plans/${PLAN}/periods/2023-6M/reports/hn-syt/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX).send(filled).expect(422);
    assert.equal(wrong.body.error.code, 'upload-wrong-template');
    assert.deepEqual(wrong.body.error.details.map((d: { field: string }) => d.field), ['period']);
  });

  it('the consolidated workbook, converted by LibreOffice, shows the numbers of the JSON endpoint', async function () {
    const soffice = findSoffice();
    requireSoffice(this, soffice);
    const put = async (agency: string, token: string, entries: unknown[]) => {
      await request(s.app).put(`/api/plans/${PLAN}/periods/2023/reports/${agency}`).set(bearer(token)).set('If-None-Match', '*').send({ entries }).expect(201);
      await request(s.app).post(`/api/plans/${PLAN}/periods/2023/reports/${agency}/submit`).set(bearer(token)).expect(200);
    };
    await put('hn-syt', s.tokens.agencyA, [
      { code: '11', value: '28,7' },
      { code: '12', value: '14,1', note: 'Thiếu bác sỹ tuyến cơ sở' },
      { code: '13', value: '100' },
      { code: '14', value: '95,2' },
      { code: '15', value: '76,2' },
      { code: '16', value: '2,11' },
      { code: '17', value: '5' },
      { code: '18', value: '83' },
      { code: '19', value: '88,5' },
    ]);
    await put('hn-bhxh', s.tokens.agencyB, [
      { code: '3', value: '45,2' },
      { code: '3.1', value: '43' },
      { code: '3.2', value: '2,2' },
      { code: '4', value: '38,5', note: 'Ảnh hưởng của dịch' },
      { code: '5', value: '50' },
      { code: '6', value: '93,6' },
    ]);
    const table = (await request(s.app).get(`/api/plans/${PLAN}/periods/2023/consolidated`).set(bearer(s.tokens.consolidator)).expect(200)).body as {
      rows: Array<{ code: string; value: number | null; progressYear: number | null; progressPeriod: number | null }>;
    };
    const xlsx = await request(s.app)
      .get(`/api/plans/${PLAN}/periods/2023/consolidated.xlsx`)
      .set(bearer(s.tokens.consolidator))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const dir = mkdtempSync(path.join(tmpdir(), 'asr-roundtrip-'));
    try {
      const file = path.join(dir, 'tong-hop.xlsx');
      writeFileSync(file, xlsx.body as Buffer);
      const run = convertWithSoffice(soffice!, file, CSV_ALL_SHEETS, path.join(dir, 'csv'), dir);
      assert.equal(run.status, 0, run.stderr);
      const csvName = readdirSync(path.join(dir, 'csv')).find((f) => f.normalize('NFC').endsWith('Phụ lục 1.csv'));
      assert.ok(csvName);
      const rows = new Map(parseCsv(readFileSync(path.join(dir, 'csv', csvName), 'utf8')).map((r) => [r[0], r]));
      const num = (text: string | undefined) => (text === undefined || text === '' ? null : Number(text));
      let compared = 0;
      for (const row of table.rows) {
        if (row.value === null) continue;
        const csv = rows.get(row.code);
        assert.ok(csv, `row ${row.code} in LibreOffice's CSV`);
        assert.equal(num(csv[6]), row.value, `${row.code}: value`);
        assert.equal(num(csv[9]), row.progressYear, `${row.code}: % of year plan`);
        assert.equal(num(csv[10]), row.progressPeriod, `${row.code}: % of period target`);
        compared++;
      }
      assert.equal(compared, 15);
      console.log(`      ${compared} rows equal in LibreOffice and the JSON endpoint (conversion ${run.seconds.toFixed(1)} s)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
