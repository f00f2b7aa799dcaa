import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import request from 'supertest';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import { TaskpaneController } from '../../addin/src/controller';
import { MapStorage } from '../addin/map-storage';
import { createFakeExcel } from '../../addin/testing/fake-excel';
import { assignmentFor } from '../../shared/assignment';
import { tasksLedBy } from '../../shared/tasks';
import type { Finding } from '../../shared/findings';
import type { CompiledPlan } from '../../shared/compile';
import type { InputRef } from '../../shared/layout/types';
import { parsePeriod, previousYearPeriod } from '../../shared/periods';
import { inputName } from '../../shared/layout/template';
import { newToken } from '../../server/auth';
import { SYT_2023_ENTRIES, bearer, startTestServer } from './harness';
import type { TestServer } from './harness';
import { PaneSide, UploadSide, XLSX_TYPE, compact, jsonBody, layoutOf, listInputs, reportUrl, stored } from './one-verdict.helpers';
import type { ListedInput, ReportKey, Typed } from './one-verdict.helpers';


const PLAN = 'hn-kh207-2021';
/** Sở Y tế's 2023 figures with an explanation on each row, so a miss is never an error. */
const withNotes = (over: Record<string, string>) => SYT_2023_ENTRIES.map((e) => ({ ...e, value: over[e.code] ?? e.value, note: 'Số liệu của Sở' }));

/** Sở Y tế's 2022 report with indicator 17 at 1,4, submitted: the stored value of last year for 2023. */
async function store2022(s: TestServer): Promise<void> {
  const url = reportUrl({ planId: PLAN, period: '2022', agencyId: 'hn-syt' });
  await request(s.app).put(url).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: withNotes({ '17': '1,4' }) }).expect(201);
  const submitted = await request(s.app).post(`${url}/submit`).set(bearer(s.tokens.agencyA));
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
}

const verdictOf17 = (results: ReadonlyArray<{ code: string; verdict?: string | null; evaluation?: { year: { verdict: string } } | null }>) => {
  const r = results.find((x) => x.code === '17');
  return r?.verdict ?? r?.evaluation?.year.verdict ?? null;
};

