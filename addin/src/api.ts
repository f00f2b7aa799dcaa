import { API_ERRORS } from '../../shared/catalogue/api-errors';
import type { Text } from '../../shared/i18n';
import type { Agency } from '../../shared/schema/agency';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput } from '../../shared/schema/report';
import type { ConsolidatedTable, HandJudgement } from '../../shared/consolidate';
import type { ReportStatus } from '../../shared/lifecycle';
import { isObject } from '../../shared/untrusted';

export type HandVerdict = HandJudgement['verdict'];
import type { KeyValueStorage } from './i18n';

/**
 * A small client for the sync server (server/app.ts). The base URL and the bearer token
 * come from the add-in's own storage, never from the workbook. Every error the server
 * sends has one shape, `{ error: { code, message: { vi, en }, details } }`: it becomes an
 * ApiError carrying that message, so the pane shows it in the user's language. A failure
 * to reach the server at all becomes a NetworkError; PUTs that fail that way go to the
 * offline queue below.
 */

export type Role = 'agency' | 'consolidator' | 'admin';

export interface Me {
  tokenId: string;
  role: Role;
  agencyId: string | null;
  agencyName: string | null;
  label: string;
}

export interface PlanSummary {
  id: string;
  title: string;
  number: string;
  city: string;
  program: string;
  startYear: number;
  endYear: number;
  revision: number;
  indicators: number;
  periods: string[];
}

export interface ReportKey {
  planId: string;
  period: string;
  agencyId: string;
}

export interface ReportBody {
  entries: EntryInput[];
  documents: DocumentEntryInput[];
  projects: ProjectEntryInput[];
  /** Task entries, for plans written as tasks (absent from reports stored before tasks existed). */
  tasks?: TaskEntryInput[];
}

/** The statuses of shared/lifecycle.ts, the one list. */
export type { ReportStatus };

export interface ServerValidation {
  valid: boolean;
  stats: Record<string, number>;
  findings: Array<Record<string, unknown>>;
}

export interface ServerReport extends ReportBody {
  planId: string;
  planRevision: number;
  period: string;
  agencyId: string;
  revision: number;
  status: ReportStatus;
  late: boolean;
  comment: string | null;
  validation: ServerValidation;
  savedAt: string;
  savedBy: string;
  action: string;
}

/** GET …/periods/{period}/previous (server/schemas.ts PreviousValuesResponse). */
export interface PreviousValues {
  planId: string;
  period: string;
  /** The same period a year earlier, whose citywide values these are. */
  previousPeriod: string;
  /** Indicator code → value; an indicator without one is absent. */
  values: Record<string, number>;
}

export type PutOutcome =
  /** validation: the server's JSON as sent (an older server may leave parts out). */
  | { status: 'saved'; report: ServerReport; etag: string; validation: Partial<ServerValidation> | undefined; replayed: boolean }
  | { status: 'conflict'; current: ServerReport | null; etag: string | null; message: Text }
  | { status: 'locked'; message: Text };

export interface PutOptions {
  /** The last ETag we know ("r3"), or null for a report the server does not have yet. */
  etag: string | null;
  idempotencyKey: string;
}

/** An answer from the server that is not a success, with its bilingual message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Text,
    readonly details?: unknown,
    readonly body?: unknown,
  ) {
    super(text.en);
    this.name = 'ApiError';
  }
}

/** The server could not be reached (fetch threw, timed out, or a gateway answered for it). */
export class NetworkError extends Error {
  readonly text: Text = {
    vi: 'Không kết nối được máy chủ; kiểm tra mạng rồi thử lại',
    en: 'The server cannot be reached; check the network and try again',
  };
  constructor(readonly reason: string) {
    super(`network error: ${reason}`);
    this.name = 'NetworkError';
  }
}

export const isNetworkError = (e: unknown): e is NetworkError => e instanceof NetworkError;

/** The parts of fetch the client uses, so tests can pass a stub. */
export interface ResponseLike {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** Binary answers (the Word report); fetch's responses have it. */
  arrayBuffer?(): Promise<ArrayBuffer>;
}
export interface RequestInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}
export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

