/**
 * The stores side by side in one run: the embedded store (one server process, a DATA_DIR)
 * against PostgreSQL with one and with two server processes sharing one database, at one and
 * five years of Hà Nội history and at one country year (bench/data.ts). Each server is the real
 * one (`node --import tsx server/main.ts`, as in production but on the sources), started with
 * bench/server-probe.ts loaded into it to measure its own event-loop delay, RSS and CPU.
 *
 * Per store and data set: the history is loaded (bench/store-history.ts; the loading time is
 * measured and has a bound), then 50 agencies PUT their own reports over HTTP (bench/put-
 * clients.ts, in a worker thread of this process): first closed-loop (no think time), then
 * paced at 200 PUT/s in all, each on a fresh copy of the history and fresh servers. Reported: PUT/s, p50/p99 latency, errors,
 * the servers' event-loop delay, peak RSS and CPU, PostgreSQL's CPU, the machine's CPU, and
 * the data folder's or database's size. PostgreSQL runs with its durable defaults (fsync and
 * synchronous_commit on; bench/pg-durable-cluster.ts), as the embedded store fsyncs too.
 *
 * The embedded store is not run on the country data set: one process holding a country in
 * one file is not what it is for (the README: a country runs on PostgreSQL).
 *
 * Not a test: prints JSON lines (bench/report.ts), never fails on speed.
 * Run: npx tsx bench/stores.bench.ts [--quick] (`--only 1y|5y|country` for one data set).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, kill, waitHealthy } from '../test/server/child-server';
import type { Running } from '../test/server/child-server';
import { cityDataSet, countryDataSet } from './data';
import { startBenchCluster } from './pg-durable-cluster';
import type { BenchCluster } from './pg-durable-cluster';
import { latencySummary, runPutClients } from './put-clients';
import type { PutClient } from './put-clients';
import { emit, quick } from './report';
import type { ProbeResult } from './server-probe';
import { cityHistory, countryHistory, loadEmbedded, loadPostgres } from './store-history';
import type { History } from './store-history';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = quick ? 5 : 20;
const WARMUP_MS = quick ? 1_000 : 3_000;
const PACED_RATE = 200;
const CLIENTS = 50;
/** Loading a history (generation excluded) must stay under this; a longer one is reported as a miss. */
const LOAD_BOUND_S = quick ? 30 : 120;
const COUNTRY_PROVINCES = quick ? 2 : 34;
const MB = 1024 * 1024;
const argAfter = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ONLY = argAfter('--only');
const log = (s: string) => process.stderr.write(`stores.bench: ${s}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
const MACHINE = `${os.cpus().length} × ${cpuModel}, Node ${process.version}`;

// ---- measuring processes -------------------------------------------------------------------

/** Busy and I/O-wait jiffies of the whole machine (/proc/stat), other sessions included. */
function machineTicks(): { busy: number; iowait: number; total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = cpu[3] ?? 0;
  const iowait = cpu[4] ?? 0;
  return { busy: total - idle - iowait, iowait, total };
}

/** CPU seconds of the postmaster and its children (the backends, the WAL writer, the checkpointer). */
function postgresCpuSeconds(postmaster: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the ")" that closes the command name: state ppid … utime(12th) stime(13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

function folderBytes(dir: string, skip: readonly string[] = []): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (skip.includes(name)) continue;
    const p = path.join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? folderBytes(p) : s.size;
  }
  return total;
}

// ---- servers -------------------------------------------------------------------------------

async function startProbedServer(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/server-probe.ts', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      FAILED_SIGNIN_LIMIT: '1000000000',
      NODE_ENV: 'production',
      BACKUP_INTERVAL_MINUTES: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return waitHealthy({ child, base: `http://127.0.0.1:${port}`, output, exited }, 60_000);
}

function askProbe(child: ChildProcess): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server probe did not answer')), 10_000);
    child.once('message', (m: { probe?: ProbeResult }) => {
      clearTimeout(timer);
      if (m.probe) resolve(m.probe);
      else reject(new Error(`unexpected message from the server: ${JSON.stringify(m)}`));
    });
    child.send('probe:stop');
  });
}

