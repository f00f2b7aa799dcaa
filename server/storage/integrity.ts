import { createHash } from 'node:crypto';
import type { CommittedAudit } from './audit-log';
import type { DbData } from './db-data';
import { jsonText } from './json-text';
import type { Damage } from './types';

/**
 * Checksums of stored records: sha256 of each record's canonical JSON (keys sorted), kept
 * beside the records. Start-up recomputes them and names every record that differs, so a
 * changed digit or a changed token hash is found rather than loaded. `checksumOf` is all a
 * row store (PostgreSQL: one `sum` column per row) needs; the rest is the lowdb file's layout.
 */

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return jsonText(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}

export function checksumOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The checksums kept in the data file, laid out like the records they cover. */
export interface Sums {
  /** Each report's latest revision (the older ones carry their own checksum in the revisions file). */
  reports: Record<string, string>;
  /** Each report's entries in the index of the revisions file (`history` in the snapshot). */
  history: Record<string, string>;
  tokens: Record<string, string>;
  plans: string[];
  agencies: Record<string, string>;
  leadChanges: string[];
  /** Absent while no plan was ever retired. */
  planRetirements?: string[];
  judgements: Record<string, string>;
  idempotency: Record<string, string>;
  audit: string;
}

/** The checksums of a version-1 data file: every revision of every report. */
export type LegacySums = Omit<Sums, 'reports' | 'history'> & { reports: Record<string, string[]> };

/** Per report, the [offset, length] pairs of its revisions 1..n in the revisions file, flattened. */
export type HistoryIndex = Record<string, number[]>;

/**
 * Sums per record object. Stored records are never changed in place (a change replaces the
 * object), so a record is hashed once, when it is first written or read from the file.
 */
export class ChecksumCache {
  private readonly sums = new WeakMap<object, string>();

  of(record: unknown): string {
    if (record === null || typeof record !== 'object') return checksumOf(record);
    let sum = this.sums.get(record);
    if (sum === undefined) {
      sum = checksumOf(record);
      this.sums.set(record, sum);
    }
    return sum;
  }
}

function planLabel(plan: unknown, i: number): string {
  const id = (plan as { plan?: { id?: unknown; revision?: unknown } } | null)?.plan;
  return typeof id?.id === 'string' ? `#${i} (${id.id}${typeof id.revision === 'number' ? ` r${id.revision}` : ''})` : `#${i}`;
}

type OtherSums = Omit<Sums, 'reports' | 'history'>;

function sealOthers(data: Omit<DbData, 'reports' | 'version'>, audit: CommittedAudit, cache: ChecksumCache): OtherSums {
  const byKey = <T>(records: Record<string, T>) => Object.fromEntries(Object.entries(records).map(([k, r]) => [k, cache.of(r)]));
  return {
    tokens: Object.fromEntries(data.tokens.map((t) => [t.id, cache.of(t)])),
    plans: data.plans.map((p) => cache.of(p)),
    agencies: Object.fromEntries(data.agencies.map((a) => [a.id, cache.of(a)])),
    leadChanges: data.leadChanges.map((c) => cache.of(c)),
    ...(data.planRetirements ? { planRetirements: data.planRetirements.map((r) => cache.of(r)) } : {}),
    judgements: byKey(data.judgements),
    idempotency: byKey(data.idempotency),
    audit: checksumOf(audit),
  };
}

/** The checksums of everything in `data`, of the index of the revisions file, and of the audit state written with them. */
export function sealData(data: DbData, audit: CommittedAudit, history: HistoryIndex, cache: ChecksumCache): Sums {
  return {
    reports: Object.fromEntries(Object.entries(data.reports).map(([k, r]) => [k, cache.of(r)])),
    history: Object.fromEntries(Object.entries(history).map(([k, list]) => [k, checksumOf(list)])),
    ...sealOthers(data, audit, cache),
  };
}

/** Compares a list of records with their sums, both ways. */
function compare(kind: Damage['kind'], expected: Array<[string, string, number?]>, actual: Array<[string, string, number?]>, out: Damage[]): void {
  const id = (key: string, revision?: number) => `${key}\u0000${revision ?? ''}`;
  const stored = new Map(expected.map(([key, sum, revision]) => [id(key, revision), sum]));
  const seen = new Set<string>();
  for (const [key, sum, revision] of actual) {
    const k = id(key, revision);
    seen.add(k);
    const want = stored.get(k);
    if (want === undefined) out.push({ kind, key, ...(revision !== undefined ? { revision } : {}), problem: 'no checksum' });
    else if (want !== sum) out.push({ kind, key, ...(revision !== undefined ? { revision } : {}), problem: 'checksum mismatch' });
  }
  for (const [key, , revision] of expected) {
    if (!seen.has(id(key, revision))) out.push({ kind, key, ...(revision !== undefined ? { revision } : {}), problem: 'record missing' });
  }
}