export interface ApiOptions {
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  /** Abort a request after this long (ms); an abort counts as a network failure. Default 30 s. */
  timeoutMs?: number;
}

/** "https://host:3000/", "https://host:3000/api" → "https://host:3000". Throws on a non-http URL. */
export function normalizeBaseUrl(raw: string): string {
  const trimmed = raw.trim();
  const url = new URL(trimmed);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`not an http(s) URL: ${trimmed}`);
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/api')) path = path.slice(0, -4);
  if (path.endsWith('/addin')) path = path.slice(0, -6);
  return `${url.origin}${path}`;
}

const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function reportPath(key: ReportKey): string {
  return `/api/plans/${encodeURIComponent(key.planId)}/periods/${encodeURIComponent(key.period)}/reports/${encodeURIComponent(key.agencyId)}`;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;

  constructor(options: ApiOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.token = options.token.trim();
    this.fetchImpl = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** One request; resolves with the response whatever its status, rejects with NetworkError. */
  private async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ResponseLike> {
    const init: RequestInitLike = {
      method,
      headers: { Accept: 'application/json', Authorization: `Bearer ${this.token}`, ...headers },
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (controller) {
      init.signal = controller.signal;
      timer = setTimeout(() => controller.abort(), this.timeoutMs);
    }
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, init);
    } catch (error) {
      // fetch rejects with a TypeError when the network fails and an AbortError on timeout.
      throw new NetworkError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  private async json(response: ResponseLike): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
    if (!text) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }

  /** A non-2xx response as ApiError (or NetworkError for a gateway that stood in for the server). */
  private async failure(response: ResponseLike): Promise<ApiError | NetworkError> {
    const body = await this.json(response);
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const message = error?.message as Partial<Text> | undefined;
    if (error && typeof message?.vi === 'string' && typeof message.en === 'string') {
      return new ApiError(response.status, typeof error.code === 'string' ? error.code : 'error', { vi: message.vi, en: message.en }, error.details, body);
    }
    if (GATEWAY_STATUSES.has(response.status)) return new NetworkError(`gateway ${response.status}`);
    return new ApiError(
      response.status,
      'http-error',
      { vi: `Máy chủ trả lời lỗi ${response.status}`, en: `The server answered with error ${response.status}` },
      undefined,
      body,
    );
  }

  private async get<T>(path: string): Promise<T> {
    const response = await this.raw('GET', path);
    if (!response.ok) throw await this.failure(response);
    return (await this.json(response)) as T;
  }

  me(): Promise<Me> {
    return this.get<Me>('/api/me');
  }

  async plans(): Promise<PlanSummary[]> {
    return (await this.get<{ plans: PlanSummary[] }>('/api/plans')).plans;
  }

  /** The plan file as the server loaded it (compile it with compilePlan). */
  plan(planId: string): Promise<unknown> {
    return this.get<unknown>(`/api/plans/${encodeURIComponent(planId)}`);
  }

  async agencies(): Promise<Agency[]> {
    return (await this.get<{ agencies: Agency[] }>('/api/agencies')).agencies;
  }

  /** The latest revision and its ETag, or null when the agency has not reported yet. */
  async getReport(key: ReportKey): Promise<{ report: ServerReport; etag: string } | null> {
    const response = await this.raw('GET', reportPath(key));
    if (response.status === 404) {
      const failure = await this.failure(response);
      // A 404 for an unknown plan or agency is a real error, not "no report yet".
      if (failure instanceof ApiError && failure.code === 'report-not-found') return null;
      throw failure;
    }
    if (!response.ok) throw await this.failure(response);
    const report = (await this.json(response)) as ServerReport;
    return { report, etag: response.headers.get('ETag') ?? `"r${report.revision}"` };
  }

  /**
   * Saves a draft. If-Match with the known ETag (If-None-Match: * for a new report) and an
   * Idempotency-Key, so a retry after a lost answer is not stored twice.
   */
  async putReport(key: ReportKey, body: ReportBody, options: PutOptions): Promise<PutOutcome> {
    const headers: Record<string, string> = { 'Idempotency-Key': options.idempotencyKey };
    if (options.etag) headers['If-Match'] = options.etag;
    else headers['If-None-Match'] = '*';
    const response = await this.raw('PUT', reportPath(key), body, headers);
    if (response.ok) {
      // An older server sends the validation inside the report only.
      const data = (await this.json(response)) as { report: ServerReport; validation?: ServerValidation };
      return {
        status: 'saved',
        report: data.report,
        etag: response.headers.get('ETag') ?? `"r${data.report.revision}"`,
        validation: data.validation ?? data.report.validation,
        replayed: response.headers.get('Idempotent-Replayed') === 'true',
      };
    }
    if (response.status === 412) {
      const data = (await this.json(response)) as { current?: ServerReport | null; error?: { message?: Text } } | null;
      const current = data?.current ?? null;
      return {
        status: 'conflict',
        current,
        etag: response.headers.get('ETag') ?? (current ? `"r${current.revision}"` : null),
        message: data?.error?.message ?? API_ERRORS['precondition-failed'].message,
      };
    }
    if (response.status === 409) {
      const failure = await this.failure(response);
      return { status: 'locked', message: failure instanceof ApiError ? failure.text : failure.text };
    }
    throw await this.failure(response);
  }

  private async statusChange(key: ReportKey, action: 'submit' | 'approve' | 'return', body: unknown, etag?: string | null): Promise<{ report: ServerReport; etag: string }> {
    const headers: Record<string, string> = etag ? { 'If-Match': etag } : {};
    const response = await this.raw('POST', `${reportPath(key)}/${action}`, body ?? {}, headers);
    if (!response.ok) throw await this.failure(response);
    const data = (await this.json(response)) as { report: ServerReport };
    return { report: data.report, etag: response.headers.get('ETag') ?? `"r${data.report.revision}"` };
  }

  /** Marks the report complete; the server refuses (422 has-errors) while errors remain. */
  submit(key: ReportKey, etag?: string | null) {
    return this.statusChange(key, 'submit', {}, etag);
  }

  approve(key: ReportKey, etag?: string | null) {
    return this.statusChange(key, 'approve', {}, etag);
  }

  returnReport(key: ReportKey, comment: string, etag?: string | null) {
    return this.statusChange(key, 'return', { comment }, etag);
  }

  /** A draft plan from an appendix table's cells (POST /api/plans/draft); the server stores nothing. */
  async draftPlan(body: unknown): Promise<unknown> {
    const response = await this.raw('POST', '/api/plans/draft', body);
    if (!response.ok) throw await this.failure(response);
    return this.json(response);
  }

  /** Adds a plan file, or a higher revision of one (POST /api/plans, admin). */
  async addPlan(plan: unknown): Promise<{ id: string; revision: number }> {
    const response = await this.raw('POST', '/api/plans', plan);
    if (!response.ok) throw await this.failure(response);
    const added = (await this.json(response)) as { id?: unknown; revision?: unknown } | null;
    return { id: String(added?.id), revision: Number(added?.revision) };
  }

  /** Records the consolidator's judgement of an indicator whose target the plan marks as judged by hand. */
  async judge(planId: string, period: string, code: string, judgement: { verdict: HandVerdict; reason: string }): Promise<void> {
    const response = await this.raw('PUT', `/api/plans/${encodeURIComponent(planId)}/periods/${encodeURIComponent(period)}/judgements/${encodeURIComponent(code)}`, judgement);
    if (!response.ok) throw await this.failure(response);
  }

  /** The citywide table; `drafts` builds it from the drafts instead of the submitted reports. */
  consolidated(planId: string, period: string, options: { drafts?: boolean } = {}): Promise<ConsolidatedTable> {
    const query = options.drafts ? '?drafts=1' : '';
    return this.get<ConsolidatedTable>(`/api/plans/${encodeURIComponent(planId)}/periods/${encodeURIComponent(period)}/consolidated${query}`);
  }

  /** The report to the city's leaders (.docx) and the file name the server gives it. */
  async reportDocx(planId: string, period: string, options: { lang: 'vi' | 'en'; drafts?: boolean }): Promise<{ bytes: ArrayBuffer; fileName: string }> {
    const query = `?lang=${options.lang}${options.drafts ? '&drafts=1' : ''}`;
    const response = await this.raw('GET', `/api/plans/${encodeURIComponent(planId)}/periods/${encodeURIComponent(period)}/report.docx${query}`);
    if (!response.ok) throw await this.failure(response);
    if (!response.arrayBuffer) throw new NetworkError('this fetch cannot read a binary answer');
    const fileName = /filename="([^"]+)"/u.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'Bao-cao.docx';
    return { bytes: await response.arrayBuffer(), fileName };
  }

  /** Last year's citywide values that the server's validation of this period compares with. */
  previous(planId: string, period: string): Promise<PreviousValues> {
    return this.get<PreviousValues>(`/api/plans/${encodeURIComponent(planId)}/periods/${encodeURIComponent(period)}/previous`);
  }

  /** Every revision, oldest first; savedByLabel names who saved it (an older server leaves it out). */
  async history(key: ReportKey): Promise<Array<ServerReport & { savedByLabel?: string | null }>> {
    return (await this.get<{ revisions: Array<ServerReport & { savedByLabel?: string | null }> }>(`${reportPath(key)}/history`)).revisions;
  }
}

