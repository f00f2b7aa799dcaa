import type { GroupPlace } from './journal';
import type { JournalOp } from './journal-ops';
import type { RevisionIndex } from './revision-index';
import { readSources } from './revisions-file';
import type { ReportRevision } from './types';

/**
 * Where a store keeps the revisions older than each report's latest (which is in its data):
 * in memory for the memory store, on disk behind an index for the embedded store.
 */
export interface RevisionArchive {
  /** `revision` was applied (not yet durable) as the latest of `key`; returns its rollback. */
  push(key: string, revision: ReportRevision): () => void;
  /** The group holding `ops` is durable at `place` (null: a store without files). */
  committed(ops: JournalOp[], place: GroupPlace | null): void;
  /** Revisions 1..upTo of `key`, oldest first, as copies. */
  read(key: string, upTo: number): Promise<ReportRevision[]>;
}

/** The memory store's: every revision in a list per report. */
export class MemoryArchive implements RevisionArchive {
  private readonly lists = new Map<string, ReportRevision[]>();

  push(key: string, revision: ReportRevision): () => void {
    const list = this.lists.get(key) ?? [];
    list.push(revision);
    this.lists.set(key, list);
    return () => {
      if (list.at(-1) === revision) list.pop();
      if (list.length === 0 && this.lists.get(key) === list) this.lists.delete(key);
    };
  }

  committed(): void {
    // nothing is on disk
  }

  read(key: string, upTo: number): Promise<ReportRevision[]> {
    return Promise.resolve(structuredClone((this.lists.get(key) ?? []).slice(0, upTo)));
  }
}

/** Attempts of a read whose journal segment a compaction deleted meanwhile (the index points elsewhere by then). */
const READ_ATTEMPTS = 3;

/** The embedded store's: the index of the revisions file and the journal, read from disk. */
export class DiskArchive implements RevisionArchive {
  constructor(
    readonly index: RevisionIndex,
    private readonly dir: string,
    private readonly fileName: string,
  ) {}

  push(key: string, revision: ReportRevision): () => void {
    return this.index.push(key, revision);
  }

  committed(ops: JournalOp[], place: GroupPlace | null): void {
    if (!place) throw new Error('journal: a group committed without its place in the journal');
    for (const [i, op] of ops.entries()) {
      if (op.op === 'report') this.index.locate(op.key, op.revision, { file: place.segment, offset: place.offset, length: place.length, op: i });
    }
  }

  async read(key: string, upTo: number): Promise<ReportRevision[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await readSources(this.dir, this.fileName, key, this.index.sources(key, upTo));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= READ_ATTEMPTS) throw err;
      }
    }
  }
}
