import type { Agency } from '../../shared/schema/agency';
import type { SubmissionStatus } from '../../shared/consolidate';
import type { Text } from '../../shared/i18n';

/**
 * The consolidator's filters and sorts on the agency list, and the reminder list of the
 * agencies that are late or have not reported, with their contacts. Pure: the pane keeps
 * the chosen filter, the controller's rows stay as the server sent them.
 */

/** What the filters read of a row of the agency table (the controller's SubmissionRow). */
export interface FilterableRow {
  agencyId: string;
  name: Text;
  status: SubmissionStatus;
  late: boolean;
  errors: number;
  updatedAt: string | null;
}

export type StatusFilter = 'all' | SubmissionStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'submitted', 'late', 'missing', 'approved', 'returned', 'draft'];
export type SortKey = 'name' | 'status' | 'submitted';
export const SORT_KEYS: readonly SortKey[] = ['status', 'name', 'submitted'];

export interface AgencyFilter {
  status: StatusFilter;
  lateOnly: boolean;
  withErrors: boolean;
  sort: SortKey;
}

export const NO_FILTER: AgencyFilter = { status: 'all', lateOnly: false, withErrors: false, sort: 'status' };

/** The rows the filter lets through, in its order ('status' keeps the controller's review order). */
export function filterSubmissions<R extends FilterableRow>(rows: readonly R[], filter: AgencyFilter): R[] {
  const kept = rows.filter(
    (r) => (filter.status === 'all' || r.status === filter.status || (filter.status === 'submitted' && r.status === 'late')) && (!filter.lateOnly || r.late || r.status === 'late') && (!filter.withErrors || r.errors > 0),
  );
  if (filter.sort === 'name') return kept.sort((a, b) => a.name.vi.localeCompare(b.name.vi, 'vi'));
  // Newest submission first; never submitted last.
  if (filter.sort === 'submitted') return kept.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.name.vi.localeCompare(b.name.vi, 'vi'));
  return kept;
}

/** Late (submitted after the deadline, or still not submitted once it passed) and missing agencies. */
export function reminderRows<R extends FilterableRow>(rows: readonly R[]): R[] {
  return rows.filter((r) => r.status === 'missing' || r.status === 'late' || (r.late && r.status !== 'approved'));
}

export type Contact = NonNullable<Agency['contact']>;

export interface ReminderLine {
  name: string;
  status: string;
  contact: Contact | null;
}

export const NO_CONTACT: Text = { vi: '(chưa có liên hệ)', en: '(no contact yet)' };

/** One line per agency: "Sở Y tế — Chưa nộp — hạn 31/12/2023 — Nguyễn Văn A, 0901 234 567, a@example.vn". */
export function reminderText(lines: readonly ReminderLine[], due: string, heading: string, noContact: string): string {
  const contactText = (c: Contact | null) => {
    const parts = c ? [c.name, c.phone, c.email].filter((x): x is string => !!x && x.trim() !== '') : [];
    return parts.length > 0 ? parts.join(', ') : noContact;
  };
  return [heading, ...lines.map((l, i) => `${i + 1}. ${l.name} — ${l.status} — ${due} — ${contactText(l.contact)}`)].join('\n');
}