// ---- The offline queue ---------------------------------------------------------------------

export const QUEUE_STORAGE_KEY = 'asr.queue';

export interface QueuedPut {
  id: string;
  baseUrl: string;
  /** Token id (not the secret) of who sent it: only that token retries it. */
  owner?: string;
  key: ReportKey;
  body: ReportBody;
  /** The If-Match of the original attempt (null: If-None-Match: *). */
  etag: string | null;
  /** The Idempotency-Key of the original attempt, reused by every retry. */
  idempotencyKey: string;
  queuedAt: string;
  attempts: number;
  lastError?: string;
}

export type FlushResult =
  | { item: QueuedPut; outcome: PutOutcome }
  | { item: QueuedPut; error: ApiError; dropped: boolean }
  | { item: QueuedPut; offline: true };

const sameKey = (a: ReportKey, b: ReportKey) => a.planId === b.planId && a.period === b.period && a.agencyId === b.agencyId;

/**
 * PUTs that could not reach the server, kept in localStorage ("asr.queue") with their
 * Idempotency-Key and If-Match so a retry is the same request: if the first attempt did
 * reach the server, the retry gets the stored answer instead of a second revision.
 */
export class OfflineQueue {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly storageKey = QUEUE_STORAGE_KEY,
  ) {}

  list(): QueuedPut[] {
    try {
      const raw = this.storage.getItem(this.storageKey);
      const parsed = raw ? (JSON.parse(raw) as unknown) : [];
      return Array.isArray(parsed) ? (parsed as Array<Partial<QueuedPut> | null>).filter((i): i is QueuedPut => !!i && typeof i.idempotencyKey === 'string' && !!i.key) : [];
    } catch {
      return [];
    }
  }

  private save(items: QueuedPut[]): void {
    if (items.length === 0) this.storage.removeItem(this.storageKey);
    else this.storage.setItem(this.storageKey, JSON.stringify(items));
  }

  get size(): number {
    return this.list().length;
  }

  /** Adds a PUT; a newer send of the same report replaces an older queued one. */
  add(item: QueuedPut): void {
    const items = this.list().filter((i) => !(i.baseUrl === item.baseUrl && sameKey(i.key, item.key)));
    items.push(item);
    this.save(items);
  }

  remove(id: string): void {
    this.save(this.list().filter((i) => i.id !== id));
  }

  find(key: ReportKey): QueuedPut | undefined {
    return this.list().find((i) => sameKey(i.key, key));
  }

  private update(id: string, change: Partial<QueuedPut>): void {
    this.save(this.list().map((i) => (i.id === id ? { ...i, ...change } : i)));
  }

  /**
   * Sends every queued PUT of this server (and of this token, when `owner` is given) again, oldest first, with its own Idempotency-Key
   * and If-Match. Answered items leave the queue (saved, conflict, locked, or refused);
   * items still unreachable, rate-limited or hit by a server error stay.
   */
  async flush(api: ApiClient, owner?: string): Promise<FlushResult[]> {
    const results: FlushResult[] = [];
    for (const item of this.list()) {
      if (item.baseUrl !== api.baseUrl) continue;
      if (owner !== undefined && item.owner && item.owner !== owner) continue;
      try {
        const outcome = await api.putReport(item.key, item.body, { etag: item.etag, idempotencyKey: item.idempotencyKey });
        this.remove(item.id);
        results.push({ item, outcome });
      } catch (error) {
        if (error instanceof ApiError) {
          const retryable = error.status === 429 || error.status >= 500;
          if (retryable) this.update(item.id, { attempts: item.attempts + 1, lastError: error.code });
          else this.remove(item.id);
          results.push({ item, error, dropped: !retryable });
          continue;
        }
        this.update(item.id, { attempts: item.attempts + 1, lastError: error instanceof Error ? error.message : String(error) });
        results.push({ item, offline: true });
        // Still offline: the rest would fail the same way.
        if (isNetworkError(error)) break;
      }
    }
    return results;
  }
}

