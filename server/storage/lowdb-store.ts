import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Agency } from '../../shared/schema/agency';
import { AuditAppender, auditBody, reconcileAuditLog, seqOf, sequencedLine, type CommittedAudit } from './audit-log';
import type { BackupFs } from './backups';
import { emptyData, type DbData } from './db-data';
import { TEMP_SUFFIX } from './durable-file';
import type { WriteFile } from './durable-json-file';
import { jsonText } from './json-text';
import type { CompactionLimits, CompactionState, JournalFiles } from './journal-files';
import { applyOp, shallowCopy, type JournalOp, type Undo } from './journal-ops';
import { openFiles } from './open-files';
import { DiskArchive, MemoryArchive, type RevisionArchive } from './revision-archive';
import type { RevisionIndex } from './revision-index';
import {
  Judgement,
  LeadChange,
  PlanRetirement,
  ReportRevision,
  StoreFailedError,
  TokenRecord,
  type AuditEntry,
  type StoreHealth,
  type IdempotencyRecord,
  type PutOutcome,
  type ReportKey,
  type ReportWrite,
  type Store,
  type StoreInventory,
} from './types';

/**
 * The embedded store: the current state in memory (each report's latest revision, tokens,
 * plans, agencies, judgements, idempotency records), every committed mutation appended to a
 * journal (journal.ts), and a snapshot of the state (`db.json`, lowdb's document `Low`
 * written through our adapter, durable-json-file.ts) rewritten only by compaction, in the
 * background, once the journal has grown past a threshold (journal-files.ts). Older
 * revisions are not in memory: compaction appends them to `db.json.revisions`, and the
 * history reads them back through an index of fixed-size entries (revision-index.ts,
 * revision-archive.ts). A write therefore costs one append of its own bytes and one fsync
 * per group, and memory a few bytes per old revision, whatever the history. Start-up reads
 * the snapshot, checks its checksums (integrity.ts) and replays the journal after it,
 * checking each line's checksum and number (open-files.ts).
 *
 * Group commit: a mutation changes the in-memory data at once (so reads see it and the
 * compare-and-set of `putReport` is decided synchronously), then waits for a flush. While a
 * flush runs, new mutations collect in the next batch, which ONE later flush appends as one
 * journal group. A promise resolves only after the group holding its change is fsync'd; when
 * a flush fails, its changes and those of the batch collected meanwhile (which may build on
 * them) are rolled back in memory and every waiting promise rejects.
 *
 * Audit: each flush numbers its audit records (`seq`) and writes them INSIDE its journal
 * group; once the group is durable they are appended to `audit.log`. A record therefore
 * exists only for a committed write, and a crash in between is mended at the next start
 * (see audit-log.ts). The snapshot keeps the last committed seq with the data.
 *
 * `groupCommit: false` (benchmarks only: the "one append per request" baseline) gives
 * every mutation its own flush, one after the other.
 */

export { DB_VERSION, emptyData, type DbData } from './db-data';

/** Idempotency records older than this (default 24 hours; IDEMPOTENCY_TTL_HOURS) are not replayed and are pruned. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Pruning walks every idempotency record: at most once a minute. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Write errors that will not heal by retrying (the folder is read-only or gone, the disk
 * fails): the store stops for good and `onFatal` is called. A full disk is not among them.
 */
