import type { SelectedTable } from '../port';

/** Cells read from a selection at most (the plan importer reads 2,000 rows of 60 columns). */
export const MAX_SELECTED_CELLS = 2_000 * 60;

/**
 * The selected range as the user sees it (`text`, so "27,1" and "40.0%" stay as written),
 * with its sheet and where it starts: 2 syncs (the size first, so a whole-column selection is
 * refused before its text is fetched). Merged areas need ExcelApi 1.13, beyond the manifest's
 * 1.8, so they are not read: the importer resolves the blanks by its rules and says so.
 */
export async function readSelection(excel: typeof Excel): Promise<SelectedTable> {
  return excel.run(async (context) => {
    const range = context.workbook.getSelectedRange();
    range.load(['address', 'rowCount', 'columnCount']);
    range.worksheet.load('name');
    await context.sync();
    const cells = range.rowCount * range.columnCount;
    if (cells > MAX_SELECTED_CELLS) throw new RangeError(`the selection has ${cells} cells; select the table only (at most ${MAX_SELECTED_CELLS})`);
    range.load('text');
    await context.sync();
    const local = range.address.slice(range.address.lastIndexOf('!') + 1);
    const origin = local.split(':')[0] ?? 'A1';
    const texts: unknown = range.text;
    return { sheet: range.worksheet.name, address: local, origin: origin.replace(/\$/g, ''), texts: Array.isArray(texts) ? texts.map((row: unknown) => (Array.isArray(row) ? row.map(String) : [])) : [] };
  });
}

/** Selects one cell of a sheet (a finding of the import was clicked), in one sync. */
export async function selectCell(excel: typeof Excel, sheet: string, cell: string): Promise<void> {
  await excel.run(async (context) => {
    context.workbook.worksheets.getItem(sheet).getRange(cell).select();
    await context.sync();
  });
}
