import { readFile } from 'node:fs/promises';
import { appendFromKnownLength } from './durable-file';
import type { HistoryIndex } from './integrity';
import { decodeGroup, type Segment } from './journal';
import { REVISIONS_FILE, locationAt, revisionsIn, setLocation, type CapturedIndex, type Location } from './revision-index';
import { encodeRevisionLine } from './revisions-file';

/**
 * Compaction's first step (journal-files.ts): the revisions of the journal segments it covers
 * are appended to the revisions file, and the captured index is pointed at them there. The
 * segments are read back from disk (their lines checked as at start-up), one at a time,
 * yielding to the event loop every few lines: no revision needs to stay in memory for it.
 */

/** A revision moved from a journal group line to the revisions file. */
export interface Move {
  key: string;
  revision: number;
  from: Location;
  to: Location;
}

/** Bytes appended to the revisions file in one durable append. */
const CHUNK = 1024 * 1024;
const LINES_PER_TURN = 20;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Collects revision lines and appends them durably, a chunk at a time, from the committed length. */
export class Appender {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly file: string,
    /** The committed length: what a compaction that did not finish left beyond it is cut off by the first append. */
    public length: number,
  ) {}

  /** Where the line will be once flushed. */
  add(line: string): Location {
    const buf = Buffer.from(`${line}\n`, 'utf8');
    const loc: Location = { file: REVISIONS_FILE, offset: this.length + this.size, length: buf.length - 1, op: 0 };
    this.parts.push(buf);
    this.size += buf.length;
    return loc;
  }

  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < CHUNK)) return;
    this.length = await appendFromKnownLength(this.file, this.length, Buffer.concat(this.parts));
    this.parts = [];
    this.size = 0;
  }
}

export interface MoveInput {
  revisionsFile: string;
  /** The revisions file's committed length (the snapshot's `revisions.bytes`). */
  committedBytes: number;
  /** The sealed segments, oldest first. */
  covered: Segment[];
  /** Groups up to this number are in the revisions file already (the previous snapshot's). */
  after: number;
  /** The committed index, changed in place to point at the revisions file. */
  index: CapturedIndex;
}

/** Appends the covered segments' revisions durably; the new committed length and what moved. */
export async function moveRevisions(input: MoveInput): Promise<{ bytes: number; moves: Move[] }> {
  const out = new Appender(input.revisionsFile, input.committedBytes);
  const moves: Move[] = [];
  for (const segment of input.covered) {
    const buf = await readFile(segment.file);
    let pos = 0;
    let lines = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) throw new Error(`${segment.file}: a line without its newline at byte ${pos}`);
      const group = decodeGroup(buf.toString('utf8', pos, nl));
      if (typeof group === 'string') throw new Error(`${segment.file} byte ${pos}: ${group}`);
      if (group.n > input.after) {
        for (const [i, op] of group.ops.entries()) {
          if (op.op !== 'report') continue;
          const from: Location = { file: segment.first, offset: pos, length: nl - pos, op: i };
          const entries = input.index.get(op.key);
          const r = op.revision.revision;
          const held = entries && r <= revisionsIn(entries) ? locationAt(entries, r) : null;
          if (!entries || held?.file !== from.file || held.offset !== from.offset || held.op !== i) {
            throw new Error(`${segment.file} byte ${pos}: revision ${r} of ${op.key} is not where the index has it`);
          }
          const to = out.add(encodeRevisionLine(op.key, op.revision));
          setLocation(entries, r, to);
          moves.push({ key: op.key, revision: r, from, to });
        }
        await out.flush();
      }
      pos = nl + 1;
      if (++lines % LINES_PER_TURN === 0) await yieldToLoop();
    }
  }
  await out.flush(true);
  return { bytes: out.length, moves };
}

/** The captured index as the snapshot keeps it: per report, [offset, length] in the revisions file. Every entry must be there. */
export function historyOf(index: CapturedIndex): HistoryIndex {
  const history: HistoryIndex = {};
  for (const [key, entries] of index) {
    const pairs: number[] = [];
    for (let r = 1; r <= revisionsIn(entries); r++) {
      const loc = locationAt(entries, r);
      if (loc.file !== REVISIONS_FILE) throw new Error(`revision ${r} of ${key} is still in journal segment ${loc.file} after compaction`);
      pairs.push(loc.offset, loc.length);
    }
    history[key] = pairs;
  }
  return history;
}
