import { z } from 'zod';
import { PeriodId } from '../shared/periods';
import { SUBMISSION_STATUSES } from '../shared/lifecycle';
import { Agency } from '../shared/schema/agency';
import { Severity } from '../shared/schema/enums';
import { Judgement, LeadChange, ReportRevision, TokenRecord } from './storage/types';
import { DOCUMENTS_MAX, DocumentEntryInput, ENTRIES_MAX, EntryInput, PROJECTS_MAX, ProjectEntryInput, TASKS_MAX, TaskEntryInput } from '../shared/schema/report';

const listOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max).describe(`At most ${max.toLocaleString('en')} items`);
const Id = z.string().min(1).max(100).describe('1-100 characters');

/** Request bodies, checked with zod in the handlers and published in the OpenAPI document. */
export const ReportBody = z
  .object({
    entries: listOf(EntryInput, ENTRIES_MAX),
    documents: listOf(DocumentEntryInput, DOCUMENTS_MAX).default([]),
    projects: listOf(ProjectEntryInput, PROJECTS_MAX).default([]),
    tasks: listOf(TaskEntryInput, TASKS_MAX).default([]).describe('Task entries (plans written as tasks): status, account, evidence, note'),
  })
  .strict()
  .describe("Each code at most once per report: a repeated indicator, document, project or task code is 422 duplicate-codes");

export const ValidateBody = z
  .object({
    planId: Id,
    period: PeriodId,
    agencyId: Id.optional(),
    entries: listOf(EntryInput, ENTRIES_MAX),
    documents: listOf(DocumentEntryInput, DOCUMENTS_MAX).default([]),
    projects: listOf(ProjectEntryInput, PROJECTS_MAX).default([]),
    tasks: listOf(TaskEntryInput, TASKS_MAX).default([]),
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
export const ConsolidatedQuery = z.looseObject({ drafts: z.enum(['0', '1']).optional() });

/** The consolidator's judgement of an indicator whose target is judged by hand. */
export const JudgementBody = z
  .object({
    verdict: z.enum(['met', 'withinTolerance', 'notMet']).describe('met = Đạt, withinTolerance = Cơ bản đạt, notMet = Không đạt'),
    reason: z.string().trim().min(1).max(1_000).describe('Why, in a sentence or two (1-1,000 characters): shown in the consolidated table'),
  })
  .strict();

// ---- Answers (published in the OpenAPI document; the handlers' types match them) -------------

const TextSchema = z.object({ vi: z.string(), en: z.string() });
/** A finding of the engine or of a reader: code, severity, field, message and hint in vi/en. */
export const FindingResponse = z
  .object({ code: z.string(), severity: Severity, field: z.string(), indicator: z.string().optional(), message: TextSchema, hint: TextSchema, details: z.record(z.string(), z.unknown()).optional() })
  .loose();

export const HealthResponse = z.object({
  status: z.enum(['ok', 'failed']),
  store: z.object({ ok: z.boolean() }).loose(),
  plans: z.number().int(),
  agencies: z.number().int(),
});
export const JsonDocument = z.record(z.string(), z.unknown()).describe('A JSON document');

export const MeResponse = z.object({
  tokenId: z.string(),
  role: TokenRecord.shape.role,
  agencyId: z.string().nullable(),
  agencyName: z.string().nullable(),
  label: z.string(),
});

export const PlanListResponse = z.object({
  plans: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      number: z.string(),
      city: z.string(),
      program: z.string(),
      startYear: z.number().int(),
      endYear: z.number().int(),
      revision: z.number().int(),
      indicators: z.number().int().describe('How many indicators the plan has'),
      periods: z.array(z.string()).describe('The kinds of reporting period'),
      retired: z
        .object({ revision: z.number().int().nullable(), reason: z.string(), by: z.string(), at: z.string() })
        .nullable()
        .describe('Why the plan takes no new reports (listed only with ?retired=1), or null'),
    }),
  ),
});
export const PlanAddedResponse = z.object({ id: z.string(), revision: z.number().int(), warnings: z.array(z.unknown()) });

