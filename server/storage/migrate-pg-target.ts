import type pg from 'pg';
import type { Agency } from '../../shared/schema/agency';
import { jsonText } from './json-text';
import { CHANGES_CHANNEL, changePayload, newOrigin } from './pg-changes';
import type { PgStore } from './pg-store';
import { DigestSet, sortedCanonically, type Digests } from './record-digest';
import type { IdempotencyRecord, Judgement, LeadChange, PlanRetirement, ReportKey, ReportRevision, TokenRecord } from './types';

/**
 * The PostgreSQL side of a move (migrate-to-pg.ts): bulk writes that keep every field as it
 * was, and the reads that checksum what the database then holds.
 *
 * Why not the Store's writes: `putReport` stamps `savedAt` with the clock and adds an audit
 * row per revision, `addToken` and the others add theirs too; a move must keep the original
 * times and copy the audit log as it was, not grow it. So the copy writes the rows of
 * migration 001 directly, in the move's one transaction; this is the only code besides
 * pg-store.ts that writes them, and it is used only on an empty database.
 */

/** Every table that holds data (not schema_migrations, not the rate-limit counters). */
const DATA_TABLES = ['report_heads', 'report_revisions', 'idempotency', 'audit', 'tokens', 'plan_files', 'agencies', 'lead_changes', 'plan_retirements', 'judgements'] as const;

/** How many audit lines go in one INSERT. */
export const AUDIT_BATCH = 1000;

function json(value: unknown, what: string): string {
  const text = jsonText(value);
  if (text === undefined) throw new TypeError(`${what} cannot be stored as JSON`);
  return text;
}

/** "planId|period|agencyId": the order reports are copied and checksummed in, on both sides. */
export function reportOrderKey(key: ReportKey): string {
  return `${key.planId}|${key.period}|${key.agencyId}`;
}

export function sortReportKeys(keys: ReportKey[]): ReportKey[] {
  return sortedCanonically(keys, reportOrderKey);
}

export function sortJudgements(list: Judgement[]): Judgement[] {
  return sortedCanonically(list, (j) => JSON.stringify([j.planId, j.period, j.indicator]));
}

export function sortIdempotency(list: IdempotencyRecord[]): IdempotencyRecord[] {
  return sortedCanonically(list, (r) => JSON.stringify([r.scope, r.key]));
}

/**
 * The tables that hold rows already, with their counts (empty: none). Locks them first until
 * the move's transaction ends, so that no other writer (a second move, a server started
 * too early) can add rows between this check and the commit; readers are not blocked.
 */
export async function nonEmptyTables(c: pg.ClientBase): Promise<Array<{ table: string; rows: number }>> {
  await c.query(`LOCK TABLE ${DATA_TABLES.join(', ')} IN EXCLUSIVE MODE`);
  const found: Array<{ table: string; rows: number }> = [];
  for (const table of DATA_TABLES) {
    const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) found.push({ table, rows: n });
  }
  return found;
}

/** `--replace`: empties every data table, inside the move's transaction (a failed move keeps them). */
export async function emptyDataTables(c: pg.ClientBase): Promise<void> {
  await c.query(`TRUNCATE ${DATA_TABLES.join(', ')} RESTART IDENTITY`);
}

/** Tells servers already running on the database (they should not be) to drop everything they cached, once the move commits. */
export async function notifyEverythingChanged(c: pg.ClientBase): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, changePayload({ kind: 'all' }, newOrigin())]);
}

/** Every revision of one report (oldest first) and its head, with their original numbers and times. */
export async function insertReport(c: pg.ClientBase, key: ReportKey, revisions: ReportRevision[]): Promise<void> {
  const last = revisions.at(-1);
  if (!last) return;
  await c.query(
    `INSERT INTO report_revisions (plan_id, period, agency_id, revision, saved_at, body)
     SELECT $1, $2, $3, (e->>'revision')::integer, e->>'savedAt', e FROM json_array_elements($4::json) AS t(e)`,
    [key.planId, key.period, key.agencyId, json(revisions, 'The revisions')],
  );
  await c.query('INSERT INTO report_heads (plan_id, period, agency_id, revision) VALUES ($1, $2, $3, $4)', [key.planId, key.period, key.agencyId, last.revision]);
}

/** Rows of one JSON array, inserted in the array's order (so `seq` keeps the source's order). */
async function insertBodies(c: pg.ClientBase, table: 'plan_files' | 'lead_changes' | 'plan_retirements', bodies: unknown[]): Promise<void> {
  if (bodies.length === 0) return;
  await c.query(`INSERT INTO ${table} (body) SELECT e FROM json_array_elements($1::json) WITH ORDINALITY AS t(e, n) ORDER BY n`, [json(bodies, table)]);
}

