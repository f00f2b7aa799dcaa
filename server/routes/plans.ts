import type { z } from 'zod';
import type { CompiledPlan } from '../../shared/compile';
import type { PlanCheck } from '../../shared/plan-check';
import { Plan } from '../../shared/schema/plan';
import { apiError } from '../errors';
import { pathParam, signedIn } from '../http/input';
import { defineRoute } from '../http/route';
import { PlanCheckResponse, PlanListQuery, RetireBody, RetirementResponse } from '../plan-schemas';
import type { PlanStatus } from '../plan-status';
import { LeadChangeBody, LeadChangeResponse, PlanAddedResponse, PlanListResponse } from '../schemas';
import type { AppContext } from '../services/context';
import type { PlanRetirement } from '../storage/types';

/** What POST /api/plans/check answers: the check without the compiled plan. */
function checkAnswer(check: PlanCheck): z.infer<typeof PlanCheckResponse> {
  return { ok: check.ok, problems: check.problems, targets: check.targets };
}

/**
 * The plan file as POST /api/plans adds it: the same check as POST /api/plans/check, one
 * verdict. Refused with every problem (400 invalid-plan, details = the check's problems), or
 * 409 plan-exists when the only error is a revision the catalog already has.
 */
function checkedPlan(raw: unknown, ctx: AppContext): { raw: unknown; check: PlanCheck & { compiled: CompiledPlan } } {
  const check = ctx.catalog.check(raw);
  if (check.compiled) return { raw, check: { ...check, compiled: check.compiled } };
  const errors = check.problems.filter((p) => p.severity === 'error');
  const exists = errors.find((p) => p.code === 'revision-exists');
  if (exists && errors.length === 1) throw apiError('plan-exists', { params: { planId: exists.params.planId, revision: exists.params.revision } });
  throw apiError('invalid-plan', { details: check.problems });
}

function retirementView(r: PlanRetirement | null) {
  return r ? { revision: r.revision, reason: r.reason, by: r.by, at: r.at } : null;
}

/** The plan's status, or 404 for a plan the catalog does not have; a revision named must be one of its own. */
function statusOf(ctx: AppContext, planId: string, revision: number | undefined): PlanStatus {
  const plan = ctx.lookups.plan(planId);
  const status = ctx.lookups.snapshot.status.get(plan.plan.id);
  if (!status) throw apiError('plan-not-found', { params: { planId } });
  if (revision !== undefined && !status.revisions.includes(revision)) throw apiError('plan-revision-not-found', { params: { planId, revision } });
  return status;
}

/** Retires or restores a plan (or one revision of it), audited; answers the record and the revision now in force. */
function retirementRoute(retired: boolean) {
  const verb = retired ? 'retire' : 'restore';
  return defineRoute({
    method: 'post',
    path: `/api/plans/{planId}/${verb}`,
    access: ['admin'],
    summary: retired
      ? 'Retire a plan (or one revision): it takes no new reports; its reports, history and consolidation stay readable'
      : 'Restore a retired plan (or revision)',
    body: { kind: 'json', schema: RetireBody },
    responses: { 201: { description: retired ? 'retired' : 'restored', schema: RetirementResponse } },
    errors: ['plan-not-found', 'plan-revision-not-found', retired ? 'plan-retired' : 'plan-not-retired', 'invalid-body', 'json-unreadable'],
    handler: async (ctx, { res, principal, params, body }) => {
      const planId = pathParam(params, 'planId');
      const revision = body.revision ?? null;
      const status = statusOf(ctx, planId, body.revision);
      const current = status.retired.get(revision);
      if (retired && current) throw apiError('plan-retired', { params: { planId, reason: current.reason } });
      if (!retired && !current) throw apiError('plan-not-retired', { params: { planId, revision: revision ?? '*' } });
      const caller = signedIn(principal);
      const record: PlanRetirement = { planId, revision, retired, reason: body.reason, by: caller.tokenId, at: ctx.config.now().toISOString() };
      await ctx.store.addPlanRetirement(record, ctx.audit(caller, `${verb}-plan`, { planId }, { detail: record }));
      await ctx.catalog.reload();
      const after = ctx.lookups.snapshot.status.get(planId);
      const inForce = after && !after.retirement ? (ctx.lookups.snapshot.plans.get(planId)?.plan.revision ?? null) : null;
      res.status(201).json({ ...record, inForce } satisfies z.infer<typeof RetirementResponse>);
    },
  });
}

