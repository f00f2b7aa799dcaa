import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { Agency } from '../../shared/schema/agency';
import { AuditAppender, auditBody, reconcileAuditLog, seqOf, sequencedLine, type CommittedAudit } from './audit-log';
import { nodeBackupFs, rotateBackups, type BackupFs } from './backups';
import { emptyData, type DbData } from './db-data';
import { TEMP_SUFFIX, writeFileDurably } from './durable-file';
import { DurableJsonFile, type DbFile, type WriteFile } from './durable-json-file';
import { jsonText } from './json-text';
import { ChecksumCache, sealData, verifyData, type Sums } from './integrity';
import {
  Judgement,
  LeadChange,
  ReportRevision,
  StoreCorruptError,
  StoreFailedError,
  TokenRecord,
  describeDamage,
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
 * The embedded store: one JSON file owned by this process, read once on start and kept in
 * memory as lowdb's document (`Low`), written whole (without indentation) on every flush by
 * `Low.write` through our adapter (durable-json-file.ts: `writeFileDurably`).
 *
 * Group commit: a mutation changes the in-memory data at once (so reads see it and the
 * compare-and-set of `putReport` is decided synchronously), then waits for a flush. While a
 * flush runs, new mutations collect in the next batch, which ONE later flush writes. A
 * promise resolves only after the flush holding its change is fsync'd; when a flush fails,
 * its changes and those of the batch collected meanwhile (which may build on them) are
 * rolled back in memory and every waiting promise rejects.
 *
 * Audit: each flush numbers its audit records (`seq`) and writes them INSIDE the data file
 * (`audit.pending`, with `audit.seq` the last committed number); once the data file is
 * durable they are appended to `audit.log`. A record therefore exists only for a committed
 * write, and a crash in between is mended at the next start (see audit-log.ts). Every
 * record in the file carries a checksum (`sums`, see integrity.ts) verified at start.
 *
 * `groupCommit: false` (benchmarks only: the "one file rewrite per request" baseline) gives
 * every mutation its own flush, one after the other: a promise still resolves only once a
 * write holding its change is fsync'd. (A flush's snapshot also holds the mutations queued
 * behind it, so after a failed flush a rolled-back change may sit in the file until the
 * next write: harmless for a benchmark, one reason this is not the production mode.)
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
interface Sink {
  /**
   * Makes the data and the audit state durable. Called synchronously when a flush starts, it
   * takes what it writes before its first await: changes made meanwhile go to the next flush.
   */
  commit(data: DbData, audit: CommittedAudit): Promise<void>;
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
  /** In order of the mutations; run in reverse to roll back. */
  undo: Array<() => void>;
}

