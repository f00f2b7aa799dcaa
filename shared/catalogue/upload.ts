import { defineEntries, str } from './define';
import { text as t } from '../i18n';
import type { Params } from './types';

/** Why an uploaded workbook was refused before its cells were read (server/xlsx/read.ts). */

/** "(5.2 MB > 5.0 MB)" where the reader measured something, else nothing. */
const detail = (p: Params) => ({ detail: str(p.detail) });

export const UPLOAD_FAILURES = defineEntries('upload', {
  'too-large': {
    status: 413,
    title: t('Tệp quá lớn', 'File too large'),
    message: t('Tệp quá lớn{detail}. Hãy gửi mẫu biểu tải từ hệ thống, không chèn ảnh hay dữ liệu khác.', 'The file is too large{detail}. Send the template from the system, without pictures or other data.'),
    format: (p) => ({ detail: str(p.detail) ? ` (${str(p.detail)})` : '' }),
  },
  'too-large-inflated': {
    status: 413,
    title: t('Tệp giải nén quá lớn', 'File unpacks to too much'),
    message: t(
      'Tệp giải nén ra quá lớn ({detail}); việc đọc đã dừng lại. Hãy gửi mẫu biểu tải từ hệ thống, không chèn ảnh hay dữ liệu khác.',
      'The file unpacks to too much data ({detail}); reading was stopped. Send the template from the system, without pictures or other data.',
    ),
    format: detail,
  },
  'too-many-parts': {
    status: 413,
    title: t('Tệp có quá nhiều thành phần', 'Too many parts'),
    message: t('Tệp có quá nhiều thành phần ({detail}). Hãy gửi mẫu biểu tải từ hệ thống.', 'The file has too many parts ({detail}). Send the template from the system.'),
    format: detail,
  },
  'unsafe-zip': {
    status: 422,
    title: t('Thành phần có tên bất thường', 'Unusual part name'),
    message: t(
      'Tệp chứa thành phần có tên bất thường ({detail}), không phải do Excel tạo ra. Hãy mở bằng Excel, lưu lại và gửi lại.',
      'The file holds a part with an unusual name ({detail}) that Excel does not write. Open it in Excel, save it again and resend it.',
    ),
    format: detail,
  },
  'not-xlsx': {
    status: 422,
    title: t('Không phải tệp .xlsx', 'Not an .xlsx file'),
    message: t('Tệp không phải là tệp Excel .xlsx. Nếu là tệp .xls hoặc .ods, hãy mở bằng Excel và lưu lại dạng .xlsx.', 'The file is not an Excel .xlsx file. If it is .xls or .ods, open it in Excel and save it as .xlsx.'),
  },
  'not-our-template': {
    status: 422,
    title: t('Không phải mẫu biểu của hệ thống', 'Not a template from the system'),
    message: t(
      'Tệp không phải mẫu biểu của hệ thống (không có thông tin mẫu biểu). Hãy tải mẫu biểu từ hệ thống và nhập số liệu vào đó.',
      'The file is not a template from the system (its template information is missing). Download the template and fill it in.',
    ),
  },
  damaged: {
    status: 422,
    title: t('Tệp bị hỏng', 'File damaged'),
    message: t('Tệp Excel bị hỏng, không đọc được. Hãy mở lại bằng Excel, lưu lại và gửi lại.', 'The Excel file is damaged and cannot be read. Open it in Excel, save it again and resend it.'),
  },
});

export type UploadFailureCode = keyof typeof UPLOAD_FAILURES;
