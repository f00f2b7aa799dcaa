import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { z } from 'zod';
import { Agency } from '../../shared/schema/agency';
import { TEMP_SUFFIX, appendLinesDurably, copyFileDurably, writeFileDurably } from './durable-file';
import {
  Judgement,
  LeadChange,
  ReportRevision,
  StoreCorruptError,
  TokenRecord,
  type AuditEntry,
  type IdempotencyRecord,
  type PutOutcome,
  type ReportKey,
  type ReportWrite,
  type Store,
} from './types';

/**
 * The embedded store: one JSON file owned by this process, read once on start and kept in
 * memory, written whole (without indentation) on every flush through `writeFileDurably`.
 *
 * Group commit: a mutation changes the in-memory data at once (so reads see it and the
 * compare-and-set of `putReport` is decided synchronously), then waits for a flush. While a
 * flush runs, new mutations collect in the next batch, which ONE later flush writes. A
 * promise resolves only after the flush holding its change is fsync'd; when a flush fails,
 * its changes and those of the batch collected meanwhile (which may build on them) are
 * rolled back in memory and every waiting promise rejects.
 *
 * Audit entries of a flush are appended to `audit.log` (JSON lines) before the data file is
 * written, so the log never misses a change that is on disk.
 *
 * `groupCommit: false` (benchmarks only: the "one file rewrite per request" baseline) gives
 * every mutation its own flush, one after the other: a promise still resolves only once a
 * write holding its change is fsync'd. (A flush's snapshot also holds the mutations queued
 * behind it, so after a failed flush a rolled-back change may sit in the file until the
 * next write: harmless for a benchmark, one reason this is not the production mode.)
 */

export const DB_VERSION = 1;

export interface DbData {
  version: 1;
  /** Keyed "planId|period|agencyId"; every revision, oldest first. */
  reports: Record<string, ReportRevision[]>;
  tokens: TokenRecord[];
  plans: unknown[];
  agencies: Agency[];
  leadChanges: LeadChange[];
  /** Keyed "planId|period|indicator"; absent in files written before judgements existed. */
  judgements: Record<string, Judgement>;
  /** Keyed "scope|key". */
  idempotency: Record<string, IdempotencyRecord>;
}

export function emptyData(): DbData {
  return { version: DB_VERSION, reports: {}, tokens: [], plans: [], agencies: [], leadChanges: [], judgements: {}, idempotency: {} };
}

const AnyObject = z.object({}).passthrough();

/** The top-level shape checked on start. Records are trusted: only the server writes them. */
const DbShape = z.object({
  version: z.literal(DB_VERSION),
  reports: z.record(z.string(), z.array(AnyObject)),
  tokens: z.array(AnyObject),
  plans: z.array(z.unknown()),
  agencies: z.array(AnyObject),
  leadChanges: z.array(AnyObject),
  judgements: z.record(z.string(), AnyObject).optional(),
  idempotency: z.record(z.string(), AnyObject),
});

/** Idempotency records older than this are dropped on the next write. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

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
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} cannot be stored as JSON`);
  return JSON.parse(text) as T;
}

/** How a store makes a batch durable. */
interface Sink {
  /** Called synchronously when a flush starts: the exact data this flush must write. */
  snapshot(data: DbData): string | null;
  /** Appends the audit lines, then writes the snapshot (when not null). */
  commit(snapshot: string | null, auditLines: string[]): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Batch {
  waiters: Waiter[];
  auditLines: string[];
  /** In order of the mutations; run in reverse to roll back. */
  undo: Array<() => void>;
  /** Whether the data changed (audit-only batches do not rewrite the data file). */
  dirty: boolean;
}

function newBatch(): Batch {
  return { waiters: [], auditLines: [], undo: [], dirty: false };
}

class GroupCommitStore implements Store {
  private batch = newBatch();
  /** Without group commit: batches of one mutation each, waiting for their own flush, oldest first. */
  private queued: Batch[] = [];
  private running: Promise<void> | null = null;
  private flushes = 0;
  private closed = false;

