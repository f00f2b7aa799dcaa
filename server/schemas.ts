import { z } from 'zod';
import { PeriodId } from '../shared/periods';
import { DocumentEntryInput, EntryInput, ProjectEntryInput } from '../shared/schema/report';

/** Request bodies, checked with zod in the handlers and published in the OpenAPI document. */
export const ReportBody = z
  .object({
    entries: z.array(EntryInput).max(5_000),
    documents: z.array(DocumentEntryInput).max(2_000).default([]),
    projects: z.array(ProjectEntryInput).max(2_000).default([]),
  })
  .strict();

export const ValidateBody = z
  .object({
    planId: z.string().min(1).max(100),
    period: PeriodId,
    agencyId: z.string().min(1).max(100).optional(),
    entries: z.array(EntryInput).max(5_000),
    documents: z.array(DocumentEntryInput).max(2_000).default([]),
    projects: z.array(ProjectEntryInput).max(2_000).default([]),
  })
  .strict()
  .describe("Last year's values are the stored ones (GET …/periods/{period}/previous); a body field `previous` is refused with 400 previous-not-accepted");

/** GET /api/plans/{planId}/periods/{period}/previous: the values every validation of the period compares with. */
export const PreviousValuesResponse = z.object({
  planId: z.string(),
  period: z.string(),
  /** The same period a year earlier, whose citywide values these are. */
  previousPeriod: z.string(),
  /** Indicator code → citywide value; an indicator without one is absent. */
  values: z.record(z.string(), z.number()),
});

export const ReturnBody = z.object({ comment: z.string().trim().min(1).max(2_000) }).strict();
export const TokenBody = z
  .object({ role: z.enum(['agency', 'consolidator', 'admin']), agencyId: z.string().min(1).max(100).optional(), label: z.string().min(1).max(200) })
  .strict();
export const LeadChangeBody = z.object({ agencyId: z.string().min(1).max(100), from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict();
/** GET …/consolidated(.xlsx): drafts=1 builds the table from the drafts on top of the submitted reports. */
export const ConsolidatedQuery = z.object({ drafts: z.enum(['0', '1']).optional() }).passthrough();

/** The consolidator's judgement of an indicator whose target is judged by hand. */
export const JudgementBody = z
  .object({
    verdict: z.enum(['met', 'withinTolerance', 'notMet']).describe('met = Đạt, withinTolerance = Cơ bản đạt, notMet = Không đạt'),
    reason: z.string().trim().min(1).max(1_000).describe('Why, in a sentence or two: shown in the consolidated table'),
  })
  .strict();
