import type { AgencyRegister } from './agencies/register';
import { referenceDate } from './assignment';
import type { CompiledPlan } from './compile';
import { finding } from './findings';
import type { Finding } from './findings';
import { readTaskStatus } from './layout/labels';
import { parsePeriod, periodWindow } from './periods';
import type { Period } from './periods';
import type { PlanTask } from './schema/plan';
import type { TaskEntryInput, TaskStatus } from './schema/report';
import { excerpt } from './text';
import { codeOf, isObject } from './untrusted';
import type { Untrusted } from './untrusted';

/**
 * Plans written as tasks (Hải Phòng 113/KH-UBND): who reports which task, when a task is
 * due, reading an agency's task entries and the documents it gives as evidence, and the
 * findings on them. Only the lead agency reports a task's status (as a clerk expects: the
 * coordinators send their part to the lead, who answers for the task); a coordinator's row
 * is a warning and is not consolidated.
 */

/** The agency that answers for a task on a date: its lead, followed through reorganisations. */
export function taskLeadOn(task: PlanTask, date: string, register?: AgencyRegister): string {
  if (!register) return task.lead;
  const r = register.responsibleOn(task.lead, date);
  return r.kind === 'agency' ? r.id : task.lead;
}

/** The tasks an agency reports in a period: those it leads on the period's cut-off date, in plan order. */
export function tasksLedBy(plan: CompiledPlan, register: AgencyRegister, agencyId: string, period: Period): PlanTask[] {
  const date = referenceDate(plan, period);
  return plan.plan.tasks.filter((task) => taskLeadOn(task, date, register) === agencyId);
}

/**
 * The day a task is due, seen from a period: "once" by the plan's last day, "by date" by
 * that date, "every year" by the cut-off of the period year's annual report.
 */
export function taskDueDate(plan: CompiledPlan, task: Pick<PlanTask, 'due'>, period: Period): string {
  const due = task.due;
  if (due.kind === 'byDate') return due.date;
  if (due.kind === 'once') return `${plan.plan.endYear}-12-31`;
  const annual = parsePeriod(String(period.year));
  return (annual && periodWindow(plan.plan, annual)?.to) ?? `${period.year}-12-31`;
}

/** Whether a task's due date is on or before the period's cut-off. */
export function taskIsDue(plan: CompiledPlan, task: Pick<PlanTask, 'due'>, period: Period): boolean {
  return taskDueDate(plan, task, period) <= referenceDate(plan, period);
}

/** A document given as evidence: its kind and number as typed, and its date when it can be read. */
export interface DocumentReference {
  /** The part as typed, e.g. "Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022". */
  text: string;
  /** The words before the number: "Kế hoạch", "Báo cáo", "Quyết định"; null when none. */
  kind: string | null;
  /** "45/KH-SLĐTBXH"; null when none was found. */
  number: string | null;
  /** YYYY-MM-DD; null when no date was given or it could not be read. */
  date: string | null;
  /** A date was written but could not be read (the text is kept). */
  dateUnreadable: boolean;
}

