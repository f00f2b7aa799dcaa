import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * lowdb supports one process per data file. The server takes this lock; the admin CLI
 * refuses to write while a live server holds it (use the API then).
 */
export function lockFile(dataDir: string): string {
  return path.join(dataDir, 'server.pid');
}

export function holderOf(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(lockFile(dataDir), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export function takeLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const holder = holderOf(dataDir);
  if (holder !== null && holder !== process.pid) {
    throw new Error(`Another process (pid ${holder}) already uses ${dataDir}; one server per data folder.`);
  }
  writeFileSync(lockFile(dataDir), String(process.pid));
  return () => rmSync(lockFile(dataDir), { force: true });
}
