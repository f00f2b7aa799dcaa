import type { CompiledPlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import type { ConsolidatedTable, PreviousSummary } from '../../shared/consolidate';
import { periodTargetOf, targetForYear } from '../../shared/evaluate';
import { previousReportingPeriod } from '../../shared/periods';
import type { Principal } from '../auth';
import { apiError } from '../errors';
import { readConsistent, type Judgement, type Store, type StoreReads } from '../storage/types';
import type { Auditor } from './audit';
import { checkedPeriod } from './lookups';
import type { Lookups } from './lookups';
import { reportRecords } from './previous-values';
import type { PreviousValues } from './previous-values';

/** The citywide table of a period, and the consolidator's judgements of targets judged by hand. */
export class ConsolidationService {
  constructor(
    private readonly store: Store,
    private readonly lookups: Lookups,
    private readonly previous: PreviousValues,
    private readonly audit: Auditor,
    private readonly now: () => Date,
  ) {}

  async table(plan: CompiledPlan, period: string, options: { drafts: boolean } = { drafts: false }): Promise<ConsolidatedTable> {
    // The period's reports and judgements from one snapshot (PostgreSQL): never half before a write and half after.
    const { reports, judgements } = await readConsistent(this.store, async (view) => ({
      reports: await reportRecords(view, plan.plan.id, period),
      judgements: await this.judgementsOf(plan.plan.id, period, view),
    }));
    const previous = await this.previous.of({ planId: plan.plan.id, period });
    const previousSummary = await this.previousPeriodSummary(plan, period);
    return consolidate(plan, this.lookups.snapshot.register, { period, reports, previous, includeDrafts: options.drafts, previousSummary, judgements });
  }

  /** The period's judgements, each with the label of the consolidator's token, so readers see a name, not an id. */
  private async judgementsOf(planId: string, period: string, reads: StoreReads = this.store) {
    const judgements = await reads.listJudgements({ planId, period });
    if (judgements.length === 0) return {};
    const labels = new Map((await reads.listTokens()).map((t) => [t.id, t.label]));
    return Object.fromEntries(
      judgements.map((j) => {
        const byName = labels.get(j.by);
        return [j.indicator, { ...j, ...(byName ? { byName } : {}) }];
      }),
    );
  }

  /** The category counts of the previous report in the plan's calendar, on the submitted basis; null when no report counted then. */
  private async previousPeriodSummary(plan: CompiledPlan, period: string): Promise<PreviousSummary | null> {
    const before = previousReportingPeriod(plan.plan, checkedPeriod(period));
    if (!before) return null;
    const table = await this.submittedTable(plan, before.id);
    return table ? { period: table.period, categories: table.summary.categories } : null;
  }

  /**
   * The tables of the plan's reports before this one, oldest first, on the submitted basis, for
   * the trend sheet: only the periods of the plan's own calendar since its start (at most its
   * years × its report kinds), and only those in which some report counted.
   */
  async earlierTables(plan: CompiledPlan, period: string): Promise<ConsolidatedTable[]> {
    const out: ConsolidatedTable[] = [];
    for (let p = previousReportingPeriod(plan.plan, checkedPeriod(period)); p; p = previousReportingPeriod(plan.plan, p)) {
      const table = await this.submittedTable(plan, p.id);
      if (table) out.unshift(table);
    }
    return out;
  }

  /** A period's table on the submitted basis; null when no report counted in it. */
  private async submittedTable(plan: CompiledPlan, period: string): Promise<ConsolidatedTable | null> {
    const reports = await reportRecords(this.store, plan.plan.id, period);
    if (reports.length === 0) return null;
    const previous = await this.previous.of({ planId: plan.plan.id, period });
    const judgements = await this.judgementsOf(plan.plan.id, period);
    const table = consolidate(plan, this.lookups.snapshot.register, { period, reports, previous, judgements });
    return table.submissions.counted === 0 ? null : table;
  }

  judgements(planId: string, period: string): Promise<Judgement[]> {
    return this.store.listJudgements({ planId, period });
  }

  /**
   * Records the consolidator's verdict on an indicator the plan marks "judgedByHand" (422
   * not-judged-by-hand otherwise); replaces an earlier one. `created` tells 201 from 200.
   */
  async judge(principal: Principal, plan: CompiledPlan, period: string, code: string, body: { verdict: Judgement['verdict']; reason: string }): Promise<{ judgement: Judgement; created: boolean }> {
    const before = (await this.store.listJudgements({ planId: plan.plan.id, period })).find((j) => j.indicator === code) ?? null;
    const judgement: Judgement = { planId: plan.plan.id, period, indicator: code, verdict: body.verdict, reason: body.reason, by: principal.tokenId, at: this.now().toISOString() };
    await this.store.putJudgement(judgement, this.audit(principal, 'judge', { planId: plan.plan.id, period }, { changes: [{ path: `judgements.${code}`, from: before, to: judgement }] }));
    return { judgement, created: before === null };
  }

  /** 422 unless the plan marks the indicator's target of that year (or period) as judged by hand. */
  refuseEngineJudged(plan: CompiledPlan, period: string, code: string): void {
    const indicator = this.lookups.indicator(plan, code);
    const year = checkedPeriod(period).year;
    if (!targetForYear(indicator, year)?.judgedByHand && !periodTargetOf(indicator, plan.plan)?.judgedByHand) throw apiError('not-judged-by-hand', { params: { code } });
  }
}
