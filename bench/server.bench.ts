/**
 * The sync server under sustained PUT load: the real app (createApp on openLowdbStore in a
 * temp folder, http.createServer(app) on 127.0.0.1) on a data file pre-loaded with one year
 * and, separately, five years of Hà Nội history (bench/data.ts: both plans, 40 departments,
 * 126 communes; three revisions per report: draft, submitted, approved); 50 agency tokens,
 * each client looping PUT on its own report (plan 207, 2025 annual) with If-Match chained
 * from the returned ETag, for a fixed time (quick 5 s, full 20 s).
 *
 * The store is the journal (server/storage/journal.ts): every flush appends one group and
 * fsyncs it; the snapshot (`db.json`) is rewritten only by compaction, in the background.
 * Group commit (the default) against `groupCommit: false`, the baseline: one journal append
 * and fsync per request. Reported: PUTs/s, p50/p99 latency, errors, flushes per second, the
 * size of snapshot and journal, the event loop's delay (max, p99), the compactions during
 * the run (count, time to write the snapshot), the heap the store's data takes per stored
 * revision, and the ratio of the five-year figures to the one-year ones (the write cost must
 * not depend on the history). Then, at five years, a paced run: the same 50 clients offering
 * 200 PUT/s in all (one PUT per client every 250 ms), latency counted from each request's
 * scheduled time.
 *
 * The clients run in a worker thread (the second core), so the server's thread is measured,
 * not the load generator; their fetch keeps connections alive.
 *
 * Not a test: prints JSON lines (bench/report.ts). Run: npx tsx bench/server.bench.ts [--quick]
 * (`--only 1y|5y` and `--group-commit on|off` run one case, for profiling; `--paced-rate N` changes
 * the paced run's offered rate; `--journal-mb N` the journal size that starts a compaction, default 8).
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../server/app';
import { newToken } from '../server/auth';
import { CatalogService } from '../server/catalog-service';
import type { ServerConfig } from '../server/config';
import { OFFICE_FRAME_ANCESTORS } from '../server/config';
import { writeFileDurably } from '../server/storage/durable-file';
import { openLowdbStore } from '../server/storage/lowdb-store';
import type { ReportWrite } from '../server/storage/types';
import type { AgencyRegister } from '../shared/agencies/register';
import { assignmentFor } from '../shared/assignment';
import type { CompiledPlan } from '../shared/compile';
import { parsePeriod } from '../shared/periods';
import type { Agency } from '../shared/schema/agency';
import { validateReport } from '../shared/validate';
import { cityDataSet, cityExtraAgencies } from './data';
import type { CityDataSet } from './data';
import { latencySummary, runPutClients } from './put-clients';
import type { LoadResult } from './put-clients';
import { emit, quick } from './report';

const SECONDS = quick ? 5 : 20;
/** After every client has created its report (one PUT each), the loop runs unmeasured this long. */
const WARMUP_MS = quick ? 0 : 3_000;
const CLIENTS = 50;
const argAfter = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
/** The paced run: PUTs per second offered by all clients together (`--paced-rate N` for another). */
const PACED_RATE = Number(argAfter('--paced-rate') ?? 200);
/** Compaction starts once the journal holds this many MiB (the store's default: 8). */
const JOURNAL_MB = Number(argAfter('--journal-mb') ?? 8);
/**
 * What the 50 agencies are filling in during the load: plan 207's 2025 annual report (the
 * departments and agencies with rows in it, then communes). Their own reports of that period
 * are left out of the history; everyone else's are in it.
 */
const LOAD_PLAN = 'hn-kh207-2021';
const LOAD_PERIOD = '2025';
/** One year: 2024, both plans. Five years: each plan's first five (2021-2025 and 2024-2028). */
const DATASETS = [
  { label: '1y', years: [2024] as number[] | number },
  { label: '5y', years: 5 as number[] | number },
];
const MB = 1024 * 1024;
const ONLY = argAfter('--only');
const GROUP = argAfter('--group-commit');
const log = (s: string) => process.stderr.write(`server.bench: ${s}\n`);

// ---- the history ---------------------------------------------------------------------------

