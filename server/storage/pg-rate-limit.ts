import type { IncrementResponse, Options, Store as RateLimitStore } from 'express-rate-limit';
import type pg from 'pg';

/**
 * express-rate-limit's counters in PostgreSQL, so a token's requests per minute are counted
 * across every server process, not per process (which would multiply the limit by their
 * number). One UPSERT per request on an UNLOGGED table; windows run on the database's clock,
 * so the processes' clocks need not agree. Expired windows are deleted once a minute.
 */
export class PgRateLimitStore implements RateLimitStore {
  /** Keys of this limiter, apart from other limiters' in the same table. */
  readonly prefix: string;
  private windowMs = 60_000;
  private lastSweep = 0;

  constructor(
    private readonly pool: pg.Pool,
    prefix = 'api:',
  ) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { rows } = await this.pool.query<{ hits: number; reset_at: Date }>(
      `INSERT INTO rate_limits AS r (key, hits, reset_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    this.sweep();
    const row = rows[0];
    if (!row) throw new Error('rate limit: the counter was not returned');
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.pool.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()', [this.prefix + key]);
  }

  async resetKey(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limits WHERE key = $1', [this.prefix + key]);
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.pool.query('DELETE FROM rate_limits WHERE reset_at <= now()').catch(() => {
      // the next sweep tries again; stale rows are reset on their next hit anyway
    });
  }
}
