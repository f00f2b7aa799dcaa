import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { holderOf, takeLock } from '../lock';
import { openLowdbStore, type LowdbStore } from './lowdb-store';
import {
  AUDIT_BATCH,
  emptyDataTables,
  insertAuditLines,
  insertCatalog,
  insertIdempotency,
  insertReport,
  nonEmptyTables,
  notifyEverythingChanged,
  sortIdempotency,
  sortJudgements,
  sortReportKeys,
  targetDigests,
} from './migrate-pg-target';
import type { PgSettings } from './pg-pool';
import { openPgStore, type PgStore } from './pg-store';
import { DigestSet, KIND_ORDER, KINDS, type Digests } from './record-digest';
import type { StoreInventory } from './types';

/**
 * `npm run admin -- migrate --to "$DATABASE_URL"`: moves a city from the embedded store in
 * DATA_DIR to an empty PostgreSQL database, then verifies the copy.
 *
 * 1. Takes DATA_DIR's single-owner lock (refused while a server uses the folder), opens the
 *    embedded store and the database (its migrations applied first).
 * 2. Copies, in ONE transaction: every revision of every report with its original numbers,
 *    times and writers, each report's head, tokens (hashes), plans added by admins,
 *    agencies and communes, lead changes, judgements, the idempotency records still valid,
 *    and the audit log line by line as it is. A target holding data is refused unless
 *    `--replace` is given, which empties it in that same transaction. A failure rolls back
 *    everything: the database is as it was.
 * 3. Verifies: per kind, the count and a SHA-256 over the canonical JSON of each record
 *    (record-digest.ts) are computed from the embedded store while copying and read back
 *    from the database once committed; any difference is a non-zero exit.
 *
 * Reports are read one at a time (`history` per key), never the whole store at once.
 * `--verify-only` skips the copy and compares the two as they are.
 */

export interface MoveOptions {
  dataDir: string;
  url: string;
  replace: boolean;
  verifyOnly: boolean;
  settings?: Partial<PgSettings>;
  idempotencyTtlMs?: number;
  out: (line: string) => void;
}

/** Exit codes: 0 verified; 1 refused (a non-empty target, bad usage); 2 a mismatch; 3 a server holds DATA_DIR. */
export const MOVE_EXIT = { ok: 0, refused: 1, mismatch: 2, locked: 3 } as const;

/** The URL without its password, for the report. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a connection string that is not a URL)';
  }
}

async function* auditLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== '') yield line;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // no audit log yet: nothing to copy
  }
}

/** Reads the embedded store and returns its digests; with a transaction `c`, copies into it as it reads. */
async function copyInto(c: pg.ClientBase | null, source: LowdbStore, inventory: StoreInventory): Promise<Digests> {
  const d = new DigestSet();
  for (const key of sortReportKeys(await inventory.reportKeys())) {
    const revisions = await source.history(key);
    for (const r of revisions) d.of('revisions').add(r);
    d.of('heads').add({ ...key, revision: revisions.at(-1)?.revision ?? null });
    if (c) await insertReport(c, key, revisions);
  }
  const records = {
    tokens: await source.listTokens(),
    plans: await source.listPlanFiles(),
    agencies: await source.listAgencies(),
    leadChanges: await source.listLeadChanges(),
    planRetirements: await source.listPlanRetirements(),
    judgements: sortJudgements(await inventory.allJudgements()),
  };
  const idempotency = sortIdempotency(await inventory.validIdempotency());
  records.tokens.forEach((t) => d.of('tokens').add(t));
  records.plans.forEach((p) => d.of('plans').add(p));
  records.agencies.forEach((a) => d.of('agencies').add(a));
  records.leadChanges.forEach((l) => d.of('leadChanges').add(l));
  records.planRetirements.forEach((r) => d.of('planRetirements').add(r));
  records.judgements.forEach((j) => d.of('judgements').add(j));
  idempotency.forEach((r) => d.of('idempotency').add(r));
  if (c) {
    await insertCatalog(c, records);
    await insertIdempotency(c, idempotency);
  }
  let batch: string[] = [];
  let lineNo = 0;
  for await (const line of auditLines(source.auditFile)) {
    lineNo += 1;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new Error(`${source.auditFile} line ${lineNo} is not JSON; nothing was copied`);
    }
    d.of('audit').add(entry);
    batch.push(line);
    if (batch.length >= AUDIT_BATCH) {
      if (c) await insertAuditLines(c, batch);
      batch = [];
    }
  }
  if (c) await insertAuditLines(c, batch);
  return d.finish();
}

