import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { CommittedAudit } from './audit-log';
import { rotateBackups, type BackupFs, type BackupSource } from './backups';
import type { DurableJsonFile, DbFile } from './durable-json-file';
import { ChecksumCache, sealData, warmChecksums } from './integrity';
import { JournalWriter, removeSegments, type JournalGroup, type Segment } from './journal';
import type { JournalOp } from './journal-ops';
import type { DbData } from './db-data';

/**
 * The files of the embedded store while it runs: the journal it appends every group to, the
 * snapshot (`db.json`, lowdb's document through our adapter) that compaction writes in the
 * background once the journal has grown past a threshold, and the backups, which copy the
 * snapshot and the journal while compaction is held off.
 *
 * Compaction, step by step: at a point between two flushes the store hands over its
 * committed state (a shallow copy, see `captureCommitted`); new groups go to a new segment
 * from then on; the snapshot of that state, marked with the number of the last group it
 * holds, is written through lowdb (temp file, fsync, rename); then the older segments are
 * deleted. A crash at any step leaves either the old snapshot and every segment, or the new
 * snapshot and segments whose older groups start-up skips. A failed compaction is a
 * warning; the segments stay and the next commit tries again.
 */

export interface CompactionLimits {
  /**
   * Compact once the journal since the last snapshot holds this many bytes (default 8 MiB)
   * and at least `growth` times the snapshot's size…
   */
  maxBytes: number;
  /**
   * …(default 1: a journal as large as the snapshot), so that the snapshots rewritten cost
   * about one byte per byte journalled, however long the history: compaction's work per
   * write does not grow with the history either…
   */
  growth: number;
  /** …or once it holds this many groups (default 20,000; many tiny groups replay slowly). */
  maxGroups: number;
}

export const DEFAULT_COMPACTION: CompactionLimits = { maxBytes: 8 * 1024 * 1024, growth: 1, maxGroups: 20_000 };

export interface JournalFilesOptions {
  file: string;
  dataDir: string;
  adapter: DurableJsonFile;
  writer: JournalWriter;
  /** Segments older than the writer's, complete. */
  sealed: Segment[];
  /** Bytes and groups in the journal since the snapshot (start-up counts them). */
  since: { bytes: number; groups: number };
  /** The snapshot's size in bytes. */
  snapshotBytes: number;
  limits: CompactionLimits;
  cache: ChecksumCache;
  backups: { keep: number; now: () => Date; fs: BackupFs };
  warn: (message: string) => void;
  /** Called before each append with the segment and the line (tests inject failures and delays). */
  beforeAppend?: (file: string, line: string) => Promise<void>;
}

export class JournalFiles {
  private compacting: Promise<void> | null = null;
  private backingUp: Promise<unknown> | null = null;
  private compactions = 0;
  private sealed: Segment[];
  private readonly since: { bytes: number; groups: number };
  private snapshotBytes: number;

  constructor(private readonly o: JournalFilesOptions) {
    this.sealed = [...o.sealed];
    this.since = { ...o.since };
    this.snapshotBytes = o.snapshotBytes;
  }

  /** The number of the last group written. */
  get lastGroup(): number {
    return this.o.writer.last;
  }

  compactionCount(): number {
    return this.compactions;
  }

  async commit(ops: JournalOp[], audit: string[]): Promise<void> {
    const group: JournalGroup = { n: this.o.writer.last + 1, ops, audit };
    if (this.o.beforeAppend) {
      const next = this.o.writer.current?.file ?? path.join(this.o.dataDir, '(new segment)');
      await this.o.beforeAppend(next, JSON.stringify(group));
    }
    const bytes = await this.o.writer.append(group);
    this.since.bytes += bytes;
    this.since.groups += 1;
  }

  /** Whether the journal has grown past a limit. */
  due(): boolean {
    const { maxBytes, growth, maxGroups } = this.o.limits;
    return this.since.bytes >= Math.max(maxBytes, growth * this.snapshotBytes) || this.since.groups >= maxGroups;
  }

  /**
   * Starts compaction into a snapshot of `state` (committed up to the last group written)
   * unless one or a backup is under way. Call it only between flushes. Returns the
   * compaction, or null when none was started.
   */
  startCompaction(state: { data: DbData; audit: CommittedAudit }): Promise<void> | null {
    if (this.compacting || this.backingUp) return null;
    const covered = [...this.sealed, ...(this.o.writer.current ? [this.o.writer.current] : [])];
    const seq = this.o.writer.last;
    this.o.writer.startSegment();
    this.sealed = [];
    const since = { ...this.since };
    this.since.bytes = 0;
    this.since.groups = 0;
    this.compacting = this.writeSnapshot(state, seq)
      .then(() => removeSegments(this.o.dataDir, covered))
      .then(() => {
        this.compactions += 1;
      })
      .catch((err: unknown) => {
        // The segments stay (they hold what the old snapshot lacks); the next commit tries again.
        this.sealed = [...covered, ...this.sealed];
        this.since.bytes += since.bytes;
        this.since.groups += since.groups;
        this.o.warn(`WARNING: compaction of the journal into ${this.o.file} failed (${err instanceof Error ? err.message : String(err)}); the journal keeps growing until it succeeds`);
      })
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  /** Writes the snapshot of `state`, holding groups up to `seq`, through lowdb and our adapter. */
  async writeSnapshot(state: { data: DbData; audit: CommittedAudit }, seq: number): Promise<void> {
    await warmChecksums(state.data, this.o.cache);
    const doc: DbFile = { ...state.data, audit: state.audit, sums: sealData(state.data, state.audit, this.o.cache), journal: { seq } };
    await new Low<DbFile>(this.o.adapter, doc).write();
    this.snapshotBytes = (await stat(this.o.file)).size;
  }

  /** Waits for the compaction and the backup under way. */
  async settle(): Promise<void> {
    while (this.compacting || this.backingUp) {
      await this.compacting;
      await this.backingUp?.catch(() => {});
    }
  }

  /** The files of one consistent state: the snapshot, then every segment up to its last whole group. */
  private sources(): BackupSource[] {
    const current = this.o.writer.current;
    return [{ file: this.o.file }, ...this.sealed.map((s) => ({ file: s.file })), ...(current ? [{ file: current.file, bytes: this.o.writer.length }] : [])];
  }

  /** Copies snapshot and journal into `backups/` (compaction waits meanwhile); the copy's folder. */
  async backupNow(): Promise<string | null> {
    // Checked again after the wait, in the same turn as the claim below: a compaction may
    // have started meanwhile.
    while (this.compacting || this.backingUp) await this.settle();
    const { keep, now, fs } = this.o.backups;
    const running = rotateBackups(this.o.file, this.sources(), this.o.dataDir, keep, now, fs);
    this.backingUp = running;
    try {
      return await running;
    } finally {
      this.backingUp = null;
    }
  }
}
