import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../bench/random';
import type { DbFile } from '../../server/storage/durable-json-file';
import { readJournal } from '../../server/storage/journal';
import { freePort, kill, startServer, type Running } from './child-server';

/**
 * The crash test: the real server as a child process, at least 500 concurrent PUTs from
 * 50 agencies, SIGKILL at a random moment mid-run, restart: every PUT answered 2xx is
 * there, the file parses, revisions are consistent, and the audit log matches the stored
 * revisions record for record. Five rounds on the same data folder.
 */
const PLAN = 'hn-kh207-2021';
const PERIODS = ['2021', '2021-6M', '2021-9M', '2022', '2022-6M', '2022-9M', '2023', '2023-6M', '2023-9M', '2024'];
const ROUNDS = 5;


/**
 * What is on disk: per report the revision numbers the snapshot's index places in the
 * revisions file, then those of the journal after it (as start-up replays them), and the
 * last committed audit seq.
 */
async function committedOnDisk(dataDir: string): Promise<{ reports: Record<string, number[]>; audit: { seq: number } }> {
  const snapshot = JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8')) as DbFile & { audit: { seq: number } };
  const journal = await readJournal(dataDir, 'db.json', snapshot.journal?.seq ?? 0);
  assert.equal(journal.torn, null, 'the server cut any torn tail at its start');
  const reports: Record<string, number[]> = {};
  for (const [key, pairs] of Object.entries(snapshot.history)) reports[key] = Array.from({ length: pairs.length / 2 }, (_, i) => i + 1);
  let seq = snapshot.audit.seq;
  for (const group of journal.groups) {
    for (const op of group.ops) if (op.op === 'report') (reports[op.key] ??= []).push(op.revision.revision);
    for (const line of group.audit) seq = Math.max(seq, (JSON.parse(line) as { seq: number }).seq);
  }
  return { reports, audit: { seq } };
}

/**
 * Audit ≡ data: every stored revision has exactly one numbered audit line naming it, no
 * numbered line names a revision that is not stored, and the numbers run 1..n without a
 * gap or a repeat up to the committed seq (snapshot + journal).
 */
async function assertAuditMatchesData(dataDir: string): Promise<{ revisions: number; lines: number }> {
  const data = await committedOnDisk(dataDir);
  const text = readFileSync(path.join(dataDir, 'audit.log'), 'utf8');
  assert.ok(text.endsWith('\n'), 'the audit log ends with a whole line');
  const lines = text.split('\n').filter(Boolean).map((l, i) => {
    try {
      return JSON.parse(l) as { seq?: number; planId?: string; period?: string; agencyId?: string; revision?: number };
    } catch {
      return assert.fail(`audit line ${i + 1} is not JSON (glued or torn): ${l.slice(0, 200)}`);
    }
  });
  const numbered = lines.filter((l) => l.seq !== undefined);
  assert.deepEqual(numbered.map((l) => l.seq), numbered.map((_, i) => i + 1), 'audit seq runs 1..n, no repeat, no gap');
  assert.equal(numbered.length, data.audit.seq, 'the log holds exactly the committed records');
  const counts = new Map<string, number>();
  for (const l of numbered) {
    if (l.revision === undefined) continue;
    const k = `${l.planId}|${l.period}|${l.agencyId}#${l.revision}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let revisions = 0;
  for (const [key, list] of Object.entries(data.reports)) {
    for (const revision of list) {
      revisions++;
      const k = `${key}#${revision}`;
      assert.equal(counts.get(k) ?? 0, 1, `exactly one audit line for ${k}`);
      counts.delete(k);
    }
  }
  assert.deepEqual([...counts.keys()], [], 'no audit line for a revision that is not stored');
  return { revisions, lines: numbered.length };
}

