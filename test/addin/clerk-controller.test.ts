/**
 * The clerk's side of the pane against the real server (test/addin/real-server.ts) and the
 * Office.js adapter on the fake Excel host: last period's value beside each input, the
 * preview of what a send changes, "Gửi chính thức" disabled with its reason, and an
 * approved report's inputs locked in the sheet (unlocked again when returned).
 */
import assert from 'node:assert/strict';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import type { TemplateRef } from '../../addin/excel/port';
import { createFakeExcel, parseAddress } from '../../addin/testing/fake-excel';
import type { FakeExcelHost, FakeSheet } from '../../addin/testing/fake-excel';
import { ApiClient } from '../../addin/src/api';
import { TaskpaneController } from '../../addin/src/controller';
import { MapStorage } from './map-storage';
import { t } from '../../addin/src/i18n';
import { submitBlocker } from '../../addin/src/send-preview';
import { indicatorColumn } from '../../shared/layout/template';
import { SYT_2023_ENTRIES } from '../server/harness';
import { startRealServer } from './real-server';
import type { RealServer } from './real-server';

const PLAN = 'hn-kh207-2021';
const key = (period: string) => ({ planId: PLAN, period, agencyId: 'hn-syt' });


let srv: RealServer;
let ids = 0;

async function pane(): Promise<{ fake: FakeExcelHost; controller: TaskpaneController }> {
  const fake = createFakeExcel();
  const controller = new TaskpaneController({
    port: createOfficeAdapter(fake.Excel as unknown as typeof Excel),
    storage: new MapStorage(),
    fetch: srv.fetch,
    now: () => srv.clock.now,
    newId: () => `clerk-${++ids}`,
  });
  await controller.connect(`${srv.base}/`, srv.tokens.syt.secret);
  await controller.selectPlan(PLAN);
  controller.selectPeriod('2023');
  return { fake, controller };
}

function indicatorSheet(fake: FakeExcelHost, ref: TemplateRef): FakeSheet {
  const id = ref.sheets.find((s) => s.role === 'indicators')?.id ?? '';
  const sheet = fake.workbook.sheet(id);
  assert.ok(sheet, 'the indicator sheet');
  return sheet;
}

/** Where an input's defined name points now, as 0-based row and column. */
function inputAt(sheet: FakeSheet, name: string): { r: number; c: number } {
  const rect = parseAddress(sheet.nameAddress(name) ?? '');
  assert.ok(rect, name);
  return { r: rect.r1, c: rect.c1 };
}

/** A clerk typing a value into the sheet. */
function type(sheet: FakeSheet, code: string, value: string | number): void {
  const at = inputAt(sheet, `asr.value.${code}`);
  sheet.touch(at.r, at.c).value = value;
}

const direct = (secret: string) => new ApiClient({ baseUrl: srv.base, token: secret });

