import assert from 'node:assert/strict';
import { appendFile, cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Low } from 'lowdb';
import { openLowdbStore, openMemoryStore, type LowdbStore } from '../../server/storage/lowdb-store';
import { appendLinesDurably, writeFileDurably } from '../../server/storage/durable-file';
import { ReportRevision, StoreCorruptError, StoreFailedError } from '../../server/storage/types';
import { nodeBackupFs } from '../../server/storage/backups';
import { DurableJsonFile, emptyDoc, stringifyInSlices, type DbFile, type StoredDoc } from '../../server/storage/durable-json-file';
import { audit, idempotencyRecord, ok, reportKey, reportWrite, storeContract, token } from './store-contract';

async function tempDir(prefix = 'lowdb-store-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** How many reports of plan hn-kh207-2021 (the plan of `reportKey()`) a backup folder restores. */
async function reportsInBackup(folder: string): Promise<number> {
  const copy = await tempDir('lowdb-restore-');
  try {
    await cp(folder, copy, { recursive: true });
    const store = await openLowdbStore({ dataDir: copy, backups: 0, log: () => {} });
    const n = (await store.listReports({ planId: 'hn-kh207-2021' })).length;
    await store.close();
    return n;
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

storeContract('lowdb', async () => {
  const dir = await tempDir();
  const store = await openLowdbStore({ dataDir: dir });
  return {
    store,
    cleanup: async () => {
      await store.close();
      const leftovers = (await listFiles(dir)).filter((f) => f.includes('.tmp-'));
      await rm(dir, { recursive: true, force: true });
      assert.deepEqual(leftovers, [], 'no temp files are left behind');
    },
  };
});

storeContract('memory', async () => {
  const store = await openMemoryStore();
  return { store, cleanup: () => store.close() };
});

describe('lowdb store (server/storage/lowdb-store.ts)', function () {
  this.timeout(60_000);
  let dir: string;
  const open: LowdbStore[] = [];
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  async function openStore(options: Partial<Parameters<typeof openLowdbStore>[0]> = {}): Promise<LowdbStore> {
    const store = await openLowdbStore({ dataDir: dir, ...options });
    open.push(store);
    return store;
  }

  it('creates the folder and an empty data file on first start', async () => {
    const dataDir = path.join(dir, 'nested', 'data');
    const store = await openStore({ dataDir });
    assert.equal(store.file, path.join(dataDir, 'db.json'));
    const { audit: auditState, sums, journal, ...data } = JSON.parse(await readFile(store.file, 'utf8'));
    assert.deepEqual(data, { version: 2, reports: {}, tokens: [], plans: [], agencies: [], leadChanges: [], judgements: {}, idempotency: {}, history: {}, revisions: { bytes: 0 } });
    assert.deepEqual(auditState, { seq: 0, pending: [] });
    assert.deepEqual(journal, { seq: 0 }, 'the snapshot holds no journal group yet');
    assert.match(sums.audit, /^[0-9a-f]{64}$/, 'sealed with checksums from the start');
    assert.deepEqual(await listFiles(dataDir), ['db.json'], 'no backup of a file that did not exist');
  });

  it('opens a data file written before judgements were kept, and keeps them from then on', async () => {
    const file = path.join(dir, 'db.json');
    await writeFile(file, JSON.stringify({ version: 1, reports: {}, tokens: [], plans: [], agencies: [], leadChanges: [], idempotency: {} }));
    let store = await openStore();
    assert.deepEqual(await store.listJudgements({ planId: 'hn-x' }), []);
    const judgement = { planId: 'hn-x', period: '2023', indicator: '5', verdict: 'met' as const, reason: 'r', by: 'tok-c', at: '2023-12-20T08:00:00.000Z' };
    await store.putJudgement(judgement, { at: judgement.at, actor: 'tok-c', action: 'judge' });
    await store.close();
    store = await openStore();
    assert.deepEqual(await store.listJudgements({ planId: 'hn-x', period: '2023' }), [judgement]);
  });

  it('keeps everything across close and reopen', async () => {
    const key = reportKey();
    let store = await openStore();
    ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
    ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put'), idempotency: idempotencyRecord('tok-1', 'k', { a: 1 }) }));
    await store.addToken(token('tok-1', 's', 'agency', 'agency-1'), audit('token.add'));
    await store.revokeToken('tok-1', '2026-02-02T00:00:00.000Z', audit('token.revoke'));
    await store.addPlanFile({ id: 'p' }, audit('plan.add'));
    await store.upsertAgencies([{ id: 'xa-a', name: 'Xã A', kind: 'commune', city: 'hanoi', aliases: [], successors: [], predecessors: [] }], audit('agency.upsert'));
    await store.addLeadChange({ planId: 'p', indicator: '1', agencyId: 'xa-a', from: '2025-07-01', by: 'tok-1', at: '2025-07-01T00:00:00.000Z' }, audit('lead.change'));
    await store.addPlanRetirement({ planId: 'p', revision: null, retired: true, reason: 'Thử', by: 'tok-1', at: '2025-07-02T00:00:00.000Z' }, audit('plan.retire'));
    const snapshot = {
      history: await store.history(key),
      tokens: await store.listTokens(),
      plans: await store.listPlanFiles(),
      agencies: await store.listAgencies(),
      leads: await store.listLeadChanges(),
      retirements: await store.listPlanRetirements(),
      idem: await store.findIdempotency('tok-1', 'k'),
    };
    await store.close();

    store = await openStore();
    assert.deepEqual(
      {
        history: await store.history(key),
        tokens: await store.listTokens(),
        plans: await store.listPlanFiles(),
        agencies: await store.listAgencies(),
        leads: await store.listLeadChanges(),
        retirements: await store.listPlanRetirements(),
        idem: await store.findIdempotency('tok-1', 'k'),
      },
      snapshot,
    );
    assert.equal(snapshot.history.length, 2);
    assert.equal(snapshot.retirements.length, 1);
    assert.equal(snapshot.tokens[0]!.revokedAt, '2026-02-02T00:00:00.000Z');
    // The next revision continues from the stored one.
    assert.equal(ok(await store.putReport(key, 2, reportWrite(key, 3), { audit: audit('report.put') })).revision, 3);
  });

  it('writes the snapshot without indentation', async () => {
    const store = await openStore();
    const key = reportKey();
    ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
    await store.compactNow();
    const text = await readFile(store.file, 'utf8');
    assert.ok(!text.includes('\n'), 'one line');
    const k = `${key.planId}|${key.period}|${key.agencyId}`;
    assert.equal(JSON.parse(text).reports[k].revision, 1, 'the latest revision');
    assert.equal(JSON.parse(text).history[k].length, 2, 'the place of revision 1 in the revisions file: offset and length');
  });

  it('groups 500 concurrent puts into few flushes, all durable', async () => {
    const store = await openStore();
    const keys = Array.from({ length: 500 }, (_, i) => reportKey({ agencyId: `commune-${i}` }));
    const before = store.flushCount();
    const started = performance.now();
    const outcomes = await Promise.all(keys.map((key, i) => store.putReport(key, 0, reportWrite(key, i), { audit: audit('report.put') })));
    const ms = performance.now() - started;
    const flushes = store.flushCount() - before;
    assert.ok(outcomes.every((o) => o.ok));
    assert.ok(flushes >= 1 && flushes < 100, `${flushes} flushes`);
    if (process.env.STORE_BENCH) console.log(`      500 concurrent puts: ${flushes} flush(es), ${ms.toFixed(0)} ms`);
    const segments = (await readdir(dir)).filter((f) => f.startsWith('db.json.journal.'));
    const groups = (await Promise.all(segments.map(async (f) => (await readFile(path.join(dir, f), 'utf8')).trimEnd().split('\n')))).flat();
    assert.equal(groups.length, flushes, 'one journal line per flush');
    await store.compactNow();

    const onDisk = JSON.parse(await readFile(store.file, 'utf8'));
    assert.equal(Object.keys(onDisk.reports).length, 500);
    for (const [i, key] of keys.entries()) {
      const k = `${key.planId}|${key.period}|${key.agencyId}`;
      assert.equal(onDisk.history[k].length, 2);
      assert.equal(onDisk.reports[k].entries[0].value, i);
      ReportRevision.parse(onDisk.reports[k]);
    }
    const auditLines = (await readFile(path.join(dir, 'audit.log'), 'utf8')).trimEnd().split('\n');
    assert.equal(auditLines.length, 500);
  });

  it('groups 500 puts issued at once as 10 revisions of 50 reports (the in-memory compare-and-set)', async () => {
    const store = await openStore();
    const keys = Array.from({ length: 50 }, (_, i) => reportKey({ agencyId: `commune-${i}` }));
    const before = store.flushCount();
    const pending = [];
    for (let step = 0; step < 10; step++) {
      for (const key of keys) pending.push(store.putReport(key, step, reportWrite(key, step + 1), { audit: audit('report.put') }));
    }
    const outcomes = await Promise.all(pending);
    const flushes = store.flushCount() - before;
    assert.ok(outcomes.every((o) => o.ok));
    assert.ok(flushes < 100, `${flushes} flushes`);
    if (process.env.STORE_BENCH) console.log(`      500 puts issued at once on 50 keys: ${flushes} flush(es)`);
    await store.close();
    const reopened = await openStore();
    for (const key of keys) {
      assert.deepEqual(
        (await reopened.history(key)).map((r) => [r.revision, r.entries[0]!.value]),
        Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]),
      );
    }
  });

  it('resolves a put only once its flush has reached the file', async () => {
    const writes: string[] = [];
    const store = await openStore({
      beforeAppend: async (_file, group) => {
        await new Promise((r) => setTimeout(r, 30));
        writes.push(group);
      },
    });
    const key = reportKey();
    const put = store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') });
    let resolved = false;
    void put.then(() => (resolved = true));
    // Visible to reads (and to the compare-and-set) at once...
    assert.equal((await store.getReport(key))?.revision, 1);
    assert.equal(resolved, false);
    // ...acknowledged only after the write.
    ok(await put);
    assert.equal(writes.length, 1);
    assert.ok(writes[0]!.includes(key.agencyId));
  });

  for (const [label, content] of [
    ['truncated JSON', (good: string) => good.slice(0, Math.floor(good.length / 2))],
    ['an empty file', () => ''],
    ['valid JSON of the wrong shape (array)', () => '[]'],
    ['valid JSON of the wrong shape (reports as a list)', () => JSON.stringify({ version: 1, reports: [], tokens: [], plans: [], agencies: [], leadChanges: [], idempotency: {} })],
    ['valid JSON of another version', (good: string) => good.replace('"version":2', '"version":3')],
    ['valid JSON missing a collection', () => JSON.stringify({ version: 1, reports: {}, tokens: [], plans: [], agencies: [], leadChanges: [] })],
  ] as const) {
    it(`refuses ${label} with StoreCorruptError and leaves it untouched`, async () => {
      const store = await openStore();
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
      await store.close();
      const good = await readFile(store.file, 'utf8');
      const bad = content(good);
      await writeFile(store.file, bad);
      const before = await listFiles(dir);
      const mtime = (await stat(store.file)).mtimeMs;

      await assert.rejects(openLowdbStore({ dataDir: dir }), (err: unknown) => {
        assert.ok(err instanceof StoreCorruptError, String(err));
        assert.equal(err.file, store.file);
        assert.ok(err.message.includes(store.file), err.message);
        assert.match(err.message, /backups/);
        return true;
      });
      assert.equal(await readFile(store.file, 'utf8'), bad, 'the bytes are unchanged');
      assert.equal((await stat(store.file)).mtimeMs, mtime);
      assert.deepEqual(await listFiles(dir), before, 'no backup, temp or other file was written');
    });
  }

  it('keeps the newest 10 backups (backups: 10), one per start', async () => {
    let t = Date.parse('2026-03-01T08:00:00.000Z');
    const now = () => new Date(t);
    for (let i = 0; i < 12; i++) {
      const store = await openStore({ now, backups: 10 });
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, i), { audit: audit('report.put') }));
      await store.close();
      t += 60_000;
    }
    const backups = (await readdir(path.join(dir, 'backups'))).sort();
    assert.equal(backups.length, 10);
    // Starts 2..12 (08:01..08:11) made a copy (the first found no file); the oldest was removed.
    assert.equal(backups[0], 'db-2026-03-01T08-02-00.000Z');
    assert.equal(backups[9], 'db-2026-03-01T08-11-00.000Z');
    // The newest copy is the store as it was at the 12th start (snapshot + journal): 11 reports.
    assert.equal(await reportsInBackup(path.join(dir, 'backups', backups[9])), 11);
  });

  it('keeps distinct backups when starts share a timestamp, and honours the backups option', async () => {
    const now = () => new Date('2026-03-01T08:00:00.000Z');
    for (let i = 0; i < 6; i++) await (await openStore({ now, backups: 3 })).close();
    const backups = (await readdir(path.join(dir, 'backups'))).sort();
    assert.deepEqual(backups, ['db-2026-03-01T08-00-00.000Z-2', 'db-2026-03-01T08-00-00.000Z-3', 'db-2026-03-01T08-00-00.000Z-4']);
    await (await openStore({ backups: 0 })).close();
    assert.equal((await readdir(path.join(dir, 'backups'))).length, 3);
  });

  it('writes one audit line per change, with actor, action and changes', async () => {
    const store = await openStore();
    const key = reportKey();
    const changes = [{ path: 'entries.1.value', from: null, to: 5 }];
    ok(await store.putReport(key, 0, reportWrite(key, 5), { audit: audit('report.put', { changes }) }));
    ok(await store.putReport(key, 1, reportWrite(key, 6), { audit: audit('report.put', { changes: [{ path: 'entries.1.value', from: 5, to: 6 }] }) }));
    assert.equal((await store.putReport(key, 0, reportWrite(key, 7), { audit: audit('report.put') })).ok, false);
    await store.addToken(token('tok-9', 's9', 'admin', null), audit('token.add', { actor: 'tok-admin' }));
    await store.audit({ at: new Date().toISOString(), actor: 'anonymous', action: 'auth.failed' });

    const lines = (await readFile(store.auditFile, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    const entries = lines.map((l) => JSON.parse(l));
    assert.deepEqual(
      entries.map((e) => [e.actor, e.action]),
      [
        ['tok-writer', 'report.put'],
        ['tok-writer', 'report.put'],
        ['tok-admin', 'token.add'],
        ['anonymous', 'auth.failed'],
      ],
      'no line for the refused put',
    );
    assert.deepEqual(entries[0].changes, changes);
    assert.equal(entries[0].revision, 1);
    assert.equal(entries[1].revision, 2);
    assert.equal(entries[1].planId, key.planId);
    assert.equal(entries[1].agencyId, key.agencyId);
    assert.equal(entries[1].period, key.period);
    for (const e of entries) assert.equal(typeof e.at, 'string');
  });

  it('rejects the waiting puts of a failed flush, rolls them back and stays usable', async () => {
    let fail = false;
    let writes = 0;
    const store = await openStore({
      beforeAppend: async () => {
        writes += 1;
        if (fail) throw new Error('disk full (simulated)');
      },
    });
    const key = reportKey();
    const first = ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
    const journal = async () => (await Promise.all((await readdir(dir)).filter((f) => f.includes('.journal.')).map((f) => readFile(path.join(dir, f), 'utf8')))).join('');
    const good = await journal();

    fail = true;
    const others = Array.from({ length: 5 }, () => reportKey());
    const results = await Promise.allSettled([
      store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put'), idempotency: idempotencyRecord('tok-1', 'k-fail', {}) }),
      ...others.map((k) => store.putReport(k, 0, reportWrite(k, 1), { audit: audit('report.put') })),
      store.addToken(token('tok-x', 'sx', 'admin', null), audit('token.add')),
    ]);
    assert.ok(results.every((r) => r.status === 'rejected' && String(r.reason).includes('disk full')), JSON.stringify(results));
    assert.equal(await journal(), good, 'the journal still holds the acknowledged state only');
    assert.deepEqual(await store.getReport(key), first, 'the refused revision was rolled back');
    assert.equal(await store.findIdempotency('tok-1', 'k-fail'), null);
    for (const k of others) assert.equal(await store.getReport(k), null);
    assert.deepEqual(await store.listTokens(), []);
    const log = (await readFile(store.auditFile, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.at(-1).action, 'store.write-failed');

    fail = false;
    const second = ok(await store.putReport(key, 1, reportWrite(key, 3), { audit: audit('report.put') }));
    assert.equal(second.revision, 2);
    assert.ok(writes >= 3);
    await store.close();
    const reopened = await openStore();
    assert.deepEqual(
      (await reopened.history(key)).map((r) => r.entries[0]!.value),
      [1, 3],
    );
    assert.equal(await reopened.getReport(others[0]!), null);
  });

  it('also rejects the batch collected during a failed flush, which may build on it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    let armed = false;
    const store = await openStore({
      beforeAppend: async () => {
        if (!armed) return;
        calls += 1;
        await gate;
        throw new Error('I/O error (simulated)');
      },
    });
    armed = true;
    const key = reportKey();
    const a = store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') });
    while (calls === 0) await new Promise((r) => setImmediate(r)); // the first flush is running
    const b = store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }); // builds on revision 1
    const c = store.putReport(reportKey(), 0, reportWrite(key, 3), { audit: audit('report.put') }).catch((e: unknown) => e);
    release();
    await assert.rejects(a, /I\/O error/);
    await assert.rejects(b, /I\/O error/);
    assert.ok((await c) instanceof Error);
    assert.equal(await store.getReport(key), null);
    assert.equal(calls, 1, 'the second batch was never written');
  });

  it('close waits for the pending flush; later writes are refused', async () => {
    const store = await openStore();
    const key = reportKey();
    const put = store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') });
    await store.close();
    ok(await put);
    assert.equal(await reportsInBackup(dir), 1, 'on disk once closed');
    await assert.rejects(store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }), /closed/);
  });

  it('drops idempotency records older than 24 hours on the next write', async () => {
    let t = Date.parse('2026-03-01T08:00:00.000Z');
    const store = await openStore({ now: () => new Date(t) });
    const k1 = reportKey();
    const old = { ...idempotencyRecord('tok-1', 'old', {}), at: new Date(t).toISOString() };
    ok(await store.putReport(k1, 0, reportWrite(k1, 1), { audit: audit('report.put'), idempotency: old }));
    t += 25 * 3600_000;
    const k2 = reportKey();
    const fresh = { ...idempotencyRecord('tok-1', 'fresh', {}), at: new Date(t).toISOString() };
    ok(await store.putReport(k2, 0, reportWrite(k2, 1), { audit: audit('report.put'), idempotency: fresh }));
    assert.equal(await store.findIdempotency('tok-1', 'old'), null);
    assert.deepEqual(await store.findIdempotency('tok-1', 'fresh'), fresh);
    await store.compactNow();
    const onDisk = JSON.parse(await readFile(store.file, 'utf8'));
    assert.deepEqual(Object.keys(onDisk.idempotency), ['tok-1|fresh']);
  });

  it('removes temp files left by a crashed run, and leaves other files alone', async () => {
    await (await openStore()).close();
    await writeFile(path.join(dir, 'db.json.tmp-99999-1'), '{"half":');
    await writeFile(path.join(dir, 'notes.txt'), 'keep');
    await (await openStore()).close();
    const files = await listFiles(dir);
    assert.ok(!files.some((f) => f.includes('.tmp-')), files.join(', '));
    assert.ok(files.includes('notes.txt'));
  });

  it('refuses report keys that would be ambiguous', async () => {
    const store = await openStore();
    const key = reportKey({ agencyId: 'a|b' });
    await assert.rejects(store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }), /without "\|"/);
    const other = reportKey();
    await assert.rejects(store.putReport(other, 0, reportWrite(reportKey(), 1), { audit: audit('report.put') }), /not/);
  });
});

