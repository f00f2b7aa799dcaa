import type { DbData } from './db-data';
import { DB_VERSION } from './db-data';
import type { LegacyDbFile } from './durable-json-file';
import type { HistoryIndex } from './integrity';
import { Appender } from './revision-compaction';
import { encodeRevisionLine } from './revisions-file';
import { StoreCorruptError } from './types';

/**
 * The migration from a version-1 snapshot (every revision of every report in `db.json`, as
 * written up to issue 11's memory bound) to the current layout: every revision appended to
 * the revisions file from byte 0 (what a migration cut off by a crash left there is
 * overwritten), then the caller writes the version-2 snapshot (latest revisions, index,
 * committed length) in place of the old one, atomically. A crash before that rename leaves
 * the old snapshot, which the next start migrates again; the start-up backup made before
 * the migration holds the old files as they were.
 */

const PER_TURN = 200;

export async function migrateLegacy(
  file: string,
  legacy: Omit<LegacyDbFile, 'audit' | 'journal'>,
  revisionsFile: string,
): Promise<{ data: DbData; history: HistoryIndex; bytes: number }> {
  const { reports, sums: _sums, version: _version, ...rest } = legacy;
  const out = new Appender(revisionsFile, 0);
  const latest: DbData['reports'] = {};
  const history: HistoryIndex = {};
  let count = 0;
  for (const [key, list] of Object.entries(reports)) {
    const last = list.at(-1);
    if (!last) continue;
    const pairs: number[] = [];
    for (const [i, revision] of list.entries()) {
      if (revision.revision !== i + 1) throw new StoreCorruptError(file, new Error(`report ${key}: revision ${revision.revision} in place ${i + 1}`));
      const loc = out.add(encodeRevisionLine(key, revision));
      pairs.push(loc.offset, loc.length);
      if (++count % PER_TURN === 0) {
        await out.flush();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    latest[key] = last;
    history[key] = pairs;
  }
  await out.flush(true);
  return { data: { ...rest, version: DB_VERSION, reports: latest }, history, bytes: out.length };
}
