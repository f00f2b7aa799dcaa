import { createHash } from 'node:crypto';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations/index';
import { DEFAULT_PG_SETTINGS, createPool } from './pg-pool';

/**
 * Brings the database's schema up to this version of the code. Everything happens in ONE
 * transaction holding a transaction-level advisory lock, so two processes starting together
 * apply each migration once (the second waits, then finds nothing left to do), and a failed
 * migration leaves the schema as it was.
 *
 * `schema_migrations` records each applied version with the checksum of its SQL. Start-up
 * stops when a recorded migration's SQL changed since, or when the database has a version
 * this code does not know (a newer release migrated it: run that release, not this one).
 */

/** pg_advisory_xact_lock's key: "an-sinh migrations" hashed to a bigint. */
export const MIGRATION_LOCK_KEY = BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update('an-sinh migrations').digest('hex').slice(0, 16)}`)).toString();

export function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

export interface MigrationResult {
  applied: string[];
  current: number;
}

export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) throw new Error(`The database has migration ${row.version} (${row.name}), which this version of the server does not know: it was migrated by a newer release`);
      if (checksumOf(m) !== row.checksum) throw new Error(`Migration ${m.name} changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database); add a new migration instead of editing a shipped one`);
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, checksumOf(m)]);
      applied.push(m.name);
    }
    await client.query('COMMIT');
    return { applied, current: Math.max(0, ...migrations.map((m) => m.version)) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** `npm run db:migrate`: applies what is missing and says what it did; 0 on success. */
export async function migrateCommand(url: string | undefined, out: (line: string) => void): Promise<number> {
  if (!url) {
    out('DATABASE_URL is not set: the embedded store needs no migrations.');
    return 1;
  }
  const pool = createPool(url, DEFAULT_PG_SETTINGS);
  try {
    const result = await migrate(pool);
    out(result.applied.length > 0 ? `Applied ${result.applied.join(', ')}; the schema is at version ${result.current}` : `The schema is current (version ${result.current})`);
    return 0;
  } finally {
    await pool.end();
  }
}
