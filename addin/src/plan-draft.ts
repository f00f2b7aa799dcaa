import type { SelectedTable } from '../excel/port';
import type { Text } from '../../shared/i18n';

/**
 * A plan drafted in the pane from the appendix table selected in Excel: what the server's
 * importer answered (POST /api/plans/draft) and the metadata the consolidator typed, kept
 * until the draft is saved (POST /api/plans).
 */
export interface PlanDraftMeta {
  id: string;
  number: string;
  title: string;
  city: string;
  startYear: number;
  endYear: number;
  issuedOn?: string;
  program?: string;
  standingAgency?: string;
}

export interface DraftFindingView {
  code: string;
  severity: 'error' | 'warning' | 'info';
  cell?: string;
  sheet?: string;
  indicator?: string;
  message: Text;
}

export interface DraftIndicatorView {
  code: string;
  name: string;
  unit: string;
  lead: string | null;
  targets: string;
}

export interface PlanDraftView {
  meta: PlanDraftMeta;
  sheet: string;
  address: string;
  /** The plan file as drafted, sent unchanged when saved. */
  draft: Record<string, unknown>;
  findings: DraftFindingView[];
  indicators: DraftIndicatorView[];
  saved: { id: string; revision: number } | null;
}

/** The request body for the selected table: blanks left as they are (merged areas are not read under ExcelApi 1.8). */
export function draftRequest(table: SelectedTable, meta: PlanDraftMeta): Record<string, unknown> {
  const clean: Record<string, unknown> = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined && v !== ''));
  return { grid: table.texts, sheet: table.sheet, origin: table.origin, meta: clean };
}

/** The server's answer → what the pane shows; anything missing from the answer is shown as nothing, never trusted. */
export function draftView(answer: unknown, table: SelectedTable, meta: PlanDraftMeta): PlanDraftView {
  const body = (answer ?? {}) as { draft?: unknown; findings?: unknown };
  const draft = (typeof body.draft === 'object' && body.draft !== null ? body.draft : {}) as Record<string, unknown>;
  const findings = Array.isArray(body.findings) ? (body.findings as DraftFindingView[]) : [];
  const list = Array.isArray(draft.indicators) ? (draft.indicators as Array<Record<string, unknown>>) : [];
  const indicators = list.map((i) => ({
    code: String(i.code),
    name: String(i.name),
    unit: typeof i.unit === 'string' ? i.unit : '',
    lead: typeof i.lead === 'string' ? i.lead : null,
    targets: Object.entries((i.targets ?? {}) as Record<string, { text?: unknown }>)
      .map(([year, t]) => `${year}: ${String(t.text)}`)
      .join(' · '),
  }));
  return { meta, sheet: table.sheet, address: table.address, draft, findings, indicators, saved: null };
}
