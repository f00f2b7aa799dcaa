import type pg from 'pg';
import { Agency } from '../../shared/schema/agency';
import { auditBody } from './audit-log';
import { jsonText } from './json-text';
import { migrate } from './pg-migrate';
import { CHANGES_CHANNEL, ChangeFeed, changePayload, newOrigin } from './pg-changes';
import { PgReads, TOKEN_COLUMNS, keyPart, keyParts, type Query } from './pg-reads';
import { DEFAULT_PG_SETTINGS, PoolHealth, createPool, isRetryable, isUniqueViolation, type PgSettings } from './pg-pool';
import {
  Judgement,
  LeadChange,
  PlanRetirement,
  ReportRevision,
  TokenRecord,
  type AuditEntry,
  type IdempotencyRecord,
  type PutOutcome,
  type ReportKey,
  type ReportWrite,
  type Store,
  type StoreChange,
  type StoreReads,
  type StoreHealth,
} from './types';

/**
 * The PostgreSQL store (DATABASE_URL): several server processes, on several machines, share
 * one database. Every write is one transaction: a report's revision with its audit row and
 * its idempotency record, a token with its audit row, and so on; it resolves once committed.
 *
 * Two processes can never both write revision n: a put moves the report's head from
 * `expectedRevision` to the next with a compare-and-set (an INSERT that does nothing on
 * conflict for the first, an UPDATE … WHERE revision = expected after), which waits for a
 * concurrent writer of the same report and then sees its row; and (report, revision) is the
 * primary key of `report_revisions` besides. A refused put changes nothing (rolled back).
 *
 * Every read is one statement, so a listing is one consistent snapshot. Each committed write
 * also sends a NOTIFY (pg-changes.ts) so other processes drop what they cached.
 */

/** Idempotency records older than this are not replayed and are pruned (as in the embedded store). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;
/** Deadlocks and serialization failures are retried this many times before the error is the caller's. */
const TX_ATTEMPTS = 3;

export interface PgStoreOptions {
  url: string;
  settings?: Partial<PgSettings>;
  now?: () => Date;
  idempotencyTtlMs?: number;
  /** Apply the migrations on open (default true; `npm run db:migrate` does it alone). */
  migrate?: boolean;
  log?: (message: string) => void;
}

export type PgStore = Store & {
  readonly pool: pg.Pool;
  readConsistent<T>(read: (view: StoreReads) => Promise<T>): Promise<T>;
  onChange(listener: (change: StoreChange) => void): () => void;
};

function json(value: unknown, what: string): string {
  const text = jsonText(value);
  if (text === undefined) throw new TypeError(`${what} cannot be stored as JSON`);
  return text;
}

/** Whether the store was closed, shared by its reads and writes. */
interface OpenState {
  closed: boolean;
}

function assertOpen(state: OpenState): void {
  if (state.closed) throw new Error('The store is closed');
}

/** A read on the pool: refused once closed, and counted in the health. */
function poolQuery(pool: pg.Pool, health: PoolHealth, state: OpenState): Query {
  return async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    assertOpen(state);
    try {
      const result = await pool.query<R>(text, values);
      health.succeeded(false);
      return result.rows;
    } catch (err) {
      health.failed(err, false);
      throw err;
    }
  };
}

class PostgresStore extends PgReads implements Store {
  private lastPrune = -Infinity;
  private feed: ChangeFeed | null = null;
  /** Names this store in its NOTIFY payloads. */
  private readonly origin = newOrigin();

  constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
    private readonly health_: PoolHealth,
    private readonly now: () => Date,
    private readonly idempotencyTtlMs: number,
    private readonly log: (message: string) => void,
    private readonly state: OpenState = { closed: false },
  ) {
    super(poolQuery(pool, health_, state), () => now().getTime() - idempotencyTtlMs);
  }

  async readConsistent<T>(read: (view: StoreReads) => Promise<T>): Promise<T> {
    assertOpen(this.state);
    const client = await this.pool.connect().catch((err: unknown) => {
      this.health_.failed(err, false);
      throw err;
    });
    // The database's errors count in the health; the reader's own do not.
    const query: Query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
      try {
        return (await client.query<R>(text, values)).rows;
      } catch (err) {
        this.health_.failed(err, false);
        throw err;
      }
    };
    let done = false;
    try {
      await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await read(new PgReads(query, () => this.now().getTime() - this.idempotencyTtlMs));
      await query('COMMIT');
      done = true;
      this.health_.succeeded(false);
      return result;
    } finally {
      const clean = done || (await client.query('ROLLBACK').then(() => true, () => false));
      client.release(clean ? undefined : new Error('could not roll back'));
    }
  }

  // ---- writes: one transaction each ------------------------------------------------------

  async putReport(key: ReportKey, expectedRevision: number, write: ReportWrite, extra: { audit: AuditEntry; idempotency?: IdempotencyRecord }): Promise<PutOutcome> {
    this.assertOpen();
    const parts = keyParts(key);
    if (write.planId !== key.planId || write.period !== key.period || write.agencyId !== key.agencyId) {
      throw new TypeError(`putReport: the write is for ${write.planId}|${write.period}|${write.agencyId}, not ${parts.join('|')}`);
    }
    if (!Number.isInteger(expectedRevision) || expectedRevision < 0) throw new TypeError(`putReport: expectedRevision must be a whole number ≥ 0, got ${expectedRevision}`);
    const revision = ReportRevision.parse({ ...write, revision: expectedRevision + 1, savedAt: this.now().toISOString() });
    const body = json(revision, 'The report');
    const idem = extra.idempotency;
    const idemText = idem ? json(idem, 'The idempotency record') : null;
    const auditText = auditBody({ ...extra.audit, planId: key.planId, period: key.period, agencyId: key.agencyId, revision: revision.revision });

    const won = await this.transaction(async (c) => {
      const moved =
        expectedRevision === 0
          ? await c.query('INSERT INTO report_heads (plan_id, period, agency_id, revision) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING', parts)
          : await c.query('UPDATE report_heads SET revision = revision + 1 WHERE plan_id = $1 AND period = $2 AND agency_id = $3 AND revision = $4', [...parts, expectedRevision]);
      if (moved.rowCount !== 1) return false;
      await c.query('INSERT INTO report_revisions (plan_id, period, agency_id, revision, saved_at, body) VALUES ($1, $2, $3, $4, $5, $6)', [...parts, revision.revision, revision.savedAt, body]);
      await insertAudit(c, auditText);
      if (idem && idemText !== null) {
        const atMs = Date.parse(idem.at);
        await c.query(
          `INSERT INTO idempotency (scope, key, at, at_ms, record) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (scope, key) DO UPDATE SET at = EXCLUDED.at, at_ms = EXCLUDED.at_ms, record = EXCLUDED.record`,
          [idem.scope, idem.key, idem.at, Number.isFinite(atMs) ? atMs : 0, idemText],
        );
      }
      await this.notify(c, { kind: 'report', planId: key.planId, period: key.period, agencyId: key.agencyId, revision: revision.revision });
      return true;
    });
    if (!won) return { ok: false, reason: 'conflict', current: await this.getReport(key) };
    this.pruneIdempotency();
    return { ok: true, report: JSON.parse(body) as ReportRevision };
  }

  async addToken(token: TokenRecord, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const t = TokenRecord.parse(token);
    const line = auditBody(audit);
    try {
      await this.transaction(async (c) => {
        await c.query(`INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [t.id, t.hash, t.role, t.agencyId, t.label, t.createdAt, t.revokedAt]);
        await insertAudit(c, line);
        await this.notify(c, { kind: 'tokens' });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Error(`A token with this id (${t.id}) or hash exists already`);
      throw err;
    }
  }

  async revokeToken(id: string, at: string, audit: AuditEntry): Promise<boolean> {
    this.assertOpen();
    if (typeof at !== 'string') throw new TypeError('revokeToken: at must be a string');
    const line = auditBody(audit);
    return this.transaction(async (c) => {
      const done = await c.query('UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
      if (done.rowCount !== 1) return false;
      await insertAudit(c, line);
      await this.notify(c, { kind: 'tokens' });
      return true;
    });
  }

  async addPlanFile(plan: unknown, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const body = json(plan, 'The plan file');
    await this.catalogWrite(audit, (c) => c.query('INSERT INTO plan_files (body) VALUES ($1)', [body]));
  }

  async listPlanRetirements(): Promise<PlanRetirement[]> {
    const rows = await poolQuery(this.pool, this.health_, this.state)<{ body: PlanRetirement }>('SELECT body FROM plan_retirements ORDER BY seq');
    return rows.map((r) => r.body);
  }

  async addPlanRetirement(retirement: PlanRetirement, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const body = json(PlanRetirement.parse(retirement), 'The plan retirement');
    await this.catalogWrite(audit, (c) => c.query('INSERT INTO plan_retirements (body) VALUES ($1)', [body]));
  }

  async upsertAgencies(agencies: Agency[], audit: AuditEntry): Promise<void> {
    this.assertOpen();
    // One row per id, in the order first given, with the last value given (as the embedded store).
    const byId = new Map<string, Agency>();
    for (const a of agencies.map((x) => Agency.parse(x))) byId.set(a.id, a);
    const list = json([...byId.values()], 'The agencies');
    await this.catalogWrite(audit, (c) =>
      c.query(
        `INSERT INTO agencies (id, body)
         SELECT e->>'id', e FROM json_array_elements($1::json) WITH ORDINALITY AS t(e, n) ORDER BY n
         ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body`,
        [list],
      ),
    );
  }

  async addLeadChange(change: LeadChange, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const body = json(LeadChange.parse(change), 'The lead change');
    await this.catalogWrite(audit, (c) => c.query('INSERT INTO lead_changes (body) VALUES ($1)', [body]));
  }

  async putJudgement(judgement: Judgement, audit: AuditEntry): Promise<void> {
    this.assertOpen();
    const j = Judgement.parse(judgement);
    const parts = [keyPart(j.planId, 'plan id'), keyPart(j.period, 'period'), keyPart(j.indicator, 'indicator')];
    const body = json(j, 'The judgement');
    const line = auditBody(audit);
    await this.transaction(async (c) => {
      await c.query('INSERT INTO judgements (plan_id, period, indicator, body) VALUES ($1, $2, $3, $4) ON CONFLICT (plan_id, period, indicator) DO UPDATE SET body = EXCLUDED.body', [...parts, body]);
      await insertAudit(c, line);
      await this.notify(c, { kind: 'judgement', planId: j.planId, period: j.period });
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.assertOpen();
    const line = auditBody(entry);
    await this.transaction((c) => insertAudit(c, line));
  }

  health(): StoreHealth {
    return this.health_.state();
  }

  /** The first subscriber opens the LISTEN connection (the admin CLI never does). */
  onChange(listener: (change: StoreChange) => void): () => void {
    this.assertOpen();
    if (!this.feed) {
      const feed = new ChangeFeed(this.url, this.origin, this.log);
      this.feed = feed;
      feed.start().catch((err: unknown) => {
        this.log(`WARNING: cannot listen for changes of other processes yet (${err instanceof Error ? err.message : String(err)}); retrying`);
        feed.restart();
      });
    }
    return this.feed.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    this.health_.close();
    await this.feed?.close();
    await this.pool.end();
  }

  // ---- plumbing --------------------------------------------------------------------------

  private assertOpen(): void {
    assertOpen(this.state);
  }

  /** A plan, agencies or lead change: the catalog every process compiles from changed. */
  private async catalogWrite(audit: AuditEntry, write: (c: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const line = auditBody(audit);
    await this.transaction(async (c) => {
      await write(c);
      await insertAudit(c, line);
      await this.notify(c, { kind: 'catalog' });
    });
  }

  /** Runs `work` in one transaction (READ COMMITTED), again after a deadlock; commits unless it returns false. */
  private async transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | null = null;
      try {
        client = await this.pool.connect();
        await client.query('BEGIN');
        const result = await work(client);
        await client.query(result === false ? 'ROLLBACK' : 'COMMIT');
        client.release();
        this.health_.succeeded(true);
        return result;
      } catch (err) {
        if (client) {
          const rolledBack = await client.query('ROLLBACK').then(
            () => true,
            () => false,
          );
          // A connection that cannot even roll back is not handed out again.
          client.release(rolledBack ? undefined : err instanceof Error ? err : new Error(String(err)));
        }
        this.health_.failed(err);
        if (attempt >= TX_ATTEMPTS || !isRetryable(err)) throw err;
      }
    }
  }

  /** Delivered to the listeners of other processes when (and only if) the transaction commits. */
  private async notify(c: pg.PoolClient, change: StoreChange): Promise<void> {
    await c.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, changePayload(change, this.origin)]);
  }

  private pruneIdempotency(): void {
    const now = this.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.pool.query('DELETE FROM idempotency WHERE at_ms < $1', [now - this.idempotencyTtlMs]).catch((err: unknown) => {
      this.log(`WARNING: pruning expired idempotency records failed (${err instanceof Error ? err.message : String(err)}); retried in a minute`);
    });
  }
}

/** The audit row of a write, in the write's transaction. */
async function insertAudit(c: pg.PoolClient, line: string): Promise<void> {
  const e = JSON.parse(line) as Partial<Record<keyof AuditEntry, unknown>>;
  const text = (v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : null);
  await c.query('INSERT INTO audit (at, actor, action, plan_id, period, agency_id, revision, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    text(e.at) ?? '',
    text(e.actor) ?? '',
    text(e.action) ?? '',
    text(e.planId),
    text(e.period),
    text(e.agencyId),
    typeof e.revision === 'number' && Number.isInteger(e.revision) ? e.revision : null,
    line,
  ]);
}

/**
 * Connects to DATABASE_URL, applies the migrations (unless told not to) and checks the
 * connection; throws with the database's own message when it cannot.
 */
export async function openPgStore(options: PgStoreOptions): Promise<PgStore> {
  const settings = { ...DEFAULT_PG_SETTINGS, ...options.settings };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.warn(m));
  const pool = createPool(options.url, settings);
  const health = new PoolHealth(pool, now);
  try {
    if (options.migrate ?? true) {
      const result = await migrate(pool);
      if (result.applied.length > 0) log(`PostgreSQL: applied migration(s) ${result.applied.join(', ')}; the schema is at version ${result.current}`);
    } else {
      await pool.query('SELECT 1');
    }
  } catch (err) {
    health.close();
    await pool.end().catch(() => {});
    throw err;
  }
  return new PostgresStore(pool, options.url, health, now, options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS, log);
}