describe('durable file writes (server/storage/durable-file.ts)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('durable-file-');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes and replaces a file, leaving no temp file behind', async () => {
    const file = path.join(dir, 'data.json');
    await writeFileDurably(file, '{"a":1}');
    assert.equal(await readFile(file, 'utf8'), '{"a":1}');
    await writeFileDurably(file, Buffer.from('{"a":2}'));
    assert.equal(await readFile(file, 'utf8'), '{"a":2}');
    assert.deepEqual(await readdir(dir), ['data.json']);
  });

  it('ends with one whole version when many writes race', async () => {
    const file = path.join(dir, 'data.json');
    const versions = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(10_000 + i) }));
    await Promise.all(versions.map((v) => writeFileDurably(file, v)));
    assert.ok(versions.includes(await readFile(file, 'utf8')));
    assert.deepEqual(await readdir(dir), ['data.json']);
  });

  it('cleans up its temp file when the rename fails, and keeps the old file', async () => {
    const target = path.join(dir, 'target');
    await writeFile(path.join(dir, 'keep.json'), 'old');
    await (await import('node:fs/promises')).mkdir(path.join(target, 'inside'), { recursive: true });
    // Renaming a file over a non-empty folder fails.
    await assert.rejects(writeFileDurably(target, 'new'));
    assert.deepEqual((await readdir(dir)).sort(), ['keep.json', 'target']);
    await assert.rejects(writeFileDurably(path.join(dir, 'missing', 'x.json'), 'new'), /ENOENT/);
    assert.equal(await readFile(path.join(dir, 'keep.json'), 'utf8'), 'old');
  });

  it('appends JSON lines', async () => {
    const file = path.join(dir, 'audit.log');
    await appendLinesDurably(file, ['{"n":1}', '{"n":2}']);
    await appendLinesDurably(file, []);
    await appendLinesDurably(file, ['{"n":3}']);
    assert.equal(await readFile(file, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n');
    await assert.rejects(appendLinesDurably(file, ['a\nb']), /newline/);
  });
});