export const AgencyListResponse = z.object({ agencies: z.array(Agency) });
export const AgenciesStoredResponse = z.object({ agencies: z.array(z.string()).describe('The ids stored') });
export const CommunesImportedResponse = z.object({ imported: z.array(z.string()), findings: z.array(FindingResponse) });

export const TokenView = TokenRecord.omit({ hash: true });
export const TokenListResponse = z.object({ tokens: z.array(TokenView) });
export const IssuedTokenResponse = TokenView.extend({ token: z.string().describe('The secret, shown this once') });

export const ValidationResponse = z
  .object({
    valid: z.boolean(),
    planId: z.string(),
    revision: z.number().int(),
    agencyId: z.string(),
    period: z.string(),
    stats: z.record(z.string(), z.number()),
    findings: z.array(FindingResponse),
    results: z.array(z.object({ code: z.string() }).loose()),
  })
  .describe('The engine\'s validation report (shared/validate.ts)');

export const ReportView = ReportRevision.describe('One revision of a report; its ETag is "r<revision>"');
export const ReportWriteResponse = z.object({ report: ReportView, validation: ReportRevision.shape.validation });
export const ReportStatusResponse = z.object({ report: ReportView });
export const HistoryResponse = z.object({ revisions: z.array(ReportView.extend({ savedByLabel: z.string().nullable().describe('The label of the token that saved it') })) });

export const JudgementResponse = Judgement;
export const JudgementListResponse = z.object({ judgements: z.array(Judgement) });
export const LeadChangeResponse = LeadChange;

const TaskTableStatus = z.enum(['completed', 'inProgress', 'notStarted', 'notYetDue', 'notReported']).describe('notReported: the lead said nothing readable');
const TaskStatusCounts = z.object({ completed: z.number().int(), inProgress: z.number().int(), notStarted: z.number().int(), notYetDue: z.number().int(), notReported: z.number().int() });
/** The task table (shared/consolidate-tasks.ts TaskTable): empty for plans without tasks. */
const ConsolidatedTasks = z
  .object({
    rows: z.array(
      z
        .object({
          code: z.string(),
          text: z.string(),
          lead: z.string().describe('The agency answering for the task on the cut-off date'),
          coordinators: z.array(z.string()),
          dueDate: z.string(),
          isDue: z.boolean(),
          status: TaskTableStatus.describe("From the lead's counted report"),
          account: z.string().nullable(),
          evidenceText: z.string().nullable(),
          evidence: z.array(z.object({ text: z.string(), kind: z.string().nullable(), number: z.string().nullable(), date: z.string().nullable(), dateUnreadable: z.boolean() })),
          note: z.string().nullable(),
          overdue: z.boolean().describe('Due and not completed'),
        })
        .loose(),
    ),
    counts: TaskStatusCounts,
    byAgency: z.array(z.object({ agencyId: z.string(), agency: TextSchema, total: z.number().int(), counts: TaskStatusCounts, overdue: z.number().int() })),
    overdue: z.array(z.object({ code: z.string(), text: z.string(), lead: z.string(), dueDate: z.string(), status: TaskTableStatus, account: z.string().nullable() })),
  })
  .describe('Tasks: status per task, counts per status and per agency, overdue tasks with the agency account');

export const ConsolidatedResponse = z
  .object({
    planId: z.string(),
    revision: z.number().int(),
    period: z.string(),
    referenceDate: z.string(),
    basis: z.enum(['submitted', 'drafts']),
    rows: z.array(z.object({ code: z.string(), value: z.number().nullable() }).loose()),
    summary: z.object({}).loose(),
    documents: z.object({}).loose(),
    projects: z.object({}).loose(),
    tasks: ConsolidatedTasks,
    agencies: z.array(z.object({ agencyId: z.string(), status: z.enum(SUBMISSION_STATUSES) }).loose()),
    submissions: z.record(z.string(), z.number()),
    findings: z.array(FindingResponse),
  })
  .loose()
  .describe('The citywide table (shared/consolidate.ts ConsolidatedTable)');
