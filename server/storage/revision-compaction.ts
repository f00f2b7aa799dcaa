import { appendFromKnownLength } from './durable-file';
import type { HistoryIndex } from './integrity';
import type { CapturedIndex, Location } from './revision-index';
import { encodeRevisionLine } from './revisions-file';
import type { ReportRevision } from './types';

/**
 * Compaction's first step (journal-files.ts): the revisions written since the last compaction
 * (in memory, revision-index.ts) are appended to the revisions file, yielding to the event
 * loop every few lines; then the snapshot can hold their places instead of them.
 */

/** Bytes appended to the revisions file in one durable append. */
const CHUNK = 1024 * 1024;
const LINES_PER_TURN = 200;

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
    const loc: Location = { offset: this.length + this.size, length: buf.length - 1 };
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
  /** The committed index: the recent revisions it holds are appended. */
  index: CapturedIndex;
}

/** A report's recent revisions, appended to the revisions file at `to`. */
export interface Move {
  key: string;
  revisions: ReportRevision[];
  to: Location[];
}

/**
 * Appends the captured recent revisions durably; the new committed length, what moved, and
 * the index the snapshot keeps (per report, [offset, length] of revisions 1..n).
 */
export async function moveRevisions(input: MoveInput): Promise<{ bytes: number; moves: Move[]; history: HistoryIndex }> {
  const out = new Appender(input.revisionsFile, input.committedBytes);
  const moves: Move[] = [];
  const history: HistoryIndex = {};
  let lines = 0;
  for (const [key, { locs, recent }] of input.index) {
    const pairs = locs.flatMap((l) => [l.offset, l.length]);
    const to: Location[] = [];
    for (const revision of recent) {
      const loc = out.add(encodeRevisionLine(key, revision));
      to.push(loc);
      pairs.push(loc.offset, loc.length);
      if (++lines % LINES_PER_TURN === 0) {
        await out.flush();
        await yieldToLoop();
      }
    }
    history[key] = pairs;
    if (recent.length > 0) moves.push({ key, revisions: recent, to });
  }
  await out.flush(true);
  return { bytes: out.length, moves, history };
}
