import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_POSTGRES_SETTINGS, configFromEnv } from '../../server/config';
import { MIGRATIONS } from '../../server/storage/migrations/index';
import { checksumOf, migrate, migrateCommand } from '../../server/storage/pg-migrate';
import { openPgStore } from '../../server/storage/pg-store';
import { PgSignInGuard } from '../../server/storage/pg-sign-in-guard';
import type { StoreChange } from '../../server/storage/types';
import { requirePg, sharedCluster, startCluster, findPgBin, stopSharedClusterAfterAll, type PgCluster } from '../support/pg-cluster';
import { audit, idempotencyRecord, ok, reportKey, reportWrite } from './store-contract';

stopSharedClusterAfterAll();

const MIGRATIONS_DIR = fileURLToPath(new URL('../../server/storage/migrations/', import.meta.url));

describe('PostgreSQL migrations (server/storage/migrations, pg-migrate.ts)', () => {
  it('lists every migration file of the folder, numbered 1, 2, 3… without gaps', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{3}-.+\.ts$/.test(f))
      .map((f) => path.basename(f, '.ts'))
      .sort();
    assert.deepEqual(
      MIGRATIONS.map((m) => m.name),
      files,
    );
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      files.map((_, i) => i + 1),
    );
    for (const m of MIGRATIONS) assert.equal(m.name.slice(0, 3), String(m.version).padStart(3, '0'));
  });
});

describe('PostgreSQL settings (server/config.ts)', () => {
  it('selects PostgreSQL by DATABASE_URL, with a bounded pool and timeouts', () => {
    assert.equal(configFromEnv({}).databaseUrl, undefined, 'unset: the embedded store');
    assert.equal(configFromEnv({ DATABASE_URL: '  ' }).databaseUrl, undefined, 'empty: the embedded store');
    assert.equal(configFromEnv({ DATABASE_URL: ' postgresql://a@db/x ' }).databaseUrl, 'postgresql://a@db/x');
    assert.deepEqual(configFromEnv({}).postgres, DEFAULT_POSTGRES_SETTINGS);
    assert.deepEqual(configFromEnv({ PG_POOL_MAX: '4', PG_STATEMENT_TIMEOUT_MS: '2500', PG_CONNECT_TIMEOUT_MS: '800' }).postgres, { poolMax: 4, statementTimeoutMs: 2500, connectTimeoutMs: 800 });
    assert.throws(() => configFromEnv({ PG_POOL_MAX: '0' }), /PG_POOL_MAX must be a whole number from 1/);
    assert.throws(() => configFromEnv({ PG_STATEMENT_TIMEOUT_MS: 'soon' }), /PG_STATEMENT_TIMEOUT_MS/);
  });
});