/** The lines of the audit log, parsed; asserts the file ends with a newline and every line is JSON. */
async function auditLog(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the log ends with a newline');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('lowdb store: audit committed with the data, checksums, expiry, failures', function () {
  this.timeout(60_000);
  let dir: string;
  let warnings: string[];
  const open: LowdbStore[] = [];
  beforeEach(async () => {
    dir = await tempDir();
    warnings = [];
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  async function openStore(options: Partial<Parameters<typeof openLowdbStore>[0]> = {}): Promise<LowdbStore> {
    const store = await openLowdbStore({ dataDir: dir, log: (m) => warnings.push(m), ...options });
    open.push(store);
    return store;
  }
  async function closeAll(): Promise<void> {
    for (const s of open.splice(0)) await s.close();
  }
  async function putMany(store: LowdbStore, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, i), { audit: audit('report.put') }));
    }
  }
  const dataFile = () => path.join(dir, 'db.json');
  const logFile = () => path.join(dir, 'audit.log');
  const readData = async () => JSON.parse(await readFile(dataFile(), 'utf8'));

  it('numbers audit records and journals them with their write; the snapshot records the last committed seq', async () => {
    const store = await openStore();
    await putMany(store, 3);
    const log = await auditLog(logFile());
    assert.deepEqual(log.map((l) => l.seq), [1, 2, 3]);
    const segment = (await readdir(dir)).find((f) => f.startsWith('db.json.journal.'))!;
    const groups = (await readFile(path.join(dir, segment), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l.slice(65)));
    assert.deepEqual(groups.map((g) => [g.n, g.ops.length, g.audit.map((a: { seq: number }) => a.seq)]), [[1, 1, [1]], [2, 1, [2]], [3, 1, [3]]], 'each record travels with its write');
    await store.compactNow();
    const data = await readData();
    assert.equal(data.audit.seq, 3);
    assert.deepEqual(data.journal, { seq: 3 });
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('db.json.journal.')), [], 'the compacted segments are gone');
  });

  it('writes no audit record for a write whose data did not reach the disk, only an unnumbered note', async () => {
    let fail = false;
    const store = await openStore({ beforeAppend: async () => (fail ? Promise.reject(errno('ENOSPC')) : undefined) });
    await putMany(store, 1);
    fail = true;
    await assert.rejects(putMany(store, 1), /ENOSPC/);
    fail = false;
    await putMany(store, 1);
    const log = await auditLog(logFile());
    assert.deepEqual(log.map((l) => [l.seq ?? null, l.action]), [[1, 'report.put'], [null, 'store.write-failed'], [2, 'report.put']]);
  });

  it('re-appends at start the committed records a crash kept from the log', async () => {
    await putMany(await openStore(), 3);
    await closeAll();
    const text = await readFile(logFile(), 'utf8');
    await writeFile(logFile(), text.split('\n').slice(0, 2).join('\n') + '\n'); // the crash hit before the last append
    await openStore();
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1, 2, 3]);
    assert.ok(warnings.some((w) => w.includes('1 committed record(s) had not reached the log')), warnings.join('\n'));
    await closeAll();
    await openStore();
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1, 2, 3], 'never twice');
  });

  it('says so when records are missing from the log and cannot be restored', async () => {
    const first = await openStore();
    await putMany(first, 3);
    await first.compactNow(); // the journal would restore them
    await closeAll();
    await writeFile(logFile(), `${(await readFile(logFile(), 'utf8')).split('\n')[0] ?? ''}\n`);
    await openStore();
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1]);
    assert.ok(warnings.some((w) => w.includes('seq 2…3 are missing')), warnings.join('\n'));
  });

  it('cuts a torn last line at start, naming the file and byte offset, so the next record is not glued to it', async () => {
    await putMany(await openStore(), 2);
    await closeAll();
    const size = (await stat(logFile())).size;
    await appendFile(logFile(), '{"seq":3,"at":"2026-');
    const store = await openStore();
    assert.ok(warnings.some((w) => w.includes(logFile()) && w.includes(`at byte ${size}`)), warnings.join('\n'));
    await putMany(store, 1);
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1, 2, 3]);
  });

  it('moves lines the data file does not hold (a restored backup) to a side file at start', async () => {
    await putMany(await openStore(), 2);
    await closeAll();
    const phantom = JSON.stringify({ seq: 3, at: '2026-01-01T00:00:00.000Z', actor: 'tok-x', action: 'put', revision: 1 });
    await appendFile(logFile(), `${phantom}\n`);
    await openStore();
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1, 2]);
    const aside = (await readdir(dir)).filter((f) => f.startsWith('audit.log.dropped-'));
    assert.equal(aside.length, 1);
    assert.equal(await readFile(path.join(dir, aside[0]!), 'utf8'), `${phantom}\n`, 'moved, not lost');
    assert.ok(warnings.some((w) => w.includes('1 line(s) from byte')), warnings.join('\n'));
  });

  it('cuts the half line a failed append left before the next append', async () => {
    const store = await openStore();
    await putMany(store, 1);
    await appendFile(logFile(), '{"seq":2,"half'); // what a full disk leaves mid-append
    await putMany(store, 1);
    assert.deepEqual((await auditLog(logFile())).map((l) => l.seq), [1, 2]);
  });

  it('records a write whose audit entry is enormous by a bounded placeholder (length and hash)', async () => {
    const store = await openStore();
    const key = reportKey();
    const huge = 'x'.repeat(2_000_000);
    ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put', { changes: [{ path: 'note', from: null, to: huge }] }) }));
    const [line] = await auditLog(logFile());
    assert.ok(JSON.stringify(line).length < 2000);
    assert.equal(line!.revision, 1);
    assert.equal(line!.agencyId, key.agencyId);
    assert.match((line!.truncated as { reason: string }).reason, /longer than/);
    assert.match((line!.truncated as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
  });

  describe('checksums', () => {
    async function seeded(): Promise<{ key: ReturnType<typeof reportKey> }> {
      const store = await openStore();
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, 1234), { audit: audit('report.put') }));
      ok(await store.putReport(key, 1, reportWrite(key, 5678), { audit: audit('report.put') }));
      await store.addToken(token('tok-1', 'secret', 'agency', 'agency-1'), audit('token.add'));
      await store.compactNow(); // into the snapshot, whose records these tests damage
      await closeAll();
      return { key };
    }
    async function refused(): Promise<StoreCorruptError> {
      const before = await readFile(dataFile(), 'utf8');
      const err = await openLowdbStore({ dataDir: dir, log: () => {} }).then(
        () => assert.fail('opened a damaged file'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StoreCorruptError, String(err));
      assert.equal(await readFile(dataFile(), 'utf8'), before, 'left untouched');
      return err;
    }

    it('refuses a changed digit in a stored value, naming the report and revision', async () => {
      const { key } = await seeded();
      await writeFile(dataFile(), (await readFile(dataFile(), 'utf8')).replace('"value":5678', '"value":5679'));
      const err = await refused();
      const k = `${key.planId}|${key.period}|${key.agencyId}`;
      assert.deepEqual(err.damage, [{ kind: 'report', key: k, revision: 2, problem: 'checksum mismatch' }]);
      assert.ok(err.message.includes(`report ${k} revision 2: checksum mismatch`), err.message);
    });

    it('answers an old revision damaged in the revisions file with an error naming file and byte, never a wrong revision', async () => {
      const { key } = await seeded();
      const revisions = path.join(dir, 'db.json.revisions');
      const text = await readFile(revisions, 'utf8');
      assert.ok(text.includes('"value":1234'), 'revision 1 lives in the revisions file');
      await writeFile(revisions, text.replace('"value":1234', '"value":1235'));
      const store = await openStore();
      assert.equal((await store.getReport(key))?.entries[0]?.value, 5678, 'the latest revision is read from memory');
      await assert.rejects(store.history(key), (err: unknown) => {
        assert.ok(err instanceof Error && err.name === 'RevisionDamage', String(err));
        assert.ok(err.message.includes(`${revisions} byte 0: checksum mismatch`), err.message);
        return true;
      });
      // A line pointing at the wrong revision (another report's bytes) is refused too, not returned.
      const lines = text.split('\n');
      await writeFile(revisions, [lines[1], lines[0], ...lines.slice(2)].join('\n'));
      await assert.rejects(store.history(key), /byte 0: (not a revision line|checksum mismatch|holds)/);
    });

    it('refuses a changed token hash, naming the token', async () => {
      await seeded();
      const data = await readData();
      data.tokens[0].hash = 'f'.repeat(64);
      await writeFile(dataFile(), JSON.stringify(data));
      assert.deepEqual((await refused()).damage, [{ kind: 'token', key: 'tok-1', problem: 'checksum mismatch' }]);
    });

    it('keeps plan retirements through compaction and refuses a changed one, naming it', async () => {
      const store = await openStore();
      const retirement = { planId: 'p', revision: 2, retired: true, reason: 'Phiên bản nhầm', by: 'tok-1', at: '2026-02-02T00:00:00.000Z' };
      await store.addPlanRetirement(retirement, audit('plan.retire'));
      await store.compactNow();
      await closeAll();
      const reopened = await openStore();
      assert.deepEqual(await reopened.listPlanRetirements(), [retirement]);
      await closeAll();
      const data = await readData();
      assert.equal(data.sums.planRetirements.length, 1, 'sealed with the others');
      data.planRetirements[0].retired = false;
      await writeFile(dataFile(), JSON.stringify(data));
      assert.deepEqual((await refused()).damage, [{ kind: 'plan-retirement', key: '#0', problem: 'checksum mismatch' }]);
    });

    it('refuses a removed revision and a record without a checksum', async () => {
      const { key } = await seeded();
      const data = await readData();
      const k = `${key.planId}|${key.period}|${key.agencyId}`;
      data.history[k].splice(-2); // revision 2's place in the revisions file
      data.tokens.push({ ...data.tokens[0], id: 'tok-2', hash: 'e'.repeat(64) });
      await writeFile(dataFile(), JSON.stringify(data));
      assert.deepEqual(
        (await refused()).damage,
        [
          { kind: 'report', key: k, problem: 'checksum mismatch' },
          { kind: 'report', key: k, revision: 2, problem: 'record missing' },
          { kind: 'token', key: 'tok-2', problem: 'no checksum' },
        ],
      );
    });

    it('accepts a file without checksums once, says so, and checks it from then on', async () => {
      await seeded();
      const { sums: _sums, audit: _audit, journal: _journal, ...legacy } = await readData();
      await writeFile(dataFile(), JSON.stringify(legacy));
      // The log of an older version: the same lines without seq.
      const legacyLines = (await auditLog(logFile())).map(({ seq: _seq, ...rest }) => JSON.stringify(rest));
      await writeFile(logFile(), legacyLines.map((l) => `${l}\n`).join(''));
      const store = await openStore();
      assert.deepEqual(warnings.filter((w) => !w.includes('had no checksums')), [], 'old log lines are kept as they are');
      assert.ok(warnings.some((w) => w.includes('had no checksums')), warnings.join('\n'));
      assert.equal((await store.listTokens()).length, 1);
      await putMany(store, 1);
      assert.deepEqual((await auditLog(logFile())).map((l) => l.seq ?? null), [null, null, null, 1]);
      await closeAll();
      assert.ok((await readData()).sums, 'sealed now');
      await writeFile(dataFile(), (await readFile(dataFile(), 'utf8')).replace('"value":5678', '"value":5679'));
      assert.deepEqual((await refused()).damage.map((d) => [d.kind, d.revision]), [['report', 2]]);
    });

    it('keeps checksums right through revoke, upsert, judgements and idempotency (reopens cleanly)', async () => {
      const store = await openStore();
      await store.addToken(token('tok-1', 's', 'agency', 'agency-1'), audit('token.add'));
      await store.revokeToken('tok-1', '2026-02-02T00:00:00.000Z', audit('token.revoke'));
      const agency = { id: 'xa-a', name: 'Xã A', kind: 'commune' as const, city: 'hanoi', aliases: [], successors: [], predecessors: [] };
      await store.upsertAgencies([agency], audit('agency.upsert'));
      await store.upsertAgencies([{ ...agency, name: 'Xã A mới' }], audit('agency.upsert'));
      const j = { planId: 'p', period: '2023', indicator: '5', verdict: 'met' as const, reason: 'r', by: 'tok-c', at: '2023-12-20T08:00:00.000Z' };
      await store.putJudgement(j, audit('judge'));
      await store.putJudgement({ ...j, verdict: 'notMet' }, audit('judge'));
      await store.addPlanFile({ plan: { id: 'p', revision: 1 } }, audit('plan.add'));
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put'), idempotency: { ...idempotencyRecord('tok-1', 'k', {}), at: new Date().toISOString() } }));
      await closeAll();
      const reopened = await openStore();
      assert.equal((await reopened.listTokens())[0]!.revokedAt, '2026-02-02T00:00:00.000Z');
      assert.equal((await reopened.listAgencies())[0]!.name, 'Xã A mới');
    });
  });

  it('expires idempotency records after the configured time (not replayed), and prunes them from the file', async () => {
    let t = Date.parse('2026-03-01T08:00:00.000Z');
    const store = await openStore({ now: () => new Date(t), idempotencyTtlMs: 3600_000 });
    const k1 = reportKey();
    const rec = { ...idempotencyRecord('tok-1', 'k1', { a: 1 }), at: new Date(t).toISOString() };
    ok(await store.putReport(k1, 0, reportWrite(k1, 1), { audit: audit('report.put'), idempotency: rec }));
    t += 59 * 60_000;
    assert.deepEqual(await store.findIdempotency('tok-1', 'k1'), rec, 'within the hour: replayed');
    t += 2 * 60_000;
    assert.equal(await store.findIdempotency('tok-1', 'k1'), null, 'past the hour: a new write');
    await store.compactNow();
    assert.ok(Object.keys((await readData()).idempotency).length === 1, 'still in the snapshot until the next write');
    await putMany(store, 1);
    await store.compactNow();
    assert.deepEqual((await readData()).idempotency, {}, 'pruned at the next flush');
  });

  it('opens and serves when the start-up backup fails (a full disk), with a loud warning', async () => {
    await putMany(await openStore(), 1);
    await closeAll();
    const store = await openStore({ backupFs: { ...nodeBackupFs, copy: async () => Promise.reject(errno('ENOSPC')) } });
    assert.ok(warnings.some((w) => /WARNING: the start-up backup .* failed \(ENOSPC/.test(w)), warnings.join('\n'));
    await putMany(store, 1);
    await store.compactNow();
    assert.equal(Object.keys((await readData()).reports).length, 2);
  });

  it('backupNow copies the data file and rotates to the kept count', async () => {
    let t = Date.parse('2026-03-01T08:00:00.000Z');
    const store = await openStore({ now: () => new Date(t), backups: 3 });
    for (let i = 0; i < 5; i++) {
      await putMany(store, 1);
      t += 60_000;
      await store.backupNow();
    }
    const backups = (await readdir(path.join(dir, 'backups'))).sort();
    assert.equal(backups.length, 3);
    assert.equal(await reportsInBackup(path.join(dir, 'backups', backups[2]!)), 5);
  });

  it('stops for good on a write error that will not heal (read-only folder), calling onFatal once', async () => {
    let code: string | null = null;
    const fatal: unknown[] = [];
    const store = await openStore({
      beforeAppend: async () => (code ? Promise.reject(errno(code)) : undefined),
      onFatal: (e) => fatal.push(e),
    });
    code = 'ENOSPC';
    await assert.rejects(putMany(store, 1), /ENOSPC/);
    assert.equal(store.health().ok, true, 'a full disk may heal: not fatal');
    assert.match(store.health().lastWriteError!.message, /ENOSPC/);
    code = null;
    await putMany(store, 1);
    assert.equal(store.health().lastWriteError, null);
    code = 'EROFS';
    await assert.rejects(putMany(store, 1), /EROFS/);
    assert.equal(fatal.length, 1);
    assert.equal(store.health().ok, false);
    assert.match(store.health().failed!, /EROFS/);
    await assert.rejects(putMany(store, 1), StoreFailedError);
    assert.equal(fatal.length, 1);
  });
});

