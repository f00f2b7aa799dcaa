import { API_ERRORS } from '../../shared/catalogue/api-errors';
import type { Text } from '../../shared/i18n';
import { SUBMISSION_STATUS_LABELS as STATUS } from '../../shared/lifecycle';
import type { Lang } from '../../shared/targets/render';

/**
 * Every string the task pane shows, in Vietnamese (the users' language, the default) and
 * English. Messages from the server and the engine already come in both languages (Text);
 * the pane keeps Text values in its state so a language switch re-renders everything.
 */
export type { Lang };

export const LANG_STORAGE_KEY = 'asr.lang';

const S = {
  appTitle: ['Báo cáo chỉ tiêu an sinh xã hội', 'Social-welfare indicator reporting'],
  language: ['Ngôn ngữ', 'Language'],
  help: ['Hướng dẫn', 'Help'],
  // Each language named in itself, as language switches do.
  langVi: ['Tiếng Việt', 'Tiếng Việt'],
  langEn: ['English', 'English'],
  tabsLabel: ['Các bước', 'Steps'],

  tabConnect: ['Kết nối', 'Connect'],
  tabTemplate: ['Mẫu biểu', 'Template'],
  tabCheck: ['Kiểm tra', 'Check'],
  tabSend: ['Gửi', 'Send'],
  tabConsolidate: ['Tổng hợp', 'Consolidate'],

  // Connect
  serverUrl: ['Địa chỉ máy chủ', 'Server address'],
  serverUrlHint: ['Ví dụ https://baocao.hanoi.gov.vn', 'For example https://reports.example.gov.vn'],
  token: ['Mã truy cập', 'Access token'],
  tokenHint: [
    'Mã truy cập chỉ lưu trong bộ nhớ của add-in trên máy này, không bao giờ lưu vào tệp Excel.',
    'The token is kept in the add-in’s storage on this computer, never in the workbook.',
  ],
  connect: ['Kết nối', 'Connect'],
  disconnect: ['Đăng xuất', 'Sign out'],
  connecting: ['Đang kết nối…', 'Connecting…'],
  connectedAs: ['Đã kết nối: {who}', 'Connected: {who}'],
  roleLabel: ['Vai trò', 'Role'],
  role_agency: ['Đơn vị báo cáo', 'Reporting agency'],
  role_consolidator: ['Cơ quan tổng hợp', 'Consolidator'],
  role_admin: ['Quản trị hệ thống', 'Administrator'],
  agencyLabel: ['Đơn vị', 'Agency'],
  notConnected: ['Chưa kết nối máy chủ: nhập địa chỉ và mã truy cập ở thẻ Kết nối', 'Not connected: enter the server address and token on the Connect tab'],
  signedOut: ['Đã đăng xuất; mã truy cập đã được xóa khỏi máy này', 'Signed out; the token was removed from this computer'],
  urlRequired: ['Nhập địa chỉ máy chủ (https://…)', 'Enter the server address (https://…)'],
  tokenRequired: ['Nhập mã truy cập', 'Enter the access token'],
  urlInvalid: ['Địa chỉ máy chủ không hợp lệ; dùng dạng https://ten-may-chu', 'Not a server address; use https://host-name'],

  // Template
  plan: ['Kế hoạch', 'Plan'],
  period: ['Kỳ báo cáo', 'Reporting period'],
  chooseAgency: ['Chọn đơn vị', 'Choose an agency'],
  choosePlan: ['Chọn kế hoạch', 'Choose a plan'],
  insertTemplate: ['Chèn mẫu biểu vào Excel', 'Insert the template into Excel'],
  inserting: ['Đang chèn mẫu biểu…', 'Inserting the template…'],
  inserted: ['Đã chèn mẫu biểu ({sheets})', 'Template inserted ({sheets})'],
  templatesInWorkbook: ['Mẫu biểu trong sổ làm việc', 'Templates in this workbook'],
  noTemplates: ['Sổ làm việc chưa có mẫu biểu nào', 'This workbook has no template yet'],
  findTemplates: ['Tìm lại mẫu biểu', 'Look for templates again'],
  useTemplate: ['Dùng mẫu này', 'Use this template'],
  currentTemplate: ['Mẫu đang dùng', 'Template in use'],
  templateLine: ['{plan} · {period} · {agency}', '{plan} · {period} · {agency}'],
  noTemplate: ['Chưa có mẫu biểu: chèn mẫu ở thẻ Mẫu biểu', 'No template yet: insert one on the Template tab'],
  templateOldRevision: [
    'Mẫu biểu làm theo phiên bản {old} của kế hoạch; máy chủ đang dùng phiên bản {new}. Nên chèn mẫu mới.',
    'The template follows revision {old} of the plan; the server has revision {new}. Insert a new template.',
  ],
  onlyOwnAgency: ['Đơn vị chỉ lập báo cáo của chính mình', 'An agency reports only for itself'],
  noAssignment: ['Đơn vị này không có chỉ tiêu nào trong kỳ đã chọn', 'This agency has nothing to report in the chosen period'],

  // Check
  runCheck: ['Kiểm tra số liệu', 'Check the figures'],
  checking: ['Đang kiểm tra…', 'Checking…'],
  errors: ['Lỗi', 'Errors'],
  warnings: ['Cảnh báo', 'Warnings'],
  infos: ['Lưu ý', 'Notes'],
  findings: ['Kết quả kiểm tra', 'Findings'],
  findingsHelp: ['Bấm vào một dòng (hoặc Enter) để chọn ô tương ứng trong bảng', 'Click a line (or press Enter) to select its cell'],
  noFindings: ['Không có lỗi hay cảnh báo', 'No errors or warnings'],
  checkDone: ['Đã kiểm tra: {errors} lỗi, {warnings} cảnh báo, {infos} lưu ý', 'Checked: {errors} errors, {warnings} warnings, {infos} notes'],
  checkDonePreviousCached: [
    'Đã kiểm tra: {errors} lỗi, {warnings} cảnh báo, {infos} lưu ý. Không kết nối được máy chủ: số liệu cùng kỳ năm trước ({period}) là bản đã tải lúc {at}',
    'Checked: {errors} errors, {warnings} warnings, {infos} notes. The server cannot be reached: last year\'s values ({period}) are the copy fetched at {at}',
  ],
  checkDonePreviousNone: [
    'Đã kiểm tra: {errors} lỗi, {warnings} cảnh báo, {infos} lưu ý. Không kết nối được máy chủ và chưa có số liệu cùng kỳ năm trước đã tải: chỉ tiêu so với năm trước chưa đánh giá được',
    'Checked: {errors} errors, {warnings} warnings, {infos} notes. The server cannot be reached and last year\'s values were never fetched: targets against last year are not assessed',
  ],
  notCheckedYet: ['Chưa kiểm tra', 'Not checked yet'],
  indicatorN: ['Chỉ tiêu {code}', 'Indicator {code}'],
  documentN: ['Văn bản {code}', 'Document {code}'],
  projectN: ['Dự án {code}', 'Project {code}'],
  taskN: ['Nhiệm vụ {code}', 'Task {code}'],
  ruleN: ['Quy tắc {code}', 'Rule {code}'],
  periodWord: ['Kỳ báo cáo', 'Period'],
  workbookWord: ['Tệp Excel', 'Workbook'],
  severity_error: ['Lỗi', 'Error'],
  severity_warning: ['Cảnh báo', 'Warning'],
  severity_info: ['Lưu ý', 'Note'],
  field_value: ['kết quả', 'result'],
  field_answer: ['tự đánh giá', 'self-assessment'],
  field_denominator: ['mẫu số', 'denominator'],
  field_note: ['ghi chú', 'note'],
  field_documentStatus: ['tình trạng', 'status'],
  field_documentReference: ['số, ký hiệu', 'reference'],
  field_documentDate: ['ngày ban hành', 'date issued'],
  field_documentNote: ['ghi chú', 'note'],
  field_projectDisbursed: ['giải ngân', 'disbursed'],
  field_projectNote: ['ghi chú', 'note'],
  field_taskStatus: ['tình trạng', 'status'],
  field_taskAccount: ['kết quả thực hiện', 'account'],
  field_taskEvidence: ['văn bản minh chứng', 'evidence'],
  field_taskNote: ['ghi chú', 'note'],

  // Send
  send: ['Gửi lên máy chủ (lưu nháp)', 'Send to the server (draft)'],
  phase_idle: ['Chưa gửi', 'Not sent'],
  phase_reading: ['Đang đọc số liệu trong bảng…', 'Reading the sheet…'],
  phase_validating: ['Đang kiểm tra…', 'Checking…'],
  phase_sending: ['Đang gửi…', 'Sending…'],
  phase_saved: ['Đã lưu phiên bản {revision} ({errors} lỗi)', 'Saved as revision {revision} ({errors} errors)'],
  phase_queued: ['Mất kết nối: báo cáo đang chờ gửi lại tự động', 'Offline: the report is queued and will be sent again automatically'],
  // The two phases that are the server's refusals say what its catalogue says (codes precondition-failed, locked).
  phase_conflict: [API_ERRORS['precondition-failed'].message.vi, API_ERRORS['precondition-failed'].message.en],
  phase_locked: [API_ERRORS.locked.message.vi, API_ERRORS.locked.message.en],
  phase_error: ['Gửi không thành công', 'Sending failed'],
  step_reading: ['Đọc bảng', 'Read'],
  step_validating: ['Kiểm tra', 'Check'],
  step_sending: ['Gửi', 'Send'],
  step_saved: ['Đã lưu', 'Saved'],
  step_queued: ['Chờ gửi lại', 'Queued'],
  step_conflict: ['Xung đột', 'Conflict'],
  step_locked: ['Bị khóa', 'Locked'],
  step_error: ['Lỗi', 'Failed'],
  step_idle: ['Chưa gửi', 'Not sent'],
  queued: ['Đang chờ gửi: {n}', 'Waiting to send: {n}'],
  retryNow: ['Gửi lại ngay', 'Retry now'],
  queueSent: ['Đã gửi báo cáo đang chờ (phiên bản {revision})', 'The queued report was sent (revision {revision})'],
  queueDropped: ['Báo cáo đang chờ không gửi được: {reason}', 'A queued report could not be sent: {reason}'],
  conflictTitle: ['So sánh hai bản', 'Compare the two versions'],
  conflictServerBy: ['Bản trên máy chủ: phiên bản {revision}, lưu lúc {at}', 'Server version: revision {revision}, saved {at}'],
  colItem: ['Mục', 'Item'],
  colMine: ['Trong bảng của bạn', 'In your sheet'],
  colServer: ['Trên máy chủ', 'On the server'],
  conflictSame: ['Hai bản có cùng số liệu', 'Both versions hold the same figures'],
  keepMine: ['Giữ bản của tôi', 'Keep mine'],
  takeServer: ['Lấy bản trên máy chủ', 'Take the server’s'],
  tookServer: ['Đã ghi bản trên máy chủ vào bảng (phiên bản {revision})', 'The server version was written into the sheet (revision {revision})'],
  noConflict: ['Không có xung đột cần xử lý', 'There is no conflict to resolve'],
  submit: ['Gửi chính thức', 'Submit'],
  submitting: ['Đang gửi chính thức…', 'Submitting…'],
  submitted: ['Đã gửi chính thức (phiên bản {revision})', 'Submitted (revision {revision})'],
  submittedLate: ['Đã gửi chính thức, sau hạn (phiên bản {revision})', 'Submitted after the deadline (revision {revision})'],
  submitRefused: ['Còn {n} lỗi: sửa hết lỗi (xem thẻ Kiểm tra) trước khi gửi chính thức', '{n} errors remain: fix them (see the Check tab) before submitting'],
  submitNoTemplate: ['Chưa có biểu mẫu: chèn biểu mẫu trước khi gửi chính thức', 'No template yet: insert one before submitting'],
  submitLockedSubmitted: ['Báo cáo đã gửi chính thức và đang chờ duyệt: không gửi lại được, trừ khi cơ quan tổng hợp trả lại', 'The report is submitted and awaits review: it cannot be submitted again unless the consolidator returns it'],
  submitLockedApproved: ['Báo cáo đã được duyệt: các ô nhập liệu bị khóa, không sửa hay gửi lại được', 'The report is approved: its inputs are locked and it cannot be changed or submitted again'],
  previewRun: ['Xem trước thay đổi', 'Preview the changes'],
  previewTitle: ['Những thay đổi sẽ gửi (so với phiên bản {revision} trên máy chủ)', 'What sending changes (against revision {revision} on the server)'],
  previewTitleNew: ['Những số liệu sẽ gửi (máy chủ chưa có báo cáo này)', 'What sending adds (the server has no report yet)'],
  previewNone: ['Không có thay đổi so với bản trên máy chủ', 'Nothing differs from the server’s version'],
  inputsLocked: ['Báo cáo đã được duyệt: đã khóa các ô nhập liệu trong bảng', 'The report is approved: its input cells are locked in the sheet'],
  submitNeedsSave: ['Báo cáo chưa được lưu lên máy chủ nên chưa thể gửi chính thức', 'The report is not saved on the server yet, so it cannot be submitted'],
  reportStatus: ['Trạng thái báo cáo', 'Report status'],
  returnedComment: ['Lý do trả lại: {comment}', 'Returned because: {comment}'],

  // Consolidate
  consolidatorOnly: ['Chức năng này dành cho cơ quan tổng hợp', 'This is for the consolidator'],
  loadConsolidated: ['Tải tình hình báo cáo', 'Load the reporting status'],
  loadingConsolidated: ['Đang tải bảng tổng hợp…', 'Loading the consolidated table…'],
  writeConsolidated: ['Đưa bảng tổng hợp vào Excel', 'Write the consolidated workbook into Excel'],
  writingConsolidated: ['Đang ghi bảng tổng hợp…', 'Writing the consolidated workbook…'],
  wroteConsolidated: ['Đã ghi bảng tổng hợp ({sheets})', 'Consolidated workbook written ({sheets})'],
  downloadReport: ['Tải báo cáo Word', 'Download the Word report'],
  downloadingReport: ['Đang tạo báo cáo Word…', 'Making the Word report…'],
  downloadedReport: ['Đã tải báo cáo {file}', 'Report downloaded: {file}'],
  submissions: ['Tình hình gửi báo cáo', 'Submissions'],
  colAgency: ['Đơn vị', 'Agency'],
  colStatus: ['Trạng thái', 'Status'],
  colIndicators: ['Số chỉ tiêu', 'Indicators'],
  colActions: ['Thao tác', 'Actions'],
  approve: ['Phê duyệt', 'Approve'],
  returnReport: ['Trả lại', 'Return'],
  returnComment: ['Lý do trả lại', 'Reason for returning'],
  returnConfirm: ['Xác nhận trả lại', 'Confirm return'],
  cancel: ['Hủy', 'Cancel'],
  commentRequired: ['Ghi lý do trả lại', 'Give the reason for returning'],
  approved: ['Đã phê duyệt báo cáo của {agency}', 'Approved the report of {agency}'],
  returned: ['Đã trả lại báo cáo của {agency}', 'Returned the report of {agency}'],
  // The statuses as the lifecycle names them (shared/lifecycle.ts), as the citywide workbook does.
  status_missing: [STATUS.missing.vi, STATUS.missing.en],
  status_draft: [STATUS.draft.vi, STATUS.draft.en],
  status_submitted: [STATUS.submitted.vi, STATUS.submitted.en],
  status_late: [STATUS.late.vi, STATUS.late.en],
  status_approved: [STATUS.approved.vi, STATUS.approved.en],
  status_returned: [STATUS.returned.vi, STATUS.returned.en],
  consolidateDrafts: ['Xem trước gồm cả bản nháp (chưa gửi chính thức)', 'Preview including drafts (not yet submitted)'],
  basis_submitted: ['Số liệu: báo cáo đã gửi chính thức hoặc đã duyệt; bản nháp đang sửa chưa được tính, báo cáo bị trả lại không được tính', 'Figures: submitted or approved reports; drafts being corrected and returned reports are not counted'],
  basis_drafts: ['Số liệu GỒM CẢ BẢN NHÁP chưa gửi chính thức — chỉ để xem trước', 'Figures INCLUDE DRAFTS not yet submitted — a preview only'],
  countLateOf: ['trong đó {n} gửi muộn', '{n} of them late'],
  countUpdating: ['Đang sửa báo cáo đã gửi', 'Correcting a submitted report'],
  updatingSince: ['Đang sửa từ {time}', 'Correcting since {time}'],
  returnedOn: ['Trả lại lúc {time}: {comment}', 'Returned on {time}: {comment}'],
  returnedBefore: ['Đã từng trả lại lúc {time}: {comment}', 'Returned earlier, on {time}: {comment}'],
  handJudged: ['Chỉ tiêu do cơ quan tổng hợp đánh giá', 'Indicators judged by the consolidator'],
  handJudgedHelp: ['Kế hoạch không ghi chỉ tiêu bằng số nên hệ thống không tự đánh giá được; chọn kết quả và ghi lý do', 'The plan does not state these targets as figures, so the engine cannot judge them; choose the result and give the reason'],
  judgementNone: ['Chưa đánh giá', 'Not judged yet'],
  judgementBy: ['{verdict} — {reason} ({who}, {time})', '{verdict} — {reason} ({who}, {time})'],
  judgementVerdict: ['Kết quả', 'Result'],
  judgementReason: ['Lý do', 'Reason'],
  judgementSave: ['Ghi đánh giá', 'Record the judgement'],
  judgementReasonRequired: ['Ghi lý do đánh giá', 'Give the reason for the judgement'],
  judged: ['Đã ghi đánh giá chỉ tiêu {code}', 'Recorded the judgement of indicator {code}'],
  verdict_met: ['Đạt', 'Met'],
  verdict_withinTolerance: ['Cơ bản đạt', 'Basically met'],
  verdict_notMet: ['Không đạt', 'Not met'],
  notCounted: ['Chưa tính vào bảng', 'Not counted'],
  categories: ['Phân loại chỉ tiêu', 'Indicators by category'],
  changeSince: ['so với {period}', 'compared with {period}'],
  tasksTitle: ['Nhiệm vụ ({n})', 'Tasks ({n})'],
  tasksOverdue: ['Quá hạn chưa hoàn thành: {n}{codes}', 'Overdue, not completed: {n}{codes}'],
  tasksOverdueShort: ['{n} quá hạn', '{n} overdue'],
  tasksOf: ['{n} nhiệm vụ', '{n} tasks'],
  // Review before approval (components/report-review.ts) and the agency list's filters (components/agency-filters.ts)
  revisionN: ['Lần gửi {n}', 'Revision {n}'],
  reviewOpen: ['Xem báo cáo', 'Open report'],
  reviewTitle: ['Báo cáo của {agency} — {period}', 'Report of {agency} — {period}'],
  reviewClose: ['Đóng', 'Close'],
  reviewNoReport: ['{agency} chưa có báo cáo', '{agency} has no report yet'],
  reviewSaved: ['{revision}, lưu lúc {time}', '{revision}, saved {time}'],
  reviewFigures: ['Số liệu', 'Figures'],
  colTyped: ['Số nhập', 'As typed'],
  colRead: ['Số đọc được', 'As read'],
  colTarget: ['Chỉ tiêu năm', 'Target of the year'],
  colProgress: ['Tiến độ (% KH năm / % MT giai đoạn)', 'Progress (% of year plan / % of period target)'],
  reviewFindings: ['Lỗi và cảnh báo ({n})', 'Findings ({n})'],
  reviewNoFindings: ['Không có lỗi hay cảnh báo', 'No findings'],
  reviewNotes: ['Ghi chú, nguyên nhân', 'Notes and reasons'],
  reviewNoNotes: ['Không có ghi chú', 'No notes'],
  reviewOthers: ['Văn bản, dự án, nhiệm vụ', 'Documents, projects, tasks'],
  reviewHistory: ['Lịch sử ({n} lần gửi)', 'History ({n} revisions)'],
  reviewBy: ['{revision} — {who}, {time} — {action}', '{revision} — {who}, {time} — {action}'],
  reviewNoChange: ['Không thay đổi số liệu', 'No figure changed'],
  reviewChange: ['{where} · {field}: {from} → {to}', '{where} · {field}: {from} → {to}'],
  cell_value: ['số liệu', 'value'],
  cell_answer: ['kết quả', 'answer'],
  cell_denominator: ['mẫu số', 'denominator'],
  cell_note: ['ghi chú', 'note'],
  cell_numberFormat: ['định dạng số', 'number format'],
  cell_status: ['tình trạng', 'status'],
  cell_reference: ['số, ký hiệu văn bản', 'document number'],
  cell_issuedOn: ['ngày ban hành', 'issued on'],
  cell_disbursed: ['giải ngân (triệu đồng)', 'disbursed (million VND)'],
  cell_account: ['kết quả thực hiện', 'account'],
  cell_documents: ['văn bản', 'documents'],
  action_put: ['lưu bản nháp', 'saved a draft'],
  action_submit: ['gửi chính thức', 'submitted'],
  action_approve: ['phê duyệt', 'approved'],
  action_return: ['trả lại', 'returned'],
  action_upload: ['tải tệp lên', 'uploaded a file'],
  filterStatus: ['Lọc theo trạng thái', 'Filter by status'],
  filterAll: ['Tất cả', 'All'],
  filterLateOnly: ['Chỉ đơn vị gửi muộn', 'Late only'],
  filterWithErrors: ['Chỉ đơn vị có lỗi', 'With errors only'],
  sortBy: ['Sắp xếp', 'Sort by'],
  sort_status: ['Trạng thái (chờ duyệt trước)', 'Status (awaiting decision first)'],
  sort_name: ['Tên đơn vị', 'Agency name'],
  sort_submitted: ['Ngày gửi (mới nhất trước)', 'Submitted date (newest first)'],
  filterShown: ['Đang hiện {n}/{total} đơn vị', 'Showing {n} of {total} agencies'],
  reminderCopy: ['Sao chép danh sách nhắc nộp', 'Copy the reminder list'],
  reminderCopied: ['Đã sao chép danh sách {n} đơn vị gửi muộn hoặc chưa nộp', 'Copied the list of {n} late or missing agencies'],
  reminderHeading: ['Danh sách đơn vị gửi muộn hoặc chưa nộp báo cáo {period} ({n} đơn vị):', 'Agencies late or missing for the report of {period} ({n}):'],

  // Generic
  notInExcel: ['Mở add-in trong Excel để dùng chức năng này', 'Open the add-in in Excel to use this'],
  networkError: ['Không kết nối được máy chủ; kiểm tra mạng rồi thử lại', 'The server cannot be reached; check the network and try again'],
  serverError: ['Máy chủ trả lời lỗi {status}', 'The server answered with error {status}'],
  unexpected: ['Có lỗi: {message}', 'Something went wrong: {message}'],
  busy: ['Đang xử lý…', 'Working…'],
  empty: ['(trống)', '(blank)'],
} satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof S;
export type Params = Record<string, string | number>;

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** One string in one language. */
export function t(key: MessageKey, lang: Lang, params?: Params): string {
  const pair = S[key];
  return fill(lang === 'en' ? pair[1] : pair[0], params);
}

/** Both languages, for state that must survive a language switch. */
export function tt(key: MessageKey, params?: Params): Text {
  return { vi: t(key, 'vi', params), en: t(key, 'en', params) };
}

/** Pick a Text in the UI language. */
export function pick(text: Text, lang: Lang): string {
  return lang === 'en' ? text.en : text.vi;
}

export const MESSAGE_KEYS = Object.keys(S) as MessageKey[];
const KEYS = new Set<string>(MESSAGE_KEYS);
/** Whether a key built at run time (`cell_${field}`) has a message. */
export const isMessageKey = (key: string): key is MessageKey => KEYS.has(key);

/** Reads the language stored in localStorage (Vietnamese unless English was chosen). */
export function storedLang(storage: Pick<KeyValueStorage, 'getItem'>): Lang {
  try {
    return storage.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function storeLang(storage: KeyValueStorage, lang: Lang): void {
  try {
    storage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    /* storage full or disabled: the choice lasts for this session */
  }
}

/** The part of localStorage the pane uses; a Map-backed one stands in for it in tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
