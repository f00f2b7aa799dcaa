/**
 * Consolidation and the consolidated workbook: wall time and peak heap at city scale (Hà Nội,
 * the 2025 annual period, every agency of both plans, plus consolidated.xlsx per plan) and at
 * country scale (the whole country: 34 province plans, each consolidated for the 2026 annual
 * period from its 100 communes and its departments, plus one consolidated.xlsx per province).
 * Baseline: a naive consolidation that re-validates every report from scratch first.
 *
 * Not a test: prints one JSON line per measurement on stdout (progress on stderr), never fails
 * on speed. Run: npx tsx bench/consolidation.bench.ts [--quick]
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { emit, quick } from './report';
import { cityDataSet, countryDataSet } from './data';
import type { BenchReport } from './data';
import type { AgencyRegister } from '../shared/agencies/register';
import type { CompiledPlan } from '../shared/compile';
import { consolidate } from '../shared/consolidate';
import type { ConsolidatedTable, ReportRecord } from '../shared/consolidate';
import { consolidatedWorkbook } from '../shared/layout/consolidated';
import { validateReport } from '../shared/validate';
import { renderWorkbook } from '../server/xlsx/render';

const log = (...args: unknown[]) => console.error('[consolidation.bench]', ...args);

v8.setFlagsFromString('--expose-gc');
const gc: () => void = (() => {
  try {
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Samples the process RSS every 10 ms from another thread, so synchronous work is seen too. */
class RssSampler {
  private readonly worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let max = process.memoryUsage.rss();
     setInterval(() => { const r = process.memoryUsage.rss(); if (r > max) max = r; }, 10);
     parentPort.on('message', (m) => { if (m === 'reset') max = process.memoryUsage.rss(); parentPort.postMessage(max); });`,
    { eval: true },
  );
  async ask(message: 'reset' | 'peak'): Promise<number> {
    this.worker.postMessage(message);
    const [value] = (await once(this.worker, 'message')) as [number];
    return value;
  }
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

type Phase = 'consolidate' | 'workbook';

interface HeapPeak {
  baseline: number;
  /** Highest heapUsed seen while consolidating (tables accumulate) and while writing workbooks. */
  peaks: Record<Phase, number>;
  /** heapUsed after a full GC at the end, with the tables and files still held. */
  retained: number;
  /** Highest heapTotal (committed V8 heap) and external + arrayBuffers (buffers, zip) seen at the samples. */
  heapTotalPeak: number;
  externalPeak: number;
  rssPeak: number;
}

/**
 * Peak V8 heap (heapUsed) while `run` works: sampled every 10 ms by a timer, which fires when the
 * work yields (between plans or provinces, and inside the async xlsx writer), and at every
 * checkpoint the work calls. The RSS peak comes from a sampler thread and sees everything.
 */
async function heapPeak(sampler: RssSampler, run: (checkpoint: (next: Phase) => Promise<void>) => Promise<unknown>): Promise<HeapPeak> {
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const peaks: Record<Phase, number> = { consolidate: baseline, workbook: baseline };
  let phase: Phase = 'consolidate';
  let heapTotalPeak = 0;
  let externalPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peaks[phase]) peaks[phase] = m.heapUsed;
    if (m.heapTotal > heapTotalPeak) heapTotalPeak = m.heapTotal;
    if (m.external + m.arrayBuffers > externalPeak) externalPeak = m.external + m.arrayBuffers;
  };
  await sampler.ask('reset');
  const timer = setInterval(sample, 10);
  const result = await run(async (next) => {
    sample();
    phase = next;
    await yieldToLoop();
  });
  sample();
  clearInterval(timer);
  const rssPeak = await sampler.ask('peak');
  gc();
  const retained = process.memoryUsage().heapUsed;
  if (result === undefined) log('(nothing returned)');
  return { baseline, peaks, retained, rssPeak, heapTotalPeak, externalPeak };
}

interface Job {
  plan: CompiledPlan;
  period: string;
  records: ReportRecord[];
  /** Citywide values a year before, as the server passes them. */
  previous: Record<string, number>;
}

const STATUSES: Array<ReportRecord['status']> = ['submitted', 'submitted', 'approved', 'submitted', 'late', 'submitted', 'approved', 'submitted', 'submitted', 'submitted'];

/** Reports as the store hands them to consolidate: mostly submitted or approved, some late, one in 25 still a draft. */
function jobsFor(reports: readonly BenchReport[], period: string): Job[] {
  const byPlan = new Map<CompiledPlan, Job>();
  reports.forEach((r, i) => {
    if (r.period !== period) return;
    let job = byPlan.get(r.plan);
    if (!job) byPlan.set(r.plan, (job = { plan: r.plan, period, records: [], previous: {} }));
    const status: ReportRecord['status'] = i % 25 === 0 ? 'draft' : STATUSES[i % STATUSES.length]!;
    job.records.push({ agencyId: r.agencyId, status, entries: r.entries, documents: r.documents, projects: r.projects, revision: 1 + (i % 3), updatedAt: '2025-12-10T08:00:00.000Z' });
    Object.assign(job.previous, r.previous ?? {});
  });
  return [...byPlan.values()];
}

const consolidateJob = (job: Job, register: AgencyRegister) => consolidate(job.plan, register, { period: job.period, reports: job.records, previous: job.previous });

/** The naive way: validate every counted report from scratch, then consolidate. */
function naiveJob(job: Job, register: AgencyRegister): ConsolidatedTable {
  for (const r of job.records) {
    if (r.status === 'draft') continue;
    const v = validateReport(job.plan, { agencyId: r.agencyId, period: job.period, entries: r.entries, documents: r.documents ?? [], projects: r.projects ?? [] }, { register });
    if (v.results.length < 0) throw new Error('unreachable');
  }
  return consolidateJob(job, register);
}

interface Pass {
  consolidateMs: number;
  workbookMs: number;
  bytes: number;
  tables: ConsolidatedTable[];
}

/** One pass: consolidate every job, then lay out and render each consolidated.xlsx. */
async function pass(jobs: readonly Job[], register: AgencyRegister, naive: boolean, checkpoint?: (next: Phase) => Promise<void>): Promise<Pass> {
  const tables: ConsolidatedTable[] = [];
  let consolidateMs = 0;
  for (const job of jobs) {
    const t0 = performance.now();
    tables.push(naive ? naiveJob(job, register) : consolidateJob(job, register));
    consolidateMs += performance.now() - t0;
    if (checkpoint) await checkpoint(job === jobs[jobs.length - 1] ? 'workbook' : 'consolidate');
  }
  let workbookMs = 0;
  let bytes = 0;
  for (let i = 0; i < jobs.length; i++) {
    const t0 = performance.now();
    const buffer = await renderWorkbook(consolidatedWorkbook(jobs[i]!.plan, register, tables[i]!, 'vi'));
    workbookMs += performance.now() - t0;
    bytes += buffer.length;
    if (checkpoint) await checkpoint('workbook');
  }
  return { consolidateMs, workbookMs, bytes, tables };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Summary {
  consolidateMs: number;
  workbookMs: number;
  totalMs: number;
  bytes: number;
  tables: ConsolidatedTable[];
}

const summarize = (results: readonly Pass[]): Summary => ({
  consolidateMs: median(results.map((r) => r.consolidateMs)),
  workbookMs: median(results.map((r) => r.workbookMs)),
  totalMs: median(results.map((r) => r.consolidateMs + r.workbookMs)),
  bytes: results[0]!.bytes,
  tables: results[0]!.tables,
});

/** Engine and naive passes interleaved, so drift on a shared machine hits both alike; medians. */
async function timed(jobs: readonly Job[], register: AgencyRegister, runs: number): Promise<{ engine: Summary; naive: Summary }> {
  const engine: Pass[] = [];
  const naive: Pass[] = [];
  // No gc() between passes: a forced full GC flushes compiled code and made the next render 5× slower.
  for (let i = 0; i < runs; i++) {
    engine.push(await pass(jobs, register, false));
    naive.push(await pass(jobs, register, true));
  }
  return { engine: summarize(engine), naive: summarize(naive) };
}

function entriesOf(jobs: readonly Job[]): { reports: number; counted: number; values: number } {
  let reports = 0;
  let counted = 0;
  let values = 0;
  for (const j of jobs) {
    for (const r of j.records) {
      reports++;
      if (r.status !== 'draft') {
        counted++;
        values += r.entries.length;
      }
    }
  }
  return { reports, counted, values };
}

async function scale(
  label: 'city' | 'country',
  jobs: readonly Job[],
  register: AgencyRegister,
  sampler: RssSampler,
  o: { runs: number; warmups: number; budgetMs: number; budgetMB: number | null; factor: number; processBase: number; detail: Record<string, unknown> },
): Promise<void> {
  const size = entriesOf(jobs);
  log(`${label}: ${jobs.length} plan(s), ${size.reports} reports (${size.counted} counted), ${size.values} values`);
  // Memory first, in a process that has not yet run a pass: later passes leave committed heap and
  // malloc arenas behind, which would inflate the RSS figures (not the heap ones).
  const heap = await heapPeak(sampler, (checkpoint) => pass(jobs, register, false, checkpoint));
  // Warm up until the JIT has settled (consolidate needs ~10 calls): the country on its first provinces.
  const warmJobs = label === 'country' ? jobs.slice(0, 4) : jobs;
  gc();
  for (let i = 0; i < o.warmups; i++) {
    await pass(warmJobs, register, false);
    await pass(warmJobs, register, true);
  }
  const { engine, naive } = await timed(jobs, register, o.runs);
  log(`${label}: consolidate ${engine.consolidateMs.toFixed(0)} ms, workbook ${engine.workbookMs.toFixed(0)} ms`);
  log(`${label}: naive consolidate ${naive.consolidateMs.toFixed(0)} ms`);
  const measuredPeak = Math.max(heap.peaks.consolidate, heap.peaks.workbook);
  log(`${label}: heap ${mb(heap.baseline)} → ${mb(heap.peaks.consolidate)} (consolidated) → ${mb(heap.peaks.workbook)} MB (workbooks), rss peak ${mb(heap.rssPeak)} MB`);

  const f = o.factor;
  const rows = engine.tables.reduce((n, t) => n + t.rows.length, 0);
  const contributions = engine.tables.reduce((n, t) => n + t.rows.reduce((m, r) => m + r.contributions.length, 0), 0);
  const findings = engine.tables.reduce((n, t) => n + t.findings.length, 0);
  const scaled = f !== 1 ? { measured: { consolidateMs: Math.round(engine.consolidateMs), workbookMs: Math.round(engine.workbookMs), naiveMs: Math.round(naive.consolidateMs) }, factor: f } : {};
  const detail = { plans: jobs.length, ...size, rows, contributions, findings, runs: o.runs, ...scaled, ...o.detail };
  emit({ name: `consolidation.${label}.consolidate.ms`, value: engine.consolidateMs * f, unit: 'ms', baseline: naive.consolidateMs * f, better: 'lower', budget: o.budgetMs, detail: { ...detail, baseline: 'validateReport per counted report, then consolidate' } });
  emit({ name: `consolidation.${label}.workbook.ms`, value: engine.workbookMs * f, unit: 'ms', better: 'lower', detail: { ...detail, xlsxFiles: jobs.length, xlsxBytes: engine.bytes, step: 'consolidatedWorkbook + renderWorkbook' } });
  emit({
    name: `consolidation.${label}.total.ms`,
    value: engine.totalMs * f,
    unit: 'ms',
    baseline: (naive.consolidateMs + naive.workbookMs) * f,
    better: 'lower',
    budget: o.budgetMs,
    detail: { ...detail, step: 'consolidate + consolidatedWorkbook + renderWorkbook' },
  });
  // Peak heap: absolute, with the inputs loaded. A quick run cannot see how much garbage 34 provinces pile up
  // between collections: its value scales everything the run added to the process (an upper estimate: 565 MB
  // against the full run's measured 199 MB when last checked); the lower estimate scales only what stays live
  // and adds the transient once (92 MB then).
  const upper = o.processBase + (measuredPeak - o.processBase) * f;
  const lower = o.processBase + (heap.retained - o.processBase) * f + Math.max(0, measuredPeak - heap.retained);
  const peak = f !== 1 ? upper : measuredPeak;
  emit({
    name: `consolidation.${label}.peakHeap.MB`,
    value: peak / MB,
    unit: 'MB',
    better: 'lower',
    budget: o.budgetMB,
    detail: {
      ...detail,
      measure: 'max process.memoryUsage().heapUsed, sampled every 10 ms and between plans/provinces',
      processBaseMB: mb(o.processBase),
      inputsLoadedMB: mb(heap.baseline),
      consolidatedPeakMB: mb(heap.peaks.consolidate),
      workbookPeakMB: mb(heap.peaks.workbook),
      measuredPeakMB: mb(measuredPeak),
      retainedAfterGcMB: mb(heap.retained),
      ...(f !== 1 ? { scaledUpperMB: mb(upper), scaledLowerMB: mb(lower) } : {}),
      heapTotalPeakMB: mb(heap.heapTotalPeak),
      externalPeakMB: mb(heap.externalPeak),
      rssPeakMB: mb(heap.rssPeak),
      rssNote: 'rssPeakMB: whole process (with the data set, a sampler thread) during the measured pass, sampled every 10 ms from a worker thread',
    },
  });
}

async function main(): Promise<void> {
  const sampler = new RssSampler();
  try {
    gc();
    // ---- City: Hà Nội, the 2025 annual period of both plans (districts gone, 126 communes report).
    {
      const processBase = process.memoryUsage().heapUsed;
      log('building the city data set (2025)');
      const city = cityDataSet({ years: [2025] });
      const jobs = jobsFor(city.reports, '2025');
      await scale('city', jobs, city.register, sampler, {
        runs: quick ? 5 : 7,
        warmups: 6,
        budgetMs: 1000,
        budgetMB: null,
        factor: 1,
        processBase,
        detail: { period: '2025', planIds: jobs.map((j) => j.plan.plan.id), ...(quick ? { quick: true } : {}) },
      });
    }
    gc();
    // ---- Country: the whole country (34 province plans), the 2026 annual period; quick: one province × 34.
    {
      const processBase = process.memoryUsage().heapUsed;
      const provinces = quick ? 1 : 34;
      log(`building the country data set (${provinces} province${provinces > 1 ? 's' : ''}, annual reports)`);
      const country = countryDataSet({ provinces, reportRounds: ['year'] });
      const jobs = jobsFor(country.reports, String(country.year));
      const factor = 34 / provinces;
      await scale('country', jobs, country.register, sampler, {
        runs: 5,
        warmups: quick ? 8 : 3,
        budgetMs: 15_000,
        budgetMB: 1024,
        factor,
        processBase,
        detail: {
          period: String(country.year),
          scope: 'whole country: 34 province plans × (100 communes + 10 departments), 60 indicators',
          ...(quick ? { quick: true, scaledFrom: { provinces, of: 34, factor } } : {}),
        },
      });
    }
  } finally {
    await sampler.stop();
  }
}

await main();
