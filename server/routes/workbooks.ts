import { z } from 'zod';
import type { CompiledPlan } from '../../shared/compile';
import { templateFileName } from '../../shared/layout/print';
import { agencyTemplate, previousValuesOf } from '../../shared/layout/template';
import type { PreviousValues } from '../../shared/layout/template';
import { parsePeriod, previousReportingPeriod } from '../../shared/periods';
import type { AppContext } from '../services/context';
import { requireReportAccess } from '../auth';
import { apiError } from '../errors';
import { sendWorkbook } from '../http/content';
import { pathParam, signedIn } from '../http/input';
import { XLSX_BODY, defineRoute } from '../http/route';
import { ReportWriteResponse } from '../schemas';
import { checkedPeriod } from '../services/lookups';
import { renderWorkbook } from '../xlsx/render';
import { REPORT_PATH, conditionsOf, ownReport, sendWrite } from './report-http';

const TEMPLATE_FILE = /^([a-z0-9][a-z0-9-]*)\.xlsx$/;
const TemplateQuery = z.object({
  period: z.unknown().optional().describe('The reporting period, e.g. 2025 or 2025-6M (400 bad-period without one)'),
  lang: z.unknown().optional().describe('en for English labels; Vietnamese otherwise'),
});

/** The agency of /templates/<agency id>.xlsx, or 404 template-not-found for any other file name. */
function templateAgency(file: string | undefined): string {
  const agencyId = TEMPLATE_FILE.exec(file ?? '')?.[1];
  if (!agencyId) throw apiError('template-not-found');
  return agencyId;
}

/** The agency's own values of the period before, by indicator code, for the template's "Kỳ trước" column; null without a report then. */
export async function previousValuesFor(ctx: AppContext, plan: CompiledPlan, agencyId: string, period: string): Promise<PreviousValues | null> {
  const parsed = parsePeriod(period);
  const before = parsed ? previousReportingPeriod(plan.plan, parsed) : null;
  if (!before) return null;
  const report = await ctx.store.getReport({ planId: plan.plan.id, period: before.id, agencyId });
  return report ? previousValuesOf(before.id, report.entries) : null;
}

/** The workbooks agencies fill: uploading a filled template, downloading a blank one. */
export const WORKBOOK_ROUTES = [
  defineRoute({
    method: 'post',
    path: `${REPORT_PATH}/xlsx`,
    access: ['agency', 'admin'],
    accessNote: 'agency (own), admin',
    roleRefusal: { consolidator: 'consolidator-cannot-edit' },
    summary: 'Upload a filled template; stored like a PUT',
    authorize: ownReport(true),
    body: XLSX_BODY,
    headers: ['If-Match', 'Idempotency-Key'],
    responses: { 200: { description: 'saved', schema: ReportWriteResponse }, 201: { description: 'created', schema: ReportWriteResponse } },
    errors: [
      'xlsx-required', 'plan-not-found', 'bad-period', 'unknown-period', 'agency-not-found', 'not-own-report', 'locked', 'bad-if-match', 'precondition-failed', 'bad-idempotency-key', 'idempotency-key-reused', 'duplicate-codes', 'too-large',
      'upload-too-large', 'upload-too-large-inflated', 'upload-too-many-parts', 'upload-unsafe-zip', 'upload-not-xlsx', 'upload-not-our-template', 'upload-damaged', 'upload-wrong-template', 'upload-busy', 'plan-retired',
    ],
    handler: async (ctx, { req, res, principal, params, body }) => {
      const target = ctx.lookups.reportKey(params);
      ctx.lookups.refuseRetired(target.plan);
      const reading = await ctx.uploads.read(body, target.plan, target.key);
      const figures = { entries: reading.entries, documents: reading.documents, projects: reading.projects, tasks: reading.tasks };
      sendWrite(res, await ctx.reports.save(signedIn(principal), target, figures, { ...conditionsOf(req), requireIfMatch: false, action: 'upload', reading: reading.findings }));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}/templates/{agencyId}.xlsx',
    expressPath: '/api/plans/{planId}/templates/{file}',
    access: ['agency', 'consolidator', 'admin'],
    accessNote: 'agency (own), consolidator, admin',
    summary: "The agency's template workbook",
    authorize: (req) => void requireReportAccess(req, templateAgency(String(req.params.file ?? '')), false),
    query: { schema: TemplateQuery },
    responses: { 200: { description: 'xlsx', xlsx: true } },
    errors: ['template-not-found', 'not-own-report', 'plan-not-found', 'agency-not-found', 'bad-period', 'unknown-period', 'plan-retired'],
    handler: async (ctx, { res, params, query }) => {
      const agencyId = templateAgency(params.file);
      const plan = ctx.lookups.plan(pathParam(params, 'planId'));
      ctx.lookups.refuseRetired(plan);
      const agency = ctx.lookups.agency(agencyId);
      const period = ctx.lookups.period(plan, query.period);
      const lang = query.lang === 'en' ? 'en' : 'vi';
      const fileName = templateFileName(plan.plan.number, checkedPeriod(period), lang === 'en' ? (agency.nameEn ?? agency.name) : agency.name);
      const previous = await previousValuesFor(ctx, plan, agencyId, period);
      sendWorkbook(res, await renderWorkbook(agencyTemplate(plan, ctx.lookups.snapshot.register, { agencyId, period, lang, previous })), fileName);
    },
  }),
];
