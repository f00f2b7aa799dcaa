import type pg from 'pg';
import { SignInGuard } from '../auth';
import type { FailedSignIns } from '../auth';

/**
 * Failed sign-ins per address counted in PostgreSQL's `rate_limits` table (keys `signin:…`),
 * so that N processes grant one limit, not N. A fixed window that starts at the first failure,
 * on the database's clock, as the in-process guard does. When the database cannot be asked,
 * the process's own guard answers meanwhile: an outage weakens the limit to per process, it
 * never locks every address out nor lets every attempt through.
 */
export class PgSignInGuard implements FailedSignIns {
  private readonly fallback: SignInGuard;
  private warned = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limit: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.fallback = new SignInGuard(limit, windowMs);
  }

  async retryAfter(address: string, now: number): Promise<number> {
    try {
      const { rows } = await this.pool.query<{ hits: number; wait_ms: number }>(
        `SELECT hits, (extract(epoch FROM reset_at - now()) * 1000)::float8 AS wait_ms
           FROM rate_limits WHERE key = $1 AND reset_at > now()`,
        [key(address)],
      );
      this.warned = false;
      const row = rows[0];
      return row && row.hits >= this.limit ? Math.max(1, Math.ceil(row.wait_ms / 1000)) : 0;
    } catch (err) {
      this.unreachable(err);
      return this.fallback.retryAfter(address, now);
    }
  }

  async fail(address: string, now: number): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO rate_limits AS r (key, hits, reset_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE least(r.hits + 1, $3) END,
           reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END`,
        [key(address), this.windowMs, this.limit],
      );
    } catch (err) {
      this.unreachable(err);
      this.fallback.fail(address, now);
    }
  }

  private unreachable(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log(`WARNING: failed sign-ins are counted in this process only: the database did not answer (${err instanceof Error ? err.message : String(err)})`);
  }
}

function key(address: string): string {
  return `signin:${address}`;
}
