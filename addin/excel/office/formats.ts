import type { ExcelConditionalFormat } from '../../../shared/layout/excel-rules';
import type { EnumValue } from './enum-value';
import type { Rect } from './geometry';
import { jsonBytes } from './requests';
import type { RequestPlan } from './requests';

const CELL_VALUE_OPERATORS = {
  between: 'Between',
  lessThan: 'LessThan',
  greaterThanOrEqual: 'GreaterThanOrEqual',
} as const satisfies Record<string, EnumValue<Excel.ConditionalCellValueOperator>>;

/** The shared rules' conditional formats: an expression is a Custom format (its formula with "="), a comparison a CellValue one. */
export function planConditionalFormats(plan: RequestPlan, formats: readonly ExcelConditionalFormat[], range: (x: Rect) => Excel.Range): void {
  for (const cf of formats) {
    const rule = cf.rule;
    plan.add(jsonBytes(cf), () => {
      const target = range(cf.rect);
      let format: Excel.ConditionalRangeFormat;
      if (rule.type === 'expression') {
        const custom = target.conditionalFormats.add('Custom');
        custom.custom.rule.formula = `=${rule.formula}`;
        format = custom.custom.format;
      } else {
        const cellValue = target.conditionalFormats.add('CellValue');
        const operands = rule.formula2 === undefined ? { formula1: rule.formula1 } : { formula1: rule.formula1, formula2: rule.formula2 };
        cellValue.cellValue.rule = { ...operands, operator: CELL_VALUE_OPERATORS[rule.operator] };
        format = cellValue.cellValue.format;
      }
      format.fill.color = cf.fill;
      if (cf.fontColor) format.font.color = cf.fontColor;
    });
  }
}
