/**
 * Before sending: what the send changes against the server's revision (shared/report-diff.ts),
 * and why "Gửi chính thức" is not offered (errors remain, the report is locked, nothing to submit).
 */
import type { Text } from '../../shared/i18n';
import { changeText, reportDiff } from '../../shared/report-diff';
import type { ReportBody, ReportStatus } from './api';
import type { MessageKey } from './i18n';

export interface SendPreview {
  /** The server's revision compared against; null when the agency has not sent this report yet. */
  revision: number | null;
  /** One line per changed cell: "Chỉ tiêu 11: 28,7 → 29,1". */
  changes: Text[];
}

export function sendPreview(server: { revision: number; body: ReportBody } | null, sheet: ReportBody): SendPreview {
  return { revision: server?.revision ?? null, changes: reportDiff(server?.body ?? null, sheet).map(changeText) };
}

/** The statuses in which the server takes no more changes from the agency. */
export const LOCKED_STATUSES: ReadonlySet<ReportStatus> = new Set<ReportStatus>(['submitted', 'late', 'approved']);

/** Why submitting is not possible now, or null: shown beside the disabled button. */
export function submitBlocker(state: { template: unknown; report: { status: ReportStatus } | null; check: { counts: { error: number } } | null }): { key: MessageKey; n?: number } | null {
  if (!state.template) return { key: 'submitNoTemplate' };
  if (state.report?.status === 'approved') return { key: 'submitLockedApproved' };
  if (state.report && LOCKED_STATUSES.has(state.report.status)) return { key: 'submitLockedSubmitted' };
  if (state.check && state.check.counts.error > 0) return { key: 'submitRefused', n: state.check.counts.error };
  return null;
}