/** The 50 agencies with rows in the load period: departments and agencies first, then communes. */
function loadAgencies(plans: ReadonlyMap<string, CompiledPlan>, register: AgencyRegister): Agency[] {
  const plan = plans.get(LOAD_PLAN)!;
  const period = parsePeriod(LOAD_PERIOD)!;
  const found = register.agencies
    .filter((a) => a.kind !== 'group')
    .sort((a, b) => Number(a.kind === 'commune') - Number(b.kind === 'commune'))
    .filter((a) => assignmentFor(plan, register, a.id, period).indicators.length > 0)
    .slice(0, CLIENTS);
  if (found.length < CLIENTS) throw new Error(`only ${found.length} agencies report in ${LOAD_PLAN} ${LOAD_PERIOD}`);
  return found;
}

interface History {
  label: string;
  dir: string;
  file: string;
  bytes: number;
  reports: number;
  revisions: number;
  values: number;
}

const EXTRA_AGENCIES = cityExtraAgencies().agencies as unknown as Agency[];

/**
 * Writes the data set through store.putReport into a fresh data folder: per report three
 * revisions (draft, submitted, approved) with the validation the server would store, the
 * reports side by side so the store groups them. The load agencies' own reports of the load
 * period are left out: the load writes them.
 */
async function buildHistory(label: string, data: CityDataSet): Promise<History> {
  const dir = mkdtempSync(path.join(tmpdir(), `asr-bench-history-${label}-`));
  const store = await openLowdbStore({ dataDir: dir, backups: 0 });
  await store.upsertAgencies(EXTRA_AGENCIES, { at: new Date().toISOString(), actor: 'bench', action: 'import-agencies' });
  const catalog = await CatalogService.open(store);
  const { plans, register } = catalog.snapshot;
  const loading = new Set(loadAgencies(plans, register).map((a) => a.id));
  const writers = ['tok_bench_agency', 'tok_bench_agency', 'tok_bench_consolidator'];
  const steps: Array<Pick<ReportWrite, 'status' | 'action'>> = [
    { status: 'draft', action: 'put' },
    { status: 'submitted', action: 'submit' },
    { status: 'approved', action: 'approve' },
  ];
  let reports = 0;
  let values = 0;
  const chains: Array<Promise<void>> = [];
  for (const r of data.reports) {
    const plan = plans.get(r.plan.plan.id)!;
    if (plan.plan.id === LOAD_PLAN && r.period === LOAD_PERIOD && loading.has(r.agencyId)) continue;
    reports += 1;
    values += r.entries.length;
    const key = { planId: plan.plan.id, period: r.period, agencyId: r.agencyId };
    const body = { entries: r.entries, documents: r.documents, projects: r.projects };
    const v = validateReport(plan, { agencyId: r.agencyId, period: r.period, ...body, ...(r.previous ? { previous: r.previous } : {}) }, { register });
    const validation = { valid: v.valid, stats: { ...v.stats }, findings: v.findings as unknown as Array<Record<string, unknown>> };
    const at = new Date().toISOString();
    chains.push(
      (async () => {
        for (const [i, step] of steps.entries()) {
          const write: ReportWrite = { ...key, planRevision: plan.plan.revision, ...step, ...body, validation, late: false, comment: null, savedBy: writers[i]! };
          const outcome = await store.putReport(key, i, write, { audit: { at, actor: writers[i]!, action: step.action, ...key, revision: i + 1 } });
          if (!outcome.ok) throw new Error(`history: conflict on ${JSON.stringify(key)}`);
        }
      })(),
    );
  }
  await Promise.all(chains);
  // Everything into the snapshot, so that db.json alone is the history each run starts from.
  await store.compactNow();
  await store.close();
  const file = path.join(dir, 'db.json');
  return { label, dir, file, bytes: statSync(file).size, reports, revisions: reports * steps.length, values };
}

// ---- the load ------------------------------------------------------------------------------

interface Client {
  token: string;
  path: string;
  body: string;
}

/** The shared load generator (bench/put-clients.ts), every client on this one server. */
function runClients(base: string, clients: Client[], intervalMs: number | null, onStart: () => void): Promise<LoadResult> {
  return runPutClients(clients.map((c) => ({ ...c, base })), { intervalMs, warmupMs: WARMUP_MS, seconds: SECONDS }, onStart);
}

