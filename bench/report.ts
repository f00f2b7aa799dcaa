/**
 * One JSON line per measurement: { name, value, unit, baseline, ratio, budget, withinBudget }.
 * `ratio` is baseline ÷ value when lower is better (how many times faster), value ÷ baseline
 * when higher is better; `budget` is the limit the issue sets (null when it sets none).
 * Benchmarks print; they never fail on speed.
 */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  baseline?: number | null;
  budget?: number | null;
  /** Which direction is good, for the ratio and the budget check. */
  better: 'lower' | 'higher';
  /** Extra context printed with the line (sizes, counts). */
  detail?: Record<string, unknown>;
}

export interface Line {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  budget: number | null;
  withinBudget: boolean | null;
  detail?: Record<string, unknown>;
}

export const lines: Line[] = [];

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

export function emit(m: Measurement): Line {
  const baseline = m.baseline ?? null;
  const ratio =
    baseline === null || baseline === 0 || m.value === 0 ? null : round(m.better === 'lower' ? baseline / m.value : m.value / baseline);
  const budget = m.budget ?? null;
  const withinBudget = budget === null ? null : m.better === 'lower' ? m.value <= budget : m.value >= budget;
  const line: Line = { name: m.name, value: round(m.value), unit: m.unit, baseline: baseline === null ? null : round(baseline), ratio, budget, withinBudget, ...(m.detail ? { detail: m.detail } : {}) };
  lines.push(line);
  console.log(JSON.stringify(line));
  return line;
}

/** Wall time of an async or sync function, in milliseconds. */
export async function time<T>(fn: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
