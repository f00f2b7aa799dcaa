/**
 * Every error the sync server answers with, one entry per distinct case: its code (what a
 * client reads; the text is for people), its HTTP status, a short title and the message
 * template in Vietnamese and English. `{name}` in a template is filled from the error's
 * parameters (fill). Self-contained on purpose: the pane, the server and the README read it.
 */

export interface ApiErrorText {
  vi: string;
  en: string;
}

export interface ApiErrorEntry {
  code: string;
  status: number;
  title: ApiErrorText;
  message: ApiErrorText;
}

const entry = <C extends string>(code: C, status: number, title: [string, string], message: [string, string]): ApiErrorEntry & { code: C } => ({
  code,
  status,
  title: { vi: title[0], en: title[1] },
  message: { vi: message[0], en: message[1] },
});

/** What reading an uploaded workbook refused; the reader words the message itself (server/xlsx/read.ts). */
const upload = <C extends string>(code: C, status: number, title: [string, string]) => entry(`upload-${code}` as const, status, title, [`${title[0]}: {reason}`, `${title[1]}: {reason}`]);

const LIST = [
  // ---- Who you are --------------------------------------------------------------------
  entry('unauthenticated', 401, ['Chưa đăng nhập', 'Not signed in'], ['Cần đăng nhập bằng mã truy cập (Bearer token)', 'A bearer token is required']),
  entry('invalid-token', 401, ['Mã truy cập sai', 'Invalid token'], ['Mã truy cập không hợp lệ hoặc đã bị thu hồi', 'The token is invalid or revoked']),
  entry('too-many-requests', 429, ['Quá nhiều yêu cầu', 'Too many requests'], ['Quá nhiều yêu cầu, vui lòng thử lại sau ít phút', 'Too many requests; try again in a few minutes']),
  entry('role-forbidden', 403, ['Vai trò không được phép', 'Role not allowed'], ['Vai trò "{role}" không được thực hiện thao tác này', 'The "{role}" role may not do this']),
  entry('not-own-report', 403, ['Báo cáo của đơn vị khác', "Another agency's report"], ['Đơn vị chỉ được xem và sửa báo cáo của chính mình', 'An agency may only read and write its own reports']),
  entry('consolidator-cannot-edit', 403, ['Cơ quan tổng hợp không sửa số liệu', 'The consolidator does not edit figures'], [
    'Cơ quan tổng hợp không sửa số liệu của đơn vị; hãy trả lại báo cáo',
    "The consolidator does not edit an agency's figures; return the report instead",
  ]),
  entry('plan-not-reported', 403, ['Đơn vị không báo cáo kế hoạch này', 'Agency does not report on this plan'], ['Đơn vị không báo cáo kế hoạch này trong kỳ này', 'Your agency does not report on this plan in this period']),

  // ---- What is not there ----------------------------------------------------------------
  entry('route-not-found', 404, ['Không có địa chỉ', 'No such route'], ['Không có địa chỉ này', 'No such route']),
  entry('plan-not-found', 404, ['Không có kế hoạch', 'No such plan'], ['Không có kế hoạch "{planId}"', 'No plan "{planId}"']),
  entry('agency-not-found', 404, ['Không có đơn vị', 'No such agency'], ['Không có đơn vị "{agencyId}"', 'No agency "{agencyId}"']),
  entry('indicator-not-found', 404, ['Không có chỉ tiêu', 'No such indicator'], ['Kế hoạch không có chỉ tiêu {code}', 'The plan has no indicator {code}']),
  entry('report-not-found', 404, ['Chưa có báo cáo', 'No report yet'], ['Đơn vị chưa gửi báo cáo kỳ này', 'No report for this period yet']),
  entry('token-not-found', 404, ['Không có mã truy cập', 'No such token'], ['Không có mã truy cập này', 'No such token']),
  entry('template-not-found', 404, ['Không có mẫu biểu', 'No such template'], ['Dùng /templates/<mã đơn vị>.xlsx', 'Use /templates/<agency id>.xlsx']),

  // ---- What was sent --------------------------------------------------------------------
  entry('json-unreadable', 400, ['JSON không đọc được', 'Unreadable JSON'], ['Nội dung JSON không đọc được', 'The JSON body cannot be parsed']),
  entry('invalid-body', 400, ['Sai cấu trúc', 'Invalid body'], ['Dữ liệu gửi lên không đúng cấu trúc', 'The request body does not match the schema']),
  entry('invalid-plan', 400, ['Kế hoạch có lỗi', 'Invalid plan'], ['Tệp kế hoạch có lỗi; xem danh sách kèm đường dẫn', 'The plan file has problems; see the list with their paths']),
  entry('bad-period', 400, ['Kỳ báo cáo không hợp lệ', 'Not a period'], ['Kỳ báo cáo không hợp lệ', 'Not a period']),
  entry('bad-query', 400, ['Tham số không hợp lệ', 'Bad parameters'], ['Tham số {names} không hợp lệ', 'Bad {names} parameters']),
  entry('bad-drafts', 400, ['Tham số drafts không hợp lệ', 'Bad drafts parameter'], ['Tham số drafts phải là 0 hoặc 1', 'The drafts parameter must be 0 or 1']),
  entry('csv-required', 400, ['Cần tệp CSV', 'CSV required'], ['Gửi tệp CSV (Content-Type: text/csv)', 'Send the CSV file (Content-Type: text/csv)']),
  entry('xlsx-required', 400, ['Cần tệp .xlsx', '.xlsx required'], ['Gửi tệp .xlsx (Content-Type: {type})', 'Send the .xlsx file (Content-Type: {type})']),
  entry('nothing-imported', 400, ['Không nhập được gì', 'Nothing imported'], ['Không nhập được xã, phường nào; xem các lỗi theo dòng', 'No commune could be imported; see the findings by line']),
  entry('agency-id-required', 400, ['Thiếu agencyId', 'agencyId missing'], ['Mã của đơn vị cần agencyId', 'An agency token needs an agencyId']),
  entry('previous-not-accepted', 400, ['Không nhận số liệu năm trước', 'previous not accepted'], [
    'Số liệu năm trước lấy từ các báo cáo đã lưu trên máy chủ (GET …/periods/<kỳ>/previous); bỏ trường "previous"',
    'Last year\'s values come from the reports stored on the server (GET …/periods/<period>/previous); remove the field "previous"',
  ]),
  entry('bad-idempotency-key', 400, ['Idempotency-Key sai', 'Bad Idempotency-Key'], ['Idempotency-Key phải là 1-200 ký tự in được', 'Idempotency-Key must be 1-200 printable characters']),
  entry('bad-if-match', 400, ['If-Match sai', 'Bad If-Match'], ['If-Match phải là ETag dạng "r<số phiên bản>"', 'If-Match must be a strong ETag "r<revision>"']),
  entry('bad-request', 400, ['Yêu cầu không hợp lệ', 'Bad request'], ['Yêu cầu không hợp lệ', 'Bad request']),
  entry('too-large', 413, ['Quá lớn', 'Too large'], ['Nội dung gửi lên quá lớn', 'The request body is too large']),
  entry('unsupported-encoding', 415, ['Bảng mã không hỗ trợ', 'Unsupported encoding'], ['Bảng mã không được hỗ trợ; dùng UTF-8', 'Unsupported encoding; use UTF-8']),

  // ---- What the data says ---------------------------------------------------------------
  entry('unknown-period', 422, ['Kỳ không có trong kế hoạch', 'Period not in the plan'], ['Kế hoạch không có kỳ báo cáo {period}', 'The plan has no reporting period {period}']),
  entry('plan-exists', 409, ['Kế hoạch đã có', 'Plan exists'], [
    'Kế hoạch {planId} đã có (phiên bản {revision}); tăng "revision" để thêm phiên bản mới',
    'Plan {planId} exists (revision {revision}); raise "revision" to add a new one',
  ]),
  entry('precondition-required', 428, ['Cần If-Match', 'If-Match required'], [
    'Cần gửi kèm If-Match với ETag hiện tại (hoặc If-None-Match: * khi tạo mới) để không ghi đè dữ liệu của người khác',
    "Send If-Match with the current ETag (or If-None-Match: * to create) so that nobody overwrites another person's data",
  ]),
  entry('precondition-failed', 412, ['Đã có bản mới hơn', 'Changed by someone else'], [
    'Báo cáo đã được người khác cập nhật; xem bản trên máy chủ và chọn giữ bản nào',
    'Someone else updated the report; compare with the server version and choose',
  ]),
  entry('idempotency-key-reused', 422, ['Idempotency-Key đã dùng', 'Idempotency-Key reused'], [
    'Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác',
    'This Idempotency-Key was already used for a request with a different body',
  ]),
  entry('duplicate-codes', 422, ['Mã bị lặp', 'Repeated codes'], ['Mỗi mã chỉ được gửi một lần trong một báo cáo; bị lặp: {repeated}', 'Each code may appear only once in a report; repeated: {repeated}']),
  entry('locked', 409, ['Báo cáo đã khóa', 'Report locked'], [
    'Báo cáo đã được phê duyệt nên bị khóa; cơ quan tổng hợp cần trả lại trước khi sửa',
    'The report is approved and locked; the consolidator must return it before it can change',
  ]),
  entry('not-submitted', 409, ['Chưa gửi chính thức', 'Not submitted'], ['Chỉ phê duyệt báo cáo đã gửi chính thức', 'Only a submitted report can be approved']),
  entry('nothing-to-return', 409, ['Không có gì để trả lại', 'Nothing to return'], ['Báo cáo chưa gửi chính thức nên không cần trả lại', 'The report is not submitted, so there is nothing to return']),
  entry('has-errors', 422, ['Báo cáo còn lỗi', 'Report has errors'], ['Báo cáo còn {errors} lỗi; sửa hết lỗi trước khi gửi chính thức', 'The report still has {errors} errors; fix them before submitting']),
  entry('not-judged-by-hand', 422, ['Chỉ tiêu đánh giá tự động', 'Judged by the engine'], [
    'Chỉ tiêu {code} được đánh giá tự động theo kế hoạch; chỉ đánh giá thủ công chỉ tiêu mà kế hoạch đánh dấu "judgedByHand"',
    'Indicator {code} is judged by the engine; only targets the plan marks "judgedByHand" take a judgement',
  ]),

  // ---- Uploads --------------------------------------------------------------------------
  entry('upload-wrong-template', 422, ['Sai mẫu biểu', 'Wrong template'], [
    'Tệp này là mẫu của kế hoạch, đơn vị, kỳ hoặc phiên bản khác; hãy tải mẫu đúng',
    'This file is the template of another plan, agency, period or revision; download the right one',
  ]),
  entry('upload-busy', 503, ['Máy chủ đang bận', 'Server busy'], ['Máy chủ đang đọc nhiều tệp tải lên; hãy gửi lại sau ít giây', 'The server is reading many uploads; send the file again in a few seconds']),
  upload('too-large', 413, ['Tệp quá lớn', 'File too large']),
  upload('too-large-inflated', 413, ['Tệp giải nén quá lớn', 'File unpacks too large']),
  upload('too-many-parts', 413, ['Tệp quá nhiều thành phần', 'Too many parts']),
  upload('unsafe-zip', 422, ['Tệp có thành phần bất thường', 'Unsafe part name']),
  upload('not-xlsx', 422, ['Không phải tệp .xlsx', 'Not an .xlsx file']),
  upload('not-our-template', 422, ['Không phải mẫu biểu của hệ thống', 'Not our template']),
  upload('damaged', 422, ['Tệp bị hỏng', 'Damaged file']),

  entry('internal', 500, ['Lỗi máy chủ', 'Server error'], ['Lỗi máy chủ; đã ghi nhận để kiểm tra', 'Server error; it has been logged']),
] as const satisfies readonly ApiErrorEntry[];

export type ApiErrorCode = (typeof LIST)[number]['code'];

/** Code → entry. */
export const API_ERRORS: Readonly<Record<ApiErrorCode, ApiErrorEntry>> = Object.fromEntries(LIST.map((e) => [e.code, e])) as Record<ApiErrorCode, ApiErrorEntry>;

/** "{name}" → params.name; a placeholder without a parameter stays as it is, so a forgotten one shows. */
export function fill(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}
