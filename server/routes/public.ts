import { planJsonSchema } from '../../shared/schema/json-schema';
import { defineRoute } from '../http/route';
import { HealthResponse, JsonDocument } from '../schemas';

/** What anyone may read, without a token: mounted before authentication. */
export const PUBLIC_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/health',
    access: 'anyone',
    summary: 'Liveness, catalog size and the store state (503 once the store has failed)',
    responses: { 200: { description: 'ok', schema: HealthResponse }, 503: { description: 'the store has failed', schema: HealthResponse } },
    handler: (ctx, { res }) => {
      // 503 once the store cannot write: a supervisor's health check then sees it.
      const storeHealth = ctx.store.health();
      const { plans, register } = ctx.lookups.snapshot;
      res.status(storeHealth.ok ? 200 : 503).json({ status: storeHealth.ok ? 'ok' : 'failed', store: storeHealth, plans: plans.size, agencies: register.agencies.length });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/openapi.json',
    access: 'anyone',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', schema: JsonDocument } },
    handler: (ctx, { res }) => void res.json(ctx.openapi),
  }),
  defineRoute({
    method: 'get',
    path: '/api/schema/plan',
    access: 'anyone',
    summary: 'JSON Schema of a plan file',
    responses: { 200: { description: 'JSON Schema', schema: JsonDocument } },
    handler: (_ctx, { res }) => void res.json(planJsonSchema()),
  }),
];
