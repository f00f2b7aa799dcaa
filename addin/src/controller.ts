import { draftRequest, draftView } from './plan-draft';
import { NO_CONTACT, reminderRows, reminderText } from './agency-filters';
import { reviewView } from './review';
import type { ReviewView } from './review';
import type { DraftFindingView, PlanDraftMeta, PlanDraftView } from './plan-draft';
import { createRegister } from '../../shared/agencies/register';
import type { AgencyRegister } from '../../shared/agencies/register';
import { assignmentFor } from '../../shared/assignment';
import { tasksLedBy } from '../../shared/tasks';
import { compilePlan } from '../../shared/compile';
import type { CompiledPlan } from '../../shared/compile';
import type { AgencySubmission, ConsolidatedTable, SubmissionCounts, SubmissionStatus } from '../../shared/consolidate';
import { countBySeverity } from '../../shared/findings';
import type { Finding, FindingCode } from '../../shared/findings';
import type { Text } from '../../shared/i18n';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { CATEGORY_SHORT, VERDICT_LABELS, formatDate, formatDateTime, periodLabel } from '../../shared/layout/labels';
import { agencyTemplate, previousValuesOf } from '../../shared/layout/template';
import type { PreviousValues as OwnPreviousValues } from '../../shared/layout/template';
import type { InputRef } from '../../shared/layout/types';
import { allowedFrom } from '../../shared/lifecycle';
import type { SubmitResult } from '../../shared/lifecycle';
import { parsePeriod, periodWindow, previousReportingPeriod } from '../../shared/periods';
import type { Plan, Severity } from '../../shared/schema/plan';
import { validateReport } from '../../shared/validate';
import type { ValidationReport } from '../../shared/validate';
import type { Judgement, ReadInputs, TemplateRef, WorkbookPort } from '../excel/port';
import { present } from '../excel/present';
import { ApiClient, ApiError, NetworkError, OfflineQueue, PreviousValuesCache, isNetworkError } from './api';
import type { HandVerdict } from './api';
import type { FetchLike, KnownPrevious, Me, PlanSummary, PutOutcome, QueuedPut, ReportBody, ReportKey, ReportStatus, ServerReport } from './api';
import { pick, storeLang, storedLang, t, tt } from './i18n';
import { sendPreview } from './send-preview';
import type { SendPreview } from './send-preview';
import type { KeyValueStorage, Lang, MessageKey, Params } from './i18n';

/**
 * The task pane's logic, free of the DOM: everything the pane does goes through here, with
 * the workbook behind WorkbookPort, the server behind ApiClient (fetch injected) and the
 * add-in's localStorage injected, so it runs in Node tests as it runs in Excel.
 */

export const STORAGE_KEYS = {
  server: 'asr.server',
  token: 'asr.token',
  reports: 'asr.reports',
} as const;

export type InputKind = InputRef['kind'];
export type Busy = 'connect' | 'plan' | 'insert' | 'templates' | 'check' | 'preview' | 'send' | 'resolve' | 'submit' | 'queue' | 'consolidated' | 'write' | 'report' | 'review' | 'draft';
export type SendPhase = 'idle' | 'reading' | 'validating' | 'sending' | 'saved' | 'queued' | 'conflict' | 'locked' | 'error';

export interface Notice {
  kind: 'info' | 'success' | 'warning' | 'error';
  text: Text;
}

export interface PeriodChoice {
  id: string;
  label: Text;
}

export interface AgencyChoice {
  id: string;
  name: Text;
}

export interface FindingView {
  id: string;
  severity: Severity;
  code: FindingCode;
  message: Text;
  hint: Text;
  /** "Chỉ tiêu 14 — ghi chú" */
  where: Text;
  /** The input cell to select, when the finding sits on one. */
  input: { kind: InputKind; code: string } | null;
}

export interface CheckResult {
  findings: FindingView[];
  counts: Record<Severity, number>;
  valid: boolean;
  report: ValidationReport;
  judgement: Judgement;
  inputs: ReadInputs;
  /** Last year's values the check compared with, and whether they came from the server now. */
  previous: KnownPrevious;
}

export interface ConflictRow {
  kind: InputKind;
  code: string;
  where: Text;
  mine: string;
  server: string;
}

export interface ConflictView {
  key: ReportKey;
  mine: ReportBody;
  server: ServerReport | null;
  etag: string | null;
  /** Only the cells that differ. */
  rows: ConflictRow[];
  message: Text;
}

export type SendOutcome =
  | { status: 'saved'; revision: number; etag: string; errors: number }
  | { status: 'queued'; idempotencyKey: string }
  | { status: 'conflict'; conflict: ConflictView }
  | { status: 'locked'; message: Text }
  | { status: 'error'; message: Text };

export type SubmitOutcome =
  | { status: SubmitResult; revision: number }
  | { status: 'refused'; errors: number; reason: Text }
  | { status: 'not-saved'; send: SendOutcome };

export interface SubmissionRow {
  agencyId: string;
  name: Text;
  status: SubmissionStatus;
  indicators: number;
  revision: number | null;
  late: boolean;
  /** Whether its figures are in the table, on the table's basis. */
  counted: boolean;
  updateInProgress: AgencySubmission['updateInProgress'];
  returned: AgencySubmission['returned'];
  /** Earlier returns of a report that has been resubmitted since (the current one is `returned`). */
  earlierReturns: AgencySubmission['returns'];
  canApprove: boolean;
  canReturn: boolean;
  /** Errors the consolidation found in this agency's counted cells (the "with errors" filter). */
  errors: number;
  /** When the revision shown by status was saved (the "submitted date" sort). */
  updatedAt: string | null;
}

export interface ConsolidatedView {
  planId: string;
  period: string;
  table: ConsolidatedTable;
  rows: SubmissionRow[];
  /** The server's counts: submitted (late among them), approved, returned, draft, missing, updating. */
  counts: SubmissionCounts;
}

export interface ReportState {
  status: ReportStatus;
  revision: number;
  late: boolean;
  comment: string | null;
}

export interface PaneState {
  lang: Lang;
  serverUrl: string;
  hasToken: boolean;
  me: Me | null;
  plans: PlanSummary[];
  planId: string | null;
  periods: PeriodChoice[];
  period: string | null;
  agencyChoices: AgencyChoice[];
  agencyId: string | null;
  templates: TemplateRef[];
  template: TemplateRef | null;
  check: CheckResult | null;
  phase: SendPhase;
  lastSaved: { revision: number; errors: number } | null;
  report: ReportState | null;
  conflict: ConflictView | null;
  /** What a send would change against the server's revision, from the last preview (cleared by a send). */
  preview: SendPreview | null;
  queued: number;
  consolidated: ConsolidatedView | null;
  /** Build the citywide table from the drafts instead of the submitted reports (a preview). */
  consolidateDrafts: boolean;
  /** A plan drafted from the appendix table selected in Excel, until it is saved or replaced. */
  planDraft: PlanDraftView | null;
  /** The agency report the consolidator opened before deciding on it. */
  review: ReviewView | null;
  busy: Busy | null;
  notice: Notice | null;
}

