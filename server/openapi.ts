import { z } from 'zod';
import { Plan } from '../shared/schema/plan';
import { Agency } from '../shared/schema/agency';
import { JudgementBody, LeadChangeBody, ReportBody, ReturnBody, TokenBody, ValidateBody } from './schemas';

/**
 * The OpenAPI document served at GET /api/openapi.json, generated from the zod schemas
 * the handlers validate with, and from one route table (also the README's route list).
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  roles: string;
  summary: string;
  body?: z.ZodTypeAny | 'csv' | 'xlsx';
  responses: Record<number, string>;
  /** Headers the route reads. */
  headers?: string[];
  query?: string[];
}

const R = '/api/plans/{planId}/periods/{period}/reports/{agencyId}';

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', roles: 'anyone', summary: 'Liveness, catalog size and the store state (503 once the store has failed)', responses: { 200: 'ok', 503: 'the store has failed' } },
  { method: 'get', path: '/api/openapi.json', roles: 'anyone', summary: 'This document', responses: { 200: 'OpenAPI 3.1' } },
  { method: 'get', path: '/api/schema/plan', roles: 'anyone', summary: 'JSON Schema of a plan file', responses: { 200: 'JSON Schema' } },
  { method: 'get', path: '/api/me', roles: 'signed in', summary: 'Who the token belongs to, and its role', responses: { 200: 'principal', 401: 'no or bad token' } },
  { method: 'get', path: '/api/plans', roles: 'signed in', summary: 'Plans in the catalog', responses: { 200: 'list' } },
  { method: 'get', path: '/api/plans/{planId}', roles: 'signed in', summary: 'One plan file', responses: { 200: 'plan', 404: 'no such plan' } },
  { method: 'post', path: '/api/plans', roles: 'admin', summary: 'Add a plan file (or a higher revision of one)', body: Plan, responses: { 201: 'added', 400: 'every problem with its path', 409: 'revision exists' } },
  { method: 'get', path: '/api/agencies', roles: 'signed in', summary: 'The agency register', responses: { 200: 'list' } },
  { method: 'post', path: '/api/agencies', roles: 'admin', summary: 'Add or change agencies (validity, successors)', body: z.union([Agency, z.array(Agency)]), responses: { 201: 'stored', 400: 'invalid' } },
  { method: 'post', path: '/api/agencies/communes', roles: 'admin', summary: 'Import communes from CSV (name,type,validFrom,predecessors)', body: 'csv', query: ['city', 'prefix'], responses: { 201: 'imported, with findings', 400: 'nothing imported' } },
  { method: 'post', path: '/api/plans/{planId}/indicators/{code}/lead', roles: 'admin', summary: "Move an indicator's lead to another agency from a date", body: LeadChangeBody, responses: { 201: 'recorded' } },
  { method: 'get', path: '/api/tokens', roles: 'admin', summary: 'Tokens (never their secrets)', responses: { 200: 'list' } },
  { method: 'post', path: '/api/tokens', roles: 'admin', summary: 'Issue a token; the secret is shown once', body: TokenBody, responses: { 201: 'token' } },
  { method: 'delete', path: '/api/tokens/{id}', roles: 'admin', summary: 'Revoke a token', responses: { 204: 'revoked', 404: 'no such token' } },
  { method: 'post', path: '/api/validate', roles: 'signed in', summary: "Validate entries with the shared engine against last year's stored values; nothing is stored", body: ValidateBody, responses: { 200: 'validation report', 400: 'invalid body, or a field "previous" (previous-not-accepted: the stored values are the only ones)', 422: 'a code repeated in entries, documents or projects (duplicate-codes)' } },
  {
    method: 'get',
    path: '/api/plans/{planId}/periods/{period}/previous',
    roles: 'agency (plans it reports on), consolidator, admin',
    summary: "Last year's citywide values every validation of the period compares with (the task pane's check uses them)",
    responses: { 200: '{ planId, period, previousPeriod, values: { code: number } }', 403: 'the agency does not report on this plan', 404: 'no such plan' },
  },
  { method: 'get', path: R, roles: 'agency (own), consolidator, admin', summary: 'The latest revision, with ETag "r<revision>"', responses: { 200: 'report', 404: 'none yet' } },
  { method: 'get', path: `${R}/history`, roles: 'agency (own), consolidator, admin', summary: 'Every revision, oldest first', responses: { 200: 'revisions' } },
  {
    method: 'put',
    path: R,
    roles: 'agency (own), admin',
    summary: 'Save a draft with its findings. If-Match "r<revision>" (or If-None-Match: * to create) is required; Idempotency-Key is honoured',
    body: ReportBody,
    headers: ['If-Match', 'If-None-Match', 'Idempotency-Key'],
    responses: { 200: 'saved', 201: 'created', 400: 'invalid body', 409: 'approved and locked', 412: "someone else's revision is current (body carries it)", 422: 'Idempotency-Key reused with another body; or a code repeated in entries, documents or projects (duplicate-codes)', 428: 'If-Match missing' },
  },
  { method: 'post', path: `${R}/xlsx`, roles: 'agency (own), admin', summary: 'Upload a filled template; stored like a PUT', body: 'xlsx', headers: ['If-Match', 'Idempotency-Key'], responses: { 200: 'saved', 201: 'created', 413: 'too large: the file, its parts or what they inflate to (upload-too-large-inflated, upload-too-many-parts)', 422: 'not our template, damaged or unsafe, or the template of another plan/agency/period/revision', 503: 'too many uploads being read (upload-busy); Retry-After' } },
  { method: 'post', path: `${R}/submit`, roles: 'agency (own), admin', summary: 'Mark complete; refused while errors remain; late after the deadline', headers: ['If-Match'], responses: { 200: 'submitted or late', 409: 'locked', 422: 'has errors' } },
  { method: 'post', path: `${R}/approve`, roles: 'consolidator, admin', summary: 'Approve a submitted report (it is then locked)', headers: ['If-Match'], responses: { 200: 'approved', 409: 'not submitted' } },
  { method: 'post', path: `${R}/return`, roles: 'consolidator, admin', summary: 'Return a report with a comment (unlocks it)', body: ReturnBody, headers: ['If-Match'], responses: { 200: 'returned', 409: 'not submitted' } },
  { method: 'get', path: '/api/plans/{planId}/templates/{agencyId}.xlsx', roles: 'agency (own), consolidator, admin', summary: "The agency's template workbook", query: ['period', 'lang'], responses: { 200: 'xlsx' } },
  { method: 'put', path: '/api/plans/{planId}/periods/{period}/judgements/{code}', roles: 'consolidator, admin', summary: 'Judge an indicator whose target the plan marks as judged by hand (met, withinTolerance, notMet, with a reason); recorded with who and when', body: JudgementBody, responses: { 200: 'replaced', 201: 'recorded', 404: 'no such indicator', 422: 'the target is judged by the engine' } },
  { method: 'get', path: '/api/plans/{planId}/periods/{period}/judgements', roles: 'consolidator, admin', summary: "The consolidator's judgements of the period", responses: { 200: 'list' } },
  { method: 'get', path: '/api/plans/{planId}/periods/{period}/consolidated', roles: 'consolidator, admin', summary: 'The citywide table, summary, documents, projects and submission status; drafts=1 counts the drafts instead of the submitted revisions', query: ['drafts'], responses: { 200: 'table', 400: 'bad drafts parameter' } },
  { method: 'get', path: '/api/plans/{planId}/periods/{period}/consolidated.xlsx', roles: 'consolidator, admin', summary: 'The same as a workbook (values, no formulas)', query: ['lang', 'drafts'], responses: { 200: 'xlsx', 400: 'bad drafts parameter' } },
];

const ErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'object', required: ['vi', 'en'], properties: { vi: { type: 'string' }, en: { type: 'string' } } },
        details: {},
      },
    },
  },
};

/** Every route with a period answers 422 for a period the plan does not define. */
function withPeriodCheck(route: RouteDoc): Record<number, string> {
  if (!route.path.includes('{period}') && !route.query?.includes('period') && route.body !== ValidateBody) return route.responses;
  const undefinedPeriod = 'a period the plan does not define (details list the periods it does)';
  const other = route.responses[422];
  return { ...route.responses, 400: route.responses[400] ?? 'not a period id', 422: other ? `${other}; or ${undefinedPeriod}` : undefinedPeriod };
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const headers = (route.headers ?? []).map((h) => ({ name: h, in: 'header', required: false, schema: { type: 'string' } }));
    const query = (route.query ?? []).map((q) => ({ name: q, in: 'query', required: q === 'period', schema: { type: 'string' } }));
    const body =
      route.body === undefined
        ? undefined
        : route.body === 'csv'
          ? { required: true, content: { 'text/csv': { schema: { type: 'string' } } } }
          : route.body === 'xlsx'
            ? { required: true, content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } }
            : { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) } } };
    const responses = Object.fromEntries(
      Object.entries(withPeriodCheck(route)).map(([status, description]) => [
        status,
        Number(status) >= 400 ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : { description },
      ]),
    );
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      description: `Roles: ${route.roles}`,
      parameters: [...params, ...headers, ...query],
      ...(body ? { requestBody: body } : {}),
      // Who you are, first: a route that needs a token answers 401 before anything else, then 403 for a caller it does not allow.
      responses: route.roles === 'anyone' ? responses : { ...responses, 401: { $ref: '#/components/responses/Unauthenticated' }, 429: { $ref: '#/components/responses/TooMany' } },
      ...(route.roles === 'anyone' ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'An sinh reporting — sync server', version: '1', description: 'Agency reports with history, the citywide table and the consolidated workbook. Every error is { error: { code, message: { vi, en }, details } }.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ErrorSchema },
      responses: {
        Unauthenticated: { description: 'No token (unauthenticated) or a wrong or revoked one (invalid-token): always the same body, whatever the route, its parameters or body', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        TooMany: {
          description: 'too-many-requests: over the per-token rate limit, or, for a token that is not valid, too many failed sign-ins from the address (Retry-After says when to try again; a valid token is never refused for that)',
          headers: { 'Retry-After': { schema: { type: 'integer' } } },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
    paths,
  };
}
