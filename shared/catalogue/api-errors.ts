import { defineEntries } from './define';
import type { EntrySpec } from './define';
import type { CatalogueEntry } from './types';
import { UPLOAD_FAILURES } from './upload';
import type { UploadFailureCode } from './upload';

/**
 * Every error the sync server answers with, one code per distinct case (what a client
 * reads; the text is for people): kind "api" of the catalogue, each with its HTTP status.
 * `{name}` in a message is filled from the error's parameters (render.ts, as for every kind).
 */

/** status, [vi, en] title, [vi, en] message. */
const e = (status: number, title: readonly [string, string], message: readonly [string, string]): EntrySpec => ({
  status,
  title: { vi: title[0], en: title[1] },
  message: { vi: message[0], en: message[1] },
});

export const API_ERRORS = defineEntries('api', {
  // ---- Who you are --------------------------------------------------------------------
  unauthenticated: e(401, ['Chưa đăng nhập', 'Not signed in'], ['Cần đăng nhập bằng mã truy cập (Bearer token)', 'A bearer token is required']),
  'invalid-token': e(401, ['Mã truy cập sai', 'Invalid token'], ['Mã truy cập không hợp lệ hoặc đã bị thu hồi', 'The token is invalid or revoked']),
  'too-many-requests': e(429, ['Quá nhiều yêu cầu', 'Too many requests'], ['Quá nhiều yêu cầu, vui lòng thử lại sau ít phút', 'Too many requests; try again in a few minutes']),
  'role-forbidden': e(403, ['Vai trò không được phép', 'Role not allowed'], ['Vai trò "{role}" không được thực hiện thao tác này', 'The "{role}" role may not do this']),
  'not-own-report': e(403, ['Báo cáo của đơn vị khác', "Another agency's report"], ['Đơn vị chỉ được xem và sửa báo cáo của chính mình', 'An agency may only read and write its own reports']),
  'consolidator-cannot-edit': e(403, ['Cơ quan tổng hợp không sửa số liệu', 'The consolidator does not edit figures'], [
    'Cơ quan tổng hợp không sửa số liệu của đơn vị; hãy trả lại báo cáo',
    "The consolidator does not edit an agency's figures; return the report instead",
  ]),
  'plan-not-reported': e(403, ['Đơn vị không báo cáo kế hoạch này', 'Agency does not report on this plan'], ['Đơn vị không báo cáo kế hoạch này trong kỳ này', 'Your agency does not report on this plan in this period']),

  // ---- What is not there ----------------------------------------------------------------
  'route-not-found': e(404, ['Không có địa chỉ', 'No such route'], ['Không có địa chỉ này', 'No such route']),
  'plan-not-found': e(404, ['Không có kế hoạch', 'No such plan'], ['Không có kế hoạch "{planId}"', 'No plan "{planId}"']),
  'agency-not-found': e(404, ['Không có đơn vị', 'No such agency'], ['Không có đơn vị "{agencyId}"', 'No agency "{agencyId}"']),
  'indicator-not-found': e(404, ['Không có chỉ tiêu', 'No such indicator'], ['Kế hoạch không có chỉ tiêu {code}', 'The plan has no indicator {code}']),
  'report-not-found': e(404, ['Chưa có báo cáo', 'No report yet'], ['Đơn vị chưa gửi báo cáo kỳ này', 'No report for this period yet']),
  'token-not-found': e(404, ['Không có mã truy cập', 'No such token'], ['Không có mã truy cập này', 'No such token']),
  'template-not-found': e(404, ['Không có mẫu biểu', 'No such template'], ['Dùng /templates/<mã đơn vị>.xlsx', 'Use /templates/<agency id>.xlsx']),

  // ---- What was sent --------------------------------------------------------------------
  'json-unreadable': e(400, ['JSON không đọc được', 'Unreadable JSON'], ['Nội dung JSON không đọc được', 'The JSON body cannot be parsed']),
  'invalid-body': e(400, ['Sai cấu trúc', 'Invalid body'], ['Dữ liệu gửi lên không đúng cấu trúc', 'The request body does not match the schema']),
  'invalid-plan': e(400, ['Kế hoạch có lỗi', 'Invalid plan'], ['Tệp kế hoạch có lỗi; xem danh sách kèm đường dẫn', 'The plan file has problems; see the list with their paths']),
  'bad-period': e(400, ['Kỳ báo cáo không hợp lệ', 'Not a period'], ['Kỳ báo cáo không hợp lệ', 'Not a period']),
  'bad-query': e(400, ['Tham số không hợp lệ', 'Bad parameters'], ['Tham số {names} không hợp lệ', 'Bad {names} parameters']),
  'bad-drafts': e(400, ['Tham số drafts không hợp lệ', 'Bad drafts parameter'], ['Tham số drafts phải là 0 hoặc 1', 'The drafts parameter must be 0 or 1']),
  'csv-required': e(400, ['Cần tệp CSV', 'CSV required'], ['Gửi tệp CSV (Content-Type: text/csv)', 'Send the CSV file (Content-Type: text/csv)']),
  'xlsx-required': e(400, ['Cần tệp .xlsx', '.xlsx required'], ['Gửi tệp .xlsx (Content-Type: {type})', 'Send the .xlsx file (Content-Type: {type})']),
  'nothing-imported': e(400, ['Không nhập được gì', 'Nothing imported'], ['Không nhập được xã, phường nào; xem các lỗi theo dòng', 'No commune could be imported; see the findings by line']),
  'agency-id-required': e(400, ['Thiếu agencyId', 'agencyId missing'], ['Mã của đơn vị cần agencyId', 'An agency token needs an agencyId']),
  'previous-not-accepted': e(400, ['Không nhận số liệu năm trước', 'previous not accepted'], [
    'Số liệu năm trước lấy từ các báo cáo đã lưu trên máy chủ (GET …/periods/<kỳ>/previous); bỏ trường "previous"',
    'Last year\'s values come from the reports stored on the server (GET …/periods/<period>/previous); remove the field "previous"',
  ]),
  'bad-idempotency-key': e(400, ['Idempotency-Key sai', 'Bad Idempotency-Key'], ['Idempotency-Key phải là 1-200 ký tự in được', 'Idempotency-Key must be 1-200 printable characters']),
  'bad-if-match': e(400, ['If-Match sai', 'Bad If-Match'], ['If-Match phải là ETag dạng "r<số phiên bản>"', 'If-Match must be a strong ETag "r<revision>"']),
  'bad-request': e(400, ['Yêu cầu không hợp lệ', 'Bad request'], ['Yêu cầu không hợp lệ', 'Bad request']),
  'too-large': e(413, ['Quá lớn', 'Too large'], ['Nội dung gửi lên quá lớn', 'The request body is too large']),
  'unsupported-encoding': e(415, ['Bảng mã không hỗ trợ', 'Unsupported encoding'], ['Bảng mã không được hỗ trợ; dùng UTF-8', 'Unsupported encoding; use UTF-8']),

  // ---- What the data says ---------------------------------------------------------------
  'unknown-period': e(422, ['Kỳ không có trong kế hoạch', 'Period not in the plan'], ['Kế hoạch không có kỳ báo cáo {period}', 'The plan has no reporting period {period}']),
  'plan-exists': e(409, ['Kế hoạch đã có', 'Plan exists'], [
    'Kế hoạch {planId} đã có (phiên bản {revision}); tăng "revision" để thêm phiên bản mới',
    'Plan {planId} exists (revision {revision}); raise "revision" to add a new one',
  ]),
  'precondition-required': e(428, ['Cần If-Match', 'If-Match required'], [
    'Cần gửi kèm If-Match với ETag hiện tại (hoặc If-None-Match: * khi tạo mới) để không ghi đè dữ liệu của người khác',
    "Send If-Match with the current ETag (or If-None-Match: * to create) so that nobody overwrites another person's data",
  ]),
  'precondition-failed': e(412, ['Đã có bản mới hơn', 'Changed by someone else'], [
    'Báo cáo đã được người khác cập nhật; xem bản trên máy chủ và chọn giữ bản nào',
    'Someone else updated the report; compare with the server version and choose',
  ]),
  'idempotency-key-reused': e(422, ['Idempotency-Key đã dùng', 'Idempotency-Key reused'], [
    'Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác',
    'This Idempotency-Key was already used for a request with a different body',
  ]),
  'duplicate-codes': e(422, ['Mã bị lặp', 'Repeated codes'], ['Mỗi mã chỉ được gửi một lần trong một báo cáo; bị lặp: {repeated}', 'Each code may appear only once in a report; repeated: {repeated}']),
  locked: e(409, ['Báo cáo đã khóa', 'Report locked'], [
    'Báo cáo đã được phê duyệt nên bị khóa; cơ quan tổng hợp cần trả lại trước khi sửa',
    'The report is approved and locked; the consolidator must return it before it can change',
  ]),
  'not-submitted': e(409, ['Chưa gửi chính thức', 'Not submitted'], ['Chỉ phê duyệt báo cáo đã gửi chính thức', 'Only a submitted report can be approved']),
  'nothing-to-return': e(409, ['Không có gì để trả lại', 'Nothing to return'], ['Báo cáo chưa gửi chính thức nên không cần trả lại', 'The report is not submitted, so there is nothing to return']),
  'has-errors': e(422, ['Báo cáo còn lỗi', 'Report has errors'], ['Báo cáo còn {errors} lỗi; sửa hết lỗi trước khi gửi chính thức', 'The report still has {errors} errors; fix them before submitting']),
  'plan-retired': e(409, ['Kế hoạch đã ngừng áp dụng', 'Plan retired'], [
    'Kế hoạch {planId} đã ngừng áp dụng ({reason}); báo cáo cũ vẫn xem được nhưng không nhận báo cáo mới',
    'Plan {planId} is retired ({reason}); its reports stay readable but it takes no new ones',
  ]),
  'plan-not-retired': e(409, ['Kế hoạch đang áp dụng', 'Plan not retired'], ['Kế hoạch {planId} (phiên bản {revision}) chưa ngừng áp dụng', 'Plan {planId} (revision {revision}) is not retired']),
  'plan-revision-not-found': e(404, ['Không có phiên bản', 'No such revision'], ['Kế hoạch {planId} không có phiên bản {revision}', 'Plan {planId} has no revision {revision}']),
  'not-judged-by-hand': e(422, ['Chỉ tiêu đánh giá tự động', 'Judged by the engine'], [
    'Chỉ tiêu {code} được đánh giá tự động theo kế hoạch; chỉ đánh giá thủ công chỉ tiêu mà kế hoạch đánh dấu "judgedByHand"',
    'Indicator {code} is judged by the engine; only targets the plan marks "judgedByHand" take a judgement',
  ]),

  // ---- Uploads: the server's own refusals (the reader's are the upload kind's, below) -------
  'upload-wrong-template': e(422, ['Sai mẫu biểu', 'Wrong template'], [
    'Tệp này là mẫu của kế hoạch, đơn vị, kỳ hoặc phiên bản khác; hãy tải mẫu đúng',
    'This file is the template of another plan, agency, period or revision; download the right one',
  ]),
  'upload-busy': e(503, ['Máy chủ đang bận', 'Server busy'], ['Máy chủ đang đọc nhiều tệp tải lên; hãy gửi lại sau ít giây', 'The server is reading many uploads; send the file again in a few seconds']),

  internal: e(500, ['Lỗi máy chủ', 'Server error'], ['Lỗi máy chủ; đã ghi nhận để kiểm tra', 'Server error; it has been logged']),
});