export interface ControllerDeps {
  port: WorkbookPort;
  storage: KeyValueStorage;
  fetch?: FetchLike;
  now?: () => Date;
  /** Idempotency keys and queue ids; crypto.randomUUID by default. */
  newId?: () => string;
  /** Where the server is when nothing is stored: the origin that served the pane. */
  defaultServerUrl?: string;
}

/** An error the pane explains itself (no connection, no template, …). */
export class PaneError extends Error {
  constructor(readonly text: Text) {
    super(text.en);
    this.name = 'PaneError';
  }
}

export function messageOf(error: unknown): Text {
  if (error instanceof PaneError || error instanceof ApiError || error instanceof NetworkError) return error.text;
  const message = error instanceof Error ? error.message : String(error);
  return tt('unexpected', { message });
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- Pure helpers (exported for tests and the DOM layer) -------------------------------------

const PERIOD_ORDER: Record<string, number> = { '3M': 3, '6M': 6, '9M': 9, year: 12 };

/** Period choices: the plan's reporting kinds × the plan's years. */
export function periodChoices(plan: Pick<Plan, 'startYear' | 'endYear' | 'reporting'>): PeriodChoice[] {
  const kinds = [...new Set(plan.reporting.periods.map((p) => p.kind))].sort((a, b) => (PERIOD_ORDER[a] ?? 0) - (PERIOD_ORDER[b] ?? 0));
  const out: PeriodChoice[] = [];
  for (let year = plan.startYear; year <= plan.endYear; year++) {
    for (const kind of kinds) {
      const id = kind === 'year' ? String(year) : `${year}-${kind}`;
      const period = parsePeriod(id);
      if (!period) continue;
      out.push({ id, label: { vi: periodLabel(period, 'vi'), en: periodLabel(period, 'en') } });
    }
  }
  return out;
}

/** The period being reported now: the first whose deadline has not passed, else the last. */
export function currentPeriod(plan: Pick<Plan, 'startYear' | 'endYear' | 'reporting'>, today: string): string | null {
  const choices = periodChoices(plan);
  for (const choice of choices) {
    const window = periodWindow(plan, present(parsePeriod(choice.id), `the period of choice ${choice.id}`));
    if (window && window.deadline >= today) return choice.id;
  }
  return choices[choices.length - 1]?.id ?? null;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

const INPUT_KINDS = new Set<string>(['value', 'answer', 'denominator', 'note', 'documentStatus', 'documentReference', 'documentDate', 'documentNote', 'projectDisbursed', 'projectNote', 'taskStatus', 'taskAccount', 'taskEvidence', 'taskNote']);

/** The input cell a finding is about, or null (period findings, rules without an indicator). */
export function findingInput(f: Finding): { kind: InputKind; code: string } | null {
  // A finding made while reading a cell names the cell's kind.
  const named = f.details?.input;
  const code = f.indicator ?? f.document ?? f.project ?? f.task;
  if (typeof named === 'string' && INPUT_KINDS.has(named) && code) return { kind: named as InputKind, code };
  if (f.indicator) {
    const kind: InputKind =
      f.field === 'answer' ? 'answer' : f.field === 'note' ? 'note' : f.field === 'denominator' ? 'denominator' : 'value';
    return { kind, code: f.indicator };
  }
  if (f.document) {
    const kind: InputKind =
      f.code === 'document-reference-missing' ? 'documentReference' : f.code === 'document-after-period' ? 'documentDate' : 'documentStatus';
    return { kind, code: f.document };
  }
  if (f.project) return { kind: 'projectDisbursed', code: f.project };
  if (f.task) return { kind: f.code === 'task-account-required' ? 'taskAccount' : f.code === 'task-evidence-date-unreadable' ? 'taskEvidence' : 'taskStatus', code: f.task };
  return null;
}

const FIELD_KEYS: Record<InputKind, MessageKey> = {
  value: 'field_value',
  answer: 'field_answer',
  denominator: 'field_denominator',
  note: 'field_note',
  documentStatus: 'field_documentStatus',
  documentReference: 'field_documentReference',
  documentDate: 'field_documentDate',
  documentNote: 'field_documentNote',
  projectDisbursed: 'field_projectDisbursed',
  projectNote: 'field_projectNote',
  taskStatus: 'field_taskStatus',
  taskAccount: 'field_taskAccount',
  taskEvidence: 'field_taskEvidence',
  taskNote: 'field_taskNote',
};

/** "Chỉ tiêu 14 — ghi chú" / "Indicator 14 — note". */
export function describeInput(kind: InputKind, code: string): Text {
  const head = kind.startsWith('document') ? 'documentN' : kind.startsWith('project') ? 'projectN' : kind.startsWith('task') ? 'taskN' : 'indicatorN';
  const where = tt(head, { code });
  const field = tt(FIELD_KEYS[kind]);
  return { vi: `${where.vi} — ${field.vi}`, en: `${where.en} — ${field.en}` };
}

/** "Chỉ tiêu 11 (Số giường bệnh/vạn dân) — kết quả": a finding names its indicator by code and name. */
function namedIndicator(where: Text, code: string, plan: CompiledPlan | undefined): Text {
  const indicator = plan?.indicators.get(code);
  if (!indicator) return where;
  const cut = (name: string) => (name.length > 60 ? `${name.slice(0, 59)}…` : name);
  const head = tt('indicatorN', { code });
  const named = (lang: Lang) => `${head[lang]} (${cut(lang === 'en' ? (indicator.nameEn ?? indicator.name) : indicator.name)})`;
  return { vi: where.vi.replace(head.vi, named('vi')), en: where.en.replace(head.en, named('en')) };
}

function describeFinding(f: Finding, plan?: CompiledPlan): Text {
  const input = findingInput(f);
  const isIndicator = (kind: string) => !kind.startsWith('document') && !kind.startsWith('project') && !kind.startsWith('task');
  if (input) return isIndicator(input.kind) ? namedIndicator(describeInput(input.kind, input.code), input.code, plan) : describeInput(input.kind, input.code);
  if (f.rule) return tt('ruleN', { code: f.rule });
  if (f.indicator) return namedIndicator(tt('indicatorN', { code: f.indicator }), f.indicator, plan);
  if (f.field === 'workbook') return tt('workbookWord');
  return tt('periodWord');
}

/**
 * What validation writes back: verdict (VERDICT_LABELS), category (CATEGORY_SHORT) and the
 * two progress figures per indicator, blank where nothing was judged, and the worst
 * finding per input cell. `lang` is the template's language, so the sheet's conditional
 * colours (which match these words) apply.
 */
export function judgementOf(report: ValidationReport, lang: Lang): Judgement {
  const outputs: Judgement['outputs'] = [];
  for (const r of report.results) {
    const e = r.evaluation;
    outputs.push(
      { kind: 'verdict', code: r.code, value: e ? VERDICT_LABELS[e.year.verdict][lang] : null },
      { kind: 'progressYear', code: r.code, value: e ? e.progressYear : null },
      { kind: 'progressPeriod', code: r.code, value: e ? e.progressPeriod : null },
      { kind: 'category', code: r.code, value: e ? CATEGORY_SHORT[e.category][lang] : null },
    );
  }
  const worst = new Map<string, { kind: InputKind; code: string; severity: Severity }>();
  for (const f of report.findings) {
    const input = findingInput(f);
    if (!input) continue;
    const id = `${input.kind}|${input.code}`;
    const seen = worst.get(id);
    if (!seen || SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen.severity]) worst.set(id, { ...input, severity: f.severity });
  }
  return { outputs, highlights: [...worst.values()] };
}

/** Findings for the pane: errors first, then warnings, then notes, each in report order. */
export function findingViews(report: ValidationReport, plan?: CompiledPlan): FindingView[] {
  return report.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
    .map(({ f, i }) => ({
      id: `f${i}`,
      severity: f.severity,
      code: f.code,
      message: f.message,
      hint: f.hint,
      where: describeFinding(f, plan),
      input: findingInput(f),
    }));
}

/** A field's value as the conflict table shows it (the server's side is JSON, whatever it holds). */
const show = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
};

