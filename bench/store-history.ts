import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { newToken } from '../server/auth';
import { auditBody } from '../server/storage/audit-log';
import { openLowdbStore } from '../server/storage/lowdb-store';
import { openPgStore } from '../server/storage/pg-store';
import { ReportRevision } from '../server/storage/types';
import type { AuditEntry, ReportKey, ReportWrite, Store, TokenRecord } from '../server/storage/types';
import type { AgencyRegister } from '../shared/agencies/register';
import { assignmentFor } from '../shared/assignment';
import { parsePeriod } from '../shared/periods';
import type { Agency } from '../shared/schema/agency';
import { validateReport } from '../shared/validate';
import type { BenchReport, CityDataSet, CountryDataSet } from './data';
import { cityExtraAgencies } from './data';

/**
 * The histories bench/stores.bench.ts loads into each store before the PUT load: a data set's
 * reports, three revisions each (draft, submitted, approved, with the validation the server
 * would store and an audit row per revision), the agencies and plan files the server needs to
 * accept them, and 50 agency tokens. The 50 load agencies' own reports of the load period are
 * left out: the load writes them.
 *
 * Loading goes through the store's API (putReport, concurrently, so that the embedded store
 * groups them into few flushes), except PostgreSQL's report rows, which are written in bulk
 * (multi-row INSERTs of the rows the store writes, in batches) and then read back through
 * the store: one transaction per revision would take minutes at country size.
 */
export interface LoadTarget {
  agencyId: string;
  token: string;
  path: string;
  /** The report body the client PUTs (JSON). */
  body: string;
}

export interface History {
  label: string;
  register: AgencyRegister;
  agencies: Agency[];
  planFiles: unknown[];
  reports: BenchReport[];
  tokens: TokenRecord[];
  targets: LoadTarget[];
  revisions: number;
  values: number;
}

const CLIENTS = 50;
const CITY_LOAD_PLAN = 'hn-kh207-2021';
const CITY_LOAD_PERIOD = '2025';
const STEPS: Array<Pick<ReportWrite, 'status' | 'action'> & { by: string }> = [
  { status: 'draft', action: 'put', by: 'tok_bench_agency' },
  { status: 'submitted', action: 'submit', by: 'tok_bench_agency' },
  { status: 'approved', action: 'approve', by: 'tok_bench_consolidator' },
];

const bodyOf = (r: BenchReport) => JSON.stringify({ entries: r.entries, documents: r.documents, projects: r.projects });
const keyOf = (r: BenchReport): ReportKey => ({ planId: r.plan.plan.id, period: r.period, agencyId: r.agencyId });
const keyText = (k: ReportKey) => `${k.planId}|${k.period}|${k.agencyId}`;

function history(label: string, register: AgencyRegister, agencies: Agency[], planFiles: unknown[], all: BenchReport[], loads: BenchReport[]): History {
  if (loads.length < CLIENTS) throw new Error(`${label}: only ${loads.length} load reports`);
  const loadKeys = new Set(loads.map((r) => keyText(keyOf(r))));
  const reports = all.filter((r) => !loadKeys.has(keyText(keyOf(r))));
  const now = new Date();
  const tokens: TokenRecord[] = [];
  const targets = loads.map((r) => {
    const { secret, record } = newToken('agency', r.agencyId, register.get(r.agencyId)?.name ?? r.agencyId, now);
    tokens.push(record);
    return { agencyId: r.agencyId, token: secret, path: `/api/plans/${r.plan.plan.id}/periods/${r.period}/reports/${r.agencyId}`, body: bodyOf(r) };
  });
  const values = reports.reduce((n, r) => n + r.entries.length, 0);
  return { label, register, agencies, planFiles, reports, tokens, targets, revisions: reports.length * STEPS.length, values };
}

/** The city: its 50 load agencies fill in plan 207's 2025 annual report (departments first, then communes); `loadSet` holds those reports. */
export function cityHistory(label: string, data: CityDataSet, loadSet: CityDataSet): History {
  const plan = data.plans.find((p) => p.plan.id === CITY_LOAD_PLAN);
  const period = parsePeriod(CITY_LOAD_PERIOD);
  if (!plan || !period) throw new Error(`no plan ${CITY_LOAD_PLAN}`);
  const chosen = data.register.agencies
    .filter((a) => a.kind !== 'group')
    .sort((a, b) => Number(a.kind === 'commune') - Number(b.kind === 'commune'))
    .filter((a) => assignmentFor(plan, data.register, a.id, period).indicators.length > 0)
    .slice(0, CLIENTS)
    .map((a) => a.id);
  const byAgency = new Map(loadSet.reports.filter((r) => r.plan.plan.id === CITY_LOAD_PLAN && r.period === CITY_LOAD_PERIOD).map((r) => [r.agencyId, r] as const));
  const loads = chosen.flatMap((id) => byAgency.get(id) ?? []);
  return history(label, data.register, cityExtraAgencies().agencies as unknown as Agency[], [], data.reports, loads);
}