// "45/KH-SLĐTBXH", "09/2019/NĐ-CP", "120/BC-UBND": digits, then slash-separated parts with a capital letter.
const NUMBER = /\d+(?:\/\d{2,4})?\/[A-ZĐ][\p{L}\p{N}.-]*(?:\/[\p{L}\p{N}.-]+)*/u;
const DAY_NUMERIC = /(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})/;
const DAY_WORDS = /(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu;

/** Reads evidence as typed: documents separated by ";" or new lines, each with a number and a date. */
export function parseEvidence(raw: unknown): DocumentReference[] {
  if (typeof raw !== 'string') return [];
  return raw
    .normalize('NFC')
    .split(/[;\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(readReference);
}

function readReference(part: string): DocumentReference {
  const number = NUMBER.exec(part);
  // The words before the number, without a date written there or a trailing "số".
  const before = number ? part.slice(0, number.index) : '';
  const kind = before
    .replace(DAY_WORDS, '')
    .replace(DAY_NUMERIC, '')
    .replace(/(^|\s)ngày(?=\s|,|$)/iu, ' ')
    .replace(/(^|\s)số\s*$/iu, '')
    .replace(/^[\s,:;-]+|[\s,:;-]+$/gu, '')
    .trim();
  // The date is looked for after the number first ("… 45/KH-UBND ngày 12/3/2022"), then anywhere else in the part.
  const rest = number ? [part.slice(number.index + number[0].length), part.slice(0, number.index)] : [part];
  const saysDay = rest.some((t) => /(^|\s)ngày(\s|$)/iu.test(t) || DAY_NUMERIC.test(t) || DAY_WORDS.test(t));
  const m = rest.map((t) => DAY_WORDS.exec(t) ?? DAY_NUMERIC.exec(t)).find((x) => x !== null) ?? null;
  const date = m ? validDay(Number(m[3]), Number(m[2]), Number(m[1])) : null;
  return { text: part, kind: kind || null, number: number ? number[0] : null, date, dateUnreadable: saysDay && date === null };
}

function validDay(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return date.toISOString().slice(0, 10);
}

/** One task entry as the engine read it. */
export interface TaskResult {
  code: string;
  status: TaskStatus | null;
  account: string;
  evidence: DocumentReference[];
  note: string;
  dueDate: string;
  due: boolean;
}

/** A task's code and a short excerpt of its text, the way every task finding names it. */
export function taskParams(task: PlanTask): { task: string; text: string } {
  return { task: task.code, text: excerpt(task.text, 60) };
}

function stringField(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Reads one task entry (untrusted shape); the status may be its code or its label in either language. */
export function readTaskEntry(plan: CompiledPlan, task: PlanTask, entry: Untrusted<TaskEntryInput>, period: Period): TaskResult & { written: string } {
  const written = stringField(entry.status);
  return {
    code: task.code,
    status: readTaskStatus(written),
    account: stringField(entry.account),
    evidence: parseEvidence(entry.evidence),
    note: stringField(entry.note),
    dueDate: taskDueDate(plan, task, period),
    due: taskIsDue(plan, task, period),
    written,
  };
}

export interface TaskCheckInput {
  agencyId: string;
  period: Period;
  tasks: readonly unknown[];
  /** Task codes whose status cell could not be read (a reading finding already says so). */
  unreadableStatus?: ReadonlySet<string>;
}

/**
 * The findings on an agency's task entries, and each entry as read. With a register, the
 * tasks it leads must each have a status, and a row for a task it does not lead is a warning.
 */
export function checkTasks(plan: CompiledPlan, input: TaskCheckInput, register?: AgencyRegister): { findings: Finding[]; results: TaskResult[] } {
  const findings: Finding[] = [];
  const results: TaskResult[] = [];
  const byCode = new Map(plan.plan.tasks.map((t) => [t.code, t]));
  const date = referenceDate(plan, input.period);
  const seen = new Set<string>();
  for (const row of input.tasks) {
    const code = codeOf(row);
    const task = byCode.get(code);
    if (!isObject(row) || !code) {
      findings.push(finding('task-unknown', {}, { field: 'task' }, { variant: 'no-code' }));
      continue;
    }
    if (!task) {
      findings.push(finding('task-unknown', { plan: plan.plan.number, task: code.slice(0, 50) }, { field: 'task', task: code.slice(0, 50) }));
      continue;
    }
    const where = { field: 'task', task: code } as const;
    if (seen.has(code)) {
      findings.push(finding('task-duplicate', taskParams(task), where));
      continue;
    }
    seen.add(code);
    const read = readTaskEntry(plan, task, row, input.period);
    const lead = taskLeadOn(task, date, register);
    const filled = read.written !== '' || read.account !== '' || read.evidence.length > 0;
    if (register && lead !== input.agencyId) {
      if (filled) findings.push(finding('task-not-led', { ...taskParams(task), lead: register.get(lead)?.name ?? lead }, where));
      continue;
    }
    results.push({ code: read.code, status: read.status, account: read.account, evidence: read.evidence, note: read.note, dueDate: read.dueDate, due: read.due });
    findings.push(...entryFindings(task, read, input, date));
  }
  if (register) {
    for (const task of tasksLedBy(plan, register, input.agencyId, input.period)) {
      if (!seen.has(task.code) && !input.unreadableStatus?.has(task.code)) findings.push(finding('task-status-missing', taskParams(task), { field: 'task', task: task.code }));
    }
  }
  return { findings, results };
}

/** A status that contradicts the due date, an account missing for an overdue task not started, evidence dates not read. */
function entryFindings(task: PlanTask, read: TaskResult & { written: string }, input: TaskCheckInput, cutoff: string): Finding[] {
  const out: Finding[] = [];
  const params = taskParams(task);
  const where = { field: 'task', task: task.code } as const;
  if (read.status === null) {
    if (input.unreadableStatus?.has(task.code)) return out;
    out.push(finding('task-status-missing', read.written ? { ...params, written: excerpt(read.written, 40) } : params, where, read.written ? { variant: 'unreadable' } : {}));
  }
  const annual = input.period.kind === 'year';
  if (read.status === 'notYetDue' && task.due.kind === 'everyYear' && annual) {
    out.push(finding('task-status-contradicts-due', { ...params, year: input.period.year }, where, { variant: 'every-year' }));
  } else if (read.status === 'notYetDue' && read.due) {
    out.push(finding('task-status-contradicts-due', { ...params, due: read.dueDate, cutoff }, where));
  }
  if (read.status === 'notStarted' && read.due && read.account === '') {
    out.push(finding('task-account-required', { ...params, due: read.dueDate }, where));
  }
  for (const reference of read.evidence) {
    if (reference.dateUnreadable) out.push(finding('task-evidence-date-unreadable', { ...params, written: excerpt(reference.text, 80) }, where));
  }
  return out;
}

