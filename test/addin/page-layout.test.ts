import assert from 'node:assert/strict';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { readFileSync } from 'node:fs';
import { pageLayoutSupported, planPageLayout } from '../../addin/excel/office/page-layout';
import type { Rect } from '../../addin/excel/office/geometry';
import { RequestPlan } from '../../addin/excel/office/requests';

const load = (p: string): unknown => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

/** A worksheet that records what the adapter sets on its page layout (the fake host has no ExcelApi 1.9). */
function recordingSheet() {
  const set: Record<string, unknown> = {};
  const footer = { centerFooter: '' };
  const pageLayout = {
    set orientation(v: string) { set.orientation = v; },
    set paperSize(v: string) { set.paperSize = v; },
    set zoom(v: unknown) { set.zoom = v; },
    setPrintTitleRows(r: { rect: Rect }) { set.printTitleRows = r.rect; },
    headersFooters: { defaultForAllPages: footer },
  };
  return { set, footer, worksheet: () => ({ pageLayout }) as unknown as Excel.Worksheet, range: (rect: Rect) => ({ rect }) as unknown as Excel.Range };
}

/** A host's isSetSupported for ExcelApi up to 1.`minor`. */
const upTo = (minor: number) => (set: string, v: string) => set === 'ExcelApi' && Number(v.split('.')[1]) <= minor;

const context = { sync: () => Promise.resolve() } as unknown as Excel.RequestContext;

describe('Office.js adapter: the page layout of printed sheets (ExcelApi 1.9, behind isSetSupported)', () => {
  const layout = consolidatedWorkbook(plan207, register, consolidate(plan207, register, { period: '2023', reports: [] }));
  const appendix = layout.sheets.find((s) => s.role === 'indicators') ?? assert.fail();

  it('sets landscape A4, one page wide, the header row repeated and "Trang &P/&N", as the .xlsx has it', async () => {
    const plan = new RequestPlan();
    const rec = recordingSheet();
    assert.equal(planPageLayout(plan, appendix, 'vi', rec.worksheet, rec.range, true), true);
    await plan.run(context, 1_000_000);
    const header = appendix.page?.repeatRows?.from ?? assert.fail('repeated rows');
    assert.deepEqual(rec.set, { orientation: 'Landscape', paperSize: 'A4', zoom: { horizontalFitToPages: 1, verticalFitToPages: 0 }, printTitleRows: { r1: header, c1: 0, r2: header, c2: appendix.columns.length - 1 } });
    assert.equal(rec.footer.centerFooter, 'Trang &P/&N');
  });

  it('queues nothing where the host lacks ExcelApi 1.9, and outside Office', async () => {
    const plan = new RequestPlan();
    const rec = recordingSheet();
    assert.equal(planPageLayout(plan, appendix, 'en', rec.worksheet, rec.range, false), false);
    await plan.run(context, 1_000_000);
    assert.deepEqual(rec.set, {});
    assert.equal(pageLayoutSupported(), false, 'no Office global in Node');
    const g = globalThis as { Office?: unknown };
    g.Office = { context: { requirements: { isSetSupported: upTo(8) } } };
    try {
      assert.equal(pageLayoutSupported(), false, 'a 1.8 host');
      g.Office = { context: { requirements: { isSetSupported: upTo(12) } } };
      assert.equal(pageLayoutSupported(), true, 'a 1.12 host');
    } finally {
      delete g.Office;
    }
  });
});
