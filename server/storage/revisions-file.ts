import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Location, Source } from './revision-index';
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
 * Reading a revision back checks the line's checksum, the key and revision number it names,
 * and the revision's shape (the zod schema): a damaged line is a `RevisionDamage` naming the
 * file and byte offset, never a wrong answer. (Revisions written since the last compaction
 * are in memory, revision-index.ts.)
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

/** Reads revisions from the revisions file through one handle, shared by every read (opened at the first, closed with the store). */
export class RevisionReader {
  private handle: Promise<FileHandle> | null = null;

  constructor(readonly file: string) {}

  private async bytes(loc: Location): Promise<string> {
    this.handle ??= open(this.file, 'r');
    const handle = await this.handle.catch((err: unknown) => {
      this.handle = null;
      throw err;
    });
    const buf = Buffer.alloc(loc.length);
    const { bytesRead } = await handle.read(buf, 0, loc.length, loc.offset);
    if (bytesRead !== loc.length) throw new RevisionDamage(this.file, loc.offset, `${loc.length} bytes expected, the file ends after ${bytesRead}`);
    return buf.toString('utf8');
  }

  async read(key: string, revision: number, loc: Location): Promise<ReportRevision> {
    return decodeRevisionLine(await this.bytes(loc), key, revision, this.file, loc.offset);
  }

  /** The revisions of `sources`, in order: read from disk, or copied from memory. */
  async readSources(key: string, sources: Source[]): Promise<ReportRevision[]> {
    return Promise.all(sources.map((s) => ('loc' in s ? this.read(key, s.revision, s.loc) : Promise.resolve(structuredClone(s.value)))));
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await (await handle.catch(() => null))?.close().catch(() => {});
  }
}