async function stopServer(s: Running): Promise<void> {
  const timer = setTimeout(() => void kill(s, 'SIGKILL'), 15_000);
  await kill(s, 'SIGTERM');
  clearTimeout(timer);
}

// ---- one run -------------------------------------------------------------------------------

interface RunResult {
  puts: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  statuses: Record<string, number>;
  probes: ProbeResult[];
  machineBusy: number;
  machineIowait: number;
  postgresCores: number | null;
  /** This process (the clients' worker thread included). */
  clientCores: number;
}

async function measure(servers: Running[], clients: PutClient[], intervalMs: number | null, cluster: BenchCluster | null): Promise<RunResult> {
  let m0 = machineTicks();
  let pg0 = 0;
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const result = await runPutClients(clients, { intervalMs, warmupMs: WARMUP_MS, seconds: SECONDS }, () => {
    for (const s of servers) s.child.send('probe:start');
    m0 = machineTicks();
    pg0 = cluster ? postgresCpuSeconds(cluster.pid) : 0;
    t0 = performance.now();
    c0 = process.cpuUsage();
  });
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const m1 = machineTicks();
  const postgresCores = cluster ? (postgresCpuSeconds(cluster.pid) - pg0) / wall : null;
  const probes = await Promise.all(servers.map((s) => askProbe(s.child)));
  const total = m1.total - m0.total || 1;
  return {
    ...latencySummary(result),
    probes,
    machineBusy: (m1.busy - m0.busy) / total,
    machineIowait: (m1.iowait - m0.iowait) / total,
    postgresCores,
    clientCores: (used.user + used.system) / 1e6 / wall,
  };
}

interface Scenario {
  closed: RunResult;
  paced: RunResult;
  /** The data folder's or database's size after the closed run. */
  sizeBytes: number;
}

/** A fresh copy of the loaded history for one run: the servers' environments, its size, its removal. */
interface Setup {
  envs: Array<Record<string, string>>;
  size: () => Promise<number>;
  dispose: () => Promise<void>;
}

/** Starts servers on a fresh copy of the history, drives one load, stops them. */
async function oneRun(h: History, setup: Setup, intervalMs: number | null, cluster: BenchCluster | null): Promise<{ run: RunResult; sizeBytes: number }> {
  try {
    const servers = await Promise.all(setup.envs.map((env) => startProbedServer(env)));
    let run: RunResult;
    try {
      const clients: PutClient[] = h.targets.map((t, i) => ({ base: servers[i % servers.length]?.base ?? '', token: t.token, path: t.path, body: t.body }));
      run = await measure(servers, clients, intervalMs, cluster);
    } finally {
      await Promise.all(servers.map(stopServer));
    }
    return { run, sizeBytes: await setup.size() };
  } finally {
    await setup.dispose();
  }
}

/**
 * The closed loop, then the paced run, each on its own fresh copy of the history, so that
 * the paced run does not start from the revisions the closed one added.
 */
async function scenario(h: History, fresh: () => Promise<Setup>, cluster: BenchCluster | null): Promise<Scenario> {
  const closed = await oneRun(h, await fresh(), null, cluster);
  const paced = await oneRun(h, await fresh(), (1000 * CLIENTS) / PACED_RATE, cluster);
  return { closed: closed.run, paced: paced.run, sizeBytes: closed.sizeBytes };
}

function summary(label: string, r: RunResult): string {
  const loop = Math.max(...r.probes.map((p) => p.loopDelayMs.max));
  const cores = r.probes.map((p) => p.cores.toFixed(2)).join('+');
  return (
    `${label}: ${r.puts} PUTs = ${r.throughput.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors} ${JSON.stringify(r.statuses)}; ` +
    `loop delay max ${loop.toFixed(1)} ms; server cores ${cores}; postgres cores ${r.postgresCores?.toFixed(2) ?? '—'}; load generator cores ${r.clientCores.toFixed(2)}; machine busy ${(r.machineBusy * 100).toFixed(0)}%, iowait ${(r.machineIowait * 100).toFixed(0)}%`
  );
}

// ---- reporting -----------------------------------------------------------------------------

type StoreName = 'embedded' | 'pg1' | 'pg2';

interface Outcome {
  scenario: Scenario;
  sizeBytes: number;
  sizeWhat: string;
  /** Right after loading the history, before the load. */
  sizeBeforeBytes: number;
}