/**
 * An upload the reader refused (kind "upload": too large, not an .xlsx, damaged, …) is
 * answered as `upload-<code>`, with that entry's status and words: one entry serves both.
 */
export const UPLOAD_ANSWER_PREFIX = 'upload-';
export type UploadAnswerCode = `upload-${UploadFailureCode}`;

/** Every code the API answers. */
export type ApiErrorCode = keyof typeof API_ERRORS | UploadAnswerCode;

/** What an API error code is answered from: the catalogue's entry, with the status it is sent with. */
export type ApiAnswer = CatalogueEntry & { status: number };

function answered(entry: CatalogueEntry): ApiAnswer {
  if (entry.status === undefined) throw new Error(`catalogue: ${entry.kind} ${entry.code} has no HTTP status`);
  return { ...entry, status: entry.status };
}

/**
 * Every code the API answers → its entry: the api kind's own, then each upload refusal
 * under its API code (the upload entry itself; only the key is prefixed).
 */
export const API_ANSWERS: Readonly<Record<ApiErrorCode, ApiAnswer>> = Object.fromEntries([
  ...Object.values(API_ERRORS).map((entry) => [entry.code, answered(entry)] as const),
  ...Object.values(UPLOAD_FAILURES).map((entry) => [`${UPLOAD_ANSWER_PREFIX}${entry.code}`, answered(entry)] as const),
]) as Record<ApiErrorCode, ApiAnswer>;

/** The API code an entry is answered with, or undefined for a kind the API does not answer with. */
export function apiCodeOf(entry: CatalogueEntry): string | undefined {
  if (entry.kind === 'api') return entry.code;
  return entry.kind === 'upload' ? `${UPLOAD_ANSWER_PREFIX}${entry.code}` : undefined;
}
