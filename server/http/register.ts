import express from 'express';
import type { Request, RequestHandler, Router } from 'express';
import { requirePrincipal, requireRole } from '../auth';
import type { Principal } from '../auth';
import { apiError, issueList } from '../errors';
import type { AppContext } from '../services/context';
import { XLSX_TYPE } from './content';
import { bodyOf, parseWith } from './body';
import { queryNames } from './route';
import type { Route } from './route';

/** /api/plans/{planId} → /plans/:planId (the router is mounted at /api). */
export function expressPathOf(route: Pick<Route, 'path' | 'expressPath'>): string {
  return (route.expressPath ?? route.path).replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1');
}

/** Registers each route in the table's order: the gate (roles, then the route's own checks), a file body's parser, then the handler. */
export function registerRoutes(router: Router, routes: readonly Route[], ctx: AppContext): void {
  for (const route of routes) {
    const gate: RequestHandler = (req, _res, next) => {
      principalOf(route, req);
      route.authorize?.(req, ctx);
      next();
    };
    const handle: RequestHandler = async (req, res) => {
      // The gate has let the caller in (roles, the route's own checks): only the principal is taken again.
      const principal = route.access === 'anyone' ? null : requirePrincipal(req);
      const body = readBody(route, req, ctx);
      const query = queryOf(route, req);
      await route.handler(ctx, { req, res, principal, params: req.params as Record<string, string>, query, body });
    };
    const parser = fileParser(route, ctx);
    router[route.method](expressPathOf(route), ...(parser ? [gate, parser, handle] : [gate, handle]));
  }
}

/** Roles first: 401 without a principal, 403 role-forbidden for a role the route does not let in. */
function principalOf(route: Route, req: Request): Principal | null {
  if (route.access === 'anyone') return null;
  if (route.access === 'signed in') return requirePrincipal(req);
  const refusal = route.roleRefusal?.[requirePrincipal(req).role];
  if (refusal) throw apiError(refusal);
  return requireRole(req, ...route.access);
}

function queryOf(route: Route, req: Request): unknown {
  if (!route.query) return {};
  const parsed = route.query.schema.safeParse(req.query);
  if (parsed.success) return parsed.data;
  throw apiError(route.query.error ?? 'bad-query', { params: { names: queryNames(route).join('/') }, details: issueList(parsed.error.issues) });
}

function readBody(route: Route, req: Request, ctx: AppContext): unknown {
  const spec = route.body;
  if (!spec) return undefined;
  if (spec.kind === 'json') return 'read' in spec ? spec.read(bodyOf(req), ctx) : parseWith(spec.schema, bodyOf(req));
  if (spec.kind === 'csv') {
    if (typeof req.body !== 'string') throw apiError('csv-required');
    return req.body;
  }
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw apiError('xlsx-required', { params: { type: XLSX_TYPE } });
  return req.body;
}

/** CSV and workbook bodies have their own parsers, run only once the caller is let in. */
function fileParser(route: Route, ctx: AppContext): RequestHandler | null {
  if (route.body?.kind === 'csv') return express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' });
  if (route.body?.kind === 'xlsx') return express.raw({ type: [XLSX_TYPE, 'application/octet-stream'], limit: ctx.config.uploadLimitBytes });
  return null;
}
