import type { z } from 'zod';
import type { CompiledPlan } from '../../shared/compile';
import type { Finding } from '../../shared/findings';
import { readingFindingsOf } from '../../shared/layout/inputs';
import { transition } from '../../shared/lifecycle';
import type { Refusal } from '../../shared/lifecycle';
import { periodWindow } from '../../shared/periods';
import { validateReport } from '../../shared/validate';
import type { ValidationReport } from '../../shared/validate';
import type { Principal } from '../auth';
import type { ServerConfig } from '../config';
import { apiError, errors } from '../errors';
import type { ApiError } from '../errors';
import type { ReportBody } from '../schemas';
import type { IdempotencyRecord, ReportKey, ReportRevision, ReportWrite, Store } from '../storage/types';
import type { Auditor } from './audit';
import { expectedRevision, idempotencyOf } from './conditions';
import type { WriteConditions } from './conditions';
import { checkedPeriod } from './lookups';
import type { Lookups } from './lookups';
import type { PreviousValues } from './previous-values';
import { compactValidation, diffEntries, etagOf, repeatedCodes } from './report-view';

type Body = z.infer<typeof ReportBody>;

/** What a write came to: stored (or replayed from the first try), or someone else's revision is current (412). */
export type WriteOutcome =
  | { ok: true; status: number; report: ReportRevision; replayed: boolean }
  | { ok: false; current: ReportRevision | null };

/** The API error of each refusal of the lifecycle. */
function refusalError(refusal: Refusal, current: ReportRevision | null, principal: Principal): ApiError {
  if (refusal === 'role-forbidden') return apiError('role-forbidden', { params: { role: principal.role } });
  if (refusal === 'locked' || refusal === 'report-not-found') return apiError(refusal);
  return apiError(refusal, { details: { status: current?.status } });
}

/**
 * The report lifecycle on the store: one verdict for every check, save (PUT and upload) with
 * its preconditions and idempotency, and the status changes of shared/lifecycle.ts.
 */
