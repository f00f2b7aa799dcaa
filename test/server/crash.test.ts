import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The crash test: the real server as a child process, at least 500 concurrent PUTs from
 * 50 agencies, SIGKILL mid-run, restart: every PUT answered 2xx is there, the file parses,
 * revisions are consistent. Five rounds on the same data folder.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = 'hn-kh207-2021';
const PERIODS = ['2021', '2021-6M', '2021-9M', '2022', '2022-6M', '2022-9M', '2023', '2023-6M', '2023-9M', '2024'];
const ROUNDS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Running {
  child: ChildProcess;
  base: string;
  output: string[];
}

async function startServer(dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output.join('')}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return { child, base, output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output.join('')}`);
}

function kill(running: Running): Promise<void> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve();
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
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
            // Kill once the first answers are in: the rest of the 500 are in flight.
            if (answered === 25 && !killAt) killAt = kill(target);
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            interrupted++;
          }
        }),
      );
      assert.equal(puts.length, 500);
      await Promise.all(puts);
      await (killAt ?? kill(target));

      // The file parses as it is on disk right after the crash.
      JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8'));
      running = await startServer(dataDir, port);

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
    console.log(`      ${acknowledged.length} acknowledged PUTs verified after ${ROUNDS} crashes; ${interrupted} were cut off by the kill`);
    assert.ok(interrupted > 0, 'the kill happened while requests were in flight');
  });
});
