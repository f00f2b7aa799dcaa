import type { z } from 'zod';
import type { ValidationReport } from '../../shared/validate';
import type { ReportBody } from '../schemas';
import type { AuditEntry, ReportRevision } from '../storage/types';

/** How a stored revision is shown to clients, and what goes into the audit for a write. */
export function etagOf(revision: number): string {
  return `"r${revision}"`;
}

export function view(r: ReportRevision) {
  return {
    planId: r.planId,
    planRevision: r.planRevision,
    period: r.period,
    agencyId: r.agencyId,
    revision: r.revision,
    status: r.status,
    late: r.late,
    comment: r.comment,
    entries: r.entries,
    documents: r.documents,
    projects: r.projects,
    tasks: r.tasks ?? [],
    validation: r.validation,
    savedAt: r.savedAt,
    savedBy: r.savedBy,
    action: r.action,
  };
}

export function writeResponse(r: ReportRevision) {
  return { report: view(r), validation: r.validation };
}

/** Per indicator, the verdict, progress and category the engine gave, as the pane shows them. */
export function compactValidation(v: ValidationReport): ReportRevision['validation'] {
  const results = v.results.map((r) => ({
    code: r.code,
    verdict: r.evaluation?.year.verdict ?? null,
    progressYear: r.evaluation?.progressYear ?? null,
    progressPeriod: r.evaluation?.progressPeriod ?? null,
    category: r.evaluation?.category ?? null,
  }));
  return { valid: v.valid, stats: { ...v.stats }, findings: v.findings as unknown as Array<Record<string, unknown>>, results };
}

/** Who changed which value from what to what: one line per changed cell. */
export function diffEntries(current: ReportRevision | null, body: z.infer<typeof ReportBody>): AuditEntry['changes'] {
  const before = new Map((current?.entries ?? []).map((e) => [e.code, e]));
  const changes: NonNullable<AuditEntry['changes']> = [];
  const fields = ['value', 'answer', 'denominator', 'note', 'numberFormat'] as const;
  const seen = new Set<string>();
  for (const entry of body.entries) {
    seen.add(entry.code);
    const old = before.get(entry.code);
    for (const f of fields) {
      const from = old?.[f] ?? null;
      const to = entry[f] ?? null;
      if (from !== to) changes.push({ path: `entries.${entry.code}.${f}`, from, to });
    }
  }
  for (const [code, old] of before) {
    if (!seen.has(code)) for (const f of fields) if ((old[f] ?? null) !== null) changes.push({ path: `entries.${code}.${f}`, from: old[f], to: null });
  }
  const docs = (list: ReadonlyArray<{ code: string }>) => JSON.stringify([...list].sort((a, b) => a.code.localeCompare(b.code)));
  if (docs(current?.documents ?? []) !== docs(body.documents)) changes.push({ path: 'documents', from: current?.documents ?? [], to: body.documents });
  if (docs(current?.projects ?? []) !== docs(body.projects)) changes.push({ path: 'projects', from: current?.projects ?? [], to: body.projects });
  if (docs(current?.tasks ?? []) !== docs(body.tasks)) changes.push({ path: 'tasks', from: current?.tasks ?? [], to: body.tasks });
  return changes;
}

/** 422 duplicate-codes when a code (trimmed, as the engine reads it) comes twice in entries, documents, projects or tasks. */
export function repeatedCodes(body: { entries: ReadonlyArray<{ code: string }>; documents: ReadonlyArray<{ code: string }>; projects: ReadonlyArray<{ code: string }>; tasks?: ReadonlyArray<{ code: string }> }) {
  const repeated = (list: ReadonlyArray<{ code: string }>) => {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const { code } of list) (seen.has(code.trim()) ? twice : seen).add(code.trim());
    return [...twice];
  };
  const tasks = repeated(body.tasks ?? []);
  // Tasks are named only when one repeats, so the answer for the other lists keeps its shape.
  const duplicates = { entries: repeated(body.entries), documents: repeated(body.documents), projects: repeated(body.projects), ...(tasks.length > 0 ? { tasks } : {}) };
  return duplicates.entries.length + duplicates.documents.length + duplicates.projects.length + tasks.length > 0 ? duplicates : null;
}