describe('the clerk’s pane: last period, preview, disabled submit, locked approval', function () {
  this.timeout(60_000);
  beforeEach(async () => {
    srv = await startRealServer();
  });
  afterEach(async () => srv.close());

  it('inserts the template with last period’s own value beside each input', async () => {
    const saved = await direct(srv.tokens.syt.secret).putReport(key('2023-9M'), { entries: SYT_2023_ENTRIES, documents: [], projects: [] }, { etag: null, idempotencyKey: 'seed-9m' });
    assert.equal(saved.status, 'saved');
    const { fake, controller } = await pane();
    const ref = await controller.insertTemplate();
    const sheet = indicatorSheet(fake, ref);
    const at = inputAt(sheet, 'asr.value.11');
    assert.equal(at.c, indicatorColumn('value'));
    assert.equal(sheet.readValue(at.r, indicatorColumn('previous')), '28,7', 'Sở Y tế sent 28,7 for the 9 months');
    assert.equal(sheet.readValue(5, indicatorColumn('previous')), 'Kỳ trước (9 tháng năm 2023)');
    assert.equal(sheet.cellAt(at.r, indicatorColumn('previous'))?.locked, true, 'read-only');
  });

  it('previews what a send changes against the server’s revision, cell by cell', async () => {
    const { fake, controller } = await pane();
    const ref = await controller.insertTemplate();
    const sheet = indicatorSheet(fake, ref);
    for (const e of SYT_2023_ENTRIES) type(sheet, e.code, e.value);
    const first = await controller.previewSend();
    assert.equal(first.revision, null, 'nothing on the server yet');
    assert.ok(first.changes.some((c) => c.vi === 'Chỉ tiêu 11: (trống) → 28,7'));
    const sent = await controller.send();
    assert.equal(sent.status, 'saved');
    assert.equal(controller.state.preview, null, 'a send clears the preview');

    type(sheet, '11', '29,1');
    type(sheet, '12', '');
    const preview = await controller.previewSend();
    assert.equal(preview.revision, 1);
    assert.deepEqual(preview.changes.map((c) => c.vi), ['Chỉ tiêu 11: 28,7 → 29,1', 'Chỉ tiêu 12: 14,3 → (trống)']);
    assert.deepEqual(controller.state.preview, preview);
  });

  it('keeps “Gửi chính thức” disabled, with the reason, while errors remain; findings name the indicator', async () => {
    const { fake, controller } = await pane();
    const ref = await controller.insertTemplate();
    const sheet = indicatorSheet(fake, ref);
    for (const e of SYT_2023_ENTRIES) type(sheet, e.code, e.value);
    type(sheet, '13', 'một trăm');
    const check = await controller.validate();
    assert.ok(check.counts.error > 0);
    const blocker = submitBlocker(controller.state);
    assert.deepEqual(blocker, { key: 'submitRefused', n: check.counts.error });
    assert.match(t('submitRefused', 'vi', { n: blocker.n ?? 0 }), /^Còn \d+ lỗi: sửa hết lỗi/);
    const on13 = check.findings.find((f) => f.severity === 'error' && f.where.vi.startsWith('Chỉ tiêu 13'));
    assert.ok(on13, 'an error on indicator 13');
    assert.match(on13.where.vi, /^Chỉ tiêu 13 \(.+\) — /, 'code and name');

    type(sheet, '13', '100');
    await controller.validate();
    assert.equal(submitBlocker(controller.state), null);
  });

  it('locks an approved report’s inputs in the sheet and unlocks them when it is returned', async () => {
    const { fake, controller } = await pane();
    const ref = await controller.insertTemplate();
    const sheet = indicatorSheet(fake, ref);
    for (const e of SYT_2023_ENTRIES) type(sheet, e.code, e.value);
    const submitted = await controller.submit();
    assert.equal(submitted.status, 'submitted');
    assert.deepEqual(submitBlocker(controller.state), { key: 'submitLockedSubmitted' });
    const at = inputAt(sheet, 'asr.value.11');
    assert.equal(sheet.cellAt(at.r, at.c)?.locked, false, 'a submitted report’s inputs stay open until approval');

    const city = direct(srv.tokens.city.secret);
    await city.approve(key('2023'));
    await controller.useTemplate(ref);
    assert.equal(controller.state.report?.status, 'approved');
    assert.deepEqual(submitBlocker(controller.state), { key: 'submitLockedApproved' });
    for (const name of ['asr.value.11', 'asr.note.11', 'asr.value.19']) {
      const p = inputAt(sheet, name);
      assert.equal(sheet.cellAt(p.r, p.c)?.locked, true, `${name} locked`);
    }
    assert.equal(sheet.protection.protected, true, 'the sheet stays protected, so the lock holds');
    assert.equal(controller.state.notice?.text.vi, t('inputsLocked', 'vi'));

    await city.returnReport(key('2023'), 'Bổ sung số liệu chỉ tiêu 13');
    await controller.useTemplate(ref);
    assert.equal(sheet.cellAt(at.r, at.c)?.locked, false, 'returned: open again');
    assert.equal(sheet.protection.protected, true);
  });
});
