import { CELL_TEXT_WRITTEN_MAX, cellValueOf, excelText, numberFormatOf } from '../../../shared/layout/excel-rules';
import type { CellSpec } from '../../../shared/layout/types';

/** Strings Excel would not keep as they are when typed into a cell that is not formatted as text. */
// Anything made of digits, separators, signs, brackets, currency, %, an exponent or a time
// colon may be read as a number, a date or a time ("1e3" → 1000, "(12)" → -12, "12:30"):
// protecting too much only adds an apostrophe, protecting too little changes the value.
const REINTERPRETED = /^[\s\d.,:/()+\-%$€£¥₫eE]*\d[\s\d.,:/()+\-%$€£¥₫eE]*$|^\s*(true|false)\s*$/i;
const DATE_LIKE = /^\s*\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?\s*$/;

/**
 * A string as written to `values` so that Excel stores exactly that text: a leading = + - @
 * would make a formula and a leading apostrophe would vanish, so such text gets an apostrophe
 * (Excel's text prefix, not part of the value). In a cell not formatted as text, numbers,
 * dates and TRUE/FALSE in text are protected the same way. The text itself is cleaned and
 * cut as the shared rules say, so it is the text the .xlsx writer stores.
 */
export function textForExcel(value: string, textFormatted: boolean): string {
  const text = excelText(value, CELL_TEXT_WRITTEN_MAX);
  if (/^[=+\-@']/.test(text)) return `'${text}`;
  if (!textFormatted && text !== '' && (REINTERPRETED.test(text) || DATE_LIKE.test(text))) return `'${text}`;
  return text;
}

/** The number format Office.js writes for a layout cell; null (left as Excel's General) for General. */
export function officeNumberFormat(spec: CellSpec): string | null {
  const format = numberFormatOf(spec);
  return format === 'General' ? null : format;
}

/** A layout cell's value as written to `values`. */
export function writtenValue(spec: CellSpec): string | number | boolean | null {
  const v = cellValueOf(spec.v);
  return typeof v === 'string' ? textForExcel(v, numberFormatOf(spec) === '@') : v;
}
