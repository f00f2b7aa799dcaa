import { createHash } from 'node:crypto';
import { open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { appendFromKnownLength, syncDirectory } from './durable-file';
import type { AuditEntry } from './types';
import { jsonText } from './json-text';

/**
 * The audit log (`audit.log`, JSON lines) and the rules that keep it true to the data.
 *
 * Every record of a write carries a sequence number `seq`. The store assigns it when the
 * write's batch is flushed and keeps the batch's lines INSIDE the data file's commit (the
 * data file records the last committed `seq` and the lines that may not have reached the
 * log yet). Only after the data file is durable are the lines appended to the log. So a
 * line exists only for a committed write; a crash between the two leaves lines that the
 * next start re-appends from the data file (`reconcileAuditLog`), a torn last line is cut
 * off, and lines above the data's `seq` (the data file was restored from a backup) are
 * moved to a side file. Lines without `seq` are notes (e.g. a failed flush), not writes.
 *
 * These functions know nothing of lowdb: a journal or PostgreSQL store can reuse them.
 */

/** A record longer than this is replaced by a bounded placeholder naming its length and hash. */
export const AUDIT_RECORD_MAX_CHARS = 256 * 1024;
/** Strings of a placeholder are cut to this many characters. */
const PLACEHOLDER_TEXT_MAX = 200;

/** What the data file keeps about the audit: the last committed seq, and lines maybe not yet in the log. */
export interface CommittedAudit {
  seq: number;
  pending: string[];
}

function cut(value: unknown): unknown {
  return typeof value === 'string' && value.length > PLACEHOLDER_TEXT_MAX ? `${value.slice(0, PLACEHOLDER_TEXT_MAX)}…` : value;
}

/**
 * The JSON object text of an audit entry, at most `maxChars` long. Never throws: an entry
 * that cannot be serialised (too big for a string, a cycle, a BigInt) or is too long becomes
 * a placeholder with who, what, which report and why, so the data write it belongs to is
 * never refused because of its audit record.
 */
export function auditBody(entry: AuditEntry, maxChars = AUDIT_RECORD_MAX_CHARS): string {
  let text: string | undefined;
  let problem: Record<string, unknown>;
  try {
    text = jsonText(entry);
    if (text?.startsWith('{') && text.length <= maxChars) return text;
    problem =
      !text?.startsWith('{')
        ? { reason: 'not a JSON object' }
        : { reason: `longer than ${maxChars} characters`, chars: text.length, sha256: createHash('sha256').update(text).digest('hex') };
  } catch (err) {
    problem = { reason: `could not be serialised: ${String(cut(err instanceof Error ? err.message : String(err)))}` };
  }
  // Object(): an untyped caller's null still gets its placeholder (this function never throws).
  const e = Object(entry) as Partial<AuditEntry>;
  const placeholder = {
    at: cut(e.at),
    actor: cut(e.actor),
    action: cut(e.action),
    planId: cut(e.planId),
    period: cut(e.period),
    agencyId: cut(e.agencyId),
    revision: typeof e.revision === 'number' ? e.revision : undefined,
    truncated: problem,
  };
  return JSON.stringify(placeholder);
}

/** `{"seq":N,…body}`: the line of a committed record. */
export function sequencedLine(seq: number, body: string): string {
  return body === '{}' ? `{"seq":${seq}}` : `{"seq":${seq},${body.slice(1)}`;
}

/** The seq of a line, or null for a note (or a line that is not JSON). */
export function seqOf(line: string): number | null {
  if (!line.startsWith('{"seq":')) return null;
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isInteger(seq) ? seq : null;
  } catch {
    return null;
  }
}

export interface AuditRepair {
  /** Byte length of the log after the repair (where the next append goes). */
  length: number;
  /** Highest seq in the log after the repair. */
  lastSeq: number;
  /** Committed lines the log lacks (the caller appends them), oldest first. */
  missing: string[];
  warnings: string[];
}

interface Line {
  start: number;
  end: number; // offset after the newline
  text: string;
}

