/**
 * Moving a city to PostgreSQL (`npm run admin -- migrate --to URL`, server/storage/migrate-to-pg.ts):
 * a real embedded store filled through the real app (several agencies, revisions returned
 * and approved, tokens, an added plan, communes, a lead change, a judgement, an idempotent
 * write, the audit), the command run as a child process against a throwaway database, and
 * the same app then started on the database: the same history, the same consolidated table,
 * the same tokens. A row changed after the copy fails the verification.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createApp } from '../../server/app';
import { CatalogService } from '../../server/catalog-service';
import type { ServerConfig } from '../../server/config';
import { takeLock } from '../../server/lock';
import { openLowdbStore, openMemoryStore } from '../../server/storage/lowdb-store';
import { openPgStore, type PgStore } from '../../server/storage/pg-store';
import { canonicalJson } from '../../server/storage/record-digest';
import type { Store } from '../../server/storage/types';
import { requirePg, sharedCluster, stopSharedClusterAfterAll } from '../support/pg-cluster';
import { audit, idempotencyRecord, ok, reportKey, reportWrite } from './store-contract';
import { SYT_2023_ENTRIES, bearer, examplePlanJudgedByHand, startTestServer, testConfig, type TestServer } from './harness';

stopSharedClusterAfterAll();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = '/api/plans/hn-kh207-2021';
const SYT = `${PLAN}/periods/2023/reports/hn-syt`;
const BHXH = `${PLAN}/periods/2023/reports/hn-bhxh`;
const TABLE = `${PLAN}/periods/2023/consolidated`;
const JUDGEMENTS = '/api/plans/hn-example-2026/periods/2027/judgements';
/** The test's clock is in 2023: its Idempotency-Key stays valid (and is copied) with a long enough memory. */
const TTL_HOURS = 24 * 365 * 20;

