import type { Agency } from '../../shared/schema/agency';
import type { DbData } from './db-data';
import type { IdempotencyRecord, Judgement, LeadChange, PlanRetirement, ReportRevision, TokenRecord } from './types';

/**
 * The mutations of the embedded store, as data: what a journal line holds (journal.ts) and
 * what start-up replays on top of the snapshot. The live store applies a mutation with the
 * same `applyOp` it replays with, so the two cannot drift apart.
 *
 * Records are never changed in place: a mutation adds or replaces whole objects. A shallow
 * copy of the containers (`shallowCopy`) is therefore a consistent picture of the data,
 * which compaction serialises while writes go on.
 */
export type JournalOp =
  /** The next revision of report `key` ("planId|period|agencyId"), with its idempotency record. */
  | { op: 'report'; key: string; revision: ReportRevision; idempotency?: { key: string; record: IdempotencyRecord } }
  /** A token added, or replaced by id (revoked). */
  | { op: 'token'; token: TokenRecord }
  | { op: 'plan'; plan: unknown }
  /** Agencies added, or replaced by id. */
  | { op: 'agencies'; agencies: Agency[] }
  | { op: 'lead'; change: LeadChange }
  | { op: 'retire'; retirement: PlanRetirement }
  /** Keyed "planId|period|indicator"; replaces the judgement of that key. */
  | { op: 'judgement'; key: string; judgement: Judgement };

/** Reverts one applied op on `data`: the live data, or a shallow copy of it taken later. */
export type Undo = (data: DbData) => void;

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function removeLast<T>(list: T[], item: T): void {
  const i = list.lastIndexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** The revision becomes the report's latest (the older ones are the revision index's business). */
function applyReport(data: DbData, op: Extract<JournalOp, { op: 'report' }>): Undo {
  const { key, revision, idempotency } = op;
  const before = own(data.reports, key);
  data.reports[key] = revision;
  const previous = idempotency ? own(data.idempotency, idempotency.key) : undefined;
  if (idempotency) data.idempotency[idempotency.key] = idempotency.record;
  return (d) => {
    if (own(d.reports, key) === revision) {
      if (before) d.reports[key] = before;
      else delete d.reports[key];
    }
    if (!idempotency) return;
    if (previous) d.idempotency[idempotency.key] = previous;
    else delete d.idempotency[idempotency.key];
  };
}

function applyToken(data: DbData, token: TokenRecord): Undo {
  const i = data.tokens.findIndex((t) => t.id === token.id);
  const previous = data.tokens[i];
  if (previous) data.tokens[i] = token;
  else data.tokens.push(token);
  return (d) => {
    if (!previous) {
      removeLast(d.tokens, token);
      return;
    }
    const j = d.tokens.indexOf(token);
    if (j >= 0) d.tokens[j] = previous;
  };
}

function applyAgencies(data: DbData, agencies: Agency[]): Undo {
  const previous = data.agencies;
  const next = [...previous];
  for (const agency of agencies) {
    const i = next.findIndex((a) => a.id === agency.id);
    if (i >= 0) next[i] = agency;
    else next.push(agency);
  }
  data.agencies = next;
  return (d) => {
    if (d.agencies === next) d.agencies = previous;
  };
}

/** Applies `op` to `data` and returns how to revert it. */
export function applyOp(data: DbData, op: JournalOp): Undo {
  switch (op.op) {
    case 'report':
      return applyReport(data, op);
    case 'token':
      return applyToken(data, op.token);
    case 'plan': {
      const { plan } = op;
      data.plans.push(plan);
      return (d) => removeLast(d.plans, plan);
    }
    case 'agencies':
      return applyAgencies(data, op.agencies);
    case 'lead': {
      const { change } = op;
      data.leadChanges.push(change);
      return (d) => removeLast(d.leadChanges, change);
    }
    case 'retire': {
      const { retirement } = op;
      (data.planRetirements ??= []).push(retirement);
      return (d) => removeLast(d.planRetirements ?? [], retirement);
    }
    case 'judgement': {
      const { key, judgement } = op;
      const previous = own(data.judgements, key);
      data.judgements[key] = judgement;
      return (d) => {
        if (d.judgements[key] !== judgement) return;
        if (previous) d.judgements[key] = previous;
        else delete d.judgements[key];
      };
    }
  }
}

/**
 * A copy of every container (the map of latest revisions, the lists and maps of records),
 * sharing the records themselves: cheap, and unaffected by later mutations of the live data.
 */
export function shallowCopy(data: DbData): DbData {
  return {
    version: data.version,
    reports: { ...data.reports },
    tokens: data.tokens.slice(),
    plans: data.plans.slice(),
    // Replaced as a whole by every change, never changed in place (see applyAgencies).
    agencies: data.agencies,
    leadChanges: data.leadChanges.slice(),
    ...(data.planRetirements ? { planRetirements: data.planRetirements.slice() } : {}),
    judgements: { ...data.judgements },
    idempotency: { ...data.idempotency },
  };
}
