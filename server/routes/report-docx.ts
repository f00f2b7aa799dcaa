import { z } from 'zod';
import { buildReport } from '../../shared/report/build';
import { renderReportDocx } from '../docx/report-docx';
import { defineRoute } from '../http/route';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const ReportQuery = z.looseObject({ lang: z.enum(['vi', 'en']).optional(), drafts: z.enum(['0', '1']).optional() });

/** Today in Vietnam (UTC+7 all year): the day the report is dated. */
function vietnamDate(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The standing agency's written report to the city's leaders, from the same table as consolidated.xlsx. */
export const REPORT_DOCX_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/plans/{planId}/periods/{period}/report.docx',
    access: ['consolidator', 'admin'],
    summary: "The report to the city's leaders as a Word file: summary by category with the change since the previous period, the indicators facing difficulties with their lead agency's reasons, documents, projects, tasks and the appendix table; lang=vi|en, drafts=1 counts the drafts",
    query: { schema: ReportQuery },
    responses: { 200: { description: 'docx', docx: true } },
    errors: ['plan-not-found', 'bad-period', 'unknown-period', 'bad-query'],
    handler: async (ctx, { res, params, query }) => {
      const { plan, period } = ctx.lookups.planPeriod(params);
      const lang = query.lang === 'en' ? 'en' : 'vi';
      const table = await ctx.consolidation.table(plan, period, { drafts: query.drafts === '1' });
      const report = buildReport(plan, ctx.lookups.snapshot.register, table, { lang, date: vietnamDate(ctx.config.now()) });
      const file = await renderReportDocx(report);
      res.type(DOCX_TYPE).set('Content-Disposition', `attachment; filename="${report.fileName}"`).send(file);
    },
  }),
];
