import { stat } from 'node:fs/promises';
import path from 'node:path';
import { seqOf, type CommittedAudit } from './audit-log';
import { nodeBackupFs, type BackupFs } from './backups';
import { emptyData, type DbData } from './db-data';
import type { DbFile, LegacyDbFile, StoredDoc } from './durable-json-file';
import { DurableJsonFile, type WriteFile } from './durable-json-file';
import { ChecksumCache, verifyData, verifyLegacyData, type HistoryIndex } from './integrity';
import { JournalDamage, JournalWriter, cutTornTail, readJournal, type JournalRead } from './journal';
import { DEFAULT_COMPACTION, JournalFiles, type CompactionLimits } from './journal-files';
import { applyOp } from './journal-ops';
import { migrateLegacy } from './legacy-snapshot';
import { RevisionIndex } from './revision-index';
import { revisionsFileName } from './revisions-file';
import { StoreCorruptError, describeDamage, type Damage } from './types';

/**
 * Start-up of the embedded store's files: the snapshot (checked against its checksums), the
 * revisions file (as long as the snapshot says, at least), the journal after the snapshot
 * (every line checked), the start-up backup, the repairs (a torn journal tail, the bytes an
 * unfinished compaction left in the revisions file), the migration of a version-1 snapshot,
 * and the replay: the latest revision of every report in memory, the place of every revision
 * on disk in the index. Anything damaged is refused before a byte is written.
 */

export interface OpenFilesOptions {
  dataDir: string;
  fileName: string;
  backups: number;
  now: () => Date;
  log: (message: string) => void;
  writeFile?: WriteFile;
  backupFs?: BackupFs;
  compaction?: Partial<CompactionLimits>;
  beforeAppend?: (file: string, group: string) => Promise<void>;
}

export interface OpenedFiles {
  data: DbData;
  index: RevisionIndex;
  /** The committed audit state: the snapshot's, and the records of every group replayed. */
  audit: CommittedAudit;
  files: JournalFiles;
  repairs: string[];
  /** No snapshot yet, or one without checksums: compact into a sealed one once the store is open. */
  writeSnapshot: boolean;
  /** A current-layout snapshot without checksums (accepted once). */
  unsealed: boolean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function refuse(file: string, damage: Damage[]): void {
  if (damage.length === 0) return;
  const shown = damage.slice(0, 20).map(describeDamage).join('; ');
  const more = damage.length > 20 ? `; and ${damage.length - 20} more` : '';
  throw new StoreCorruptError(file, new Error(`${damage.length} record(s) fail their checksum: ${shown}${more}`), damage);
}

/** Refuses a snapshot whose records do not match their checksums, naming each damaged one. */
function assertIntact(file: string, doc: StoredDoc, cache: ChecksumCache): void {
  const audit = doc.audit ?? { seq: 0, pending: [] };
  if (!doc.sums) return;
  if (doc.version === 1) refuse(file, verifyLegacyData(doc, audit, doc.sums, cache));
  else refuse(file, verifyData(doc, audit, doc.history, doc.sums, cache));
}

/** The revisions file's size; refused when it is shorter than the snapshot says. */
async function revisionsSize(file: string, committed: number, snapshot: string): Promise<number> {
  const size = await stat(file).then(
    (s) => s.size,
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    },
  );
  if (size < committed) throw new StoreCorruptError(file, new Error(`it holds ${size} bytes, but ${snapshot} says ${committed} are committed`));
  return size;
}

/** The index of the snapshot's revisions, checked against its latest revisions. */
function seedIndex(file: string, data: DbData, history: HistoryIndex): RevisionIndex {
  const index = new RevisionIndex();
  for (const key of Object.keys(history)) {
    if (!Object.hasOwn(data.reports, key)) throw new StoreCorruptError(file, new Error(`the index names report ${key}, which it does not hold`));
  }
  for (const [key, latest] of Object.entries(data.reports)) {
    const pairs = Object.hasOwn(history, key) ? (history[key] ?? []) : [];
    if (pairs.length !== 2 * latest.revision) throw new StoreCorruptError(file, new Error(`report ${key}: ${pairs.length / 2} revision(s) in the index, its latest is revision ${latest.revision}`));
    for (let r = 1; r <= latest.revision; r++) index.seed(key, r, { offset: pairs[2 * r - 2] ?? 0, length: pairs[2 * r - 1] ?? 0 });
  }
  return index;
}

/** Applies the journal's groups to the snapshot's data and index; the committed audit state after them. */
function replay(data: DbData, index: RevisionIndex, audit: CommittedAudit, journal: JournalRead, dir: string, fileName: string): { audit: CommittedAudit; bytes: number } {
  let seq = audit.seq;
  const pending = [...audit.pending];
  let bytes = 0;
  for (const group of journal.groups) {
    for (const op of group.ops) {
      applyOp(data, op);
      if (op.op !== 'report') continue;
      try {
        index.replayed(op.key, op.revision);
      } catch (err) {
        const segment = journal.segments.find((s) => s.first === group.at.segment)?.file ?? path.join(dir, fileName);
        throw new StoreCorruptError(segment, new Error(`group ${group.n} (byte ${group.at.offset}): ${errorText(err)}`));
      }
    }
    for (const line of group.audit) {
      seq = Math.max(seq, seqOf(line) ?? seq);
      pending.push(line);
    }
    bytes += group.at.length + 1;
  }
  return { audit: { seq, pending }, bytes };
}

