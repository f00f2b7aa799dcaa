import { PAGE_FOOTER } from '../../../shared/layout/print';
import type { Lang } from '../../../shared/layout/excel-rules';
import type { SheetLayout } from '../../../shared/layout/types';
import type { Rect } from './geometry';
import { jsonBytes } from './requests';
import type { RequestPlan } from './requests';

/**
 * How a sheet prints — landscape A4, one page wide, its header row repeated, "Trang &P/&N"
 * in the footer — as the .xlsx has it (server/xlsx/render.ts). Office.js has the page layout
 * from ExcelApi 1.9 only, and the add-in requires 1.8 (manifest/manifest.xml): the page
 * layout is set where the host supports 1.9 and left to Excel's defaults elsewhere.
 * test/addin/excel-api-set.test.ts lets this file, and only this file, use ExcelApi 1.9.
 */
export const PAGE_LAYOUT_API_SET = '1.9';

/** Whether the running host has ExcelApi 1.9 (false outside Office, e.g. on the fake host). */
export function pageLayoutSupported(): boolean {
  if (typeof Office === 'undefined') return false;
  // Office.context is missing before Office.onReady in some hosts: typed as always there, it is not.
  const requirements = (Office.context as Partial<typeof Office.context> | undefined)?.requirements;
  return requirements?.isSetSupported('ExcelApi', PAGE_LAYOUT_API_SET) ?? false;
}

/** Queues the sheet's page layout when the host supports it; true when queued. */
export function planPageLayout(plan: RequestPlan, sheet: Pick<SheetLayout, 'page' | 'columns'>, lang: Lang, worksheet: () => Excel.Worksheet, range: (x: Rect) => Excel.Range, supported: boolean = pageLayoutSupported()): boolean {
  const page = sheet.page;
  if (!page || !supported) return false;
  plan.add(jsonBytes(page), () => {
    const layout = worksheet().pageLayout;
    layout.orientation = page.orientation === 'landscape' ? 'Landscape' : 'Portrait';
    layout.paperSize = 'A4';
    if (page.fitToWidth) layout.zoom = { horizontalFitToPages: 1, verticalFitToPages: 0 };
    if (page.repeatRows) layout.setPrintTitleRows(range({ r1: page.repeatRows.from, c1: 0, r2: page.repeatRows.to, c2: Math.max(0, sheet.columns.length - 1) }));
    layout.headersFooters.defaultForAllPages.centerFooter = PAGE_FOOTER[lang];
  });
  return true;
}
