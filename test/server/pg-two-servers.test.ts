import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requirePg, sharedCluster, stopSharedClusterAfterAll, type PgCluster } from '../support/pg-cluster';
import { freePort, kill, startServer, type Running } from './child-server';

/**
 * Two real server processes (server/main.ts) on one PostgreSQL database: whichever process
 * a request reaches, a report's revisions are decided once, an Idempotency-Key replays on
 * the other process, and both read the same tables and the same catalog.
 */
stopSharedClusterAfterAll();

const PLAN = 'hn-kh207-2021';
const ROUNDS = 25;
/** Requests per minute per token, counted across both processes. */
const RATE_LIMIT = 300;
/** Failed sign-ins per address per 15 minutes, counted across both processes. */
const FAILED_SIGNIN_LIMIT = 8;
/** The Department of Health's indicators in plan 207: a report needs them all to be submitted. */
const HEALTH_CODES = ['11', '12', '13', '14', '15', '16', '17', '18', '19'];

if (requirePg()) {
  describe('two server processes on one PostgreSQL database', function () {
    this.timeout(120_000);
    let cluster: PgCluster;
    let url: string;
    const dirs: string[] = [];
    const servers: Running[] = [];
    let a: Running;
    let b: Running;
    let admin: string;
    let agencyToken: string;
    let agencyId: string;

    const auth = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extra });
    const reportUrl = (server: Running, period: string) => `${server.base}/api/plans/${PLAN}/periods/${period}/reports/${agencyId}`;
    const revisionOf = (res: Response) => Number(/"r(\d+)"/.exec(res.headers.get('etag') ?? '')?.[1] ?? 0);

    async function put(server: Running, period: string, revision: number, value: string, idempotencyKey?: string): Promise<Response> {
      const headers = auth(agencyToken, {
        ...(revision === 0 ? { 'If-None-Match': '*' } : { 'If-Match': `"r${revision}"` }),
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      });
      return fetch(reportUrl(server, period), { method: 'PUT', headers, body: JSON.stringify({ entries: [{ code: '2', value }] }) });
    }

    async function history(server: Running, period: string): Promise<Array<{ revision: number; entries: Array<{ value: unknown }> }>> {
      const res = await fetch(`${reportUrl(server, period)}/history`, { headers: auth(agencyToken) });
      return ((await res.json()) as { revisions: Array<{ revision: number; entries: Array<{ value: unknown }> }> }).revisions;
    }

    before(async function () {
      cluster = await sharedCluster();
      url = await cluster.createDatabase();
      const start = async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'asr-pg-two-'));
        dirs.push(dir);
        const running = await startServer(dir, await freePort(), { DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), FAILED_SIGNIN_LIMIT: String(FAILED_SIGNIN_LIMIT) });
        servers.push(running);
        return running;
      };
      // Both at once on a fresh database: the migrations and the first admin token happen once.
      [a, b] = await Promise.all([start(), start()]);
      const withToken = dirs.filter((d) => existsSync(path.join(d, 'admin-token')));
      assert.equal(withToken.length, 1, 'one process made the first admin token');
      admin = readFileSync(path.join(withToken[0]!, 'admin-token'), 'utf8').trim();
      const agencies = ((await (await fetch(`${b.base}/api/agencies`, { headers: auth(admin) })).json()) as { agencies: Array<{ id: string; kind: string }> }).agencies;
      agencyId = agencies.find((x) => x.kind === 'district')!.id;
      // Issued through A, used on B.
      agencyToken = await issueToken(a, agencyId);
    });

    async function issueToken(server: Running, agency: string): Promise<string> {
      const res = await fetch(`${server.base}/api/tokens`, { method: 'POST', headers: auth(admin), body: JSON.stringify({ role: 'agency', agencyId: agency, label: `two-process test ${agency}` }) });
      assert.equal(res.status, 201);
      return ((await res.json()) as { token: string }).token;
    }

    after(async () => {
      for (const s of servers) await kill(s, 'SIGTERM');
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      if (url) await cluster.dropDatabase(url);
    });

    it('starts two processes at once on a fresh database: no lock between them, the schema and one admin token made once', async () => {
      for (const s of [a, b]) assert.match(s.output.join(''), /PostgreSQL postgresql:\/\/postgres@127\.0\.0\.1/);
      assert.equal([a, b].filter((s) => s.output.join('').includes('Admin token')).length, 1, 'the other process found the first one\'s admin token');
      assert.equal([a, b].filter((s) => s.output.join('').includes('applied migration(s)')).length, 1, 'the other one found the schema current');
      const healths = await Promise.all([a, b].map(async (s) => (await fetch(`${s.base}/api/health`)).status));
      assert.deepEqual(healths, [200, 200]);
    });

    it(`decides each revision once when both processes write it at the same time (${ROUNDS} rounds): one 2xx, one 412`, async () => {
      const period = '2023';
      let revision = 0;
      const winners = { a: 0, b: 0 };
      for (let round = 1; round <= ROUNDS; round++) {
        const [ra, rb] = await Promise.all([put(a, period, revision, `a${round}`), put(b, period, revision, `b${round}`)]);
        const statuses = [ra.status, rb.status].sort();
        await Promise.all([ra.arrayBuffer(), rb.arrayBuffer()]);
        assert.ok(statuses[0]! >= 200 && statuses[0]! < 300 && statuses[1] === 412, `round ${round}: ${ra.status} from A, ${rb.status} from B`);
        const winner = ra.status === 412 ? rb : ra;
        winners[winner === ra ? 'a' : 'b'] += 1;
        assert.equal(revisionOf(winner), revision + 1);
        revision += 1;
      }
      const fromA = await history(a, period);
      const fromB = await history(b, period);
      assert.deepEqual(fromA, fromB);
      assert.deepEqual(
        fromA.map((r) => r.revision),
        Array.from({ length: ROUNDS }, (_, i) => i + 1),
      );
      console.log(`      ${ROUNDS} contested revisions: ${winners.a} won on A, ${winners.b} on B`);
    });

    it('replays an Idempotency-Key on the other process: one revision, the same answer', async () => {
      const period = '2022';
      const first = await put(a, period, 0, '17', 'key-across-processes');
      const firstBody = await first.text();
      assert.equal(first.status, 201, 'created');
      const again = await put(b, period, 0, '17', 'key-across-processes');
      assert.equal(again.status, first.status);
      assert.equal(again.headers.get('etag'), first.headers.get('etag'));
      assert.deepEqual(JSON.parse(await again.text()), JSON.parse(firstBody));
      assert.deepEqual(
        (await history(b, period)).map((r) => r.revision),
        [1],
      );
    });

    it('reads the same consolidated table and last year\'s values from either process, also after a write on one of them', async () => {
      const table = async (server: Running, period: string, drafts: boolean) => {
        const res = await fetch(`${server.base}/api/plans/${PLAN}/periods/${period}/consolidated${drafts ? '?drafts=1' : ''}`, { headers: auth(admin) });
        assert.equal(res.status, 200);
        return res.json();
      };
      const lastYear = async (server: Running) => {
        const res = await fetch(`${server.base}/api/plans/${PLAN}/periods/2024/previous`, { headers: auth(admin) });
        assert.equal(res.status, 200);
        return ((await res.json()) as { values: Record<string, number> }).values['17'];
      };
      for (const drafts of [false, true]) assert.deepEqual(await table(a, '2023', drafts), await table(b, '2023', drafts));
      // Indicator 17 ("less than the year before") is the Department of Health's: its 2023 value is what 2024 is compared with.
      const health = await issueToken(a, 'hn-syt');
      const save = async (value: string) => {
        const key = `${PLAN}/periods/2023/reports/hn-syt`;
        const current = await fetch(`${a.base}/api/plans/${key}`, { headers: auth(health) });
        await current.arrayBuffer();
        const revision = current.status === 200 ? revisionOf(current) : 0;
        const conditional: Record<string, string> = revision === 0 ? { 'If-None-Match': '*' } : { 'If-Match': `"r${revision}"` };
        const saved = await fetch(`${a.base}/api/plans/${key}`, { method: 'PUT', headers: auth(health, conditional), body: JSON.stringify({ entries: HEALTH_CODES.map((code) => ({ code, value: code === '17' ? value : '50', note: 'Số liệu thử' })) }) });
        await saved.arrayBuffer();
        assert.ok(saved.ok, `PUT ${saved.status}`);
        const submitted = await fetch(`${a.base}/api/plans/${key}/submit`, { method: 'POST', headers: auth(health, { 'If-Match': `"r${revisionOf(saved)}"` }) });
        assert.equal(submitted.status, 200, await submitted.text());
      };
      await save('5');
      assert.equal(await lastYear(b), 5, 'B computed (and cached) 2023 as seen from 2024');
      await save('4');
      await eventually(async () => assert.equal(await lastYear(b), 4, 'B dropped its cached values on A\'s write'));
      assert.equal(await lastYear(a), 4);
      for (const drafts of [false, true]) assert.deepEqual(await table(b, '2023', drafts), await table(a, '2023', drafts));
      assert.deepEqual(await table(b, '2024', true), await table(a, '2024', true));
    });

    it(`counts a token's requests across both processes: request ${RATE_LIMIT + 1} of the minute is refused (429) on either`, async () => {
      const token = await issueToken(a, agencyId);
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMIT + 2; i++) {
        const res = await fetch(`${[a, b][i % 2]!.base}/api/agencies`, { headers: auth(token) });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses.slice(0, RATE_LIMIT), Array<number>(RATE_LIMIT).fill(200));
      assert.deepEqual(statuses.slice(RATE_LIMIT), [429, 429], 'one limit for both processes, not one each');
    });

    it(`counts failed sign-ins from one address across both processes: failure ${FAILED_SIGNIN_LIMIT + 1} is refused (429) on either, a valid token still passes`, async () => {
      const statuses: number[] = [];
      for (let i = 0; i < FAILED_SIGNIN_LIMIT + 2; i++) {
        const res = await fetch(`${[a, b][i % 2]!.base}/api/me`, { headers: auth(`asr_not-a-token-of-this-city-${String(i).padStart(4, '0')}`) });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [...Array<number>(FAILED_SIGNIN_LIMIT).fill(401), 429, 429], 'one limit for both processes, not one each');
      for (const server of [a, b]) assert.equal((await fetch(`${server.base}/api/me`, { headers: auth(admin) })).status, 200);
    });

    it('shows an agency added through one process in the other one\'s catalog', async () => {
      const agency = { id: 'hn-test-two-process', name: 'Xã Thử Nghiệm', kind: 'commune', city: 'hanoi', aliases: [], successors: [], predecessors: [] };
      const res = await fetch(`${a.base}/api/agencies`, { method: 'POST', headers: auth(admin), body: JSON.stringify(agency) });
      assert.equal(res.status, 201);
      await eventually(async () => {
        const list = ((await (await fetch(`${b.base}/api/agencies`, { headers: auth(admin) })).json()) as { agencies: Array<{ id: string }> }).agencies;
        assert.ok(list.some((x) => x.id === agency.id), 'B reloaded its catalog on A\'s change');
      });
    });
  });
}

/** Retries `check` for up to two seconds: another process hears a change a moment after it commits. */
async function eventually(check: () => Promise<void>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