function verifyOthers(data: Omit<DbData, 'reports' | 'version'>, audit: CommittedAudit, sums: OtherSums, cache: ChecksumCache, damage: Damage[]): void {
  const found = sealOthers(data, audit, cache);
  compare('token', Object.entries(sums.tokens), Object.entries(found.tokens), damage);
  compare('plan', sums.plans.map((s, i) => [planLabel(data.plans[i], i), s]), found.plans.map((s, i) => [planLabel(data.plans[i], i), s]), damage);
  compare('agency', Object.entries(sums.agencies), Object.entries(found.agencies), damage);
  compare('lead-change', sums.leadChanges.map((s, i) => [`#${i}`, s]), found.leadChanges.map((s, i) => [`#${i}`, s]), damage);
  compare('plan-retirement', (sums.planRetirements ?? []).map((s, i) => [`#${i}`, s]), (found.planRetirements ?? []).map((s, i) => [`#${i}`, s]), damage);
  compare('judgement', Object.entries(sums.judgements), Object.entries(found.judgements), damage);
  compare('idempotency', Object.entries(sums.idempotency), Object.entries(found.idempotency), damage);
  if (sums.audit !== found.audit) damage.push({ kind: 'audit', key: 'seq and pending lines', problem: 'checksum mismatch' });
}

/**
 * Every record whose checksum differs, lacks one, or whose checksum names a record that is
 * gone; each report's index entries likewise, and its latest revision must be its last entry.
 */
export function verifyData(data: DbData, audit: CommittedAudit, history: HistoryIndex, sums: Sums, cache: ChecksumCache): Damage[] {
  const damage: Damage[] = [];
  // A report's latest revision is named by its number in the index (the count of its entries).
  const latestOf = (map: Record<string, unknown>) => Object.entries(map).map(([k, sum]): [string, string, number] => [k, String(sum), (history[k]?.length ?? 0) / 2]);
  compare('report', latestOf(sums.reports), latestOf(Object.fromEntries(Object.entries(data.reports).map(([k, r]) => [k, cache.of(r)]))), damage);
  compare('report', Object.entries(sums.history), Object.entries(history).map(([k, list]) => [k, checksumOf(list)]), damage);
  for (const [k, latest] of Object.entries(data.reports)) {
    const count = (history[k]?.length ?? 0) / 2;
    if (latest.revision !== count) damage.push({ kind: 'report', key: k, revision: latest.revision, problem: count < latest.revision ? 'record missing' : 'checksum mismatch' });
  }
  verifyOthers(data, audit, sums, cache, damage);
  return damage;
}

/** The same for a version-1 file (every revision in it), before it is moved to the revisions file. */
export function verifyLegacyData(data: Omit<DbData, 'reports' | 'version'> & { reports: Record<string, unknown[]> }, audit: CommittedAudit, sums: LegacySums, cache: ChecksumCache): Damage[] {
  const damage: Damage[] = [];
  // Revisions are 1..n by position: a changed revision number shows as a mismatch there.
  const revisionsOf = (map: Record<string, string[]>) => Object.entries(map).flatMap(([k, list]) => list.map((sum, i): [string, string, number] => [k, sum, i + 1]));
  const found = Object.fromEntries(Object.entries(data.reports).map(([k, list]) => [k, list.map((r) => cache.of(r))]));
  compare('report', revisionsOf(sums.reports), revisionsOf(found), damage);
  verifyOthers(data, audit, sums, cache, damage);
  return damage;
}

/**
 * Hashes every record the cache does not know yet, a slice at a time with a yield to the
 * event loop between slices, so that `sealData` afterwards only looks sums up: compaction
 * seals years of history without one long stall.
 */
export async function warmChecksums(data: DbData, cache: ChecksumCache, slice = 200): Promise<void> {
  const records: unknown[] = [...Object.values(data.reports), ...data.tokens, ...data.plans, ...data.agencies, ...data.leadChanges, ...(data.planRetirements ?? []), ...Object.values(data.judgements), ...Object.values(data.idempotency)];
  for (let i = 0; i < records.length; i += slice) {
    for (const record of records.slice(i, i + slice)) cache.of(record);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
