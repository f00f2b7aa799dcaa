/**
 * What a send would change: the report about to be sent against the server's current
 * revision, cell by cell (each field of each indicator, document, project and task), so the
 * clerk sees "Chỉ tiêu 11: 28,7 → 29,1" before sending. Pure: no I/O.
 */
import type { Text } from './i18n';
import { formatNumberEn, formatNumberVi } from './numbers';

type Scalar = string | number | boolean | null | undefined;
type Item = { code: string } & Readonly<Record<string, unknown>>;

/** The four lists of a report body, as the schema and the pane have them (tasks optional). */
export interface DiffableReport {
  entries: readonly Item[];
  documents?: readonly Item[];
  projects?: readonly Item[];
  tasks?: readonly Item[];
}

export type DiffSection = 'entries' | 'documents' | 'projects' | 'tasks';

export interface ReportChange {
  section: DiffSection;
  code: string;
  field: string;
  /** added: blank before; removed: blank now; changed: both filled. */
  change: 'added' | 'removed' | 'changed';
  from: Scalar;
  to: Scalar;
}

const SECTIONS: readonly DiffSection[] = ['entries', 'documents', 'projects', 'tasks'];
/** Fields that say how a value was typed, not what it is. */
const IGNORED = new Set(['code', 'numberFormat']);

const blank = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const scalar = (v: unknown): Scalar => (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v));

/** Every field that differs between `before` (null: nothing on the server yet) and `after`, in the order of `after`, then removed items. */
export function reportDiff(before: DiffableReport | null, after: DiffableReport): ReportChange[] {
  const out: ReportChange[] = [];
  for (const section of SECTIONS) {
    const old = new Map((before?.[section] ?? []).map((item) => [item.code, item]));
    const now = after[section] ?? [];
    const codes = [...new Set([...now.map((i) => i.code), ...old.keys()])];
    const current = new Map(now.map((item) => [item.code, item]));
    for (const code of codes) {
      const a = old.get(code);
      const b = current.get(code);
      const fields = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((f) => !IGNORED.has(f));
      for (const field of fields) {
        const from = a?.[field];
        const to = b?.[field];
        if (blank(from) && blank(to)) continue;
        if (!blank(from) && !blank(to) && sameValue(from, to)) continue;
        out.push({ section, code, field, change: blank(from) ? 'added' : blank(to) ? 'removed' : 'changed', from: scalar(from), to: scalar(to) });
      }
    }
  }
  return out;
}

/** 28.7 and "28.7" are one value; texts compare trimmed. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b.trim();
  if (typeof a === 'string' && typeof b === 'number') return a.trim() === String(b);
  return a === b;
}

const SUBJECT: Record<DiffSection, Text> = {
  entries: { vi: 'Chỉ tiêu', en: 'Indicator' },
  documents: { vi: 'Văn bản', en: 'Document' },
  projects: { vi: 'Dự án', en: 'Project' },
  tasks: { vi: 'Nhiệm vụ', en: 'Task' },
};

const FIELD: Readonly<Record<string, Text>> = {
  answer: { vi: 'tự đánh giá', en: 'self-assessment' },
  denominator: { vi: 'mẫu số', en: 'denominator' },
  note: { vi: 'ghi chú', en: 'note' },
  status: { vi: 'tình trạng', en: 'status' },
  reference: { vi: 'số, ký hiệu', en: 'number' },
  issuedOn: { vi: 'ngày ban hành', en: 'issued on' },
  disbursed: { vi: 'giải ngân', en: 'disbursed' },
  account: { vi: 'kết quả thực hiện', en: 'account' },
  evidence: { vi: 'văn bản minh chứng', en: 'evidence' },
};

/** The main figure of each section: named by its subject alone ("Chỉ tiêu 11"). */
const MAIN_FIELD: Record<DiffSection, string> = { entries: 'value', documents: 'status', projects: 'disbursed', tasks: 'status' };

const EXCERPT = 40;
function shown(v: Scalar, lang: 'vi' | 'en'): string {
  if (blank(v)) return lang === 'vi' ? '(trống)' : '(blank)';
  if (typeof v === 'number') return lang === 'vi' ? formatNumberVi(v, 6) : formatNumberEn(v, 6);
  const one = String(v).replace(/\s+/g, ' ').trim();
  return one.length > EXCERPT ? `${one.slice(0, EXCERPT - 1)}…` : one;
}

/** "Chỉ tiêu 11: 28,7 → 29,1", "Chỉ tiêu 12 — ghi chú: (trống) → Đạt kế hoạch". */
export function changeText(change: ReportChange): Text {
  const line = (lang: 'vi' | 'en'): string => {
    const subject = `${SUBJECT[change.section][lang]} ${change.code}`;
    const field = change.field === MAIN_FIELD[change.section] ? '' : ` — ${FIELD[change.field]?.[lang] ?? change.field}`;
    return `${subject}${field}: ${shown(change.from, lang)} → ${shown(change.to, lang)}`;
  };
  return { vi: line('vi'), en: line('en') };
}
