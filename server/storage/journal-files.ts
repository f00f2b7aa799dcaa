import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { CommittedAudit } from './audit-log';
import { rotateBackups, type BackupFs, type BackupSource } from './backups';
import type { DurableJsonFile, DbFile, StoredDoc } from './durable-json-file';
import { ChecksumCache, sealData, warmChecksums, type HistoryIndex } from './integrity';
import { JournalWriter, removeSegments, type GroupPlace, type JournalGroup, type Segment } from './journal';
import type { JournalOp } from './journal-ops';
import type { DbData } from './db-data';
import { moveRevisions, type Move } from './revision-compaction';
import type { CapturedIndex } from './revision-index';

/**
 * The files of the embedded store while it runs: the journal it appends every group to, the
 * snapshot (`db.json`, lowdb's document through our adapter) that compaction writes in the
 * background once the journal has grown past a threshold, and the backups, which copy the
 * snapshot and the journal while compaction is held off.
 *
 * Compaction, step by step: at a point between two flushes the store hands over its
 * committed state (a shallow copy, see `captureCommitted`, and a copy of the revision index);
 * new groups go to a new segment from then on; the revisions of the older segments are
 * appended to the revisions file (revision-compaction.ts); the snapshot of that state (the
 * latest revisions, the index of the revisions file and its committed length), marked with
 * the number of the last group it holds, is written through lowdb (temp file, fsync, rename);
 * the live index is pointed at the revisions file; then the older segments are deleted. A
 * crash at any step leaves either the old snapshot and every segment (the revisions file's
 * bytes past the old snapshot's length are cut off at start), or the new snapshot and
 * segments whose older groups start-up skips. A failed compaction is a warning; the
 * segments stay and the next commit tries again.
 */

/** What compaction writes: the committed data and audit state, and the committed revision index. */
export interface CompactionState {
  data: DbData;
  audit: CommittedAudit;
  index: CapturedIndex;
}

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
  /** The revisions file, and how many of its bytes the snapshot holds. */
  revisionsFile: string;
  revisionsBytes: number;
  /** Points the live index at the revisions file once the snapshot holding the moves is durable. */
  relocate: (moves: Move[]) => void;
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
  /** Segments whose groups are all in the snapshot but whose deletion failed: deleted at the next compaction. */
  private stale: Segment[] = [];
  private readonly since: { bytes: number; groups: number };
  private snapshotBytes: number;
  private revisionsBytes: number;

  constructor(private readonly o: JournalFilesOptions) {
    this.sealed = [...o.sealed];
    this.since = { ...o.since };
    this.snapshotBytes = o.snapshotBytes;
    this.revisionsBytes = o.revisionsBytes;
  }

  get revisionsFile(): string {
    return this.o.revisionsFile;
  }

  /** The number of the last group written. */
  get lastGroup(): number {
    return this.o.writer.last;
  }

  compactionCount(): number {
    return this.compactions;
  }

  /** Appends the group; where its line is. */
  async commit(ops: JournalOp[], audit: string[]): Promise<GroupPlace> {
    const group: JournalGroup = { n: this.o.writer.last + 1, ops, audit };
    if (this.o.beforeAppend) {
      const next = this.o.writer.current?.file ?? path.join(this.o.dataDir, '(new segment)');
      await this.o.beforeAppend(next, JSON.stringify(group));
    }
    const place = await this.o.writer.append(group);
    this.since.bytes += place.length + 1;
    this.since.groups += 1;
    return place;
  }

  /** Counts groups replayed at start into the journal since the snapshot. */
  addSince(since: { bytes: number; groups: number }): void {
    this.since.bytes += since.bytes;
    this.since.groups += since.groups;
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
  startCompaction(state: CompactionState, counted = true): Promise<void> | null {
    if (this.compacting || this.backingUp) return null;
    const covered = [...this.sealed, ...(this.o.writer.current ? [this.o.writer.current] : [])];
    const seq = this.o.writer.last;
    this.o.writer.startSegment();
    this.sealed = [];
    const since = { ...this.since };
    this.since.bytes = 0;
    this.since.groups = 0;
    let written = false;
    this.compacting = this.compact(state, covered, seq, () => (written = true))
      .then(() => {
        if (counted) this.compactions += 1;
      })
      .catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        if (written) {
          // The snapshot holds them: only their deletion failed.
          this.stale.push(...covered);
          this.o.warn(`WARNING: the journal segments compacted into ${this.o.file} could not all be deleted (${why}); retried at the next compaction`);
          return;
        }
        // The segments stay (they hold what the old snapshot lacks); the next commit tries again.
        this.sealed = [...covered, ...this.sealed];
        this.since.bytes += since.bytes;
        this.since.groups += since.groups;
        this.o.warn(`WARNING: compaction of the journal into ${this.o.file} failed (${why}); the journal keeps growing until it succeeds`);
      })
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  private async compact(state: CompactionState, covered: Segment[], seq: number, onWritten: () => void): Promise<void> {
    const moved = await moveRevisions({ revisionsFile: this.o.revisionsFile, committedBytes: this.revisionsBytes, index: state.index });
    for (const [key, latest] of Object.entries(state.data.reports)) {
      if (moved.history[key]?.length !== 2 * latest.revision) throw new Error(`the index of ${key} does not end at its latest revision ${latest.revision}`);
    }
    await this.writeSnapshot({ data: state.data, audit: state.audit, history: moved.history }, seq, moved.bytes);
    onWritten();
    this.o.relocate(moved.moves);
    const old = this.stale;
    this.stale = [];
    await removeSegments(this.o.dataDir, [...old, ...covered]);
  }

  /** Writes the snapshot of `state`, holding groups up to `seq`, through lowdb and our adapter. */
  async writeSnapshot(state: { data: DbData; audit: CommittedAudit; history: HistoryIndex }, seq: number, revisionsBytes = this.revisionsBytes): Promise<void> {
    await writeSnapshotDoc(this.o.adapter, this.o.cache, state, { seq, revisionsBytes });
    this.snapshotBytes = (await stat(this.o.file)).size;
    this.revisionsBytes = revisionsBytes;
  }

  /** Waits for the compaction and the backup under way. */
  async settle(): Promise<void> {
    while (this.compacting || this.backingUp) {
      await this.compacting;
      await this.backingUp?.catch(() => {});
    }
  }

  /** The files of one consistent state: the snapshot, the revisions file up to its committed length, then every segment up to its last whole group. */
  private sources(): BackupSource[] {
    const current = this.o.writer.current;
    return [
      { file: this.o.file },
      ...(this.revisionsBytes > 0 ? [{ file: this.o.revisionsFile, bytes: this.revisionsBytes }] : []),
      ...this.sealed.map((s) => ({ file: s.file })),
      ...(current ? [{ file: current.file, bytes: this.o.writer.length }] : []),
    ];
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

/** Seals and writes a snapshot document (also the migration from version 1 writes through it). */
export async function writeSnapshotDoc(
  adapter: DurableJsonFile,
  cache: ChecksumCache,
  state: { data: DbData; audit: CommittedAudit; history: HistoryIndex },
  at: { seq: number; revisionsBytes: number },
): Promise<void> {
  await warmChecksums(state.data, cache);
  const { data, audit, history } = state;
  const doc: DbFile = { ...data, history, revisions: { bytes: at.revisionsBytes }, audit, sums: sealData(data, audit, history, cache), journal: { seq: at.seq } };
  await new Low<StoredDoc>(adapter, doc).write();
}
