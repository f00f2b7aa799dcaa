import type { JournalOp } from './journal-ops';
import type { RevisionIndex } from './revision-index';
import { RevisionReader } from './revisions-file';
import type { ReportRevision } from './types';

/**
 * Where a store keeps the revisions older than each report's latest (which is in its data):
 * in memory for the memory store, on disk behind an index for the embedded store.
 */
export interface RevisionArchive {
  /** `revision` was applied (not yet durable) as the latest of `key`; returns its rollback. */
  push(key: string, revision: ReportRevision): () => void;
  /** The group holding `ops` is durable. */
  committed(ops: JournalOp[]): void;
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

/** The embedded store's: recent revisions in memory, older ones read from the revisions file through the index. */
export class DiskArchive implements RevisionArchive {
  private readonly reader: RevisionReader;

  constructor(
    readonly index: RevisionIndex,
    revisionsFile: string,
  ) {
    this.reader = new RevisionReader(revisionsFile);
  }

  push(key: string, revision: ReportRevision): () => void {
    return this.index.push(key, revision);
  }

  committed(ops: JournalOp[]): void {
    for (const op of ops) if (op.op === 'report') this.index.committed(op.key, op.revision);
  }

  read(key: string, upTo: number): Promise<ReportRevision[]> {
    return this.reader.readSources(key, this.index.sources(key, upTo));
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
