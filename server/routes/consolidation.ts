import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { consolidatedFileName } from '../../shared/layout/print';
import type { ApiErrorCode } from '../errors';
import { sendWorkbook } from '../http/content';
import { pathParam, signedIn } from '../http/input';
import { defineRoute } from '../http/route';
import { ConsolidatedQuery, ConsolidatedResponse, JudgementBody, JudgementListResponse, JudgementResponse } from '../schemas';
import { checkedPeriod } from '../services/lookups';
import { renderWorkbook } from '../xlsx/render';

const PERIOD_OF_PLAN: ApiErrorCode[] = ['plan-not-found', 'bad-period', 'unknown-period'];
const JUDGEMENTS = '/api/plans/{planId}/periods/{period}/judgements';
const drafts = { schema: ConsolidatedQuery, error: 'bad-drafts' } as const;

/** The consolidator's view: judgements of targets judged by hand, the citywide table and its workbook. */
export const CONSOLIDATION_ROUTES = [
  defineRoute({
    method: 'put',
    path: `${JUDGEMENTS}/{code}`,
    access: ['consolidator', 'admin'],
    summary: 'Judge an indicator whose target the plan marks as judged by hand (met, withinTolerance, notMet, with a reason); recorded with who and when',
    body: { kind: 'json', schema: JudgementBody },
    responses: { 200: { description: 'replaced', schema: JudgementResponse }, 201: { description: 'recorded', schema: JudgementResponse } },
    errors: ['invalid-body', 'json-unreadable', ...PERIOD_OF_PLAN, 'indicator-not-found', 'not-judged-by-hand'],
    handler: async (ctx, { res, principal, params, body }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      const code = pathParam(params, 'code');
      ctx.consolidation.refuseEngineJudged(plan, period, code);
      const { judgement, created } = await ctx.consolidation.judge(signedIn(principal), plan, period, code, body);
      res.status(created ? 201 : 200).json(judgement);
    },
  }),
  defineRoute({
    method: 'get',
    path: JUDGEMENTS,
    access: ['consolidator', 'admin'],
    summary: "The consolidator's judgements of the period",
    responses: { 200: { description: 'list', schema: JudgementListResponse } },
    errors: PERIOD_OF_PLAN,
    handler: async (ctx, { res, params }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      res.json({ judgements: await ctx.consolidation.judgements(plan.plan.id, period) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}/periods/{period}/consolidated',
    access: ['consolidator', 'admin'],
    summary: 'The citywide table, summary, documents, projects and submission status; drafts=1 counts the drafts instead of the submitted revisions',
    query: drafts,
    responses: { 200: { description: 'table', schema: ConsolidatedResponse } },
    errors: [...PERIOD_OF_PLAN, 'bad-drafts'],
    handler: async (ctx, { res, params, query }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      res.json(await ctx.consolidation.table(plan, period, { drafts: query.drafts === '1' }));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}/periods/{period}/consolidated.xlsx',
    access: ['consolidator', 'admin'],
    summary: 'The same as a workbook (values, no formulas, native charts), with the trend sheet over the earlier reports of the plan',
    query: drafts,
    responses: { 200: { description: 'xlsx', xlsx: true } },
    errors: [...PERIOD_OF_PLAN, 'bad-drafts'],
    handler: async (ctx, { res, params, query }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      const lang = query.lang === 'en' ? 'en' : 'vi';
      const table = await ctx.consolidation.table(plan, period, { drafts: query.drafts === '1' });
      const earlier = await ctx.consolidation.earlierTables(plan, period);
      const layout = consolidatedWorkbook(plan, ctx.lookups.snapshot.register, table, lang, earlier);
      sendWorkbook(res, await renderWorkbook(layout), consolidatedFileName(plan.plan.number, checkedPeriod(period)));
    },
  }),
];
