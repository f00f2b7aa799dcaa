import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_SUFFIX, copyFileDurably } from './durable-file';

/**
 * Backup copies of the data file in `<dataDir>/backups/<base>-<time>.json`, made at start
 * and on a schedule while running, the newest `keep` kept. The data file is only ever
 * replaced by a rename, so a copy is always one whole committed version.
 */

/** The file operations a backup uses; tests replace them to simulate a full disk. */
export interface BackupFs {
  mkdir(dir: string): Promise<unknown>;
  readdir(dir: string): Promise<string[]>;
  unlink(file: string): Promise<void>;
  copy(from: string, to: string): Promise<void>;
}

export const nodeBackupFs: BackupFs = {
  mkdir: (dir) => mkdir(dir, { recursive: true }),
  readdir: (dir) => readdir(dir),
  unlink: (file) => unlink(file),
  copy: copyFileDurably,
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Copies the data file into `backups/` and keeps the newest `keep` copies; returns the new copy's path. */
export async function rotateBackups(file: string, dataDir: string, keep: number, now: () => Date, fs: BackupFs = nodeBackupFs): Promise<string | null> {
  if (keep <= 0) return null;
  const dir = path.join(dataDir, 'backups');
  await fs.mkdir(dir);
  const base = path.basename(file).replace(/\.json$/i, '');
  const stamp = now().toISOString().replace(/:/g, '-');
  const pattern = new RegExp(`^${escapeRegExp(base)}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(?:\\.\\d+)?Z)(?:-(\\d+))?\\.json$`);
  const copies: Array<{ name: string; stamp: string; n: number }> = [];
  for (const entry of await fs.readdir(dir)) {
    if (TEMP_SUFFIX.test(entry)) {
      await fs.unlink(path.join(dir, entry)).catch(() => {});
      continue;
    }
    const m = pattern.exec(entry);
    if (m?.[1] !== undefined) copies.push({ name: entry, stamp: m[1], n: m[2] ? Number(m[2]) : 0 });
  }
  // Copies within one clock tick get "-1", "-2", …, always above the copies already there
  // (a freed lower number would sort as older than it is).
  const sameStamp = copies.filter((c) => c.stamp === stamp);
  const n = sameStamp.length === 0 ? 0 : Math.max(...sameStamp.map((c) => c.n)) + 1;
  const name = n === 0 ? `${base}-${stamp}.json` : `${base}-${stamp}-${n}.json`;
  await fs.copy(file, path.join(dir, name));
  copies.push({ name, stamp, n });

  copies.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.n - b.n));
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
    await fs.unlink(path.join(dir, old.name));
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
