import type { AgencyRegister } from './agencies/register';
import { referenceDate } from './assignment';
import type { CompiledPlan } from './compile';
import type { Text } from './i18n';
import { text } from './i18n';
import { TASK_STATUSES, readTaskStatus } from './layout/labels';
import type { Period } from './periods';
import type { TaskDue } from './schema/plan';
import type { TaskStatus } from './schema/report';
import { parseEvidence, taskDueDate, taskIsDue, taskLeadOn } from './tasks';
import type { DocumentReference } from './tasks';
import { codeOf, isObject, listOf } from './untrusted';

/**
 * The task table of a plan written as tasks: each task's status from its lead's counted report
 * (coordinators do not report it), counts per status and per agency, and the overdue tasks
 * (due on or before the cut-off and not completed) with what the agency said about them.
 */

/** A task's status in the table: what its lead reported, or "notReported" when it said nothing readable. */
export type TaskTableStatus = TaskStatus | 'notReported';
export const TASK_TABLE_STATUSES: readonly TaskTableStatus[] = [...TASK_STATUSES, 'notReported'];

export interface TaskRow {
  code: string;
  section: string | null;
  text: string;
  textEn: string | null;
  /** The agency that answers for the task on the cut-off date (the plan's lead, followed through reorganisations). */
  lead: string;
  coordinators: string[];
  due: TaskDue;
  dueDate: string;
  /** The due date is on or before the period's cut-off. */
  isDue: boolean;
  status: TaskTableStatus;
  account: string | null;
  /** The evidence as the agency typed it. */
  evidenceText: string | null;
  /** The evidence read into document references (number and date). */
  evidence: DocumentReference[];
  note: string | null;
  /** Due and not completed (also when nothing was reported). */
  overdue: boolean;
}

export interface TaskAgencyCount {
  agencyId: string;
  agency: Text;
  total: number;
  counts: Record<TaskTableStatus, number>;
  overdue: number;
}

export interface OverdueTask {
  code: string;
  text: string;
  lead: string;
  dueDate: string;
  status: TaskTableStatus;
  account: string | null;
}

export interface TaskTable {
  rows: TaskRow[];
  counts: Record<TaskTableStatus, number>;
  /** Agency × status, agencies in id order. */
  byAgency: TaskAgencyCount[];
  overdue: OverdueTask[];
}

/** The figures of one counted report that the task table reads. */
export interface TaskReport {
  agencyId: string;
  tasks?: unknown;
}

export function emptyCounts(): Record<TaskTableStatus, number> {
  return { completed: 0, inProgress: 0, notStarted: 0, notYetDue: 0, notReported: 0 };
}

function textField(row: Record<string, unknown>, key: string): string | null {
  const v = row[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Each agency's task entries by code (the first of a repeated code, as validation reports the rest). */
function entriesByAgency(reports: readonly TaskReport[]): Map<string, Map<string, Record<string, unknown>>> {
  const out = new Map<string, Map<string, Record<string, unknown>>>();
  for (const report of reports) {
    const byCode = new Map<string, Record<string, unknown>>();
    for (const row of listOf(report.tasks)) {
      const code = codeOf(row);
      if (code && isObject(row) && !byCode.has(code)) byCode.set(code, row as Record<string, unknown>);
    }
    out.set(report.agencyId, byCode);
  }
  return out;
}

export function consolidateTasks(plan: CompiledPlan, register: AgencyRegister, period: Period, reports: readonly TaskReport[]): TaskTable {
  const date = referenceDate(plan, period);
  const byAgency = entriesByAgency(reports);
  const rows = plan.plan.tasks.map((task): TaskRow => {
    const lead = taskLeadOn(task, date, register);
    const entry = byAgency.get(lead)?.get(task.code);
    const status: TaskTableStatus = (entry && readTaskStatus(entry.status)) ?? 'notReported';
    const isDue = taskIsDue(plan, task, period);
    const evidenceText = entry ? textField(entry, 'evidence') : null;
    return {
      code: task.code,
      section: task.section ?? null,
      text: task.text,
      textEn: task.textEn ?? null,
      lead,
      coordinators: [...task.coordinators],
      due: task.due,
      dueDate: taskDueDate(plan, task, period),
      isDue,
      status,
      account: entry ? textField(entry, 'account') : null,
      evidenceText,
      evidence: parseEvidence(evidenceText),
      note: entry ? textField(entry, 'note') : null,
      overdue: isDue && status !== 'completed',
    };
  });
  const counts = emptyCounts();
  const agencies = new Map<string, TaskAgencyCount>();
  for (const row of rows) {
    counts[row.status]++;
    let a = agencies.get(row.lead);
    if (!a) {
      const agency = register.get(row.lead);
      a = { agencyId: row.lead, agency: agency ? text(agency.name, agency.nameEn ?? agency.name) : text(row.lead, row.lead), total: 0, counts: emptyCounts(), overdue: 0 };
      agencies.set(row.lead, a);
    }
    a.total++;
    a.counts[row.status]++;
    if (row.overdue) a.overdue++;
  }
  const overdue = rows
    .filter((r) => r.overdue)
    .map((r): OverdueTask => ({ code: r.code, text: r.text, lead: r.lead, dueDate: r.dueDate, status: r.status, account: r.account }));
  return { rows, counts, byAgency: [...agencies.values()].sort((a, b) => a.agencyId.localeCompare(b.agencyId)), overdue };
}
