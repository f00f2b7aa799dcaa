import { API_ANSWERS } from '../shared/catalogue/api-errors';
import type { ApiErrorCode } from '../shared/catalogue/api-errors';
import { render } from '../shared/catalogue/render';
import type { Params } from '../shared/catalogue/types';
import { findingEntry } from '../shared/findings';
import type { Finding } from '../shared/findings';
import type { Text } from '../shared/i18n';

/**
 * Every error the API returns has one shape:
 * `{ "error": { "code", "message": { "vi", "en" }, "details" } }`.
 * Handlers throw ApiError; the error middleware writes it. Nothing else reaches the client:
 * no stack traces, no library messages. Codes, statuses and texts come from the catalogue
 * (shared/catalogue/api-errors.ts, kind "api"; upload-<code> from kind "upload"), rendered
 * by its one renderer: a client reads the code, people read the message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly text: Text,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(text.en);
    this.name = 'ApiError';
  }
}

export type { ApiErrorCode };

export interface ApiErrorOptions {
  /** What fills the message's `{name}` placeholders (a Text is shown in each language). */
  params?: Params;
  details?: unknown;
  headers?: Record<string, string>;
  /**
   * The engine's finding that says more than the code's own template (the period check): the
   * message is that finding's catalogue entry rendered with its params and variant.
   */
  finding?: Pick<Finding, 'code' | 'params' | 'variant'>;
  /** Another 4xx than the entry's, for a library's own client error answered as bad-request. */
  status?: number;
}

/** The catalogue's entry for the code, its message rendered with the params. */
export function apiError(code: ApiErrorCode, options: ApiErrorOptions = {}): ApiError {
  const answer = API_ANSWERS[code];
  const said = options.finding;
  const text = said ? render(findingEntry(said.code), said.params, said.variant).message : render(answer, options.params).message;
  return new ApiError(options.status ?? answer.status, code, text, options.details, options.headers);
}

export interface ErrorBody {
  error: { code: string; message: Text; details?: unknown };
}

export function errorBody(code: string, message: Text, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Ids quoted in messages are cut short: a message never echoes a long input back. */
const short = (id: string, max = 100) => id.slice(0, max);

export const errors = {
  unauthenticated: () => apiError('unauthenticated', { headers: { 'WWW-Authenticate': 'Bearer' } }),
  badToken: () => apiError('invalid-token', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
  planNotFound: (planId: string) => apiError('plan-not-found', { params: { planId: short(planId) } }),
  agencyNotFound: (agencyId: string) => apiError('agency-not-found', { params: { agencyId: short(agencyId) } }),
  indicatorNotFound: (code: string) => apiError('indicator-not-found', { params: { code: short(code, 50) } }),
  /** 429; with the seconds to wait when known (also sent as Retry-After). */
  tooMany: (retryAfterSeconds?: number) =>
    apiError('too-many-requests', retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds }, headers: { 'Retry-After': String(retryAfterSeconds) } }),
  /** 422: the same code twice in one report (entries, documents or projects). */
  duplicateCodes: (duplicates: { entries: string[]; documents: string[]; projects: string[]; tasks?: string[] }) => {
    const named = (list: string[]) => list.slice(0, 20).join(', ') + (list.length > 20 ? ', …' : '');
    const parts = (labels: [string, string, string, string]) =>
      (['entries', 'documents', 'projects', 'tasks'] as const)
        .map((k, i) => ((duplicates[k] ?? []).length > 0 ? `${labels[i]} ${named(duplicates[k] ?? [])}` : null))
        .filter(Boolean)
        .join('; ');
    return apiError('duplicate-codes', {
      params: { repeated: { vi: parts(['chỉ tiêu', 'văn bản', 'dự án', 'nhiệm vụ']), en: parts(['indicators', 'documents', 'projects', 'tasks']) } },
      details: { entries: duplicates.entries.slice(0, 200), documents: duplicates.documents.slice(0, 200), projects: duplicates.projects.slice(0, 200), ...(duplicates.tasks ? { tasks: duplicates.tasks.slice(0, 200) } : {}) },
    });
  },
};

/** zod issues → a list of { path, message } for `details`. */
export function issueList(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): Array<{ path: string; message: string }> {
  return issues.slice(0, 200).map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}
