import type { SubmissionStatus } from '../../../shared/consolidate';
import type { ReportStatus } from '../api';
import type { BadgeKind } from './ui';

/**
 * The report statuses as the pane shows them, in one place: the colour of each status and
 * the order of the consolidation counts. The report lifecycle is to move into one shared
 * module (shared/lifecycle.ts); this is the only file of the view that then changes.
 */

/** The colour of an agency's own report status (Gửi tab). */
export function reportStatusKind(status: ReportStatus): BadgeKind {
  if (status === 'approved' || status === 'submitted') return 'success';
  if (status === 'returned' || status === 'late') return 'warning';
  return '';
}

/** The colour of a submission in the consolidator's table (a missing report is an error). */
export function submissionStatusKind(status: SubmissionStatus): BadgeKind {
  if (status === 'missing') return 'error';
  return reportStatusKind(status);
}

/** The statuses counted above the consolidator's table, in this order. */
export const COUNTED_STATUSES = ['missing', 'draft', 'submitted', 'approved', 'returned'] as const;