function emitScenario(store: StoreName, ds: string, o: Outcome, base: Outcome | undefined, baseName: string | null): void {
  const { closed, paced } = o.scenario;
  const name = (m: string) => `stores.${store}.${ds}.${m}`;
  const embedded = store === 'embedded';
  const pgCountry = store !== 'embedded' && ds === 'country';
  const common = { machine: MACHINE, servers: closed.probes.length, clients: CLIENTS, seconds: SECONDS };
  emit({
    name: name('closed.throughput'),
    value: closed.throughput,
    unit: 'PUT/s',
    baseline: base?.scenario.closed.throughput ?? null,
    budget: embedded ? 1000 : null,
    better: 'higher',
    detail: { ...common, baseline: baseName, loop: 'closed, no think time', puts: closed.puts, errors: closed.errors, statuses: closed.statuses },
  });
  emit({ name: name('closed.latencyP50'), value: closed.p50, unit: 'ms', baseline: base?.scenario.closed.p50 ?? null, better: 'lower' });
  emit({
    name: name('closed.latencyP99'),
    value: closed.p99,
    unit: 'ms',
    baseline: base?.scenario.closed.p99 ?? null,
    budget: embedded || pgCountry ? 100 : null,
    better: 'lower',
    detail: { max: Math.round(closed.max), littlesLawMeanMs: Math.round((CLIENTS / Math.max(1, closed.throughput)) * 1000) },
  });
  emit({
    name: name(`paced${PACED_RATE}.latencyP99`),
    value: paced.p99,
    unit: 'ms',
    baseline: base?.scenario.paced.p99 ?? null,
    budget: embedded ? 20 : null,
    better: 'lower',
    detail: { p50: round1(paced.p50), max: Math.round(paced.max), throughput: round1(paced.throughput), offered: PACED_RATE, errors: paced.errors, from: 'scheduled send time' },
  });
  const loopP99 = Math.max(...closed.probes.map((p) => p.loopDelayMs.p99));
  const loopMax = Math.max(...closed.probes.map((p) => p.loopDelayMs.max));
  emit({ name: name('closed.eventLoopDelayP99'), value: loopP99, unit: 'ms', better: 'lower', detail: { max: round1(loopMax), pacedP99: round1(Math.max(...paced.probes.map((p) => p.loopDelayMs.p99))), resolutionMs: 10, of: 'each server process, the worst' } });
  const rss = closed.probes.map((p) => p.rssPeakBytes / MB);
  emit({ name: name('rssPeak'), value: Math.max(...rss), unit: 'MB', better: 'lower', detail: { perServer: rss.map(round1), of: 'each server process, the largest, during the closed loop' } });
  emit({
    name: name('closed.cpu'),
    value: closed.probes.reduce((a, p) => a + p.cores, 0),
    unit: 'cores',
    better: 'lower',
    detail: {
      perServer: closed.probes.map((p) => round2(p.cores)),
      postgresCores: closed.postgresCores === null ? null : round2(closed.postgresCores),
      loadGeneratorCores: round2(closed.clientCores),
      machineBusy: `${Math.round(closed.machineBusy * 100)}%`,
      machineIowait: `${Math.round(closed.machineIowait * 100)}%`,
      note: 'machine figures include the load generator and other sessions',
    },
  });
  // What a PUT costs in CPU, whatever else runs on the machine: the servers' and PostgreSQL's CPU time per acknowledged PUT.
  const serverCores = closed.probes.reduce((a, p) => a + p.cores, 0);
  emit({
    name: name('closed.cpuPerPut'),
    value: ((serverCores + (closed.postgresCores ?? 0)) * 1000) / Math.max(1, closed.throughput),
    unit: 'ms',
    baseline: base ? ((base.scenario.closed.probes.reduce((a, p) => a + p.cores, 0) + (base.scenario.closed.postgresCores ?? 0)) * 1000) / Math.max(1, base.scenario.closed.throughput) : null,
    better: 'lower',
    detail: { servers: round2((serverCores * 1000) / Math.max(1, closed.throughput)), postgres: closed.postgresCores === null ? null : round2((closed.postgresCores * 1000) / Math.max(1, closed.throughput)) },
  });
  emit({ name: name('size'), value: o.sizeBytes / MB, unit: 'MB', better: 'lower', detail: { what: o.sizeWhat, after: 'the closed-loop run', beforeMB: round1(o.sizeBeforeBytes / MB) } });
}

