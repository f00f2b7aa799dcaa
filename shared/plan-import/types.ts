import type { AgencyRegister } from '../agencies/register';
import type { PlanImportFindingCode } from '../catalogue/plan-import';
import type { Params } from '../catalogue/types';
import type { Text } from '../i18n';
import type { PlanInput, Severity } from '../schema/plan';

/** What the plan needs beyond its table: the caller (the pane's form, the route's body) says it. */
export interface PlanMeta {
  id: string;
  number: string;
  title: string;
  startYear: number;
  endYear: number;
  /** YYYY-MM-DD; a missing one is a finding (the plan cannot be saved without it). */
  issuedOn?: string;
  program?: string;
  revision?: number;
  standingAgency?: string;
}

export interface PlanTableInput {
  /** Cell texts row by row, as Excel shows them (`range.text`) or as read from a workbook; numbers and booleans are taken as written. */
  grid: ReadonlyArray<readonly unknown[]>;
  /** Merged areas ("C5:C9"), relative to the grid when `origin` is A1, else in the sheet's own addresses. */
  merges?: readonly string[];
  /** The sheet the grid comes from, named in every finding. */
  sheet?: string;
  /** The sheet address of the grid's top-left cell (default A1), so findings name the sheet's cells. */
  origin?: string;
  city: string;
  register: AgencyRegister;
  meta: PlanMeta;
  /** Mark a target the engine cannot read as judged by hand (the consolidator judges it) instead of leaving it an error. */
  judgeUnreadableByHand?: boolean;
}

/** One problem or decision of the import, at the cell it is about. */
export interface ImportFinding {
  code: PlanImportFindingCode;
  severity: Severity;
  /** The cell ("C12") in the sheet's addresses; absent for findings about the whole table. */
  cell?: string;
  sheet?: string;
  /** The indicator code the finding is about, when there is one. */
  indicator?: string;
  message: Text;
  params: Params;
  variant?: string;
}

export interface PlanDraft {
  /** A plan file (shared/schema/plan.ts) to review; it still has to pass the catalog's checks when saved. */
  draft: PlanInput;
  findings: ImportFinding[];
}

/** Limits of the table read (the route checks them first, the importer again). */
export const IMPORT_LIMITS = { maxRows: 2_000, maxCols: 60, maxCellChars: 5_000, headerSearchRows: 15 } as const;
