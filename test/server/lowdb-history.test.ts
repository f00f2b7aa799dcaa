import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLowdbStore, type LowdbStore } from '../../server/storage/lowdb-store';
import { writeFileDurably } from '../../server/storage/durable-file';
import { audit, ok, reportKey, reportWrite } from './store-contract';

/**
 * The embedded store's history on disk (issue 11: memory stays bounded): only each report's
 * latest revision in memory, the older ones in `db.json.revisions` and the journal, reached
 * through an index of fixed-size entries; the migration of a data folder written by the
 * version before it (test/fixtures/embedded-store-v1, written by commit a184019).
 */

const FIXTURE = path.resolve('test/fixtures/embedded-store-v1');
const V1_KEYS = [
  { planId: 'hn-kh207-2021', period: '2021', agencyId: 'hn-syt', values: [1, 2, 3, 4] },
  { planId: 'hn-kh207-2021', period: '2022', agencyId: 'hn-sgddt', values: [101, 102, 103, 104] },
  { planId: 'hn-kh207-2021', period: '2023', agencyId: 'xa-ba-vi', values: [201, 202, 203] },
];

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

async function valuesOf(store: LowdbStore, key: { planId: string; period: string; agencyId: string }): Promise<unknown[]> {
  return (await store.history(key)).map((r) => r.entries[0]?.value);
}

