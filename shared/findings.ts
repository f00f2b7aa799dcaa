import type { Severity } from './schema/plan';
import type { Text } from './i18n';
import { FINDINGS, READING_FINDINGS } from './catalogue/findings';
import type { EngineFindingCode, ReadingFindingCode } from './catalogue/findings';
import { render } from './catalogue/render';
import { TASK_FINDINGS, TASK_READING_FINDINGS } from './catalogue/tasks';
import type { TaskFindingCode, TaskReadingFindingCode } from './catalogue/tasks';
import type { CatalogueEntry, Params } from './catalogue/types';

/**
 * A problem found in a report, in the spirit of Frictionless data's validation reports:
 * a stable code, a severity, where it is, its parameters, and a message and a hint in
 * Vietnamese and English rendered from the catalogue (shared/catalogue/findings.ts).
 */
export type FindingCode = EngineFindingCode | ReadingFindingCode | TaskFindingCode | TaskReadingFindingCode;

export type FindingField = 'value' | 'answer' | 'note' | 'denominator' | 'entry' | 'document' | 'project' | 'rule' | 'period' | 'workbook' | 'task';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  field: FindingField;
  indicator?: string;
  document?: string;
  project?: string;
  /** The task's code, on findings about a task (shared/tasks.ts). */
  task?: string;
  rule?: string;
  message: Text;
  hint: Text;
  /** What the message was rendered from: the catalogue's template for `code` (and `variant`) filled with these. */
  params?: Params;
  /** The catalogue's other wording of the code, when one was used. */
  variant?: string;
  details?: Record<string, unknown>;
}

/** Where a finding sits, and what else it carries: the finding's own fields of that kind. */
export type FindingPlace = Pick<Finding, 'field' | 'indicator' | 'document' | 'project' | 'task' | 'rule' | 'details'>;

export interface FindingOptions {
  /** One of the entry's variants (catalogue), when the usual wording does not fit. */
  variant?: string;
  /** A severity that is data, not the code's (a plan rule says how bad breaking it is). */
  severity?: Severity;
}

/** Both vocabularies in one table (no code is in both; the engine's would win). */
const ENTRIES: Readonly<Record<FindingCode, CatalogueEntry>> = { ...READING_FINDINGS, ...TASK_READING_FINDINGS, ...FINDINGS, ...TASK_FINDINGS };

/** The catalogue entry of a finding code. */
export function findingEntry(code: FindingCode): CatalogueEntry {
  return ENTRIES[code];
}

/** The one place a finding is made: its words come from the catalogue, filled with `params`. */
export function finding(code: FindingCode, params: Params, where: FindingPlace, options: FindingOptions = {}): Finding {
  const entry = findingEntry(code);
  const variant = options.variant;
  const words = render(entry, params, variant);
  const severity = options.severity ?? (variant !== undefined ? entry.variants?.[variant]?.severity : undefined) ?? entry.severity ?? 'error';
  // Built key by key (not spread): findings are made for every value of every report.
  const made: Finding = { code, severity, field: where.field } as Finding;
  if (where.indicator !== undefined) made.indicator = where.indicator;
  if (where.document !== undefined) made.document = where.document;
  if (where.project !== undefined) made.project = where.project;
  if (where.task !== undefined) made.task = where.task;
  if (where.rule !== undefined) made.rule = where.rule;
  made.message = words.message;
  made.hint = words.hint ?? { vi: '', en: '' };
  made.params = params;
  if (variant !== undefined) made.variant = variant;
  if (where.details !== undefined) made.details = where.details;
  return made;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
