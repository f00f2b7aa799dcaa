import type pg from 'pg';
import type { Agency } from '../../shared/schema/agency';
import type { IdempotencyRecord, Judgement, LeadChange, ReportKey, ReportRevision, StoreReads, TokenRecord } from './types';

/**
 * The reads of the PostgreSQL store, each one statement: on the pool (each a snapshot of its
 * own), or on the one connection of a REPEATABLE READ transaction (`readConsistent`).
 */
export type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** A part of a key: a non-empty string without "|" (the embedded store's rule) or NUL (PostgreSQL text cannot hold it). */
export function keyPart(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('|') || value.includes('\0')) {
    throw new TypeError(`Invalid ${what} ${JSON.stringify(value)}: must be a non-empty string without "|"`);
  }
  return value;
}

export function keyParts(key: ReportKey): [string, string, string] {
  return [keyPart(key.planId, 'plan id'), keyPart(key.period, 'period'), keyPart(key.agencyId, 'agency id')];
}

export interface TokenRow {
  id: string;
  hash: string;
  role: TokenRecord['role'];
  agency_id: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

export function tokenOf(row: TokenRow): TokenRecord {
  return { id: row.id, hash: row.hash, role: row.role, agencyId: row.agency_id, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export const TOKEN_COLUMNS = 'id, hash, role, agency_id, label, created_at, revoked_at';

export class PgReads implements StoreReads {
  constructor(
    private readonly query: Query,
    private readonly idempotencyCutoff: () => number,
  ) {}

  async getReport(key: ReportKey): Promise<ReportRevision | null> {
    const rows = await this.query<{ body: ReportRevision }>(
      `SELECT r.body FROM report_heads h JOIN report_revisions r USING (plan_id, period, agency_id, revision)
       WHERE h.plan_id = $1 AND h.period = $2 AND h.agency_id = $3`,
      keyParts(key),
    );
    return rows[0]?.body ?? null;
  }

  async history(key: ReportKey): Promise<ReportRevision[]> {
    const rows = await this.query<{ body: ReportRevision }>('SELECT body FROM report_revisions WHERE plan_id = $1 AND period = $2 AND agency_id = $3 ORDER BY revision', keyParts(key));
    return rows.map((r) => r.body);
  }

  async listReports(filter: { planId: string; period?: string; agencyId?: string }): Promise<ReportRevision[]> {
    const rows = await this.query<{ body: ReportRevision }>(
      `SELECT r.body FROM report_heads h JOIN report_revisions r USING (plan_id, period, agency_id, revision)
       WHERE h.plan_id = $1 AND ($2::text IS NULL OR h.period = $2) AND ($3::text IS NULL OR h.agency_id = $3)
       ORDER BY h.period COLLATE "C", h.agency_id COLLATE "C"`,
      [filter.planId, filter.period ?? null, filter.agencyId ?? null],
    );
    return rows.map((r) => r.body);
  }

  async findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const cutoff = this.idempotencyCutoff();
    const rows = await this.query<{ record: IdempotencyRecord }>('SELECT record FROM idempotency WHERE scope = $1 AND key = $2 AND at_ms >= $3', [scope, key, cutoff]);
    return rows[0]?.record ?? null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY seq`)).map(tokenOf);
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    const rows = await this.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1`, [hash]);
    return rows[0] ? tokenOf(rows[0]) : null;
  }

  async listPlanFiles(): Promise<unknown[]> {
    return (await this.query<{ body: unknown }>('SELECT body FROM plan_files ORDER BY seq')).map((r) => r.body);
  }

  async listAgencies(): Promise<Agency[]> {
    return (await this.query<{ body: Agency }>('SELECT body FROM agencies ORDER BY seq')).map((r) => r.body);
  }

  async listLeadChanges(): Promise<LeadChange[]> {
    return (await this.query<{ body: LeadChange }>('SELECT body FROM lead_changes ORDER BY seq')).map((r) => r.body);
  }

  async listJudgements(filter: { planId: string; period?: string }): Promise<Judgement[]> {
    const rows = await this.query<{ body: Judgement }>('SELECT body FROM judgements WHERE plan_id = $1 AND ($2::text IS NULL OR period = $2)', [filter.planId, filter.period ?? null]);
    // The embedded store's order, exactly.
    return rows.map((r) => r.body).sort((a, b) => (a.period === b.period ? a.indicator.localeCompare(b.indicator) : a.period.localeCompare(b.period)));
  }
}