if (requirePg()) {
  describe('PostgreSQL store on a real database', function () {
    this.timeout(60_000);
    let cluster: PgCluster;
    let url: string;
    let pool: pg.Pool;
    beforeEach(async () => {
      cluster = await sharedCluster();
      url = await cluster.createDatabase();
      pool = new pg.Pool({ connectionString: url, max: 4 });
    });
    afterEach(async () => {
      await pool.end();
      await cluster.dropDatabase(url);
    });

    it('applies the migrations once when several connections migrate together (processes starting at once), recording each with its checksum', async () => {
      const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url, max: 1 }));
      try {
        const results = await Promise.all(pools.map((p) => migrate(p)));
        assert.equal(results.filter((r) => r.applied.length > 0).length, 1, 'one of them applied, the others found nothing to do');
        assert.deepEqual(results.find((r) => r.applied.length > 0)?.applied, MIGRATIONS.map((m) => m.name));
      } finally {
        await Promise.all(pools.map((p) => p.end()));
      }
      const { rows } = await pool.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows,
        MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: checksumOf(m) })),
      );
      assert.deepEqual((await migrate(pool)).applied, [], 'a second run does nothing');
      const lines: string[] = [];
      assert.equal(await migrateCommand(url, (l) => lines.push(l)), 0);
      assert.equal(lines.join('\n'), `The schema is current (version ${MIGRATIONS.length})`);
    });

    it('refuses a database whose applied migration changed, or that a newer release migrated, and changes nothing', async () => {
      await migrate(pool);
      const edited = MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
      await assert.rejects(migrate(pool, edited), /changed after it was applied/);
      const n = MIGRATIONS.length;
      const newer = [...MIGRATIONS, { version: n + 1, name: 'later', sql: 'CREATE TABLE later (x int)' }];
      await migrate(pool, newer);
      await assert.rejects(migrate(pool, MIGRATIONS), new RegExp(`migration ${n + 1} \\(later\\).*newer release`));
      const broken = [...newer, { version: n + 2, name: 'broken', sql: 'CREATE TABLE t3 (x int); SELECT no_such_function()' }];
      await assert.rejects(migrate(pool, broken), /no_such_function/);
      const tables = await pool.query("SELECT 1 FROM pg_tables WHERE tablename = 't3'");
      assert.equal(tables.rowCount, 0, 'a failed migration is rolled back whole');
      assert.equal((await pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n, n + 1);
    });

    it('has the unique (report, revision) constraint, and keeps audit and idempotency rows with their revision only', async () => {
      const store = await openPgStore({ url, log: () => {} });
      try {
        const key = reportKey();
        ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put'), idempotency: idempotencyRecord('tok', 'k1', {}) }));
        const refused = await store.putReport(key, 0, reportWrite(key, 2), { audit: audit('report.put'), idempotency: idempotencyRecord('tok', 'k2', {}) });
        assert.equal(refused.ok, false);
        await assert.rejects(
          pool.query("INSERT INTO report_revisions (plan_id, period, agency_id, revision, saved_at, body) VALUES ($1, $2, $3, 1, 'x', '{}')", [key.planId, key.period, key.agencyId]),
          /duplicate key value violates unique constraint/,
        );
        const rows = await pool.query<{ action: string; revision: number | null; agency_id: string }>('SELECT action, revision, agency_id FROM audit ORDER BY seq');
        assert.deepEqual(rows.rows, [{ action: 'report.put', revision: 1, agency_id: key.agencyId }], 'the refused put left no audit row');
        assert.deepEqual((await pool.query('SELECT key FROM idempotency')).rows, [{ key: 'k1' }]);
      } finally {
        await store.close();
      }
    });
    it('counts failed sign-ins in the database (a window from the first failure), and per process while the database does not answer', async () => {
      await migrate(pool);
      const guard = new PgSignInGuard(pool, 3);
      for (let i = 0; i < 3; i++) {
        assert.equal(await guard.retryAfter('203.0.113.7', 0), 0);
        await guard.fail('203.0.113.7', 0);
      }
      const wait = await guard.retryAfter('203.0.113.7', 0);
      assert.ok(wait > 890 && wait <= 900, `waits out the 15-minute window: ${wait} s`);
      assert.equal(await guard.retryAfter('203.0.113.8', 0), 0, 'another address is not blocked');
      const row = await pool.query<{ hits: number }>("SELECT hits FROM rate_limits WHERE key = 'signin:203.0.113.7'");
      assert.equal(row.rows[0]?.hits, 3);

      const gone = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
      const warnings: string[] = [];
      const offline = new PgSignInGuard(gone, 2, 60_000, (m) => warnings.push(m));
      try {
        await offline.fail('198.51.100.1', 1_000);
        await offline.fail('198.51.100.1', 1_000);
        assert.equal(await offline.retryAfter('198.51.100.1', 1_000), 60, 'the process counts meanwhile');
        assert.equal(warnings.length, 1, 'one warning, not one per request');
      } finally {
        await gone.end();
      }
    });
    it('reads one snapshot in readConsistent: a write committed meanwhile shows only after it', async () => {
      const store = await openPgStore({ url, log: () => {} });
      try {
        const key = reportKey();
        ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
        const seen = await store.readConsistent(async (view) => {
          const listed = await view.listReports({ planId: key.planId, agencyId: key.agencyId });
          ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }));
          return { listed, latest: await view.getReport(key), history: await view.history(key) };
        });
        assert.deepEqual(seen.listed.map((r) => r.revision), [1]);
        assert.equal(seen.latest?.revision, 1, 'the snapshot does not see the write committed after its first read');
        assert.deepEqual(seen.history.map((r) => r.revision), [1]);
        assert.equal((await store.getReport(key))?.revision, 2);
        await assert.rejects(store.readConsistent(() => Promise.reject(new Error('reader failed'))), /reader failed/);
        assert.equal(store.health().ok, true, 'a failing reader is not a failing database');
      } finally {
        await store.close();
      }
    });
  });

  describe('PostgreSQL pool bounds', function () {
    this.timeout(60_000);
    it('cancels a statement that runs past PG_STATEMENT_TIMEOUT_MS, and keeps serving', async () => {
      const cluster = await sharedCluster();
      const url = await cluster.createDatabase();
      const store = await openPgStore({ url, log: () => {}, settings: { poolMax: 2, statementTimeoutMs: 300 } });
      try {
        await assert.rejects(store.pool.query('SELECT pg_sleep(2)'), /statement timeout/);
        assert.equal(store.pool.options.max, 2);
        assert.deepEqual(await store.listTokens(), []);
        assert.equal(store.health().ok, true);
      } finally {
        await store.close();
        await cluster.dropDatabase(url);
      }
    });
  });

  describe('PostgreSQL change feed (pg-changes.ts)', function () {
    this.timeout(60_000);
    it('tells a process what another committed (not its own writes, not refused ones), and "all" after its listening connection was lost', async () => {
      const cluster = await sharedCluster();
      const url = await cluster.createDatabase();
      const one = await openPgStore({ url, log: () => {} });
      const other = await openPgStore({ url, log: () => {} });
      const heard: StoreChange[] = [];
      try {
        one.onChange((c) => heard.push(c));
        await waitFor(async () => (await one.pool.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'an-sinh-listen'")).rowCount === 1);
        const key = reportKey();
        ok(await one.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
        ok(await other.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }));
        assert.equal((await other.putReport(key, 1, reportWrite(key, 3), { audit: audit('report.put') })).ok, false);
        await other.upsertAgencies([{ id: 'xa-feed', name: 'Xã', kind: 'commune', city: 'hanoi', aliases: [], successors: [], predecessors: [] }], audit('agency.upsert'));
        await waitFor(() => Promise.resolve(heard.length >= 2));
        assert.deepEqual(heard, [{ kind: 'report', planId: key.planId, period: key.period, agencyId: key.agencyId, revision: 2 }, { kind: 'catalog' }]);
        heard.length = 0;
        await other.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'an-sinh-listen'");
        await waitFor(() => Promise.resolve(heard.some((c) => c.kind === 'all')), 10_000);
        ok(await other.putReport(key, 2, reportWrite(key, 4), { audit: audit('report.put') }));
        await waitFor(() => Promise.resolve(heard.some((c) => c.kind === 'report' && c.revision === 3)));
      } finally {
        await one.close();
        await other.close();
        await cluster.dropDatabase(url);
      }
    });
  });

  describe('PostgreSQL store health', function () {
    this.timeout(60_000);
    it('reports the database unreachable once it is gone, and refuses to open without one', async () => {
      const bin = findPgBin();
      assert.ok(bin);
      const own = await startCluster(bin);
      const store = await openPgStore({ url: own.adminUrl, log: () => {}, settings: { connectTimeoutMs: 1_000 } });
      try {
        assert.equal(store.health().ok, true);
        await own.stop();
        await assert.rejects(store.listTokens());
        const health = store.health();
        assert.equal(health.ok, false);
        assert.match(health.failed ?? '', /unreachable/);
      } finally {
        await store.close();
        await own.stop();
      }
      assert.equal(store.health().closed, true);
      await assert.rejects(openPgStore({ url: own.adminUrl, log: () => {}, settings: { connectTimeoutMs: 1_000 } }), /ECONNREFUSED|connect/);
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
