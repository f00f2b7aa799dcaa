/**
 * The report lifecycle, declared once: the statuses a stored report can have, what each
 * action does to them, and who may take it. Pure: the server asks it before every status
 * change, the task pane asks it which buttons to offer.
 *
 *   (none) ─save→ draft ─submit→ submitted | late ─approve→ approved
 *                   ↑                 │                      │
 *                   └──── save ───────┴───── return ─→ returned ←┘
 *
 * A returned report is saved and submitted again; an approved one is locked until returned.
 */

import type { Text } from './i18n';

/** Every status a stored revision can have. */
export const REPORT_STATUSES = ['draft', 'submitted', 'late', 'approved', 'returned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** A report's status in the citywide table: one of the above, or missing (no report yet). */
export const SUBMISSION_STATUSES = ['missing', ...REPORT_STATUSES] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** How each status is named: in the citywide workbook's submission sheet and in the task pane. */
export const SUBMISSION_STATUS_LABELS: Readonly<Record<SubmissionStatus, Text>> = {
  missing: { vi: 'Chưa gửi', en: 'Missing' },
  draft: { vi: 'Bản nháp', en: 'Draft' },
  submitted: { vi: 'Đã gửi', en: 'Submitted' },
  late: { vi: 'Gửi muộn', en: 'Late' },
  approved: { vi: 'Đã duyệt', en: 'Approved' },
  returned: { vi: 'Trả lại', en: 'Returned' },
};

/** The statuses whose figures count in the citywide table: submitted (on time or late) and approved. */
export const COUNTED_STATUSES: ReadonlySet<ReportStatus> = new Set<ReportStatus>(['submitted', 'late', 'approved']);
/** Submitted, on time or after the deadline: what a consolidator decides on. */
export const SUBMITTED_STATUSES: ReadonlySet<ReportStatus> = new Set<ReportStatus>(['submitted', 'late']);
/** What submit gives: submitted before the deadline, late after it (the pane names its outcome so). */
export const SUBMIT_RESULTS = ['submitted', 'late'] as const satisfies readonly ReportStatus[];
export type SubmitResult = (typeof SUBMIT_RESULTS)[number];

export type LifecycleRole = 'agency' | 'consolidator' | 'admin';
export const LIFECYCLE_ACTIONS = ['save', 'submit', 'approve', 'return'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Why a transition is refused; each has its own API error code. */
export type Refusal = 'role-forbidden' | 'report-not-found' | 'locked' | 'not-submitted' | 'nothing-to-return';

interface ActionRule {
  /** Who may take the action (an agency only on its own reports: the server checks that). */
  roles: readonly LifecycleRole[];
  /** The statuses it starts from; null is "no report yet". */
  from: ReadonlyArray<ReportStatus | null>;
  /** The refusal for any other status (report-not-found when there is no report yet). */
  otherwise: Exclude<Refusal, 'role-forbidden' | 'report-not-found'>;
}

export const ACTIONS: Readonly<Record<LifecycleAction, ActionRule>> = {
  save: { roles: ['agency', 'admin'], from: [null, 'draft', 'submitted', 'late', 'returned'], otherwise: 'locked' },
  submit: { roles: ['agency', 'admin'], from: ['draft', 'submitted', 'late', 'returned'], otherwise: 'locked' },
  approve: { roles: ['consolidator', 'admin'], from: ['submitted', 'late'], otherwise: 'not-submitted' },
  return: { roles: ['consolidator', 'admin'], from: ['submitted', 'late', 'approved'], otherwise: 'nothing-to-return' },
};

/** Whether the action starts from this status (whoever asks). "missing" is no report yet. */
export function allowedFrom(action: LifecycleAction, status: SubmissionStatus | null): boolean {
  return ACTIONS[action].from.includes(status === 'missing' ? null : status);
}

/** The actions this role may take on a report in this status, in the order of LIFECYCLE_ACTIONS. */
export function allowedActions(status: SubmissionStatus | null, role: LifecycleRole): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((action) => ACTIONS[action].roles.includes(role) && allowedFrom(action, status));
}

export interface TransitionContext {
  role: LifecycleRole;
  /** submit only: whether the deadline of the period has passed. */
  afterDeadline?: boolean;
}

export type Transition =
  | { ok: true; action: LifecycleAction; from: ReportStatus | null; to: ReportStatus; late: boolean }
  | { ok: false; action: LifecycleAction; from: ReportStatus | null; refusal: Refusal };

/**
 * The next status, or why not. A refused role comes first (the server has checked it before
 * reading the body anyway); then the status. Submit after the deadline gives "late".
 */
export function transition(status: ReportStatus | null, action: LifecycleAction, context: TransitionContext): Transition {
  const rule = ACTIONS[action];
  if (!rule.roles.includes(context.role)) return { ok: false, action, from: status, refusal: 'role-forbidden' };
  if (!rule.from.includes(status)) return { ok: false, action, from: status, refusal: status === null ? 'report-not-found' : rule.otherwise };
  const late = action === 'submit' && context.afterDeadline === true;
  return { ok: true, action, from: status, to: resultOf(action, late), late };
}

function resultOf(action: LifecycleAction, late: boolean): ReportStatus {
  switch (action) {
    case 'save':
      return 'draft';
    case 'submit':
      return late ? 'late' : 'submitted';
    case 'approve':
      return 'approved';
    case 'return':
      return 'returned';
  }
}

export function isReportStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && (REPORT_STATUSES as readonly string[]).includes(value);
}
