import { z } from 'zod';
import { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from '../../shared/schema/report';
import { Agency } from '../../shared/schema/agency';
import { REPORT_STATUSES } from '../../shared/lifecycle';

/**
 * What the server keeps. One `Store` holds reports with their full history, the tokens,
 * the plans and agencies an admin added, and idempotency records. lowdb is the embedded
 * default; a PostgreSQL store for a whole country must pass the same contract tests
 * (test/server/store-contract.ts).
 */
export const ReportStatus = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof ReportStatus>;

const Finding = z.looseObject({});

/** One saved version of a report. Revisions start at 1 and grow by one per write. */
export const ReportRevision = z
  .object({
    planId: z.string(),
    planRevision: z.number().int(),
    agencyId: z.string(),
    period: z.string(),
    revision: z.number().int().min(1),
    status: ReportStatus,
    entries: z.array(EntryInput),
    documents: z.array(DocumentEntryInput),
    projects: z.array(ProjectEntryInput),
    /** Task entries, for plans written as tasks; absent on revisions written before tasks existed. */
    tasks: z.array(TaskEntryInput).optional(),
    /** The validation report at the time of the write (findings in vi/en). */
    validation: z.object({ valid: z.boolean(), stats: z.record(z.string(), z.number()), findings: z.array(Finding) }).loose(),
    late: z.boolean().default(false),
    comment: z.string().nullable().default(null).describe('The consolidator\'s comment when returned'),
    savedAt: z.string(),
    savedBy: z.string().describe('Token id of the writer'),
    action: z.enum(['put', 'submit', 'approve', 'return', 'upload']),
  })
  .strict();
export type ReportRevision = z.infer<typeof ReportRevision>;

export interface ReportKey {
  planId: string;
  period: string;
  agencyId: string;
}

export const TokenRecord = z
  .object({
    id: z.string().describe('Public id, shown in audit logs; never the secret'),
    hash: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the secret, hex'),
    role: z.enum(['agency', 'consolidator', 'admin']),
    agencyId: z.string().nullable(),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .strict();
export type TokenRecord = z.infer<typeof TokenRecord>;

export const LeadChange = z
  .object({
    planId: z.string(),
    indicator: z.string(),
    agencyId: z.string(),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    by: z.string(),
    at: z.string(),
  })
  .strict();
export type LeadChange = z.infer<typeof LeadChange>;

/**
 * An admin retiring a plan (`revision: null`: the plan as a whole) or one revision of it, or
 * restoring it (`retired: false`); the latest record per plan and revision counts. A retired
 * plan takes no new reports; its reports, history and consolidation stay readable.
 */
export const PlanRetirement = z
  .object({
    planId: z.string().min(1),
    revision: z.number().int().min(1).nullable(),
    retired: z.boolean(),
    reason: z.string(),
    by: z.string(),
    at: z.string(),
  })
  .strict();
export type PlanRetirement = z.infer<typeof PlanRetirement>;

/**
 * The consolidator's judgement of an indicator whose target is judged by hand (the engine
 * cannot read it), for one plan and period; the latest per plan, period and indicator counts.
 */
export const Judgement = z
  .object({
    planId: z.string(),
    period: z.string(),
    indicator: z.string(),
    verdict: z.enum(['met', 'withinTolerance', 'notMet']),
    reason: z.string(),
    by: z.string().describe('Token id of the consolidator'),
    at: z.string(),
  })
  .strict();
export type Judgement = z.infer<typeof Judgement>;

/** A change to write: the store assigns the revision and the time. */
export type ReportWrite = Omit<ReportRevision, 'revision' | 'savedAt'>;

export interface IdempotencyRecord {
  /** Token id + Idempotency-Key: keys of different callers never collide. */
  scope: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another body is a 422. */
  requestHash: string;
  status: number;
  body: unknown;
  etag: string | null;
  at: string;
}

export type PutOutcome =
  | { ok: true; report: ReportRevision }
  | { ok: false; reason: 'conflict'; current: ReportRevision | null };

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  planId?: string;
  period?: string;
  agencyId?: string;
  revision?: number;
  /** Per changed field: from → to. */
  changes?: Array<{ path: string; from: unknown; to: unknown }>;
  detail?: unknown;
}

export interface Store {
  /** The latest revision, or null. */
  getReport(key: ReportKey): Promise<ReportRevision | null>;
  /** Every revision, oldest first. */
  history(key: ReportKey): Promise<ReportRevision[]>;
  /** Latest revisions of a plan (and period, agency when given). */
  listReports(filter: { planId: string; period?: string; agencyId?: string }): Promise<ReportRevision[]>;
  /**
   * Writes the next revision if the latest is `expectedRevision` (0: none yet), together
   * with its audit entry and, when given, the idempotency record, atomically. Resolves
   * only once the write is durable on disk.
   */
  putReport(key: ReportKey, expectedRevision: number, write: ReportWrite, extra: { audit: AuditEntry; idempotency?: IdempotencyRecord }): Promise<PutOutcome>;
  findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;

  listTokens(): Promise<TokenRecord[]>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  addToken(token: TokenRecord, audit: AuditEntry): Promise<void>;
  revokeToken(id: string, at: string, audit: AuditEntry): Promise<boolean>;

  /** Plan files added by an admin (the shipped catalog is not stored). */
  listPlanFiles(): Promise<unknown[]>;
  addPlanFile(plan: unknown, audit: AuditEntry): Promise<void>;
  /** Retirements and restorations of plans, oldest first. */
  listPlanRetirements(): Promise<PlanRetirement[]>;
  addPlanRetirement(retirement: PlanRetirement, audit: AuditEntry): Promise<void>;
  /** Agencies added by an admin (communes, successors); they extend the shipped register. */
  listAgencies(): Promise<Agency[]>;
  upsertAgencies(agencies: Agency[], audit: AuditEntry): Promise<void>;
  listLeadChanges(): Promise<LeadChange[]>;
  addLeadChange(change: LeadChange, audit: AuditEntry): Promise<void>;
  /** Judgements of a plan (and period when given). */
  listJudgements(filter: { planId: string; period?: string }): Promise<Judgement[]>;
  /** Stores a judgement, replacing the one of the same plan, period and indicator. */
  putJudgement(judgement: Judgement, audit: AuditEntry): Promise<void>;

  /** Appends to the audit log only (e.g. a failed sign-in burst); committed like a write. */
  audit(entry: AuditEntry): Promise<void>;
  /** Whether the store can still write (GET /api/health answers 503 when it cannot). */
  health(): StoreHealth;
  /**
   * Runs `read` on one consistent snapshot (PostgreSQL: one REPEATABLE READ, READ ONLY
   * transaction), so that a table assembled from several reads never mixes before and after
   * a write. Stores whose reads cannot interleave with another process's writes need not
   * implement it: `readConsistent(store, read)` then reads from the store itself.
   */
  readConsistent?<T>(read: (view: StoreReads) => Promise<T>): Promise<T>;
  /**
   * Changes committed by OTHER processes sharing the store (PostgreSQL), so that what this
   * process cached from them is dropped; returns the unsubscribe. The embedded store has one
   * writer and does not implement it.
   */
  onChange?(listener: (change: StoreChange) => void): () => void;
  /**
   * Enumerations only moving a store needs (`npm run admin -- migrate`, migrate-to-pg.ts):
   * the other reads find records by key. The embedded and memory stores offer it.
   */
  inventory?(): StoreInventory;
  close(): Promise<void>;
}

/** What a store holds that its keyed reads cannot list. */
export interface StoreInventory {
  /** Every report's key (in no particular order); `history` reads each. */
  reportKeys(): Promise<ReportKey[]>;
  /** Every judgement, of every plan. */
  allJudgements(): Promise<Judgement[]>;
  /** The idempotency records still valid (not expired). */
  validIdempotency(): Promise<IdempotencyRecord[]>;
}

/** The reads of a store, as a consistent snapshot offers them. */
export type StoreReads = Pick<
  Store,
  'getReport' | 'history' | 'listReports' | 'findIdempotency' | 'listTokens' | 'findTokenByHash' | 'listPlanFiles' | 'listAgencies' | 'listLeadChanges' | 'listJudgements'
>;

/** `read` on one snapshot of the store where it offers one, else on the store itself. */
export function readConsistent<T>(store: Store, read: (view: StoreReads) => Promise<T>): Promise<T> {
  return store.readConsistent ? store.readConsistent(read) : read(store);
}

/** What another process changed: a report (with its period), a judgement, the catalog (plans, agencies, lead changes), tokens; `all` when changes may have been missed. */
export type StoreChange =
  | { kind: 'report'; planId: string; period: string; agencyId: string; revision: number }
  | { kind: 'judgement'; planId: string; period: string }
  | { kind: 'catalog' }
  | { kind: 'tokens' }
  | { kind: 'all' };

export interface StoreHealth {
  /** Open and not failed: writes are accepted. */
  ok: boolean;
  closed: boolean;
  /** Why the store stopped for good (a read-only or vanished data folder, an I/O error), or null. */
  failed: string | null;
  /** The last failed write (e.g. a full disk), cleared by the next write that succeeds. */
  lastWriteError: { at: string; message: string } | null;
}

/** One damaged record found on start: what it is, where, and what is wrong. */
export interface Damage {
  kind: 'report' | 'token' | 'plan' | 'agency' | 'lead-change' | 'plan-retirement' | 'judgement' | 'idempotency' | 'audit';
  key: string;
  revision?: number;
  problem: 'checksum mismatch' | 'no checksum' | 'record missing';
}

export function describeDamage(d: Damage): string {
  return `${d.kind} ${d.key}${d.revision !== undefined ? ` revision ${d.revision}` : ''}: ${d.problem}`;
}

/** Raised on start when the data file cannot be read or fails its checksums; the file is never overwritten. */
export class StoreCorruptError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
    /** The damaged records, when the file parsed but its checksums did not match. */
    readonly damage: Damage[] = [],
  ) {
    super(
      `The data file ${file} is damaged and was not opened (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'It has not been changed. Restore the newest good copy from the backups folder beside it, or move it away to start empty.',
    );
    this.name = 'StoreCorruptError';
  }
}

/** Raised by writes once the store has failed for good; the server exits on it (server/main.ts). */
export class StoreFailedError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The store can no longer write (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'StoreFailedError';
  }
}
