import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app';
import { CatalogService } from '../../server/catalog-service';
import { holderOf, lockFile, processStartTime, takeLock } from '../../server/lock';
import { scheduleBackups } from '../../server/storage/backups';
import { openLowdbStore } from '../../server/storage/lowdb-store';
import { freePort, kill, spawnServer, startServer, type Running } from './child-server';
import { testConfig } from './harness';

/**
 * Start-up and supervision: a lock a recycled pid cannot fool, a full disk that costs the
 * backup but not the service, scheduled backups, fatal errors that end the process with a
 * non-zero code, and a health check that says when the store has failed.
 */
const PUT_URL = (agencyId: string, period = '2023') => `/api/plans/hn-kh207-2021/periods/${period}/reports/${agencyId}`;

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function adminToken(dataDir: string): string {
  return readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
}

async function issueAgencyToken(base: string, admin: string, agencyId: string): Promise<string> {
  const res = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'agency', agencyId, label: agencyId }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

async function putReport(base: string, token: string, agencyId: string, period: string, note = 'ghi chú'): Promise<number> {
  const res = await fetch(`${base}${PUT_URL(agencyId, period)}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-None-Match': '*' },
    body: JSON.stringify({ entries: [{ code: '2', value: '12', note }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Whether this machine lets us mount a tmpfs (root in a container usually can). */
function canMount(): boolean {
  const probe = tempDir('asr-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('start-up and supervision (server/main.ts, server/lock.ts)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const running: Running[] = [];
  const mounts: string[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await kill(r);
    for (const m of mounts.splice(0)) {
      try {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      } catch {
        // already unmounted
      }
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = (prefix = 'asr-startup-') => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };

  describe('the lock', () => {
    it('records the pid and the process start time', () => {
      const dir = dataDir();
      const release = takeLock(dir);
      try {
        const [pid, start] = readFileSync(lockFile(dir), 'utf8').split('\n');
        assert.equal(Number(pid), process.pid);
        if (process.platform === 'linux') assert.equal(start, processStartTime(process.pid));
        assert.equal(holderOf(dir), process.pid);
      } finally {
        release();
      }
      assert.equal(holderOf(dir), null, 'released');
    });

    it('is not held by a live pid whose start time differs (a recycled pid)', function () {
      if (processStartTime(1) === null) this.skip(); // no /proc
      const dir = dataDir();
      writeFileSync(lockFile(dir), `1\n${Number(processStartTime(1)) + 12345}\n`);
      assert.equal(holderOf(dir), null);
      writeFileSync(lockFile(dir), `${process.pid}\n${processStartTime(process.pid)}\n`);
      assert.equal(holderOf(dir), process.pid, 'the same pid and start time: held');
    });

    it('is not held by an old pid-only lock written before that process started (pid 1 after a container restart)', function () {
      if (processStartTime(1) === null) this.skip();
      const dir = dataDir();
      writeFileSync(lockFile(dir), '1');
      const old = new Date('2000-01-01T00:00:00Z');
      utimesSync(lockFile(dir), old, old);
      assert.equal(holderOf(dir), null);
    });

    for (const [label, pidOf] of [
      ['pid 1', () => 1],
      ['the test runner\'s own pid', () => process.pid],
    ] as const) {
      it(`a server starts over a stale server.pid naming ${label} with another start time`, async function () {
        if (processStartTime(1) === null) this.skip();
        const dir = dataDir();
        const pid = pidOf();
        writeFileSync(lockFile(dir), `${pid}\n${Number(processStartTime(pid)) + 999}\n`);
        const r = await startServer(dir, await freePort());
        running.push(r);
        assert.equal(Number(readFileSync(lockFile(dir), 'utf8').split('\n')[0]), r.child.pid, 'the lock is now the new server\'s');
        assert.match(r.output.join(''), /not a server of this folder any more/);
      });
    }

    it('a second server is refused while the first holds the folder (same pid and start time)', async () => {
      const dir = dataDir();
      const first = await startServer(dir, await freePort());
      running.push(first);
      const second = spawnServer(dir, await freePort());
      running.push(second);
      assert.equal(await second.exited, 1);
      assert.match(second.output.join(''), new RegExp(`Another process \\(pid ${first.child.pid}\\) already uses`));
    });
  });

  describe('a full disk', () => {
    it('costs the start-up backup (a loud warning), not the service: a 1 MB tmpfs filled to the brim', async function () {
      if (!canMount()) this.skip(); // the injected ENOSPC in lowdb-store.test.ts covers this without root
      const dir = dataDir('asr-fulldisk-');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
      mounts.push(dir);
      const port = await freePort();
      let r = await startServer(dir, port, { BACKUP_KEEP: '3' });
      running.push(r);
      const admin = adminToken(dir);
      const syt = await issueAgencyToken(r.base, admin, 'hn-syt');
      for (const period of ['2021', '2021-6M', '2022', '2022-6M', '2023', '2023-6M']) assert.equal(await putReport(r.base, syt, 'hn-syt', period, 'x'.repeat(500)), 201);
      await kill(r, 'SIGTERM');
      const stored = readdirSync(dir).filter((f) => f === 'db.json' || f === 'db.json.revisions' || f.startsWith('db.json.journal.')).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
      assert.ok(stored > 16 * 1024, 'snapshot, revisions and journal are larger than the space left below');

      // Fill the disk, then give back two pages: room for the lock file, not for a backup copy.
      const filler = path.join(dir, 'filler');
      const handle = await open(filler, 'w');
      try {
        const chunk = Buffer.alloc(4096, 1);
        for (;;) await handle.write(chunk);
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        await handle.close();
      }
      const size = statSync(filler).size;
      truncateSync(filler, Math.max(0, size - 8192));

      r = await startServer(dir, port, { BACKUP_KEEP: '3' });
      running.push(r);
      assert.match(r.output.join(''), /WARNING: the start-up backup of .*db\.json failed \(ENOSPC/);
      const read = await fetch(`${r.base}${PUT_URL('hn-syt', '2023')}`, { headers: { Authorization: `Bearer ${syt}` } });
      assert.equal(read.status, 200, 'reads are served');
      assert.equal(read.headers.get('etag'), '"r1"');
      await read.arrayBuffer();
      const health = await fetch(`${r.base}/api/health`);
      assert.equal(health.status, 200);
    });
  });

  describe('backups on a schedule', () => {
    it('copies the data file every interval and keeps the newest BACKUP_KEEP', async () => {
      const dir = dataDir();
      let t = Date.parse('2026-03-01T08:00:00.000Z');
      const store = await openLowdbStore({ dataDir: dir, backups: 3, now: () => new Date((t += 1000)), log: () => {} });
      let made = 0;
      const warnings: string[] = [];
      const stop = scheduleBackups(
        async () => {
          await store.backupNow();
          made++;
        },
        10,
        (w) => warnings.push(w),
      );
      while (made < 6) await new Promise((r) => setTimeout(r, 10));
      await stop();
      await store.close();
      const copies = readdirSync(path.join(dir, 'backups')).sort();
      assert.equal(copies.length, 3, copies.join(', '));
      assert.deepEqual(warnings, []);
    });

    it('a failed scheduled backup is a warning, and the schedule goes on', async () => {
      let calls = 0;
      const warnings: string[] = [];
      const stop = scheduleBackups(
        async () => {
          calls++;
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
        10,
        (w) => warnings.push(w),
      );
      while (calls < 3) await new Promise((r) => setTimeout(r, 10));
      await stop();
      assert.ok(warnings.length >= 2);
      assert.match(warnings[0]!, /WARNING: the scheduled backup failed \(ENOSPC/);
    });
  });

  describe('fatal errors', () => {
    it('the server exits non-zero when its data folder vanishes under it (the store cannot write any more)', async () => {
      const parent = dataDir();
      const dir = path.join(parent, 'data');
      mkdirSync(dir);
      const r = await startServer(dir, await freePort());
      running.push(r);
      const syt = await issueAgencyToken(r.base, adminToken(dir), 'hn-syt');
      rmSync(dir, { recursive: true, force: true });
      const status = await putReport(r.base, syt, 'hn-syt', '2023').catch(() => 'no answer');
      assert.notEqual(status, 201);
      assert.equal(await r.exited, 1);
      assert.match(r.output.join(''), /FATAL \(the store can no longer write\).*ENOENT/);
    });

    it('the server exits non-zero when its data folder turns read-only (a remounted tmpfs)', async function () {
      if (!canMount()) this.skip();
      const dir = dataDir('asr-readonly-');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
      mounts.push(dir);
      const r = await startServer(dir, await freePort());
      running.push(r);
      const syt = await issueAgencyToken(r.base, adminToken(dir), 'hn-syt');
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      await putReport(r.base, syt, 'hn-syt', '2023').catch(() => 'no answer');
      assert.equal(await r.exited, 1);
      assert.match(r.output.join(''), /FATAL \(the store can no longer write\).*EROFS/);
    });

    it('GET /api/health answers 503 once the store has failed', async () => {
      const dir = dataDir();
      let failing = false;
      const store = await openLowdbStore({
        dataDir: dir,
        log: () => {},
        beforeAppend: async () => {
          if (failing) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
        },
      });
      try {
        const catalog = await CatalogService.open(store);
        const config = testConfig({ dataDir: dir, corsOrigins: [], serveLocalOfficeJs: false, now: () => new Date() });
        const app = createApp({ store, catalog, config });
        const healthy = await request(app).get('/api/health').expect(200);
        assert.equal(healthy.body.store.ok, true);
        failing = true;
        await assert.rejects(store.audit({ at: new Date().toISOString(), actor: 'test', action: 'probe' }), /EROFS/);
        const failed = await request(app).get('/api/health').expect(503);
        assert.equal(failed.body.status, 'failed');
        assert.match(failed.body.store.failed, /EROFS/);
      } finally {
        await store.close();
      }
    });

    it('an uncaught exception in the server exits non-zero, saying why', async () => {
      // A module preloaded into the server that throws outside any request when told to.
      const dir = dataDir();
      const hook = path.join(dir, 'throw-on-signal.mjs');
      writeFileSync(hook, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('boom (test)'); }));\n");
      const r = await startServer(dir, await freePort(), { NODE_OPTIONS: `--import=${hook}` });
      running.push(r);
      r.child.kill('SIGUSR2');
      assert.equal(await r.exited, 1);
      assert.match(r.output.join(''), /FATAL \(uncaught exception\)[^]*boom \(test\)/);
      assert.equal(holderOf(dir), null, 'the lock was released');
    });
  });
});