/** The plans of the catalog: listing, checking and adding one, retiring one, and moving an indicator's lead. */
export const PLAN_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/plans',
    access: 'signed in',
    summary: 'Plans in the catalog that take reports (?retired=1: the retired ones too, with why)',
    query: { schema: PlanListQuery },
    responses: { 200: { description: 'list', schema: PlanListResponse } },
    handler: (ctx, { res, query }) => {
      const { plans: inForce, status } = ctx.lookups.snapshot;
      const plans = [...inForce.values()]
        .map(({ plan }) => ({ plan, retired: status.get(plan.id)?.retirement ?? null }))
        .filter(({ retired }) => query.retired === '1' || !retired)
        .map(({ plan, retired }) => ({
          id: plan.id,
          title: plan.title,
          number: plan.number,
          city: plan.city,
          program: plan.program,
          startYear: plan.startYear,
          endYear: plan.endYear,
          revision: plan.revision,
          indicators: plan.indicators.length,
          periods: plan.reporting.periods.map((p) => p.kind),
          retired: retirementView(retired),
        }));
      res.json({ plans } satisfies z.infer<typeof PlanListResponse>);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}',
    access: 'signed in',
    summary: 'One plan file (the revision in force)',
    responses: { 200: { description: 'plan', schema: Plan } },
    errors: ['plan-not-found'],
    handler: (ctx, { res, params }) => void res.json(ctx.lookups.plan(pathParam(params, 'planId')).plan),
  }),
  defineRoute({
    method: 'post',
    path: '/api/plans/check',
    access: ['admin'],
    summary: 'Check a plan file without adding it: every problem at once, with paths by code, and how each target was read; nothing is stored',
    body: { kind: 'json', documented: Plan, read: (raw) => raw },
    responses: { 200: { description: 'the check', schema: PlanCheckResponse } },
    errors: ['json-unreadable'],
    handler: (ctx, { res, body }) => void res.json(checkAnswer(ctx.catalog.check(body))),
  }),
  defineRoute({
    method: 'post',
    path: '/api/plans',
    access: ['admin'],
    summary: 'Add a plan file (or a higher revision of one); refused with the problems POST /api/plans/check lists',
    body: { kind: 'json', documented: Plan, read: checkedPlan },
    responses: { 201: { description: 'added', schema: PlanAddedResponse } },
    errors: ['invalid-plan', 'json-unreadable', 'plan-exists'],
    handler: async (ctx, { res, principal, body }) => {
      const { id, revision } = body.check.compiled.plan;
      await ctx.store.addPlanFile(body.raw, ctx.audit(signedIn(principal), 'add-plan', { planId: id }, { detail: { revision } }));
      await ctx.catalog.reload();
      res.status(201).location(`/api/plans/${id}`).json({ id, revision, warnings: body.check.problems });
    },
  }),
  retirementRoute(true),
  retirementRoute(false),
  defineRoute({
    method: 'post',
    path: '/api/plans/{planId}/indicators/{code}/lead',
    access: ['admin'],
    summary: "Move an indicator's lead to another agency from a date",
    body: { kind: 'json', schema: LeadChangeBody },
    responses: { 201: { description: 'recorded', schema: LeadChangeResponse } },
    errors: ['plan-not-found', 'indicator-not-found', 'agency-not-found', 'invalid-body', 'json-unreadable'],
    handler: async (ctx, { res, principal, params, body }) => {
      const plan = ctx.lookups.plan(pathParam(params, 'planId'));
      const indicator = ctx.lookups.indicator(plan, pathParam(params, 'code'));
      ctx.lookups.agency(body.agencyId);
      const caller = signedIn(principal);
      const change = { planId: plan.plan.id, indicator: indicator.code, agencyId: body.agencyId, from: body.from, by: caller.tokenId, at: ctx.config.now().toISOString() };
      await ctx.store.addLeadChange(change, ctx.audit(caller, 'reassign-lead', { planId: plan.plan.id }, { detail: change }));
      await ctx.catalog.reload();
      res.status(201).json(change);
    },
  }),
];
