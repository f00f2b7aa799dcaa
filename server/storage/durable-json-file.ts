import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { z } from 'zod';
import type { CommittedAudit } from './audit-log';
import { DB_VERSION, emptyData, type DbData } from './db-data';
import { shallowCopy } from './journal-ops';
import { jsonText } from './json-text';
import { writeFileDurably } from './durable-file';
import type { HistoryIndex, LegacySums, Sums } from './integrity';
import { StoreCorruptError, type ReportRevision } from './types';

/** The data file: the data, the index of the revisions file, the committed audit state and the checksums. */
export interface DbFile extends DbData {
  /** Per report, [offset, length] of each revision's line in the revisions file, revisions 1..n. */
  history: HistoryIndex;
  /** The committed length of the revisions file: bytes after it belong to a compaction that did not finish. */
  revisions: { bytes: number };
  audit?: CommittedAudit;
  sums?: Sums;
  /** The last journal group this snapshot holds (journal.ts). */
  journal?: { seq: number };
}

/** A data file of version 1 (every revision of every report in it), migrated at start (legacy-snapshot.ts). */
export interface LegacyDbFile extends Omit<DbData, 'version' | 'reports'> {
  version: 1;
  reports: Record<string, ReportRevision[]>;
  audit?: CommittedAudit;
  sums?: LegacySums;
  /** Absent in files written before the journal. */
  journal?: { seq: number };
}

export type StoredDoc = DbFile | LegacyDbFile;

/** The document of an empty store. */
export function emptyDoc(): DbFile {
  return { ...emptyData(), history: {}, revisions: { bytes: 0 } };
}

const AnyObject = z.looseObject({});

const CommonShape = {
  tokens: z.array(AnyObject),
  plans: z.array(z.unknown()),
  agencies: z.array(AnyObject),
  leadChanges: z.array(AnyObject),
  planRetirements: z.array(AnyObject).optional(),
  judgements: z.record(z.string(), AnyObject).optional(),
  idempotency: z.record(z.string(), AnyObject),
  /** Absent in files written before the audit was committed with the data. */
  audit: z.object({ seq: z.number().int().min(0), pending: z.array(z.string()) }).optional(),
  journal: z.object({ seq: z.number().int().min(0) }).optional(),
};

const OtherSums = {
  tokens: z.record(z.string(), z.string()),
  plans: z.array(z.string()),
  agencies: z.record(z.string(), z.string()),
  leadChanges: z.array(z.string()),
  planRetirements: z.array(z.string()).optional(),
  judgements: z.record(z.string(), z.string()),
  idempotency: z.record(z.string(), z.string()),
  audit: z.string(),
};

/** The top-level shape checked on start; the records themselves are checked by their checksums (integrity.ts). */
const DbShape = z.object({
  version: z.literal(DB_VERSION),
  reports: z.record(z.string(), AnyObject),
  history: z.record(z.string(), z.array(z.number().int().min(0))),
  revisions: z.object({ bytes: z.number().int().min(0) }),
  ...CommonShape,
  /** Absent only in a file whose checksums were removed (accepted once, then added). */
  sums: z.object({ reports: z.record(z.string(), z.string()), history: z.record(z.string(), z.string()), ...OtherSums }).optional(),
});

/** Version 1: every revision in the file; `sums` absent in files written before checksums. */
const LegacyShape = z.object({
  version: z.literal(1),
  reports: z.record(z.string(), z.array(AnyObject)),
  ...CommonShape,
  sums: z.object({ reports: z.record(z.string(), z.array(z.string())), ...OtherSums }).optional(),
});

/** How the adapter makes a file durable: `writeFileDurably`, or a test's failing stand-in. Gets the text in pieces. */
export type WriteFile = (file: string, pieces: readonly string[]) => Promise<void>;

