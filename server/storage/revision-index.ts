import type { ReportRevision } from './types';

/**
 * Where each revision of each report lies on disk, kept in memory in place of the revisions
 * themselves (issue 11: old periods need not live in RAM). Per report, a Float64Array of
 * fixed-size entries, one per revision 1..n in order: [file, byte offset, byte length, op].
 *
 * `file` 0 is the revisions file (`db.json.revisions`, revisions-file.ts; `op` unused); any
 * other value is the journal segment whose first group has that number, the entry pointing
 * at a whole group line and `op` the revision's place in the group's ops (journal.ts).
 *
 * A revision applied but not yet durable has no place on disk yet: it waits in `pending`
 * (the live store's current batch and the flush under way, nothing older) until its group is
 * written and `locate` gives it one, or its rollback removes it.
 */
export const REVISIONS_FILE = 0;
const SLOTS = 4;

export interface Location {
  file: number;
  offset: number;
  length: number;
  op: number;
}

class ReportEntries {
  locs = new Float64Array(SLOTS * 2);
  /** Revisions 1..count have a location. */
  count = 0;
  /** Revisions count+1 … applied, not yet durable, in order. */
  pending: ReportRevision[] = [];

  add(loc: Location): void {
    if ((this.count + 1) * SLOTS > this.locs.length) {
      const grown = new Float64Array(Math.max(this.locs.length * 2, SLOTS * 2));
      grown.set(this.locs);
      this.locs = grown;
    }
    this.count += 1;
    setLocation(this.locs, this.count, loc);
  }
}

/** What a read of revisions 1..n needs, taken at once: each revision's place, or the revision itself while it waits for its flush. */
export type Source = { revision: number; loc: Location } | { revision: number; value: ReportRevision };

/** A committed picture of the index for compaction: per report, the located entries (copied). */
export type CapturedIndex = Map<string, Float64Array>;

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

  /** A revision read back from disk at start (snapshot or journal): it must be the report's next. */
  add(key: string, revision: number, loc: Location): void {
    const e = this.entries(key);
    if (revision !== e.count + 1 || e.pending.length > 0) throw new Error(`revision ${revision} of ${key} follows revision ${e.count}`);
    e.add(loc);
  }

  /** A revision applied in memory, not yet durable; returns its rollback. */
  push(key: string, revision: ReportRevision): () => void {
    const e = this.entries(key);
    e.pending.push(revision);
    return () => {
      if (e.pending.at(-1) === revision) e.pending.pop();
      if (e.count === 0 && e.pending.length === 0 && this.reports.get(key) === e) this.reports.delete(key);
    };
  }

  /** The revision `revision` of `key`, applied earlier, is durable at `loc` now. */
  locate(key: string, revision: ReportRevision, loc: Location): void {
    const e = this.reports.get(key);
    if (e?.pending[0] !== revision) throw new Error(`journal: revision ${revision.revision} of ${key} was not waiting for its flush`);
    e.pending.shift();
    e.add(loc);
  }

  /** Revisions 1..upTo of `key`: where each is (or the revision itself while it waits). */
  sources(key: string, upTo: number): Source[] {
    const e = this.reports.get(key);
    const out: Source[] = [];
    if (!e) return out;
    for (let r = 1; r <= upTo; r++) {
      if (r <= e.count) out.push({ revision: r, loc: locationAt(e.locs, r) });
      else {
        const value = e.pending[r - e.count - 1];
        if (!value) throw new Error(`revision ${r} of ${key} is neither on disk nor waiting for its flush`);
        out.push({ revision: r, value });
      }
    }
    return out;
  }

  /** Located revisions of `key` (the committed ones, between flushes). */
  count(key: string): number {
    return this.reports.get(key)?.count ?? 0;
  }

  /** The located entries of every report, copied: the committed index when called between flushes. */
  capture(): CapturedIndex {
    const out: CapturedIndex = new Map();
    for (const [key, e] of this.reports) if (e.count > 0) out.set(key, e.locs.slice(0, e.count * SLOTS));
    return out;
  }

  /** After compaction: revision `revision` of `key` moved from `from` (a journal segment) to `to`, unless it moved already. */
  relocate(key: string, revision: number, from: Location, to: Location): void {
    const e = this.reports.get(key);
    if (!e || revision > e.count) return;
    const now = locationAt(e.locs, revision);
    if (now.file === from.file && now.offset === from.offset && now.op === from.op) setLocation(e.locs, revision, to);
  }

  /** Bytes of the typed arrays (the entries' memory, without the per-report objects). */
  entryBytes(): { bytes: number; revisions: number } {
    let bytes = 0;
    let revisions = 0;
    for (const e of this.reports.values()) {
      bytes += e.locs.byteLength;
      revisions += e.count;
    }
    return { bytes, revisions };
  }
}

export function locationAt(entries: Float64Array, revision: number): Location {
  const i = (revision - 1) * SLOTS;
  return { file: entries[i] ?? -1, offset: entries[i + 1] ?? -1, length: entries[i + 2] ?? -1, op: entries[i + 3] ?? -1 };
}

export function setLocation(entries: Float64Array, revision: number, loc: Location): void {
  const i = (revision - 1) * SLOTS;
  entries[i] = loc.file;
  entries[i + 1] = loc.offset;
  entries[i + 2] = loc.length;
  entries[i + 3] = loc.op;
}

export function revisionsIn(entries: Float64Array): number {
  return entries.length / SLOTS;
}
