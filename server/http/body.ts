import express from 'express';
import type { Request } from 'express';
import type { z } from 'zod';
import { apiError, issueList } from '../errors';

/**
 * Who you are, first: the JSON body is parsed for every route, but a body that cannot be
 * parsed (bad JSON, too large) waits here until the route, once it has authorised the
 * caller, reads it (bodyOf).
 */
const bodyErrors = new WeakMap<Request, unknown>();

export function deferBodyErrors(parser: express.RequestHandler): express.RequestHandler {
  return (req, res, next) =>
    parser(req, res, (error?: unknown) => {
      if (error) bodyErrors.set(req, error);
      next();
    });
}

/** The parsed JSON body, or the parse error kept for this moment. */
export function bodyOf(req: Request): unknown {
  if (bodyErrors.has(req)) throw bodyErrors.get(req);
  return req.body;
}

/** The body checked against the schema: 400 invalid-body with every issue and its path. */
export function parseWith<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw apiError('invalid-body', { details: issueList(parsed.error.issues) });
  return parsed.data;
}