/**
 * lowdb's adapter for the data file (`new Low(new DurableJsonFile(file), …)`).
 *
 * read: `null` when there is no file (lowdb then keeps the default data); a file that is not
 * JSON or not of the expected top-level shape raises `StoreCorruptError` and is left as it is.
 *
 * write: the containers of the document are copied at the call, before anything is awaited
 * (records are never changed in place, see journal-ops.ts), so a write holds exactly the data
 * as it was at the call; the text is then built in slices of records, yielding to the event
 * loop between them, so that a snapshot of years of history does not stall the requests
 * served meanwhile; then one `writeFileDurably` of the pieces. The store writes this file
 * only as a snapshot (on creation and by compaction): every commit goes to the journal.
 */
export class DurableJsonFile implements Adapter<StoredDoc> {
  /** Whether the last read found a file. */
  found = false;

  constructor(
    readonly file: string,
    private readonly writeFile: WriteFile = writeFileDurably,
  ) {}

  async read(): Promise<StoredDoc | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.found = false;
        return null;
      }
      throw err;
    }
    this.found = true;
    return parseDbText(this.file, text);
  }

  async write(data: StoredDoc): Promise<void> {
    if (data.version !== DB_VERSION) throw new Error(`only version-${DB_VERSION} data files are written`);
    const frozen: DbFile = { ...shallowCopy(data), history: data.history, revisions: data.revisions, audit: data.audit, sums: data.sums, journal: data.journal };
    await this.writeFile(this.file, await stringifyInSlices(frozen));
  }
}

/** Records serialised between two yields to the event loop. */
const SLICE = 200;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Collects the text; every SLICE records it yields to the event loop and closes one piece. */
class Slicer {
  readonly pieces: string[] = [];
  private pending: string[] = [];
  private records = 0;

  push(text: string): void {
    this.pending.push(text);
  }

  async record(text: string): Promise<void> {
    this.pending.push(text);
    this.records += 1;
    if (this.records % SLICE === 0) {
      this.close();
      await yieldToLoop();
    }
  }

  close(): string[] {
    if (this.pending.length > 0) this.pieces.push(this.pending.join(''));
    this.pending = [];
    return this.pieces;
  }
}

/** `JSON.stringify` of a record map, a value (a record, a report's index entries) at a time. */
async function stringifyMap(map: Record<string, unknown>, out: Slicer): Promise<void> {
  out.push('{');
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    await out.record(`${first ? '' : ','}${JSON.stringify(key)}:${jsonText(value) ?? 'null'}`);
    first = false;
  }
  out.push('}');
}

const MAPS = new Set(['reports', 'history', 'idempotency']);

/**
 * The same text as `JSON.stringify(doc)` (keys in the same order), in pieces, built without
 * one long stall (and written piece by piece: encoding tens of MB at once stalls too).
 */
export async function stringifyInSlices(doc: DbFile): Promise<string[]> {
  const out = new Slicer();
  out.push('{');
  let first = true;
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (MAPS.has(key)) await stringifyMap(value as Record<string, unknown>, out);
    else if (key === 'sums') {
      const { reports, history, ...rest } = value as Sums;
      out.push('{"reports":');
      await stringifyMap(reports, out);
      out.push(',"history":');
      await stringifyMap(history, out);
      const tail = JSON.stringify(rest);
      out.push(tail === '{}' ? '}' : `,${tail.slice(1)}`);
    } else out.push(JSON.stringify(value));
  }
  out.push('}');
  return out.close();
}

function shapeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

function parseDbText(file: string, text: string): StoredDoc {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new StoreCorruptError(file, err);
  }
  const legacy = (json as { version?: unknown } | null)?.version === 1;
  const checked = legacy ? LegacyShape.safeParse(json) : DbShape.safeParse(json);
  if (!checked.success) {
    throw new StoreCorruptError(file, new Error(`not a version-${legacy ? 1 : DB_VERSION} data file: ${shapeIssues(checked.error)}`));
  }
  // Files written before judgements existed have none.
  const data = json as Omit<StoredDoc, 'judgements'> & { judgements?: DbFile['judgements'] };
  return { ...data, judgements: data.judgements ?? {} } as StoredDoc;
}
