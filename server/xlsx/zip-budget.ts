import zlib from 'node:zlib';

/**
 * Reading an uploaded zip (an .xlsx) on a hard budget. The sizes a zip declares, in its
 * local headers and in its central directory, are whatever the sender wrote: a 1 MB file
 * may claim 1 KB and inflate to 1 GB. So the declared sizes only serve to refuse early;
 * the budget is enforced on the bytes that actually come out of the inflater, and the
 * inflater is stopped as soon as they pass it. Only the parts the caller asks for are
 * inflated; the others are listed (and counted) but never touched.
 *
 * The parts come back as plain buffers, and `storedZip` packs them again without
 * compression, so whatever reads that archive next (exceljs, through jszip) copies at most
 * the checked bytes and cannot be made to inflate anything.
 */
export interface ZipBudget {
  /** Entries the central directory may list, parts or not. */
  maxEntries: number;
  /** Bytes one inflated part may hold. */
  maxPartBytes: number;
  /** Bytes all the inflated parts together may hold. */
  maxTotalBytes: number;
}

export type ZipProblem =
  /** Not a zip, or a zip whose structures do not hold together (offsets, sizes, checksums). */
  | { kind: 'damaged'; detail: string }
  /** An entry name no spreadsheet writer produces: "..", absolute, control characters, too deep, duplicated. */
  | { kind: 'unsafe-name'; name: string }
  | { kind: 'too-many-entries'; entries: number; limit: number }
  /** One part inflates (or says it inflates) past maxPartBytes. */
  | { kind: 'part-too-large'; name: string; limit: number }
  /** The parts together inflate (or say they inflate) past maxTotalBytes. */
  | { kind: 'total-too-large'; limit: number };

export type BudgetedZip = { ok: true; parts: Map<string, Buffer>; entries: number } | { ok: false; problem: ZipProblem };

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  packed: number;
  unpacked: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Longest entry name accepted, in bytes, and deepest folder nesting (an .xlsx has 3 levels). */
const MAX_NAME_BYTES = 255;
const MAX_NAME_DEPTH = 8;
/** Output chunk of the inflater: the budget is overshot by at most this before it is stopped. */
const INFLATE_CHUNK = 64 * 1024;

class ZipRefusal extends Error {
  constructor(readonly problem: ZipProblem) {
    super(problem.kind);
  }
}

const damaged = (detail: string) => new ZipRefusal({ kind: 'damaged', detail });

/**
 * The parts of `bytes` whose names `wanted` accepts, inflated within `budget`. Total: every
 * problem is a value. Names are given as stored, less one leading "/".
 */
export async function inflateWithinBudget(bytes: Buffer, wanted: (name: string) => boolean, budget: ZipBudget): Promise<BudgetedZip> {
  try {
    const entries = centralDirectory(bytes, budget.maxEntries);
    const chosen = entries.filter((entry) => !entry.name.endsWith('/') && wanted(entry.name));
    // Early refusal on what the headers claim: an honest large file costs no inflating.
    let declared = 0;
    for (const entry of chosen) {
      if (entry.unpacked > budget.maxPartBytes) throw new ZipRefusal({ kind: 'part-too-large', name: entry.name, limit: budget.maxPartBytes });
      declared += entry.unpacked;
      if (declared > budget.maxTotalBytes) throw new ZipRefusal({ kind: 'total-too-large', limit: budget.maxTotalBytes });
    }
    // The real budget, on the inflated bytes.
    const parts = new Map<string, Buffer>();
    let used = 0;
    for (const entry of chosen) {
      const data = await inflateEntry(bytes, entry, budget, used);
      used += data.length;
      parts.set(entry.name, data);
    }
    return { ok: true, parts, entries: entries.length };
  } catch (error) {
    if (error instanceof ZipRefusal) return { ok: false, problem: error.problem };
    return { ok: false, problem: { kind: 'damaged', detail: error instanceof Error ? error.message : String(error) } };
  }
}

