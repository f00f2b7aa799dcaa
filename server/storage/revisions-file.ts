import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { decodeGroup, segmentName, type JournalGroup } from './journal';
import { REVISIONS_FILE, type Location, type Source } from './revision-index';
import { ReportRevision } from './types';

/**
 * The revisions file `<data file>.revisions` (`db.json.revisions`): every revision of every
 * report that a compaction took out of the journal, appended, one JSON line each:
 * `<sha256 of the JSON, hex> {"key":"planId|period|agencyId","revision":{…}}`. The snapshot
 * records how many of its bytes are committed and, per report, the byte offset and length of
 * each revision's line (revision-index.ts keeps them in memory). Bytes beyond the committed
 * length are a compaction that did not finish: start-up cuts them off, the next compaction
 * appends from the committed length again.
 *
 * Reading a revision (from this file, or from the journal group line that holds it until the
 * next compaction) checks the line's checksum, the key and revision number it names, and the
 * revision's shape (the zod schema): a damaged line is a `RevisionDamage` naming the file and
 * byte offset, never a wrong answer.
 */

export function revisionsFileName(fileName: string): string {
  return `${fileName}.revisions`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The line of one revision (without the newline). */
export function encodeRevisionLine(key: string, revision: ReportRevision): string {
  const body = `{"key":${JSON.stringify(key)},"revision":${JSON.stringify(revision)}}`;
  if (body.includes('\n')) throw new Error('revisions: a revision serialised with a newline');
  return `${sha256(body)} ${body}`;
}

/** A stored revision that cannot be read back as it was written. */
export class RevisionDamage extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    problem: string,
  ) {
    super(`${file} byte ${offset}: ${problem}. Restore the newest good copy from the backups folder beside it.`);
    this.name = 'RevisionDamage';
  }
}

/** Checks what a line holds against what the index says it holds. */
function checked(value: unknown, key: string, revision: number, file: string, offset: number): ReportRevision {
  const parsed = ReportRevision.safeParse(value);
  if (!parsed.success) throw new RevisionDamage(file, offset, `not a report revision (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const r = parsed.data;
  if (`${r.planId}|${r.period}|${r.agencyId}` !== key || r.revision !== revision) {
    throw new RevisionDamage(file, offset, `holds revision ${r.revision} of ${r.planId}|${r.period}|${r.agencyId}, not revision ${revision} of ${key}`);
  }
  return r;
}

function decodeRevisionLine(line: string, key: string, revision: number, file: string, offset: number): ReportRevision {
  if (line.length < 66 || line[64] !== ' ') throw new RevisionDamage(file, offset, 'not a revision line');
  const body = line.slice(65);
  if (sha256(body) !== line.slice(0, 64)) throw new RevisionDamage(file, offset, 'checksum mismatch');
  let json: { key?: unknown; revision?: unknown } | null;
  try {
    json = JSON.parse(body) as { key?: unknown; revision?: unknown } | null;
  } catch {
    throw new RevisionDamage(file, offset, 'not JSON');
  }
  if (json?.key !== key) throw new RevisionDamage(file, offset, `holds a revision of ${String(json?.key)}, not of ${key}`);
  return checked(json.revision, key, revision, file, offset);
}

/** Reads revisions from the revisions file and the journal segments, with the file handles it opens. */
export class RevisionReader {
  private readonly handles = new Map<string, FileHandle>();
  private readonly groups = new Map<string, JournalGroup>();

  constructor(
    private readonly dir: string,
    private readonly fileName: string,
  ) {}

  fileOf(loc: Location): string {
    return path.join(this.dir, loc.file === REVISIONS_FILE ? revisionsFileName(this.fileName) : segmentName(this.fileName, loc.file));
  }

  private async bytes(file: string, loc: Location): Promise<string> {
    let handle = this.handles.get(file);
    if (!handle) {
      handle = await open(file, 'r');
      this.handles.set(file, handle);
    }
    const buf = Buffer.alloc(loc.length);
    const { bytesRead } = await handle.read(buf, 0, loc.length, loc.offset);
    if (bytesRead !== loc.length) throw new RevisionDamage(file, loc.offset, `${loc.length} bytes expected, the file ends after ${bytesRead}`);
    return buf.toString('utf8');
  }

  async read(key: string, revision: number, loc: Location): Promise<ReportRevision> {
    const file = this.fileOf(loc);
    if (loc.file === REVISIONS_FILE) return decodeRevisionLine(await this.bytes(file, loc), key, revision, file, loc.offset);
    const id = `${loc.file}:${loc.offset}`;
    let group = this.groups.get(id);
    if (!group) {
      const decoded = decodeGroup(await this.bytes(file, loc));
      if (typeof decoded === 'string') throw new RevisionDamage(file, loc.offset, decoded);
      group = decoded;
      this.groups.set(id, group);
    }
    const op = group.ops[loc.op];
    if (op?.op !== 'report' || op.key !== key) throw new RevisionDamage(file, loc.offset, `op ${loc.op} of group ${group.n} is not a revision of ${key}`);
    return checked(op.revision, key, revision, file, loc.offset);
  }

  async close(): Promise<void> {
    for (const handle of this.handles.values()) await handle.close().catch(() => {});
    this.handles.clear();
  }
}

/** The revisions of `sources`, in order: read from disk, or copied from memory while they wait for their flush. */
export async function readSources(dir: string, fileName: string, key: string, sources: Source[]): Promise<ReportRevision[]> {
  const reader = new RevisionReader(dir, fileName);
  try {
    const out: ReportRevision[] = [];
    for (const s of sources) out.push('loc' in s ? await reader.read(key, s.revision, s.loc) : structuredClone(s.value));
    return out;
  } finally {
    await reader.close();
  }
}
