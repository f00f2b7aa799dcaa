/**
 * The embedded store's memory against its history (issue 11: "memory stays bounded, old
 * periods need not live in RAM"): REVISIONS revisions over REPORTS reports (100 each by
 * default), written through the store's API in rounds (every report once per round, issued at
 * once: one journal group per round), then the store closed and opened again (snapshot +
 * journal replay). Measured with `node --expose-gc`: heap used after a full collection with
 * the store open, minus the heap before it was opened, divided by the revisions held: while it
 * runs (after the last write: the revisions since the last compaction are in memory too, at
 * most one journal's worth), right after a compaction, and after the reopen.
 *
 * Each revision is about 1.2 KB of JSON (15 entries with notes, a validation summary), the size
 * of the Hà Nội revisions of bench/data.ts. The budget (200 bytes of heap per revision) is
 * what issue 11 asks of the index of old revisions; the whole-file store needed ~1,700.
 *
 * Not a test: prints JSON lines (bench/report.ts), never fails.
 * Run: node --import tsx --expose-gc bench/store-memory.bench.ts [--quick] [--revisions N] [--reports N]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLowdbStore, type LowdbStore } from '../server/storage/lowdb-store';
import type { ReportKey, ReportWrite } from '../server/storage/types';
import { emit, quick } from './report';

const argAfter = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
};
const REPORTS = argAfter('--reports') ?? 500;
const REVISIONS = argAfter('--revisions') ?? (quick ? 10_000 : 50_000);
const ROUNDS = Math.ceil(REVISIONS / REPORTS);
const BUDGET_BYTES_PER_REVISION = 200;
const log = (s: string) => process.stderr.write(`store-memory.bench: ${s}\n`);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  log('run with node --expose-gc (e.g. node --import tsx --expose-gc bench/store-memory.bench.ts)');
  process.exit(1);
}

/** Heap used after two full collections (the second frees what finalisers of the first released). */
function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function keyOf(i: number): ReportKey {
  return { planId: 'hn-kh207-2021', period: String(2021 + (i % 5)), agencyId: `hn-xa-${String(Math.floor(i / 5)).padStart(4, '0')}` };
}

/** About 1.2 KB of JSON: 15 entries with a value and a note, and a validation summary. */
function writeOf(key: ReportKey, round: number): ReportWrite {
  return {
    ...key,
    planRevision: 1,
    status: 'draft',
    entries: Array.from({ length: 15 }, (_, e) => ({ code: String(e + 1), value: round * 100 + e, note: `ghi chú ${e} vòng ${round}` })),
    documents: [],
    projects: [],
    validation: { valid: true, stats: { entries: 15, errors: 0, warnings: 1 }, findings: [{ code: 'late', severity: 'warning' }] },
    late: false,
    comment: null,
    savedBy: 'tok-bench-agency',
    action: 'put',
  };
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(dir, e.name)).size, 0);
}

async function writeHistory(store: LowdbStore): Promise<void> {
  const keys = Array.from({ length: REPORTS }, (_, i) => keyOf(i));
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes = await Promise.all(
      keys.map((key) => store.putReport(key, round, writeOf(key, round), { audit: { at: new Date().toISOString(), actor: 'tok-bench-agency', action: 'report.put' } })),
    );
    if (!outcomes.every((o) => o.ok)) throw new Error(`round ${round}: a put was refused`);
    if (round % 20 === 19) log(`${(round + 1) * REPORTS} revisions written`);
  }
}

/** Writes the history in a fresh store; the heap it holds once written (store open), and the write time. */
interface Held { bytes: number; revisions: number; inMemory: number }
// The store before the index (for a run of this bench against older code) has no indexBytes.
const heldBy = (store: LowdbStore): Held => (store as unknown as { indexBytes?: () => Held }).indexBytes?.() ?? { bytes: 0, revisions: 0, inMemory: 0 };

async function firstRun(opts: { dataDir: string; backups: number; log: () => void }, base: number): Promise<{ live: number; compacted: number; held: Held; writeSeconds: number }> {
  const store = await openLowdbStore(opts);
  const t0 = performance.now();
  await writeHistory(store);
  const writeSeconds = (performance.now() - t0) / 1000;
  const live = heapAfterGc() - base;
  const held = heldBy(store);
  await store.compactNow();
  const compacted = heapAfterGc() - base;
  await store.close();
  return { live, compacted, held, writeSeconds };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-store-memory-'));
  try {
    const opts = { dataDir: dir, backups: 0, log: () => {} };
    const base = heapAfterGc();
    const { live, compacted, held, writeSeconds } = await firstRun(opts, base);
    const reopenBase = heapAfterGc();
    const t1 = performance.now();
    const store = await openLowdbStore(opts);
    const openSeconds = (performance.now() - t1) / 1000;
    const reopened = heapAfterGc() - reopenBase;
    const t2 = performance.now();
    const history = await store.history(keyOf(0));
    const historyMs = performance.now() - t2;
    if (history.length !== ROUNDS) throw new Error(`history of ${history.length} revisions, ${ROUNDS} expected`);
    await store.close();
    const revisions = ROUNDS * REPORTS;
    const detail = { revisions, reports: REPORTS, folderMB: Math.round((folderBytes(dir) / 1024 / 1024) * 10) / 10, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}` };
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    // Live: each report's revisions since the last compaction are in memory too (bounded by the compaction threshold, not by the history).
    emit({ name: 'store.memory.live.heapPerRevision', value: live / revisions, unit: 'B', budget: null, better: 'lower', detail: { ...detail, heapMB: mb(live), recentInMemory: held.inMemory, indexBytesPerRevision: Math.round((held.bytes / Math.max(1, held.revisions)) * 10) / 10, writeSeconds: Math.round(writeSeconds * 10) / 10 } });
    emit({ name: 'store.memory.compacted.heapPerRevision', value: compacted / revisions, unit: 'B', budget: BUDGET_BYTES_PER_REVISION, better: 'lower', detail: { ...detail, heapMB: mb(compacted), what: 'the same store right after a compaction' } });
    emit({ name: 'store.memory.reopened.heapPerRevision', value: reopened / revisions, unit: 'B', budget: BUDGET_BYTES_PER_REVISION, better: 'lower', detail: { ...detail, heapMB: mb(reopened), baseMB: mb(reopenBase), openSeconds: Math.round(openSeconds * 100) / 100 } });
    emit({ name: 'store.memory.historyRead', value: historyMs, unit: 'ms', better: 'lower', detail: { revisions: history.length, what: 'history() of one report after the reopen' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