  constructor(
    private readonly data: DbData,
    private readonly sink: Sink,
    private readonly now: () => Date,
    private readonly groupCommit = true,
  ) {}

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
      if (!latest || latest.planId !== filter.planId) continue;
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
    return rec && rec.scope === scope && rec.key === key ? structuredClone(rec) : null;
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
    const auditLine = this.auditLine({
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
    const hadIdem = idemKey !== null && Object.hasOwn(this.data.idempotency, idemKey);
    const prevIdem = hadIdem ? this.data.idempotency[idemKey!] : undefined;
    if (idem) this.data.idempotency[idemKey!] = idem;
    const undo = () => {
      const current = this.data.reports[k];
      if (current && current.at(-1) === revision) current.pop();
      if (current && current.length === 0) delete this.data.reports[k];
      if (idemKey !== null) {
        if (hadIdem) this.data.idempotency[idemKey] = prevIdem!;
        else delete this.data.idempotency[idemKey];
      }
    };

    await this.enqueue(auditLine, true, undo);
    return { ok: true, report: structuredClone(revision) };
  }

  async addToken(token: TokenRecord, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = TokenRecord.parse(token);
    if (this.data.tokens.some((t) => t.id === record.id)) throw new Error(`A token with id ${record.id} exists already`);
    if (this.data.tokens.some((t) => t.hash === record.hash)) throw new Error('A token with this hash exists already');
    const line = this.auditLine(audit);
    this.data.tokens.push(record);
    await this.enqueue(line, true, () => {
      const i = this.data.tokens.lastIndexOf(record);
      if (i >= 0) this.data.tokens.splice(i, 1);
    });
  }

  async revokeToken(id: string, at: string, audit: AuditEntry): Promise<boolean> {
    this.assertOpen();
    if (typeof at !== 'string') throw new TypeError('revokeToken: at must be a string');
    const token = this.data.tokens.find((t) => t.id === id);
    if (!token || token.revokedAt !== null) return false;
    const line = this.auditLine(audit);
    token.revokedAt = at;
    await this.enqueue(line, true, () => {
      token.revokedAt = null;
    });
    return true;
  }

  async addPlanFile(plan: unknown, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const copy = jsonCopy(plan, 'The plan file');
    const line = this.auditLine(audit);
    this.data.plans.push(copy);
    await this.enqueue(line, true, () => {
      const i = this.data.plans.lastIndexOf(copy);
      if (i >= 0) this.data.plans.splice(i, 1);
    });
  }

  async upsertAgencies(agencies: Agency[], audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const parsed = agencies.map((a) => Agency.parse(a));
    const line = this.auditLine(audit);
    const previous = this.data.agencies;
    const next = [...previous];
    for (const agency of parsed) {
      const i = next.findIndex((a) => a.id === agency.id);
      if (i >= 0) next[i] = agency;
      else next.push(agency);
    }
    this.data.agencies = next;
    await this.enqueue(line, true, () => {
      this.data.agencies = previous;
    });
  }

  async addLeadChange(change: LeadChange, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const record = LeadChange.parse(change);
    const line = this.auditLine(audit);
    this.data.leadChanges.push(record);
    await this.enqueue(line, true, () => {
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
    const line = this.auditLine(audit);
    const had = Object.hasOwn(this.data.judgements, k);
    const previous = this.data.judgements[k];
    this.data.judgements[k] = record;
    await this.enqueue(line, true, () => {
      if (had) this.data.judgements[k] = previous!;
      else delete this.data.judgements[k];
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    await this.enqueue(this.auditLine(entry), false);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  // ---- group commit ------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('The store is closed');
  }

  private auditLine(entry: AuditEntry): string {
    const line = JSON.stringify(entry);
    if (line === undefined) throw new TypeError('The audit entry cannot be stored as JSON');
    return line;
  }

  private enqueue(auditLine: string | null, dirty: boolean, undo?: () => void): Promise<void> {
    if (!this.groupCommit && this.batch.waiters.length > 0) {
      // One mutation per flush: close the batch collecting and start another.
      this.queued.push(this.batch);
      this.batch = newBatch();
    }
    const batch = this.batch;
    if (auditLine !== null) batch.auditLines.push(auditLine);
    if (undo) batch.undo.push(undo);
    if (dirty) batch.dirty = true;
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
      try {
        let snapshot: string | null = null;
        if (batch.dirty) {
          this.pruneIdempotency();
          // Taken before the first await: mutations made while this flush runs belong to
          // the next batch and are not in this snapshot.
          snapshot = this.sink.snapshot(this.data);
        }
        await this.sink.commit(snapshot, batch.auditLines);
        for (const w of batch.waiters) w.resolve();
      } catch (err) {
        // The batches collected meanwhile may build on this one (a revision on top of a
        // revision that is not on disk): roll back all of them, newest change first.
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
        const note: AuditEntry = {
          at: this.now().toISOString(),
          actor: 'store',
          action: 'store.write-failed',
          detail: { error: err instanceof Error ? err.message : String(err), rejected: waiters.length },
        };
        await this.sink.commit(null, [JSON.stringify(note)]).catch(() => {});
      }
    }
  }

  private pruneIdempotency(): void {
    const cutoff = this.now().getTime() - IDEMPOTENCY_TTL_MS;
    for (const [k, rec] of Object.entries(this.data.idempotency)) {
      if (Date.parse(rec.at) < cutoff) delete this.data.idempotency[k];
    }
  }
}

// ---- the lowdb adapter -------------------------------------------------------------------

/** lowdb adapter: JSON.parse plus a top-level shape check on read, `writeFileDurably` on write. */
class DurableJsonFile implements Adapter<DbData> {
  /** Whether the last read found a file. */
  found = false;

  constructor(
    readonly file: string,
    private readonly writeFile: (file: string, data: string) => Promise<void>,
  ) {}

  async read(): Promise<DbData | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.found = false;
        return null;
      }
      throw err;
    }
    this.found = true;
    return parseDbText(this.file, text);
  }

  async write(data: DbData): Promise<void> {
    await this.writeText(JSON.stringify(data));
  }

  /** Writes an already serialised snapshot (taken when the flush started). */
  async writeText(text: string): Promise<void> {
    await this.writeFile(this.file, text);
  }
}

function parseDbText(file: string, text: string): DbData {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new StoreCorruptError(file, err);
  }
  const checked = DbShape.safeParse(json);
  if (!checked.success) {
    const issues = checked.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
      .join('; ');
    throw new StoreCorruptError(file, new Error(`not a version-${DB_VERSION} data file: ${issues}`));
  }
  const data = json as DbData;
  data.judgements ??= {};
  return data;
}

// ---- backups -----------------------------------------------------------------------------

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Copies the data file to `backups/<base>-<time>.json` and keeps the newest `keep` copies. */
async function rotateBackups(file: string, dataDir: string, keep: number, now: () => Date): Promise<void> {
  if (keep <= 0) return;
  const dir = path.join(dataDir, 'backups');
  await mkdir(dir, { recursive: true });
  const base = path.basename(file).replace(/\.json$/i, '');
  const stamp = now().toISOString().replace(/:/g, '-');
  const pattern = new RegExp(`^${escapeRegExp(base)}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(?:\\.\\d+)?Z)(?:-(\\d+))?\\.json$`);
  const copies: Array<{ name: string; stamp: string; n: number }> = [];
  for (const entry of await readdir(dir)) {
    if (TEMP_SUFFIX.test(entry)) {
      await unlink(path.join(dir, entry)).catch(() => {});
      continue;
    }
    const m = pattern.exec(entry);
    if (m) copies.push({ name: entry, stamp: m[1]!, n: m[2] ? Number(m[2]) : 0 });
  }
  // Starts within one clock tick get "-1", "-2", …, always above the copies already there
  // (a freed lower number would sort as older than it is).
  const sameStamp = copies.filter((c) => c.stamp === stamp);
  const n = sameStamp.length === 0 ? 0 : Math.max(...sameStamp.map((c) => c.n)) + 1;
  const name = n === 0 ? `${base}-${stamp}.json` : `${base}-${stamp}-${n}.json`;
  await copyFileDurably(file, path.join(dir, name));
  copies.push({ name, stamp, n });

  copies.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.n - b.n));
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
    await unlink(path.join(dir, old.name));
  }
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
  /** How many copies of the data file to keep in `dataDir/backups` (one made per start). */
  backups?: number;
  now?: () => Date;
  /** Replaces `writeFileDurably` for the data file (tests inject failures with it). */
  writeFile?: (file: string, data: string) => Promise<void>;
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
};