function newBatch(): Batch {
  return { waiters: [], auditBodies: [], undo: [] };
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
  private readonly warn: (message: string) => void;

  constructor(
    private readonly data: DbData,
    private readonly sink: Sink,
    private readonly options: GroupCommitOptions,
  ) {
    this.now = options.now;
    this.groupCommit = options.groupCommit ?? true;
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.auditSeq = options.audit?.seq ?? 0;
    this.unappended = [...(options.audit?.pending ?? [])];
  }

  health(): StoreHealth {
    return {
      ok: !this.closed && this.failed === null,
      closed: this.closed,
      failed: this.failed === null ? null : errorText(this.failed),
      lastWriteError: this.lastWriteError,
    };
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

  async getReport(key: ReportKey): Promise<ReportRevision | null> {
    const latest = this.data.reports[reportKeyOf(key)]?.at(-1);
    return latest ? structuredClone(latest) : null;
  }

  async history(key: ReportKey): Promise<ReportRevision[]> {
    return structuredClone(this.data.reports[reportKeyOf(key)] ?? []);
  }

  async listReports(filter: { planId: string; period?: string; agencyId?: string }): Promise<ReportRevision[]> {
    const out: ReportRevision[] = [];
    for (const list of Object.values(this.data.reports)) {
      const latest = list.at(-1);
      if (latest?.planId !== filter.planId) continue;
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
      reportKeys: async () => Object.values(this.data.reports).flatMap((list) => (list[0] ? [{ planId: list[0].planId, period: list[0].period, agencyId: list[0].agencyId }] : [])),
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

    const list = this.data.reports[k];
    const latest = list?.at(-1) ?? null;
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

    // Mutate, with its undo.
    if (list) list.push(revision);
    else this.data.reports[k] = [revision];
    const idemKey = idem ? idempotencyKeyOf(idem.scope, idem.key) : null;
    const prevIdem = idemKey !== null && Object.hasOwn(this.data.idempotency, idemKey) ? this.data.idempotency[idemKey] : undefined;
    if (idem && idemKey !== null) this.data.idempotency[idemKey] = idem;
    const undo = () => {
      const current = this.data.reports[k];
      if (current?.at(-1) === revision) current.pop();
      if (current?.length === 0) delete this.data.reports[k];
      if (idemKey !== null) {
        if (prevIdem) this.data.idempotency[idemKey] = prevIdem;
        else delete this.data.idempotency[idemKey];
      }
    };

    await this.enqueue(auditLine, undo);
    return { ok: true, report: structuredClone(revision) };
  }

  async addToken(token: TokenRecord, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = TokenRecord.parse(token);
    if (this.data.tokens.some((t) => t.id === record.id)) throw new Error(`A token with id ${record.id} exists already`);
    if (this.data.tokens.some((t) => t.hash === record.hash)) throw new Error('A token with this hash exists already');
    const line = auditBody(audit);
    this.data.tokens.push(record);
    await this.enqueue(line, () => {
      const i = this.data.tokens.lastIndexOf(record);
      if (i >= 0) this.data.tokens.splice(i, 1);
    });
  }

  async revokeToken(id: string, at: string, audit: AuditEntry): Promise<boolean> {
    this.assertOpen();
    if (typeof at !== 'string') throw new TypeError('revokeToken: at must be a string');
    const i = this.data.tokens.findIndex((t) => t.id === id);
    const token = this.data.tokens[i];
    if (token?.revokedAt !== null) return false;
    const line = auditBody(audit);
    // Records are replaced, never changed in place (their checksums are cached per object).
    const revoked = { ...token, revokedAt: at };
    this.data.tokens[i] = revoked;
    await this.enqueue(line, () => {
      const j = this.data.tokens.indexOf(revoked);
      if (j >= 0) this.data.tokens[j] = token;
    });
    return true;
  }

  async addPlanFile(plan: unknown, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const copy = jsonCopy(plan, 'The plan file');
    const line = auditBody(audit);
    this.data.plans.push(copy);
    await this.enqueue(line, () => {
      const i = this.data.plans.lastIndexOf(copy);
      if (i >= 0) this.data.plans.splice(i, 1);
    });
  }

  async upsertAgencies(agencies: Agency[], audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const parsed = agencies.map((a) => Agency.parse(a));
    const line = auditBody(audit);
    const previous = this.data.agencies;
    const next = [...previous];
    for (const agency of parsed) {
      const i = next.findIndex((a) => a.id === agency.id);
      if (i >= 0) next[i] = agency;
      else next.push(agency);
    }
    this.data.agencies = next;
    await this.enqueue(line, () => {
      this.data.agencies = previous;
    });
  }

  async addLeadChange(change: LeadChange, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = LeadChange.parse(change);
    const line = auditBody(audit);
    this.data.leadChanges.push(record);
    await this.enqueue(line, () => {
      const i = this.data.leadChanges.lastIndexOf(record);
      if (i >= 0) this.data.leadChanges.splice(i, 1);
    });
  }

  async listJudgements(filter: { planId: string; period?: string }): Promise<Judgement[]> {
    const found = Object.values(this.data.judgements).filter((j) => j.planId === filter.planId && (filter.period === undefined || j.period === filter.period));
    return structuredClone(found.sort((a, b) => (a.period === b.period ? a.indicator.localeCompare(b.indicator) : a.period.localeCompare(b.period))));
  }

  async putJudgement(judgement: Judgement, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = Judgement.parse(judgement);
    const k = judgementKeyOf(record);
    const line = auditBody(audit);
    const previous = Object.hasOwn(this.data.judgements, k) ? this.data.judgements[k] : undefined;
    this.data.judgements[k] = record;
    await this.enqueue(line, () => {
      if (previous) this.data.judgements[k] = previous;
      else delete this.data.judgements[k];
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    await this.enqueue(auditBody(entry));
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
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

  private enqueue(auditBodyText: string, undo?: () => void): Promise<void> {
    if (!this.groupCommit && this.batch.waiters.length > 0) {
      // One mutation per flush: close the batch collecting and start another.
      this.queued.push(this.batch);
      this.batch = newBatch();
    }
    const batch = this.batch;
    batch.auditBodies.push(auditBodyText);
    if (undo) batch.undo.push(undo);
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
        await this.sink.commit(this.data, committed);
      } catch (err) {
        await this.failBatch(batch, err);
        continue;
      }
      this.auditSeq = committed.seq;
      this.unappended = committed.pending;
      this.lastWriteError = null;
      // The records are durable in the data file already; the log is their readable copy.
      await this.appendUnappended();
      for (const w of batch.waiters) w.resolve();
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
        undo();
      } catch {
        // keep rolling back the others
      }
    }
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

/** Refuses a file whose records do not match their checksums, naming each damaged one. */
function assertIntact(file: string, data: DbData, audit: CommittedAudit, sums: Sums, cache: ChecksumCache): void {
  const damage = verifyData(data, audit, sums, cache);
  if (damage.length === 0) return;
  const shown = damage.slice(0, 20).map(describeDamage).join('; ');
  const more = damage.length > 20 ? `; and ${damage.length - 20} more` : '';
  throw new StoreCorruptError(file, new Error(`${damage.length} record(s) fail their checksum: ${shown}${more}`), damage);
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
  /** How many copies of the data file to keep in `dataDir/backups` (one made per start and per `backupNow`). */
  backups?: number;
  now?: () => Date;
  /** Replaces `writeFileDurably` for the data file (tests inject failures with it). */
  writeFile?: WriteFile;
  /** Replaces the file operations of the backups (tests simulate a full disk with it). */
  backupFs?: BackupFs;
  /** Idempotency records older than this are not replayed and are pruned (default 24 hours). */
  idempotencyTtlMs?: number;
  /** Start-up repairs and warnings (default console.warn). */
  log?: (message: string) => void;
  /** Called once if the store fails for good (the server exits non-zero on it). */
  onFatal?: (err: unknown) => void;
  /**
   * Group commit (default true): mutations arriving while a flush runs share the next one.
   * false gives every mutation its own durable write of the whole file: only for the
   * benchmark's baseline (bench/server.bench.ts).
   */
  groupCommit?: boolean;
}

export type LowdbStore = Store & {
  readonly file: string;
  readonly auditFile: string;
  flushCount(): number;
  /** Copies the data file into `backups/` now (rotated to the `backups` count); the copy's path. */
  backupNow(): Promise<string | null>;
};

class LowdbBackedStore extends GroupCommitStore {
  constructor(
    readonly file: string,
    readonly auditFile: string,
    data: DbData,
    sink: Sink,
    options: GroupCommitOptions,
    readonly backupNow: () => Promise<string | null>,
  ) {
    super(data, sink, options);
  }
}

/** The default number of backups kept (BACKUP_KEEP). */
export const DEFAULT_BACKUPS_KEPT = 24;

/**
 * Opens (or creates) the data file. A file that is not JSON, not of the expected top-level
 * shape, or whose records fail their checksums raises `StoreCorruptError` and is left
 * untouched. On every start of an existing file a backup copy is made first (a failure is a
 * loud warning, not a refusal); then the audit log is reconciled with the data file.
 */
export async function openLowdbStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  const {
    dataDir,
    fileName = 'db.json',
    backups = DEFAULT_BACKUPS_KEPT,
    now = () => new Date(),
    writeFile = writeFileDurably,
    backupFs = nodeBackupFs,
    log = (m: string) => console.warn(m),
    groupCommit = true,
  } = options;
  if (fileName !== path.basename(fileName) || fileName === '' || fileName === '.' || fileName === '..') {
    throw new TypeError(`fileName must be a plain file name, got ${JSON.stringify(fileName)}`);
  }
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, fileName);
  const auditFile = path.join(dataDir, 'audit.log');
  await removeStaleTemps(dataDir, fileName);

  const adapter = new DurableJsonFile(file, writeFile);
  const db = new Low<DbFile>(adapter, emptyData());
  await db.read(); // throws StoreCorruptError before anything is written
  // lowdb's document is the store's data; a flush seals it with its audit state and writes it.
  const data: DbData = db.data;
  const { audit = { seq: 0, pending: [] }, sums } = db.data;
  const cache = new ChecksumCache();
  if (adapter.found && sums) assertIntact(file, data, audit, sums, cache);

  const backupNow = () => rotateBackups(file, dataDir, backups, now, backupFs);
  if (adapter.found) {
    await backupNow().catch((err: unknown) =>
      log(`WARNING: the start-up backup of ${file} failed (${errorText(err)}); serving WITHOUT a fresh backup. Free space in ${path.join(dataDir, 'backups')} or check the disk.`),
    );
  }
  const repair = await reconcileAuditLog(auditFile, audit, now);
  for (const w of repair.warnings) log(`WARNING: ${w}`);

  const appender = new AuditAppender(auditFile, repair.length);
  const sink: Sink = {
    commit: (d, a) => {
      db.data.audit = a;
      db.data.sums = sealData(d, a, cache);
      return db.write();
    },
    appendAudit: (lines) => appender.append(lines),
  };
  const store = new LowdbBackedStore(
    file,
    auditFile,
    data,
    sink,
    { now, groupCommit, idempotencyTtlMs: options.idempotencyTtlMs, audit: { seq: audit.seq, pending: repair.missing }, warn: log, onFatal: options.onFatal },
    backupNow,
  );
  await store.appendUnappended();
  if (repair.missing.length > 0) {
    log(`WARNING: ${auditFile}: ${repair.missing.length} committed record(s) had not reached the log before the last stop (seq ${seqOf(repair.missing[0] ?? '')}…${seqOf(repair.missing.at(-1) ?? '')}); appended from the data file`);
  }
  if (!adapter.found || !sums) {
    // A new file, or one written before checksums: written now, sealed.
    if (adapter.found) log(`${file} had no checksums (written by an older version); they were added now and are checked from the next start on`);
    await sink.commit(data, audit);
  }
  return store;
}

/** The same store without a disk: for tests and tools. Audit entries are dropped. */
export function openMemoryStore(options: { now?: () => Date; idempotencyTtlMs?: number } = {}): Promise<Store & { flushCount(): number }> {
  const sink: Sink = { commit: () => Promise.resolve(), appendAudit: () => Promise.resolve() };
  return Promise.resolve(new GroupCommitStore(emptyData(), sink, { now: options.now ?? (() => new Date()), idempotencyTtlMs: options.idempotencyTtlMs }));
}
