import type { CompiledPlan } from '../../shared/compile';
import type { Verdict } from '../../shared/evaluate';
import { describeTarget } from '../../shared/evaluate';
import type { Text } from '../../shared/i18n';
import type { ValidationReport } from '../../shared/validate';
import type { ReportStatus, ServerReport } from './api';

/**
 * What the consolidator reads before approving an agency's report: each indicator's figures
 * as typed and as the engine read them with the year's target and verdict, the findings,
 * the notes, the other lists, and the history revision by revision, cell by cell. Built from
 * the server's latest revision, its history and the same engine call the server makes.
 */

export interface ReviewFigure {
  code: string;
  name: Text;
  unit: string;
  /** The cell as the agency typed it (a number, a text such as "85,5", or an answer). */
  typed: string;
  /** The number the engine read from it, or null. */
  read: number | null;
  target: Text | null;
  verdict: Verdict | null;
  progressYear: number | null;
  progressPeriod: number | null;
  note: string;
}

/** One changed cell between two revisions: "entries.14.value" from 80 to 85. */
export interface ReviewChange {
  /** Which list and code: "indicator 14", "document VB1"… */
  kind: 'indicator' | 'document' | 'project' | 'task';
  code: string;
  field: string;
  from: string;
  to: string;
}

export interface ReviewRevision {
  revision: number;
  status: ReportStatus;
  action: string;
  savedAt: string;
  /** The label of the token that saved it (the server's history names it), else its id. */
  author: string;
  comment: string | null;
  /** Against the revision before it; for the first, every filled cell. */
  changes: ReviewChange[];
}

/** A finding as the pane lists it (the controller's FindingView): where, naming the indicator, and what. */
export interface ReviewFinding {
  id: string;
  severity: string;
  where: Text;
  message: Text;
}

export interface ReviewOther {
  kind: 'document' | 'project' | 'task';
  code: string;
  name: string;
  cells: Array<{ field: string; value: string }>;
}

/** What the review shows of the report as stored, and what it reads from it. */
export interface ReviewView extends Pick<ServerReport, 'planId' | 'period' | 'agencyId' | 'revision' | 'status' | 'late' | 'comment' | 'savedAt'> {
  figures: ReviewFigure[];
  findings: ReviewFinding[];
  errors: number;
  others: ReviewOther[];
  /** Newest first. */
  history: ReviewRevision[];
}

export type HistoryRevision = ServerReport & { savedByLabel?: string | null };

const cellText = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));

/** The figures of every indicator the report has an entry for, in plan order. */
export function reviewFigures(plan: CompiledPlan, report: ServerReport, validation: ValidationReport): ReviewFigure[] {
  const entries = new Map(report.entries.map((e) => [e.code, e]));
  const results = new Map(validation.results.map((r) => [r.code, r]));
  return plan.order
    .filter((code) => entries.has(code) || results.has(code))
    .map((code) => {
      const indicator = plan.indicators.get(code);
      const entry = entries.get(code);
      const result = results.get(code);
      const evaluation = result?.evaluation ?? null;
      return {
        code,
        name: { vi: indicator?.name ?? code, en: indicator?.nameEn ?? indicator?.name ?? code },
        unit: indicator?.unit ?? '',
        typed: cellText(entry?.answer ?? entry?.value),
        read: result?.value ?? null,
        target: evaluation?.yearTarget ? describeTarget(evaluation.yearTarget) : null,
        verdict: evaluation?.year.verdict ?? null,
        progressYear: evaluation?.progressYear ?? null,
        progressPeriod: evaluation?.progressPeriod ?? null,
        note: entry?.note ?? result?.note ?? '',
      };
    });
}

/** Documents, projects and tasks the report carries, each with its filled cells. */
export function reviewOthers(plan: CompiledPlan, report: ServerReport): ReviewOther[] {
  const cells = (item: Record<string, unknown>) =>
    Object.entries(item)
      .filter(([field, value]) => field !== 'code' && cellText(value) !== '')
      .map(([field, value]) => ({ field, value: cellText(value) }));
  return [
    ...report.documents.map((d) => ({ kind: 'document' as const, code: d.code, name: plan.documents.get(d.code)?.title ?? '', cells: cells(d) })),
    ...report.projects.map((p) => ({ kind: 'project' as const, code: p.code, name: plan.projects.get(p.code)?.title ?? '', cells: cells(p) })),
    ...(report.tasks ?? []).map((t) => ({ kind: 'task' as const, code: t.code, name: '', cells: cells(t) })),
  ].filter((o) => o.cells.length > 0);
}

type Listed = ReadonlyArray<{ code: string }>;
const LISTS: ReadonlyArray<[ReviewChange['kind'], (r: ServerReport) => Listed]> = [
  ['indicator', (r) => r.entries],
  ['document', (r) => r.documents],
  ['project', (r) => r.projects],
  ['task', (r) => r.tasks ?? []],
];

/** Cell by cell, what changed from `before` (null: nothing yet) to `after`. */
export function revisionChanges(before: ServerReport | null, after: ServerReport): ReviewChange[] {
  const changes: ReviewChange[] = [];
  for (const [kind, list] of LISTS) {
    const old = new Map((before ? list(before) : []).map((item) => [item.code, item as Record<string, unknown>]));
    const next = new Map(list(after).map((item) => [item.code, item as Record<string, unknown>]));
    for (const code of new Set([...old.keys(), ...next.keys()])) {
      const a = old.get(code) ?? {};
      const b = next.get(code) ?? {};
      for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (field === 'code') continue;
        const from = cellText(a[field]);
        const to = cellText(b[field]);
        if (from !== to) changes.push({ kind, code, field, from, to });
      }
    }
  }
  return changes;
}

/** The history, newest first, each revision with its author and its changes against the one before. */
export function reviewHistory(revisions: readonly HistoryRevision[]): ReviewRevision[] {
  const oldestFirst = [...revisions].sort((a, b) => a.revision - b.revision);
  return oldestFirst
    .map((r, i) => ({
      revision: r.revision,
      status: r.status,
      action: r.action,
      savedAt: r.savedAt,
      author: r.savedByLabel ?? r.savedBy,
      comment: r.comment,
      changes: revisionChanges(oldestFirst[i - 1] ?? null, r),
    }))
    .reverse();
}

/** The whole review of one report: its latest revision, its history and the engine's reading of it. */
export function reviewView(plan: CompiledPlan, report: ServerReport, history: readonly HistoryRevision[], validation: ValidationReport, findings: ReviewFinding[]): ReviewView {
  return {
    planId: report.planId,
    period: report.period,
    agencyId: report.agencyId,
    revision: report.revision,
    status: report.status,
    late: report.late,
    comment: report.comment,
    savedAt: report.savedAt,
    figures: reviewFigures(plan, report, validation),
    findings,
    errors: validation.stats.errors,
    others: reviewOthers(plan, report),
    history: reviewHistory(history),
  };
}
