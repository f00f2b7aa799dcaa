import type { Agency } from '../../shared/schema/agency';
import type { IdempotencyRecord, Judgement, LeadChange, PlanRetirement, ReportRevision, TokenRecord } from './types';

/** The documents the embedded store keeps (in memory, and in the data file with its audit state and checksums). */

export const DB_VERSION = 1;

export interface DbData {
  version: 1;
  /** Keyed "planId|period|agencyId"; every revision, oldest first. */
  reports: Record<string, ReportRevision[]>;
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
