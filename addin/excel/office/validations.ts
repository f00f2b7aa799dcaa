import { listSource } from '../../../shared/layout/excel-rules';
import type { ExcelCriterion, ExcelValidation, ValidationOperator } from '../../../shared/layout/excel-rules';
import type { Rect } from './geometry';
import { jsonBytes, utf8Length } from './requests';
import type { RequestPlan } from './requests';
import type { EnumValue } from './enum-value';

/** The shared rules' validations (shared/layout/excel-rules.ts) in Office.js terms. */

const OPERATORS = {
  between: 'Between',
  greaterThanOrEqual: 'GreaterThanOrEqualTo',
  lessThanOrEqual: 'LessThanOrEqualTo',
} as const satisfies Record<ValidationOperator, EnumValue<Excel.DataValidationOperator>>;

const ALERT_STYLES = {
  stop: 'Stop',
  warning: 'Warning',
  information: 'Information',
} as const satisfies Record<ExcelValidation['errorStyle'], EnumValue<Excel.DataValidationAlertStyle>>;

export function officeRule(c: ExcelCriterion): Excel.DataValidationRule {
  if (c.type === 'list') return { list: { inCellDropDown: true, source: listSource(c.items) } };
  if (c.type === 'date') {
    // ISO days: Office.js takes a date operand as an ISO 8601 string.
    const date: Excel.DateTimeDataValidation = { formula1: c.formula1, operator: OPERATORS[c.operator] };
    if (c.formula2 !== undefined) date.formula2 = c.formula2;
    return { date };
  }
  const basic: Excel.BasicDataValidation = { formula1: c.formula1, operator: OPERATORS[c.operator] };
  if (c.formula2 !== undefined) basic.formula2 = c.formula2;
  return c.type === 'decimal' ? { decimal: basic } : c.type === 'whole' ? { wholeNumber: basic } : { textLength: basic };
}

/** Each validation on its rectangles: rule, blanks allowed, error alert and prompt. */
export function planValidations(plan: RequestPlan, validations: readonly ExcelValidation[], range: (x: Rect) => Excel.Range): void {
  for (const v of validations) {
    const rule = officeRule(v.criterion);
    const style = ALERT_STYLES[v.errorStyle];
    const bytes = jsonBytes(rule) + utf8Length(v.prompt?.message ?? '') + utf8Length(v.error.message);
    for (const target of v.rects) {
      plan.add(bytes, () => {
        const dv = range(target).dataValidation;
        dv.rule = rule;
        dv.ignoreBlanks = v.ignoreBlank;
        dv.errorAlert = { showAlert: true, style, title: v.error.title, message: v.error.message };
        if (v.prompt) dv.prompt = { showPrompt: true, title: v.prompt.title, message: v.prompt.message };
      });
    }
  }
}