export async function insertCatalog(c: pg.ClientBase, records: { tokens: TokenRecord[]; plans: unknown[]; agencies: Agency[]; leadChanges: LeadChange[]; planRetirements: PlanRetirement[]; judgements: Judgement[] }): Promise<void> {
  for (const t of records.tokens) {
    await c.query('INSERT INTO tokens (id, hash, role, agency_id, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [t.id, t.hash, t.role, t.agencyId, t.label, t.createdAt, t.revokedAt]);
  }
  await insertBodies(c, 'plan_files', records.plans);
  for (const a of records.agencies) await c.query('INSERT INTO agencies (id, body) VALUES ($1, $2)', [a.id, json(a, 'The agency')]);
  await insertBodies(c, 'lead_changes', records.leadChanges);
  await insertBodies(c, 'plan_retirements', records.planRetirements);
  for (const j of records.judgements) {
    await c.query('INSERT INTO judgements (plan_id, period, indicator, body) VALUES ($1, $2, $3, $4)', [j.planId, j.period, j.indicator, json(j, 'The judgement')]);
  }
}

export async function insertIdempotency(c: pg.ClientBase, records: IdempotencyRecord[]): Promise<void> {
  for (const r of records) {
    const atMs = Date.parse(r.at);
    await c.query('INSERT INTO idempotency (scope, key, at, at_ms, record) VALUES ($1, $2, $3, $4, $5)', [r.scope, r.key, r.at, Number.isFinite(atMs) ? atMs : 0, json(r, 'The idempotency record')]);
  }
}

/** Audit lines as they are (JSON object text), with the columns that find them, in order. */
export async function insertAuditLines(c: pg.ClientBase, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const cols: Array<Array<string | number | null>> = [[], [], [], [], [], [], [], []];
  const text = (v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : null);
  for (const line of lines) {
    const e = JSON.parse(line) as Record<string, unknown>;
    const row = [text(e.at) ?? '', text(e.actor) ?? '', text(e.action) ?? '', text(e.planId), text(e.period), text(e.agencyId), typeof e.revision === 'number' && Number.isInteger(e.revision) ? e.revision : null, line];
    row.forEach((v, i) => cols[i]?.push(v));
  }
  await c.query(
    `INSERT INTO audit (at, actor, action, plan_id, period, agency_id, revision, entry)
     SELECT at, actor, action, plan_id, period, agency_id, revision, entry::json
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[], $8::text[]) WITH ORDINALITY
       AS t(at, actor, action, plan_id, period, agency_id, revision, entry, n)
     ORDER BY n`,
    cols,
  );
}

/**
 * The counts and checksums of what the database holds, read back after the copy committed
 * (the reports through the store's own reads, as a server would serve them).
 */
export async function targetDigests(store: PgStore): Promise<Digests> {
  const d = new DigestSet();
  const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await store.pool.query<R>(text, values)).rows;
  const keys = await q<{ plan_id: string; period: string; agency_id: string }>('SELECT DISTINCT plan_id, period, agency_id FROM report_revisions');
  const heads = new Map(
    (await q<{ plan_id: string; period: string; agency_id: string; revision: number }>('SELECT plan_id, period, agency_id, revision FROM report_heads')).map((h) => [
      reportOrderKey({ planId: h.plan_id, period: h.period, agencyId: h.agency_id }),
      h.revision,
    ]),
  );
  for (const key of sortReportKeys(keys.map((k) => ({ planId: k.plan_id, period: k.period, agencyId: k.agency_id })))) {
    for (const revision of await store.history(key)) d.of('revisions').add(revision);
    d.of('heads').add({ ...key, revision: heads.get(reportOrderKey(key)) ?? null });
  }
  for (const t of await store.listTokens()) d.of('tokens').add(t);
  for (const p of await store.listPlanFiles()) d.of('plans').add(p);
  for (const a of await store.listAgencies()) d.of('agencies').add(a);
  for (const l of await store.listLeadChanges()) d.of('leadChanges').add(l);
  for (const r of await store.listPlanRetirements()) d.of('planRetirements').add(r);
  for (const j of sortJudgements((await q<{ body: Judgement }>('SELECT body FROM judgements')).map((r) => r.body))) d.of('judgements').add(j);
  for (const r of sortIdempotency((await q<{ record: IdempotencyRecord }>('SELECT record FROM idempotency')).map((r) => r.record))) d.of('idempotency').add(r);
  // Page by seq: the audit log may be far longer than what one result should hold.
  for (let after = 0; ; ) {
    const page = await q<{ seq: string; entry: unknown }>('SELECT seq, entry FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2', [after, AUDIT_BATCH * 5]);
    for (const row of page) d.of('audit').add(row.entry);
    const last = page.at(-1);
    if (!last) break;
    after = Number(last.seq);
  }
  return d.finish();
}
