import type { Text } from '../shared/i18n';

/**
 * Every error the API returns has one shape:
 * `{ "error": { "code", "message": { "vi", "en" }, "details" } }`.
 * Handlers throw ApiError; the error middleware writes it. Nothing else reaches the client:
 * no stack traces, no library messages.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Text,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(text.en);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: string; message: Text; details?: unknown };
}

export function errorBody(code: string, message: Text, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export const errors = {
  unauthenticated: () =>
    new ApiError(401, 'unauthenticated', { vi: 'Cần đăng nhập bằng mã truy cập (Bearer token)', en: 'A bearer token is required' }, undefined, {
      'WWW-Authenticate': 'Bearer',
    }),
  badToken: () =>
    new ApiError(401, 'invalid-token', { vi: 'Mã truy cập không hợp lệ hoặc đã bị thu hồi', en: 'The token is invalid or revoked' }, undefined, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    }),
  forbidden: (why: Text) => new ApiError(403, 'forbidden', why),
  notFound: (what: Text) => new ApiError(404, 'not-found', what),
  badRequest: (message: Text, details?: unknown) => new ApiError(400, 'bad-request', message, details),
  validation: (details: unknown) =>
    new ApiError(400, 'invalid-body', { vi: 'Dữ liệu gửi lên không đúng cấu trúc', en: 'The request body does not match the schema' }, details),
  preconditionRequired: () =>
    new ApiError(428, 'precondition-required', {
      vi: 'Cần gửi kèm If-Match với ETag hiện tại (hoặc If-None-Match: * khi tạo mới) để không ghi đè dữ liệu của người khác',
      en: 'Send If-Match with the current ETag (or If-None-Match: * to create) so that nobody overwrites another person\'s data',
    }),
  conflictLocked: () =>
    new ApiError(409, 'locked', {
      vi: 'Báo cáo đã được phê duyệt nên bị khóa; cơ quan tổng hợp cần trả lại trước khi sửa',
      en: 'The report is approved and locked; the consolidator must return it before it can change',
    }),
  idempotencyMismatch: () =>
    new ApiError(422, 'idempotency-key-reused', {
      vi: 'Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác',
      en: 'This Idempotency-Key was already used for a request with a different body',
    }),
  /** 429; with the seconds to wait when known (also sent as Retry-After). */
  tooMany: (retryAfterSeconds?: number) =>
    new ApiError(
      429,
      'too-many-requests',
      { vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau ít phút', en: 'Too many requests; try again in a few minutes' },
      retryAfterSeconds === undefined ? undefined : { retryAfterSeconds },
      retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) },
    ),
  /** 422: the same code twice in one report (entries, documents or projects). */
  duplicateCodes: (duplicates: { entries: string[]; documents: string[]; projects: string[] }) => {
    const named = (list: string[]) => list.slice(0, 20).join(', ') + (list.length > 20 ? ', …' : '');
    const parts = (labels: [string, string, string]) =>
      (['entries', 'documents', 'projects'] as const)
        .map((k, i) => (duplicates[k].length > 0 ? `${labels[i]} ${named(duplicates[k])}` : null))
        .filter(Boolean)
        .join('; ');
    return new ApiError(
      422,
      'duplicate-codes',
      {
        vi: `Mỗi mã chỉ được gửi một lần trong một báo cáo; bị lặp: ${parts(['chỉ tiêu', 'văn bản', 'dự án'])}`,
        en: `Each code may appear only once in a report; repeated: ${parts(['indicators', 'documents', 'projects'])}`,
      },
      { entries: duplicates.entries.slice(0, 200), documents: duplicates.documents.slice(0, 200), projects: duplicates.projects.slice(0, 200) },
    );
  },
  internal: () => new ApiError(500, 'internal', { vi: 'Lỗi máy chủ; đã ghi nhận để kiểm tra', en: 'Server error; it has been logged' }),
};

/** zod issues → a list of { path, message } for `details`. */
export function issueList(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Array<{ path: string; message: string }> {
  return issues.slice(0, 200).map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}
