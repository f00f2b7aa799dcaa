import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_SUFFIX, copyFileDurably, syncDirectory } from './durable-file';

/**
 * Backups of the data folder's store in `<dataDir>/backups/<base>-<time>/`, made at start
 * and on a schedule while running, the newest `keep` kept. A backup is a folder holding the
 * snapshot (`db.json`), the revisions file up to its committed length (`db.json.revisions`,
 * revisions-file.ts) and the journal segments after it (journal.ts), copied while compaction
 * is held off, each segment up to its last whole group: together one committed state. To
 * restore one, stop the server and put the folder's files in place of the data folder's
 * `db.json`, `db.json.revisions` and `db.json.journal.*` (README, "Backups").
 *
 * Copies made by older versions (`<base>-<time>.json`, the data file alone) are rotated
 * with the folders.
 */

/** The file operations a backup uses; tests replace them to simulate a full disk. */
export interface BackupFs {
  mkdir(dir: string): Promise<unknown>;
  readdir(dir: string): Promise<string[]>;
  /** Removes a backup (a folder, or an older version's single file). */
  remove(target: string): Promise<void>;
  /** Copies `from` to `to` durably: the whole file, or its first `bytes` bytes. */
  copy(from: string, to: string, bytes?: number): Promise<void>;
}

export const nodeBackupFs: BackupFs = {
  mkdir: (dir) => mkdir(dir, { recursive: true }),
  readdir: (dir) => readdir(dir),
  remove: (target) => rm(target, { recursive: true, force: true }),
  copy: copyFileDurably,
};

/** One file of a backup: where it is, and how many of its bytes are committed (all when absent). */
export interface BackupSource {
  file: string;
  bytes?: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Copies `sources` into a new folder of `backups/` named after `file` and the time, and
 * keeps the newest `keep` backups; returns the new folder's path.
 */
export async function rotateBackups(file: string, sources: BackupSource[], dataDir: string, keep: number, now: () => Date, fs: BackupFs = nodeBackupFs): Promise<string | null> {
  if (keep <= 0) return null;
  const dir = path.join(dataDir, 'backups');
  await fs.mkdir(dir);
  const base = path.basename(file).replace(/\.json$/i, '');
  const stamp = now().toISOString().replace(/:/g, '-');
  const pattern = new RegExp(`^${escapeRegExp(base)}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(?:\\.\\d+)?Z)(?:-(\\d+))?(?:\\.json)?$`);
  const copies: Array<{ name: string; stamp: string; n: number }> = [];
  for (const entry of await fs.readdir(dir)) {
    if (TEMP_SUFFIX.test(entry) || entry.endsWith('.partial')) {
      await fs.remove(path.join(dir, entry)).catch(() => {});
      continue;
    }
    const m = pattern.exec(entry);
    if (m?.[1] !== undefined) copies.push({ name: entry, stamp: m[1], n: m[2] ? Number(m[2]) : 0 });
  }
  // Copies within one clock tick get "-1", "-2", …, always above the copies already there
  // (a freed lower number would sort as older than it is).
  const sameStamp = copies.filter((c) => c.stamp === stamp);
  const n = sameStamp.length === 0 ? 0 : Math.max(...sameStamp.map((c) => c.n)) + 1;
  const name = n === 0 ? `${base}-${stamp}` : `${base}-${stamp}-${n}`;
  // Filled under a ".partial" name, renamed when whole: a crash leaves no half backup that looks whole.
  const partial = path.join(dir, `${name}.partial`);
  try {
    await fs.mkdir(partial);
    for (const source of sources) await fs.copy(source.file, path.join(partial, path.basename(source.file)), source.bytes);
    await rename(partial, path.join(dir, name));
    await syncDirectory(dir);
  } catch (err) {
    await fs.remove(partial).catch(() => {});
    throw err;
  }
  copies.push({ name, stamp, n });

  copies.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.n - b.n));
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
    await fs.remove(path.join(dir, old.name));
  }
  return path.join(dir, name);
}

/**
 * Calls `backup` every `intervalMs` (not overlapping); a failure is a loud warning, never an
 * exit. Returns the function that stops the schedule (resolving once a backup under way has
 * ended). The timer does not keep the process alive.
 */
export function scheduleBackups(backup: () => Promise<unknown>, intervalMs: number, warn: (message: string) => void): () => Promise<void> {
  if (!(intervalMs > 0)) return async () => {};
  let current: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (current) return;
    current = backup()
      .then(
        () => {},
        (err: unknown) => warn(`WARNING: the scheduled backup failed (${err instanceof Error ? err.message : String(err)}); the server keeps running without it`),
      )
      .finally(() => {
        current = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}
