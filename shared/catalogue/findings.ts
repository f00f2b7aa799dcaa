import { roundFloat } from '../numbers';
import { defineEntries, num, str } from './define';
import type { CatalogueVariant, Lang, Params } from './types';
import { text as t } from '../i18n';
import type { Text } from '../i18n';

/**
 * The engine's findings on a report (kind "finding") and those made while reading a
 * workbook's cells (kind "reading"). Messages are templates; `format` derives the
 * placeholders that need logic, so every producer only gives what it found.
 */

const USE_TEMPLATE = t('Dùng mẫu biểu tải từ hệ thống', 'Use the template from the system');
const CHECK_FIGURE_AND_UNIT = t('Kiểm tra lại số liệu và đơn vị', 'Check the figure and its unit');
const CHECK_MILLION_VND = t('Kiểm tra lại số liệu (đơn vị: triệu đồng)', 'Check the figure (unit: million VND)');

/** A disbursement (million VND) that cannot be read: the same words whatever the reader found. */
const DISBURSEMENT_UNREADABLE: CatalogueVariant = {
  message: t('Giá trị giải ngân của dự án {project} không đọc được', 'The disbursement of project {project} cannot be read'),
  hint: t('Nhập số triệu đồng, ví dụ 28.305 hoặc 28305', 'Enter million VND, e.g. 28305'),
};
/** A value the number reader refused that looks like a formula (only dashes get this far: see shared/entries.ts). */
const FORMULA_HINT: CatalogueVariant = { hint: t('Chỉ nhập số liệu, không nhập công thức', 'Enter the figure itself, not a formula') };
const NUMBER_EXAMPLE = t('Ví dụ: 85,5 hoặc 1.036.609', 'For example: 85,5 or 1.036.609');

/** Numbers in a message at the precision the engine shows them (6 decimals for a value read, 4 for a comparison). */
const numbers =
  (decimals: number, ...names: string[]) =>
  (p: Params, lang: Lang): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const n of names) if (p[n] !== undefined) out[n] = num(p[n], lang, decimals);
    return out;
  };

/** The periods of a plan as listed in a message: all of them up to 30, else the first twelve and the last three. */
function periodList(p: Params): Record<string, string> {
  const periods = Array.isArray(p.periods) ? p.periods.map(String) : [];
  return { periods: periods.length <= 30 ? periods.join(', ') : `${periods.slice(0, 12).join(', ')}, …, ${periods.slice(-3).join(', ')}` };
}