async function readJournalChecked(o: OpenFilesOptions, after: number): Promise<JournalRead> {
  return readJournal(o.dataDir, o.fileName, after).catch((err: unknown) => {
    if (err instanceof JournalDamage) throw new StoreCorruptError(err.file, err);
    throw err;
  });
}

/** Reads snapshot, revisions file and journal, makes the start-up backup, repairs, migrates, replays. */
export async function openFiles(file: string, o: OpenFilesOptions): Promise<OpenedFiles> {
  const adapter = new DurableJsonFile(file, o.writeFile);
  const doc = await adapter.read(); // throws StoreCorruptError before anything is written
  const cache = new ChecksumCache();
  if (doc) assertIntact(file, doc, cache);
  const revisionsFile = path.join(o.dataDir, revisionsFileName(o.fileName));
  const committedRevisions = doc?.version === 2 ? doc.revisions.bytes : 0;
  const revisionsBytes = await revisionsSize(revisionsFile, committedRevisions, file);
  const after = doc?.journal?.seq ?? 0;
  const journal = await readJournalChecked(o, after);

  const newest = journal.segments.at(-1) ?? null;
  const writerSegment = newest && (journal.lastSegmentLength > 0 || newest.first === journal.last + 1) ? newest : null;
  const writer = new JournalWriter(o.dataDir, o.fileName, writerSegment, writerSegment ? journal.lastSegmentLength : 0, journal.last);
  let index: RevisionIndex | null = null;
  const files = new JournalFiles({
    file,
    dataDir: o.dataDir,
    adapter,
    writer,
    sealed: journal.segments.filter((s) => s !== writerSegment),
    since: { bytes: 0, groups: 0 },
    snapshotBytes: doc ? (await stat(file)).size : 0,
    revisionsFile,
    revisionsBytes: committedRevisions,
    relocate: (moves) => {
      for (const m of moves) index?.relocate(m.key, m.revisions, m.to);
    },
    limits: { ...DEFAULT_COMPACTION, ...o.compaction },
    cache,
    backups: { keep: o.backups, now: o.now, fs: o.backupFs ?? nodeBackupFs },
    warn: o.log,
    beforeAppend: o.beforeAppend,
  });
  if (doc) {
    await files.backupNow().catch((err: unknown) =>
      o.log(`WARNING: the start-up backup of ${file} failed (${errorText(err)}); serving WITHOUT a fresh backup. Free space in ${path.join(o.dataDir, 'backups')} or check the disk.`),
    );
  }
  const repairs = await repair(journal, revisionsFile, revisionsBytes, committedRevisions, o.log);
  const snapshot = await currentLayout(doc, { file, revisionsFile, files, log: o.log, after });
  index = seedIndex(file, snapshot.data, snapshot.history);
  const replayed = replay(snapshot.data, index, snapshot.audit, journal, o.dataDir, o.fileName);
  files.addSince({ bytes: replayed.bytes, groups: journal.groups.length });
  const unsealed = doc?.version === 2 && !doc.sums;
  return { data: snapshot.data, index, audit: replayed.audit, files, repairs, writeSnapshot: !doc || unsealed, unsealed };
}

/** Cuts a torn journal tail (a repair shown in health) and what an unfinished compaction appended to the revisions file (a note). */
async function repair(journal: JournalRead, revisionsFile: string, size: number, committed: number, log: (m: string) => void): Promise<string[]> {
  const repairs: string[] = [];
  if (journal.torn) {
    const { torn } = journal;
    await cutTornTail(torn.file, torn.at);
    repairs.push(`${torn.file}: the last ${torn.bytes} byte(s), from byte ${torn.at}, were a group cut off by a crash (${torn.problem}); removed. Its writes had not been acknowledged.`);
  }
  if (size > committed) {
    await cutTornTail(revisionsFile, committed);
    log(`${revisionsFile}: ${size - committed} byte(s) after the committed ${committed} were left by a compaction that did not finish; removed (the journal still holds those revisions)`);
  }
  return repairs;
}

interface CurrentLayout {
  data: DbData;
  history: HistoryIndex;
  audit: CommittedAudit;
}

/** The snapshot in the current layout: as read, empty, or migrated from version 1 (revisions file and snapshot written now). */
async function currentLayout(
  doc: StoredDoc | null,
  at: { file: string; revisionsFile: string; files: JournalFiles; log: (m: string) => void; after: number },
): Promise<CurrentLayout> {
  if (!doc) return { data: emptyData(), history: {}, audit: { seq: 0, pending: [] } };
  const { audit = { seq: 0, pending: [] }, journal: _journal, ...rest } = doc;
  if (doc.version === 2) {
    const { history, revisions: _revisions, sums: _sums, ...data } = rest as Omit<DbFile, 'audit' | 'journal'>;
    return { data, history, audit };
  }
  const legacy = rest as Omit<LegacyDbFile, 'audit' | 'journal'>;
  const migrated = await migrateLegacy(at.file, legacy, at.revisionsFile);
  await at.files.writeSnapshot({ data: migrated.data, audit, history: migrated.history }, at.after, migrated.bytes);
  const revisions = Object.values(migrated.history).reduce((n, pairs) => n + pairs.length / 2, 0);
  at.log(`${at.file} was a version-1 data file (every revision in it): its ${revisions} revision(s) were moved to ${at.revisionsFile}, the snapshot keeps the latest of each report${doc.sums ? '' : `; it had no checksums (written by an older version); they were added now and are checked from the next start on`}`);
  return { data: migrated.data, history: migrated.history, audit };
}
