import { z } from 'zod';
import { Plan } from '../../shared/schema/plan';
import { apiError } from '../errors';
import { pathParam, signedIn } from '../http/input';
import { defineRoute } from '../http/route';
import { LeadChangeBody, LeadChangeResponse, PlanAddedResponse, PlanListResponse } from '../schemas';
import type { AppContext } from '../services/context';

/** The plan file as the catalog checks it (every problem with its path), not only its zod shape. */
function checkedPlan(raw: unknown, ctx: AppContext) {
  const checked = ctx.catalog.check(raw);
  if (!checked.ok) throw apiError('invalid-plan', { details: checked.issues });
  return { raw, compiled: checked.plan };
}

/** The plans of the catalog, adding one, and moving an indicator's lead. */
export const PLAN_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/plans',
    access: 'signed in',
    summary: 'Plans in the catalog',
    responses: { 200: { description: 'list', schema: PlanListResponse } },
    handler: (ctx, { res }) => {
      const plans = [...ctx.lookups.snapshot.plans.values()].map(({ plan }) => ({
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
      }));
      res.json({ plans } satisfies z.infer<typeof PlanListResponse>);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}',
    access: 'signed in',
    summary: 'One plan file',
    responses: { 200: { description: 'plan', schema: Plan } },
    errors: ['plan-not-found'],
    handler: (ctx, { res, params }) => void res.json(ctx.lookups.plan(pathParam(params, 'planId')).plan),
  }),
  defineRoute({
    method: 'post',
    path: '/api/plans',
    access: ['admin'],
    summary: 'Add a plan file (or a higher revision of one)',
    body: { kind: 'json', documented: Plan, read: checkedPlan },
    responses: { 201: { description: 'added', schema: PlanAddedResponse } },
    errors: ['invalid-plan', 'json-unreadable', 'plan-exists'],
    handler: async (ctx, { res, principal, body }) => {
      const { id, revision } = body.compiled.plan;
      const existing = ctx.lookups.snapshot.plans.get(id);
      if (existing && existing.plan.revision >= revision) throw apiError('plan-exists', { params: { planId: id, revision: existing.plan.revision } });
      await ctx.store.addPlanFile(body.raw, ctx.audit(signedIn(principal), 'add-plan', { planId: id }, { detail: { revision } }));
      await ctx.catalog.reload();
      res.status(201).location(`/api/plans/${id}`).json({ id, revision, warnings: body.compiled.issues });
    },
  }),
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