describe('lowdb store: history on disk, memory bounded (revision-index.ts, revisions-file.ts)', function () {
  this.timeout(120_000);
  let dir: string;
  let logged: string[];
  const open: LowdbStore[] = [];
  beforeEach(async () => {
    dir = await tempDir('lowdb-history-');
    logged = [];
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  async function openStore(options: Partial<Parameters<typeof openLowdbStore>[0]> = {}): Promise<LowdbStore> {
    const store = await openLowdbStore({ dataDir: dir, backups: 0, log: (m) => logged.push(m), ...options });
    open.push(store);
    return store;
  }
  async function closeAll(): Promise<void> {
    for (const s of open.splice(0)) await s.close();
  }

  it('keeps old revisions out of the snapshot and out of memory: an index entry of a few dozen bytes each', async () => {
    const store = await openStore({ compaction: { maxGroups: 25 } });
    const keys = Array.from({ length: 40 }, (_, i) => reportKey({ agencyId: `xa-${i}` }));
    const rounds = 60;
    for (let r = 0; r < rounds; r++) {
      const outcomes = await Promise.all(keys.map((key) => store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') })));
      assert.ok(outcomes.every((o) => o.ok));
    }
    await store.compactNow();
    assert.ok(store.compactionCount() >= 2, `${store.compactionCount()} compactions`);
    const index = (store as unknown as { indexBytes(): { bytes: number; revisions: number } }).indexBytes();
    assert.equal(index.revisions, keys.length * rounds, 'every revision has its place on disk');
    const perRevision = index.bytes / index.revisions;
    assert.ok(perRevision < 200, `${perRevision.toFixed(1)} bytes of index per revision`);
    // The snapshot holds the latest revisions and the index (two numbers per revision), not the history.
    const snapshot = JSON.parse(await readFile(store.file, 'utf8')) as { reports: Record<string, { revision: number }>; history: Record<string, number[]> };
    for (const key of keys) {
      const k = `${key.planId}|${key.period}|${key.agencyId}`;
      assert.equal(snapshot.reports[k]?.revision, rounds);
      assert.equal(snapshot.history[k]?.length, 2 * rounds);
    }
    const revisionsFile = (await stat(path.join(dir, 'db.json.revisions'))).size;
    assert.ok((await stat(store.file)).size < revisionsFile / 4, 'the snapshot is a fraction of the history');
    for (const key of keys.slice(0, 5)) assert.deepEqual(await valuesOf(store, key), Array.from({ length: rounds }, (_, i) => i + 1));
  });

  it('reads history while compactions move revisions from the journal to the revisions file', async () => {
    const store = await openStore({
      compaction: { maxGroups: 3 },
      writeFile: async (file, data) => {
        await new Promise((r) => setTimeout(r, 20));
        await writeFileDurably(file, data);
      },
    });
    const keys = Array.from({ length: 4 }, (_, i) => reportKey({ agencyId: `xa-${i}` }));
    let writing = true;
    const writers = keys.map(async (key) => {
      for (let r = 0; writing; r++) ok(await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') }));
    });
    let reads = 0;
    while (store.compactionCount() < 4) {
      await new Promise((r) => setTimeout(r, 2)); // an empty history answers without I/O: let the flushes run
      for (const key of keys) {
        const values = await valuesOf(store, key);
        assert.deepEqual(values, values.map((_, i) => i + 1), `${key.agencyId}: revisions 1..n, each its own`);
        reads += 1;
      }
    }
    writing = false;
    await Promise.all(writers);
    assert.ok(reads > 8, `${reads} reads`);
    await closeAll();
    const reopened = await openStore();
    for (const key of keys) {
      const values = await valuesOf(reopened, key);
      assert.deepEqual(values, values.map((_, i) => i + 1));
    }
  });

  it('serves revisions still waiting for their flush from memory, and forgets them when the flush fails', async () => {
    let fail = false;
    const store = await openStore({ beforeAppend: async () => (fail ? Promise.reject(new Error('disk full (simulated)')) : undefined) });
    const key = reportKey();
    ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
    fail = true;
    const second = store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }).catch((e: unknown) => e);
    const third = store.putReport(key, 2, reportWrite(key, 3), { audit: audit('report.put') }).catch((e: unknown) => e);
    assert.deepEqual(await valuesOf(store, key), [1, 2, 3], 'applied, not yet durable: read from memory');
    assert.match(String(await second), /disk full/);
    assert.match(String(await third), /disk full/);
    assert.deepEqual(await valuesOf(store, key), [1]);
    fail = false;
    ok(await store.putReport(key, 1, reportWrite(key, 4), { audit: audit('report.put') }));
    assert.deepEqual(await valuesOf(store, key), [1, 4]);
  });

  it('cuts at start what a compaction that did not finish appended to the revisions file', async () => {
    const store = await openStore();
    const key = reportKey();
    for (let r = 0; r < 3; r++) ok(await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') }));
    await store.compactNow();
    await closeAll();
    const file = path.join(dir, 'db.json.revisions');
    const committed = (await stat(file)).size;
    await writeFile(file, `${await readFile(file, 'utf8')}deadbeef {"key":"half`);
    const reopened = await openStore();
    assert.equal((await stat(file)).size, committed);
    assert.ok(logged.some((m) => m.includes(file) && m.includes('did not finish')), logged.join('\n'));
    assert.deepEqual(await valuesOf(reopened, key), [1, 2, 3]);
  });

  it('refuses to start when the revisions file is shorter than the snapshot says, naming it', async () => {
    const store = await openStore();
    const key = reportKey();
    for (let r = 0; r < 2; r++) ok(await store.putReport(key, r, reportWrite(key, r + 1), { audit: audit('report.put') }));
    await store.compactNow();
    await closeAll();
    const file = path.join(dir, 'db.json.revisions');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 10));
    await assert.rejects(openLowdbStore({ dataDir: dir, backups: 0, log: () => {} }), (err: unknown) => {
      assert.ok(err instanceof Error && err.name === 'StoreCorruptError', String(err));
      assert.ok(err.message.includes(file) && err.message.includes('committed'), err.message);
      return true;
    });
  });

  describe('a data folder of the version before (every revision in db.json)', () => {
    it('opens it, moving the history to the revisions file, after a backup of the old files', async () => {
      await cp(FIXTURE, dir, { recursive: true });
      const before = JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8')) as { version: number };
      assert.equal(before.version, 1, 'the fixture is a version-1 folder');
      const store = await openStore({ backups: 3 });
      assert.ok(logged.some((m) => m.includes('version-1 data file') && m.includes('9 revision(s)')), logged.join('\n'));
      for (const k of V1_KEYS) assert.deepEqual(await valuesOf(store, k), k.values, k.agencyId);
      assert.equal((await store.listTokens()).length, 1);
      assert.equal((await store.getReport(V1_KEYS[0]!))?.revision, 4);
      const [backup] = await readdir(path.join(dir, 'backups'));
      const saved = JSON.parse(await readFile(path.join(dir, 'backups', backup!, 'db.json'), 'utf8')) as { version: number };
      assert.equal(saved.version, 1, 'the start-up backup holds the old layout as it was');
      assert.equal((JSON.parse(await readFile(store.file, 'utf8')) as { version: number }).version, 2);

      ok(await store.putReport(V1_KEYS[2]!, 3, reportWrite(V1_KEYS[2]!, 204), { audit: audit('report.put') }));
      await store.compactNow();
      await closeAll();
      logged = [];
      const again = await openStore();
      assert.deepEqual(logged, [], 'migrated once');
      assert.deepEqual(await valuesOf(again, V1_KEYS[2]!), [201, 202, 203, 204]);
      assert.deepEqual(await valuesOf(again, V1_KEYS[1]!), V1_KEYS[1]!.values);
      // The audit log of the old version goes on: one numbered line per revision.
      const seqs = (await readFile(path.join(dir, 'audit.log'), 'utf8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq?: number }).seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
      assert.equal(seqs.length, 1 + 11 + 1, 'the token, the 11 revisions of the fixture, the new one');
    });

    it('migrates again after a migration cut off before its snapshot was written, without duplicates', async () => {
      await cp(FIXTURE, dir, { recursive: true });
      const old = await readFile(path.join(dir, 'db.json'), 'utf8');
      await assert.rejects(openStore({ writeFile: async () => Promise.reject(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' })) }), /ENOSPC/);
      assert.equal(await readFile(path.join(dir, 'db.json'), 'utf8'), old, 'the old snapshot stays until the new one replaces it');
      const store = await openStore();
      for (const k of V1_KEYS) assert.deepEqual(await valuesOf(store, k), k.values);
      const lines = (await readFile(path.join(dir, 'db.json.revisions'), 'utf8')).trimEnd().split('\n');
      assert.equal(lines.length, 9, 'the nine revisions of the old snapshot, once each');
    });
  });
});