export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly config: ServerConfig,
    private readonly lookups: Lookups,
    private readonly previous: PreviousValues,
    private readonly audit: Auditor,
  ) {}

  /**
   * The one engine call behind the pane's check, /validate, PUT, upload and submit: the same
   * entries, the stored values of last year (also served at …/previous for the pane), the
   * register, and what reading a workbook found.
   */
  async verdictOf(plan: CompiledPlan, key: ReportKey, body: Omit<Body, 'tasks'> & { tasks?: Body['tasks'] }, reading: readonly Finding[] = []): Promise<ValidationReport> {
    const previous = await this.previous.of(key);
    return validateReport(
      plan,
      { agencyId: key.agencyId, period: key.period, entries: body.entries, documents: body.documents, projects: body.projects, tasks: body.tasks ?? [], previous, reading },
      key.agencyId ? { register: this.lookups.snapshot.register } : {},
    );
  }

  /** 422 duplicate-codes for a code sent twice. */
  refuseDuplicates(body: Body): void {
    const duplicates = repeatedCodes(body);
    if (duplicates) throw errors.duplicateCodes(duplicates);
  }

  async current(key: ReportKey): Promise<ReportRevision> {
    const report = await this.store.getReport(key);
    if (!report) throw apiError('report-not-found');
    return report;
  }

  /** The shared write path of PUT and upload: preconditions, idempotency, lock, validation, audit. */
  async save(principal: Principal, target: { key: ReportKey; plan: CompiledPlan }, body: Body, conditions: WriteConditions & { requireIfMatch: boolean; action: 'put' | 'upload'; reading?: readonly Finding[] }): Promise<WriteOutcome> {
    const { key, plan } = target;
    this.refuseDuplicates(body);
    const idem = idempotencyOf(conditions, principal.tokenId, body);
    if (idem) {
      const seen = await this.store.findIdempotency(idem.scope, idem.key);
      if (seen) return this.replay(key, seen, idem.requestHash);
    }
    const current = await this.store.getReport(key);
    const expected = expectedRevision(conditions, current, conditions.requireIfMatch);
    if (expected !== current?.revision && !(expected === 0 && !current)) return { ok: false, current };
    const step = transition(current?.status ?? null, 'save', { role: principal.role });
    if (!step.ok) throw refusalError(step.refusal, current, principal);
    const validation = await this.verdictOf(plan, key, body, conditions.reading);
    const write: ReportWrite = {
      ...key,
      planRevision: plan.plan.revision,
      status: step.to,
      entries: body.entries,
      documents: body.documents,
      projects: body.projects,
      tasks: body.tasks,
      validation: compactValidation(validation),
      late: false,
      comment: null,
      savedBy: principal.tokenId,
      action: conditions.action,
    };
    const status = current ? 200 : 201;
    const next = (current?.revision ?? 0) + 1;
    const outcome = await this.store.putReport(key, current?.revision ?? 0, write, {
      audit: this.audit(principal, conditions.action, key, { revision: next, changes: diffEntries(current, body) }),
      ...(idem ? { idempotency: { ...idem, status, body: { revision: next }, etag: etagOf(next), at: this.config.now().toISOString() } } : {}),
    });
    if (!outcome.ok) {
      // A concurrent retry of the same request may have won the race: answer as it did.
      const seen = idem ? await this.store.findIdempotency(idem.scope, idem.key) : null;
      if (idem && seen) return this.replay(key, seen, idem.requestHash);
      return { ok: false, current: outcome.current };
    }
    this.previous.periodChanged(key.planId, key.period);
    return { ok: true, status, report: outcome.report, replayed: false };
  }

  /** The same answer as the first time, rebuilt from the revision that request created. */
  private async replay(key: ReportKey, seen: IdempotencyRecord, requestHash: string): Promise<WriteOutcome> {
    if (seen.requestHash !== requestHash) throw apiError('idempotency-key-reused');
    const revision = (seen.body as { revision?: number } | null)?.revision;
    const created = (await this.store.history(key)).find((r) => r.revision === revision);
    if (!created) throw apiError('idempotency-key-reused');
    return { ok: true, status: seen.status, report: created, replayed: true };
  }

  /** Submit: refused while errors remain (422 has-errors); late after the period's deadline. */
  submit(principal: Principal, target: { key: ReportKey; plan: CompiledPlan }, conditions: WriteConditions): Promise<WriteOutcome> {
    return this.changeStatus(principal, target, conditions, 'submit', async (current) => {
      // What reading the uploaded workbook found stays with the figures it came with.
      const validation = await this.verdictOf(target.plan, target.key, current, readingFindingsOf(current.validation.findings));
      if (!validation.valid) {
        throw apiError('has-errors', { params: { errors: validation.stats.errors }, details: validation.findings.filter((f) => f.severity === 'error') });
      }
      const window = periodWindow(target.plan.plan, checkedPeriod(target.key.period));
      const afterDeadline = window ? this.config.now().toISOString().slice(0, 10) > window.deadline : false;
      return { afterDeadline, changes: { validation: compactValidation(validation), comment: null } };
    });
  }

  approve(principal: Principal, target: { key: ReportKey; plan: CompiledPlan }, conditions: WriteConditions): Promise<WriteOutcome> {
    return this.changeStatus(principal, target, conditions, 'approve', () => ({ changes: {} }));
  }

  /** Return with the consolidator's comment: it unlocks the report for the agency. */
  return(principal: Principal, target: { key: ReportKey; plan: CompiledPlan }, conditions: WriteConditions, comment: string): Promise<WriteOutcome> {
    return this.changeStatus(principal, target, conditions, 'return', () => ({ changes: { comment } }));
  }

  /**
   * A status change writes a new revision with the same figures. The lifecycle says whether
   * the action may start from the current status (before anything is computed) and where it goes.
   */
  private async changeStatus(
    principal: Principal,
    target: { key: ReportKey; plan: CompiledPlan },
    conditions: WriteConditions,
    action: 'submit' | 'approve' | 'return',
    decide: (current: ReportRevision) => Promise<StatusDecision> | StatusDecision,
  ): Promise<WriteOutcome> {
    const { key } = target;
    const current = await this.current(key);
    const expected = conditions.ifMatch ? expectedRevision(conditions, current, true) : current.revision;
    if (expected !== current.revision) return { ok: false, current };
    const allowed = transition(current.status, action, { role: principal.role });
    if (!allowed.ok) throw refusalError(allowed.refusal, current, principal);
    const decision = await decide(current);
    const step = transition(current.status, action, { role: principal.role, afterDeadline: decision.afterDeadline === true });
    if (!step.ok) throw refusalError(step.refusal, current, principal);
    const changes: Partial<ReportWrite> = { ...decision.changes, status: step.to, ...(action === 'submit' ? { late: step.late } : {}) };
    const { revision: _r, savedAt: _s, ...rest } = current;
    const outcome = await this.store.putReport(key, current.revision, { ...rest, ...changes, savedBy: principal.tokenId, action }, {
      audit: this.audit(principal, action, key, { detail: { from: current.status, to: step.to } }),
    });
    if (!outcome.ok) return { ok: false, current: outcome.current };
    this.previous.periodChanged(key.planId, key.period);
    return { ok: true, status: 200, report: outcome.report, replayed: false };
  }
}

interface StatusDecision {
  afterDeadline?: boolean;
  changes: Partial<ReportWrite>;
}
