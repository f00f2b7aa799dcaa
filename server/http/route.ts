import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiErrorCode } from '../../shared/catalogue/api-errors';
import type { Principal, Role } from '../auth';
import type { AppContext } from '../services/context';

/**
 * One route, declared once: the table of these drives the express registration
 * (server/http/register.ts), the validation of query and body before the handler, the
 * OpenAPI document (server/openapi.ts) and the README's route list.
 */
export type Method = 'get' | 'post' | 'put' | 'delete';

/** Who may call: anyone (no token), any signed-in caller, or the roles listed. */
export type Access = 'anyone' | 'signed in' | readonly Role[];

/**
 * The body a route reads. JSON is checked against `schema` (400 invalid-body) unless the
 * route reads it itself (`read`, documented by `documented`, e.g. the catalog's own plan check); CSV and xlsx bodies keep
 * their own parsers, which run only after the caller is authorised.
 */
export type BodySpec<B> =
  | { kind: 'json'; schema: z.ZodType<B> }
  | { kind: 'json'; read: (raw: unknown, ctx: AppContext) => B; /** What the OpenAPI document shows. */ documented: z.ZodType }
  | { kind: 'csv' }
  | { kind: 'xlsx' };

/** A CSV body (text/csv), handed to the handler as text. */
export const CSV_BODY = { kind: 'csv' } as BodySpec<string>;
/** A workbook body, handed to the handler as bytes. */
export const XLSX_BODY = { kind: 'xlsx' } as BodySpec<Buffer>;

export interface QuerySpec<Q = unknown> {
  /** An object schema: its keys are the parameters the OpenAPI document lists. */
  schema: z.ZodType<Q> & { shape: Readonly<Record<string, z.ZodType>> };
  /** The error for a query that does not match (default bad-query, naming the parameters). */
  error?: ApiErrorCode;
}

export interface SuccessResponse {
  description: string;
  /** The JSON answer; absent for 204 and binary answers. */
  schema?: z.ZodType;
  /** A workbook instead of JSON. */
  xlsx?: true;
  /** A Word document instead of JSON. */
  docx?: true;
}

export interface HandlerInput<B, Q> {
  req: Request;
  res: Response;
  /** Null only on public routes. */
  principal: Principal | null;
  params: Record<string, string>;
  query: Q;
  body: B;
}

export interface RouteSpec<B = undefined, Q = Record<string, never>> {
  method: Method;
  /** The OpenAPI path, e.g. /api/plans/{planId}. */
  path: string;
  /** When express must match differently (e.g. a file name with its extension). */
  expressPath?: string;
  access: Access;
  /** Who may call, in words, when it says more than the roles (e.g. "agency (own)"). */
  accessNote?: string;
  /** What a role the route does not let in is told, when it deserves more than role-forbidden. */
  roleRefusal?: Partial<Record<Role, ApiErrorCode>>;
  summary: string;
  /**
   * Checks that need the path but not the body (an agency's own reports, the role of an
   * action): they run before any body is read, so an unauthorised caller learns nothing.
   */
  authorize?: (req: Request, ctx: AppContext) => void;
  query?: QuerySpec<Q>;
  body?: BodySpec<B>;
  /** Request headers the route reads. */
  headers?: readonly string[];
  responses: Readonly<Record<number, SuccessResponse>>;
  /** The error codes the route itself answers with (401, 429 and the role's 403 are added). */
  errors?: readonly ApiErrorCode[];
  handler: (ctx: AppContext, input: HandlerInput<B, Q>) => Promise<void> | void;
}

/** A route with its types erased, as the table holds it. */
export type Route = RouteSpec<unknown, unknown>;

/** Declares a route; the types of body and query flow from their specs into the handler. */
export function defineRoute<B = undefined, Q = Record<string, never>>(spec: RouteSpec<B, Q>): Route {
  return spec as unknown as Route;
}

/** The path parameters, in order: /api/plans/{planId} → ['planId']. */
export function pathParams(route: Pick<Route, 'path'>): string[] {
  return (route.path.match(/\{\w+\}/g) ?? []).map((p) => p.slice(1, -1));
}

export function queryNames(route: Pick<Route, 'query'>): string[] {
  return route.query ? Object.keys(route.query.schema.shape) : [];
}

/** "admin", "consolidator, admin", "signed in": how the docs say who may call. */
export function accessText(route: Pick<Route, 'access' | 'accessNote'>): string {
  if (route.accessNote) return route.accessNote;
  return typeof route.access === 'string' ? route.access : route.access.join(', ');
}