/** The country: 50 communes spread over the provinces fill in the annual report. */
export function countryHistory(label: string, data: CountryDataSet): History {
  const annual = String(data.year);
  const byAgency = new Map(data.reports.filter((r) => r.period === annual).map((r) => [r.agencyId, r] as const));
  const loads: BenchReport[] = [];
  for (let k = 0; loads.length < CLIENTS && k < CLIENTS * data.provinces.length; k++) {
    const province = data.provinces[k % data.provinces.length];
    const commune = province?.communes[Math.floor(k / data.provinces.length)];
    const report = commune === undefined ? undefined : byAgency.get(commune);
    if (report) loads.push(report);
  }
  return history(label, data.register, [...data.register.agencies], data.provinces.map((p) => p.planJson), data.reports, loads);
}

interface Revision {
  key: ReportKey;
  step: number;
  write: ReportWrite;
  audit: AuditEntry;
}

/** Per report, its three revisions with the validation the server would have stored. */
function* revisions(h: History): Generator<Revision[]> {
  for (const r of h.reports) {
    const key = keyOf(r);
    const body = { entries: r.entries, documents: r.documents, projects: r.projects };
    const v = validateReport(r.plan, { agencyId: r.agencyId, period: r.period, ...body, ...(r.previous ? { previous: r.previous } : {}) }, { register: h.register });
    const validation = { valid: v.valid, stats: { ...v.stats }, findings: v.findings as unknown as Array<Record<string, unknown>> };
    const at = new Date().toISOString();
    yield STEPS.map((s, i) => ({
      key,
      step: i,
      write: { ...key, planRevision: r.plan.plan.revision, status: s.status, action: s.action, ...body, validation, late: false, comment: null, savedBy: s.by },
      audit: { at, actor: s.by, action: s.action, ...key, revision: i + 1 },
    }));
  }
}

async function catalogAndTokens(store: Store, h: History): Promise<void> {
  const audit = (action: string): AuditEntry => ({ at: new Date().toISOString(), actor: 'bench', action });
  await store.upsertAgencies(h.agencies, audit('import-agencies'));
  for (const file of h.planFiles) await store.addPlanFile(file, audit('add-plan'));
  await Promise.all(h.tokens.map((t) => store.addToken(t, audit('issue-token'))));
}

/** A fresh DATA_DIR for the embedded store, loaded through putReport (concurrently: few group flushes). */
export async function loadEmbedded(h: History): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), `asr-bench-stores-${h.label}-`));
  const store = await openLowdbStore({ dataDir: dir, backups: 0 });
  await catalogAndTokens(store, h);
  const chains: Array<Promise<void>> = [];
  for (const revs of revisions(h)) {
    chains.push(
      (async () => {
        for (const r of revs) {
          const outcome = await store.putReport(r.key, r.step, r.write, { audit: r.audit });
          if (!outcome.ok) throw new Error(`history: conflict on ${keyText(r.key)}`);
        }
      })(),
    );
  }
  await Promise.all(chains);
  await store.close();
  return dir;
}

const BATCH_REPORTS = 200;

/** PostgreSQL at `url` (an empty database): migrations and catalog through the store, report rows in bulk, then read back. */
export async function loadPostgres(h: History, url: string): Promise<void> {
  const store = await openPgStore({ url, log: () => {} });
  try {
    await catalogAndTokens(store, h);
    const savedAt = new Date().toISOString();
    let batch: Revision[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await insertBatch(store.pool, batch, savedAt);
      batch = [];
    };
    for (const revs of revisions(h)) {
      batch.push(revs);
      if (batch.length >= BATCH_REPORTS) await flush();
    }
    await flush();
    // Read back through the store: the rows are what it reads.
    const sample = h.reports[0];
    if (sample) {
      const read = await store.getReport(keyOf(sample));
      if (read?.revision !== STEPS.length) throw new Error(`history: ${keyText(keyOf(sample))} reads back as ${JSON.stringify(read?.revision)}`);
    }
    const heads = await store.pool.query<{ n: string }>('SELECT count(*) AS n FROM report_heads');
    if (Number(heads.rows[0]?.n) !== h.reports.length) throw new Error(`history: ${heads.rows[0]?.n} report heads, expected ${h.reports.length}`);
  } finally {
    await store.close();
  }
}

async function insertBatch(pool: pg.Pool, batch: Revision[][], savedAt: string): Promise<void> {
  const revs = batch.flat();
  const col = <T>(f: (r: Revision) => T) => revs.map(f);
  const bodies = revs.map((r) => JSON.stringify(ReportRevision.parse({ ...r.write, revision: r.step + 1, savedAt })));
  const audits = revs.map((r) => auditBody(r.audit));
  const heads = batch.map((revsOfReport) => revsOfReport[revsOfReport.length - 1]).filter((r): r is Revision => r !== undefined);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO report_revisions (plan_id, period, agency_id, revision, saved_at, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::json[])`,
      [col((r) => r.key.planId), col((r) => r.key.period), col((r) => r.key.agencyId), col((r) => r.step + 1), col(() => savedAt), bodies],
    );
    await client.query(
      `INSERT INTO report_heads (plan_id, period, agency_id, revision)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
      [heads.map((r) => r.key.planId), heads.map((r) => r.key.period), heads.map((r) => r.key.agencyId), heads.map((r) => r.step + 1)],
    );
    await client.query(
      `INSERT INTO audit (at, actor, action, plan_id, period, agency_id, revision, entry)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::json[])`,
      [col((r) => r.audit.at), col((r) => r.audit.actor), col((r) => r.audit.action), col((r) => r.key.planId), col((r) => r.key.period), col((r) => r.key.agencyId), col((r) => r.step + 1), audits],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
