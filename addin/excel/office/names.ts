import type { ExcelName } from '../../../shared/layout/excel-rules';
import type { Rect } from './geometry';
import { jsonBytes } from './requests';
import type { RequestPlan } from './requests';

/**
 * The sheet's defined names, scoped to the sheet (DEFINED_NAME_SCOPE in
 * shared/layout/excel-rules.ts): `worksheet.names`, never `workbook.names`.
 */
export function planNames(plan: RequestPlan, names: readonly ExcelName[], worksheet: () => Excel.Worksheet, range: (x: Rect) => Excel.Range): void {
  for (const n of names) {
    plan.add(jsonBytes(n.name) + jsonBytes(n.comment), () => {
      worksheet().names.add(n.name, range(n.rect), n.comment === '' ? undefined : n.comment);
    });
  }
}