class LowdbBackedStore extends GroupCommitStore {
  constructor(
    readonly file: string,
    readonly auditFile: string,
    data: DbData,
    sink: Sink,
    now: () => Date,
    groupCommit: boolean,
  ) {
    super(data, sink, now, groupCommit);
  }
}

/**
 * Opens (or creates) the data file. A file that is not JSON or not of the expected top-level
 * shape raises `StoreCorruptError` and is left untouched. On every start of an existing file
 * a backup copy is made first.
 */
export async function openLowdbStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  const { dataDir, fileName = 'db.json', backups = 10, now = () => new Date(), writeFile = writeFileDurably, groupCommit = true } = options;
  if (fileName !== path.basename(fileName) || fileName === '' || fileName === '.' || fileName === '..') {
    throw new TypeError(`fileName must be a plain file name, got ${JSON.stringify(fileName)}`);
  }
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, fileName);
  const auditFile = path.join(dataDir, 'audit.log');
  await removeStaleTemps(dataDir, fileName);

  const adapter = new DurableJsonFile(file, writeFile);
  const db = new Low<DbData>(adapter, emptyData());
  await db.read(); // throws StoreCorruptError before anything is written
  if (adapter.found) await rotateBackups(file, dataDir, backups, now);
  else await db.write();

  const sink: Sink = {
    snapshot: (data) => JSON.stringify(data),
    commit: async (snapshot, auditLines) => {
      await appendLinesDurably(auditFile, auditLines);
      if (snapshot !== null) await adapter.writeText(snapshot);
    },
  };
  return new LowdbBackedStore(file, auditFile, db.data, sink, now, groupCommit);
}

/** The same store without a disk: for tests and tools. Audit entries are dropped. */
export function openMemoryStore(options: { now?: () => Date } = {}): Promise<Store & { flushCount(): number }> {
  const sink: Sink = { snapshot: () => null, commit: async () => {} };
  return Promise.resolve(new GroupCommitStore(emptyData(), sink, options.now ?? (() => new Date())));
}
