/**
 * Prints how long validating 100,000 values takes, two ways:
 * - "own rows": each report holds the rows its agency is assigned, one cell in ten a
 *   typo, a formula or an ambiguous number (the everyday case);
 * - "mixed rows": 4,000 reports × the same 25 entries whatever the agency, so most rows
 *   are unassigned or missing and there is more than one finding per value (worst case).
 * Not a test: prints JSON lines. Run: npx tsx bench/validate-100k.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../shared/agencies/register';
import { compilePlan } from '../shared/compile';
import { renderTarget } from '../shared/targets/render';
import { validateReport } from '../shared/validate';
import { assignmentFor } from '../shared/assignment';
import { parsePeriod } from '../shared/periods';
import type { EntryInput } from '../shared/schema/report';

const root = fileURLToPath(new URL('..', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${root}${p}`, 'utf8'));
const t0 = performance.now();
const plan = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const compileMs = performance.now() - t0;
const register = createRegister(load('shared/agencies/hanoi.json'));

const codes = plan.order.filter((c) => c !== '3').slice(0, 25);
const periods = ['2023', '2023-9M', '2025'];
const agencies = ['hn-syt', 'hn-sldtbxh', 'hn-bhxh', 'hn-q-ba-dinh', 'hn-sgddt', 'hn-snv'];
const noise: EntryInput['value'][] = ['abc', '=SUM(A1)', '1.036', '-5', '101%'];
const valueFor = (code: string, year: number): EntryInput => {
  const i = plan.indicators.get(code)!;
  const t = i.targets[String(year)]?.target;
  if (i.valueType === 'qualitative' || t?.kind === 'qualitative') return { code, value: i.valueType === 'qualitative' ? 'Đạt' : '0,5', answer: 'Đạt' };
  const v = t && 'value' in t ? t.value : t && t.kind === 'range' ? t.max : 1;
  return { code, value: String(v).replace('.', ',') };
};

interface PreparedReport {
  agencyId: string;
  period: string;
  entries: EntryInput[];
}

/** Builds the reports before the clock starts, so only validation is timed. */
function ownRowReports(): PreparedReport[] {
  const reporting = ['hn-syt', 'hn-sldtbxh', 'hn-bhxh', 'hn-sgddt', 'hn-sgtvt', ...register.expand('hn-g-districts', '2023-06-14')];
  const own = new Map<string, string[]>();
  for (const agencyId of reporting) for (const period of periods) own.set(`${agencyId}|${period}`, assignmentFor(plan, register, agencyId, parsePeriod(period)!).indicators.map((r) => r.code));
  const out: PreparedReport[] = [];
  let values = 0;
  for (let i = 0; values < 100_000; i++) {
    const agencyId = reporting[i % reporting.length]!;
    const period = periods[Math.floor(i / reporting.length) % periods.length]!;
    const year = Number(period.slice(0, 4));
    const entries = own.get(`${agencyId}|${period}`)!.map((code, k) => {
      const e = valueFor(code, year);
      const noisy = (i + k) % 10 === 0 ? { value: noise[(i + k) % noise.length] } : {};
      const contributor = plan.indicators.get(code)!.aggregation.kind === 'weightedMean' ? { denominator: '25' } : {};
      return { ...e, ...noisy, ...contributor, note: (i + k) % 5 === 0 ? 'Ghi chú' : '' };
    });
    values += entries.length;
    out.push({ agencyId, period, entries });
  }
  return out;
}

function mixedRowReports(): PreparedReport[] {
  return Array.from({ length: 4_000 }, (_, i) => {
    const period = periods[i % periods.length]!;
    const year = Number(period.slice(0, 4));
    const entries = codes.map((code, k) => {
      const e = valueFor(code, year);
      return { ...e, ...((i + k) % 10 === 0 ? { value: noise[(i + k) % noise.length] } : {}), note: (i + k) % 5 === 0 ? 'Ghi chú' : '' };
    });
    return { agencyId: agencies[i % agencies.length]!, period, entries };
  });
}

function time(name: string, reports: PreparedReport[]): void {
  let values = 0;
  let findings = 0;
  const start = performance.now();
  for (const report of reports) {
    const r = validateReport(plan, { ...report, previous: { '17': 5 } }, { register });
    values += r.results.length;
    findings += r.findings.length;
  }
  const ms = performance.now() - start;
  console.log(JSON.stringify({ name, value: Math.round(ms), unit: 'ms', reports: reports.length, values, findings, valuesPerSecond: Math.round((values / ms) * 1000) }));
}

console.log(JSON.stringify({ name: 'compile.plan207', value: Number(compileMs.toFixed(1)), unit: 'ms' }));
const own = ownRowReports();
const mixed = mixedRowReports();
time('validate.ownRows.warmup', own);
time('validate.ownRows.100k', own);
time('validate.mixedRows.warmup', mixed);
time('validate.mixedRows.100k', mixed);
void renderTarget;