/** The entries of the central directory, names checked, offsets and sizes within the file. */
function centralDirectory(bytes: Buffer, maxEntries: number): CentralEntry[] {
  const end = endOfCentralDirectory(bytes);
  if (end.count > maxEntries) throw new ZipRefusal({ kind: 'too-many-entries', entries: end.count, limit: maxEntries });
  if (end.offset + end.size > bytes.length) throw damaged('central directory outside the file');
  const entries: CentralEntry[] = [];
  const seen = new Set<string>();
  let p = end.offset;
  const stop = end.offset + end.size;
  for (let i = 0; i < end.count; i++) {
    if (p + 46 > stop || bytes.readUInt32LE(p) !== CENTRAL) throw damaged(`central directory entry ${i + 1} unreadable`);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const next = p + 46 + nameLength + extraLength + bytes.readUInt16LE(p + 32);
    if (next > stop) throw damaged(`central directory entry ${i + 1} unreadable`);
    const raw = bytes.toString('utf8', p + 46, p + 46 + nameLength);
    const name = raw.startsWith('/') ? raw.slice(1) : raw;
    const key = name.toLowerCase();
    if (unsafeName(name) || seen.has(key)) throw new ZipRefusal({ kind: 'unsafe-name', name: printable(raw) });
    seen.add(key);
    const sizes = zip64Sizes(bytes, p + 46 + nameLength, extraLength, {
      unpacked: bytes.readUInt32LE(p + 24),
      packed: bytes.readUInt32LE(p + 20),
      localOffset: bytes.readUInt32LE(p + 42),
    });
    entries.push({ name, flags: bytes.readUInt16LE(p + 8), method: bytes.readUInt16LE(p + 10), crc: bytes.readUInt32LE(p + 16), ...sizes });
    p = next;
  }
  return entries;
}

function endOfCentralDirectory(bytes: Buffer): { count: number; size: number; offset: number } {
  const min = 22;
  if (bytes.length < min) throw damaged('too short for a zip');
  let at = -1;
  for (let i = bytes.length - min, stop = Math.max(0, bytes.length - min - 0xffff); i >= stop; i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw damaged('no end of central directory');
  const classic = { count: bytes.readUInt16LE(at + 10), size: bytes.readUInt32LE(at + 12), offset: bytes.readUInt32LE(at + 16) };
  if (classic.count !== 0xffff && classic.size !== 0xffffffff && classic.offset !== 0xffffffff) return classic;
  // Zip64: the locator sits just before the classic record and points at the zip64 record.
  const locator = at - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== EOCD64_LOCATOR) throw damaged('zip64 locator missing');
  const record = safeNumber(bytes.readBigUInt64LE(locator + 8));
  if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== EOCD64) throw damaged('zip64 record missing');
  return { count: safeNumber(bytes.readBigUInt64LE(record + 32)), size: safeNumber(bytes.readBigUInt64LE(record + 40)), offset: safeNumber(bytes.readBigUInt64LE(record + 48)) };
}

/** Sizes and offset of a central entry, the full ones taken from its zip64 extra field (id 1, in this order). */
function zip64Sizes(bytes: Buffer, extraStart: number, extraLength: number, classic: { unpacked: number; packed: number; localOffset: number }) {
  const FULL = 0xffffffff;
  if (classic.unpacked !== FULL && classic.packed !== FULL && classic.localOffset !== FULL) return classic;
  for (let q = extraStart; q + 4 <= extraStart + extraLength; q += 4 + bytes.readUInt16LE(q + 2)) {
    if (bytes.readUInt16LE(q) !== 1) continue;
    let at = q + 4;
    const fieldEnd = Math.min(at + bytes.readUInt16LE(q + 2), extraStart + extraLength);
    const next = (value: number): number => {
      if (value !== FULL) return value;
      if (at + 8 > fieldEnd) throw damaged('zip64 extra field too short');
      const full = safeNumber(bytes.readBigUInt64LE(at));
      at += 8;
      return full;
    };
    return { unpacked: next(classic.unpacked), packed: next(classic.packed), localOffset: next(classic.localOffset) };
  }
  throw damaged('zip64 extra field missing');
}

