import { newToken } from '../auth';
import { apiError } from '../errors';
import { pathParam, signedIn } from '../http/input';
import { defineRoute } from '../http/route';
import { IssuedTokenResponse, MeResponse, TokenBody, TokenListResponse } from '../schemas';

/** Who the caller is, and the tokens an admin issues and revokes. */
export const TOKEN_ROUTES = [
  defineRoute({
    method: 'get',
    path: '/api/me',
    access: 'signed in',
    summary: 'Who the token belongs to, and its role',
    responses: { 200: { description: 'principal', schema: MeResponse } },
    handler: (ctx, { res, principal }) => {
      const p = signedIn(principal);
      const agency = p.agencyId ? ctx.lookups.snapshot.register.get(p.agencyId) : undefined;
      res.json({ tokenId: p.tokenId, role: p.role, agencyId: p.agencyId, agencyName: agency?.name ?? null, label: p.label });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tokens',
    access: ['admin'],
    summary: 'Tokens (never their secrets)',
    responses: { 200: { description: 'list', schema: TokenListResponse } },
    handler: async (ctx, { res }) => {
      const tokens = await ctx.store.listTokens();
      res.json({ tokens: tokens.map(({ hash: _hash, ...rest }) => rest) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tokens',
    access: ['admin'],
    summary: 'Issue a token; the secret is shown once',
    body: { kind: 'json', schema: TokenBody },
    responses: { 201: { description: 'token', schema: IssuedTokenResponse } },
    errors: ['invalid-body', 'json-unreadable', 'agency-id-required', 'agency-not-found'],
    handler: async (ctx, { res, principal, body }) => {
      const agencyId = body.role === 'agency' ? body.agencyId : null;
      if (agencyId === undefined) throw apiError('agency-id-required');
      if (body.agencyId) ctx.lookups.agency(body.agencyId);
      const { secret, record } = newToken(body.role, agencyId, body.label, ctx.config.now());
      await ctx.store.addToken(record, ctx.audit(signedIn(principal), 'issue-token', {}, { detail: { id: record.id, role: record.role, agencyId: record.agencyId } }));
      const { hash: _hash, ...shown } = record;
      res.status(201).json({ ...shown, token: secret });
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/tokens/{id}',
    access: ['admin'],
    summary: 'Revoke a token',
    responses: { 204: { description: 'revoked' } },
    errors: ['token-not-found'],
    handler: async (ctx, { res, principal, params }) => {
      const id = pathParam(params, 'id');
      const done = await ctx.store.revokeToken(id, ctx.config.now().toISOString(), ctx.audit(signedIn(principal), 'revoke-token', {}, { detail: { id } }));
      if (!done) throw apiError('token-not-found');
      res.status(204).end();
    },
  }),
];