describe('crash test: SIGKILL mid-run loses no acknowledged write', function () {
  this.timeout(300_000);
  let dataDir: string;
  let running: Running | null = null;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'asr-crash-'));
  });
  after(async () => {
    if (running) await kill(running);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${ROUNDS} rounds of 500 concurrent PUTs from 50 agencies, killed with SIGKILL and restarted`, async () => {
    const port = await freePort();
    running = await startServer(dataDir, port);
    const admin = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const auth = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

    // 50 agencies: the 30 districts and 20 departments or agencies of the register.
    const agencies = ((await (await fetch(`${running.base}/api/agencies`, { headers: auth(admin) })).json()) as { agencies: Array<{ id: string; kind: string }> }).agencies;
    const chosen = [...agencies.filter((a) => a.kind === 'district').slice(0, 30), ...agencies.filter((a) => a.kind === 'department' || a.kind === 'agency').slice(0, 20)].map((a) => a.id);
    assert.equal(chosen.length, 50);
    const tokens = new Map<string, string>();
    for (const id of chosen) {
      const res = await fetch(`${running.base}/api/tokens`, { method: 'POST', headers: auth(admin), body: JSON.stringify({ role: 'agency', agencyId: id, label: id }) });
      assert.equal(res.status, 201);
      tokens.set(id, ((await res.json()) as { token: string }).token);
    }

    const acknowledged: Array<{ agencyId: string; period: string; revision: number; marker: string }> = [];
    let interrupted = 0;
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const next = seededRandom(seed);
    const killPoints: number[] = [];
    const repairs: string[] = [];
    let auditedRevisions = 0;
    let tornTails = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // What the server says is current, after the previous crash.
      const current = new Map<string, number>();
      await Promise.all(
        chosen.flatMap((agencyId) =>
          PERIODS.map(async (period) => {
            const res = await fetch(`${running!.base}/api/plans/${PLAN}/periods/${period}/reports/${agencyId}`, { headers: auth(tokens.get(agencyId)!) });
            current.set(`${agencyId}|${period}`, res.status === 200 ? Number(/"r(\d+)"/.exec(res.headers.get('etag') ?? '')![1]) : 0);
            await res.arrayBuffer();
          }),
        ),
      );

      let answered = 0;
      let killAt: Promise<void> | null = null;
      // A random moment: after 1 to 450 of the 500 answers (the rest in flight).
      const killAfter = 1 + Math.floor(next() * 450);
      killPoints.push(killAfter);
      const target = running;
      const puts = chosen.flatMap((agencyId) =>
        PERIODS.map(async (period) => {
          const revision = current.get(`${agencyId}|${period}`)!;
          const marker = `round ${round} ${agencyId} ${period}`;
          try {
            const res = await fetch(`${target.base}/api/plans/${PLAN}/periods/${period}/reports/${agencyId}`, {
              method: 'PUT',
              headers: { ...auth(tokens.get(agencyId)!), ...(revision === 0 ? { 'If-None-Match': '*' } : { 'If-Match': `"r${revision}"` }) },
              body: JSON.stringify({ entries: [{ code: '2', value: String(1000 * round + revision), note: marker }] }),
            });
            await res.arrayBuffer();
            if (res.status >= 200 && res.status < 300) {
              acknowledged.push({ agencyId, period, revision: Number(/"r(\d+)"/.exec(res.headers.get('etag') ?? '')![1]), marker });
            } else {
              assert.fail(`unexpected ${res.status} for ${marker}`);
            }
            answered++;
            if (answered === killAfter && !killAt) killAt = kill(target);
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            interrupted++;
          }
        }),
      );
      assert.equal(puts.length, 500);
      await Promise.all(puts);
      await (killAt ?? kill(target));

      // The snapshot parses as it is on disk right after the crash; the journal reads back (a torn tail at most).
      const snapshot = JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8')) as { journal?: { seq: number } };
      const afterCrash = await readJournal(dataDir, 'db.json', snapshot.journal?.seq ?? 0);
      if (afterCrash.torn) tornTails += 1;
      running = await startServer(dataDir, port);
      const audited = await assertAuditMatchesData(dataDir);
      repairs.push(...running.output.join('').split('\n').filter((l) => l.startsWith('WARNING: ') && l.includes('audit.log')));
      auditedRevisions = audited.revisions;

      // Every acknowledged write of every round is there, and revisions are 1..n without gaps.
      const histories = new Map<string, Array<{ revision: number; entries: Array<{ note?: string }> }>>();
      for (const agencyId of chosen) {
        for (const period of PERIODS) {
          const res = await fetch(`${running.base}/api/plans/${PLAN}/periods/${period}/reports/${agencyId}/history`, { headers: auth(tokens.get(agencyId)!) });
          const body = (await res.json()) as { revisions: Array<{ revision: number; entries: Array<{ note?: string }> }> };
          histories.set(`${agencyId}|${period}`, body.revisions);
          assert.deepEqual(body.revisions.map((r) => r.revision), body.revisions.map((_, i) => i + 1), `${agencyId} ${period}: revisions 1..n`);
        }
      }
      for (const a of acknowledged) {
        const revs = histories.get(`${a.agencyId}|${a.period}`)!;
        const found = revs.find((r) => r.revision === a.revision);
        assert.ok(found, `acknowledged ${a.marker} (r${a.revision}) survived the crash`);
        assert.equal(found.entries[0]!.note, a.marker);
      }
    }
    console.log(`      ${acknowledged.length} acknowledged PUTs verified after ${ROUNDS} crashes (seed ${seed}, killed after ${killPoints.join(', ')} answers); ${interrupted} were cut off by the kill`);
    console.log(`      audit ≡ data after every restart (${auditedRevisions} revisions); ${tornTails} torn journal tail(s) cut; start-up repairs: ${repairs.length ? repairs.join(' | ') : 'none needed'}`);
    assert.ok(interrupted > 0, 'the kill happened while requests were in flight');
  });
});
