import { createHash } from 'node:crypto';
import { open, readFile, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { appendFromKnownLength, syncDirectory } from './durable-file';
import type { JournalOp } from './journal-ops';

/**
 * The journal of the embedded store: committed mutations, appended, one line per group
 * commit, in segment files `<data file>.journal.<first group number, 12 digits>`.
 *
 * A line is `<sha256 of the JSON, hex> <JSON>\n`, the JSON `{"n":…,"ops":[…],"audit":[…]}`:
 * the group's number (1, 2, 3, … across segments), its mutations (journal-ops.ts) and its
 * numbered audit records. One write and one fsync per group; a segment's first append also
 * fsyncs the folder. Compaction (lowdb-store.ts) starts a new segment, writes a snapshot of
 * the data up to the last group of the old ones and then deletes them.
 *
 * Reading back: a bad line (checksum, JSON, numbering) at the very end of the newest segment
 * is a torn tail (a crash mid-append) and is cut off; a bad line anywhere else is damage in
 * the middle, and the store refuses to start.
 */

export interface JournalGroup {
  n: number;
  ops: JournalOp[];
  /** The group's audit records, as sequenced JSON lines (audit-log.ts). */
  audit: string[];
}

const DIGITS = 12;

export function segmentName(fileName: string, first: number): string {
  return `${fileName}.journal.${String(first).padStart(DIGITS, '0')}`;
}

export interface Segment {
  file: string;
  first: number;
}

/** The segments of `fileName` in `dir`, oldest first. */
export async function listSegments(dir: string, fileName: string): Promise<Segment[]> {
  const prefix = `${fileName}.journal.`;
  const found: Segment[] = [];
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith(prefix)) continue;
    const digits = entry.slice(prefix.length);
    if (!/^\d+$/.test(digits)) continue;
    found.push({ file: path.join(dir, entry), first: Number(digits) });
  }
  return found.sort((a, b) => a.first - b.first);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One group as its journal line (without the newline). */
export function encodeGroup(group: JournalGroup): string {
  const body = `{"n":${group.n},"ops":${JSON.stringify(group.ops)},"audit":[${group.audit.join(',')}]}`;
  if (body.includes('\n')) throw new Error('journal: a group serialised with a newline');
  return `${sha256(body)} ${body}`;
}

/** The group of a journal line, or why it is not one. */
export function decodeGroup(line: string): JournalGroup | string {
  if (line.length < 66 || line[64] !== ' ') return 'not a journal line';
  const body = line.slice(65);
  if (sha256(body) !== line.slice(0, 64)) return 'checksum mismatch';
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const g = json as { n?: unknown; ops?: unknown; audit?: unknown } | null;
  if (typeof g?.n !== 'number' || !Number.isInteger(g.n) || !Array.isArray(g.ops) || !Array.isArray(g.audit)) return 'not a journal group';
  return { n: g.n, ops: g.ops as JournalOp[], audit: g.audit.map((a) => JSON.stringify(a)) };
}

/** Where a group's line is: its segment (by first group number), byte offset and length without the newline. */
export interface GroupPlace {
  segment: number;
  offset: number;
  length: number;
}

export interface JournalRead {
  /** Groups after `after`, in order, with where each line is. */
  groups: Array<JournalGroup & { at: GroupPlace }>;
  /** The last group number found (or `after` when none is newer). */
  last: number;
  segments: Segment[];
  /** A torn tail of the newest segment: where to cut it, and what it was. */
  torn: { file: string; at: number; bytes: number; problem: string } | null;
  /** The committed byte length of the newest segment (after cutting a torn tail). */
  lastSegmentLength: number;
}

/** Damage the store must not open over: a bad line in the middle, a missing or repeated group. */
export class JournalDamage extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'JournalDamage';
  }
}

interface RawLine {
  text: string;
  start: number;
  /** Bytes, without the newline. */
  bytes: number;
  /** False for a last piece without its newline. */
  whole: boolean;
}

function splitLines(buf: Buffer): RawLine[] {
  const lines: RawLine[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    lines.push({ text: buf.toString('utf8', pos, end), start: pos, bytes: end - pos, whole: nl >= 0 });
    pos = end + 1;
  }
  return lines;
}

