import type { InputRef, OutputRef, WorkbookLayout } from '../../shared/layout/types';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from '../../shared/schema/report';
import type { Severity } from '../../shared/schema/plan';
import type { Finding } from '../../shared/findings';

/**
 * What the task pane needs from Excel. The Office.js adapter (addin/excel/office-adapter.ts)
 * is the only implementation that touches `Excel.*`; tests use it against the fake host
 * (addin/testing/fake-excel.ts), which enforces Excel's rules and counts syncs and bytes.
 */
export interface TemplateRef {
  planId: string;
  revision: number;
  agencyId: string;
  period: string;
  /** The template's language; a record read back from the workbook settings may lack it (they are not validated). */
  lang?: 'vi' | 'en';
  /** Sheets of this template by role ("indicators", "documents", "projects", "metadata"), found by id so renames do not matter. */
  sheets: Array<{ role: string; id: string; name: string }>;
}

export interface ReadInputs {
  entries: EntryInput[];
  documents: DocumentEntryInput[];
  projects: ProjectEntryInput[];
  /** Task entries (plans written as tasks). */
  tasks?: TaskEntryInput[];
  /** Problems found while reading the cells (formulas, error values, missing cells, data outside the rows), for validateReport's `reading`. */
  findings?: Finding[];
}

/** What validation writes back into the sheet. */
export interface Judgement {
  /** Verdict, progress and category cells, by output kind and code. */
  outputs: Array<{ kind: OutputRef['kind']; code: string; value: string | number | null }>;
  /** Input cells to colour by the worst finding on them. */
  highlights: Array<{ kind: InputRef['kind']; code: string; severity: Severity }>;
}

export interface AdapterStats {
  syncs: number;
  /** Bytes of every request sent with sync, largest first is what the 5 MB cap cares about. */
  requestBytes: number[];
}

/** The selected range's cell texts, as the plan importer reads them (POST /api/plans/draft). */
export interface SelectedTable {
  sheet: string;
  /** "B3:L45", without the sheet. */
  address: string;
  /** The top-left cell ("B3"), so the importer's findings name the sheet's cells. */
  origin: string;
  texts: string[][];
}

export interface WorkbookPort {
  /** Writes the template's sheets from the shared layout into the open workbook, in at most 3 syncs. */
  insertTemplate(layout: WorkbookLayout): Promise<TemplateRef>;
  /** Templates in the open workbook, recognised by their stored metadata even after a rename or inserted rows. */
  findTemplates(): Promise<TemplateRef[]>;
  /**
   * Reads every input of the template (sync 1), lets `judge` run the shared engine, then writes
   * the verdict and progress cells and the highlights (sync 2): at most 2 syncs in all.
   */
  validateInPlace(template: TemplateRef, judge: (inputs: ReadInputs) => Judgement): Promise<Judgement>;
  /** Writes values into the template's input cells (e.g. taking the server's version after a 412), in one sync. */
  writeInputs(template: TemplateRef, inputs: ReadInputs): Promise<void>;
  /** Selects an input cell, e.g. when a finding in the pane is clicked. */
  selectInput(template: TemplateRef, input: { kind: InputRef['kind']; code: string }): Promise<void>;
  /** Writes the consolidated workbook (Excel tables, native charts), replacing an earlier copy. */
  writeConsolidated(layout: WorkbookLayout): Promise<{ sheets: string[] }>;
  /** Locks (approved) or unlocks (returned) the template's input cells, the sheets protected; absent on hosts without protection. */
  setInputsLocked?(template: TemplateRef, locked: boolean): Promise<void>;
  /** The selected range's texts (a plan's appendix table), in 2 syncs; absent on hosts that cannot read a selection. */
  readSelection?(): Promise<SelectedTable>;
  /** Selects a cell of a sheet by its address, in one sync. */
  selectCell?(sheet: string, cell: string): Promise<void>;
}
