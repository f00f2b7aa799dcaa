import { defineEntries, str } from './define';
import { text as t } from '../i18n';

/**
 * Findings of the plan importer (shared/plan-import/): a plan's appendix table read into a
 * draft plan. Each names the cell it is about; an info finding says what the importer
 * decided on the table's own evidence, so that the reviewer can check it.
 */
export const PLAN_IMPORT_FINDINGS = defineEntries('plan-import', {
  'table-too-large': {
    severity: 'error',
    title: t('Bảng quá lớn', 'Table too large'),
    message: t('Bảng có {rows} dòng, {cols} cột; chỉ đọc tối đa {maxRows} dòng, {maxCols} cột', 'The table has {rows} rows and {cols} columns; at most {maxRows} rows and {maxCols} columns are read'),
  },
  'no-header': {
    severity: 'error',
    title: t('Không thấy dòng tiêu đề', 'No header row'),
    message: t(
      'Không thấy dòng tiêu đề có cột "TT" và cột "Tiêu chí" (hoặc "Chỉ tiêu") trong {rows} dòng đầu của vùng chọn',
      'No header row with a "TT" column and a "Tiêu chí" (or "Chỉ tiêu") column in the first {rows} rows of the selection',
    ),
  },
  'missing-column': {
    severity: 'error',
    title: t('Thiếu cột', 'Missing column'),
    message: t('Bảng không có cột {column}', 'The table has no {column} column'),
    format: (p, lang) => ({ column: columnName(str(p.column), lang) }),
    variants: { optional: { severity: 'warning' } },
  },
  'unknown-column': {
    severity: 'warning',
    title: t('Cột không nhận ra', 'Column not recognised'),
    message: t('Cột có tiêu đề "{header}" không được nhận ra và bị bỏ qua', 'The column headed "{header}" is not recognised and was ignored'),
  },
  'duplicate-column': {
    severity: 'warning',
    title: t('Cột lặp lại', 'Column repeated'),
    message: t('Cột {column} xuất hiện lần nữa ("{header}"); chỉ dùng cột đầu tiên', 'The {column} column appears again ("{header}"); only the first one is used'),
    format: (p, lang) => ({ column: columnName(str(p.column), lang) }),
  },
  'year-outside-plan': {
    severity: 'warning',
    title: t('Năm ngoài kỳ kế hoạch', 'Year outside the plan'),
    message: t('Cột năm {year} nằm ngoài kỳ kế hoạch {startYear}-{endYear} và bị bỏ qua', 'The {year} column is outside the plan period {startYear}-{endYear} and was ignored'),
  },
  'year-missing': {
    severity: 'warning',
    title: t('Thiếu cột năm', 'Year column missing'),
    message: t('Không có cột chỉ tiêu năm {year}', 'There is no target column for {year}'),
  },
  'baseline-year': {
    severity: 'warning',
    title: t('Năm của kết quả gốc không hợp lý', 'Baseline year does not fit'),
    message: t(
      'Tiêu đề "{header}" ghi năm {found}, nhưng chỉ tiêu bắt đầu từ năm {firstYear}: kết quả gốc được lấy là năm {used}{others}',
      'The header "{header}" says {found}, but the targets start in {firstYear}: the baseline is taken as {used}{others}',
    ),
    format: (p, lang) => ({ others: str(p.others) ? (lang === 'vi' ? ` (các tiêu đề lặp lại ghi ${str(p.others)})` : ` (the repeated headers say ${str(p.others)})`) : '' }),
    variants: {
      disagree: {
        message: t('Các tiêu đề cột kết quả gốc ghi các năm khác nhau ({years}); lấy năm {used}', 'The baseline headers name different years ({years}); {used} is used'),
      },
    },
  },
  'empty-table': {
    severity: 'error',
    title: t('Bảng không có chỉ tiêu', 'No indicator rows'),
    message: t('Dưới dòng tiêu đề không có dòng chỉ tiêu nào (cột TT ghi số thứ tự 1, 2, 3.1 …)', 'There is no indicator row under the header (a TT cell numbered 1, 2, 3.1 …)'),
  },
  'row-without-code': {
    severity: 'warning',
    title: t('Dòng không có số thứ tự', 'Row without a number'),
    message: t('Dòng "{text}" không có số thứ tự và không phải dòng con ("- …"): bị bỏ qua', 'The row "{text}" has no number and is not a sub-row ("- …"): it was ignored'),
  },
  'bad-code': {
    severity: 'warning',
    title: t('Số thứ tự không đọc được', 'Unreadable number'),
    message: t('Số thứ tự "{code}" không phải dạng 1, 2, 3.1: dòng bị bỏ qua', 'The number "{code}" is not of the form 1, 2, 3.1: the row was ignored'),
  },
  'duplicate-code': {
    severity: 'error',
    title: t('Số thứ tự lặp lại', 'Number repeated'),
    message: t('Chỉ tiêu {code} đã có ở dòng trên: dòng này bị bỏ qua', 'Indicator {code} is already above: this row was ignored'),
  },
  'missing-name': {
    severity: 'error',
    title: t('Thiếu tên chỉ tiêu', 'Name missing'),
    message: t('Chỉ tiêu {code} không có tên', 'Indicator {code} has no name'),
  },
  'taken-from-above': {
    severity: 'info',
    title: t('Lấy từ ô phía trên', 'Taken from above'),
    message: t(
      'Ô {column} của chỉ tiêu {code} để trống: coi là ô gộp với dòng trên, lấy "{text}" ({from})',
      'The {column} cell of indicator {code} is blank: taken as merged with the row above, "{text}" ({from})',
    ),
    format: (p, lang) => ({ column: columnName(str(p.column), lang) }),
    variants: {
      documents: {
        message: t(
          'Các chỉ tiêu {codes} dùng chung cơ quan chủ trì (ô gộp): văn bản, chính sách của nhóm được ghép lại từ các ô {cells}',
          'Indicators {codes} share their lead (a merged cell): the group\'s policy documents are joined from the cells {cells}',
        ),
      },
    },
  },
  'target-spans-years': {
    severity: 'info',
    title: t('Chỉ tiêu gộp nhiều năm', 'Target spans years'),
    message: t('Ô năm {year} của chỉ tiêu {code} để trống: coi là ô gộp, dùng chỉ tiêu năm {from} "{text}"', 'The {year} cell of indicator {code} is blank: taken as merged with the {from} target "{text}"'),
  },
  'missing-target': {
    severity: 'warning',
    title: t('Thiếu chỉ tiêu năm', 'Year target missing'),
    message: t('Chỉ tiêu {code} không có chỉ tiêu năm {year}', 'Indicator {code} has no target for {year}'),
  },
  'no-baseline': {
    severity: 'info',
    title: t('Không có kết quả gốc', 'No baseline'),
    message: t('Chỉ tiêu {code} không có kết quả năm {year}', 'Indicator {code} has no {year} result'),
  },
  'unresolved-agency': {
    severity: 'warning',
    title: t('Không nhận ra cơ quan', 'Agency not recognised'),
    message: t('"{fragment}" không có trong danh mục cơ quan của {city}: cần chọn cơ quan bằng tay', '"{fragment}" is not in the agency register of {city}: choose the agency by hand'),
  },
  'no-lead': {
    severity: 'warning',
    title: t('Chưa có cơ quan chủ trì', 'No lead agency'),
    message: t('Chỉ tiêu {code} chưa có cơ quan chủ trì: cơ quan thường trực sẽ phân công', 'Indicator {code} has no lead agency: the standing agency will assign one'),
  },
  'several-leads': {
    severity: 'warning',
    title: t('Nhiều cơ quan chủ trì', 'Several lead agencies'),
    message: t('Ô chủ trì của chỉ tiêu {code} nêu {count} cơ quan; lấy cơ quan đầu tiên ({lead}), các cơ quan còn lại là phối hợp', 'The lead cell of indicator {code} names {count} agencies; the first ({lead}) is taken, the others coordinate'),
  },
  'unreadable-target': {
    severity: 'error',
    title: t('Không đọc được chỉ tiêu', 'Target not readable'),
    message: t('Không đọc được chỉ tiêu năm {year} của chỉ tiêu {code}: "{text}" ({reason})', 'The {year} target of indicator {code} cannot be read: "{text}" ({reason})'),
    variants: {
      'judged-by-hand': {
        severity: 'warning',
        message: t(
          'Không đọc được chỉ tiêu năm {year} của chỉ tiêu {code}: "{text}" ({reason}); đánh dấu do cơ quan tổng hợp đánh giá',
          'The {year} target of indicator {code} cannot be read: "{text}" ({reason}); marked as judged by hand',
        ),
      },
    },
  },
  'unit-from-name': {
    severity: 'info',
    title: t('Đơn vị lấy từ tên', 'Unit from the name'),
    message: t('Đơn vị của chỉ tiêu {code} lấy từ tên: "{unit}"', 'The unit of indicator {code} is taken from its name: "{unit}"'),
  },
  'unit-unknown': {
    severity: 'warning',
    title: t('Chưa rõ đơn vị', 'Unit unknown'),
    message: t('Không xác định được đơn vị của chỉ tiêu {code}: cần ghi đơn vị', 'The unit of indicator {code} cannot be told: write it'),
  },
  'units-differ': {
    severity: 'warning',
    title: t('Đơn vị không thống nhất', 'Units differ'),
    message: t('Các chỉ tiêu năm của chỉ tiêu {code} ghi các đơn vị khác nhau ({units}); dùng "{unit}"', 'The targets of indicator {code} name different units ({units}); "{unit}" is used'),
  },
  'polarity-undecided': {
    severity: 'warning',
    title: t('Chưa rõ chiều đánh giá', 'Direction undecided'),
    message: t(
      'Không suy ra được chỉ tiêu {code} càng cao càng tốt hay càng thấp càng tốt: tạm coi là càng cao càng tốt, cần xác nhận',
      'Whether higher or lower is better for indicator {code} cannot be told from the table: higher is assumed, confirm it',
    ),
    variants: {
      conflict: {
        message: t(
          'Các chỉ tiêu năm của chỉ tiêu {code} mâu thuẫn về chiều (vừa "dưới" vừa "trên"): tạm coi là càng cao càng tốt, cần xác nhận',
          'The targets of indicator {code} disagree on the direction (both "below" and "above"): higher is assumed, confirm it',
        ),
      },
    },
  },
  'value-type-assumed': {
    severity: 'info',
    title: t('Kiểu số liệu suy đoán', 'Value type assumed'),
    message: t('Chỉ tiêu {code}: không đủ căn cứ về kiểu số liệu, tạm coi là số thực', 'Indicator {code}: nothing says what kind of figure it is; a decimal number is assumed'),
  },
  'aggregation-default': {
    severity: 'info',
    title: t('Cách tổng hợp mặc định', 'Default aggregation'),
    message: t(
      'Bảng không nói số liệu toàn Thành phố được tổng hợp thế nào: mọi chỉ tiêu do cơ quan chủ trì báo cáo; chỉ tiêu cộng từ quận, huyện hay bình quân gia quyền cần sửa trong kế hoạch',
      'The table does not say how citywide figures are formed: every indicator is reported by its lead; sums over districts or weighted means must be set in the plan',
    ),
  },
  'sum-rule': {
    severity: 'info',
    title: t('Đề xuất quy tắc tổng', 'Sum rule proposed'),
    message: t('Mọi chỉ tiêu năm của {code} bằng tổng của {terms}: đề xuất quy tắc {code} = {sum}', 'Every target of {code} equals the sum of {terms}: the rule {code} = {sum} is proposed'),
    format: (p) => ({ sum: str(p.terms).split(', ').join(' + ') }),
  },
  'meta-missing': {
    severity: 'error',
    title: t('Thiếu thông tin kế hoạch', 'Plan information missing'),
    message: t('Thiếu {field} của kế hoạch: cần điền trước khi lưu', 'The plan\'s {field} is missing: fill it in before saving'),
    format: (p, lang) => ({ field: META_FIELDS[str(p.field)]?.[lang] ?? str(p.field) }),
  },
});

