import { createHash } from 'node:crypto';
import { apiError } from '../errors';
import type { ReportRevision } from '../storage/types';

/** The request headers a report write honours, read by the route and passed on. */
export interface WriteConditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  idempotencyKey?: string | undefined;
  /** "PUT /api/…": with the body, what an idempotent retry must repeat. */
  request: string;
}

export interface IdemRequest {
  scope: string;
  key: string;
  requestHash: string;
}

/** The Idempotency-Key of a write, scoped to the caller's token; null without one. */
export function idempotencyOf(conditions: WriteConditions, tokenId: string, body: unknown): IdemRequest | null {
  const key = conditions.idempotencyKey;
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw apiError('bad-idempotency-key');
  const requestHash = createHash('sha256').update(`${conditions.request}\n${JSON.stringify(body)}`).digest('hex');
  return { scope: tokenId, key, requestHash };
}

/** If-Match: "r3" → 3; If-None-Match: * (or If-Match: "r0") → 0 for a new report. */
export function expectedRevision(conditions: WriteConditions, current: ReportRevision | null, required: boolean): number | undefined {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifNoneMatch?.trim() === '*') return 0;
  if (!ifMatch) {
    if (required) throw apiError('precondition-required');
    return current?.revision ?? 0;
  }
  if (ifMatch.trim() === '*') return current ? current.revision : -1;
  const m = /^\s*"r(\d{1,9})"\s*$/.exec(ifMatch);
  if (!m) throw apiError('bad-if-match', { details: { ifMatch: ifMatch.slice(0, 50) } });
  return Number(m[1]);
}