describe('the lowdb adapter (durable-json-file.ts)', () => {
  it('is what lowdb reads and writes through: Low.read finds nothing, then what Low.write wrote', async () => {
    const dir = await tempDir();
    try {
      const file = path.join(dir, 'db.json');
      const db = new Low<StoredDoc>(new DurableJsonFile(file), emptyDoc());
      await db.read();
      assert.deepEqual(db.data, emptyDoc(), 'no file: the default data');
      db.data.plans.push({ id: 'p' });
      await db.write();
      const again = new Low<StoredDoc>(new DurableJsonFile(file), emptyDoc());
      await again.read();
      assert.deepEqual(again.data.plans, [{ id: 'p' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serialises at the call: a change made while the disk works is not in that write', async () => {
    let release!: () => void;
    const written: string[] = [];
    const adapter = new DurableJsonFile('unused.json', async (_file, text) => {
      await new Promise<void>((resolve) => (release = resolve));
      written.push(text.join(''));
    });
    const db = new Low<StoredDoc>(adapter, emptyDoc());
    const writing = db.write();
    db.data.plans.push({ id: 'later' });
    while (written.length === 0 && !release) await new Promise((r) => setImmediate(r));
    release();
    await writing;
    assert.deepEqual((JSON.parse(written[0]!) as DbFile).plans, []);
  });

  it('writes in slices exactly the text JSON.stringify gives (cut between records and between index entries)', async () => {
    const doc: DbFile = { ...emptyDoc(), revisions: { bytes: 99 }, audit: { seq: 3, pending: ['{"seq":3}'] }, journal: { seq: 7 } };
    for (let i = 0; i < 450; i++) doc.reports[`p|2024|a${i}`] = { revision: i, note: 'ghi chú "x"' } as never;
    for (let i = 0; i < 300; i++) doc.history[`p|2024|a${i}`] = [0, 10, 11, 12];
    doc.idempotency = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`t|k${i}`, { scope: 't', key: `k${i}`, body: { i } } as never]));
    doc.sums = { reports: { 'p|2024|a0': 'ab' }, history: { 'p|2024|a0': 'ef' }, tokens: {}, plans: [], agencies: {}, leadChanges: [], judgements: {}, idempotency: {}, audit: 'cd' };
    const pieces = await stringifyInSlices(doc);
    assert.ok(pieces.length > 4, `${pieces.length} pieces`);
    assert.equal(pieces.join(''), JSON.stringify(doc));
  });

  it('refuses a file that is not a data file with StoreCorruptError, naming the file', async () => {
    const dir = await tempDir();
    try {
      const file = path.join(dir, 'db.json');
      await writeFile(file, '{"version": 2}');
      await assert.rejects(new Low<StoredDoc>(new DurableJsonFile(file), emptyDoc()).read(), (e: unknown) => e instanceof StoreCorruptError && e.message.includes(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lowdb store: the journal (journal.ts, journal-files.ts)', function () {
  this.timeout(120_000);
  let dir: string;
  let warnings: string[];
  const open: LowdbStore[] = [];
  beforeEach(async () => {
    dir = await tempDir('lowdb-journal-');
    warnings = [];
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  async function openStore(options: Partial<Parameters<typeof openLowdbStore>[0]> = {}): Promise<LowdbStore> {
    const store = await openLowdbStore({ dataDir: dir, log: (m) => warnings.push(m), ...options });
    open.push(store);
    return store;
  }
  async function closeAll(): Promise<void> {
    for (const s of open.splice(0)) await s.close();
  }
  const segments = async () => (await readdir(dir)).filter((f) => f.startsWith('db.json.journal.')).sort();
  /** Puts `n` revisions on each of `keys`, every round issued at once (one group per round). */
  async function rounds(store: LowdbStore, keys: Array<ReturnType<typeof reportKey>>, from: number, n: number): Promise<void> {
    for (let r = from; r < from + n; r++) {
      const outcomes = await Promise.all(keys.map((key) => store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') })));
      assert.ok(outcomes.every((o) => o.ok));
    }
  }

  it('replays the journal after a SIGKILL mid-run: every acknowledged write is there once, revisions 1..n', async () => {
    // A child process writes as fast as it can (and compacts every 20 groups), printing each acknowledgement.
    const storeModule = path.resolve('server/storage/lowdb-store.ts');
    const contract = path.resolve('test/server/store-contract.ts');
    const code = `
      const { openLowdbStore } = await import(${JSON.stringify(storeModule)});
      const { reportKey, reportWrite, audit } = await import(${JSON.stringify(contract)});
      const store = await openLowdbStore({ dataDir: ${JSON.stringify(dir)}, backups: 0, compaction: { maxGroups: 20 }, log: () => {} });
      const keys = Array.from({ length: 20 }, (_, i) => reportKey({ agencyId: 'kill-' + i }));
      await Promise.all(keys.map(async (key) => {
        for (let r = 0; ; r++) {
          const o = await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') });
          if (!o.ok) throw new Error('conflict');
          process.stdout.write('ack ' + key.agencyId + ' ' + o.report.revision + '\\n');
        }
      }));
    `;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Map<string, number>();
    let text = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const lines = text.split('\n');
        text = lines.pop() ?? '';
        for (const line of lines) {
          const [, agency, revision] = line.split(' ');
          acked.set(agency!, Math.max(acked.get(agency!) ?? 0, Number(revision)));
        }
        if ([...acked.values()].reduce((a, b) => a + b, 0) >= 600 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const store = await openStore({ backups: 0 });
    for (const [agencyId, revision] of acked) {
      const history = await store.history(reportKey({ agencyId }));
      assert.ok(history.length >= revision, `${agencyId}: acknowledged r${revision}, found ${history.length}`);
      assert.deepEqual(history.map((r) => r.revision), history.map((_, i) => i + 1), `${agencyId}: no gap, no duplicate`);
      assert.deepEqual(history.map((r) => r.entries[0]!.value), history.map((_, i) => i + 1), `${agencyId}: each revision holds its own write`);
    }
    // Audit ≡ data once more after the restart: one numbered line per stored revision.
    const stored = (await Promise.all([...acked.keys()].map((agencyId) => store.history(reportKey({ agencyId }))))).reduce((n, h) => n + h.length, 0);
    const numbered = (await auditLog(path.join(dir, 'audit.log'))).filter((l) => l.seq !== undefined);
    assert.equal(numbered.length, stored);
    assert.deepEqual(numbered.map((l) => l.seq), numbered.map((_, i) => i + 1));
  });

  for (const [label, tail] of [
    ['a half-written group', (line: string) => line.slice(0, Math.floor(line.length / 2))],
    ['a whole line whose checksum does not match (a torn write of the right length)', (line: string) => `${line.slice(0, -10).replace(/"value":\d/, '"value":9')}0123456789\n`],
  ] as const) {
    it(`cuts a torn tail (${label}) at start, logs it and shows it in health()`, async () => {
      const keys = [reportKey(), reportKey()];
      let store = await openStore();
      await rounds(store, keys, 0, 3);
      await closeAll();
      const [segment] = await segments();
      const file = path.join(dir, segment!);
      const good = await readFile(file, 'utf8');
      const lastLine = good.trimEnd().split('\n').at(-1)!;
      await appendFile(file, tail(`${lastLine}\n`));

      store = await openStore();
      assert.equal(await readFile(file, 'utf8'), good, 'cut back to the last whole group');
      const health = store.health();
      assert.equal(health.ok, true);
      assert.equal(health.repairs?.length, 1);
      assert.match(String(health.repairs?.[0]), new RegExp(`${segment!.replace(/\./g, '\\.')}.*from byte ${good.length}.*cut off by a crash`));
      assert.ok(warnings.some((w) => w.startsWith('WARNING: ') && w.includes('cut off by a crash')), warnings.join('\n'));
      for (const key of keys) assert.equal((await store.history(key)).length, 3);
      // Writing goes on after the cut, and the next start finds nothing to repair.
      await rounds(store, keys, 3, 1);
      await closeAll();
      store = await openStore();
      assert.equal(store.health().repairs, undefined);
      for (const key of keys) assert.equal((await store.history(key)).length, 4);
    });
  }

  it('compacts in the background while writes go on: no write lost, none twice', async () => {
    let snapshots = 0;
    const store = await openStore({
      compaction: { maxGroups: 4 },
      // A slow snapshot: many groups are committed while it is written.
      writeFile: async (file, data) => {
        snapshots += 1;
        await new Promise((r) => setTimeout(r, 40));
        await writeFileDurably(file, data);
      },
    });
    const keys = Array.from({ length: 10 }, () => reportKey());
    const writers = keys.map(async (key) => {
      for (let r = 0; r < 30; r++) {
        ok(await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put'), idempotency: { ...idempotencyRecord('tok-1', `${key.agencyId}-${r}`, { r }), at: new Date().toISOString() } }));
        if (r % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    await Promise.all(writers);
    await closeAll();
    assert.ok(snapshots >= 3, `${snapshots} snapshots written`);
    assert.ok((await segments()).length <= 2, `old segments are removed: ${(await segments()).join(', ')}`);

    const reopened = await openStore();
    for (const key of keys) {
      const history = await reopened.history(key);
      assert.deepEqual(history.map((r) => [r.revision, r.entries[0]!.value]), Array.from({ length: 30 }, (_, i) => [i + 1, i + 1]));
      assert.equal((await reopened.findIdempotency('tok-1', `${key.agencyId}-29`))?.status, 200);
    }
    const numbered = (await auditLog(path.join(dir, 'audit.log'))).filter((l) => l.seq !== undefined);
    assert.deepEqual(numbered.map((l) => l.seq), Array.from({ length: 300 }, (_, i) => i + 1), 'one audit record per write');
  });

  it('backs up snapshot + journal consistently while writes and compactions go on (each backup restores a committed state)', async () => {
    const store = await openStore({ compaction: { maxGroups: 3 }, backups: 50 });
    const keys = Array.from({ length: 5 }, () => reportKey());
    let writing = true;
    const writers = keys.map(async (key) => {
      for (let r = 0; writing; r++) ok(await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') }));
    });
    const folders: string[] = [];
    for (let i = 0; i < 8; i++) {
      folders.push((await store.backupNow())!);
      await new Promise((r) => setTimeout(r, 15));
    }
    writing = false;
    await Promise.all(writers);
    assert.ok(store.compactionCount() >= 2, `${store.compactionCount()} compactions ran meanwhile`);
    for (const folder of folders) {
      const copy = await tempDir('lowdb-restore-');
      try {
        await cp(folder, copy, { recursive: true });
        const logged: string[] = [];
        const restored = await openLowdbStore({ dataDir: copy, backups: 0, log: (m) => logged.push(m) });
        // (audit.log is not part of a backup: its records are re-appended from the journal.)
        assert.deepEqual(logged.filter((m) => m.includes('.journal.') || m.includes('db.json')), [], 'no journal repair needed');
        for (const key of keys) {
          const history = await restored.history(key);
          assert.deepEqual(history.map((r) => [r.revision, r.entries[0]!.value]), history.map((_, i) => [i + 1, i + 1]), `${path.basename(folder)}: ${key.agencyId}`);
        }
        await restored.close();
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    }
  });

  it('keeps the journal when a compaction fails, says so, and compacts at a later commit', async () => {
    let fail = false;
    const store = await openStore({
      compaction: { maxGroups: 2 },
      writeFile: async (file, data) => (fail ? Promise.reject(errno('ENOSPC')) : writeFileDurably(file, data)),
    });
    fail = true; // after the first snapshot of a new store
    const key = reportKey();
    await rounds(store, [key], 0, 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(warnings.some((w) => /compaction .* failed \(ENOSPC/.test(w)), warnings.join('\n'));
    assert.equal(store.compactionCount(), 0);
    fail = false;
    await rounds(store, [key], 3, 1);
    await store.compactNow();
    assert.ok(store.compactionCount() >= 1);
    await closeAll();
    assert.equal((await (await openStore()).history(key)).length, 4);
  });

  describe('damage in the middle is refused, the files untouched', () => {
    async function seeded(): Promise<string> {
      const store = await openStore();
      const keys = [reportKey(), reportKey()];
      await rounds(store, keys, 0, 4);
      await closeAll();
      const [segment] = await segments();
      return path.join(dir, segment!);
    }
    async function refused(file: string): Promise<StoreCorruptError> {
      const before = await readFile(file, 'utf8');
      const filesBefore = await listFiles(dir);
      const err = await openLowdbStore({ dataDir: dir, log: () => {} }).then(
        () => assert.fail('opened a damaged journal'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StoreCorruptError, String(err));
      assert.equal(await readFile(file, 'utf8'), before, 'left untouched');
      assert.deepEqual(await listFiles(dir), filesBefore, 'no backup, cut or other file');
      assert.match(err.message, /backups/);
      return err;
    }

    it('refuses a checksum mismatch in a line that others follow, naming file and line', async () => {
      const file = await seeded();
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines[1] = lines[1]!.replace(/"value":2/, '"value":7');
      await writeFile(file, lines.join('\n'));
      const err = await refused(file);
      assert.equal(err.file, file);
      assert.match(err.message, /line 2 \(byte \d+\): checksum mismatch \(2 line\(s\) follow it, so it is not a torn tail\)/);
    });

    it('refuses a missing group (a line removed from the middle)', async () => {
      const file = await seeded();
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.splice(1, 1);
      await writeFile(file, lines.join('\n'));
      assert.match((await refused(file)).message, /group 3 where 2 was expected/);
    });

    it('refuses a journal that does not reach back to the snapshot (a segment missing)', async () => {
      const file = await seeded();
      const renamed = file.replace(/\d{12}$/, '000000000003');
      const lines = (await readFile(file, 'utf8')).split('\n');
      await rm(file);
      await writeFile(renamed, lines.slice(2).join('\n'));
      assert.match((await refused(renamed)).message, /groups 1…2 are missing/);
    });
  });
});
