import { z } from 'zod';
import { API_ANSWERS } from '../shared/catalogue/api-errors';
import type { ApiErrorCode } from '../shared/catalogue/api-errors';
import { XLSX_TYPE } from './http/content';
import { accessText, pathParams } from './http/route';
import type { Route } from './http/route';

/**
 * The OpenAPI document served at GET /api/openapi.json, generated from the route table
 * (server/routes/index.ts): the same zod schemas the routes validate with, the answers'
 * schemas, and each route's error codes from the catalogue (API_ANSWERS, shared/catalogue/api-errors.ts).
 */
const ErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(API_ANSWERS) },
        message: { type: 'object', required: ['vi', 'en'], properties: { vi: { type: 'string' }, en: { type: 'string' } } },
        details: {},
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

function requestBody(route: Route): Record<string, unknown> | undefined {
  const body = route.body;
  if (!body) return undefined;
  if (body.kind === 'csv') return { required: true, content: { 'text/csv': { schema: { type: 'string' } } } };
  if (body.kind === 'xlsx') return { required: true, content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } };
  return { required: true, content: { 'application/json': { schema: jsonSchema('read' in body ? body.documented : body.schema, 'input') } } };
}

function parameters(route: Route): unknown[] {
  const path = pathParams(route).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const headers = (route.headers ?? []).map((name) => ({ name, in: 'header', required: false, schema: { type: 'string' } }));
  const query = Object.entries(route.query?.schema.shape ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema: jsonSchema(schema, 'input') }));
  return [...path, ...headers, ...query];
}

/** The route's errors grouped by status, each status described by the codes it carries and their titles. */
function errorResponses(route: Route): Record<string, unknown> {
  const codes: ApiErrorCode[] = [...(route.errors ?? [])];
  if (Array.isArray(route.access) && route.access.length < 3) codes.push('role-forbidden');
  codes.push(...Object.values(route.roleRefusal ?? {}));
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(API_ANSWERS[code].status, [...(byStatus.get(API_ANSWERS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [String(status), { description: list.map((c) => `${c}: ${API_ANSWERS[c].title.en}`).join('; '), content: errorContent }]),
  );
}

function successResponses(route: Route): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(route.responses).map(([status, r]): [string, unknown] => {
      if (r.docx) return [status, { description: r.description, content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } } } }];
      if (r.xlsx) return [status, { description: r.description, content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } }];
      return [status, { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } } : {}) }];
    }),
  );
}

function operation(route: Route): Record<string, unknown> {
  const isPublic = route.access === 'anyone';
  const responses = { ...successResponses(route), ...errorResponses(route) };
  const body = requestBody(route);
  return {
    summary: route.summary,
    description: `Roles: ${accessText(route)}`,
    parameters: parameters(route),
    ...(body ? { requestBody: body } : {}),
    // Who you are, first: a route that needs a token answers 401 before anything else, then 403 for a caller it does not allow.
    responses: isPublic ? responses : { ...responses, 401: { $ref: '#/components/responses/Unauthenticated' }, 429: { $ref: '#/components/responses/TooMany' } },
    ...(isPublic ? { security: [] } : {}),
  };
}

export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'An sinh reporting — sync server',
      version: '1',
      description: 'Agency reports with history, the citywide table and the consolidated workbook. Every error is { error: { code, message: { vi, en }, details } }; clients read the code.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ErrorSchema },
      responses: {
        Unauthenticated: { description: 'No token (unauthenticated) or a wrong or revoked one (invalid-token): always the same body, whatever the route, its parameters or body', content: errorContent },
        TooMany: {
          description: 'too-many-requests: over the per-token rate limit, or, for a token that is not valid, too many failed sign-ins from the address (Retry-After says when to try again; a valid token is never refused for that)',
          headers: { 'Retry-After': { schema: { type: 'integer' } } },
          content: errorContent,
        },
      },
    },
    paths,
  };
}
