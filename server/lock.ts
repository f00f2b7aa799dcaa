import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * lowdb supports one process per data file. The server takes this lock; the admin CLI
 * refuses to write while a live server holds it (use the API then).
 *
 * `server.pid` holds the pid and, on Linux, the process's start time (field 22 of
 * /proc/<pid>/stat, in clock ticks since boot). A pid alone can be recycled: after a
 * container restart the old server's pid is often 1, or another live process. The lock
 * counts as held only if that pid is alive AND started at the recorded time.
 */
export function lockFile(dataDir: string): string {
  return path.join(dataDir, 'server.pid');
}

/** Field 22 of /proc/<pid>/stat (start time), or null where there is no /proc or no such process. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields restart after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 3 is fields[0], so field 22 is fields[19]
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/** Seconds since the epoch at which the system booted (for locks written without a start time). */
function bootTime(): number | null {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Whether `pid` started after `mtimeMs` (so cannot have written a file of that time). */
function startedAfter(pid: number, mtimeMs: number): boolean {
  const start = processStartTime(pid);
  const boot = bootTime();
  if (start === null || boot === null) return false;
  // Clock ticks are 100 per second on Linux in practice (USER_HZ); one second of slack.
  const startedMs = (boot + Number(start) / 100) * 1000;
  return startedMs > mtimeMs + 1000;
}

/** The pid of the live process holding the lock, or null (no lock, a dead or recycled pid). */
export function holderOf(dataDir: string): number | null {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(lockFile(dataDir), 'utf8');
    mtimeMs = statSync(lockFile(dataDir)).mtimeMs;
  } catch {
    return null;
  }
  const [pidText = '', startText = ''] = text.split('\n').map((l) => l.trim());
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  const now = processStartTime(pid);
  if (startText !== '') return now === null || now === startText ? pid : null;
  // An older lock without a start time: a process that started after it was written is not its writer.
  return startedAfter(pid, mtimeMs) ? null : pid;
}

function readQuietly(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function writeLock(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock (created exclusively, so two servers starting at once cannot both win) and
 * returns its release, which removes the file only while it is still ours.
 */
export function takeLock(dataDir: string, log: (message: string) => void = () => {}): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  for (let attempt = 0; !writeLock(file); attempt++) {
    const holder = holderOf(dataDir);
    if (holder !== null && holder !== process.pid) {
      throw new Error(`Another process (pid ${holder}) already uses ${dataDir}; one server per data folder.`);
    }
    if (attempt >= 3) throw new Error(`Cannot take the lock ${file}: it keeps reappearing`);
    log(`${file} named pid ${readQuietly(file).split('\n')[0]}, which is not a server of this folder any more (stopped, or the pid was reused); taking it over`);
    rmSync(file, { force: true });
  }
  const mine = readFileSync(file, 'utf8');
  return () => {
    try {
      if (readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
    } catch {
      // already gone, or the folder is unusable
    }
  };
}
