import { z } from 'zod';
import { assignmentFor } from '../../shared/assignment';
import { tasksLedBy } from '../../shared/tasks';
import { ACTIONS } from '../../shared/lifecycle';
import { previousYearPeriod } from '../../shared/periods';
import { isObject } from '../../shared/untrusted';
import { requirePlanReader } from '../auth';
import { apiError } from '../errors';
import { parseWith } from '../http/body';
import { signedIn } from '../http/input';
import { defineRoute } from '../http/route';
import type { ApiErrorCode } from '../errors';
import { HistoryResponse, PreviousValuesResponse, ReportBody, ReportStatusResponse, ReportView, ReportWriteResponse, ReturnBody, ValidateBody, ValidationResponse } from '../schemas';
import { checkedPeriod } from '../services/lookups';
import { view, etagOf } from '../services/report-view';
import { REPORT_PATH, conditionsOf, ownReport, sendStatusChange, sendWrite } from './report-http';

const PERIOD: ApiErrorCode[] = ['bad-period', 'unknown-period'];
const REPORT: ApiErrorCode[] = ['plan-not-found', ...PERIOD, 'agency-not-found'];
const IF_MATCH: ApiErrorCode[] = ['bad-if-match', 'precondition-failed'];

/** One source of truth: a value sent here could give a verdict no stored report would get. */
function validateBody(raw: unknown): z.infer<typeof ValidateBody> {
  if (isObject(raw) && Object.hasOwn(raw, 'previous')) throw apiError('previous-not-accepted');
  return parseWith(ValidateBody, raw);
}