/** Bytes of the store in `dir`: the snapshot and the journal segments. */
/** The snapshot with the revisions file beside it (old revisions, written by compaction), and the journal. */
function storeBytes(dir: string): { snapshot: number; journal: number } {
  const size = (names: (f: string) => boolean) => readdirSync(dir).filter(names).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
  return { snapshot: size((f) => f === 'db.json' || f === 'db.json.revisions'), journal: size((f) => f.startsWith('db.json.journal.')) };
}

/** The heap now, after a full collection when the process runs with --expose-gc (npm run bench does). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const maxOf = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
interface Scenario {
  puts: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  statuses: Record<string, number>;
  flushes: number;
  flushesPerSecond: number;
  /** Compactions finished during the measured run, and each snapshot's durable write (temp file, fsync, rename). */
  compactions: number;
  snapshotMs: number[];
  loopDelayMs: { max: number; p99: number; mean: number };
  snapshotBytesAfter: number;
  journalBytesAfter: number;
  /** Heap taken by opening the store on the history (its data in memory), in bytes. */
  storeHeapBytes: number;
}

async function runScenario(history: History, loadBodies: Map<string, string>, options: { groupCommit: boolean; intervalMs: number | null }): Promise<Scenario> {
  const dir = mkdtempSync(path.join(tmpdir(), `asr-bench-server-${history.label}-`));
  copyFileSync(history.file, path.join(dir, 'db.json'));
  let measuring = false;
  const snapshotMs: number[] = [];
  const heapBefore = heapUsed();
  const store = await openLowdbStore({
    dataDir: dir,
    backups: 0,
    groupCommit: options.groupCommit,
    compaction: { maxBytes: JOURNAL_MB * MB },
    // Only compaction writes the snapshot (serialised in slices before this): the durable write timed.
    writeFile: async (file, data) => {
      const t0 = performance.now();
      await writeFileDurably(file, data);
      if (measuring) snapshotMs.push(performance.now() - t0);
    },
  });
  const storeHeapBytes = heapUsed() - heapBefore;
  const catalog = await CatalogService.open(store);
  const { plans, register } = catalog.snapshot;
  const config: ServerConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    corsOrigins: ['https://localhost:3000'],
    frameAncestors: OFFICE_FRAME_ANCESTORS,
    jsonLimit: '1mb',
    uploadLimitBytes: 5 * MB,
    rateLimitPerMinute: 1_000_000_000,
    failedSignInLimit: 1_000_000_000,
    trustProxy: false,
    serveLocalOfficeJs: false,
    now: () => new Date(),
  };
  const now = new Date();
  // 50 tokens, issued together (one flush).
  const clients: Client[] = await Promise.all(
    loadAgencies(plans, register).map(async (agency) => {
      const { secret, record } = newToken('agency', agency.id, agency.name, now);
      await store.addToken(record, { at: now.toISOString(), actor: 'bench', action: 'issue-token' });
      const body = loadBodies.get(agency.id);
      if (!body) throw new Error(`no ${LOAD_PLAN} ${LOAD_PERIOD} report of ${agency.id} in the data set`);
      return { token: secret, path: `/api/plans/${LOAD_PLAN}/periods/${LOAD_PERIOD}/reports/${agency.id}`, body };
    }),
  );
  const app = createApp({ store, catalog, config, log: (m, e) => log(`${m}: ${e instanceof Error ? e.message : String(e)}`) });
  const server = http.createServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let flushesBefore = 0;
  let compactionsBefore = 0;
  const result = await runClients(base, clients, options.intervalMs, () => {
    measuring = true;
    flushesBefore = store.flushCount();
    compactionsBefore = store.compactionCount();
    histogram.reset();
    histogram.enable();
  });
  histogram.disable();
  measuring = false;
  const flushes = store.flushCount() - flushesBefore;
  const compactions = store.compactionCount() - compactionsBefore;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await store.close();
  const bytes = storeBytes(dir);
  rmSync(dir, { recursive: true, force: true });

  return {
    ...latencySummary(result),
    flushes,
    flushesPerSecond: flushes / result.elapsed,
    compactions,
    snapshotMs,
    loopDelayMs: { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, mean: histogram.mean / 1e6 },
    snapshotBytesAfter: bytes.snapshot,
    journalBytesAfter: bytes.journal,
    storeHeapBytes,
  };
}