/** Reads the last `window` bytes (whole lines only unless the window reaches the start). */
async function tailLines(file: string, size: number, window: number): Promise<{ lines: Line[]; reachedStart: boolean; torn: Line | null }> {
  const from = Math.max(0, size - window);
  const handle = await open(file, 'r');
  let buf: Buffer;
  try {
    buf = Buffer.alloc(size - from);
    await handle.read(buf, 0, buf.length, from);
  } finally {
    await handle.close();
  }
  let pos = 0;
  if (from > 0) {
    const nl = buf.indexOf(0x0a);
    pos = nl < 0 ? buf.length : nl + 1; // the first line is partial
  }
  const lines: Line[] = [];
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    lines.push({ start: from + pos, end: from + nl + 1, text: buf.toString('utf8', pos, nl) });
    pos = nl + 1;
  }
  const torn = pos < buf.length ? { start: from + pos, end: size, text: buf.toString('utf8', pos) } : null;
  return { lines, reachedStart: from === 0, torn };
}

/**
 * Makes the log agree with the data file at start-up: cuts a torn last line, moves lines
 * whose seq is above the committed one to `<log>.dropped-<time>`, and returns the committed
 * lines the log lacks (to append next). Only the tail is read (growing until it reaches a line older than
 * the data file's pending lines), so a long log costs little.
 */
export async function reconcileAuditLog(file: string, committed: CommittedAudit, now: () => Date): Promise<AuditRepair> {
  const warnings: string[] = [];
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    size = 0;
  }
  const oldestPending = committed.pending[0];
  const firstPending = oldestPending !== undefined ? (seqOf(oldestPending) ?? committed.seq) : committed.seq + 1;
  let window = 1 << 20;
  let tail: Awaited<ReturnType<typeof tailLines>> = { lines: [], reachedStart: true, torn: null };
  for (;;) {
    if (size === 0) break;
    tail = await tailLines(file, size, window);
    const anchored = tail.lines.some((l) => {
      const s = seqOf(l.text);
      return s !== null && s < firstPending;
    });
    if (anchored || tail.reachedStart) break;
    window *= 4;
  }

  let cutAt = size;
  if (tail.torn) {
    cutAt = tail.torn.start;
    warnings.push(`${file}: the last line was cut off by a crash at byte ${tail.torn.start} (${tail.torn.end - tail.torn.start} bytes); removed`);
  }
  let lastSeq = 0;
  const phantoms = tail.lines.findIndex((l) => (seqOf(l.text) ?? 0) > committed.seq);
  const kept = phantoms >= 0 ? tail.lines.slice(0, phantoms) : tail.lines;
  for (const l of kept) lastSeq = Math.max(lastSeq, seqOf(l.text) ?? 0);
  const first = tail.lines[phantoms];
  if (first) {
    cutAt = first.start;
    const aside = `${file}.dropped-${now().toISOString().replace(/:/g, '-')}`;
    const moved = tail.lines.slice(phantoms);
    const handle = await open(aside, 'w');
    try {
      await handle.writeFile(moved.map((l) => `${l.text}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(path.dirname(aside));
    warnings.push(
      `${file}: ${moved.length} line(s) from byte ${first.start} record writes the data file does not hold (its last committed seq is ${committed.seq}; restored from a backup?); moved to ${aside}`,
    );
  }
  if (cutAt < size) {
    await truncate(file, cutAt);
    await syncFile(file);
  }

  const missing = committed.pending.filter((line) => (seqOf(line) ?? 0) > lastSeq);
  const firstMissing = missing[0];
  const expectedFrom = firstMissing !== undefined ? (seqOf(firstMissing) ?? lastSeq + 1) : committed.seq + 1;
  if (lastSeq < expectedFrom - 1) {
    warnings.push(`${file}: the records with seq ${lastSeq + 1}…${expectedFrom - 1} are missing from the log and cannot be restored (the log was cut or replaced)`);
  }
  return { length: cutAt, lastSeq, missing, warnings };
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Appends lines durably, starting from the last known good length: a failed append (a full
 * disk) that left half a line is cut off before the next one, so lines are never glued.
 */
export class AuditAppender {
  constructor(
    readonly file: string,
    /** Bytes known to hold whole lines. */
    public length: number,
  ) {}

  async append(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    for (const line of lines) {
      if (line.includes('\n')) throw new Error('AuditAppender: a line must not contain a newline');
    }
    const data = Buffer.from(lines.join('\n') + '\n', 'utf8');
    this.length = await appendFromKnownLength(this.file, this.length, data);
  }
}