// ---- main ----------------------------------------------------------------------------------

interface DataSetPlan {
  label: '1y' | '5y' | 'country';
  history: () => History;
  embedded: boolean;
}

async function main(): Promise<void> {
  const started = performance.now();
  let t = performance.now();
  const five = cityDataSet({ years: 5 });
  const plans: DataSetPlan[] = [
    { label: '1y', history: () => cityHistory('1y', cityDataSet({ years: [2024] }), five), embedded: true },
    { label: '5y', history: () => cityHistory('5y', five, five), embedded: true },
    { label: 'country', history: () => countryHistory('country', countryDataSet({ provinces: COUNTRY_PROVINCES })), embedded: false },
  ];
  log(`city data generated in ${((performance.now() - t) / 1000).toFixed(1)} s; machine ${MACHINE}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const cluster = await startBenchCluster();
  const results = new Map<string, Outcome>();
  try {
    for (const plan of plans.filter((p) => !ONLY || p.label === ONLY)) {
      t = performance.now();
      const h = plan.history();
      log(`${plan.label}: ${h.reports.length} reports, ${h.revisions} revisions, ${h.values} values (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      const detail = { reports: h.reports.length, revisions: h.revisions, values: h.values, ...(plan.label === 'country' ? { provinces: COUNTRY_PROVINCES } : {}) };
      if (plan.embedded) {
        t = performance.now();
        const dir = await loadEmbedded(h);
        emit({ name: `stores.embedded.${plan.label}.load`, value: (performance.now() - t) / 1000, unit: 's', budget: LOAD_BOUND_S, better: 'lower', detail: { ...detail, how: 'putReport, concurrently (group commit)' } });
        const sizeBeforeBytes = folderBytes(dir, ['backups']);
        let copies = 0;
        const fresh = (): Promise<Setup> => {
          const copy = `${dir}-run${++copies}`;
          cpSync(dir, copy, { recursive: true });
          return Promise.resolve({
            envs: [{ DATA_DIR: copy, BACKUP_KEEP: '0' }],
            size: () => Promise.resolve(folderBytes(copy, ['backups', 'admin-token'])),
            dispose: () => {
              rmSync(copy, { recursive: true, force: true });
              return Promise.resolve();
            },
          });
        };
        try {
          const s = await scenario(h, fresh, null);
          log(summary(`embedded ${plan.label} closed`, s.closed));
          log(summary(`embedded ${plan.label} paced ${PACED_RATE}/s`, s.paced));
          results.set(`embedded.${plan.label}`, { scenario: s, sizeBytes: s.sizeBytes, sizeWhat: 'DATA_DIR without backups', sizeBeforeBytes });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const template = `hist_${plan.label}`;
      await cluster.query('postgres', `CREATE DATABASE ${template} TEMPLATE template0`);
      t = performance.now();
      await loadPostgres(h, cluster.urlOf(template));
      const [loaded] = await cluster.query<{ bytes: string }>(template, 'SELECT pg_database_size(current_database()) AS bytes');
      const sizeBeforeBytes = Number(loaded?.bytes ?? 0);
      emit({ name: `stores.pg.${plan.label}.load`, value: (performance.now() - t) / 1000, unit: 's', budget: LOAD_BOUND_S, better: 'lower', detail: { ...detail, how: 'catalog and tokens through the store, report rows in multi-row INSERTs of 200 reports' } });
      for (const n of [1, 2] as const) {
        let copies = 0;
        const fresh = async (): Promise<Setup> => {
          const db = `run_${plan.label}_${n}_${++copies}`;
          await cluster.query('postgres', `CREATE DATABASE ${db} TEMPLATE ${template}`);
          const dataDirs = Array.from({ length: n }, (_, k) => path.join(os.tmpdir(), `asr-bench-pg-${process.pid}-${db}-${k}`));
          return {
            envs: dataDirs.map((d) => ({ DATA_DIR: d, DATABASE_URL: cluster.urlOf(db) })),
            size: async () => Number((await cluster.query<{ bytes: string }>(db, 'SELECT pg_database_size(current_database()) AS bytes'))[0]?.bytes ?? 0),
            dispose: async () => {
              for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
              await cluster.query('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
            },
          };
        };
        const s = await scenario(h, fresh, cluster);
        log(summary(`pg×${n} ${plan.label} closed`, s.closed));
        log(summary(`pg×${n} ${plan.label} paced ${PACED_RATE}/s`, s.paced));
        results.set(`pg${n}.${plan.label}`, { scenario: s, sizeBytes: s.sizeBytes, sizeWhat: 'pg_database_size', sizeBeforeBytes });
      }
      await cluster.query('postgres', `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      reportDataSet(results, plan.label);
    }
  } finally {
    await cluster.stop();
  }
  reportHistoryCost(results);
  printTable(results);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Baselines in the same run: PostgreSQL against the embedded store on the same data (the country: two processes against one). */
function reportDataSet(results: Map<string, Outcome>, ds: string): void {
  const embedded = results.get(`embedded.${ds}`);
  const pg1 = results.get(`pg1.${ds}`);
  const pg2 = results.get(`pg2.${ds}`);
  if (embedded) emitScenario('embedded', ds, embedded, undefined, null);
  if (pg1) emitScenario('pg1', ds, pg1, embedded, embedded ? 'embedded' : null);
  if (pg2) emitScenario('pg2', ds, pg2, embedded ?? pg1, embedded ? 'embedded' : 'pg1');
}

function reportHistoryCost(results: Map<string, Outcome>): void {
  // Cost independent of history: the embedded store's five-year figures within 20 % of its one-year ones.
  const one = results.get('embedded.1y')?.scenario.closed;
  const five = results.get('embedded.5y')?.scenario.closed;
  if (one && five) {
    emit({ name: 'stores.embedded.5yVs1y.latencyP99Ratio', value: five.p99 / one.p99, unit: '×', budget: 1.2, better: 'lower', detail: { p99_1y: round1(one.p99), p99_5y: round1(five.p99) } });
    emit({ name: 'stores.embedded.5yVs1y.throughputRatio', value: one.throughput / five.throughput, unit: '×', budget: 1.2, better: 'lower', detail: { what: '1-year PUT/s ÷ 5-year PUT/s', throughput_1y: round1(one.throughput), throughput_5y: round1(five.throughput) } });
  }
}

/** The side-by-side table for the README (on stderr: stdout is JSON lines). */
function printTable(results: Map<string, Outcome>): void {
  const rows = [`\nMachine: ${MACHINE}${quick ? ' (quick run)' : ''}; ${CLIENTS} clients, ${SECONDS} s per run.\n`];
  rows.push('| store | data | PUT/s (closed) | p50 ms | p99 ms | p99 ms paced 200/s | loop delay p99 ms | RSS MB | CPU ms/PUT | size MB |');
  rows.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const names: Record<StoreName, string> = { embedded: 'embedded', pg1: 'PostgreSQL, 1 process', pg2: 'PostgreSQL, 2 processes' };
  for (const ds of ['1y', '5y', 'country']) {
    for (const store of ['embedded', 'pg1', 'pg2'] as const) {
      const o = results.get(`${store}.${ds}`);
      if (!o) continue;
      const { closed, paced } = o.scenario;
      const cores = closed.probes.reduce((a, p) => a + p.cores, 0) + (closed.postgresCores ?? 0);
      const cells = [
        names[store],
        ds,
        closed.throughput.toFixed(0),
        closed.p50.toFixed(0),
        closed.p99.toFixed(0),
        paced.p99.toFixed(0),
        Math.max(...closed.probes.map((p) => p.loopDelayMs.p99)).toFixed(0),
        Math.max(...closed.probes.map((p) => p.rssPeakBytes / MB)).toFixed(0),
        ((cores * 1000) / Math.max(1, closed.throughput)).toFixed(2),
        `${(o.sizeBeforeBytes / MB).toFixed(1)} → ${(o.sizeBytes / MB).toFixed(1)}`,
      ];
      rows.push(`| ${cells.join(' | ')} |`);
    }
  }
  process.stderr.write(`${rows.join('\n')}\n`);
}

await main();
