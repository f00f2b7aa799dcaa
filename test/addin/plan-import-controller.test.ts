import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import { TaskpaneController } from '../../addin/src/controller';
import { MapStorage } from './map-storage';
import { createFakeExcel } from '../../addin/testing/fake-excel';
import type { FakeExcelHost } from '../../addin/testing/fake-excel';
import { requireSeeds, seedPath } from '../../scripts/seeds';
import { startRealServer } from './real-server';
import type { RealServer, Who } from './real-server';

/**
 * "Tạo kế hoạch từ bảng đã chọn": plan 207's appendix 1 pasted into the fake workbook and
 * selected, drafted by the real server (POST /api/plans/draft), its findings pointing at the
 * sheet's cells, then saved (POST /api/plans) under a new id.
 */

const SEED_NAME = 'hanoi-kh207-2021-program08.txt';
const META = { id: 'hn-kh207-draft', number: '207/KH-UBND', title: 'Kế hoạch 207 (từ phụ lục 1)', city: 'hanoi', startYear: 2021, endYear: 2025, issuedOn: '2021-09-08', program: '08-CTr/TU', standingAgency: 'hn-sldtbxh' };


/** The seed's appendix 1, every line a row and tabs between cells, as a paste from Word brings it: cells of text from B2. */
function pasteSeedTable(fake: FakeExcelHost): string {
  const lines = readFileSync(seedPath(SEED_NAME), 'utf8').split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('TT\t'));
  const end = lines.findIndex((l, i) => i > start && l.includes('DỰ KIẾN CÁC CHƯƠNG TRÌNH'));
  const rows = lines.slice(start, end).map((l) => l.split('\t').map((c) => c.replace(/<\/?b>/g, '').trim()));
  while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c === '')) rows.pop();
  const sheet = fake.workbook.addSheet('Phụ lục 1');
  rows.forEach((row, r) => row.forEach((text, c) => {
    if (text !== '') sheet.touch(r + 1, c + 1).value = text;
  }));
  fake.workbook.activeSheetId = sheet.id;
  const width = Math.max(...rows.map((r) => r.length));
  const address = `B2:${String.fromCharCode(65 + width)}${rows.length + 1}`;
  fake.workbook.selection = { sheetId: sheet.id, address };
  return address;
}

describe('pane: a plan from the selected appendix table (controller, fake Excel, real server)', function () {
  this.timeout(60_000);
  before(function () {
    requireSeeds(this, [SEED_NAME]);
  });
  let srv: RealServer | undefined;
  const server = (): RealServer => {
    if (!srv) throw new Error('the server did not start');
    return srv;
  };
  before(async () => {
    srv = await startRealServer();
  });
  after(async () => {
    await srv?.close();
  });

  async function pane(who: Who) {
    const fake = createFakeExcel();
    const controller = new TaskpaneController({ port: createOfficeAdapter(fake.Excel as unknown as typeof Excel), storage: new MapStorage(), fetch: server().fetch, now: () => server().clock.now });
    await controller.connect(server().base, who.secret);
    return { fake, controller };
  }

  it('drafts the 29 indicators, shows the findings at the sheet\'s cells, selects one, and saves the plan', async () => {
    const { fake, controller } = await pane(server().tokens.admin);
    assert.equal(pasteSeedTable(fake), 'B2:L44');
    const view = await controller.draftPlanFromSelection(META);
    assert.equal(controller.state.planDraft, view);
    assert.equal(view.indicators.length, 29);
    assert.deepEqual(view.indicators.slice(0, 3).map((i) => [i.code, i.lead]), [['1', 'hn-sldtbxh'], ['2', 'hn-sldtbxh'], ['3', 'hn-bhxh']]);
    const baseline = view.findings.find((f) => f.code === 'baseline-year');
    // The grid starts at B2: the seed's C2 is the sheet's D3.
    assert.deepEqual([baseline?.cell, baseline?.sheet], ['D3', 'Phụ lục 1']);
    assert.ok(view.findings.every((f) => f.severity !== 'error'), JSON.stringify(view.findings.filter((f) => f.severity === 'error')));
    const draftRequest = server().requests.find((r) => r.path === '/api/plans/draft');
    assert.deepEqual((draftRequest?.body as { origin: string }).origin, 'B2');

    const lead = view.findings.find((f) => f.code === 'taken-from-above');
    assert.ok(lead);
    await controller.selectDraftCell(lead);
    assert.deepEqual(fake.workbook.selection?.address, lead.cell);

    const saved = await controller.savePlanDraft();
    assert.deepEqual(saved, { id: META.id, revision: 1 });
    assert.ok(controller.state.plans.some((p) => p.id === META.id));
    assert.deepEqual(controller.state.planDraft?.saved, saved);
  });

  it('the consolidator drafts; saving a plan is the admin\'s (role-forbidden shown); an agency cannot draft', async () => {
    const { fake, controller } = await pane(server().tokens.city);
    pasteSeedTable(fake);
    await controller.draftPlanFromSelection({ ...META, id: 'hn-kh207-draft-2' });
    await assert.rejects(controller.savePlanDraft());
    assert.equal(controller.state.notice?.kind, 'error');
    const agency = await pane(server().tokens.syt);
    pasteSeedTable(agency.fake);
    await assert.rejects(agency.controller.draftPlanFromSelection(META));
    assert.equal(agency.controller.state.planDraft, null);
  });
});
