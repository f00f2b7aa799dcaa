import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seededRandom } from '../../bench/random';
import { requirePg, sharedCluster, stopSharedClusterAfterAll, type PgCluster } from '../support/pg-cluster';
import { freePort, kill, startServer, type Running } from './child-server';

/**
 * The crash test on PostgreSQL: two server processes on one database, 200 concurrent PUTs
 * per round spread over both, one of them SIGKILLed at a random moment. The PUTs cut off by
 * the kill are sent again with the same Idempotency-Key to the survivor (as a client would
 * retry), then the killed process is restarted. Every acknowledged write is there, no
 * write is there twice, revisions run 1..n, and the audit has exactly one row per revision.
 */
stopSharedClusterAfterAll();

const PLAN = 'hn-kh207-2021';
const PERIODS = ['2021', '2022', '2023', '2024'];
const AGENCIES = 25;
const ROUNDS = 3;

interface Put {
  agencyId: string;
  period: string;
  expected: number;
  marker: string;
}

if (requirePg()) {
  describe('crash test on PostgreSQL: SIGKILL a server process mid-run', function () {
    this.timeout(300_000);
    let cluster: PgCluster;
    let url: string;
    const dirs: string[] = [];
    const servers: Running[] = [];

    after(async () => {
      for (const s of servers) await kill(s);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      if (url) await cluster.dropDatabase(url);
    });

    it(`${ROUNDS} rounds of ${AGENCIES * PERIODS.length * 2} concurrent PUTs on two processes, one killed at random and restarted`, async () => {
      cluster = await sharedCluster();
      url = await cluster.createDatabase();
      const ports = [await freePort(), await freePort()];
      for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(path.join(tmpdir(), 'asr-pg-crash-')));
      const start = async (i: number) => {
        const running = await startServer(dirs[i]!, ports[i]!, { DATABASE_URL: url });
        servers.push(running);
        return running;
      };
      const procs: Running[] = [await start(0), await start(1)];
      const admin = readFileSync(path.join(dirs[0]!, 'admin-token'), 'utf8').trim();
      const auth = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extra });
      const agencies = ((await (await fetch(`${procs[0]!.base}/api/agencies`, { headers: auth(admin) })).json()) as { agencies: Array<{ id: string; kind: string }> }).agencies
        .filter((a) => a.kind === 'district')
        .slice(0, AGENCIES)
        .map((a) => a.id);
      const tokens = new Map<string, string>();
      for (const id of agencies) {
        const res = await fetch(`${procs[0]!.base}/api/tokens`, { method: 'POST', headers: auth(admin), body: JSON.stringify({ role: 'agency', agencyId: id, label: id }) });
        tokens.set(id, ((await res.json()) as { token: string }).token);
      }
      const reportUrl = (server: Running, p: Put) => `${server.base}/api/plans/${PLAN}/periods/${p.period}/reports/${p.agencyId}`;
      /** The PUT, answered (its revision) or cut off by the kill (null). */
      const send = async (server: Running, p: Put): Promise<number | null> => {
        const headers = auth(tokens.get(p.agencyId)!, { 'Idempotency-Key': p.marker.replace(/[^A-Za-z0-9-]/g, '-'), ...(p.expected === 0 ? { 'If-None-Match': '*' } : { 'If-Match': `"r${p.expected}"` }) });
        try {
          const res = await fetch(reportUrl(server, p), { method: 'PUT', headers, body: JSON.stringify({ entries: [{ code: '2', value: '1', note: p.marker }] }) });
          await res.arrayBuffer();
          assert.ok(res.status === 200 || res.status === 201, `${p.marker}: ${res.status}`);
          return Number(/"r(\d+)"/.exec(res.headers.get('etag') ?? '')![1]);
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          return null;
        }
      };

      const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
      const next = seededRandom(seed);
      const acknowledged: Array<Put & { revision: number }> = [];
      const revisions = new Map<string, number>();
      let cutOff = 0;
      let committedBeforeKill = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const victim = Math.floor(next() * 2);
        const killAfter = 1 + Math.floor(next() * 150);
        let answered = 0;
        let killing: Promise<void> | null = null;
        // Two PUTs per report and round, one after the other, on alternating processes.
        const cut: Put[] = [];
        await Promise.all(
          agencies.flatMap((agencyId, ai) =>
            PERIODS.map(async (period, pi) => {
              for (let step = 0; step < 2; step++) {
                const key = `${agencyId}|${period}`;
                const p: Put = { agencyId, period, expected: revisions.get(key) ?? 0, marker: `round ${round} step ${step} ${key}` };
                const revision = await send(procs[(ai + pi + step) % 2]!, p);
                if (revision === null) {
                  cut.push(p);
                  return; // the rest of this report's round waits for the retry
                }
                acknowledged.push({ ...p, revision });
                revisions.set(key, revision);
                answered += 1;
                if (answered === killAfter) killing = kill(procs[victim]!);
              }
            }),
          ),
        );
        await (killing ?? kill(procs[victim]!));
        cutOff += cut.length;
        committedBeforeKill += await storedMarkers(url, cut.map((p) => p.marker));
        // The client retries what was cut off, with the same key, on the process still up.
        const survivor = procs[1 - victim]!;
        for (const p of cut) {
          const revision = await send(survivor, p);
          assert.ok(revision !== null, `${p.marker}: the survivor answers`);
          acknowledged.push({ ...p, revision });
          revisions.set(`${p.agencyId}|${p.period}`, revision);
        }
        procs[victim] = await start(victim);
      }

      // Every acknowledged write is there, once, at the revision it was acknowledged with.
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const rows = (await db.query<{ agency_id: string; period: string; revision: number; note: string }>("SELECT agency_id, period, revision, body->'entries'->0->>'note' AS note FROM report_revisions ORDER BY agency_id, period, revision")).rows;
        const byKey = new Map<string, Array<{ revision: number; note: string }>>();
        for (const r of rows) byKey.set(`${r.agency_id}|${r.period}`, [...(byKey.get(`${r.agency_id}|${r.period}`) ?? []), r]);
        for (const [key, list] of byKey) {
          assert.deepEqual(list.map((r) => r.revision), list.map((_, i) => i + 1), `${key}: revisions 1..n`);
          const notes = list.map((r) => r.note);
          assert.equal(new Set(notes).size, notes.length, `${key}: no write stored twice`);
        }
        for (const a of acknowledged) {
          const found = byKey.get(`${a.agencyId}|${a.period}`)?.find((r) => r.revision === a.revision);
          assert.equal(found?.note, a.marker, `acknowledged ${a.marker} (r${a.revision}) is stored`);
        }
        assert.equal(rows.length, acknowledged.length, 'nothing stored that was not acknowledged (every cut-off PUT was retried)');
        const audit = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit WHERE revision IS NOT NULL');
        const perRevision = await db.query('SELECT 1 FROM audit WHERE revision IS NOT NULL GROUP BY plan_id, period, agency_id, revision HAVING count(*) <> 1');
        assert.equal(audit.rows[0]!.n, rows.length, 'one audit row per revision');
        assert.equal(perRevision.rowCount, 0);
      } finally {
        await db.end();
      }
      // Both processes agree after the crashes.
      const sample = acknowledged.at(-1)!;
      const seen = await Promise.all(procs.map(async (s) => (await fetch(`${reportUrl(s, sample)}/history`, { headers: auth(tokens.get(sample.agencyId)!) })).json()));
      assert.deepEqual(seen[0], seen[1]);
      console.log(`      ${acknowledged.length} acknowledged PUTs verified after ${ROUNDS} kills (seed ${seed}); ${cutOff} cut off by a kill and retried with their Idempotency-Key, ${committedBeforeKill} of which had committed before the kill (replayed, not written again)`);
      assert.ok(cutOff > 0, 'the kills happened while requests were in flight');
    });
  });
}

/** How many of these writes are stored already (committed before the kill cut their answer off). */
async function storedMarkers(url: string, markers: string[]): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const res = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM report_revisions WHERE body->'entries'->0->>'note' = ANY($1)", [markers]);
    return res.rows[0]!.n;
  } finally {
    await db.end();
  }
}
