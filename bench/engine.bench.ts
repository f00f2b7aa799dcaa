/**
 * Validation throughput of the engine: values validated per second for the city (all reports
 * of one year, and of five years) and the country year, against a naive validator that
 * re-reads the target phrase for every value. Also compile time per plan and the latency of
 * one validateReport call for a big report.
 *
 * Not a test: prints one JSON line per measurement on stdout (progress on stderr), never fails
 * on speed. Run: npx tsx bench/engine.bench.ts [--quick]
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { emit, quick } from './report';
import { cityDataSet, countryDataSet, loadPlanJson, targetTextFor, CATALOG_PLANS } from './data';
import type { BenchReport } from './data';
import type { AgencyRegister } from '../shared/agencies/register';
import { compilePlan } from '../shared/compile';
import { readAnswer } from '../shared/entries';
import { checkOptions, checkTarget } from '../shared/evaluate';
import { readNumber } from '../shared/numbers';
import { parsePeriod } from '../shared/periods';
import { parseTarget, targetContextOf } from '../shared/targets/parse';
import { validateReport } from '../shared/validate';

const log = (...args: unknown[]) => console.error('[engine.bench]', ...args);

v8.setFlagsFromString('--expose-gc');
const gc: () => void = (() => {
  try {
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * Collect once, warm up, then time whole passes until both minimums are met. No gc() between
 * passes: a forced full GC flushes compiled code (renders after one ran 5× slower), which a
 * running server never does.
 */
function measure(fn: () => void, o: { warmupMs: number; minMs: number; minRuns: number; maxRuns: number }): Timing {
  gc();
  const warmStart = performance.now();
  do fn();
  while (performance.now() - warmStart < o.warmupMs);
  const times: number[] = [];
  let total = 0;
  while (times.length < o.maxRuns && (times.length < o.minRuns || total < o.minMs)) {
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    times.push(ms);
    total += ms;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: times.length };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const valuesOf = (reports: readonly BenchReport[]) => reports.reduce((n, r) => n + r.entries.length, 0);

let sink = 0;

function validateAll(reports: readonly BenchReport[], register: AgencyRegister): number {
  let findings = 0;
  for (const r of reports) {
    const v = validateReport(r.plan, r, { register });
    findings += v.findings.length;
  }
  sink += findings;
  return findings;
}

/**
 * The naive validator: what validation costs without a compiled plan. For every value the
 * target phrase is read again (parseTarget), the cell read (readNumber, or readAnswer for a
 * qualitative row) and the value checked (checkTarget). It does less than validateReport (no
 * findings, no assignment, no rules), so the ratio understates what compiling saves.
 */
function naiveAll(reports: readonly BenchReport[]): number {
  let met = 0;
  for (const r of reports) {
    const period = parsePeriod(r.period)!;
    for (const entry of r.entries) {
      const indicator = r.plan.indicators.get(entry.code);
      if (!indicator) continue;
      const yearTarget = targetTextFor(r.plan, indicator, period.year);
      if (!yearTarget) continue;
      const target = parseTarget(yearTarget.text, targetContextOf(indicator));
      let value: number | null = null;
      let answer = null;
      if (indicator.valueType === 'qualitative') {
        const a = readAnswer(entry.value ?? null);
        if (a.kind === 'answer') answer = a.answer;
      } else {
        const reading = readNumber(entry.value ?? null, {
          valueType: indicator.valueType,
          ...(entry.numberFormat ? { numberFormat: entry.numberFormat } : {}),
          ...(indicator.maxValue !== undefined ? { maxValue: indicator.maxValue } : {}),
        });
        if (reading.kind === 'number') value = reading.value;
        if (typeof entry.answer === 'string') {
          const a = readAnswer(entry.answer);
          if (a.kind === 'answer') answer = a.answer;
        }
      }
      const check = checkTarget(target, { value, answer, previous: r.previous?.[entry.code] ?? null }, checkOptions(r.plan.plan, indicator));
      if (check.verdict === 'met') met++;
    }
  }
  sink += met;
  return met;
}

interface Protocol { warmupMs: number; minMs: number; minRuns: number; maxRuns: number }

function throughput(
  name: string,
  reports: readonly BenchReport[],
  register: AgencyRegister,
  o: Protocol,
  extra: { budget?: number; scale?: number; detail?: Record<string, unknown>; baseline?: Protocol } = {},
): void {
  const values = valuesOf(reports);
  log(`${name}: ${reports.length} reports, ${values} values`);
  const findings = validateAll(reports, register);
  const engine = measure(() => validateAll(reports, register), o);
  log(`${name}: engine ${engine.median.toFixed(1)} ms/pass (${engine.runs} runs)`);
  const naive = measure(() => naiveAll(reports), extra.baseline ?? o);
  log(`${name}: naive ${naive.median.toFixed(1)} ms/pass (${naive.runs} runs)`);
  const scale = extra.scale ?? 1;
  const detail = {
    reports: reports.length,
    values,
    findings,
    runs: engine.runs,
    minMs: Math.round(engine.min * 10) / 10,
    maxMs: Math.round(engine.max * 10) / 10,
    baselineRuns: naive.runs,
    baseline: 'naive: parseTarget + readNumber + checkTarget per value',
    ...(scale !== 1 ? { measuredMs: Math.round(engine.median * 10) / 10, measuredBaselineMs: Math.round(naive.median * 10) / 10, scale } : {}),
    ...extra.detail,
  };
  emit({ name: `${name}.ms`, value: engine.median * scale, unit: 'ms', baseline: naive.median * scale, better: 'lower', budget: extra.budget ?? null, detail });
  emit({
    name: `${name}.valuesPerSecond`,
    value: (values / engine.median) * 1000,
    unit: 'values/s',
    baseline: (values / naive.median) * 1000,
    better: 'higher',
    detail: { values, ...(extra.detail ?? {}) },
  });
}

function latency(name: string, report: BenchReport, register: AgencyRegister, extraDetail: Record<string, unknown> = {}): void {
  gc();
  for (let i = 0; i < 200; i++) validateReport(report.plan, report, { register });
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const v = validateReport(report.plan, report, { register });
    times.push((performance.now() - t0) * 1000);
    sink += v.findings.length;
  }
  times.sort((a, b) => a - b);
  const detail = { agencyId: report.agencyId, plan: report.plan.plan.id, period: report.period, values: report.entries.length, runs: 200, ...extraDetail };
  emit({ name: `${name}.p50`, value: percentile(times, 50), unit: 'µs', better: 'lower', detail });
  emit({ name: `${name}.p99`, value: percentile(times, 99), unit: 'µs', better: 'lower', detail });
}