/** Checking entries, last year's values, and one report: read, history, save and its lifecycle. */
export const REPORT_ROUTES = [
  defineRoute({
    method: 'post',
    path: '/api/validate',
    access: 'signed in',
    summary: "Validate entries with the shared engine against last year's stored values; nothing is stored",
    body: { kind: 'json', documented: ValidateBody, read: validateBody },
    responses: { 200: { description: 'validation report', schema: ValidationResponse } },
    errors: ['invalid-body', 'json-unreadable', 'previous-not-accepted', 'duplicate-codes', 'plan-not-found', ...PERIOD],
    handler: async (ctx, { res, principal, body }) => {
      ctx.reports.refuseDuplicates(body);
      const plan = ctx.lookups.plan(body.planId);
      const period = ctx.lookups.period(plan, body.period);
      const caller = signedIn(principal);
      // An agency validates as itself (its tokens are issued with its id; '' is no agency, as for a consolidator without one).
      const agencyId = caller.role === 'agency' ? (caller.agencyId ?? '') : (body.agencyId ?? '');
      res.json(await ctx.reports.verdictOf(plan, { planId: plan.plan.id, period, agencyId }, body));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}/periods/{period}/previous',
    access: 'signed in',
    accessNote: 'agency (plans it reports on), consolidator, admin',
    summary: "Last year's citywide values every validation of the period compares with (the task pane's check uses them)",
    responses: { 200: { description: '{ planId, period, previousPeriod, values: { code: number } }', schema: PreviousValuesResponse } },
    errors: ['plan-not-found', ...PERIOD, 'plan-not-reported'],
    handler: async (ctx, { req, res, params }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      const parsed = checkedPeriod(period);
      requirePlanReader(req, (agencyId) => {
        const a = assignmentFor(plan, ctx.lookups.snapshot.register, agencyId, parsed);
        return a.indicators.length + a.documents.length + a.projects.length + tasksLedBy(plan, ctx.lookups.snapshot.register, agencyId, parsed).length > 0;
      });
      const values = await ctx.previous.of({ planId: plan.plan.id, period });
      const body: z.infer<typeof PreviousValuesResponse> = { planId: plan.plan.id, period, previousPeriod: previousYearPeriod(parsed).id, values: values as Record<string, number> };
      res.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: REPORT_PATH,
    access: ['agency', 'consolidator', 'admin'],
    accessNote: 'agency (own), consolidator, admin',
    summary: 'The latest revision, with ETag "r<revision>"',
    authorize: ownReport(false),
    responses: { 200: { description: 'report', schema: ReportView } },
    errors: [...REPORT, 'not-own-report', 'report-not-found'],
    handler: async (ctx, { res, params }) => {
      const report = await ctx.reports.current(ctx.lookups.reportKey(params).key);
      res.set('ETag', etagOf(report.revision)).json(view(report));
    },
  }),
  defineRoute({
    method: 'get',
    path: `${REPORT_PATH}/history`,
    access: ['agency', 'consolidator', 'admin'],
    accessNote: 'agency (own), consolidator, admin',
    summary: 'Every revision, oldest first',
    authorize: ownReport(false),
    responses: { 200: { description: 'revisions', schema: HistoryResponse } },
    errors: [...REPORT, 'not-own-report'],
    handler: async (ctx, { res, params }) => {
      const { key } = ctx.lookups.reportKey(params);
      // Who saved each revision, by the label of the token (the consolidator reviewing it reads names, not ids).
      const labels = new Map((await ctx.store.listTokens()).map((t) => [t.id, t.label]));
      res.json({ revisions: (await ctx.store.history(key)).map((r) => ({ ...view(r), savedByLabel: labels.get(r.savedBy) ?? null })) });
    },
  }),
  defineRoute({
    method: 'put',
    path: REPORT_PATH,
    access: ACTIONS.save.roles,
    accessNote: 'agency (own), admin',
    roleRefusal: { consolidator: 'consolidator-cannot-edit' },
    summary: 'Save a draft with its findings. If-Match "r<revision>" (or If-None-Match: * to create) is required; Idempotency-Key is honoured',
    authorize: ownReport(true),
    body: { kind: 'json', schema: ReportBody },
    headers: ['If-Match', 'If-None-Match', 'Idempotency-Key'],
    responses: { 200: { description: 'saved', schema: ReportWriteResponse }, 201: { description: 'created', schema: ReportWriteResponse } },
    errors: ['invalid-body', 'json-unreadable', ...REPORT, 'not-own-report', 'locked', ...IF_MATCH, 'precondition-required', 'bad-idempotency-key', 'idempotency-key-reused', 'duplicate-codes', 'plan-retired'],
    handler: async (ctx, { req, res, principal, params, body }) => {
      const target = ctx.lookups.reportKey(params);
      ctx.lookups.refuseRetired(target.plan);
      sendWrite(res, await ctx.reports.save(signedIn(principal), target, body, { ...conditionsOf(req), requireIfMatch: true, action: 'put' }));
    },
  }),
  defineRoute({
    method: 'post',
    path: `${REPORT_PATH}/submit`,
    access: ACTIONS.submit.roles,
    accessNote: 'agency (own), admin',
    summary: 'Mark complete; refused while errors remain; late after the deadline',
    authorize: ownReport(true),
    headers: ['If-Match'],
    responses: { 200: { description: 'submitted or late', schema: ReportStatusResponse } },
    errors: [...REPORT, 'not-own-report', 'report-not-found', 'locked', 'has-errors', ...IF_MATCH, 'plan-retired'],
    handler: async (ctx, { req, res, principal, params }) => {
      const target = ctx.lookups.reportKey(params);
      ctx.lookups.refuseRetired(target.plan);
      sendStatusChange(res, await ctx.reports.submit(signedIn(principal), target, conditionsOf(req)));
    },
  }),
  defineRoute({
    method: 'post',
    path: `${REPORT_PATH}/approve`,
    access: ACTIONS.approve.roles,
    summary: 'Approve a submitted report (it is then locked)',
    headers: ['If-Match'],
    responses: { 200: { description: 'approved', schema: ReportStatusResponse } },
    errors: [...REPORT, 'report-not-found', 'not-submitted', ...IF_MATCH],
    handler: async (ctx, { req, res, principal, params }) => sendStatusChange(res, await ctx.reports.approve(signedIn(principal), ctx.lookups.reportKey(params), conditionsOf(req))),
  }),
  defineRoute({
    method: 'post',
    path: `${REPORT_PATH}/return`,
    access: ACTIONS.return.roles,
    summary: 'Return a report with a comment (unlocks it)',
    body: { kind: 'json', schema: ReturnBody },
    headers: ['If-Match'],
    responses: { 200: { description: 'returned', schema: ReportStatusResponse } },
    errors: ['invalid-body', 'json-unreadable', ...REPORT, 'report-not-found', 'nothing-to-return', ...IF_MATCH],
    handler: async (ctx, { req, res, principal, params, body }) =>
      sendStatusChange(res, await ctx.reports.return(signedIn(principal), ctx.lookups.reportKey(params), conditionsOf(req), body.comment)),
  }),
];