export const FINDINGS = defineEntries('finding', {
  'unknown-indicator': {
    severity: 'error',
    title: t('Chỉ tiêu không có trong kế hoạch', 'Unknown indicator'),
    message: t('Kế hoạch {plan} không có chỉ tiêu "{code}"', 'Plan {plan} has no indicator "{code}"'),
    hint: t('Dùng mẫu biểu tải từ hệ thống, không sửa cột mã chỉ tiêu', 'Use the template from the system and keep the indicator codes as they are'),
    variants: { 'no-code': { message: t('Có một dòng không đọc được (không có mã chỉ tiêu)', 'A row could not be read (it has no indicator code)') } },
  },
  'duplicate-entry': {
    severity: 'error',
    title: t('Chỉ tiêu nhập nhiều lần', 'Indicator entered twice'),
    message: t('Chỉ tiêu {code} được nhập nhiều lần', 'Indicator {code} is entered more than once'),
    hint: t('Giữ một dòng cho mỗi chỉ tiêu', 'Keep one row per indicator'),
  },
  'not-assigned': {
    severity: 'warning',
    title: t('Chỉ tiêu không giao cho đơn vị', 'Indicator not assigned to the agency'),
    message: t('Đơn vị không chủ trì và không được giao báo cáo chỉ tiêu {code} trong kỳ này', 'Your agency neither leads nor contributes to indicator {code} in this period'),
    hint: t('Kiểm tra lại đơn vị báo cáo hoặc bỏ dòng này', 'Check the reporting agency or remove this row'),
  },
  'heading-has-value': {
    severity: 'warning',
    title: t('Dòng tiêu đề có số liệu', 'Value on a group heading'),
    message: t('{code} là dòng tiêu đề nhóm, không nhận số liệu', '{code} is a group heading and takes no value'),
    hint: t('Nhập số liệu vào các chỉ tiêu con', 'Enter figures in its sub-indicators'),
  },
  required: {
    severity: 'error',
    title: t('Chưa nhập kết quả', 'Result missing'),
    message: t('Chưa nhập kết quả chỉ tiêu {code}: {name}', 'No result entered for indicator {code}: {name}'),
    hint: t('Nhập kết quả theo đơn vị {unit}', 'Enter the result in {unit}'),
    variants: { qualitative: { hint: t('Chọn Đạt / Cơ bản đạt / Không đạt', 'Choose achieved / basically achieved / not achieved') } },
    format: (p, lang) => ({ unit: str(p.unit) || (lang === 'vi' ? 'của chỉ tiêu' : 'the indicator unit') }),
  },
  'not-a-number': {
    severity: 'error',
    title: t('Không phải là số', 'Not a number'),
    message: t('{value} không phải là một số', '{value} is not a number'),
    hint: NUMBER_EXAMPLE,
    variants: {
      formula: FORMULA_HINT,
      glued: {
        message: t('{value} không phải là một số duy nhất', '{value} is not a single number'),
        hint: t('Nhập một số, ví dụ 85,5 hoặc 1.036.609; khoảng hoặc phép tính ghi vào cột Ghi chú', 'Enter one number, e.g. 85,5 or 1.036.609; put ranges or workings in the note'),
      },
      disbursement: DISBURSEMENT_UNREADABLE,
    },
  },
  'bad-grouping': {
    severity: 'error',
    title: t('Sai dấu phân cách hàng nghìn', 'Misplaced thousands separators'),
    message: t('{value}: dấu phân cách hàng nghìn không đúng', '{value}: the thousands separators are misplaced'),
    hint: NUMBER_EXAMPLE,
  },
  'too-long': {
    severity: 'error',
    title: t('Giá trị quá dài', 'Value too long'),
    message: t('Giá trị quá dài để là một số', 'The value is too long to be a number'),
    hint: NUMBER_EXAMPLE,
    variants: { formula: FORMULA_HINT },
  },
  'not-finite': {
    severity: 'error',
    title: t('Không phải số hữu hạn', 'Not a finite number'),
    message: t('{value} không phải là một số hữu hạn', '{value} is not a finite number'),
    hint: NUMBER_EXAMPLE,
  },
  'ambiguous-number': {
    severity: 'error',
    title: t('Số đọc được hai cách', 'Ambiguous number'),
    message: t(
      '{value} có thể là {thousands} hoặc {decimal}: dấu "{separator}" vừa có thể là phân cách hàng nghìn vừa có thể là dấu thập phân',
      '{value} could be {thousands} or {decimal}: "{separator}" may separate thousands or decimals',
    ),
    hint: t('Viết {thousandsDigits} nếu là {thousands}, hoặc {decimalVi}0 nếu là số thập phân', 'Write {thousandsDigits} for {thousands}, or {decimalVi}0 for the decimal'),
    variants: { disbursement: DISBURSEMENT_UNREADABLE },
    // The English hint shows the decimal in Vietnamese style, as typed in the cell.
    format: (p, lang) => ({ ...numbers(6, 'thousands', 'decimal')(p, lang), thousandsDigits: str(p.thousands), decimalVi: num(p.decimal, 'vi', 6) }),
  },
  'unexpected-text': {
    severity: 'warning',
    title: t('Chữ sau số bị bỏ qua', 'Words after the number ignored'),
    message: t('Phần chữ "{remark}" sau số đã bị bỏ qua', 'The words "{remark}" after the number were ignored'),
    hint: t('Chỉ nhập số; ghi chú ghi vào cột Ghi chú', 'Enter only the number; put remarks in the note column'),
  },
  'unit-mismatch': {
    severity: 'error',
    title: t('Sai đơn vị tính', 'Unit mismatch'),
    message: t(
      'Chỉ tiêu tính bằng "{unit}" nhưng giá trị ghi theo "{written}": giá trị không được quy đổi và chưa được ghi nhận',
      'The indicator is measured in "{unit}" but the value is written in "{written}": it is not converted and not recorded',
    ),
    hint: t('Ghi giá trị theo đơn vị {unit}', 'Write the value in {unit}'),
    variants: {
      'no-unit': {
        message: t('Chỉ tiêu không có đơn vị tính nhưng giá trị ghi kèm "{written}": giá trị chưa được ghi nhận', 'The indicator has no unit but the value is written with "{written}": it is not recorded'),
        hint: t('Chỉ ghi con số, không kèm đơn vị', 'Write the number alone, without a unit'),
      },
    },
  },
  'out-of-range': {
    severity: 'error',
    title: t('Ngoài khoảng hợp lý', 'Out of range'),
    message: t('{value} vượt quá mức tối đa hợp lý {max} của chỉ tiêu (theo kế hoạch)', "{value} exceeds this indicator's plausible maximum of {max} (set in the plan)"),
    hint: CHECK_FIGURE_AND_UNIT,
    variants: {
      'below-min': {
        message: t('{value} thấp hơn mức tối thiểu hợp lý {min} của chỉ tiêu (theo kế hoạch)', "{value} is below this indicator's plausible minimum of {min} (set in the plan)"),
      },
      percent: { message: t('{value} vượt quá {max}%', '{value} exceeds {max}%'), hint: t('Tỷ lệ phần trăm nằm trong khoảng 0-100', 'A percentage lies between 0 and 100') },
      'percent-max': { message: t('{value} vượt quá {max}%', '{value} exceeds {max}%'), hint: t('Tỷ lệ của chỉ tiêu này không quá {max}%', "This indicator's percentage is at most {max}%") },
      rate: {
        message: t('{value} {unit} vượt quá {max}: một tỷ lệ tính trên {per} không thể lớn hơn {max}', '{value} {unit} exceeds {max}: a rate per {per} cannot be larger than {max}'),
        hint: t('Nhập số tính trên {per} ({unit}), không nhập tổng số', 'Enter the rate per {per} ({unit}), not the total'),
      },
    },
    format: (p, lang) => ({ ...numbers(6, 'value', 'min', 'max')(p, lang), per: num(p.per, lang) }),
  },
  negative: {
    severity: 'error',
    title: t('Giá trị âm', 'Negative value'),
    message: t('Giá trị không được âm', 'The value cannot be negative'),
    hint: t('Nhập số lượng, tỷ lệ thực tế (không âm)', 'Enter the actual (non-negative) figure'),
    variants: { disbursement: DISBURSEMENT_UNREADABLE },
  },
  'not-integer': {
    severity: 'error',
    title: t('Không phải số nguyên', 'Not a whole number'),
    message: t('{value} không phải số nguyên, chỉ tiêu đếm theo {unit}', '{value} is not a whole number; the indicator counts {unit}'),
    hint: t('Nhập số nguyên, ví dụ 160.000', 'Enter a whole number, e.g. 160.000'),
    format: numbers(6, 'value'),
  },
  'implausible-magnitude': {
    severity: 'error',
    title: t('Giá trị quá lớn', 'Implausibly large'),
    message: t('Giá trị quá lớn, không hợp lý', 'The value is implausibly large'),
    hint: CHECK_FIGURE_AND_UNIT,
    variants: {
      disbursement: { message: t('Giá trị giải ngân của dự án {project} quá lớn, không hợp lý', 'The disbursement of project {project} is implausibly large'), hint: CHECK_MILLION_VND },
    },
  },
  'answer-required': {
    severity: 'error',
    title: t('Cần đánh giá định tính', 'Assessment needed'),
    message: t('Chỉ tiêu năm nay là định tính: cần đánh giá Đạt / Cơ bản đạt / Không đạt', "This year's target is qualitative: an assessment is needed"),
    hint: t('Chọn một trong: Đạt / Cơ bản đạt / Không đạt', 'Choose one of: Achieved / Basically achieved / Not achieved'),
  },
  'answer-not-allowed': {
    severity: 'error',
    title: t('Đánh giá không hợp lệ', 'Answer not allowed'),
    message: t('"{answer}" không phải là một đánh giá hợp lệ', '"{answer}" is not an allowed answer'),
    hint: t('Chọn một trong: Đạt / Cơ bản đạt / Không đạt (có thể kèm số liệu trong ngoặc)', 'Choose one of: Achieved / Basically achieved / Not achieved (a figure in brackets may follow)'),
  },
  'target-missed': {
    severity: 'warning',
    title: t('Chưa đạt kế hoạch năm', 'Year target not met'),
    message: t('Chỉ tiêu {code} chưa đạt kế hoạch năm {year} ({target}){progress}', 'Indicator {code} does not yet meet the {year} plan ({target}){progress}'),
    hint: t('Kiểm tra lại số liệu; nếu đúng, ghi rõ nguyên nhân vào cột Ghi chú', 'Check the figure; if it is right, explain the reason in the note'),
    // A partial year on schedule (category 3) is not yet a miss: info, with the category's reason.
    variants: { 'on-schedule': { severity: 'info', hint: t('{why}', '{why}') } },
    // In English the target is said with the verdict's reason where there is one.
    format: (p, lang) => {
      const reason = p.reason && typeof p.reason === 'object' && !Array.isArray(p.reason) ? (p.reason as Text).en : null;
      const target = lang === 'en' && reason !== null ? reason : str(p.target);
      const progress = typeof p.progress !== 'number' ? '' : lang === 'vi' ? `: đạt ${num(p.progress, 'vi', 1)}% kế hoạch` : `: ${num(p.progress, 'en', 1)}% of plan`;
      return { target, progress };
    },
  },
  'target-within-tolerance': {
    severity: 'info',
    title: t('Đạt trong mức sai số', 'Within tolerance'),
    message: t('Chỉ tiêu {code} đạt trong mức sai số: {reason}', 'Indicator {code} is within tolerance: {reason}'),
    hint: t('Không cần xử lý', 'Nothing to do'),
  },
  'target-unreadable': {
    severity: 'warning',
    title: t('Không đọc được chỉ tiêu kế hoạch', 'Target not readable'),
    message: t('Không đọc được chỉ tiêu "{target}" nên chưa đánh giá được', 'The target "{target}" could not be read, so the value is not assessed'),
    hint: t('Báo cơ quan thường trực kiểm tra danh mục chỉ tiêu', 'Ask the standing agency to check the plan catalog'),
    variants: {
      'by-hand': {
        severity: 'info',
        message: t('Chỉ tiêu "{target}" do cơ quan tổng hợp đánh giá', 'The target "{target}" is judged by the consolidator'),
        hint: t('Ghi chú kết quả thực hiện để cơ quan tổng hợp đánh giá', 'Describe what was done in the note, for the consolidator to judge'),
      },
    },
  },
  'no-target': {
    severity: 'info',
    title: t('Không có chỉ tiêu năm', 'No target for the year'),
    message: t('Kế hoạch không đặt chỉ tiêu năm {year} cho {code}', 'The plan sets no {year} target for {code}'),
    hint: t('Kết quả vẫn được ghi nhận và so với mục tiêu giai đoạn', 'The result is kept and compared with the plan-period target'),
  },
  'previous-missing': {
    severity: 'warning',
    title: t('Thiếu số liệu năm trước', "Last year's value missing"),
    message: t('Chỉ tiêu "{target}" so với năm trước nhưng chưa có số liệu cùng kỳ năm trước', 'The target "{target}" compares with the previous year, whose value is missing'),
    hint: t('Nhập số liệu năm trước vào ghi chú hoặc báo cáo bổ sung kỳ trước', "Provide last year's figure in the note or complete last year's report"),
  },
  'large-change': {
    severity: 'warning',
    title: t('Thay đổi lớn so với năm trước', 'Large change against last year'),
    message: t(
      'Chỉ tiêu {code} thay đổi {change} so với cùng kỳ năm trước ({previous} → {value})',
      'Indicator {code} changed by {change} against the same period last year ({previous} → {value})',
    ),
    hint: t('Kiểm tra lại số liệu và đơn vị; nếu đúng, ghi nguyên nhân vào ghi chú', 'Check the figure and unit; if right, explain in the note'),
    format: (p, lang) => {
      const value = Number(p.value);
      const previous = Number(p.previous);
      const delta = roundFloat(value - previous);
      const change =
        p.percentPoints === true ? `${num(delta, lang, 2)} ${lang === 'vi' ? 'điểm %' : 'percentage points'}` : `${num((delta / previous) * 100, lang, 1)}%`;
      return { change, ...numbers(4, 'previous', 'value')(p, lang) };
    },
  },
  outlier: {
    severity: 'warning',
    title: t('Số liệu bất thường', 'Outlier'),
    message: t('{value} {unit} của chỉ tiêu {code} {comparison}: số liệu bất thường', '{value} {unit} for indicator {code} is {comparison}: an outlier'),
    hint: t(
      'Kiểm tra lại số liệu và đơn vị (ví dụ tổng số thay cho tỷ lệ); nếu đúng, ghi giải thích vào cột Ghi chú',
      'Check the figure and its unit (a total instead of a rate, say); if it is right, explain it in the note',
    ),
    // Once the agency has explained it the finding stays, as info, so the standing agency sees it was questioned.
    variants: {
      explained: {
        severity: 'info',
        hint: t('Đơn vị đã ghi giải thích; cơ quan thường trực xem xét khi tổng hợp', 'The agency explained it in the note; the standing agency reviews it when consolidating'),
      },
    },
    format: numbers(4, 'value'),
  },
  'note-required': {
    severity: 'error',
    title: t('Cần ghi nguyên nhân', 'Explanation required'),
    message: t('Chỉ tiêu {code} không đạt: cần ghi nguyên nhân và giải pháp', 'Indicator {code} missed its target: an explanation is required'),
    hint: t('Ghi ngắn gọn nguyên nhân chưa đạt và giải pháp trong cột Ghi chú', 'Write the reason and the remedy in the note column'),
  },
  'note-too-long': {
    severity: 'warning',
    title: t('Ghi chú quá dài', 'Note too long'),
    message: t('Ghi chú dài {length} ký tự, quá {limit} ký tự', 'The note has {length} characters, over {limit}'),
    hint: t('Rút gọn ghi chú; chi tiết gửi kèm văn bản báo cáo', 'Shorten the note; put details in the written report'),
  },
  'formula-like-text': {
    severity: 'error',
    title: t('Trông như công thức', 'Looks like a formula'),
    message: t('{value} trông như một công thức, không phải một số', '{value} looks like a formula, not a number'),
    hint: t('Chỉ nhập kết quả (con số), không nhập công thức', 'Enter the resulting figure itself, not a formula'),
    variants: {
      note: {
        severity: 'info',
        message: t('Ghi chú bắt đầu bằng =, +, - hoặc @: được lưu như văn bản, không phải công thức', 'The note starts with =, +, - or @: it is stored as text, never as a formula'),
        hint: t('Không cần sửa nếu đây đúng là nội dung ghi chú', 'Nothing to do if this is what you meant'),
      },
    },
  },
  'denominator-required': {
    severity: 'error',
    title: t('Thiếu mẫu số', 'Denominator missing'),
    message: t('Thiếu "{label}" để tính giá trị bình quân gia quyền toàn Thành phố', '"{label}" is needed to weight this figure in the citywide value'),
    hint: t('Nhập {label} của địa bàn', 'Enter the {label} of your area'),
  },
  'denominator-invalid': {
    severity: 'error',
    title: t('Mẫu số không hợp lệ', 'Invalid denominator'),
    message: t('"{label}" phải là số dương', '"{label}" must be a positive number'),
    hint: t('Ví dụ: 25', 'For example: 25'),
  },
  'rule-violated': {
    severity: 'warning',
    title: t('Vi phạm quy tắc giữa các chỉ tiêu', 'Rule between indicators broken'),
    message: t('{target} = {total} nhưng {terms} = {sum}', '{target} = {total} but {terms} = {sum}'),
    hint: t('Kiểm tra lại các chỉ tiêu liên quan', 'Check the related indicators'),
    variants: {
      'not-above': {
        message: t(
          '{part} ({partValue}) lớn hơn {whole} ({wholeValue}), trong khi {part} là một phần của {whole}',
          '{part} ({partValue}) exceeds {whole} ({wholeValue}) although it is part of it',
        ),
      },
    },
    format: (p, lang) => ({ ...numbers(4, 'total', 'sum', 'partValue', 'wholeValue')(p, lang), terms: Array.isArray(p.terms) ? p.terms.join(' + ') : '' }),
  },
  'unknown-period': {
    severity: 'error',
    title: t('Kỳ báo cáo không hợp lệ', 'Unknown reporting period'),
    message: t('Kế hoạch {plan} không có kỳ báo cáo {period}; các kỳ báo cáo của kế hoạch: {periods}', "Plan {plan} has no reporting period {period}; the plan's reporting periods: {periods}"),
    hint: t('Chọn một kỳ báo cáo của kế hoạch', "Choose one of the plan's reporting periods"),
    variants: {
      'outside-plan': {
        message: t(
          'Kỳ {period} nằm ngoài giai đoạn {startYear}-{endYear} của kế hoạch; các kỳ báo cáo của kế hoạch: {periods}',
          "Period {period} is outside the plan period {startYear}-{endYear}; the plan's reporting periods: {periods}",
        ),
      },
      unreadable: {
        message: t('Kỳ báo cáo "{period}" không hợp lệ{consequence}', '"{period}" is not a reporting period{consequence}'),
        hint: t('Dùng "2023", "2023-6M" hoặc "2023-9M"', 'Use "2023", "2023-6M" or "2023-9M"'),
      },
    },
    format: (p, lang) => {
      const consequence = p.consequence && typeof p.consequence === 'object' && !Array.isArray(p.consequence) ? `: ${(p.consequence as Text)[lang]}` : '';
      return { ...periodList(p), consequence };
    },
  },
  'unknown-document': {
    severity: 'error',
    title: t('Văn bản không có trong kế hoạch', 'Unknown document'),
    message: t('Kế hoạch không có văn bản "{document}"', 'The plan has no document "{document}"'),
    hint: USE_TEMPLATE,
  },
  'document-reference-missing': {
    severity: 'warning',
    title: t('Thiếu số, ký hiệu văn bản', 'Document number missing'),
    message: t('Văn bản {document} đã ban hành nhưng chưa ghi số, ký hiệu', 'Document {document} is marked issued without its number'),
    hint: t('Ghi số, ký hiệu và ngày ban hành, ví dụ "Quyết định 1234/QĐ-UBND"', 'Give its number and date, e.g. "Quyết định 1234/QĐ-UBND"'),
  },
  'document-after-period': {
    severity: 'warning',
    title: t('Ban hành sau ngày chốt số liệu', 'Issued after the cut-off'),
    message: t('Ngày ban hành {issuedOn} sau ngày chốt số liệu {cutoff}', 'Issued on {issuedOn}, after the cut-off {cutoff}'),
    hint: t('Kiểm tra lại ngày ban hành', 'Check the date'),
  },
  'unknown-project': {
    severity: 'error',
    title: t('Dự án không có trong kế hoạch', 'Unknown project'),
    message: t('Kế hoạch không có dự án "{project}"', 'The plan has no project "{project}"'),
    hint: USE_TEMPLATE,
  },
  'project-over-budget': {
    severity: 'warning',
    title: t('Giải ngân vượt tổng mức đầu tư', 'Disbursement over the cost'),
    message: t('Giải ngân {disbursed} triệu đồng vượt tổng mức {cost} triệu đồng', 'Disbursed {disbursed} million VND exceeds the cost of {cost} million VND'),
    hint: CHECK_MILLION_VND,
    format: numbers(2, 'disbursed', 'cost'),
  },
});

