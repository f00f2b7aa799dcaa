import { constants } from 'node:fs';
import { copyFile, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Durable file writes for the server's data folder.
 *
 * A write goes to a temporary file beside the target, is fsync'd, renamed over the target
 * (atomic on one file system) and the folder is fsync'd so the rename itself survives a
 * power cut. A reader therefore sees either the old or the new file, never half of one.
 */

let counter = 0;

/** `path.tmp-<pid>-<n>`: unique within this process; stale ones belong to a crashed run. */
export function tempPathFor(file: string): string {
  counter += 1;
  return `${file}.tmp-${process.pid}-${counter}`;
}

/** Matches the names made by `tempPathFor` (for the clean-up of a crashed run's leftovers). */
export const TEMP_SUFFIX = /\.tmp-\d+-\d+$/;

/** fsync of a folder: makes a rename or a new file in it durable. Not possible on Windows. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone, or the folder is unusable: nothing more to do
  }
}

/** Bytes written between two fdatasyncs of a file written in pieces. */
const SYNC_EVERY = 8 * 1024 * 1024;

/**
 * Writes the pieces one after the other, syncing every 8 MiB: the final fsync of a large
 * snapshot then has little left to flush, and the small journal fsyncs behind it on the
 * same disk do not wait for tens of MB.
 */
async function writePieces(handle: FileHandle, pieces: readonly string[]): Promise<void> {
  let unsynced = 0;
  for (const piece of pieces) {
    const { bytesWritten } = await handle.write(piece);
    unsynced += bytesWritten;
    if (unsynced >= SYNC_EVERY) {
      await handle.datasync();
      unsynced = 0;
    }
  }
}

/**
 * Writes `data` to `file` atomically and durably (temp file, fsync, rename, fsync of the
 * folder). Given pieces of text, it encodes and writes them one after the other, so a large
 * file is never encoded in one stall of the event loop.
 */
export async function writeFileDurably(file: string, data: string | Buffer | readonly string[]): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    const handle = await open(tmp, 'w');
    try {
      if (typeof data === 'string' || Buffer.isBuffer(data)) await handle.writeFile(data);
      else await writePieces(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Copies `from` to `to` with the same guarantees as `writeFileDurably` (byte-exact copy to a
 * temp file, fsync, rename, fsync of the folder). Used for the backups. With `bytes`, only
 * the first `bytes` bytes (a journal segment up to its last whole group, while it grows).
 */
export async function copyFileDurably(from: string, to: string, bytes?: number): Promise<void> {
  if (bytes !== undefined) {
    const handle = await open(from, 'r');
    const buf = Buffer.alloc(bytes);
    try {
      const { bytesRead } = await handle.read(buf, 0, bytes, 0);
      if (bytesRead !== bytes) throw new Error(`${from} holds ${bytesRead} bytes, fewer than the ${bytes} to copy`);
    } finally {
      await handle.close();
    }
    return writeFileDurably(to, buf);
  }
  const tmp = tempPathFor(to);
  try {
    await copyFile(from, tmp, constants.COPYFILE_EXCL);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, to);
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
  await syncDirectory(path.dirname(to));
}

/**
 * Appends lines (each without its newline) to a JSON-lines file and fsyncs it. A file created
 * by this call also gets its folder fsync'd, so the new name survives a power cut.
 */
export async function appendLinesDurably(file: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  for (const line of lines) {
    if (line.includes('\n')) throw new Error('appendLinesDurably: a line must not contain a newline');
  }
  const handle = await open(file, 'a');
  let created = false;
  try {
    created = (await handle.stat()).size === 0;
    await handle.writeFile(lines.join('\n') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await syncDirectory(path.dirname(file));
}

/**
 * Appends `data` to `file` from `knownLength`, the bytes known to hold whole records: what a
 * failed append (a full disk) left beyond it is cut off first, and a write that fails now is
 * cut off at once, so records are never glued. The folder is synced when the file was new.
 * Returns the new known length.
 */
export async function appendFromKnownLength(file: string, knownLength: number, data: Buffer): Promise<number> {
  const handle = await open(file, 'a');
  try {
    const { size } = await handle.stat();
    if (size !== knownLength) await handle.truncate(knownLength);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (err) {
      await handle.truncate(knownLength).catch(() => {});
      throw err;
    }
  } finally {
    await handle.close();
  }
  if (knownLength === 0) await syncDirectory(path.dirname(file));
  return knownLength + data.length;
}
