import { SUBMISSION_STATUSES } from '../../../shared/lifecycle';
import type { ReportStatus, SubmissionStatus } from '../../../shared/lifecycle';
import type { MessageKey } from '../i18n';
import type { BadgeKind } from './ui';

/**
 * The report statuses as the pane shows them: the colour of each status and the order of
 * the consolidation counts. The statuses themselves are the lifecycle's (shared/lifecycle.ts):
 * a status added there fails to compile here until it has a colour.
 */

/** The colour of each status: counted on time green, late and returned amber, a draft plain. */
const REPORT_STATUS_KIND: Readonly<Record<ReportStatus, BadgeKind>> = {
  draft: '',
  submitted: 'success',
  late: 'warning',
  approved: 'success',
  returned: 'warning',
};

/** The label of a status (i18n.ts has one for every status of the lifecycle, or this fails to compile). */
export function statusLabelKey(status: SubmissionStatus): MessageKey {
  return `status_${status}`;
}

/** The colour of an agency's own report status (Gửi tab). */
export function reportStatusKind(status: ReportStatus): BadgeKind {
  return REPORT_STATUS_KIND[status];
}

/** The colour of a submission in the consolidator's table (a missing report is an error). */
export function submissionStatusKind(status: SubmissionStatus): BadgeKind {
  return status === 'missing' ? 'error' : reportStatusKind(status);
}

/** A status with a count of its own above the table: late reports are counted among the submitted. */
export type CountStatus = Exclude<SubmissionStatus, 'late'>;

/**
 * The statuses counted above the consolidator's table, in the lifecycle's order (not the
 * lifecycle's COUNTED_STATUSES, the statuses whose figures count: these include missing and draft).
 */
export const COUNT_STATUSES: readonly CountStatus[] = SUBMISSION_STATUSES.filter((status): status is CountStatus => status !== 'late');
