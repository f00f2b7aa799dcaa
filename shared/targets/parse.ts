import type { Polarity, ValueType } from '../schema/plan';
import type { TargetExpression } from '../schema/target';

export interface TargetContext {
  valueType: ValueType;
  polarity: Polarity;
  /** The indicator's unit; a phrase without a unit inherits it. */
  unit?: string;
  /** The indicator measures a change against the previous year ("Giảm … so với năm trước"). */
  comparesToPrevious?: boolean;
}

/** Placeholder signature while the parser is written; replaced in the next commit. */
export function parseTarget(text: string, _context: TargetContext): TargetExpression {
  return { kind: 'unparsed', text, reason: 'parser not written yet' };
}
