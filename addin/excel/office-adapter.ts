/// <reference types="office-js" />
import type { InputRef, WorkbookLayout } from '../../shared/layout/types';
import { findTemplates, insertTemplate } from './office/insert-template';
import { TemplateRecords } from './office/records';
import { DEFAULT_MAX_REQUEST_BYTES, MIN_REQUEST_BYTES } from './office/requests';
import { readSelection, selectCell } from './office/read-selection';
import { validateInPlace } from './office/validate-in-place';
import { writeConsolidated } from './office/write-consolidated';
import { selectInput, writeInputs } from './office/write-inputs';
import { setInputsLocked } from './office/lock-inputs';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from './port';

/**
 * The only code that touches Excel (Office.js, ExcelApi 1.8): the WorkbookPort over the
 * modules in ./office/. How a layout becomes Excel (limits, text, validation, conditional
 * formats, name scope, protection) is decided in shared/layout/excel-rules.ts, as for the
 * .xlsx writer (server/xlsx/render.ts); ./office/ maps those decisions to Office.js, in few
 * requests:
 *
 * - insertTemplate: 3 syncs (office/insert-template.ts);
 * - validateInPlace: 2 syncs (office/validate-in-place.ts, read-inputs.ts, write-judgement.ts);
 * - writeInputs, selectInput: one sync each (office/write-inputs.ts);
 * - writeConsolidated: 3 syncs, with Excel tables and native charts (office/write-consolidated.ts);
 * - readSelection: 2 syncs, selectCell: one (office/read-selection.ts).
 *
 * Every value array is written in one call per range and every format over rectangles as
 * large as possible. A request is kept under `maxRequestBytes` (4 MB by default; Excel on the
 * web refuses 5 MB): past it, the writes go out in several requests, split between whole
 * operations and, for one huge grid, between rows (office/requests.ts).
 */

export interface OfficeAdapterOptions {
  /** Largest request the adapter builds, in bytes (estimated as the JSON of what it sends). */
  maxRequestBytes?: number;
}

export { DEFAULT_MAX_REQUEST_BYTES } from './office/requests';
export { TEMPLATES_SETTING, CONSOLIDATED_SETTING } from './office/records';
export { POINTS_PER_CHARACTER } from './office/styles';
export { textForExcel } from './office/text';

export function createOfficeAdapter(excel: typeof Excel, options: OfficeAdapterOptions = {}): WorkbookPort {
  const budget = Math.max(MIN_REQUEST_BYTES, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
  // The records this adapter has read or written, so writeInputs needs no extra read.
  const records = new TemplateRecords();
  return {
    insertTemplate: (layout: WorkbookLayout) => insertTemplate(excel, budget, records, layout),
    findTemplates: () => findTemplates(excel, records),
    validateInPlace: (template: TemplateRef, judge: (inputs: ReadInputs) => Judgement) => validateInPlace(excel, budget, records, template, judge),
    writeInputs: (template: TemplateRef, inputs: ReadInputs) => writeInputs(excel, budget, records, template, inputs),
    selectInput: (template: TemplateRef, input: { kind: InputRef['kind']; code: string }) => selectInput(excel, template, input),
    setInputsLocked: (template: TemplateRef, locked: boolean) => setInputsLocked(excel, budget, records, template, locked),
    writeConsolidated: (layout: WorkbookLayout) => writeConsolidated(excel, budget, layout),
    readSelection: () => readSelection(excel),
    selectCell: (sheet: string, cell: string) => selectCell(excel, sheet, cell),
  };
}