function summary(label: string, s: Scenario): string {
  return (
    `${label}: ${s.puts} PUTs = ${s.throughput.toFixed(0)}/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ` +
    `${s.flushes} flushes (${s.flushesPerSecond.toFixed(1)}/s), ${s.compactions} compaction(s) (${maxOf(s.snapshotMs).toFixed(0)} ms at most); ` +
    `loop delay max ${s.loopDelayMs.max.toFixed(1)} ms, p99 ${s.loopDelayMs.p99.toFixed(1)} ms; after: snapshot + revisions ${(s.snapshotBytesAfter / MB).toFixed(1)} MB + journal ${(s.journalBytesAfter / MB).toFixed(1)} MB; ` +
    `store heap ${(s.storeHeapBytes / MB).toFixed(1)} MB; statuses ${JSON.stringify(s.statuses)}`
  );
}

// ---- main ----------------------------------------------------------------------------------

const started = performance.now();
const round1 = (n: number) => Math.round(n * 10) / 10;
const datasets = DATASETS.filter((d) => !ONLY || d.label === ONLY);
let t = performance.now();
const data = new Map(datasets.map((d) => [d.label, cityDataSet({ years: d.years })] as const));
// The load bodies: the data set's own 2025 annual reports of plan 207 (five years holds them).
const loadBodies = new Map(
  (data.get('5y') ?? cityDataSet({ years: 5 })).reports
    .filter((r) => r.plan.plan.id === LOAD_PLAN && r.period === LOAD_PERIOD)
    .map((r) => [r.agencyId, JSON.stringify({ entries: r.entries, documents: r.documents, projects: r.projects })] as const),
);
log(`data sets generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

/** The closed-loop group-commit run of each history: the five-year figures must stay within 20 % of the one-year ones. */
const closedLoop = new Map<string, Scenario>();

for (const dataset of datasets) {
  const ds = data.get(dataset.label)!;
  t = performance.now();
  const history = await buildHistory(dataset.label, ds);
  log(`${dataset.label}: ${history.reports} reports, ${history.revisions} revisions, db.json ${(history.bytes / MB).toFixed(2)} MB, written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const five = dataset.label === '5y';
  emit({
    name: `server.dataFile.size.${dataset.label}`,
    value: history.bytes / MB,
    unit: 'MB',
    better: 'lower',
    detail: { years: ds.years, reports: history.reports, revisions: history.revisions, values: history.values, departments: ds.counts.departments, communes: ds.counts.communes },
  });

  const runs: Partial<Record<'on' | 'off', Scenario>> = {};
  const ofHistory = closedLoop;
  for (const groupCommit of [false, true]) {
    if (GROUP && (GROUP === 'on') !== groupCommit) continue;
    t = performance.now();
    const s = await runScenario(history, loadBodies, { groupCommit, intervalMs: null });
    runs[groupCommit ? 'on' : 'off'] = s;
    if (groupCommit) ofHistory.set(dataset.label, s);
    log(`${summary(`${dataset.label} groupCommit=${groupCommit}`, s)} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }

  for (const key of ['on', 'off'] as const) {
    const s = runs[key];
    if (!s) continue;
    const base = key === 'on' ? runs.off : undefined;
    const suffix = key === 'on' ? '' : '.noGroupCommit';
    const budgeted = five && key === 'on';
    emit({
      name: `server.put.throughput.${dataset.label}${suffix}`,
      value: s.throughput,
      unit: 'PUT/s',
      baseline: base?.throughput ?? null,
      budget: budgeted ? 1000 : null,
      better: 'higher',
      detail: { clients: CLIENTS, seconds: SECONDS, groupCommit: key === 'on', puts: s.puts, loop: 'closed, no think time' },
    });
    emit({ name: `server.put.latencyP50.${dataset.label}${suffix}`, value: s.p50, unit: 'ms', baseline: base?.p50 ?? null, better: 'lower' });
    emit({
      name: `server.put.latencyP99.${dataset.label}${suffix}`,
      value: s.p99,
      unit: 'ms',
      baseline: base?.p99 ?? null,
      budget: budgeted ? 100 : null,
      better: 'lower',
      detail: { max: Math.round(s.max), littlesLawMeanMs: Math.round((CLIENTS / s.throughput) * 1000) },
    });
    emit({ name: `server.put.errors.${dataset.label}${suffix}`, value: s.errors, unit: 'requests', better: 'lower', detail: { statuses: s.statuses } });
    emit({
      name: `server.store.flushesPerSecond.${dataset.label}${suffix}`,
      value: s.flushesPerSecond,
      unit: 'flushes/s',
      better: 'lower',
      detail: { flushes: s.flushes, putsPerFlush: s.flushes ? round1(s.puts / s.flushes) : null, snapshotMBAfter: round1(s.snapshotBytesAfter / MB), journalMBAfter: round1(s.journalBytesAfter / MB) },
    });
    emit({
      name: `server.store.compactions.${dataset.label}${suffix}`,
      value: s.compactions,
      unit: 'compactions',
      better: 'lower',
      detail: { snapshotWriteMaxMs: round1(maxOf(s.snapshotMs)), snapshotWriteMeanMs: round1(mean(s.snapshotMs)), what: 'snapshot serialised in slices of 200 records, then written durably, while PUTs go on' },
    });
    emit({
      name: `server.store.heapPerRevision.${dataset.label}${suffix}`,
      value: s.storeHeapBytes / history.revisions,
      unit: 'bytes/revision',
      better: 'lower',
      detail: { storeHeapMB: round1(s.storeHeapBytes / MB), revisions: history.revisions, what: 'heap after opening the store on the history, minus before (--expose-gc)' },
    });
    emit({ name: `server.eventLoopDelay.max.${dataset.label}${suffix}`, value: s.loopDelayMs.max, unit: 'ms', baseline: base?.loopDelayMs.max ?? null, better: 'lower', detail: { resolutionMs: 10 } });
    emit({
      name: `server.eventLoopDelay.p99.${dataset.label}${suffix}`,
      value: s.loopDelayMs.p99,
      unit: 'ms',
      baseline: base?.loopDelayMs.p99 ?? null,
      better: 'lower',
      detail: { meanMs: round1(s.loopDelayMs.mean), resolutionMs: 10 },
    });
  }

  const one = closedLoop.get('1y');
  const fiveYears = closedLoop.get('5y');
  if (five && one && fiveYears) {
    emit({
      name: 'server.put.historyCost.p99.5yVs1y',
      value: fiveYears.p99 / one.p99,
      unit: 'ratio',
      budget: 1.2,
      better: 'lower',
      detail: { p99_1y: round1(one.p99), p99_5y: round1(fiveYears.p99), what: 'p99 at five years of history over p99 at one year' },
    });
    emit({
      name: 'server.put.historyCost.throughput.1yVs5y',
      value: one.throughput / fiveYears.throughput,
      unit: 'ratio',
      budget: 1.2,
      better: 'lower',
      detail: { throughput1y: Math.round(one.throughput), throughput5y: Math.round(fiveYears.throughput), what: 'PUT/s at one year over PUT/s at five years' },
    });
  }

  if (five && GROUP !== 'off') {
    t = performance.now();
    const intervalMs = (1000 * CLIENTS) / PACED_RATE;
    const s = await runScenario(history, loadBodies, { groupCommit: true, intervalMs });
    log(`${summary(`${dataset.label} paced ${PACED_RATE}/s`, s)} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    emit({
      name: `server.put.paced${PACED_RATE}.throughput.${dataset.label}`,
      value: s.throughput,
      unit: 'PUT/s',
      better: 'higher',
      detail: { offered: PACED_RATE, clients: CLIENTS, intervalMsPerClient: intervalMs, errors: s.errors },
    });
    emit({
      name: `server.put.paced${PACED_RATE}.latencyP99.${dataset.label}`,
      value: s.p99,
      unit: 'ms',
      budget: 20,
      better: 'lower',
      detail: { p50: round1(s.p50), max: Math.round(s.max), from: 'scheduled send time', flushesPerSecond: round1(s.flushesPerSecond), loopDelayMaxMs: round1(s.loopDelayMs.max) },
    });
  }
  rmSync(history.dir, { recursive: true, force: true });
}
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
