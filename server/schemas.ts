import { z } from 'zod';
import { PeriodId } from '../shared/periods';
import { DOCUMENTS_MAX, DocumentEntryInput, ENTRIES_MAX, EntryInput, PROJECTS_MAX, ProjectEntryInput } from '../shared/schema/report';

const listOf = <T extends z.ZodTypeAny>(item: T, max: number) => z.array(item).max(max).describe(`At most ${max.toLocaleString('en')} items`);
const Id = z.string().min(1).max(100).describe('1-100 characters');

/** Request bodies, checked with zod in the handlers and published in the OpenAPI document. */
export const ReportBody = z
  .object({
    entries: listOf(EntryInput, ENTRIES_MAX),
    documents: listOf(DocumentEntryInput, DOCUMENTS_MAX).default([]),
    projects: listOf(ProjectEntryInput, PROJECTS_MAX).default([]),
  })
  .strict()
  .describe("Each code at most once per report: a repeated indicator, document or project code is 422 duplicate-codes");

export const ValidateBody = z
  .object({
    planId: Id,
    period: PeriodId,
    agencyId: Id.optional(),
    entries: listOf(EntryInput, ENTRIES_MAX),
    documents: listOf(DocumentEntryInput, DOCUMENTS_MAX).default([]),
    projects: listOf(ProjectEntryInput, PROJECTS_MAX).default([]),
  })
  .strict()
  .describe("Codes at most once per report (422 duplicate-codes). Last year's values are the stored ones (GET …/periods/{period}/previous); a body field `previous` is refused with 400 previous-not-accepted");

/** GET /api/plans/{planId}/periods/{period}/previous: the values every validation of the period compares with. */
export const PreviousValuesResponse = z.object({
  planId: z.string(),
  period: z.string(),
  /** The same period a year earlier, whose citywide values these are. */
  previousPeriod: z.string(),
  /** Indicator code → citywide value; an indicator without one is absent. */
  values: z.record(z.string(), z.number()),
});

export const ReturnBody = z.object({ comment: z.string().trim().min(1).max(2_000).describe('1-2,000 characters') }).strict();
export const TokenBody = z
  .object({ role: z.enum(['agency', 'consolidator', 'admin']), agencyId: Id.optional(), label: z.string().min(1).max(200).describe('1-200 characters') })
  .strict();
export const LeadChangeBody = z.object({ agencyId: Id, from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('YYYY-MM-DD') }).strict();
/** GET …/consolidated(.xlsx): drafts=1 builds the table from the drafts on top of the submitted reports. */
export const ConsolidatedQuery = z.object({ drafts: z.enum(['0', '1']).optional() }).passthrough();

/** The consolidator's judgement of an indicator whose target is judged by hand. */
export const JudgementBody = z
  .object({
    verdict: z.enum(['met', 'withinTolerance', 'notMet']).describe('met = Đạt, withinTolerance = Cơ bản đạt, notMet = Không đạt'),
    reason: z.string().trim().min(1).max(1_000).describe('Why, in a sentence or two (1-1,000 characters): shown in the consolidated table'),
  })
  .strict();