const FATAL_WRITE_CODES = new Set(['EROFS', 'EIO', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EBADF', 'ENXIO', 'ENODEV']);

export function isFatalWriteError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && FATAL_WRITE_CODES.has(code);
}

/** "planId|period|agencyId". A part holding "|" would make keys ambiguous, so it is refused. */
export function reportKeyOf(key: ReportKey): string {
  for (const part of [key.planId, key.period, key.agencyId]) {
    if (typeof part !== 'string' || part.length === 0 || part.includes('|')) {
      throw new TypeError(`Invalid report key part ${JSON.stringify(part)}: must be a non-empty string without "|"`);
    }
  }
  return `${key.planId}|${key.period}|${key.agencyId}`;
}

/** "planId|period|indicator", with the same rules as a report key. */
function judgementKeyOf(j: Judgement): string {
  return reportKeyOf({ planId: j.planId, period: j.period, agencyId: j.indicator });
}

function idempotencyKeyOf(scope: string, key: string): string {
  return `${scope}|${key}`;
}

function jsonCopy<T>(value: T, what: string): T {
  const text = jsonText(value);
  if (text === undefined) throw new TypeError(`${what} cannot be stored as JSON`);
  return JSON.parse(text) as T;
}

/** How a store makes a batch durable. */
export interface Sink {
  /**
   * Makes the batch's mutations and audit records durable (one journal group). Called when
   * a flush starts, it serialises the group before its first await.
   */
  commit(group: { ops: JournalOp[]; audit: string[] }, committed: CommittedAudit): Promise<unknown>;
  /** Appends lines to the audit log durably (after the data they record is committed). */
  appendAudit(lines: string[]): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Batch {
  waiters: Waiter[];
  /** Audit records as JSON object text, numbered when the batch is flushed. */
  auditBodies: string[];
  /** The mutations, in order: what the journal group holds. */
  ops: JournalOp[];
  /** In order of the mutations; run in reverse to roll back. */
  undo: Undo[];
  /** The revision archive's rollbacks (live data only, never a captured copy), in order. */
  unarchive: Array<() => void>;
}

function newBatch(): Batch {
  return { waiters: [], auditBodies: [], ops: [], undo: [], unarchive: [] };
}

export interface GroupCommitOptions {
  now: () => Date;
  groupCommit?: boolean;
  idempotencyTtlMs?: number;
  /** The audit state of the file opened: numbering continues from it. */
  audit?: CommittedAudit;
  warn?: (message: string) => void;
  /** Called once when the store fails for good (see FATAL_WRITE_CODES). */
  onFatal?: (err: unknown) => void;
  /** Start-up repairs to show in `health()`. */
  repairs?: string[];
}

/** What a snapshot holds: the committed data (no mutation still waiting for its flush) and audit state. */
export interface CommittedState {
  data: DbData;
  audit: CommittedAudit;
}

class GroupCommitStore implements Store {
  private batch = newBatch();
  /** Without group commit: batches of one mutation each, waiting for their own flush, oldest first. */
  private queued: Batch[] = [];
  private running: Promise<void> | null = null;
  private flushes = 0;
  private closed = false;
  private failed: unknown = null;
  private lastWriteError: { at: string; message: string } | null = null;
  /** The last committed audit seq, and committed lines not yet confirmed in the log. */
  private auditSeq: number;
  private unappended: string[];
  private lastPrune = -Infinity;
  private readonly now: () => Date;
  private readonly groupCommit: boolean;
  private readonly idempotencyTtlMs: number;
  protected readonly warn: (message: string) => void;
  /** Start-up repairs of the store's own files (a torn journal tail cut off): shown in `health()`. */
  private readonly repairs: string[];

  constructor(
    private readonly data: DbData,
    private readonly archive: RevisionArchive,
    private readonly sink: Sink,
    private readonly options: GroupCommitOptions,
  ) {
    this.now = options.now;
    this.groupCommit = options.groupCommit ?? true;
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.auditSeq = options.audit?.seq ?? 0;
    this.unappended = [...(options.audit?.pending ?? [])];
    this.repairs = options.repairs ?? [];
  }

  health(): StoreHealth & { repairs?: string[] } {
    return {
      ok: !this.closed && this.failed === null,
      closed: this.closed,
      failed: this.failed === null ? null : errorText(this.failed),
      lastWriteError: this.lastWriteError,
      ...(this.repairs.length > 0 ? { repairs: [...this.repairs] } : {}),
    };
  }

  /**
   * The committed state, now: a shallow copy of the data (records are shared, never changed
   * in place) with the mutations still waiting for a flush undone on the copy. Call it only
   * between flushes (`afterCommit`, or once `idle()` resolved): a flush under way is neither
   * committed nor waiting.
   */
  protected captureCommitted(): CommittedState {
    const copy = shallowCopy(this.data);
    for (const undo of [...this.queued, this.batch].flatMap((b) => b.undo).reverse()) undo(copy);
    return { data: copy, audit: { seq: this.auditSeq, pending: [...this.unappended] } };
  }

  /** Resolves once no flush is running or waiting to run. */
  protected async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Whether a flush is running or scheduled. */
  protected busy(): boolean {
    return this.running !== null;
  }

  /** Called after every committed flush, between flushes (the journal store compacts from here). */
  protected afterCommit(): void {
    // nothing to do without files
  }

  /** Appends committed lines the log lacks (after a crash or a failed append); a failure is only a warning. */
  async appendUnappended(): Promise<void> {
    if (this.unappended.length === 0) return;
    try {
      await this.sink.appendAudit(this.unappended);
      this.unappended = [];
    } catch (err) {
      this.warn(`WARNING: ${this.unappended.length} committed audit record(s) could not be appended to the audit log yet (${errorText(err)}); they are kept in the data file and retried on the next write`);
    }
  }

  /** Flushes started so far (each one an audit append and/or one write of the data file). */
  flushCount(): number {
    return this.flushes;
  }

  // ---- reads -------------------------------------------------------------------------

  private latest(k: string): ReportRevision | null {
    return Object.hasOwn(this.data.reports, k) ? (this.data.reports[k] ?? null) : null;
  }

  async getReport(key: ReportKey): Promise<ReportRevision | null> {
    const latest = this.latest(reportKeyOf(key));
    return latest ? structuredClone(latest) : null;
  }

  /** The latest revision from memory, the older ones from the archive (the embedded store: from disk). */
  async history(key: ReportKey): Promise<ReportRevision[]> {
    const k = reportKeyOf(key);
    const latest = this.latest(k);
    if (!latest) return [];
    const copy = structuredClone(latest);
    return [...(await this.archive.read(k, latest.revision - 1)), copy];
  }

  async listReports(filter: { planId: string; period?: string; agencyId?: string }): Promise<ReportRevision[]> {
    const out: ReportRevision[] = [];
    for (const latest of Object.values(this.data.reports)) {
      if (latest.planId !== filter.planId) continue;
      if (filter.period !== undefined && latest.period !== filter.period) continue;
      if (filter.agencyId !== undefined && latest.agencyId !== filter.agencyId) continue;
      out.push(structuredClone(latest));
    }
    return out.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : 0));
  }

  async findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const k = idempotencyKeyOf(scope, key);
    const rec = Object.hasOwn(this.data.idempotency, k) ? this.data.idempotency[k] : undefined;
    // "a|b" + "c" and "a" + "b|c" share a map key: only the exact pair counts.
    if (rec?.scope !== scope || rec.key !== key) return null;
    // An expired record is not replayed, even before it is pruned.
    return this.expired(rec) ? null : structuredClone(rec);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return structuredClone(this.data.tokens);
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    const token = this.data.tokens.find((t) => t.hash === hash);
    return token ? structuredClone(token) : null;
  }

  async listPlanFiles(): Promise<unknown[]> {
    return structuredClone(this.data.plans);
  }

  async listAgencies(): Promise<Agency[]> {
    return structuredClone(this.data.agencies);
  }

  async listLeadChanges(): Promise<LeadChange[]> {
    return structuredClone(this.data.leadChanges);
  }

  inventory(): StoreInventory {
    return {
      reportKeys: async () => Object.values(this.data.reports).map((r) => ({ planId: r.planId, period: r.period, agencyId: r.agencyId })),
      allJudgements: async () => structuredClone(Object.values(this.data.judgements)),
      validIdempotency: async () => structuredClone(Object.values(this.data.idempotency).filter((rec) => !this.expired(rec))),
    };
  }

  // ---- writes: everything up to `enqueue` is synchronous -------------------------------

  async putReport(
    key: ReportKey,
    expectedRevision: number,
    write: ReportWrite,
    extra: { audit: AuditEntry; idempotency?: IdempotencyRecord },
  ): Promise<PutOutcome> {
    this.assertOpen();
    const k = reportKeyOf(key);
    if (write.planId !== key.planId || write.period !== key.period || write.agencyId !== key.agencyId) {
      throw new TypeError(`putReport: the write is for ${write.planId}|${write.period}|${write.agencyId}, not ${k}`);
    }
    // Validates and copies the write (the caller may change its object afterwards).
    const revision = ReportRevision.parse({ ...write, revision: 1, savedAt: '' });
    const idem = extra.idempotency ? jsonCopy(extra.idempotency, 'The idempotency record') : undefined;

    const latest = this.latest(k);
    const latestRevision = latest?.revision ?? 0;
    if (latestRevision !== expectedRevision) {
      return { ok: false, reason: 'conflict', current: latest ? structuredClone(latest) : null };
    }
    revision.revision = latestRevision + 1;
    revision.savedAt = this.now().toISOString();
    const auditLine = auditBody({
      ...extra.audit,
      planId: key.planId,
      period: key.period,
      agencyId: key.agencyId,
      revision: revision.revision,
    });

    const idempotency = idem ? { key: idempotencyKeyOf(idem.scope, idem.key), record: idem } : undefined;
    await this.mutate({ op: 'report', key: k, revision, ...(idempotency ? { idempotency } : {}) }, auditLine);
    return { ok: true, report: structuredClone(revision) };
  }

  async addToken(token: TokenRecord, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = TokenRecord.parse(token);
    if (this.data.tokens.some((t) => t.id === record.id)) throw new Error(`A token with id ${record.id} exists already`);
    if (this.data.tokens.some((t) => t.hash === record.hash)) throw new Error('A token with this hash exists already');
    await this.mutate({ op: 'token', token: record }, auditBody(audit));
  }

  async revokeToken(id: string, at: string, audit: AuditEntry): Promise<boolean> {
    this.assertOpen();
    if (typeof at !== 'string') throw new TypeError('revokeToken: at must be a string');
    const i = this.data.tokens.findIndex((t) => t.id === id);
    const token = this.data.tokens[i];
    if (token?.revokedAt !== null) return false;
    // Records are replaced, never changed in place (their checksums are cached per object).
    await this.mutate({ op: 'token', token: { ...token, revokedAt: at } }, auditBody(audit));
    return true;
  }

  async addPlanFile(plan: unknown, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const copy = jsonCopy(plan, 'The plan file');
    await this.mutate({ op: 'plan', plan: copy }, auditBody(audit));
  }

  async listPlanRetirements(): Promise<PlanRetirement[]> {
    return structuredClone(this.data.planRetirements ?? []);
  }

  async addPlanRetirement(retirement: PlanRetirement, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    await this.mutate({ op: 'retire', retirement: PlanRetirement.parse(retirement) }, auditBody(audit));
  }

  async upsertAgencies(agencies: Agency[], audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const parsed = agencies.map((a) => Agency.parse(a));
    await this.mutate({ op: 'agencies', agencies: parsed }, auditBody(audit));
  }

  async addLeadChange(change: LeadChange, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = LeadChange.parse(change);
    await this.mutate({ op: 'lead', change: record }, auditBody(audit));
  }

  async listJudgements(filter: { planId: string; period?: string }): Promise<Judgement[]> {
    const found = Object.values(this.data.judgements).filter((j) => j.planId === filter.planId && (filter.period === undefined || j.period === filter.period));
    return structuredClone(found.sort((a, b) => (a.period === b.period ? a.indicator.localeCompare(b.indicator) : a.period.localeCompare(b.period))));
  }

  async putJudgement(judgement: Judgement, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = Judgement.parse(judgement);
    const k = judgementKeyOf(record);
    await this.mutate({ op: 'judgement', key: k, judgement: record }, auditBody(audit));
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    await this.enqueue(auditBody(entry), null);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  // ---- group commit ------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('The store is closed');
    if (this.failed !== null) throw new StoreFailedError(this.failed);
  }

  private expired(rec: IdempotencyRecord): boolean {
    const at = Date.parse(rec.at);
    return !Number.isFinite(at) || at < this.now().getTime() - this.idempotencyTtlMs;
  }

  /** Applies `op` to the data now (reads and the compare-and-set see it), then waits for its flush. */
  private mutate(op: JournalOp, auditBodyText: string): Promise<void> {
    const undo = applyOp(this.data, op);
    const unarchive = op.op === 'report' ? this.archive.push(op.key, op.revision) : undefined;
    return this.enqueue(auditBodyText, op, undo, unarchive);
  }

  private enqueue(auditBodyText: string, op: JournalOp | null, undo?: Undo, unarchive?: () => void): Promise<void> {
    if (!this.groupCommit && this.batch.waiters.length > 0) {
      // One mutation per flush: close the batch collecting and start another.
      this.queued.push(this.batch);
      this.batch = newBatch();
    }
    const batch = this.batch;
    batch.auditBodies.push(auditBodyText);
    if (op) batch.ops.push(op);
    if (undo) batch.undo.push(undo);
    if (unarchive) batch.unarchive.push(unarchive);
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.running) return;
    // setImmediate rather than a microtask: requests parsed in the same event-loop turn join
    // the first batch too.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.loop())
      .finally(() => {
        this.running = null;
        if (this.pending()) this.schedule();
      });
  }

  private pending(): boolean {
    return this.queued.length > 0 || this.batch.waiters.length > 0;
  }

  /** The next batch to flush: the oldest queued one (without group commit), else the one collecting. */
  private takeBatch(): Batch {
    const queued = this.queued.shift();
    if (queued) return queued;
    const batch = this.batch;
    this.batch = newBatch();
    return batch;
  }

  private async loop(): Promise<void> {
    while (this.pending()) {
      const batch = this.takeBatch();
      this.flushes += 1;
      if (this.failed !== null) {
        for (const w of batch.waiters) w.reject(new StoreFailedError(this.failed));
        continue;
      }
      const lines = batch.auditBodies.map((body, i) => sequencedLine(this.auditSeq + i + 1, body));
      const committed: CommittedAudit = { seq: this.auditSeq + lines.length, pending: [...this.unappended, ...lines] };
      try {
        this.pruneIdempotency();
        // Taken before the first await: mutations made while this flush runs belong to
        // the next batch and are not in this snapshot.
        await this.sink.commit({ ops: batch.ops, audit: lines }, committed);
      } catch (err) {
        await this.failBatch(batch, err);
        continue;
      }
      // Durable now (a broken invariant here is fatal, not a failed write).
      this.archive.committed(batch.ops);
      this.auditSeq = committed.seq;
      this.unappended = committed.pending;
      this.lastWriteError = null;
      // The records are durable in the data file already; the log is their readable copy.
      await this.appendUnappended();
      for (const w of batch.waiters) w.resolve();
      this.afterCommit();
    }
  }

  /**
   * Rolls back a failed batch and the batches collected meanwhile (they may build on it: a
   * revision on top of one that is not on disk), newest change first, and rejects them all.
   */
  private async failBatch(batch: Batch, err: unknown): Promise<void> {
    const later = [...this.queued, this.batch];
    this.queued = [];
    this.batch = newBatch();
    for (const undo of [batch, ...later].flatMap((b) => b.undo).reverse()) {
      try {
        undo(this.data);
      } catch {
        // keep rolling back the others
      }
    }
    for (const unarchive of [batch, ...later].flatMap((b) => b.unarchive).reverse()) unarchive();
    const waiters = [batch, ...later].flatMap((b) => b.waiters);
    for (const w of waiters) w.reject(err);
    this.lastWriteError = { at: this.now().toISOString(), message: errorText(err) };
    const fatal = isFatalWriteError(err);
    if (fatal) this.failed = err;
    // A note, not a record of a write: it has no seq.
    const note: AuditEntry = {
      at: this.now().toISOString(),
      actor: 'store',
      action: fatal ? 'store.failed' : 'store.write-failed',
      detail: { error: errorText(err), rejected: waiters.length },
    };
    if (fatal) {
      this.warn(`FATAL: the store can no longer write (${errorText(err)}); writes are refused from now on`);
      this.options.onFatal?.(err);
    }
    await this.sink.appendAudit([auditBody(note)]).catch(() => {});
  }

  private pruneIdempotency(): void {
    const now = this.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    for (const [k, rec] of Object.entries(this.data.idempotency)) {
      if (this.expired(rec)) delete this.data.idempotency[k];
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Removes `<file>.tmp-<pid>-<n>` left by a run that crashed mid-write. */
async function removeStaleTemps(dataDir: string, fileName: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (entry.startsWith(`${fileName}.tmp-`) && TEMP_SUFFIX.test(entry)) {
      await unlink(path.join(dataDir, entry)).catch(() => {});
    }
  }
}

// ---- public API --------------------------------------------------------------------------

export interface LowdbStoreOptions {
  dataDir: string;
  fileName?: string;
  /** How many backups (snapshot + journal) to keep in `dataDir/backups` (one made per start and per `backupNow`). */
  backups?: number;
  now?: () => Date;
  /** Replaces `writeFileDurably` for the snapshot (tests inject failures with it). */
  writeFile?: WriteFile;
  /** Called before each journal append with the segment and the group (tests inject failures and delays with it). */
  beforeAppend?: (file: string, group: string) => Promise<void>;
  /** Replaces the file operations of the backups (tests simulate a full disk with it). */
  backupFs?: BackupFs;
  /** Idempotency records older than this are not replayed and are pruned (default 24 hours). */
  idempotencyTtlMs?: number;
  /** When the journal is compacted into a snapshot (default: 8 MiB and as large as the snapshot, or 20,000 groups). */
  compaction?: Partial<CompactionLimits>;
  /** Start-up repairs and warnings (default console.warn). */
  log?: (message: string) => void;
  /** Called once if the store fails for good (the server exits non-zero on it). */
  onFatal?: (err: unknown) => void;
  /**
   * Group commit (default true): mutations arriving while a flush runs share the next one.
   * false gives every mutation its own journal append and fsync: only for the benchmark's
   * baseline (bench/server.bench.ts).
   */
  groupCommit?: boolean;
}

export type LowdbStore = Omit<Store, 'health'> & {
  readonly file: string;
  readonly auditFile: string;
  health(): StoreHealth & { repairs?: string[] };
  flushCount(): number;
  /** Compactions of the journal into the snapshot finished so far. */
  compactionCount(): number;
  /** Writes the snapshot now (waiting for flushes under way) and drops the journal it covers. */
  compactNow(): Promise<void>;
  /** Copies snapshot and journal into a folder of `backups/` now (rotated to the `backups` count); its path. */
  backupNow(): Promise<string | null>;
};

class LowdbBackedStore extends GroupCommitStore {
  constructor(
    readonly file: string,
    readonly auditFile: string,
    data: DbData,
    private readonly index: RevisionIndex,
    sink: Sink,
    options: GroupCommitOptions,
    private readonly files: JournalFiles,
  ) {
    const disk = new DiskArchive(index, files.revisionsFile);
    super(data, disk, sink, options);
    this.disk = disk;
  }

  private readonly disk: DiskArchive;

  /** The committed data, audit state and revision index (between flushes only). */
  private captureState(): CompactionState {
    return { ...this.captureCommitted(), index: this.index.capture() };
  }

  protected override afterCommit(): void {
    if (this.files.due()) void this.files.startCompaction(this.captureState());
  }

  compactionCount(): number {
    return this.files.compactionCount();
  }

  compactNow(): Promise<void> {
    return this.compact(true);
  }

  /** `counted` false: the sealing compaction at start, not counted in `compactionCount`. */
  async compact(counted: boolean): Promise<void> {
    for (;;) {
      await this.idle();
      await this.files.settle();
      // A flush may have started while a compaction or backup was awaited: the capture
      // must fall between two flushes, so wait again.
      if (this.busy()) continue;
      const started = this.files.startCompaction(this.captureState(), counted);
      if (started) return started;
    }
  }

  /** Bytes of the revision index's entries, the revisions they place, and the recent revisions in memory (the memory test reads it). */
  indexBytes(): { bytes: number; revisions: number; inMemory: number } {
    return this.index.entryBytes();
  }

  backupNow(): Promise<string | null> {
    return this.files.backupNow();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.files.settle();
    await this.disk.close();
  }
}

/** The default number of backups kept (BACKUP_KEEP). */
export const DEFAULT_BACKUPS_KEPT = 24;

/**
 * Opens (or creates) the store in `dataDir`: the snapshot `db.json` (lowdb's document through
 * our adapter), then the journal after it (journal.ts), replayed with its checksums. A snapshot
 * that is not JSON, not of the expected shape or fails its checksums, and a journal damaged
 * anywhere but at its very end, raise `StoreCorruptError` and are left untouched. A torn tail
 * (a crash mid-append: a group never acknowledged) is cut off, logged and shown in `health()`.
 * On every start of an existing store a backup is made first (a failure is a loud warning,
 * not a refusal); then the audit log is reconciled with the committed records.
 */
export async function openLowdbStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  const { dataDir, fileName = 'db.json', log = (m: string) => console.warn(m), now = () => new Date() } = options;
  if (fileName !== path.basename(fileName) || fileName === '' || fileName === '.' || fileName === '..') {
    throw new TypeError(`fileName must be a plain file name, got ${JSON.stringify(fileName)}`);
  }
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, fileName);
  await removeStaleTemps(dataDir, fileName);
  const opened = await openFiles(file, { ...options, fileName, log, now, backups: options.backups ?? DEFAULT_BACKUPS_KEPT });
  const { data, audit, files, repairs } = opened;
  for (const r of repairs) log(`WARNING: ${r}`);

  const auditFile = path.join(dataDir, 'audit.log');
  const repair = await reconcileAuditLog(auditFile, audit, now);
  for (const w of repair.warnings) log(`WARNING: ${w}`);
  const appender = new AuditAppender(auditFile, repair.length);
  const store = new LowdbBackedStore(
    file,
    auditFile,
    data,
    opened.index,
    { commit: (group) => files.commit(group.ops, group.audit), appendAudit: (lines) => appender.append(lines) },
    {
      now,
      groupCommit: options.groupCommit ?? true,
      idempotencyTtlMs: options.idempotencyTtlMs,
      audit: { seq: audit.seq, pending: repair.missing },
      warn: log,
      onFatal: options.onFatal,
      repairs,
    },
    files,
  );
  await store.appendUnappended();
  if (repair.missing.length > 0) {
    log(`WARNING: ${auditFile}: ${repair.missing.length} committed record(s) had not reached the log before the last stop (seq ${seqOf(repair.missing[0] ?? '')}…${seqOf(repair.missing.at(-1) ?? '')}); appended from the snapshot and the journal`);
  }
  if (opened.writeSnapshot) {
    // A new store, or a snapshot without checksums: a sealed snapshot now (the journal compacted into it).
    if (opened.unsealed) log(`${file} had no checksums (written by an older version); they were added now and are checked from the next start on`);
    await store.compact(false);
  }
  return store;
}

/** The same store without a disk: for tests and tools. Audit entries are dropped. */
export function openMemoryStore(options: { now?: () => Date; idempotencyTtlMs?: number } = {}): Promise<Store & { flushCount(): number }> {
  const sink: Sink = { commit: () => Promise.resolve(), appendAudit: () => Promise.resolve() };
  return Promise.resolve(new GroupCommitStore(emptyData(), new MemoryArchive(), sink, { now: options.now ?? (() => new Date()), idempotencyTtlMs: options.idempotencyTtlMs }));
}