const largest = (reports: readonly BenchReport[]) => reports.reduce((a, b) => (b.entries.length > a.entries.length ? b : a));

async function main(): Promise<void> {
  // ---- City: both Hà Nội plans, five years each; "one year" is calendar 2025, the year of the reorganisation.
  log('building the city data set');
  const city = cityDataSet({ years: 5 });
  log('city', JSON.stringify(city.counts));

  for (const id of CATALOG_PLANS) {
    const json = loadPlanJson(id);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      compilePlan(json);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const plan = city.plans.find((p) => p.plan.id === id)!;
    emit({
      name: `engine.compile.${id}`,
      value: times[3]!,
      unit: 'ms',
      better: 'lower',
      detail: { indicators: plan.plan.indicators.length, targets: plan.plan.indicators.reduce((n, i) => n + Object.keys(i.targets).length, 0), firstCompileMs: Math.round(city.compileMs[id]! * 10) / 10, runs: 7 },
    });
  }

  const cityYear = city.reports.filter((r) => r.period.startsWith('2025'));
  const small = { warmupMs: quick ? 200 : 500, minMs: quick ? 500 : 2000, minRuns: 5, maxRuns: 1000 };
  throughput('engine.validate.city.year', cityYear, city.register, small, { detail: { year: 2025, plans: city.plans.map((p) => p.plan.id), ...(quick ? { quick: true } : {}) } });
  throughput('engine.validate.city.fiveYears', city.reports, city.register, small, { detail: { years: city.years, ...(quick ? { quick: true } : {}) } });
  latency('engine.validateReport.city.largest', largest(city.reports), city.register, quick ? { quick: true } : {});

  // ---- Country: 34 provinces × 100 communes × 60 indicators, 3M/6M/9M/annual rounds. The quick
  // run measures the same data the same way (one province scaled × 34 would validate against a
  // register and a set of plans 34 times smaller); it only times the naive baseline once.
  const provinces = 34;
  log(`building the country data set (${provinces} provinces)`);
  const t0 = performance.now();
  const country = countryDataSet({ provinces });
  log(`country built in ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(country.counts));
  const quickDetail = quick ? { quick: true } : {};

  const compileTimes = Object.values(country.compileMs);
  const compileTotal = compileTimes.reduce((a, b) => a + b, 0);
  emit({
    name: 'engine.compile.country',
    value: compileTotal,
    unit: 'ms',
    better: 'lower',
    detail: { plans: compileTimes.length, indicatorsPerPlan: country.counts.indicators, meanPerPlanMs: Math.round((compileTotal / compileTimes.length) * 10) / 10, firstPlanMs: Math.round(compileTimes[0]! * 10) / 10, ...quickDetail },
  });

  throughput(
    'engine.validate.country.year',
    country.reports,
    country.register,
    { warmupMs: 0, minMs: 0, minRuns: 3, maxRuns: 3 },
    {
      budget: 1000,
      ...(quick ? { baseline: { warmupMs: 0, minMs: 0, minRuns: 1, maxRuns: 1 } } : {}),
      detail: {
        year: country.year,
        periods: country.periods,
        communeValues: country.counts.communeValues,
        departmentValues: country.counts.departmentValues,
        countryValues: country.counts.communeValues + country.counts.departmentValues,
        ...quickDetail,
      },
    },
  );
  latency('engine.validateReport.country.largest', largest(country.reports), country.register, quickDetail);
  log('done', sink > 0 ? '' : '(no work?)');
}

await main();
