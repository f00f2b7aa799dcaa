import pg from 'pg';
import { DEFAULT_POSTGRES_SETTINGS, type PostgresSettings } from '../config';
import type { StoreHealth } from './types';

/**
 * The connection pool of the PostgreSQL store, bounded, with timeouts on every statement, and
 * what it knows of the database's health.
 */

export type PgSettings = PostgresSettings;
export const DEFAULT_PG_SETTINGS = DEFAULT_POSTGRES_SETTINGS;

export function createPool(url: string, settings: PgSettings): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // A transaction left open (a bug, a process stopped mid-way) gives its locks back.
    idle_in_transaction_session_timeout: Math.max(settings.statementTimeoutMs * 2, 10_000),
    idleTimeoutMillis: 30_000,
    application_name: 'an-sinh',
  });
}

/** SQLSTATE classes that say "the data was refused", not "the database is unwell". */
const DATA_ERROR_CLASSES = ['22', '23', '42'];

function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** A write refused for its data (a duplicate id, a bad value): the caller's problem, not the store's health. */
export function isDataError(err: unknown): boolean {
  const state = sqlState(err);
  return state !== null && DATA_ERROR_CLASSES.includes(state.slice(0, 2));
}

/** Deadlock or serialization failure: the transaction may simply be run again. */
export function isRetryable(err: unknown): boolean {
  const state = sqlState(err);
  return state === '40P01' || state === '40001';
}

export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Health as the pool sees it: unreachable from the first failed connection or query (not one
 * refused for its data) until one succeeds again. While unreachable a probe runs every
 * `probeMs`, so health recovers without traffic; /api/health answers 503 meanwhile.
 */
export class PoolHealth {
  private reachable = true;
  private closed = false;
  private lastWriteError: { at: string; message: string } | null = null;
  private probe: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
    private readonly probeMs = 2_000,
  ) {
    // An idle client lost (the server restarted): without a listener it would crash the process.
    pool.on('error', (err) => this.failed(err, false));
  }

  state(): StoreHealth {
    return {
      ok: !this.closed && this.reachable,
      closed: this.closed,
      failed: this.closed || this.reachable ? null : `the database is unreachable (${this.lastWriteError?.message ?? 'no connection'})`,
      lastWriteError: this.lastWriteError,
    };
  }

  succeeded(write: boolean): void {
    this.reachable = true;
    if (write) this.lastWriteError = null;
  }

  /** Records a failed statement; data errors leave the health alone. */
  failed(err: unknown, write = true): void {
    if (isDataError(err)) return;
    if (write) this.lastWriteError = { at: this.now().toISOString(), message: errorText(err) };
    if (!this.isConnectionTrouble(err)) return;
    this.reachable = false;
    this.startProbe();
  }

  close(): void {
    this.closed = true;
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  private isConnectionTrouble(err: unknown): boolean {
    const state = sqlState(err);
    // 08: connection exception; 57P0x: the server is shutting down or restarting; 53: out of resources.
    if (state !== null) return state.startsWith('08') || state.startsWith('57P') || state.startsWith('53');
    return true; // no SQLSTATE: a socket error, a connect timeout, a pool that could not connect
  }

  private startProbe(): void {
    if (this.probe || this.closed) return;
    this.probe = setInterval(() => {
      this.pool.query('SELECT 1').then(
        () => {
          this.reachable = true;
          if (this.probe) clearInterval(this.probe);
          this.probe = null;
        },
        () => {},
      );
    }, this.probeMs);
    this.probe.unref();
  }
}

/**
 * Runs `work` while holding a session advisory lock named `name`, so that processes starting
 * together on one database do it one at a time (e.g. the first admin token: one, not one each).
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, name: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.release();
  }
}
