import type { Agency } from '../../shared/schema/agency';
import type { IdempotencyRecord, Judgement, LeadChange, PlanRetirement, ReportRevision, TokenRecord } from './types';

/**
 * The documents the embedded store keeps in memory (and in the snapshot, with its audit state,
 * checksums and the index of the revisions file). Of the reports, only each one's latest
 * revision: the older ones are on disk (revision-index.ts, revisions-file.ts).
 */

/** 2: reports hold their latest revision, the history is in `db.json.revisions` (1: every revision in the snapshot). */
export const DB_VERSION = 2;

export interface DbData {
  version: typeof DB_VERSION;
  /** Keyed "planId|period|agencyId"; the latest revision. */
  reports: Record<string, ReportRevision>;
  tokens: TokenRecord[];
  plans: unknown[];
  agencies: Agency[];
  leadChanges: LeadChange[];
  /** Absent until the first plan is retired (and in files written before retirements existed). */
  planRetirements?: PlanRetirement[];
  /** Keyed "planId|period|indicator"; absent in files written before judgements existed. */
  judgements: Record<string, Judgement>;
  /** Keyed "scope|key". */
  idempotency: Record<string, IdempotencyRecord>;
}

export function emptyData(): DbData {
  return { version: DB_VERSION, reports: {}, tokens: [], plans: [], agencies: [], leadChanges: [], judgements: {}, idempotency: {} };
}