/** `npm run admin -- ARGS` as a child process on DATA_DIR; its exit code and output. */
function admin(dataDir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'production', IDEMPOTENCY_TTL_HOURS: String(TTL_HOURS) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

function configFor(dataDir: string): ServerConfig {
  return testConfig({ dataDir, now: () => new Date('2023-06-20T08:00:00Z') });
}

/** A city's data written through the app: two agencies, returned and approved revisions, a plan, communes, a lead, a judgement. */
async function fillCity(s: TestServer): Promise<void> {
  const put = (path: string, body: object, etag: string | null, token: string, key?: string) =>
    request(s.app)
      .put(path)
      .set(bearer(token))
      .set(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' })
      .set(key ? { 'Idempotency-Key': key } : {})
      .send(body);
  const post = (path: string, token: string, body: object = {}) => request(s.app).post(path).set(bearer(token)).send(body);
  await put(SYT, { entries: SYT_2023_ENTRIES }, null, s.tokens.agencyA).expect(201);
  await post(`${SYT}/submit`, s.tokens.agencyA).expect(200);
  s.clock.now = new Date('2023-06-11T08:00:00Z');
  await post(`${SYT}/return`, s.tokens.consolidator, { comment: 'Chỉ tiêu 11 cần giải trình / explain 11' }).expect(200);
  await put(SYT, { entries: [...SYT_2023_ENTRIES.slice(1), { code: '11', value: '29' }] }, '"r3"', s.tokens.agencyA, 'syt-retry-1').expect(200);
  await post(`${SYT}/submit`, s.tokens.agencyA).expect(200);
  await post(`${SYT}/approve`, s.tokens.consolidator).expect(200);
  s.clock.now = new Date('2023-06-12T08:00:00Z');
  await put(BHXH, { entries: [{ code: '21', value: '90' }] }, null, s.tokens.agencyB).expect(201);
  await put(BHXH, { entries: [{ code: '21', value: '91' }] }, '"r1"', s.tokens.agencyB).expect(200);
  await post('/api/plans', s.tokens.admin, examplePlanJudgedByHand()).expect(201);
  await request(s.app).put(`${JUDGEMENTS}/1`).set(bearer(s.tokens.consolidator)).send({ verdict: 'met', reason: 'Đã thực hiện đúng lộ trình' }).expect(201);
  await request(s.app)
    .post('/api/agencies/communes')
    .set(bearer(s.tokens.admin))
    .set('Content-Type', 'text/csv')
    .send('name,type,validFrom,predecessors\nPhường Thử Nghiệm Một,phường,2025-07-01,Quận Hoàn Kiếm\n')
    .expect(201);
  await post(`${PLAN}/indicators/23/lead`, s.tokens.admin, { agencyId: 'hn-sxd', from: '2025-03-01' }).expect(201);
  await post('/api/plans/hn-example-2026/retire', s.tokens.admin, { reason: 'Thử ngừng áp dụng' }).expect(201);
  await post('/api/plans/hn-example-2026/restore', s.tokens.admin, { reason: 'Dùng lại' }).expect(201);
  await request(s.app).delete(`/api/tokens/${await tokenId(s, s.tokens.district)}`).set(bearer(s.tokens.admin)).expect(204);
}

async function tokenId(s: TestServer, token: string): Promise<string> {
  return (await request(s.app).get('/api/me').set(bearer(token)).expect(200)).body.tokenId as string;
}

/** What a consolidator and the agencies see of the city, over the API. */
async function views(store: Store, s: TestServer): Promise<unknown> {
  const catalog = await CatalogService.open(store);
  const app = createApp({ store, catalog, config: configFor(s.dataDir), log: () => undefined });
  const get = async (path: string, token = s.tokens.consolidator) => (await request(app).get(path).set(bearer(token)).expect(200)).body as unknown;
  return {
    sytHistory: await get(`${SYT}/history`),
    bhxhHistory: await get(`${BHXH}/history`, s.tokens.agencyB),
    table: await get(TABLE),
    drafts: await get(`${TABLE}?drafts=1`),
    judgements: await get(JUDGEMENTS),
    tokens: await get('/api/tokens', s.tokens.admin),
    agencies: await get('/api/agencies', s.tokens.admin),
  };
}

if (requirePg()) {
  describe('npm run admin -- migrate --to URL (the embedded store into PostgreSQL)', function () {
    this.timeout(120_000);
    let s: TestServer;
    let url: string;
    let embedded: unknown;
    const opened: PgStore[] = [];
    const pgStore = async () => {
      const store = await openPgStore({ url, log: () => undefined, idempotencyTtlMs: TTL_HOURS * 3600_000 });
      opened.push(store);
      return store;
    };

    before(async () => {
      s = await startTestServer();
      await fillCity(s);
      embedded = await views(s.store, s);
      await s.store.close();
      url = await (await sharedCluster()).createDatabase();
    });
    after(async () => {
      for (const store of opened) await store.close();
      rmSync(s.dataDir, { recursive: true, force: true });
    });

    it('refuses while a server holds DATA_DIR (exit 3), copies nothing', async () => {
      const release = takeLock(s.dataDir);
      try {
        const run = await admin(s.dataDir, ['migrate', '--to', url]);
        assert.equal(run.code, 3, run.out);
        assert.match(run.out, /is using .*stop it first/);
        assert.doesNotMatch(run.out, /Moving/);
      } finally {
        release();
      }
    });

    it('copies everything and verifies counts and checksums per kind (exit 0)', async () => {
      const run = await admin(s.dataDir, ['migrate', '--to', url]);
      assert.equal(run.code, 0, run.out);
      assert.match(run.out, /Verified: every kind matches/);
      assert.doesNotMatch(run.out, /MISMATCH/);
      const auditLines = readFileSync(`${s.dataDir}/audit.log`, 'utf8').trim().split('\n').length;
      for (const [kind, count] of [
        ['report revisions', 8],
        ['latest revision per report', 2],
        ['tokens \\(hashes\\)', 5],
        ['plans added by admins', 1],
        ['agencies and communes', 1],
        ['lead changes', 1],
        ['judgements', 1],
        ['idempotency records still valid', 1],
        ['audit log', auditLines],
      ] as const) {
        assert.match(run.out, new RegExp(`/ ${kind}: ${count} — ${count} — khớp / match`), `${kind}\n${run.out}`);
      }
    });

    it('a server on the database serves the same history, consolidated table, judgements, tokens and agencies', async () => {
      const store = await pgStore();
      assert.deepEqual(await views(store, s), embedded);
      // Revisions keep their times and writers; the idempotent write replays from the copy.
      const history = JSON.stringify((embedded as { sytHistory: unknown }).sytHistory);
      assert.ok(history.includes('2023-06-10T08:00:00.000Z'), 'the first revision keeps its original savedAt');
      for (const status of ['"returned"', '"approved"', 'Chỉ tiêu 11 cần giải trình']) assert.ok(history.includes(status), status);
      // And store to store: every revision of every report, field for field.
      const source = await openLowdbStore({ dataDir: s.dataDir, log: () => undefined });
      try {
        const keys = (await source.inventory?.().reportKeys()) ?? [];
        assert.equal(keys.length, 2);
        for (const key of keys) assert.deepEqual(await store.history(key), await source.history(key));
      } finally {
        await source.close();
      }
      const sytToken = await store.findTokenByHash((await store.listTokens()).find((t) => t.agencyId === 'hn-syt')?.hash ?? '');
      assert.ok(sytToken);
      assert.ok(await store.findIdempotency(sytToken.id, 'syt-retry-1'));
    });

    it('refuses a target that holds data (exit 1) unless --replace; a changed row fails --verify-only (exit 2) and --replace heals it', async () => {
      const again = await admin(s.dataDir, ['migrate', '--to', url]);
      assert.equal(again.code, 1, again.out);
      assert.match(again.out, /holds data already; nothing was copied: .*report_revisions 8, idempotency 1, audit \d+, tokens 5/);

      const store = await pgStore();
      await store.pool.query(`UPDATE report_revisions SET body = (body::jsonb || '{"late": true}'::jsonb)::json WHERE agency_id = 'hn-bhxh' AND revision = 1`);
      const check = await admin(s.dataDir, ['migrate', '--to', url, '--verify-only']);
      assert.equal(check.code, 2, check.out);
      assert.match(check.out, /report revisions: 8 — 8 — KHÁC \/ MISMATCH/);
      assert.match(check.out, /tokens \(hashes\): 5 — 5 — khớp \/ match/);
      assert.match(check.out, /MISMATCH: the target differs from the source/);

      const replaced = await admin(s.dataDir, ['migrate', '--to', url, '--replace']);
      assert.equal(replaced.code, 0, replaced.out);
      assert.match(replaced.out, /--replace: .*emptying the target/);
      const revision = (await store.history({ planId: 'hn-kh207-2021', period: '2023', agencyId: 'hn-bhxh' }))[0];
      assert.equal(revision?.late, false);
    });

    it('a deleted audit row is a mismatch of the audit log', async () => {
      const store = await pgStore();
      await store.pool.query('DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)');
      const check = await admin(s.dataDir, ['migrate', '--to', url, '--verify-only']);
      assert.equal(check.code, 2, check.out);
      assert.match(check.out, /audit log: (\d+) — (?!\1)\d+ — KHÁC \/ MISMATCH/);
    });
  });
}

describe('canonical JSON of the move\'s checksums', () => {
  it('sorts object keys at every depth, keeps array order, leaves out undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
    assert.equal(canonicalJson('Phường'), '"Phường"');
  });
});

describe('Store.inventory: what a move lists that keyed reads cannot (embedded and memory stores)', () => {
  it('lists every report key once, every judgement of every plan, and only the idempotency records still valid', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const store = await openMemoryStore({ now: () => now, idempotencyTtlMs: 3600_000 });
    const a = reportKey({ planId: 'plan-a' });
    const b = reportKey({ planId: 'plan-b', period: '2025' });
    const old = { ...idempotencyRecord('tok', 'old', null), at: '2026-02-28T00:00:00.000Z' };
    ok(await store.putReport(a, 0, reportWrite(a, 1), { audit: audit('put'), idempotency: old }));
    ok(await store.putReport(a, 1, reportWrite(a, 2), { audit: audit('put') }));
    ok(await store.putReport(b, 0, reportWrite(b, 3), { audit: audit('put'), idempotency: { ...idempotencyRecord('tok', 'fresh', null), at: now.toISOString() } }));
    for (const planId of ['plan-a', 'plan-b']) {
      await store.putJudgement({ planId, period: '2025', indicator: '1', verdict: 'met', reason: 'r', by: 'tok', at: now.toISOString() }, audit('judge'));
    }
    now = new Date('2026-03-01T00:30:00Z');
    const inventory = store.inventory?.();
    assert.ok(inventory);
    const keys = await inventory.reportKeys();
    assert.deepEqual(keys.map((k) => k.planId).sort(), ['plan-a', 'plan-b']);
    assert.deepEqual(keys.find((k) => k.planId === 'plan-b'), b);
    assert.deepEqual((await inventory.allJudgements()).map((j) => j.planId).sort(), ['plan-a', 'plan-b']);
    assert.deepEqual((await inventory.validIdempotency()).map((r) => r.key), ['fresh']);
    await store.close();
  });
});