const ENTRY_FIELDS: Array<[keyof ReportBody['entries'][number], InputKind]> = [
  ['value', 'value'],
  ['answer', 'answer'],
  ['denominator', 'denominator'],
  ['note', 'note'],
];
const DOCUMENT_FIELDS: Array<[keyof ReportBody['documents'][number], InputKind]> = [
  ['status', 'documentStatus'],
  ['reference', 'documentReference'],
  ['issuedOn', 'documentDate'],
  ['note', 'documentNote'],
];
const PROJECT_FIELDS: Array<[keyof ReportBody['projects'][number], InputKind]> = [
  ['disbursed', 'projectDisbursed'],
  ['note', 'projectNote'],
];
const TASK_FIELDS: Array<[keyof NonNullable<ReportBody['tasks']>[number], InputKind]> = [
  ['status', 'taskStatus'],
  ['account', 'taskAccount'],
  ['evidence', 'taskEvidence'],
  ['note', 'taskNote'],
];

/** The cells where the sheet and the server's version differ, code by code. */
export function conflictRows(mine: ReportBody, server: ReportBody | null): ConflictRow[] {
  const rows: ConflictRow[] = [];
  const compare = <T extends { code: string }>(a: readonly T[], b: readonly T[], fields: Array<[keyof T, InputKind]>) => {
    const theirs = new Map(b.map((x) => [x.code, x]));
    const codes = [...a.map((x) => x.code), ...b.map((x) => x.code).filter((c) => !a.some((x) => x.code === c))];
    const ours = new Map(a.map((x) => [x.code, x]));
    for (const code of codes) {
      for (const [field, kind] of fields) {
        const m = show(ours.get(code)?.[field]);
        const s = show(theirs.get(code)?.[field]);
        if (m !== s) rows.push({ kind, code, where: describeInput(kind, code), mine: m, server: s });
      }
    }
  };
  compare(mine.entries, server?.entries ?? [], ENTRY_FIELDS);
  compare(mine.documents, server?.documents ?? [], DOCUMENT_FIELDS);
  compare(mine.projects, server?.projects ?? [], PROJECT_FIELDS);
  compare(mine.tasks ?? [], server?.tasks ?? [], TASK_FIELDS);
  return rows;
}

/** The server's version as sheet inputs; codes only the sheet has are blanked. */
export function serverInputs(mine: ReportBody, server: ReportBody): ReadInputs {
  const blankEntries = mine.entries.filter((e) => !server.entries.some((s) => s.code === e.code)).map((e) => ({ code: e.code, value: null, answer: null, denominator: null, note: null }));
  const blankDocs = mine.documents.filter((d) => !server.documents.some((s) => s.code === d.code)).map((d) => ({ code: d.code, status: null, reference: null, issuedOn: null, note: null }));
  const blankProjects = mine.projects.filter((p) => !server.projects.some((s) => s.code === p.code)).map((p) => ({ code: p.code, disbursed: null, note: null }));
  const serverTasks = server.tasks ?? [];
  const blankTasks = (mine.tasks ?? []).filter((t) => !serverTasks.some((s) => s.code === t.code)).map((t) => ({ code: t.code, status: null, account: null, evidence: null, note: null }));
  return {
    entries: [...server.entries, ...blankEntries],
    documents: [...server.documents, ...blankDocs],
    projects: [...server.projects, ...blankProjects],
    tasks: [...serverTasks, ...blankTasks],
  };
}