export type PlanImportFindingCode = keyof typeof PLAN_IMPORT_FINDINGS;

/** The columns the importer recognises, named as the table's headers name them. */
const COLUMNS: Readonly<Record<string, { vi: string; en: string }>> = {
  code: { vi: 'TT', en: 'TT (number)' },
  name: { vi: 'Tiêu chí / Chỉ tiêu', en: 'Tiêu chí / Chỉ tiêu (indicator)' },
  unit: { vi: 'Đơn vị tính', en: 'Đơn vị tính (unit)' },
  baseline: { vi: 'Kết quả (năm gốc)', en: 'Kết quả (baseline)' },
  year: { vi: 'chỉ tiêu năm', en: 'year target' },
  policy: { vi: 'Văn bản, chính sách', en: 'Văn bản, chính sách (policy documents)' },
  lead: { vi: 'Cơ quan chủ trì', en: 'Cơ quan chủ trì (lead)' },
  coordinators: { vi: 'Cơ quan phối hợp', en: 'Cơ quan phối hợp (coordinators)' },
};

function columnName(key: string, lang: 'vi' | 'en'): string {
  return COLUMNS[key]?.[lang] ?? key;
}

const META_FIELDS: Readonly<Record<string, { vi: string; en: string }>> = {
  issuedOn: { vi: 'ngày ban hành', en: 'date of issue' },
  program: { vi: 'chương trình thực hiện', en: 'programme' },
  standingAgency: { vi: 'cơ quan thường trực', en: 'standing agency' },
};