describe('one verdict, one way in', function () {
  this.timeout(60_000);

  describe('plan 207, indicator 17 ("0,1%/năm"), 2023: 1,2 after 2022\'s stored 1,4', () => {
    let s: TestServer;
    let http: Server;
    let base: string;
    before(async () => {
      s = await startTestServer();
      await store2022(s);
      http = s.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => http.once('listening', resolve));
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => http.close(resolve));
      await s.close();
    });

    it('GET …/previous hands the pane the stored value; an agency not reporting on the plan may not read it', async () => {
      const res = await request(s.app).get(`/api/plans/${PLAN}/periods/2023/previous`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.deepEqual(res.body.previousPeriod, '2022');
      assert.equal(res.body.values['17'], 1.4);
      const plan = s.catalog.snapshot.plans.get(PLAN)!;
      const outsider = s.catalog.snapshot.register.agencies.find((a) => {
        if (a.kind === 'group') return false;
        const x = assignmentFor(plan, s.catalog.snapshot.register, a.id, parsePeriod('2023')!);
        return x.indicators.length + x.documents.length + x.projects.length === 0;
      })!;
      const { secret, record } = newToken('agency', outsider.id, outsider.name, s.clock.now);
      await s.store.addToken(record, { at: s.clock.now.toISOString(), actor: 'test', action: 'issue-token' });
      const refused = await request(s.app).get(`/api/plans/${PLAN}/periods/2023/previous`).set(bearer(secret)).expect(403);
      assert.equal(refused.body.error.code, 'plan-not-reported');
      assert.match(refused.body.error.message.vi, /không báo cáo kế hoạch này/);
    });

    it('the same "met" in the pane, on PUT, in an upload, on /api/validate and on submit', async () => {
      // The pane: the real controller over HTTP, the Office adapter on the fake Excel host.
      const fake = createFakeExcel();
      const port = createOfficeAdapter(fake.Excel as unknown as typeof Excel);
      const controller = new TaskpaneController({ port, storage: new MapStorage(), fetch: (url, init) => fetch(url, init), now: () => s.clock.now });
      await controller.connect(base, s.tokens.agencyA);
      await controller.selectPlan(PLAN);
      controller.selectPeriod('2023');
      const ref = await controller.insertTemplate();
      const entries = withNotes({ '17': '1,2' });
      await port.writeInputs(ref, { entries, documents: [], projects: [] });
      const check = await controller.validate();
      assert.equal(check.previous.source, 'server');
      assert.equal(verdictOf17(check.report.results), 'met');
      assert.ok(!check.findings.some((f) => f.code === 'previous-missing'));

      // PUT (the pane's send).
      const sent = await controller.send();
      assert.equal(sent.status, 'saved');
      const url = reportUrl({ planId: PLAN, period: '2023', agencyId: 'hn-syt' });
      const afterPut = await request(s.app).get(url).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(verdictOf17(afterPut.body.validation.results), 'met');
      assert.deepEqual(stored(afterPut.body.validation), compact(check.report));

      // /api/validate: the stored value, not one from the body.
      const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2023', entries }).expect(200);
      assert.equal(verdictOf17(validated.body.results), 'met');
      assert.deepEqual(compact(validated.body), compact(check.report));
      const refused = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2023', entries, previous: { '17': 5 } }).expect(400);
      assert.equal(refused.body.error.code, 'previous-not-accepted');

      // Submit (from the pane): validated again with the stored value.
      const submitted = await controller.submit();
      assert.ok(submitted.status === 'submitted' || submitted.status === 'late', JSON.stringify(submitted));
      const afterSubmit = await request(s.app).get(url).set(bearer(s.tokens.agencyA)).expect(200);
      assert.equal(verdictOf17(afterSubmit.body.validation.results), 'met');
      assert.deepEqual(stored(afterSubmit.body.validation), compact(check.report));
      // The upload of the same figures (a new draft over the submitted report).
      const register = s.catalog.snapshot.register;
      const key: ReportKey = { planId: PLAN, period: '2023', agencyId: 'hn-syt', lang: 'vi' };
      const layout = layoutOf(s.catalog.snapshot.plans.get(PLAN)!, register, key);
      const inputs = listInputs(layout);
      const typed = new Map<string, Typed>(entries.flatMap((e) => [[`value:${e.code}`, e.value], [`note:${e.code}`, e.note]] as Array<[string, Typed]>));
      const file = await new UploadSide().filled(key, layout, inputs, typed);
      const uploaded = await request(s.app).post(`${url}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX_TYPE).send(file).expect(200);
      assert.equal(verdictOf17(uploaded.body.validation.results), 'met');
      assert.deepEqual(stored(uploaded.body.validation), compact(check.report));

    });

    it("without last year's value every path says so with the same finding (previous-missing)", async () => {
      // 2021's previous year (2020) is before the plan: no stored value can exist.
      const entries = withNotes({ '17': '1,2' });
      const key: ReportKey = { planId: PLAN, period: '2021', agencyId: 'hn-syt', lang: 'vi' };
      const pane = new PaneSide(s, s.tokens.agencyA);
      const plan = await pane.plan(PLAN);
      const layout = layoutOf(plan, await pane.register(), key);
      const inputs = listInputs(layout);
      const typed = new Map<string, Typed>(entries.flatMap((e) => [[`value:${e.code}`, e.value], [`note:${e.code}`, e.note]] as Array<[string, Typed]>));
      const paneReport = await pane.check(key, layout, inputs, typed);
      const url = reportUrl(key);
      const put = await request(s.app).put(url).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send(jsonBody(inputs, typed)).expect(201);
      const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: PLAN, period: '2021', ...jsonBody(inputs, typed) }).expect(200);
      const uploaded = await request(s.app).post(`${url}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX_TYPE).send(await new UploadSide().filled(key, layout, inputs, typed)).expect(200);
      const missing = (findings: unknown[]) => (findings as Finding[]).filter((f) => f.code === 'previous-missing' && f.indicator === '17');
      const expected = missing(paneReport.findings);
      assert.equal(expected.length, 1);
      assert.match(expected[0]!.message.vi, /chưa có số liệu cùng kỳ năm trước/);
      assert.deepEqual(missing(put.body.validation.findings), expected);
      assert.deepEqual(missing(validated.body.findings), expected);
      assert.deepEqual(missing(uploaded.body.validation.findings), expected);
      assert.equal(verdictOf17(paneReport.results), 'notAssessable');
    });
  });

  describe('problems found while reading a workbook are findings, in the pane and in an upload', () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer();
    });
    after(async () => {
      await s.close();
    });
    const key: ReportKey = { planId: PLAN, period: '2023', agencyId: 'hn-syt', lang: 'vi' };
    const typed = new Map<string, Typed>(SYT_2023_ENTRIES.map((e) => [`value:${e.code}`, e.value] as [string, Typed]));
    const codes = (findings: unknown[]) => (findings as Finding[]).map((f) => `${f.code}:${f.indicator ?? f.document ?? f.project ?? ''}`);

    /** A row below the table with a code and a value, as an agency adding its own row would type it. */
    const strayRow = (inputs: readonly ListedInput[]) => {
      const value = inputs.find((i) => i.input.kind === 'value' && i.input.code === '19')!;
      const row = Number(/\d+$/.exec(value.address)![0]) + 3;
      return { sheet: value.sheet, code: `A${row}`, value: value.address.replace(/\d+$/, String(row)) };
    };

    it('the pane: a formula (its error value), a missing cell, a row outside the template', async () => {
      const pane = new PaneSide(s, s.tokens.agencyA);
      const layout = layoutOf(await pane.plan(PLAN), await pane.register(), key);
      const inputs = listInputs(layout);
      // A workbook of its own: the property test below reuses the cached ones.
      const fake = createFakeExcel();
      const port = createOfficeAdapter(fake.Excel as unknown as typeof Excel);
      const ref = await port.insertTemplate(layout);
      await port.writeInputs(ref, { entries: SYT_2023_ENTRIES, documents: [], projects: [] });
      const where = strayRow(inputs);
      const value12 = inputs.find((i) => i.input.kind === 'value' && i.input.code === '12')!;
      await fake.Excel.run(async (context) => {
        const ws = context.workbook.worksheets.getItem(ref.sheets.find((x) => x.role === 'indicators')!.id);
        ws.protection.unprotect();
        ws.getRange(value12.address).formulas = [['=H9*2']];
        ws.getRange(where.code).values = [['99']];
        ws.getRange(where.value).values = [[5]];
        ws.names.getItem(inputName('note', '13')).delete();
        await context.sync();
      });
      let read: Finding[] = [];
      await port.validateInPlace(ref, (inputsRead) => {
        read = inputsRead.findings ?? [];
        return { outputs: [], highlights: [] };
      });
      assert.deepEqual(codes(read), ['formula-cell:12', 'cell-error:12', 'input-not-found:13', 'row-not-read:']);
      const [formula, error, missing, stray] = read;
      assert.equal(missing!.field, 'note');
      assert.match(missing!.message.vi, /Không tìm thấy ô chỉ tiêu 13 — ghi chú/);
      assert.match(formula!.message.vi, /chứa công thức =H9\*2/);
      assert.match(error!.message.en, /shows the Excel error #NAME\?/);
      assert.equal(stray!.message.vi, `Dòng ${where.code.slice(1)} của trang "${where.sheet}" (mã "99") có số liệu nhưng không thuộc mẫu biểu nên không được đọc`);
    });

    it('the upload: a merged input, a formula, an error value, a logical value, a row outside the template, a foreign sheet — the same words as the pane', async () => {
      const plan = s.catalog.snapshot.plans.get(PLAN)!;
      const layout = layoutOf(plan, s.catalog.snapshot.register, key);
      const inputs = listInputs(layout);
      const at = (code: string) => inputs.find((i) => i.input.kind === 'value' && i.input.code === code)!;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await new UploadSide().filled(key, layout, inputs, typed)) as unknown as ExcelJS.Buffer);
      const ws = book.getWorksheet(at('12').sheet)!;
      ws.getCell(at('12').address).value = { formula: 'H9*2', result: 57.4 };
      ws.getCell(at('14').address).value = { error: '#DIV/0!' };
      ws.getCell(at('15').address).value = true;
      ws.mergeCells(`${at('16').address}:${at('17').address}`);
      const where = strayRow(inputs);
      ws.getCell(where.code).value = '99';
      ws.getCell(where.value).value = 5;
      book.addWorksheet('Ghi chép').getCell('A1').value = 'số liệu nháp';
      const res = await request(s.app)
        .post(`${reportUrl(key)}/xlsx`)
        .set(bearer(s.tokens.agencyA))
        .set('Content-Type', XLSX_TYPE)
        .send(Buffer.from(await book.xlsx.writeBuffer()))
        .expect(201);
      const findings = res.body.validation.findings as Finding[];
      const read = findings.filter((f) => ['input-merged', 'formula-cell', 'cell-error', 'cell-not-text-or-number', 'row-not-read', 'unexpected-sheet'].includes(f.code));
      assert.deepEqual(codes(read), ['input-merged:17', 'formula-cell:12', 'cell-error:14', 'cell-not-text-or-number:15', 'row-not-read:', 'unexpected-sheet:']);
      assert.match(read[0]!.message.vi, new RegExp(`đã bị gộp vào vùng ${at('16').address}:${at('17').address}; Excel chỉ giữ giá trị của ô ${at('16').address}`));
      assert.equal(read[1]!.message.vi, `Ô ${at('12').sheet}!${at('12').address} (chỉ tiêu 12 — kết quả) chứa công thức =H9*2; đã đọc kết quả "57,4" lưu trong tệp`);
      assert.equal(read[4]!.message.vi, `Dòng ${where.code.slice(1)} của trang "${where.sheet}" (mã "99") có số liệu nhưng không thuộc mẫu biểu nên không được đọc`);
      assert.match(read[5]!.message.en, /Sheet "Ghi chép" is not part of the template/);
      // They are reported first, before the engine's own findings.
      assert.deepEqual(codes(findings.slice(0, 6)), codes(read));
    });

    it('what reading an upload found stays with its figures when the report is submitted', async () => {
      const plan = s.catalog.snapshot.plans.get(PLAN)!;
      const layout = layoutOf(plan, s.catalog.snapshot.register, key);
      const inputs = listInputs(layout);
      const at = inputs.find((i) => i.input.kind === 'value' && i.input.code === '12')!;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await new UploadSide().filled(key, layout, inputs, typed)) as unknown as ExcelJS.Buffer);
      book.getWorksheet(at.sheet)!.getCell(at.address).value = { formula: 'H9/2', result: 14.3 };
      const up = await request(s.app).post(`${reportUrl(key)}/xlsx`).set(bearer(s.tokens.agencyA)).set('Content-Type', XLSX_TYPE).send(Buffer.from(await book.xlsx.writeBuffer()));
      assert.ok(up.status === 200 || up.status === 201);
      assert.ok(up.body.validation.valid, JSON.stringify(up.body.validation.findings));
      const submitted = await request(s.app).post(`${reportUrl(key)}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
      assert.deepEqual(submitted.body.report.validation.findings, up.body.validation.findings);
      assert.equal(codes(submitted.body.report.validation.findings)[0], 'formula-cell:12');
    });
  });

  describe('property: the four paths agree on generated reports', () => {
    /**
     * Every run: one generated report (what was typed into each input cell of an agency's
     * template) goes through the pane (Office adapter on the fake host, the controller's
     * validateInputs, GET …/previous), POST /api/validate and the JSON PUT; every
     * UPLOAD_EVERY-th run also through the exceljs upload. One server with a temp data dir
     * for all runs; before a run on a change target, last year's report is stored and
     * submitted, or returned so that it does not count, as the run decides.
     */
    const RUNS = Number(process.env.ONE_VERDICT_RUNS ?? 1_000);
    const UPLOAD_EVERY = 10;
    /** Runs per server: its lowdb file keeps every revision and is rewritten on each write, so it is kept small. */
    const RUNS_PER_SERVER = 100;
    let s: TestServer;
    let pane: PaneSide;
    const uploads = new UploadSide();
    const written = new Set<string>();
    const seen = { runs: 0, uploads: 0, servers: 0, changeWithPrevious: 0, changeWithoutPrevious: 0, ambiguous: 0, answers: 0, notes: 0, empty: 0, taskFindings: 0 };

    const freshServer = async () => {
      if (s) await s.close();
      // Every write is fsync'd: on a RAM disk, where there is one, thousands of them stay quick.
      s = await startTestServer({}, existsSync('/dev/shm') ? { dataRoot: '/dev/shm' } : {});
      // A plan written as tasks beside the catalog's, so its task sheet takes the four paths too.
      await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(JSON.parse(readFileSync('test/fixtures/task-plan.json', 'utf8'))).expect(201);
      pane = new PaneSide(s, s.tokens.admin);
      written.clear();
      seen.servers++;
    };
    before(freshServer);
    after(async () => {
      await s.close();
    });

    const plans = () => s.catalog.snapshot.plans;
    const register = () => s.catalog.snapshot.register;

    /** The change-against-last-year indicators the agency leads in the period. */
    const changeCodes = (plan: CompiledPlan, agencyId: string, period: string): string[] => {
      const p = parsePeriod(period)!;
      const roles = assignmentFor(plan, register(), agencyId, p).roles;
      return [...roles].filter(([code, role]) => role === 'lead' && plan.indicators.get(code)?.targets[String(p.year)]?.target.kind === 'change').map(([code]) => code);
    };

    /** Report keys: for each catalog plan, the agencies with most to report plus a district, over every year and one 6-month period. */
    function reportKeys(): ReportKey[] {
      const keys: ReportKey[] = [];
      for (const plan of plans().values()) {
        const { startYear, endYear } = plan.plan;
        const kinds = plan.plan.reporting.periods.map((x) => x.kind);
        const periods = Array.from({ length: endYear - startYear + 1 }, (_, i) => String(startYear + i));
        if (kinds.includes('6M')) periods.push(`${Math.min(startYear + 2, endYear)}-6M`);
        const size = (agencyId: string) => {
          const a = assignmentFor(plan, register(), agencyId, parsePeriod(periods[Math.min(2, periods.length - 1)]!)!);
          return a.indicators.length + a.documents.length + a.projects.length + tasksLedBy(plan, register(), agencyId, parsePeriod(periods[Math.min(2, periods.length - 1)]!)!).length;
        };
        const ranked = register().agencies.filter((a) => a.kind !== 'group').map((a) => ({ id: a.id, kind: a.kind, n: size(a.id) })).filter((a) => a.n > 0).sort((a, b) => b.n - a.n || a.id.localeCompare(b.id));
        const leads = plan.plan.id === PLAN ? ['hn-syt', ...ranked.filter((a) => a.id !== 'hn-syt').slice(0, 2).map((a) => a.id)] : ranked.slice(0, 3).map((a) => a.id);
        const district = ranked.find((a) => !leads.includes(a.id) && /^hn-(q|h|tx)-/.test(a.id));
        for (const agencyId of [...leads, ...(district ? [district.id] : [])]) {
          for (const period of periods) {
            const a = assignmentFor(plan, register(), agencyId, parsePeriod(period)!);
            if (a.indicators.length + a.documents.length + a.projects.length + tasksLedBy(plan, register(), agencyId, parsePeriod(period)!).length > 0) keys.push({ planId: plan.plan.id, period, agencyId, lang: 'vi' });
          }
        }
      }
      // A few in English: the document statuses are then the English labels.
      return [...keys, ...keys.filter((_, i) => i % 9 === 0).map((k) => ({ ...k, lang: 'en' as const }))];
    }

    // ---- What people type ----
    const NUMBER_TEXTS = ['85,5', '85.5', '1.036', '171.228', '1.036.609', '8,342,216', '2,5 triệu', '85%', '04', '1 036 609', '1.036,5', '-3', '0', '100', '  12 ', 'khoảng 5', 'n/a', '—', '=SUM(A1)', '+1+1', '24.000 kg', '0,9%', 'Đạt', '1,2', '1,4', '3-4%', '1e3'];
    const ANSWERS = ['Đạt', 'Cơ bản đạt', 'Không đạt', 'đạt', 'Hoàn thành', 'Achieved', 'chưa rõ'];
    // One letter each, spaces between: no letter is split from its diacritic.
    const LETTERS = 'a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y á à ả ã ạ ế ề ệ ộ 0 1 2 3 4 5 6 7 8 9 , . ; ( ) % -'.split(' ');
    const numberCell: fc.Arbitrary<Typed> = fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
      { weight: 2, arbitrary: fc.integer({ min: -5, max: 2_000_000 }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 12_000 }).map((n) => n / 100) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a},${b}`) },
    );
    const answerCell: fc.Arbitrary<Typed> = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.constantFrom(...ANSWERS) });
    const noteCell: fc.Arbitrary<Typed> = fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom('Đạt kế hoạch năm', 'Do ảnh hưởng của dịch bệnh', '=1+1', '@Sở', '-', 'Số liệu ước tính; "khoảng" 5%') },
      { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...LETTERS, ' '), minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== '' && !/^[\s-]*$/.test(t)) },
    );
    const dayCell: fc.Arbitrary<Typed> = fc.oneof(
      fc.constant(null),
      fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    );
    const cellFor = (plan: CompiledPlan, input: InputRef): fc.Arbitrary<Typed> => {
      switch (input.kind) {
        case 'value':
          return plan.indicators.get(input.code)?.valueType === 'qualitative' ? answerCell : numberCell;
        case 'answer':
          return answerCell;
        case 'denominator':
        case 'projectDisbursed':
          return numberCell;
        case 'documentStatus':
          return fc.constantFrom(null, 'issued', 'notIssued');
        case 'documentReference':
          return fc.oneof(fc.constant(null), fc.constantFrom('Quyết định 1234/QĐ-UBND', 'Kế hoạch số 12/KH-UBND', '5/3/2023'));
        case 'documentDate':
          return dayCell;
        case 'taskStatus':
          return fc.constantFrom(null, 'completed', 'inProgress', 'notStarted', 'notYetDue');
        case 'taskEvidence':
          return fc.oneof(fc.constant(null), fc.constantFrom('Kế hoạch 45/KH-SYT ngày 12/3/2026', 'Báo cáo 120/BC-SNV ngày 10/12/2026; Công văn 5/SYT ngày 31/2/2026', 'Tờ trình gửi UBND'));
        default:
          return noteCell;
      }
    };

    // ---- The store's state of last year ----
    const put = async (url: string, body: object) => {
      const res = await request(s.app).put(url).set(bearer(s.tokens.admin)).set(written.has(url) ? 'If-Match' : 'If-None-Match', '*').send(body);
      assert.ok(res.status === 200 || res.status === 201, `${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      written.add(url);
      return res;
    };

    /** Last year's report of the agency stored and submitted (its change rows at `value`), or returned so it does not count. */
    async function lastYear(key: ReportKey, keep: boolean, value: number): Promise<void> {
      const plan = plans().get(key.planId)!;
      const codes = changeCodes(plan, key.agencyId, key.period);
      const before = previousYearPeriod(parsePeriod(key.period)!);
      if (codes.length === 0 || before.year < plan.plan.startYear) return;
      const url = reportUrl({ ...key, period: before.id });
      if (keep) {
        const layout = layoutOf(plan, register(), { ...key, period: before.id });
        const clean = new Map<string, Typed>();
        for (const { input } of listInputs(layout)) {
          const id = `${input.kind}:${input.code}`;
          if (input.kind === 'value') clean.set(id, codes.includes(input.code) ? value : plan.indicators.get(input.code)?.valueType === 'qualitative' ? 'Đạt' : 1);
          else if (input.kind === 'answer') clean.set(id, 'Đạt');
          else if (input.kind === 'denominator') clean.set(id, 10);
          else if (input.kind === 'note') clean.set(id, 'Ghi chú');
          else if (input.kind === 'documentStatus') clean.set(id, 'notIssued');
        }
        await put(url, jsonBody(listInputs(layout), clean));
        await request(s.app).post(`${url}/submit`).set(bearer(s.tokens.admin));
      } else if (written.has(url)) {
        const current = await request(s.app).get(url).set(bearer(s.tokens.admin));
        if (['submitted', 'late', 'approved'].includes(current.body.status)) {
          await request(s.app).post(`${url}/return`).set(bearer(s.tokens.consolidator)).send({ comment: 'Kiểm tra lại' }).expect(200);
        }
      }
    }

    const inputsCache = new Map<string, { layout: ReturnType<typeof layoutOf>; inputs: ListedInput[] }>();
    const templateOf = (key: ReportKey) => {
      const id = `${key.planId}|${key.period}|${key.agencyId}|${key.lang}`;
      const known = inputsCache.get(id);
      if (known) return known;
      const layout = layoutOf(plans().get(key.planId)!, register(), key);
      const made = { layout, inputs: listInputs(layout) };
      inputsCache.set(id, made);
      return made;
    };

    it(`gives identical findings, verdicts and progress over ${RUNS} reports (the upload on every ${UPLOAD_EVERY}th, a fresh server every ${RUNS_PER_SERVER})`, async () => {
      const keys = reportKeys();
      assert.ok(keys.some((k) => changeCodes(plans().get(k.planId)!, k.agencyId, k.period).length > 0), 'some reports carry a change target');
      const changeKeys = keys.filter((k) => changeCodes(plans().get(k.planId)!, k.agencyId, k.period).length > 0);
      const keyArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 2, arbitrary: fc.constantFrom(...changeKeys) });
      const runArb = keyArb.chain((key) => {
        const plan = plans().get(key.planId)!;
        const { inputs } = templateOf(key);
        return fc.record({
          key: fc.constant(key),
          keepLastYear: fc.boolean(),
          lastYearValue: fc.integer({ min: 1, max: 300 }).map((n) => n / 10),
          cells: fc.tuple(...inputs.map(({ input }) => cellFor(plan, input))),
        });
      });
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(runArb, async ({ key, keepLastYear, lastYearValue, cells }) => {
          if (seen.runs > 0 && seen.runs % RUNS_PER_SERVER === 0) await freshServer();
          seen.runs++;
          const plan = plans().get(key.planId)!;
          const { layout, inputs } = templateOf(key);
          const typed = new Map<string, Typed>(inputs.map(({ input }, i) => [`${input.kind}:${input.code}`, cells[i] ?? null]));
          await lastYear(key, keepLastYear, lastYearValue);
          const body = jsonBody(inputs, typed);

          const { report, previous } = await pane.checkWithPrevious(key, layout, inputs, typed);
          const expected = compact(report);
          const validated = await request(s.app).post('/api/validate').set(bearer(s.tokens.admin)).send({ planId: key.planId, period: key.period, agencyId: key.agencyId, ...body }).expect(200);
          assert.deepEqual(compact(validated.body), expected, 'POST /api/validate = the pane');
          assert.deepEqual(JSON.parse(JSON.stringify(validated.body.results)), JSON.parse(JSON.stringify(report.results)), 'the same values and evaluations');
          const url = reportUrl(key);
          const saved = await put(url, body);
          assert.deepEqual(stored(saved.body.validation), expected, 'PUT = the pane');
          if (seen.runs % UPLOAD_EVERY === 0) {
            const file = await uploads.filled(key, layout, inputs, typed);
            const up = await request(s.app).post(`${url}/xlsx`).set(bearer(s.tokens.admin)).set('Content-Type', XLSX_TYPE).send(file);
            assert.equal(up.status, 200, JSON.stringify(up.body).slice(0, 500));
            assert.deepEqual(stored(up.body.validation), expected, 'the upload = the pane');
            seen.uploads++;
          }

          for (const code of changeCodes(plan, key.agencyId, key.period)) {
            if (!report.results.some((r) => r.code === code && r.evaluation)) continue;
            if (previous[code] === undefined) seen.changeWithoutPrevious++;
            else seen.changeWithPrevious++;
          }
          for (const r of report.results) if (r.answer !== null) seen.answers++;
          if (report.findings.some((f) => f.code === 'ambiguous-number')) seen.ambiguous++;
          if (body.entries.some((e) => e.note)) seen.notes++;
          if (body.entries.some((e) => e.value === undefined)) seen.empty++;
          if (report.findings.some((f) => f.task !== undefined)) seen.taskFindings++;
        }),
        { numRuns: RUNS, endOnFailure: true, seed: Number(process.env.ONE_VERDICT_SEED ?? 20231201) },
      );
      const seconds = (Date.now() - started) / 1000;
      console.log(`      ${JSON.stringify({ ...seen, keys: keys.length, seconds })}`);
      assert.ok(seen.runs >= RUNS);
      assert.ok(seen.uploads >= RUNS / UPLOAD_EVERY - 1);
      assert.ok(seen.changeWithPrevious >= 20 && seen.changeWithoutPrevious >= 20, `change targets with (${seen.changeWithPrevious}) and without (${seen.changeWithoutPrevious}) last year's value`);
      assert.ok(seen.ambiguous > 0 && seen.answers > 0 && seen.notes > 0 && seen.empty > 0);
      assert.ok(seen.taskFindings > 0, 'some reports of the task plan have task findings');
    });
  });
});
