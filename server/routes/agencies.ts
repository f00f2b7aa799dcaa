import { z } from 'zod';
import { parseCommuneCsv } from '../../shared/agencies/communes-csv';
import { Agency } from '../../shared/schema/agency';
import { apiError } from '../errors';
import { parseWith } from '../http/body';
import { signedIn } from '../http/input';
import { CSV_BODY, defineRoute } from '../http/route';
import { AgenciesStoredResponse, AgencyListResponse, CommunesImportedResponse } from '../schemas';

const AgencyList = z.array(Agency).min(1).max(1_000);
const CommunesQuery = z.object({ city: z.string().min(1).max(50).default('hanoi'), prefix: z.string().regex(/^[a-z0-9]{1,10}$/).default('hn') });

/** The agency register: reading it, adding or changing agencies, importing communes from CSV. */
export const AGENCY_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/agencies',
    access: 'signed in',
    summary: 'The agency register',
    responses: { 200: { description: 'list', schema: AgencyListResponse } },
    handler: (ctx, { res }) => void res.json({ agencies: ctx.lookups.snapshot.register.agencies }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/agencies',
    access: ['admin'],
    summary: 'Add or change agencies (validity, successors)',
    // One agency or a list; checked as a list, so the issues' paths are the same for both.
    body: { kind: 'json', documented: z.union([Agency, z.array(Agency)]), read: (raw) => parseWith(AgencyList, Array.isArray(raw) ? raw : [raw]) },
    responses: { 201: { description: 'stored', schema: AgenciesStoredResponse } },
    errors: ['invalid-body', 'json-unreadable'],
    handler: async (ctx, { res, principal, body }) => {
      await ctx.store.upsertAgencies(body, ctx.audit(signedIn(principal), 'upsert-agencies', {}, { detail: { ids: body.map((a) => a.id) } }));
      await ctx.catalog.reload();
      res.status(201).json({ agencies: body.map((a) => a.id) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/agencies/communes',
    access: ['admin'],
    summary: 'Import communes from CSV (name,type,validFrom,predecessors)',
    body: CSV_BODY,
    query: { schema: CommunesQuery },
    responses: { 201: { description: 'imported, with findings', schema: CommunesImportedResponse } },
    errors: ['csv-required', 'bad-query', 'nothing-imported'],
    handler: async (ctx, { res, principal, body, query }) => {
      const result = parseCommuneCsv(body, { city: query.city, idPrefix: query.prefix, register: ctx.lookups.snapshot.register });
      if (result.agencies.length === 0) throw apiError('nothing-imported', { details: result.findings });
      await ctx.store.upsertAgencies(result.agencies, ctx.audit(signedIn(principal), 'import-communes', {}, { detail: { count: result.agencies.length } }));
      await ctx.catalog.reload();
      res.status(201).json({ imported: result.agencies.map((a) => a.id), findings: result.findings });
    },
  }),
];
