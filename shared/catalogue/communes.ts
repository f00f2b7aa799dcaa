import { defineEntries, num, str } from './define';
import { text as t } from '../i18n';

/** Rows of a communes CSV that could not be imported (shared/agencies/communes-csv.ts); each row is skipped. */

const TYPE_EN: Readonly<Record<string, string>> = { xã: 'commune', phường: 'ward', 'thị trấn': 'township' };
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const COMMUNE_FINDINGS = defineEntries('communes', {
  'bad-options': {
    title: t('Cấu hình nhập không hợp lệ', 'Invalid import settings'),
    message: t(
      'Cấu hình nhập không hợp lệ: cần mã thành phố, tiền tố mã đơn vị (chữ thường, số, gạch nối) và ngày hiệu lực mặc định dạng YYYY-MM-DD',
      'Invalid import settings: a city, an id prefix (lower-case letters, digits, dashes) and a default date as YYYY-MM-DD are needed',
    ),
  },
  'too-large': {
    title: t('Tệp quá lớn', 'File too large'),
    message: t('Tệp quá lớn (trên {max} ký tự)', 'The file is too large (over {max} characters)'),
    // The limit as the language writes it: "2.000.000" / "2,000,000".
    format: (p, lang) => ({ max: num(p.max, lang, 0) }),
  },
  'too-many-rows': {
    title: t('Quá nhiều dòng', 'Too many rows'),
    message: t('Chỉ nhập {max} dòng đầu; các dòng sau bị bỏ qua', 'Only the first {max} rows are imported; the rest were ignored'),
  },
  'empty-file': {
    title: t('Tệp trống', 'Empty file'),
    message: t('Tệp CSV không có dòng tiêu đề và dữ liệu', 'The CSV file has no header and no rows'),
    variants: { 'no-text': { message: t('Không có nội dung tệp CSV', 'There is no CSV text') } },
  },
  'missing-column': {
    title: t('Thiếu cột', 'Missing column'),
    message: t('Thiếu cột {columns}; dòng tiêu đề phải là: name,type,validFrom,predecessors', 'Missing column {columns}; the header must be: name,type,validFrom,predecessors'),
  },
  'duplicate-column': {
    title: t('Cột lặp lại', 'Duplicate column'),
    message: t('Cột "{column}" xuất hiện nhiều lần; chỉ dùng cột đầu tiên', 'Column "{column}" appears more than once; the first one is used'),
  },
  'unknown-column': {
    title: t('Cột không dùng', 'Unknown column'),
    message: t('Cột "{column}" không được dùng và bị bỏ qua', 'Column "{column}" is not used and was ignored'),
  },
  'unterminated-quote': {
    title: t('Ngoặc kép không đóng', 'Unterminated quote'),
    message: t('Dấu ngoặc kép mở ở dòng này không được đóng: phần còn lại của tệp bị bỏ qua', 'A quote opened on this line is never closed: the rest of the file is ignored'),
  },
  'too-many-fields': {
    title: t('Dòng nhiều cột hơn tiêu đề', 'More fields than the header'),
    message: t(
      'Dòng có {fields} cột, nhiều hơn tiêu đề ({header}): tên có dấu phẩy phải đặt trong ngoặc kép',
      'The row has {fields} fields, more than the header ({header}): put names with commas in double quotes',
    ),
  },
  'field-too-long': {
    title: t('Ô quá dài', 'Field too long'),
    message: t('Cột {column} dài quá {max} ký tự', 'Column {column} is longer than {max} characters'),
  },
  'formula-like-text': {
    title: t('Trông như công thức', 'Looks like a formula'),
    message: t(
      'Cột {column} bắt đầu bằng =, +, - hoặc @ ("{text}"): trông như công thức bảng tính, không được nhập',
      'Column {column} starts with =, +, - or @ ("{text}"): it looks like a spreadsheet formula and is not imported',
    ),
  },
  'invalid-characters': {
    title: t('Ký tự không hợp lệ', 'Invalid characters'),
    message: t('Cột {column} chứa ký tự điều khiển hoặc ký tự lỗi', 'Column {column} contains control or broken characters'),
  },
  'missing-name': {
    title: t('Thiếu tên', 'Name missing'),
    message: t('Thiếu tên xã, phường', 'The name is missing'),
    variants: { 'type-only': { message: t('Tên "{name}" chỉ có loại đơn vị, thiếu tên riêng', 'The name "{name}" has the type but no proper name') } },
  },
  'unknown-type': {
    title: t('Loại đơn vị không hợp lệ', 'Unknown type'),
    message: t('Loại "{type}" không hợp lệ: chỉ nhận xã, phường hoặc thị trấn', 'Type "{type}" is not allowed: only xã, phường or thị trấn'),
    variants: { missing: { message: t('Thiếu loại đơn vị: xã, phường hoặc thị trấn', 'The type is missing: xã, phường or thị trấn') } },
  },
  'type-mismatch': {
    title: t('Tên và loại không khớp', 'Name and type disagree'),
    message: t('Tên "{name}" là {stated} nhưng cột loại ghi {type}', 'The name "{name}" says {stated} but the type column says {type}'),
  },
  'bad-date': {
    title: t('Ngày hiệu lực không hợp lệ', 'Invalid date'),
    message: t('Ngày hiệu lực "{date}" không hợp lệ: ghi theo dạng YYYY-MM-DD, ví dụ 2025-07-01', 'The date "{date}" is not valid: write it as YYYY-MM-DD, e.g. 2025-07-01'),
  },
  'bad-id': {
    title: t('Mã không hợp lệ', 'Invalid id'),
    message: t('Mã "{id}" không hợp lệ: chỉ dùng chữ thường không dấu, số và gạch nối', 'Id "{id}" is not valid: use lower-case letters, digits and dashes'),
  },
  'duplicate-id': {
    title: t('Mã đã được dùng', 'Id already used'),
    message: t('Mã "{id}" đã được dùng cho đơn vị khác', 'Id "{id}" is already used by another agency'),
  },
  'duplicate-commune': {
    title: t('Xã, phường lặp lại', 'Commune listed twice'),
    message: t('{kind} "{name}" đã có ở dòng {firstLine}', '{kind} "{name}" is already on line {firstLine}'),
    // "Phường" / "Ward": the type, in the message's language.
    format: (p, lang) => ({ kind: capitalize(lang === 'vi' ? str(p.type) : (TYPE_EN[str(p.type)] ?? str(p.type))) }),
  },
  'unresolved-predecessor': {
    title: t('Không xác định được đơn vị tiền thân', 'Unknown predecessor'),
    message: t(
      'Không xác định được đơn vị tiền thân "{predecessor}"{candidates}; ghi mã (ví dụ hn-q-hoan-kiem) hoặc tên đầy đủ, cách nhau bằng dấu ;',
      'Predecessor "{predecessor}" is not known{candidates}; give its id (e.g. hn-q-hoan-kiem) or full name, separated by ;',
    ),
    // Two or more agencies the name could mean are listed; one alone would have been taken.
    format: (p, lang) => {
      const candidates = Array.isArray(p.candidates) ? p.candidates.map(String) : [];
      if (candidates.length <= 1) return { candidates: '' };
      return { candidates: lang === 'vi' ? ` (có thể là: ${candidates.join(', ')})` : ` (it could be: ${candidates.join(', ')})` };
    },
  },
  'predecessor-not-local': {
    title: t('Đơn vị tiền thân không phải cấp huyện, xã', 'Predecessor not a district or commune'),
    message: t(
      '"{predecessor}" không phải quận, huyện, thị xã hay xã, phường nên không thể là đơn vị tiền thân',
      '"{predecessor}" is not a district or commune, so it cannot be a predecessor',
    ),
  },
  'invalid-agency': {
    title: t('Không tạo được đơn vị hợp lệ', 'Not a valid agency'),
    message: t('Dòng không tạo được đơn vị hợp lệ: {issues}', 'The row does not make a valid agency: {issues}'),
  },
});

export type CommuneCsvFindingCode = keyof typeof COMMUNE_FINDINGS;