export const READING_FINDINGS = defineEntries('reading', {
  'cell-error': {
    severity: 'warning',
    title: t('Ô hiển thị lỗi Excel', 'Excel error in a cell'),
    message: t('Ô {cell} ({label}) hiển thị lỗi Excel {error} thay cho giá trị', 'Cell {cell} ({label}) shows the Excel error {error} instead of a value'),
    hint: t('Sửa hoặc bỏ công thức gây lỗi rồi nhập giá trị', 'Fix or remove what causes the error, then enter the value'),
  },
  'formula-cell': {
    severity: 'warning',
    title: t('Ô chứa công thức', 'Formula in a cell'),
    message: t('Ô {cell} ({label}) chứa công thức {formula}; đã đọc kết quả "{result}" lưu trong tệp', 'Cell {cell} ({label}) holds the formula {formula}; its stored result "{result}" was read'),
    hint: t('Nhập con số hoặc nội dung thay cho công thức: hệ thống không tính lại công thức', 'Type the figure or text instead of a formula: the system does not recalculate formulas'),
    variants: {
      'no-result': { message: t('Ô {cell} ({label}) chứa công thức {formula} không có kết quả lưu sẵn', 'Cell {cell} ({label}) holds the formula {formula} without a stored result') },
    },
    // A stored number is shown with a decimal comma in Vietnamese.
    format: (p, lang) => ({ result: lang === 'vi' && p.numeric === true ? str(p.result).replace('.', ',') : str(p.result) }),
  },
  'cell-not-text-or-number': {
    severity: 'warning',
    title: t('Ô không chứa số hay chữ', 'Cell holds neither number nor text'),
    message: t(
      'Ô {cell} ({label}) chứa giá trị đúng/sai ({logical}), không phải số hay chữ; đã đọc là chữ "{logical}"',
      'Cell {cell} ({label}) holds a logical value ({logical}), not a number or text; it was read as the text "{logical}"',
    ),
    hint: t('Nhập con số hoặc nội dung', 'Enter a figure or text'),
    variants: {
      unreadable: {
        message: t(
          'Ô {cell} ({label}) có nội dung không phải số hay chữ nên không đọc được; ô được coi là để trống',
          'Cell {cell} ({label}) holds something that is neither a number nor text and cannot be read; it is taken as blank',
        ),
        hint: t('Xóa nội dung ô rồi nhập con số hoặc chữ', 'Clear the cell and enter a figure or text'),
      },
    },
  },
  'date-in-number-cell': {
    severity: 'warning',
    title: t('Ngày tháng trong ô số', 'Date in a number cell'),
    message: t(
      'Ô {cell} ({label}) chứa ngày tháng thay cho số; có thể Excel đã tự đổi số vừa nhập thành ngày. Hãy nhập lại dạng số',
      'Cell {cell} ({label}) holds a date instead of a number; Excel may have turned the entry into a date. Enter it again as a number',
    ),
    hint: t('Định dạng ô là số (không phải ngày) rồi nhập lại', 'Format the cell as a number (not a date) and enter it again'),
  },
  'document-status-unreadable': {
    severity: 'warning',
    title: t('Không đọc được tình trạng văn bản', 'Document status not understood'),
    message: t(
      'Văn bản {document} (ô {cell}): tình trạng "{written}" không đọc được; chọn "Đã ban hành" hoặc "Chưa ban hành"',
      'Document {document} (cell {cell}): status "{written}" is not understood; choose "Issued" or "Not issued"',
    ),
    hint: t('Chọn tình trạng trong danh sách của ô', "Choose the status from the cell's list"),
  },
  'document-date-unreadable': {
    severity: 'warning',
    title: t('Không đọc được ngày ban hành', 'Date of issue not understood'),
    message: t(
      'Văn bản {document} (ô {cell}): ngày ban hành "{written}" không đọc được; nhập dạng ngày/tháng/năm, ví dụ 14/06/2023',
      'Document {document} (cell {cell}): date "{written}" is not understood; enter day/month/year, e.g. 14/06/2023',
    ),
    hint: t('Nhập ngày dạng ngày/tháng/năm', 'Enter the date as day/month/year'),
  },
  'reference-truncated': {
    severity: 'warning',
    title: t('Số, ký hiệu bị cắt bớt', 'Document number cut'),
    message: t('Văn bản {document}: số, ký hiệu dài quá {limit} ký tự, đã cắt bớt', 'Document {document}: the number is longer than {limit} characters and was cut'),
    hint: t('Chỉ ghi số, ký hiệu và ngày ban hành', 'Give only the number and date of the document'),
  },
  'input-not-found': {
    severity: 'warning',
    title: t('Không tìm thấy ô nhập liệu', 'Input cell not found'),
    message: t('Không tìm thấy ô {label}{at}; ô này được coi là để trống', 'The {label} cell{at} was not found; it is taken as blank'),
    hint: t('Dùng mẫu biểu tải từ hệ thống, không xóa dòng, cột hay tên ô', 'Use the template from the system; do not delete its rows, columns or cell names'),
    format: (p) => ({ at: str(p.expected) ? ` (${str(p.expected)})` : '' }),
  },
  'input-moved': {
    severity: 'warning',
    title: t('Ô nhập liệu đã bị dời chỗ', 'Input cell moved'),
    message: t('Ô {label} không còn ở {from}; đã đọc ở {cell} theo mã của dòng', "The {label} cell is no longer at {from}; it was read at {cell} by its row's code"),
    hint: t('Kiểm tra lại dòng này; không chèn hay xóa dòng trong mẫu biểu', 'Check this row; do not insert or delete rows in the template'),
  },
  'input-merged': {
    severity: 'warning',
    title: t('Ô nhập liệu bị gộp', 'Input cell merged'),
    message: t(
      'Ô {cell} ({label}) đã bị gộp vào vùng {area}; Excel chỉ giữ giá trị của ô {first} nên ô này được coi là để trống',
      'Cell {cell} ({label}) was merged into {area}; Excel keeps only the value of {first}, so this cell is taken as blank',
    ),
    hint: t('Bỏ gộp ô rồi nhập lại số liệu vào từng ô', 'Unmerge the cells and enter each figure in its own cell'),
  },
  'row-not-read': {
    severity: 'warning',
    title: t('Dòng ngoài mẫu biểu không được đọc', 'Row outside the template not read'),
    message: t(
      'Dòng {row} của trang "{sheet}"{rowCode} có số liệu nhưng không thuộc mẫu biểu nên không được đọc',
      `Row {row} of sheet "{sheet}"{rowCode} holds data outside the template's rows, so it was not read`,
    ),
    hint: t('Nhập số liệu vào đúng dòng của mẫu biểu, không thêm dòng mới', "Enter figures in the template's own rows; do not add rows"),
    variants: {
      more: { message: t('Trang "{sheet}" còn {rows} dòng khác có số liệu ngoài mẫu biểu, không được đọc', 'Sheet "{sheet}" has {rows} more rows with data outside the template, not read') },
    },
    format: (p, lang) => ({ rowCode: str(p.code) ? (lang === 'vi' ? ` (mã "${str(p.code)}")` : ` (code "${str(p.code)}")`) : '' }),
  },
  'unexpected-sheet': {
    severity: 'warning',
    title: t('Trang tính ngoài mẫu biểu', 'Sheet outside the template'),
    message: t('Trang tính "{sheet}" không thuộc mẫu biểu; nội dung của trang này không được đọc', 'Sheet "{sheet}" is not part of the template; its content was not read'),
    hint: t('Chỉ nhập số liệu vào các trang của mẫu biểu', "Enter figures only in the template's sheets"),
  },
  'template-version': {
    severity: 'warning',
    title: t('Mẫu biểu phiên bản cũ', 'Old template version'),
    message: t(
      'Mẫu biểu phiên bản {version}, hệ thống dùng phiên bản {current}; nên tải mẫu biểu mới',
      'The template is version {version}, the system uses version {current}; download the new template',
    ),
    hint: t('Tải mẫu biểu mới từ hệ thống và nhập lại số liệu', 'Download the new template from the system and enter the figures in it'),
  },
});

export type EngineFindingCode = keyof typeof FINDINGS;
export type ReadingFindingCode = keyof typeof READING_FINDINGS;