// ---- Last year's values, kept for offline checks ----------------------------------------

export const PREVIOUS_STORAGE_KEY = 'asr.previous';
/** Plans × periods kept (a pane works on a handful). */
const PREVIOUS_KEPT = 40;

export interface KnownPrevious extends PreviousValues {
  /** When the server gave them (ISO time). */
  fetchedAt: string;
  /** Where they come from: the server now, the copy kept from an earlier check (offline), or nowhere (offline, never fetched). */
  source: 'server' | 'cache' | 'none';
}

/** A kept copy of last year's values with its values object (localStorage can hold anything). */
function isKeptPrevious(x: unknown): x is Omit<KnownPrevious, 'source'> {
  return isObject(x) && 'values' in x && isObject(x.values);
}

/**
 * The values the server judges a period's change targets with, fetched for every check so
 * the pane gets the server's verdict; the last answer per server, plan and period is kept
 * in localStorage ("asr.previous") so a check without a connection uses it, and says so.
 */
export class PreviousValuesCache {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly storageKey = PREVIOUS_STORAGE_KEY,
  ) {}

  private all(): Record<string, Omit<KnownPrevious, 'source'>> {
    try {
      const parsed = JSON.parse(this.storage.getItem(this.storageKey) ?? '{}') as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Omit<KnownPrevious, 'source'>>) : {};
    } catch {
      return {};
    }
  }

  get(baseUrl: string, planId: string, period: string): Omit<KnownPrevious, 'source'> | null {
    // Kept in localStorage: whatever is there is checked before use.
    const found: unknown = this.all()[`${baseUrl} ${planId}/${period}`];
    return isKeptPrevious(found) ? found : null;
  }

  set(baseUrl: string, known: Omit<KnownPrevious, 'source'>): void {
    const entries = Object.entries(this.all()).filter(([k]) => k !== `${baseUrl} ${known.planId}/${known.period}`);
    entries.push([`${baseUrl} ${known.planId}/${known.period}`, known]);
    try {
      this.storage.setItem(this.storageKey, JSON.stringify(Object.fromEntries(entries.slice(-PREVIOUS_KEPT))));
    } catch {
      /* storage full: offline checks then lack last year's values, and say so */
    }
  }

  /** From the server (kept for later), else the kept copy when the server cannot be reached, else none. */
  async fetch(api: ApiClient, planId: string, period: string, now: () => Date): Promise<KnownPrevious> {
    try {
      const answer = await api.previous(planId, period);
      const known = { planId, period, previousPeriod: answer.previousPeriod, values: (answer as Partial<PreviousValues>).values ?? {}, fetchedAt: now().toISOString() };
      this.set(api.baseUrl, known);
      return { ...known, source: 'server' };
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      const kept = this.get(api.baseUrl, planId, period);
      if (kept) return { ...kept, source: 'cache' };
      return { planId, period, previousPeriod: '', values: {}, fetchedAt: '', source: 'none' };
    }
  }
}