/**
 * Reads every segment, checking each line's checksum and the numbering, and returns the
 * groups newer than `after` (the snapshot's position). Throws `JournalDamage` for damage that
 * is not a torn tail. Changes nothing on disk.
 */
export async function readJournal(dir: string, fileName: string, after: number): Promise<JournalRead> {
  const segments = await listSegments(dir, fileName);
  const groups: JournalRead['groups'] = [];
  let last = after;
  let previous: number | null = null;
  let torn: JournalRead['torn'] = null;
  let lastSegmentLength = 0;
  for (const [s, segment] of segments.entries()) {
    const newest = s === segments.length - 1;
    const buf = await readFile(segment.file);
    const lines = splitLines(buf);
    lastSegmentLength = buf.length;
    for (const [i, line] of lines.entries()) {
      const decoded = line.whole ? decodeGroup(line.text) : 'cut off (no newline)';
      const expected = previous === null ? null : previous + 1;
      const problem = typeof decoded === 'string' ? decoded : expected !== null && decoded.n !== expected ? `group ${decoded.n} where ${expected} was expected` : null;
      if (problem !== null) {
        const where = `${segment.file} line ${i + 1} (byte ${line.start})`;
        if (newest && i === lines.length - 1 && typeof decoded === 'string') {
          torn = { file: segment.file, at: line.start, bytes: buf.length - line.start, problem };
          lastSegmentLength = line.start;
          break;
        }
        const after_ = lines.length - 1 - i;
        throw new JournalDamage(segment.file, `${where}: ${problem}${after_ > 0 || !newest ? ` (${after_} line(s)${newest ? '' : ' and newer segments'} follow it, so it is not a torn tail)` : ''}`);
      }
      const group = decoded as JournalGroup;
      if (previous === null && group.n !== segment.first) {
        throw new JournalDamage(segment.file, `${segment.file} starts with group ${group.n}, its name says ${segment.first}`);
      }
      previous = group.n;
      if (group.n > after) {
        if (group.n !== last + 1) throw new JournalDamage(segment.file, `${segment.file}: group ${group.n} follows group ${last}: groups ${last + 1}…${group.n - 1} are missing`);
        groups.push({ ...group, at: { segment: segment.first, offset: line.start, length: line.bytes } });
        last = group.n;
      }
    }
  }
  return { groups, last, segments, torn, lastSegmentLength };
}

/** Cuts a torn tail off durably. */
export async function cutTornTail(file: string, at: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(at);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Appends groups to the newest segment, from its last known good length: a failed append
 * (a full disk) that left part of a line is cut off at once, and again before the next
 * append, so a rejected group never stays in the journal and lines are never glued.
 */
export class JournalWriter {
  constructor(
    readonly dir: string,
    readonly fileName: string,
    /** The newest segment's file (null: none yet, the next append creates one). */
    private segment: Segment | null,
    /** Bytes of the newest segment known to hold whole groups. */
    public length: number,
    /** The number of the last group written. */
    public last: number,
  ) {}

  get current(): Segment | null {
    return this.segment;
  }

  /** Every group from now on goes to a new segment (created by the next append). */
  startSegment(): void {
    this.segment = null;
    this.length = 0;
  }

  /** Appends the group's line; where it went. */
  async append(group: JournalGroup): Promise<GroupPlace> {
    if (group.n !== this.last + 1) throw new Error(`journal: group ${group.n} after ${this.last}`);
    const data = Buffer.from(`${encodeGroup(group)}\n`, 'utf8');
    const segment = this.segment ?? { file: path.join(this.dir, segmentName(this.fileName, group.n)), first: group.n };
    const offset = this.length;
    this.length = await appendFromKnownLength(segment.file, this.length, data);
    this.segment = segment;
    this.last = group.n;
    return { segment: segment.first, offset, length: data.length - 1 };
  }
}

/** Deletes segments whose groups are all in the snapshot now. */
export async function removeSegments(dir: string, segments: Segment[]): Promise<void> {
  for (const segment of segments) await unlink(segment.file);
  if (segments.length > 0) await syncDirectory(dir);
}
