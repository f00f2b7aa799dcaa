import type { ReportRevision } from './types';

/**
 * Where each revision of each report is, kept in memory in place of the old revisions
 * themselves (issue 11: old periods need not live in RAM). Per report:
 *
 * - `locs`: a Float64Array of fixed-size entries [byte offset, byte length], one per revision
 *   1..count, into the revisions file (`db.json.revisions`, revisions-file.ts), read back
 *   from disk when asked for;
 * - `recent`: the revisions count+1 … n written since the last compaction, in memory: the
 *   first `durable` of them are in the journal, the rest wait for their flush (or roll back).
 *
 * Compaction appends the durable recent revisions to the revisions file and moves them into
 * `locs` (`relocate`). So memory holds each report's revisions since the last compaction (a
 * bounded amount: compaction runs once the journal holds 8 MiB, or as much as the snapshot,
 * or 20,000 groups) and 16 bytes per older revision, whatever the history.
 */
const SLOTS = 2;

export interface Location {
  offset: number;
  length: number;
}

class ReportEntries {
  locs = new Float64Array(SLOTS * 4);
  /** Revisions 1..count are in the revisions file. */
  count = 0;
  /** Revisions count+1 …, oldest first. */
  recent: ReportRevision[] = [];
  /** How many of `recent` are durable (in the journal). */
  durable = 0;

  add(loc: Location): void {
    if ((this.count + 1) * SLOTS > this.locs.length) {
      const grown = new Float64Array(this.locs.length * 2);
      grown.set(this.locs);
      this.locs = grown;
    }
    this.locs[this.count * SLOTS] = loc.offset;
    this.locs[this.count * SLOTS + 1] = loc.length;
    this.count += 1;
  }

  at(revision: number): Location {
    const i = (revision - 1) * SLOTS;
    return { offset: this.locs[i] ?? -1, length: this.locs[i + 1] ?? -1 };
  }
}

/** What a read of revisions 1..n needs, taken at once: each revision's place on disk, or the revision itself. */
export type Source = { revision: number; loc: Location } | { revision: number; value: ReportRevision };

/** The committed index, for compaction: per report, its revisions-file entries (copied) and its durable recent revisions. */
export type CapturedIndex = Map<string, { locs: Location[]; recent: ReportRevision[] }>;

export class RevisionIndex {
  private readonly reports = new Map<string, ReportEntries>();

  private entries(key: string): ReportEntries {
    let e = this.reports.get(key);
    if (!e) {
      e = new ReportEntries();
      this.reports.set(key, e);
    }
    return e;
  }

  /** At start: a revision in the revisions file (from the snapshot's index), in order. */
  seed(key: string, revision: number, loc: Location): void {
    const e = this.entries(key);
    if (revision !== e.count + 1 || e.recent.length > 0) throw new Error(`revision ${revision} of ${key} follows revision ${e.count + e.recent.length}`);
    e.add(loc);
  }

  /** At start: a revision replayed from the journal; it must be the report's next. */
  replayed(key: string, revision: ReportRevision): void {
    const e = this.entries(key);
    if (revision.revision !== e.count + e.recent.length + 1) throw new Error(`revision ${revision.revision} of ${key} follows revision ${e.count + e.recent.length}`);
    e.recent.push(revision);
    e.durable += 1;
  }

  /** A revision applied in memory, not yet durable; returns its rollback. */
  push(key: string, revision: ReportRevision): () => void {
    const e = this.entries(key);
    e.recent.push(revision);
    return () => {
      if (e.recent.length > e.durable && e.recent.at(-1) === revision) e.recent.pop();
      if (e.count === 0 && e.recent.length === 0 && this.reports.get(key) === e) this.reports.delete(key);
    };
  }

  /** The oldest revision of `key` waiting for its flush is durable now. */
  committed(key: string, revision: ReportRevision): void {
    const e = this.reports.get(key);
    if (e?.recent[e.durable] !== revision) throw new Error(`journal: revision ${revision.revision} of ${key} was not waiting for its flush`);
    e.durable += 1;
  }

  /** Revisions 1..upTo of `key`: where each is on disk, or the revision itself. */
  sources(key: string, upTo: number): Source[] {
    const e = this.reports.get(key);
    const out: Source[] = [];
    if (!e) return out;
    for (let r = 1; r <= upTo; r++) {
      if (r <= e.count) out.push({ revision: r, loc: e.at(r) });
      else {
        const value = e.recent[r - e.count - 1];
        if (!value) throw new Error(`revision ${r} of ${key} is neither on disk nor in memory`);
        out.push({ revision: r, value });
      }
    }
    return out;
  }

  /** The committed index (call it between flushes). */
  capture(): CapturedIndex {
    const out: CapturedIndex = new Map();
    for (const [key, e] of this.reports) {
      const locs = Array.from({ length: e.count }, (_, i) => e.at(i + 1));
      if (e.count + e.durable > 0) out.set(key, { locs, recent: e.recent.slice(0, e.durable) });
    }
    return out;
  }

  /** After compaction: the first `moved.length` recent revisions of `key` are in the revisions file at `moved`. */
  relocate(key: string, revisions: ReportRevision[], moved: Location[]): void {
    const e = this.reports.get(key);
    if (!e || revisions.some((r, i) => e.recent[i] !== r)) throw new Error(`compaction: the recent revisions of ${key} changed under it`);
    for (const loc of moved) e.add(loc);
    e.recent.splice(0, revisions.length);
    e.durable -= revisions.length;
  }

  /** Bytes of the typed arrays and revisions placed in the revisions file (the memory test reads it). */
  entryBytes(): { bytes: number; revisions: number; inMemory: number } {
    let bytes = 0;
    let revisions = 0;
    let inMemory = 0;
    for (const e of this.reports.values()) {
      bytes += e.locs.byteLength;
      revisions += e.count;
      inMemory += e.recent.length;
    }
    return { bytes, revisions, inMemory };
  }
}