/** The plain report: one line per kind (both languages), then the verdict. */
function printComparison(out: (line: string) => void, source: Digests, target: Digests): boolean {
  out('Loại / kind — nguồn / source — đích / target — kiểm tra / check');
  let same = true;
  for (const kind of KIND_ORDER) {
    const s = source[kind];
    const t = target[kind];
    const ok = s.count === t.count && s.sha256 === t.sha256;
    same &&= ok;
    const check = ok ? `khớp / match (sha256 ${s.sha256.slice(0, 16)})` : `KHÁC / MISMATCH (sha256 ${s.sha256.slice(0, 16)} ≠ ${t.sha256.slice(0, 16)})`;
    out(`  ${KINDS[kind].vi} / ${KINDS[kind].en}: ${s.count} — ${t.count} — ${check}`);
  }
  return same;
}

/** The copy's transaction: refuses a non-empty target (unless --replace), copies, commits. */
async function copyTransaction(target: PgStore, source: LowdbStore, inventory: StoreInventory, options: MoveOptions): Promise<Digests | null> {
  const c = await target.pool.connect();
  try {
    await c.query('BEGIN');
    const held = await nonEmptyTables(c);
    if (held.length > 0 && !options.replace) {
      await c.query('ROLLBACK');
      options.out(`Cơ sở dữ liệu đích đã có dữ liệu; không chép gì. / The target database holds data already; nothing was copied: ${held.map((h) => `${h.table} ${h.rows}`).join(', ')}.`);
      options.out('Dùng --replace để xoá hết dữ liệu đích rồi chép lại (mất dữ liệu đó). / Use --replace to empty the target first (what it holds is lost).');
      return null;
    }
    if (held.length > 0) {
      options.out(`--replace: xoá dữ liệu đích / emptying the target (${held.map((h) => `${h.table} ${h.rows}`).join(', ')})`);
      await emptyDataTables(c);
    }
    const digests = await copyInto(c, source, inventory);
    await notifyEverythingChanged(c);
    await c.query('COMMIT');
    return digests;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

/** Runs the move (or, with verifyOnly, only the comparison); the exit code. */
export async function moveToPg(options: MoveOptions): Promise<number> {
  const { out } = options;
  if (!existsSync(options.dataDir)) {
    out(`Không có thư mục dữ liệu ${options.dataDir}; hãy đặt DATA_DIR. / There is no data folder ${options.dataDir}: set DATA_DIR.`);
    return MOVE_EXIT.refused;
  }
  const holder = holderOf(options.dataDir);
  if (holder !== null) {
    out(`Máy chủ (pid ${holder}) đang dùng ${options.dataDir}; hãy dừng nó trước. / The server (pid ${holder}) is using ${options.dataDir}: stop it first.`);
    return MOVE_EXIT.locked;
  }
  const release = takeLock(options.dataDir);
  try {
    const source = await openLowdbStore({ dataDir: options.dataDir, log: out, ...(options.idempotencyTtlMs !== undefined ? { idempotencyTtlMs: options.idempotencyTtlMs } : {}) });
    try {
      const inventory = source.inventory?.();
      if (!inventory) throw new Error('The embedded store cannot list its records (Store.inventory)');
      const target = await openPgStore({ url: options.url, log: out, ...(options.settings ? { settings: options.settings } : {}) });
      try {
        out(`${options.verifyOnly ? 'Kiểm tra / Verifying' : 'Chuyển / Moving'} ${options.dataDir} → ${redactedUrl(options.url)}`);
        const started = Date.now();
        const sourceDigests = options.verifyOnly ? await copyInto(null, source, inventory) : await copyTransaction(target, source, inventory, options);
        if (!sourceDigests) return MOVE_EXIT.refused;
        const same = printComparison(out, sourceDigests, await targetDigests(target));
        if (Object.values(sourceDigests).every((d) => d.count === 0)) out(`Nguồn trống: DATA_DIR có đúng không? / The source is empty: is DATA_DIR right?`);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (!same) {
          out(`KHÔNG KHỚP: dữ liệu đích khác nguồn (${seconds} s). / MISMATCH: the target differs from the source (${seconds} s).`);
          return MOVE_EXIT.mismatch;
        }
        out(`Đã kiểm tra: mọi loại khớp (${seconds} s). / Verified: every kind matches (${seconds} s).`);
        return MOVE_EXIT.ok;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    release();
  }
}
