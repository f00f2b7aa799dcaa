import { z } from 'zod';
import { IMPORT_LIMITS } from '../../shared/plan-import';
import { apiError, issueList } from '../errors';
import { XLSX_BODY, defineRoute } from '../http/route';
import { draftFromGrid, draftFromWorkbook } from '../services/plan-import-service';

/** The plan's metadata: what the table does not say. */
const Meta = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100),
    number: z.string().min(1).max(100).describe('"207/KH-UBND"'),
    title: z.string().min(1).max(1_000),
    city: z.string().min(1).max(50).describe('The city whose agency register names are resolved in'),
    startYear: z.coerce.number().int().min(1990).max(2100),
    endYear: z.coerce.number().int().min(1990).max(2100),
    issuedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    program: z.string().min(1).max(100).optional(),
    revision: z.coerce.number().int().min(1).max(1_000).optional(),
    standingAgency: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100).optional(),
  })
  .strict()
  .refine((m) => m.endYear >= m.startYear && m.endYear - m.startYear <= 20, { error: 'endYear must be 0-20 years after startYear', path: ['endYear'] });

const Cell = z.union([z.string().max(IMPORT_LIMITS.maxCellChars), z.number(), z.boolean(), z.null()]);
const A1_RANGE = /^\$?[A-Z]{1,3}\$?\d{1,7}(:\$?[A-Z]{1,3}\$?\d{1,7})?$/;

export const DraftBody = z
  .object({
    grid: z.array(z.array(Cell).max(IMPORT_LIMITS.maxCols)).max(IMPORT_LIMITS.maxRows).describe('Cell texts row by row (Excel range.text)'),
    merges: z.array(z.string().regex(A1_RANGE)).max(10_000).optional().describe('Merged areas, in the sheet addresses of `origin`; leave out when unknown (blanks are then resolved by the import rules)'),
    sheet: z.string().max(31).optional(),
    origin: z.string().regex(/^\$?[A-Z]{1,3}\$?\d{1,7}$/).optional().describe('The sheet address of the grid\'s top-left cell (default A1)'),
    meta: Meta,
    judgeUnreadableByHand: z.boolean().optional(),
  })
  .strict();

/** The workbook route's metadata, as query parameters. */
const DraftQuery = z
  .object({
    sheet: z.string().max(31).optional().describe('Default: the first sheet'),
    id: z.string(),
    number: z.string(),
    title: z.string(),
    city: z.string(),
    startYear: z.string(),
    endYear: z.string(),
    issuedOn: z.string().optional(),
    program: z.string().optional(),
    revision: z.string().optional(),
    standingAgency: z.string().optional(),
    judgeUnreadableByHand: z.enum(['0', '1']).optional(),
  })
  .strict();

/** The query's metadata checked like the JSON body's: 400 bad-query naming the parameters that do not fit. */
function metaOfQuery(query: z.infer<typeof DraftQuery>): z.infer<typeof Meta> {
  const { sheet: _sheet, judgeUnreadableByHand: _byHand, ...rest } = query;
  const meta = Meta.safeParse(rest);
  if (!meta.success) throw apiError('bad-query', { params: { names: [...new Set(meta.error.issues.map((i) => i.path.join('.')))].join(', ') }, details: issueList(meta.error.issues) });
  return meta.data;
}

const ImportFindingResponse = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  cell: z.string().optional(),
  sheet: z.string().optional(),
  indicator: z.string().optional(),
  message: z.object({ vi: z.string(), en: z.string() }),
  params: z.record(z.string(), z.unknown()),
  variant: z.string().optional(),
});
export const DraftResponse = z.object({
  draft: z.record(z.string(), z.unknown()).describe('A plan file to review, then POST /api/plans'),
  findings: z.array(ImportFindingResponse),
});

/** A plan drafted from its appendix table: from cells (the pane) or from a workbook. Nothing is stored. */
export const PLAN_IMPORT_ROUTES = [
  defineRoute({
    method: 'post',
    path: '/api/plans/draft',
    access: ['admin', 'consolidator'],
    summary: "Draft a plan from its appendix table's cells (stores nothing)",
    body: { kind: 'json', schema: DraftBody },
    responses: { 200: { description: 'the draft plan and every finding with its cell', schema: DraftResponse } },
    errors: ['invalid-body', 'json-unreadable'],
    handler: (ctx, { res, body }) => {
      const { meta, judgeUnreadableByHand, ...table } = body;
      res.json(draftFromGrid(ctx, table, { meta, ...(judgeUnreadableByHand !== undefined ? { judgeUnreadableByHand } : {}) }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/plans/draft.xlsx',
    access: ['admin', 'consolidator'],
    summary: 'Draft a plan from an uploaded workbook holding its appendix table (one sheet; stores nothing)',
    query: { schema: DraftQuery },
    body: XLSX_BODY,
    responses: { 200: { description: 'the draft plan and every finding with its cell', schema: DraftResponse } },
    errors: ['xlsx-required', 'bad-query', 'upload-too-large', 'upload-too-large-inflated', 'upload-too-many-parts', 'upload-unsafe-zip', 'upload-not-xlsx', 'upload-damaged', 'upload-busy'],
    handler: async (ctx, { res, body, query }) => {
      const meta = metaOfQuery(query);
      res.json(await draftFromWorkbook(ctx, body, query.sheet, { meta, judgeUnreadableByHand: query.judgeUnreadableByHand === '1' }));
    },
  }),
];