/** FNV-1a over the JSON: enough to know whether the sheet still holds what was saved. */
export function bodyHash(body: ReportBody): string {
  // Tasks only when there are some, so the hash of a report without tasks is what it was.
  const text = JSON.stringify({ e: body.entries, d: body.documents, p: body.projects, ...(body.tasks && body.tasks.length > 0 ? { t: body.tasks } : {}) });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${text.length}:${h.toString(16)}`;
}

/**
 * The pane's engine call, the same as the server's for PUT, upload, /api/validate and submit
 * (server/app.ts verdictOf): the sheet's entries, last year's values as the server stores
 * them (GET …/previous), the register, and what reading the workbook found.
 */
export function validateInputs(
  plan: CompiledPlan,
  register: AgencyRegister,
  template: Pick<TemplateRef, 'agencyId' | 'period'>,
  inputs: ReadInputs,
  previous: Readonly<Record<string, number>>,
): ValidationReport {
  return validateReport(
    plan,
    { agencyId: template.agencyId, period: template.period, entries: inputs.entries, documents: inputs.documents, projects: inputs.projects, tasks: inputs.tasks ?? [], previous, reading: inputs.findings ?? [] },
    { register },
  );
}

const keyOf = (t: Pick<TemplateRef, 'planId' | 'period' | 'agencyId'>): ReportKey => ({ planId: t.planId, period: t.period, agencyId: t.agencyId });
const sameReport = (a: ReportKey, b: ReportKey) => a.planId === b.planId && a.period === b.period && a.agencyId === b.agencyId;
// Tasks only when the template has some: a report without tasks is sent as it always was.
const bodyOf = (inputs: ReadInputs): ReportBody => ({
  entries: inputs.entries,
  documents: inputs.documents,
  projects: inputs.projects,
  ...(inputs.tasks && inputs.tasks.length > 0 ? { tasks: inputs.tasks } : {}),
});

const REVIEW_ORDER: Record<SubmissionStatus, number> = { submitted: 0, late: 1, draft: 2, returned: 3, missing: 4, approved: 5 };

// ---- The controller -------------------------------------------------------------------------

interface KnownReport {
  /** The ETag the sheet's content was saved or taken at; null: the server has no report. */
  etag: string | null;
  hash?: string;
}

export class TaskpaneController {
  state: PaneState;
  private readonly port: WorkbookPort;
  private readonly storage: KeyValueStorage;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly queue: OfflineQueue;
  private readonly previousCache: PreviousValuesCache;
  private api: ApiClient | null = null;
  private register: AgencyRegister | null = null;
  private readonly compiled = new Map<string, CompiledPlan>();
  private readonly listeners = new Set<(state: PaneState) => void>();
  private flushing: Promise<void> | null = null;

  constructor(deps: ControllerDeps) {
    this.port = deps.port;
    this.storage = deps.storage;
    this.fetchImpl = deps.fetch;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomId;
    this.queue = new OfflineQueue(deps.storage);
    this.previousCache = new PreviousValuesCache(deps.storage);
    this.state = {
      lang: storedLang(deps.storage),
      serverUrl: this.read(STORAGE_KEYS.server) ?? deps.defaultServerUrl ?? '',
      hasToken: !!this.read(STORAGE_KEYS.token),
      me: null,
      plans: [],
      planId: null,
      periods: [],
      period: null,
      agencyChoices: [],
      agencyId: null,
      templates: [],
      template: null,
      check: null,
      phase: 'idle',
      lastSaved: null,
      report: null,
      conflict: null,
      preview: null,
      queued: this.queue.size,
      consolidated: null,
      consolidateDrafts: false,
      planDraft: null,
      review: null,
      busy: null,
      notice: null,
    };
  }

  // ---- state plumbing ----

  subscribe(listener: (state: PaneState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(change: Partial<PaneState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener(this.state);
  }

  private notify(kind: Notice['kind'], key: MessageKey, params?: Params): void {
    this.set({ notice: { kind, text: tt(key, params) } });
  }

  /** A message in the current UI language (for the DOM layer and tests). */
  text(key: MessageKey, params?: Params): string {
    return t(key, this.state.lang, params);
  }

  private read(key: string): string | null {
    try {
      return this.storage.getItem(key);
    } catch {
      return null;
    }
  }

  private async run<T>(busy: Busy, fn: () => Promise<T>): Promise<T> {
    this.set({ busy });
    try {
      return await fn();
    } catch (error) {
      this.set({ notice: { kind: 'error', text: messageOf(error) } });
      throw error;
    } finally {
      this.set({ busy: null });
    }
  }

  private requireApi(): ApiClient {
    if (!this.api || !this.state.me) throw new PaneError(tt('notConnected'));
    return this.api;
  }

  private requireTemplate(): TemplateRef {
    if (!this.state.template) throw new PaneError(tt('noTemplate'));
    return this.state.template;
  }

  private requireConsolidator(): void {
    const role = this.state.me?.role;
    if (role !== 'consolidator' && role !== 'admin') throw new PaneError(tt('consolidatorOnly'));
  }

  setLang(lang: Lang): void {
    storeLang(this.storage, lang);
    this.set({ lang });
  }

  // ---- known ETags per report, in the add-in's storage ----

  private knownMap(): Record<string, KnownReport> {
    try {
      const parsed = JSON.parse(this.read(STORAGE_KEYS.reports) ?? '{}') as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, KnownReport>) : {};
    } catch {
      return {};
    }
  }

  private knownId(key: ReportKey): string {
    return `${this.api?.baseUrl ?? ''} ${key.planId}/${key.period}/${key.agencyId}`;
  }

  private known(key: ReportKey): KnownReport | undefined {
    return this.knownMap()[this.knownId(key)];
  }

  private remember(key: ReportKey, etag: string | null, body?: ReportBody): void {
    const map = this.knownMap();
    map[this.knownId(key)] = { etag, ...(body ? { hash: bodyHash(body) } : {}) };
    try {
      this.storage.setItem(STORAGE_KEYS.reports, JSON.stringify(map));
    } catch {
      /* storage full: the ETag is then fetched again next session */
    }
  }

  // ---- Connect ----

  /** Restores the language, server and token from storage, connects, and looks for templates. */
  async init(): Promise<void> {
    const token = this.read(STORAGE_KEYS.token);
    await this.refreshTemplates().catch(() => undefined);
    if (token && this.state.serverUrl) {
      await this.connect(this.state.serverUrl, token).catch(() => undefined);
    }
  }

  /** Saves the server URL and token (in the add-in's storage only), then asks who the token is. */
  async connect(serverUrl: string, token: string): Promise<Me> {
    return this.run('connect', async () => {
      if (!serverUrl.trim()) throw new PaneError(tt('urlRequired'));
      if (!token.trim()) throw new PaneError(tt('tokenRequired'));
      let api: ApiClient;
      try {
        api = new ApiClient({ baseUrl: serverUrl, token, ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}) });
      } catch {
        throw new PaneError(tt('urlInvalid'));
      }
      this.storage.setItem(STORAGE_KEYS.server, api.baseUrl);
      this.storage.setItem(STORAGE_KEYS.token, token.trim());
      this.set({ serverUrl: api.baseUrl, hasToken: true });
      let me: Me;
      try {
        me = await api.me();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          this.storage.removeItem(STORAGE_KEYS.token);
          this.set({ hasToken: false });
        }
        throw error;
      }
      this.api = api;
      const [plans, agencies] = await Promise.all([api.plans(), api.agencies()]);
      this.register = createRegister({ city: 'all', agencies });
      this.set({ me, plans, agencyId: me.role === 'agency' ? me.agencyId : this.state.agencyId });
      const who = (lang: Lang) => this.agencyName(me.agencyId, lang) ?? me.agencyName ?? me.label;
      this.set({ notice: { kind: 'success', text: { vi: t('connectedAs', 'vi', { who: who('vi') }), en: t('connectedAs', 'en', { who: who('en') }) } } });
      const planId = this.state.template?.planId ?? this.state.planId ?? plans[0]?.id;
      if (planId && plans.some((p) => p.id === planId)) await this.loadPlan(planId, this.state.template?.period);
      if (this.state.template) await this.loadReportState(this.state.template).catch(() => undefined);
      void this.retryQueue();
      return me;
    });
  }

  disconnect(): void {
    this.storage.removeItem(STORAGE_KEYS.token);
    this.api = null;
    this.set({ me: null, hasToken: false, plans: [], consolidated: null, review: null, report: null, notice: { kind: 'info', text: tt('signedOut') } });
  }

  private agencyName(id: string | null | undefined, lang: Lang): string | null {
    if (!id) return null;
    const a = this.register?.get(id);
    if (!a) return null;
    return lang === 'en' ? (a.nameEn ?? a.name) : a.name;
  }

  agencyText(id: string): Text {
    return { vi: this.agencyName(id, 'vi') ?? id, en: this.agencyName(id, 'en') ?? id };
  }

  // ---- Plans, periods, agencies ----

  private async ensurePlan(planId: string): Promise<CompiledPlan> {
    const cached = this.compiled.get(planId);
    if (cached) return cached;
    const compiled = compilePlan(await this.requireApi().plan(planId));
    this.compiled.set(planId, compiled);
    return compiled;
  }

  private requireRegister(): AgencyRegister {
    if (!this.register) throw new PaneError(tt('notConnected'));
    return this.register;
  }

  private async loadPlan(planId: string, period?: string | null): Promise<void> {
    const plan = await this.ensurePlan(planId);
    const periods = periodChoices(plan.plan);
    const chosen = period && periods.some((p) => p.id === period) ? period : currentPeriod(plan.plan, this.now().toISOString().slice(0, 10));
    this.set({ planId, periods, period: chosen });
    this.updateAgencyChoices();
  }

  async selectPlan(planId: string): Promise<void> {
    return this.run('plan', () => this.loadPlan(planId, this.state.period));
  }

  selectPeriod(period: string): void {
    if (!this.state.periods.some((p) => p.id === period)) return;
    this.set({ period, consolidated: null, review: null });
    this.updateAgencyChoices();
  }

  selectAgency(agencyId: string): void {
    if (this.state.me?.role === 'agency') return;
    this.set({ agencyId });
  }

  /** The token's own agency; for a consolidator or admin, every agency with rows in the period. */
  private updateAgencyChoices(): void {
    const me = this.state.me;
    const register = this.register;
    const plan = this.state.planId ? this.compiled.get(this.state.planId) : undefined;
    const period = this.state.period ? parsePeriod(this.state.period) : null;
    if (!me || !register) return;
    if (me.role === 'agency') {
      this.set({ agencyChoices: me.agencyId ? [{ id: me.agencyId, name: this.agencyText(me.agencyId) }] : [], agencyId: me.agencyId });
      return;
    }
    if (!plan || !period) return;
    const choices = register.agencies
      .filter((a) => a.kind !== 'group')
      .filter((a) => {
        const s = assignmentFor(plan, register, a.id, period);
        return s.indicators.length + s.documents.length + s.projects.length + tasksLedBy(plan, register, a.id, period).length > 0;
      })
      .map((a) => ({ id: a.id, name: this.agencyText(a.id) }))
      .sort((a, b) => a.name.vi.localeCompare(b.name.vi, 'vi'));
    const agencyId = choices.some((c) => c.id === this.state.agencyId) ? this.state.agencyId : (choices[0]?.id ?? null);
    this.set({ agencyChoices: choices, agencyId });
  }

  // ---- Templates ----

  /** Writes the template of the chosen plan, period and agency into the workbook. */
  async insertTemplate(options: { planId?: string; period?: string; agencyId?: string } = {}): Promise<TemplateRef> {
    return this.run('insert', async () => {
      const me = this.state.me;
      const api = this.requireApi();
      const planId = options.planId ?? this.state.planId;
      const period = options.period ?? this.state.period;
      if (!planId || !period) throw new PaneError(tt('choosePlan'));
      let agencyId = options.agencyId ?? this.state.agencyId;
      if (me?.role === 'agency') {
        if (options.agencyId && options.agencyId !== me.agencyId) throw new PaneError(tt('onlyOwnAgency'));
        agencyId = me.agencyId;
      }
      if (!agencyId) throw new PaneError(tt('chooseAgency'));
      const plan = await this.ensurePlan(planId);
      const register = this.requireRegister();
      const parsed = parsePeriod(period);
      if (!parsed) throw new PaneError(tt('choosePlan'));
      const assigned = assignmentFor(plan, register, agencyId, parsed);
      const tasks = tasksLedBy(plan, register, agencyId, parsed).length;
      if (assigned.indicators.length + assigned.documents.length + assigned.projects.length + tasks === 0) throw new PaneError(tt('noAssignment'));
      const previous = await this.previousOwnValues(plan, { planId, period, agencyId });
      const layout = agencyTemplate(plan, register, { agencyId, period, lang: this.state.lang, previous });
      const ref = await this.port.insertTemplate(layout);
      const templates = [...this.state.templates.filter((x) => !(sameReport(keyOf(x), keyOf(ref)) && x.sheets[0]?.id === ref.sheets[0]?.id)), ref];
      this.set({ templates, template: ref, check: null, conflict: null, preview: null, phase: 'idle', lastSaved: null, report: null });
      // Resume: the server's saved version goes into the fresh sheet, and its ETag is the baseline.
      const key = keyOf(ref);
      try {
        const saved = await api.getReport(key);
        if (saved) {
          const inputs = serverInputs({ entries: [], documents: [], projects: [] }, saved.report);
          await this.port.writeInputs(ref, inputs);
          this.remember(key, saved.etag, bodyOf(inputs));
          this.set({ report: reportState(saved.report) });
          await this.followLock(ref, saved.report.status);
        } else {
          this.remember(key, null);
        }
      } catch (error) {
        if (!isNetworkError(error)) throw error;
      }
      this.notify('success', 'inserted', { sheets: ref.sheets.map((s) => s.name).join(', ') });
      return ref;
    });
  }

  /** The agency's own report of the period before, for the template's "Kỳ trước" column; none offline or before the first report. */
  private async previousOwnValues(plan: CompiledPlan, key: ReportKey): Promise<OwnPreviousValues | null> {
    const parsed = parsePeriod(key.period);
    const before = parsed ? previousReportingPeriod(plan.plan, parsed) : null;
    if (!before) return null;
    try {
      const saved = await this.requireApi().getReport({ ...key, period: before.id });
      return saved ? previousValuesOf(before.id, saved.report.entries) : null;
    } catch (error) {
      if (isNetworkError(error)) return null;
      throw error;
    }
  }

  /** Templates already in the workbook (found by their metadata). */
  async refreshTemplates(): Promise<TemplateRef[]> {
    return this.run('templates', async () => {
      const templates = await this.port.findTemplates();
      const current = this.state.template;
      const template = (current && templates.find((x) => sameReport(keyOf(x), keyOf(current)))) ?? templates[templates.length - 1] ?? null;
      this.set({ templates, template });
      return templates;
    });
  }

  async useTemplate(ref: TemplateRef): Promise<void> {
    this.set({ template: ref, check: null, conflict: null, preview: null, phase: 'idle', lastSaved: null, report: null });
    if (this.api && this.state.me) {
      if (this.state.planId !== ref.planId || this.state.period !== ref.period) await this.loadPlan(ref.planId, ref.period).catch(() => undefined);
      await this.loadReportState(ref).catch(() => undefined);
    }
  }

  /**
   * The sheet follows the server: an approved report's inputs are locked (the sheets stay
   * protected), a returned one's unlocked again; other statuses leave the sheet as it is.
   */
  private async followLock(ref: TemplateRef, status: ReportStatus | null): Promise<void> {
    if (!this.port.setInputsLocked || (status !== 'approved' && status !== 'returned')) return;
    await this.port.setInputsLocked(ref, status === 'approved');
    if (status === 'approved') this.notify('info', 'inputsLocked');
  }

  /** Shows the report's status on the server; the ETag baseline is left alone (the sheet may be older). */
  private async loadReportState(ref: TemplateRef): Promise<void> {
    const saved = await this.requireApi().getReport(keyOf(ref));
    this.set({ report: saved ? reportState(saved.report) : null });
    await this.followLock(ref, saved?.report.status ?? null);
    const plan = this.compiled.get(ref.planId);
    if (plan && plan.plan.revision !== ref.revision) {
      this.notify('warning', 'templateOldRevision', { old: ref.revision, new: plan.plan.revision });
    }
  }

  // ---- Check ----

  private async judge(template: TemplateRef, onRead?: () => void): Promise<CheckResult> {
    const plan = await this.ensurePlan(template.planId);
    const register = this.requireRegister();
    // The server's stored values of last year, as PUT and /api/validate use them (offline: the kept copy).
    const previous = await this.previousCache.fetch(this.requireApi(), template.planId, template.period, this.now);
    let captured: { report: ValidationReport; inputs: ReadInputs } | null = null;
    const judgement = await this.port.validateInPlace(template, (inputs) => {
      onRead?.();
      const report = validateInputs(plan, register, template, inputs, previous.values);
      captured = { report, inputs };
      return judgementOf(report, template.lang ?? this.state.lang);
    });
    const done = captured as { report: ValidationReport; inputs: ReadInputs } | null;
    if (!done) throw new PaneError(tt('noTemplate'));
    const findings = findingViews(done.report, plan);
    return { findings, counts: countBySeverity(done.report.findings), valid: done.report.valid, report: done.report, judgement, inputs: done.inputs, previous };
  }

  /** Reads the sheet, runs the engine, writes verdicts and highlights; returns the findings. */
  async validate(): Promise<CheckResult> {
    return this.run('check', async () => {
      const template = this.requireTemplate();
      this.requireApi();
      const check = await this.judge(template);
      this.set({ check });
      const counts = { errors: check.counts.error, warnings: check.counts.warning, infos: check.counts.info };
      if (check.previous.source === 'server') this.notify(check.counts.error > 0 ? 'warning' : 'success', 'checkDone', counts);
      else if (check.previous.source === 'cache') this.notify('warning', 'checkDonePreviousCached', { ...counts, period: check.previous.previousPeriod, at: check.previous.fetchedAt.slice(0, 16).replace('T', ' ') });
      else this.notify('warning', 'checkDonePreviousNone', counts);
      return check;
    });
  }

  async selectFinding(finding: Pick<FindingView, 'input'>): Promise<void> {
    const template = this.state.template;
    if (!template || !finding.input) return;
    try {
      await this.port.selectInput(template, finding.input);
    } catch (error) {
      this.set({ notice: { kind: 'error', text: messageOf(error) } });
    }
  }

  // ---- Send ----

  /** Reads and checks the sheet, then saves it as a draft: reading → validating → sending → saved / queued / conflict. */
  async send(): Promise<SendOutcome> {
    return this.run('send', async () => {
      const template = this.requireTemplate();
      this.requireApi();
      this.set({ phase: 'reading', conflict: null });
      let check: CheckResult;
      try {
        check = await this.judge(template, () => this.set({ phase: 'validating' }));
      } catch (error) {
        this.set({ phase: 'error' });
        throw error;
      }
      this.set({ check, preview: null });
      return this.put(keyOf(template), bodyOf(check.inputs), this.known(keyOf(template))?.etag ?? null);
    });
  }

  /** Reads the sheet and lists, cell by cell, what a send would change against the server's current revision. */
  async previewSend(): Promise<SendPreview> {
    return this.run('preview', async () => {
      const template = this.requireTemplate();
      const api = this.requireApi();
      const check = await this.judge(template);
      const saved = await api.getReport(keyOf(template));
      const preview = sendPreview(saved ? { revision: saved.report.revision, body: saved.report } : null, bodyOf(check.inputs));
      this.set({ check, preview, report: saved ? reportState(saved.report) : null });
      await this.followLock(template, saved?.report.status ?? null);
      return preview;
    });
  }

  /** One logical send: a fresh Idempotency-Key; a network failure queues it with that key. */
  private async put(key: ReportKey, body: ReportBody, etag: string | null): Promise<SendOutcome> {
    const api = this.requireApi();
    const idempotencyKey = this.newId();
    this.set({ phase: 'sending' });
    let outcome: PutOutcome;
    try {
      outcome = await api.putReport(key, body, { etag, idempotencyKey });
    } catch (error) {
      if (isNetworkError(error)) {
        const item: QueuedPut = { id: this.newId(), baseUrl: api.baseUrl, owner: this.state.me?.tokenId ?? '', key, body, etag, idempotencyKey, queuedAt: this.now().toISOString(), attempts: 1 };
        this.queue.add(item);
        this.set({ phase: 'queued', queued: this.queue.size, notice: { kind: 'warning', text: tt('phase_queued') } });
        return { status: 'queued', idempotencyKey };
      }
      this.set({ phase: 'error' });
      throw error;
    }
    return this.applyOutcome(key, body, outcome);
  }

  private applyOutcome(key: ReportKey, body: ReportBody, outcome: PutOutcome): SendOutcome {
    const current = this.state.template && sameReport(keyOf(this.state.template), key);
    if (outcome.status === 'saved') {
      this.remember(key, outcome.etag, body);
      const errors = outcome.validation?.stats?.errors ?? 0;
      if (current) {
        this.set({ phase: 'saved', lastSaved: { revision: outcome.report.revision, errors }, report: reportState(outcome.report), conflict: null });
        this.notify('success', 'phase_saved', { revision: outcome.report.revision, errors });
      }
      return { status: 'saved', revision: outcome.report.revision, etag: outcome.etag, errors };
    }
    if (outcome.status === 'conflict') {
      const conflict: ConflictView = { key, mine: body, server: outcome.current, etag: outcome.etag, rows: conflictRows(body, outcome.current), message: outcome.message };
      if (current) this.set({ phase: 'conflict', conflict, notice: { kind: 'warning', text: tt('phase_conflict') } });
      return { status: 'conflict', conflict };
    }
    if (current) this.set({ phase: 'locked', notice: { kind: 'error', text: outcome.message } });
    return { status: 'locked', message: outcome.message };
  }

  /** Keep mine: the same figures again, now over the server's ETag (a new logical send). */
  async keepMine(): Promise<SendOutcome> {
    return this.run('resolve', async () => {
      const conflict = this.state.conflict;
      if (!conflict) throw new PaneError(tt('noConflict'));
      return this.put(conflict.key, conflict.mine, conflict.etag);
    });
  }

  /** Take the server's: its figures go into the sheet and its ETag becomes the baseline. */
  async takeServer(): Promise<void> {
    return this.run('resolve', async () => {
      const conflict = this.state.conflict;
      if (!conflict) throw new PaneError(tt('noConflict'));
      const template = this.requireTemplate();
      const server: ReportBody = conflict.server ?? { entries: [], documents: [], projects: [] };
      const inputs = serverInputs(conflict.mine, server);
      await this.port.writeInputs(template, inputs);
      this.remember(conflict.key, conflict.etag, conflict.server ? bodyOf(inputs) : undefined);
      this.set({ conflict: null, phase: 'idle', report: conflict.server ? reportState(conflict.server) : null });
      this.notify('success', 'tookServer', { revision: conflict.server?.revision ?? 0 });
      // Refresh the verdict cells for the figures now in the sheet.
      try {
        const check = await this.judge(template);
        this.set({ check });
      } catch {
        /* the figures are in; the check can be run again by hand */
      }
    });
  }

  // ---- Submit ----

  /** Submits when no errors remain (saving the sheet first if it changed); otherwise says why. */
  async submit(): Promise<SubmitOutcome> {
    return this.run('submit', async () => {
      const template = this.requireTemplate();
      const api = this.requireApi();
      const key = keyOf(template);
      const check = await this.judge(template);
      this.set({ check });
      if (check.counts.error > 0) {
        const reason = tt('submitRefused', { n: check.counts.error });
        this.set({ notice: { kind: 'error', text: reason } });
        return { status: 'refused', errors: check.counts.error, reason };
      }
      const body = bodyOf(check.inputs);
      let known = this.known(key);
      if (!known?.etag || known.hash !== bodyHash(body)) {
        const sent = await this.put(key, body, known?.etag ?? null);
        if (sent.status !== 'saved') return { status: 'not-saved', send: sent };
        known = this.known(key);
      }
      try {
        const { report, etag } = await api.submit(key, known?.etag ?? null);
        this.remember(key, etag, body);
        this.set({ report: reportState(report) });
        this.notify('success', report.status === 'late' ? 'submittedLate' : 'submitted', { revision: report.revision });
        return { status: report.status === 'late' ? 'late' : 'submitted', revision: report.revision };
      } catch (error) {
        if (error instanceof ApiError && error.code === 'has-errors') {
          const errors = Array.isArray(error.details) ? error.details.length : 1;
          this.set({ notice: { kind: 'error', text: error.text } });
          return { status: 'refused', errors, reason: error.text };
        }
        if (error instanceof ApiError && error.status === 412) {
          // Someone saved in between: treat it like a conflict on send.
          const current = (error.body as { current?: ServerReport | null } | undefined)?.current ?? null;
          const outcome = this.applyOutcome(key, body, { status: 'conflict', current, etag: current ? `"r${current.revision}"` : null, message: error.text });
          return { status: 'not-saved', send: outcome };
        }
        throw error;
      }
    });
  }

  // ---- Offline queue ----

  /** Sends queued PUTs again (same Idempotency-Key, same If-Match). */
  async retryQueue(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.api || this.queue.size === 0) {
      this.set({ queued: this.queue.size });
      return;
    }
    const api = this.api;
    this.flushing = (async () => {
      try {
        const results = await this.queue.flush(api, this.state.me?.tokenId);
        for (const r of results) {
          if ('outcome' in r) {
            const out = this.applyOutcome(r.item.key, r.item.body, r.outcome);
            if (out.status === 'saved') this.notify('success', 'queueSent', { revision: out.revision });
          } else if ('error' in r && r.dropped) {
            this.set({ notice: { kind: 'error', text: { vi: t('queueDropped', 'vi', { reason: r.error.text.vi }), en: t('queueDropped', 'en', { reason: r.error.text.en }) } } });
            if (this.state.template && sameReport(keyOf(this.state.template), r.item.key)) this.set({ phase: 'error' });
          }
        }
      } finally {
        this.flushing = null;
        this.set({ queued: this.queue.size });
      }
    })();
    return this.flushing;
  }

  queuedItems(): QueuedPut[] {
    return this.queue.list();
  }

  /** Retries when the browser comes back online and every 30 s; returns a stop function. */
  startQueueRetry(env: {
    onOnline(listener: () => void): () => void;
    setInterval(fn: () => void, ms: number): unknown;
    clearInterval(handle: unknown): void;
    intervalMs?: number;
  }): () => void {
    const tick = () => void this.retryQueue().catch(() => undefined);
    const off = env.onOnline(tick);
    const handle = env.setInterval(tick, env.intervalMs ?? 30_000);
    return () => {
      off();
      env.clearInterval(handle);
    };
  }

  // ---- Consolidator ----

  /** The citywide table and the submission status of every expected agency. */
  async loadConsolidated(options: { planId?: string; period?: string } = {}): Promise<ConsolidatedView> {
    return this.run('consolidated', () => this.fetchConsolidated(options));
  }

  private async fetchConsolidated(options: { planId?: string; period?: string } = {}): Promise<ConsolidatedView> {
    this.requireConsolidator();
    const api = this.requireApi();
    const planId = options.planId ?? this.state.planId;
    const period = options.period ?? this.state.period;
    if (!planId || !period) throw new PaneError(tt('choosePlan'));
    await this.ensurePlan(planId);
    const table = await api.consolidated(planId, period, { drafts: this.state.consolidateDrafts });
    const rows: SubmissionRow[] = table.agencies
      .map((a) => {
        // The server approves and returns its latest revision: not while the agency is correcting it.
        const decidable = a.updateInProgress === null;
        return {
          agencyId: a.agencyId,
          name: this.agencyText(a.agencyId),
          status: a.status,
          indicators: a.indicators,
          revision: a.revision,
          late: a.late,
          counted: a.counted,
          updateInProgress: a.updateInProgress,
          returned: a.returned,
          // The server's JSON: an older server sends no returns.
          earlierReturns: ((a as Partial<AgencySubmission>).returns ?? []).filter((r) => r.at !== a.returned?.at),
          canApprove: decidable && allowedFrom('approve', a.status),
          canReturn: decidable && allowedFrom('return', a.status),
          errors: table.findings.filter((f) => f.agencyId === a.agencyId && f.severity === 'error').length,
          updatedAt: a.updatedAt,
        };
      })
      // Reports waiting for a decision first, then drafts, returned, missing, approved.
      .sort((a, b) => REVIEW_ORDER[a.status] - REVIEW_ORDER[b.status] || a.name.vi.localeCompare(b.name.vi, 'vi'));
    const view: ConsolidatedView = { planId, period, table, rows, counts: table.submissions };
    this.set({ consolidated: view });
    return view;
  }

  /** The drafts switch: the table is fetched again on the other basis when it was already shown. */
  async setConsolidateDrafts(on: boolean): Promise<void> {
    if (this.state.consolidateDrafts === on) return;
    const shown = this.state.consolidated;
    this.set({ consolidateDrafts: on, consolidated: null });
    if (shown) await this.loadConsolidated({ planId: shown.planId, period: shown.period });
  }

  /** consolidatedWorkbook(plan, register, table, lang) → the workbook, with tables and charts. */
  async writeConsolidated(): Promise<{ sheets: string[] }> {
    return this.run('write', async () => {
      this.requireConsolidator();
      const current = this.state.consolidated;
      const fresh = current?.planId === this.state.planId && current.period === this.state.period && current.table.basis === (this.state.consolidateDrafts ? 'drafts' : 'submitted');
      const view = fresh ? current : await this.fetchConsolidated();
      const plan = await this.ensurePlan(view.planId);
      const layout = consolidatedWorkbook(plan, this.requireRegister(), view.table, this.state.lang);
      const result = await this.port.writeConsolidated(layout);
      this.notify('success', 'wroteConsolidated', { sheets: result.sheets.join(', ') });
      return result;
    });
  }

  /** GET …/report.docx in the pane's language and basis: the Word report's bytes and name, for the pane to save. */
  async downloadReport(): Promise<{ bytes: ArrayBuffer; fileName: string }> {
    return this.run('report', async () => {
      this.requireConsolidator();
      const { planId, period } = this.state;
      if (!planId || !period) throw new PaneError(tt('choosePlan'));
      const file = await this.requireApi().reportDocx(planId, period, { lang: this.state.lang, drafts: this.state.consolidateDrafts });
      this.notify('success', 'downloadedReport', { file: file.fileName });
      return file;
    });
  }

  /** The selected range (a plan's appendix table) → a draft plan and its findings from the server; nothing is stored. */
  async draftPlanFromSelection(meta: PlanDraftMeta): Promise<PlanDraftView> {
    return this.run('draft', async () => {
      this.requireConsolidator();
      if (!this.port.readSelection) throw new PaneError({ vi: 'Excel này không đọc được vùng chọn', en: 'This Excel cannot read the selection' });
      const table = await this.port.readSelection();
      const view = draftView(await this.requireApi().draftPlan(draftRequest(table, meta)), table, meta);
      this.set({ planDraft: view });
      return view;
    });
  }

  /** Saves the reviewed draft as a plan (or a higher revision of one): POST /api/plans, which checks it like any plan file. */
  async savePlanDraft(): Promise<{ id: string; revision: number }> {
    return this.run('draft', async () => {
      const view = this.state.planDraft;
      if (!view) throw new PaneError({ vi: 'Chưa có bản dự thảo kế hoạch', en: 'There is no draft plan' });
      const saved = await this.requireApi().addPlan(view.draft);
      this.set({ planDraft: { ...view, saved }, plans: await this.requireApi().plans() });
      this.set({ notice: { kind: 'success', text: { vi: `Đã lưu kế hoạch ${saved.id} (lần ${saved.revision})`, en: `Plan ${saved.id} saved (revision ${saved.revision})` } } });
      return saved;
    });
  }

  /** Selects the cell a finding of the draft names. */
  async selectDraftCell(finding: Pick<DraftFindingView, 'cell' | 'sheet'>): Promise<void> {
    if (finding.cell === undefined || finding.sheet === undefined || !this.port.selectCell) return;
    await this.port.selectCell(finding.sheet, finding.cell);
  }

  async approve(agencyId: string): Promise<void> {
    await this.run('review', async () => {
      this.requireConsolidator();
      const view = this.state.consolidated;
      if (!view) throw new PaneError(tt('choosePlan'));
      await this.requireApi().approve({ planId: view.planId, period: view.period, agencyId });
      if (this.state.review?.agencyId === agencyId) this.set({ review: null });
      await this.fetchConsolidated({ planId: view.planId, period: view.period });
    });
    const name = this.agencyText(agencyId);
    this.set({ notice: { kind: 'success', text: { vi: t('approved', 'vi', { agency: name.vi }), en: t('approved', 'en', { agency: name.en }) } } });
  }

  /** The consolidator judges an indicator whose target the plan leaves to them; the table is then reloaded. */
  async judgeByHand(code: string, verdict: HandVerdict, reason: string): Promise<void> {
    await this.run('review', async () => {
      this.requireConsolidator();
      const view = this.state.consolidated;
      if (!view) throw new PaneError(tt('choosePlan'));
      if (!reason.trim()) throw new PaneError(tt('judgementReasonRequired'));
      await this.requireApi().judge(view.planId, view.period, code, { verdict, reason: reason.trim() });
      await this.fetchConsolidated({ planId: view.planId, period: view.period });
    });
    this.set({ notice: { kind: 'success', text: { vi: t('judged', 'vi', { code }), en: t('judged', 'en', { code }) } } });
  }

  async returnReport(agencyId: string, comment: string): Promise<void> {
    await this.run('review', async () => {
      this.requireConsolidator();
      const view = this.state.consolidated;
      if (!view) throw new PaneError(tt('choosePlan'));
      if (!comment.trim()) throw new PaneError(tt('commentRequired'));
      await this.requireApi().returnReport({ planId: view.planId, period: view.period, agencyId }, comment.trim());
      if (this.state.review?.agencyId === agencyId) this.set({ review: null });
      await this.fetchConsolidated({ planId: view.planId, period: view.period });
    });
    const name = this.agencyText(agencyId);
    this.set({ notice: { kind: 'success', text: { vi: t('returned', 'vi', { agency: name.vi }), en: t('returned', 'en', { agency: name.en }) } } });
  }

  /** The consolidator opens an agency's report before deciding: figures, findings, notes, other lists and history. */
  async openReview(agencyId: string): Promise<ReviewView> {
    return this.run('review', async () => {
      this.requireConsolidator();
      const view = this.state.consolidated;
      if (!view) throw new PaneError(tt('choosePlan'));
      const api = this.requireApi();
      const key = { planId: view.planId, period: view.period, agencyId };
      const [current, history, previous, plan] = await Promise.all([api.getReport(key), api.history(key), api.previous(view.planId, view.period), this.ensurePlan(view.planId)]);
      if (!current) throw new PaneError(tt('reviewNoReport', { agency: this.agencyName(agencyId, this.state.lang) ?? agencyId }));
      const r = current.report;
      // The server's own engine call (server/app.ts verdictOf): the stored entries, last year's values, the register.
      const validation = validateReport(
        plan,
        { agencyId, period: view.period, entries: r.entries, documents: r.documents, projects: r.projects, tasks: r.tasks ?? [], previous: previous.values, reading: [] },
        { register: this.requireRegister() },
      );
      const review = reviewView(plan, r, history, validation, findingViews(validation));
      this.set({ review });
      return review;
    });
  }

  closeReview(): void {
    this.set({ review: null });
  }

  /** The late and missing agencies with their contacts, for a reminder e-mail (the register's contact, if any). */
  reminderText(): string {
    const view = this.state.consolidated;
    if (!view) return '';
    const lang = this.state.lang;
    const plan = this.compiled.get(view.planId);
    const period = parsePeriod(view.period);
    const deadline = plan && period ? periodWindow(plan.plan, period)?.deadline : undefined;
    const lines = reminderRows(view.rows).map((row) => ({ name: pick(row.name, lang), status: t(`status_${row.status}`, lang), contact: this.register?.get(row.agencyId)?.contact ?? null }));
    const heading = t('reminderHeading', lang, { period: this.periodText(view.period), n: lines.length });
    return reminderText(lines, deadline ? formatDate(deadline, lang) : '', heading, pick(NO_CONTACT, lang));
  }

  // ---- for the DOM layer ----

  planLabel(planId: string): string {
    const p = this.state.plans.find((x) => x.id === planId);
    return p ? `${p.number} (${p.startYear}-${p.endYear})` : planId;
  }

  periodText(period: string): string {
    const p = parsePeriod(period);
    return p ? periodLabel(p, this.state.lang) : period;
  }

  show(text: Text): string {
    return pick(text, this.state.lang);
  }

  /** A stored time as the pane shows it (Vietnam time). */
  timeText(iso: string | null | undefined): string {
    return formatDateTime(iso, this.state.lang);
  }
}

function reportState(report: ServerReport): ReportState {
  return { status: report.status, revision: report.revision, late: report.late, comment: report.comment };
}
