import { consolidate, recordFromRevisions } from '../../shared/consolidate';
import type { ReportRecord } from '../../shared/consolidate';
import { parsePeriod, previousYearPeriod } from '../../shared/periods';
import type { CatalogSnapshot } from '../catalog-service';
import type { ReportKey, Store, StoreReads } from '../storage/types';
import type { Lookups } from './lookups';

/**
 * Each agency's revision that counts (recordFromRevisions): the latest unless it is a draft,
 * in which case its history says which submitted, approved or returned revision lies under it.
 */
export async function reportRecords(store: StoreReads, planId: string, period: string): Promise<ReportRecord[]> {
  const latest = await store.listReports({ planId, period });
  // The whole history only where there is one: it tells what lies under a draft and every return comment.
  const records = await Promise.all(latest.map(async (r) => recordFromRevisions(r.revision > 1 ? await store.history({ planId, period, agencyId: r.agencyId }) : [r])));
  return records.filter((r): r is ReportRecord => r !== null);
}

/**
 * Citywide values of the same period a year earlier, for change-versus-last-year targets.
 * Computed once per plan and period and kept until a report of that period (or the
 * catalog) changes: every PUT needs them, and they rarely change.
 */
export class PreviousValues {
  private readonly cache = new Map<string, { generation: number; catalog: CatalogSnapshot; values: Record<string, number | null> }>();
  private readonly generations = new Map<string, number>();
  /** Computations under way: PUTs arriving together on a cold cache share one (histories may be read from disk). */
  private readonly inFlight = new Map<string, { generation: number; catalog: CatalogSnapshot; values: Promise<Record<string, number | null>> }>();

  constructor(
    private readonly store: Store,
    private readonly lookups: Lookups,
  ) {}

  /** A report of the period was written: the values computed from it are stale. */
  periodChanged(planId: string, period: string): void {
    const key = `${planId}|${period}`;
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  /** Another process's changes may have been missed (server/storage/pg-changes.ts): nothing cached is trusted. */
  forgetAll(): void {
    this.cache.clear();
  }

  /** The values a report of key.period is compared with (those of the period a year before). */
  async of(key: Pick<ReportKey, 'planId' | 'period'>): Promise<Record<string, number | null>> {
    const snapshot = this.lookups.snapshot;
    const plan = snapshot.plans.get(key.planId);
    const period = parsePeriod(key.period);
    if (!plan || !period) return {};
    const before = previousYearPeriod(period);
    const cacheKey = `${key.planId}|${before.id}`;
    const generation = this.generations.get(cacheKey) ?? 0;
    const cached = this.cache.get(cacheKey);
    if (cached?.generation === generation && cached.catalog === snapshot) return cached.values;
    const running = this.inFlight.get(cacheKey);
    if (running?.generation === generation && running.catalog === snapshot) return running.values;
    const values = this.compute(key.planId, before.id, snapshot);
    this.inFlight.set(cacheKey, { generation, catalog: snapshot, values });
    try {
      const result = await values;
      this.cache.set(cacheKey, { generation, catalog: snapshot, values: result });
      return result;
    } finally {
      if (this.inFlight.get(cacheKey)?.values === values) this.inFlight.delete(cacheKey);
    }
  }

  private async compute(planId: string, period: string, snapshot: CatalogSnapshot): Promise<Record<string, number | null>> {
    const plan = snapshot.plans.get(planId);
    if (!plan) return {};
    const reports = await reportRecords(this.store, planId, period);
    const table = reports.length === 0 ? null : consolidate(plan, snapshot.register, { period, reports });
    return table ? Object.fromEntries(table.rows.filter((r) => r.value !== null).map((r) => [r.code, r.value])) : {};
  }
}
