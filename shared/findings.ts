import type { Severity } from './schema/plan';
import type { Text } from './i18n';

/**
 * A problem found in a report, in the spirit of Frictionless data's validation reports:
 * a stable code, a severity, where it is, a message and a hint in Vietnamese and English.
 */
export type FindingCode =
  | 'unknown-indicator'
  | 'duplicate-entry'
  | 'not-assigned'
  | 'heading-has-value'
  | 'required'
  | 'not-a-number'
  | 'bad-grouping'
  | 'too-long'
  | 'not-finite'
  | 'ambiguous-number'
  | 'unexpected-text'
  | 'unit-mismatch'
  | 'out-of-range'
  | 'negative'
  | 'not-integer'
  | 'implausible-magnitude'
  | 'answer-required'
  | 'answer-not-allowed'
  | 'target-missed'
  | 'target-within-tolerance'
  | 'target-unreadable'
  | 'no-target'
  | 'previous-missing'
  | 'large-change'
  | 'outlier'
  | 'note-required'
  | 'note-too-long'
  | 'formula-like-text'
  | 'denominator-required'
  | 'denominator-invalid'
  | 'rule-violated'
  | 'unknown-period'
  | 'unknown-document'
  | 'document-reference-missing'
  | 'document-after-period'
  | 'unknown-project'
  | 'project-over-budget'
  | 'responsible-unresolved'
  // Problems found while reading a workbook (add-in and upload alike: shared/layout/inputs.ts).
  | 'cell-error'
  | 'formula-cell'
  | 'cell-not-text-or-number'
  | 'date-in-number-cell'
  | 'document-status-unreadable'
  | 'document-date-unreadable'
  | 'reference-truncated'
  | 'input-not-found'
  | 'input-moved'
  | 'input-merged'
  | 'row-not-read'
  | 'unexpected-sheet'
  | 'template-version';

export type FindingField = 'value' | 'answer' | 'note' | 'denominator' | 'entry' | 'document' | 'project' | 'rule' | 'period' | 'workbook';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  field: FindingField;
  indicator?: string;
  document?: string;
  project?: string;
  rule?: string;
  message: Text;
  hint: Text;
  details?: Record<string, unknown>;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