/**
 * Whether a name is one no spreadsheet writer produces: empty or too long, control
 * characters or backslashes, "." or ".." segments, empty segments, or nested too deep.
 */
export function unsafeName(name: string): boolean {
  if (name.length === 0 || Buffer.byteLength(name) > MAX_NAME_BYTES) return true;
  // eslint-disable-next-line no-control-regex -- control characters in a zip entry's name are what this refuses
  if (/[\u0000-\u001f\u007f\\]/.test(name) || name.includes('\ufffd')) return true;
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  return segments.length > MAX_NAME_DEPTH || segments.some((s) => s === '' || s === '.' || s === '..');
}

/** One entry's bytes: its local header checked, then copied (stored) or inflated under the budget. */
async function inflateEntry(bytes: Buffer, entry: CentralEntry, budget: ZipBudget, used: number): Promise<Buffer> {
  if (entry.flags & 0x0001) throw damaged(`${entry.name} is encrypted`);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL) throw damaged(`${entry.name}: local header missing`);
  const nameLength = bytes.readUInt16LE(at + 26);
  const localName = bytes.toString('utf8', at + 30, at + 30 + nameLength).replace(/^\//, '');
  if (localName !== entry.name) throw damaged(`${entry.name}: local header names ${printable(localName)}`);
  const start = at + 30 + nameLength + bytes.readUInt16LE(at + 28);
  if (start + entry.packed > bytes.length) throw damaged(`${entry.name}: data outside the file`);
  const packed = bytes.subarray(start, start + entry.packed);
  // Whichever budget is nearer decides where the inflater is stopped.
  const partLimit = Math.min(budget.maxPartBytes, budget.maxTotalBytes - used);
  const overflow = (): ZipRefusal =>
    new ZipRefusal(budget.maxPartBytes <= budget.maxTotalBytes - used ? { kind: 'part-too-large', name: entry.name, limit: budget.maxPartBytes } : { kind: 'total-too-large', limit: budget.maxTotalBytes });
  let data: Buffer;
  if (entry.method === 0) {
    if (packed.length > partLimit) throw overflow();
    data = packed;
  } else if (entry.method === 8) {
    data = await inflateRawWithin(packed, partLimit, overflow);
  } else {
    throw damaged(`${entry.name}: compression method ${entry.method} is not used by Excel`);
  }
  // Within budget, a part must still be what the directory says it is.
  if (data.length !== entry.unpacked) throw damaged(`${entry.name}: declares ${entry.unpacked} bytes, holds ${data.length}`);
  if (zlib.crc32(data) !== entry.crc) throw damaged(`${entry.name}: checksum does not match`);
  return data;
}

/**
 * Raw deflate data inflated on a stream that counts what comes out and is destroyed as soon
 * as the count passes `limit`: at most `limit` plus one output chunk is ever held.
 */
export function inflateRawWithin(packed: Buffer, limit: number, overflow: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const inflater = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK });
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) {
        chunks.length = 0;
        inflater.destroy();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, total));
      }
    };
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) settle(overflow());
      else chunks.push(chunk);
    });
    inflater.on('end', () => settle(null));
    inflater.on('error', (error) => settle(damaged(`inflate: ${error.message}`)));
    inflater.end(packed);
  });
}

/**
 * The parts packed again as a zip without compression, with true sizes and checksums: a
 * reader of this archive copies bytes, it does not inflate them.
 */
export function storedZip(parts: ReadonlyMap<string, Buffer>): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of parts) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, nameBytes, data);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(parts.size, 8);
  end.writeUInt16LE(parts.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

function safeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged('zip64 size out of range');
  return Number(n);
}

/** A name as it may be shown in a message: control characters escaped, at most 120 characters. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes for display
  const shown = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}
