import { defineEntries } from './define';
import type { EntrySpec } from './define';
import type { Severity } from '../schema/plan';

/**
 * Problems of a plan file before it is added (shared/plan-check.ts): kind "plan" of the
 * catalogue. `{path}` is where the problem is, naming rows by their codes
 * (`indicators[3.1].targets.2025`), so the messages need not repeat it.
 */

/** severity, [vi, en] title, [vi, en] message, [vi, en] hint. */
const p = (severity: Severity, title: readonly [string, string], message: readonly [string, string], hint: readonly [string, string]): EntrySpec => ({
  severity,
  title: { vi: title[0], en: title[1] },
  message: { vi: message[0], en: message[1] },
  hint: { vi: hint[0], en: hint[1] },
});

const SCHEMA_HINT = ['Xem shared/schema/plan.schema.json (trình soạn thảo gợi ý các trường)', 'See shared/schema/plan.schema.json (editors complete the fields from it)'] as const;

export const PLAN_CHECK_PROBLEMS = defineEntries('plan', {
  // ---- The file --------------------------------------------------------------------------
  'plan-not-json': p('error', ['Không phải JSON', 'Not JSON'], ['Tệp kế hoạch không phải JSON hợp lệ: {detail}', 'The plan file is not valid JSON: {detail}'], ['Kiểm tra dấu phẩy, ngoặc và dấu nháy', 'Check commas, brackets and quotes']),
  'plan-not-object': p('error', ['Không phải kế hoạch', 'Not a plan'], ['Tệp kế hoạch phải là một đối tượng JSON {…}', 'A plan file is one JSON object {…}'], SCHEMA_HINT),

  // ---- The schema, item by item ------------------------------------------------------------
  'schema-missing': p('error', ['Thiếu trường', 'Field missing'], ['Thiếu trường bắt buộc (cần {expected})', 'A required field is missing (expected {expected})'], SCHEMA_HINT),
  'schema-type': p('error', ['Sai kiểu dữ liệu', 'Wrong type'], ['Cần {expected}, nhưng có {received}', 'Expected {expected}, found {received}'], SCHEMA_HINT),
  'schema-unknown-field': p('error', ['Trường không có trong mẫu', 'Unknown field'], ['Trường không có trong định dạng kế hoạch: {keys}', 'Not a field of the plan format: {keys}'], [
    'Kiểm tra chính tả tên trường (phân biệt chữ hoa, chữ thường)',
    'Check the spelling of the field name (case matters)',
  ]),
  'schema-not-allowed': p('error', ['Giá trị không được phép', 'Value not allowed'], ['Giá trị không được phép; chọn một trong: {options}', 'Value not allowed; choose one of: {options}'], SCHEMA_HINT),
  'schema-format': p('error', ['Sai định dạng', 'Wrong format'], ['Sai định dạng: {rule}', 'Wrong format: {rule}'], SCHEMA_HINT),
  'schema-too-small': p('error', ['Quá nhỏ hoặc quá ngắn', 'Too small or too short'], ['Cần tối thiểu {minimum}', 'Needs at least {minimum}'], SCHEMA_HINT),
  'schema-too-big': p('error', ['Quá lớn hoặc quá dài', 'Too big or too long'], ['Cho phép tối đa {maximum}', 'Allows at most {maximum}'], SCHEMA_HINT),
  'schema-other': p('error', ['Không đúng định dạng kế hoạch', 'Not the plan format'], ['Không đúng định dạng kế hoạch ({detail})', 'Does not match the plan format ({detail})'], SCHEMA_HINT),

  // ---- Years and reporting periods -----------------------------------------------------------
  'years-reversed': p('error', ['Năm kết thúc trước năm bắt đầu', 'End before start'], ['Năm kết thúc {endYear} trước năm bắt đầu {startYear}', 'endYear {endYear} is before startYear {startYear}'], [
    'Sửa startYear hoặc endYear',
    'Correct startYear or endYear',
  ]),
  'target-year-outside': p('error', ['Năm chỉ tiêu ngoài giai đoạn', 'Target year outside the plan'], ['Năm {year} nằm ngoài giai đoạn {startYear}-{endYear} của kế hoạch', 'Year {year} is outside the plan period {startYear}-{endYear}'], [
    'Sửa năm của chỉ tiêu hoặc giai đoạn của kế hoạch',
    "Correct the target's year or the plan period",
  ]),
  'period-repeated': p('error', ['Kỳ báo cáo bị lặp', 'Period kind repeated'], ['Kỳ báo cáo {kind} được khai báo nhiều lần', 'The reporting period {kind} is set more than once'], [
    'Mỗi loại kỳ (3M, 6M, 9M, year) khai báo một lần',
    'Set each kind of period (3M, 6M, 9M, year) once',
  ]),
  'period-bad-day': p('error', ['Ngày không có thật', 'No such day'], ['"{day}" không phải là một ngày trong năm (MM-DD)', '"{day}" is not a day of the year (MM-DD)'], [
    'Viết tháng trước, ngày sau: "12-15" là ngày 15 tháng 12',
    'Write the month first, then the day: "12-15" is 15 December',
  ]),

  // ---- Codes and references ----------------------------------------------------------------
  'code-repeated': p('error', ['Mã bị lặp', 'Code repeated'], ['Mã {code} được dùng cho nhiều {what}', 'The code {code} is used by more than one of the {what}'], ['Mỗi mã chỉ dùng một lần', 'Use each code once']),
  'code-clash': p('error', ['Mã trùng tên ô', 'Codes clash'], ['Mã {code} chỉ khác mã {other} ở chữ hoa, chữ thường hoặc dấu câu: hai {what} sẽ dùng chung ô nhập trong biểu mẫu', 'The code {code} differs from {other} only by case or punctuation: the two {what} would share their input cells in the template'], ['Đặt hai mã khác nhau rõ ràng', 'Give the two clearly different codes']),
  'parent-unknown': p('error', ['Không có chỉ tiêu cha', 'No such parent'], ['Chỉ tiêu cha {parent} không có trong kế hoạch', 'The parent {parent} is not an indicator of the plan'], ['Sửa "parent" hoặc thêm dòng tiêu đề đó', 'Correct "parent" or add that heading']),
  'group-unknown': p('error', ['Không có nhóm dự án', 'No such project group'], ['Nhóm dự án {group} không có trong projectGroups', 'The project group {group} is not in projectGroups'], ['Sửa "group" hoặc thêm nhóm đó', 'Correct "group" or add that group']),
  'rule-unknown-indicator': p('error', ['Quy tắc nêu chỉ tiêu không có', 'Rule names a missing indicator'], ['Quy tắc {rule} nêu chỉ tiêu {code} không có trong kế hoạch', 'Rule {rule} names indicator {code}, which the plan does not have'], [
    'Sửa mã chỉ tiêu trong quy tắc',
    'Correct the indicator code in the rule',
  ]),
  'rule-unknown-project': p('error', ['Quy tắc nêu dự án không có', 'Rule names a missing project'], ['Quy tắc {rule} nêu dự án hoặc nhóm {code} không có trong kế hoạch', 'Rule {rule} names project or group {code}, which the plan does not have'], [
    'Sửa mã dự án hoặc nhóm trong quy tắc',
    'Correct the project or group code in the rule',
  ]),

  // ---- Agencies ----------------------------------------------------------------------------
  'agency-unknown': {
    ...p('error', ['Không có đơn vị', 'Unknown agency'], ['Đơn vị "{agencyId}" không có trong danh mục đơn vị', 'The agency "{agencyId}" is not in the register'], [
      'Dùng mã đơn vị trong danh mục (GET /api/agencies), hoặc thêm đơn vị trước (npm run admin -- agency add)',
      'Use an id of the register (GET /api/agencies), or add the agency first (npm run admin -- agency add)',
    ]),
    variants: {
      named: { hint: { vi: 'Tên này ứng với mã {suggestion}: ghi mã, không ghi tên', en: 'This name is the agency {suggestion}: write its id, not its name' } },
    },
  },
  'agency-outside-period': p('warning', ['Đơn vị không tồn tại trong giai đoạn', 'Agency not in existence during the plan'], [
    'Đơn vị "{agencyId}" không còn hoặc chưa tồn tại trong giai đoạn {startYear}-{endYear} ({validity})',
    'The agency "{agencyId}" does not exist during {startYear}-{endYear} ({validity})',
  ], ['Giao cho đơn vị kế nhiệm (sau sắp xếp năm 2025)', 'Assign it to the successor (after the 2025 reorganisation)']),

  // ---- Targets -----------------------------------------------------------------------------
  'target-unreadable': p('error', ['Chỉ tiêu không đọc được', 'Target not understood'], ['Không đọc được chỉ tiêu "{text}" ({reason})', 'The target "{text}" is not understood ({reason})'], [
    'Viết theo ngôn ngữ chỉ tiêu (README, "Target language"), hoặc đánh dấu "judgedByHand": true để cơ quan tổng hợp tự đánh giá',
    'Write it in the target language (README, "Target language"), or mark it "judgedByHand": true so that the consolidator judges it',
  ]),
  'target-disagrees': p('error', ['Biểu thức khác với chữ', 'Stored target disagrees'], ['Biểu thức ghi kèm khác với chữ "{text}" (chữ đọc là: {reading})', 'The stored expression disagrees with its text "{text}" (the text reads as: {reading})'], [
    'Bỏ trường "target" (sẽ được đọc từ chữ) hoặc sửa cho khớp',
    'Leave "target" out (it is read from the text) or make it agree',
  ]),
  'hand-mark-readable': p('error', ['Đánh dấu thủ công thừa', 'Needless judgedByHand'], ['Chỉ tiêu "{text}" đọc được ({reading}); "judgedByHand" chỉ dành cho chỉ tiêu không đọc được', 'The target "{text}" is read ({reading}); "judgedByHand" is only for targets the engine cannot read'], [
    'Bỏ "judgedByHand": một chỉ tiêu chỉ có một cách đánh giá',
    'Remove "judgedByHand": a target has one way to be judged',
  ]),

  // ---- The answer ---------------------------------------------------------------------------
  'problems-cut': p('warning', ['Còn nhiều vấn đề khác', 'More problems not listed'], [
    'Chỉ liệt kê {shown} vấn đề đầu tiên; còn {more} vấn đề khác',
    'Only the first {shown} problems are listed; {more} more are not',
  ], ['Sửa các vấn đề trên rồi kiểm tra lại', 'Fix the problems above and check again']),

  // ---- The catalog ------------------------------------------------------------------------
  'revision-exists': p('error', ['Phiên bản đã có', 'Revision exists'], ['Kế hoạch {planId} đã có phiên bản {revision}; phiên bản mới phải lớn hơn', 'Plan {planId} already has revision {revision}; a new one must be higher'], [
    'Tăng "revision" (và ghi "revisionNote")',
    'Raise "revision" (and say why in "revisionNote")',
  ]),
});

export type PlanCheckCode = keyof typeof PLAN_CHECK_PROBLEMS;
