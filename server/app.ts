import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import { z } from 'zod';
import { parseCommuneCsv } from '../shared/agencies/communes-csv';
import { assignmentFor } from '../shared/assignment';
import type { Finding } from '../shared/findings';
import { readingFindingsOf } from '../shared/layout/inputs';
import type { CompiledPlan } from '../shared/compile';
import { consolidate, recordFromRevisions } from '../shared/consolidate';
import type { PreviousSummary, ReportRecord } from '../shared/consolidate';
import { periodTargetOf, targetForYear } from '../shared/evaluate';
import { consolidatedWorkbook } from '../shared/layout/consolidated';
import { agencyTemplate } from '../shared/layout/template';
import { parsePeriod, periodWindow, previousReportingPeriod, previousYearPeriod } from '../shared/periods';
import { Agency } from '../shared/schema/agency';
import { planJsonSchema } from '../shared/schema/json-schema';
import { checkPeriod, validateReport } from '../shared/validate';
import type { ValidationReport } from '../shared/validate';
import { SignInGuard, authenticate, newToken, requirePlanReader, requirePrincipal, requireReportAccess, requireRole } from './auth';
import type { Principal } from './auth';
import type { CatalogService, CatalogSnapshot } from './catalog-service';
import type { ServerConfig } from './config';
import { UPLOAD_LIMITS } from './config';
import { ApiError, errorBody, errors, issueList } from './errors';
import { buildOpenApi } from './openapi';
import { Slots } from './slots';
import { ConsolidatedQuery, JudgementBody, LeadChangeBody, ReportBody, ReturnBody, TokenBody, ValidateBody } from './schemas';
import type { PreviousValuesResponse } from './schemas';
import type { AuditEntry, IdempotencyRecord, ReportKey, ReportRevision, ReportWrite, Store } from './storage/types';
import { readTemplateUpload } from './xlsx/read';
import { renderWorkbook } from './xlsx/render';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ADDIN_DIR = fileURLToPath(new URL('../addin/dist/', import.meta.url));
// Development and tests load office.js from the npm package; production pages use Microsoft's CDN.
const OFFICE_JS_DIR = fileURLToPath(new URL('../node_modules/@microsoft/office-js/dist/', import.meta.url));

export interface AppDeps {
  store: Store;
  catalog: CatalogService;
  config: ServerConfig;
  /** The built task pane (addin/dist by default). */
  addinDir?: string;
  /** Where unexpected errors go (never to the client). */
  log?: (message: string, error?: unknown) => void;
}

export function createApp(deps: AppDeps): express.Express {
  const { store, catalog, config } = deps;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error));
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'frame-ancestors': config.frameAncestors,
          'script-src': ["'self'", 'https://appsforoffice.microsoft.com'],
          'connect-src': ["'self'", ...config.corsOrigins],
        },
      },
      // The task pane is framed by Office on the web: X-Frame-Options would forbid it.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(
    cors({
      origin: (origin, callback) => callback(null, !origin || config.corsOrigins.includes(origin)),
      exposedHeaders: ['ETag', 'Location', 'Content-Disposition'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    }),
  );

  const guard = new SignInGuard(config.failedSignInLimit);
  const api = express.Router();

  const snapshot = () => catalog.snapshot;
  const planOr404 = (planId: string): CompiledPlan => {
    const plan = snapshot().plans.get(planId);
    if (!plan) throw errors.notFound({ vi: `Không có kế hoạch "${planId.slice(0, 100)}"`, en: `No plan "${planId.slice(0, 100)}"` });
    return plan;
  };
  /**
   * The engine's own period check, with the same words as a validation report: 400 for an
   * id that is not a period, 422 for a period the plan does not define (details list its periods).
   */
  const periodOr400 = (plan: CompiledPlan, raw: unknown): string => {
    const { period, findings } = checkPeriod(plan, raw);
    const error = findings.find((f) => f.severity === 'error');
    if (!period) throw errors.badRequest(error?.message ?? { vi: 'Kỳ báo cáo không hợp lệ', en: 'Not a period' }, { period: String(raw).slice(0, 40) });
    if (error) throw new ApiError(422, 'unknown-period', error.message, error.details);
    return period.id;
  };
  const agencyOr404 = (agencyId: string) => {
    const agency = snapshot().register.get(agencyId);
    if (!agency) throw errors.notFound({ vi: `Không có đơn vị "${agencyId.slice(0, 100)}"`, en: `No agency "${agencyId.slice(0, 100)}"` });
    return agency;
  };
  /** The parsed JSON body, or the parse error (bad JSON, too large) now that the caller is authorised. */
  const bodyOf = (req: Request): unknown => {
    if (bodyErrors.has(req)) throw bodyErrors.get(req);
    return req.body;
  };
  /** Route middleware that checks the role before a route's own body parser reads anything. */
  const allow = (...roles: Parameters<typeof requireRole>[1][]) => (req: Request, _res: Response, next: NextFunction) => (requireRole(req, ...roles), next());
  const parseBody = <T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw errors.validation(issueList(parsed.error.issues));
    return parsed.data;
  };
  const audit = (principal: Principal, action: string, key?: Partial<ReportKey>, extra: Partial<AuditEntry> = {}): AuditEntry =>
    boundedAudit({
      at: config.now().toISOString(),
      actor: principal.tokenId,
      action,
      ...(key?.planId ? { planId: key.planId } : {}),
      ...(key?.period ? { period: key.period } : {}),
      ...(key?.agencyId ? { agencyId: key.agencyId } : {}),
      ...extra,
    });

  // ---- Public ----------------------------------------------------------------------------
  api.get('/health', (_req, res) => {
    // 503 once the store cannot write: a supervisor's health check then sees it.
    const storeHealth = store.health();
    res.status(storeHealth.ok ? 200 : 503).json({ status: storeHealth.ok ? 'ok' : 'failed', store: storeHealth, plans: snapshot().plans.size, agencies: snapshot().register.agencies.length });
  });
  const openapi = buildOpenApi();
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  api.get('/schema/plan', (_req, res) => {
    res.json(planJsonSchema());
  });

  // Who you are, first: every route below answers 401 without a valid token before it looks
  // at its parameters or body (a body that cannot be parsed waits in bodyOf until the route,
  // once it has authorised the caller, reads it).
  api.use(authenticate(store, guard, () => config.now().getTime()));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => req.principal?.tokenId ?? `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`,
      handler: (_req, _res, next) => next(errors.tooMany()),
    }),
  );
  api.use(deferBodyErrors(express.json({ limit: config.jsonLimit, type: ['application/json', 'application/*+json'] })));

  // ---- Catalog ---------------------------------------------------------------------------
  api.get('/me', (req, res) => {
    const p = requirePrincipal(req);
    const agency = p.agencyId ? snapshot().register.get(p.agencyId) : undefined;
    res.json({ tokenId: p.tokenId, role: p.role, agencyId: p.agencyId, agencyName: agency?.name ?? null, label: p.label });
  });
  api.get('/plans', (req, res) => {
    requirePrincipal(req);
    res.json({
      plans: [...snapshot().plans.values()].map(({ plan }) => ({
        id: plan.id,
        title: plan.title,
        number: plan.number,
        city: plan.city,
        program: plan.program,
        startYear: plan.startYear,
        endYear: plan.endYear,
        revision: plan.revision,
        indicators: plan.indicators.length,
        periods: plan.reporting.periods.map((p) => p.kind),
      })),
    });
  });
  api.get('/plans/:planId', (req, res) => {
    requirePrincipal(req);
    res.json(planOr404(req.params.planId!).plan);
  });
  api.post('/plans', async (req, res) => {
    const principal = requireRole(req, 'admin');
    const checked = catalog.check(bodyOf(req));
    if (!checked.ok) {
      throw new ApiError(400, 'invalid-plan', { vi: 'Tệp kế hoạch có lỗi; xem danh sách kèm đường dẫn', en: 'The plan file has problems; see the list with their paths' }, checked.issues);
    }
    const existing = snapshot().plans.get(checked.plan.plan.id);
    if (existing && existing.plan.revision >= checked.plan.plan.revision) {
      throw new ApiError(409, 'plan-exists', {
        vi: `Kế hoạch ${checked.plan.plan.id} đã có (phiên bản ${existing.plan.revision}); tăng "revision" để thêm phiên bản mới`,
        en: `Plan ${checked.plan.plan.id} exists (revision ${existing.plan.revision}); raise "revision" to add a new one`,
      });
    }
    await store.addPlanFile(bodyOf(req), audit(principal, 'add-plan', { planId: checked.plan.plan.id }, { detail: { revision: checked.plan.plan.revision } }));
    await catalog.reload();
    res.status(201).location(`/api/plans/${checked.plan.plan.id}`).json({ id: checked.plan.plan.id, revision: checked.plan.plan.revision, warnings: checked.plan.issues });
  });
  api.get('/agencies', (req, res) => {
    requirePrincipal(req);
    res.json({ agencies: snapshot().register.agencies });
  });
  api.post('/agencies', async (req, res) => {
    const principal = requireRole(req, 'admin');
    const sent = bodyOf(req);
    const list = parseBody(z.array(Agency).min(1).max(1_000), Array.isArray(sent) ? sent : [sent]);
    await store.upsertAgencies(list, audit(principal, 'upsert-agencies', {}, { detail: { ids: list.map((a) => a.id) } }));
    await catalog.reload();
    res.status(201).json({ agencies: list.map((a) => a.id) });
  });
  api.post('/agencies/communes', allow('admin'), express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' }), async (req, res) => {
    const principal = requireRole(req, 'admin');
    if (typeof req.body !== 'string') throw errors.badRequest({ vi: 'Gửi tệp CSV (Content-Type: text/csv)', en: 'Send the CSV file (Content-Type: text/csv)' });
    const query = z.object({ city: z.string().min(1).max(50).default('hanoi'), prefix: z.string().regex(/^[a-z0-9]{1,10}$/).default('hn') }).safeParse(req.query);
    if (!query.success) throw errors.badRequest({ vi: 'Tham số city/prefix không hợp lệ', en: 'Bad city/prefix parameters' }, issueList(query.error.issues));
    const result = parseCommuneCsv(req.body, { city: query.data.city, idPrefix: query.data.prefix, register: snapshot().register });
    if (result.agencies.length === 0) {
      throw new ApiError(400, 'nothing-imported', { vi: 'Không nhập được xã, phường nào; xem các lỗi theo dòng', en: 'No commune could be imported; see the findings by line' }, result.findings);
    }
    await store.upsertAgencies(result.agencies, audit(principal, 'import-communes', {}, { detail: { count: result.agencies.length } }));
    await catalog.reload();
    res.status(201).json({ imported: result.agencies.map((a) => a.id), findings: result.findings });
  });
  api.post('/plans/:planId/indicators/:code/lead', async (req, res) => {
    const principal = requireRole(req, 'admin');
    const plan = planOr404(req.params.planId!);
    const indicator = plan.indicators.get(req.params.code!);
    if (!indicator) throw errors.notFound({ vi: `Không có chỉ tiêu ${req.params.code}`, en: `No indicator ${req.params.code}` });
    const body = parseBody(LeadChangeBody, bodyOf(req));
    agencyOr404(body.agencyId);
    const change = { planId: plan.plan.id, indicator: indicator.code, agencyId: body.agencyId, from: body.from, by: principal.tokenId, at: config.now().toISOString() };
    await store.addLeadChange(change, audit(principal, 'reassign-lead', { planId: plan.plan.id }, { detail: change }));
    await catalog.reload();
    res.status(201).json(change);
  });

  // ---- Tokens (admin) --------------------------------------------------------------------
  api.get('/tokens', async (req, res) => {
    requireRole(req, 'admin');
    const tokens = await store.listTokens();
    res.json({ tokens: tokens.map(({ hash: _hash, ...rest }) => rest) });
  });
  api.post('/tokens', async (req, res) => {
    const principal = requireRole(req, 'admin');
    const body = parseBody(TokenBody, bodyOf(req));
    if (body.role === 'agency' && !body.agencyId) throw errors.badRequest({ vi: 'Mã của đơn vị cần agencyId', en: 'An agency token needs an agencyId' });
    if (body.agencyId) agencyOr404(body.agencyId);
    const { secret, record } = newToken(body.role, body.role === 'agency' ? body.agencyId! : null, body.label, config.now());
    await store.addToken(record, audit(principal, 'issue-token', {}, { detail: { id: record.id, role: record.role, agencyId: record.agencyId } }));
    const { hash: _hash, ...shown } = record;
    res.status(201).json({ ...shown, token: secret });
  });
  api.delete('/tokens/:id', async (req, res) => {
    const principal = requireRole(req, 'admin');
    const done = await store.revokeToken(req.params.id!, config.now().toISOString(), audit(principal, 'revoke-token', {}, { detail: { id: req.params.id } }));
    if (!done) throw errors.notFound({ vi: 'Không có mã truy cập này', en: 'No such token' });
    res.status(204).end();
  });

  // ---- Validation (stateless) ------------------------------------------------------------
  /**
   * The one engine call behind the pane's check, /validate, PUT, upload and submit: the same
   * entries, the stored values of last year (previousValues, also served at …/previous for
   * the pane), the register, and what reading a workbook found.
   */
  const verdictOf = async (plan: CompiledPlan, key: ReportKey, body: z.infer<typeof ReportBody>, reading: readonly Finding[] = []): Promise<ValidationReport> =>
    validateReport(
      plan,
      { agencyId: key.agencyId, period: key.period, entries: body.entries, documents: body.documents, projects: body.projects, previous: await previousValues(key), reading },
      key.agencyId ? { register: snapshot().register } : {},
    );

  api.post('/validate', async (req, res) => {
    const principal = requirePrincipal(req);
    const sent = bodyOf(req);
    if (sent && typeof sent === 'object' && Object.prototype.hasOwnProperty.call(sent, 'previous')) {
      // One source of truth: a value sent here could give a verdict no stored report would get.
      throw new ApiError(400, 'previous-not-accepted', {
        vi: 'Số liệu năm trước lấy từ các báo cáo đã lưu trên máy chủ (GET …/periods/<kỳ>/previous); bỏ trường "previous"',
        en: 'Last year\'s values come from the reports stored on the server (GET …/periods/<period>/previous); remove the field "previous"',
      });
    }
    const body = parseBody(ValidateBody, sent);
    refuseDuplicateCodes(body);
    const plan = planOr404(body.planId);
    const period = periodOr400(plan, body.period);
    const agencyId = principal.role === 'agency' ? principal.agencyId! : (body.agencyId ?? '');
    res.json(await verdictOf(plan, { planId: plan.plan.id, period, agencyId }, body));
  });

  api.get('/plans/:planId/periods/:period/previous', async (req, res) => {
    requirePrincipal(req);
    const plan = planOr404(req.params.planId!);
    const period = periodOr400(plan, req.params.period);
    requirePlanReader(req, (agencyId) => {
      const a = assignmentFor(plan, snapshot().register, agencyId, parsePeriod(period)!);
      return a.indicators.length + a.documents.length + a.projects.length > 0;
    });
    const values = await previousValues({ planId: plan.plan.id, period, agencyId: '' });
    const body: z.infer<typeof PreviousValuesResponse> = { planId: plan.plan.id, period, previousPeriod: previousYearPeriod(parsePeriod(period)!).id, values: values as Record<string, number> };
    res.json(body);
  });

  // ---- Reports ---------------------------------------------------------------------------
  const reportPath = '/plans/:planId/periods/:period/reports/:agencyId';
  const keyOf = (req: Request): { key: ReportKey; plan: CompiledPlan } => {
    const params = req.params as Record<string, string>;
    const plan = planOr404(params.planId ?? '');
    const period = periodOr400(plan, params.period);
    const agencyId = params.agencyId ?? '';
    agencyOr404(agencyId);
    return { plan, key: { planId: plan.plan.id, period, agencyId } };
  };

  api.get(reportPath, async (req, res) => {
    requireReportAccess(req, req.params.agencyId!, false);
    const { key } = keyOf(req);
    const report = await store.getReport(key);
    if (!report) throw errors.notFound({ vi: 'Đơn vị chưa gửi báo cáo kỳ này', en: 'No report for this period yet' });
    res.set('ETag', etagOf(report.revision)).json(view(report));
  });
  api.get(`${reportPath}/history`, async (req, res) => {
    requireReportAccess(req, req.params.agencyId!, false);
    const { key } = keyOf(req);
    res.json({ revisions: (await store.history(key)).map(view) });
  });

  /** The shared write path of PUT and upload: preconditions, idempotency, lock, validation, audit. */
  const writeReport = async (
    req: Request,
    res: Response,
    action: 'put' | 'upload',
    body: z.infer<typeof ReportBody>,
    requireIfMatch: boolean,
    reading: readonly Finding[] = [],
  ): Promise<void> => {
    const principal = requireReportAccess(req, String(req.params.agencyId ?? ''), true);
    const { key, plan } = keyOf(req);
    refuseDuplicateCodes(body);
    const idem = idempotencyOf(req, principal, body);
    if (idem) {
      const seen = await store.findIdempotency(idem.scope, idem.key);
      if (seen) return replay(res, key, seen, idem.requestHash);
    }
    const current = await store.getReport(key);
    const expected = expectedRevision(req, current, requireIfMatch);
    if (expected !== current?.revision && !(expected === 0 && !current)) return preconditionFailed(res, current);
    if (current?.status === 'approved') throw errors.conflictLocked();
    const validation = await verdictOf(plan, key, body, reading);
    const write: ReportWrite = {
      ...key,
      planRevision: plan.plan.revision,
      status: 'draft',
      entries: body.entries,
      documents: body.documents,
      projects: body.projects,
      validation: compactValidation(validation),
      late: false,
      comment: null,
      savedBy: principal.tokenId,
      action,
    };
    const status = current ? 200 : 201;
    const next = (current?.revision ?? 0) + 1;
    const outcome = await store.putReport(key, current?.revision ?? 0, write, {
      audit: audit(principal, action, key, { revision: next, changes: diffEntries(current, body) }),
      ...(idem ? { idempotency: { ...idem, status, body: { revision: next }, etag: etagOf(next), at: config.now().toISOString() } } : {}),
    });
    if (!outcome.ok) {
      // A concurrent retry of the same request may have won the race: answer as it did.
      if (idem) {
        const seen = await store.findIdempotency(idem.scope, idem.key);
        if (seen) return replay(res, key, seen, idem.requestHash);
      }
      return preconditionFailed(res, outcome.current);
    }
    periodChanged(key.planId, key.period);
    res.status(status).set('ETag', etagOf(outcome.report.revision)).json(writeResponse(outcome.report));
  };

  /** The same answer as the first time, rebuilt from the revision that request created. */
  const replay = async (res: Response, key: ReportKey, seen: IdempotencyRecord, requestHash: string): Promise<void> => {
    if (seen.requestHash !== requestHash) throw errors.idempotencyMismatch();
    const revision = (seen.body as { revision?: number } | null)?.revision;
    const created = (await store.history(key)).find((r) => r.revision === revision);
    if (!created) throw errors.idempotencyMismatch();
    res.status(seen.status).set('ETag', etagOf(created.revision)).set('Idempotent-Replayed', 'true').json(writeResponse(created));
  };

  api.put(reportPath, async (req, res) => {
    requireReportAccess(req, req.params.agencyId!, true);
    const body = parseBody(ReportBody, bodyOf(req));
    await writeReport(req, res, 'put', body, true);
  });

  // Reading a workbook is the costliest request there is: a few at a time, a short queue, then 503.
  const uploadLimits = config.uploads ?? UPLOAD_LIMITS;
  const uploadSlots = new Slots(uploadLimits.concurrent, uploadLimits.queue);
  api.post(
    `${reportPath}/xlsx`,
    (req, _res, next) => (requireReportAccess(req, req.params.agencyId!, true), next()),
    express.raw({ type: [XLSX_TYPE, 'application/octet-stream'], limit: config.uploadLimitBytes }),
    async (req, res) => {
      const { key, plan } = keyOf(req);
      requireReportAccess(req, key.agencyId, true);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw errors.badRequest({ vi: `Gửi tệp .xlsx (Content-Type: ${XLSX_TYPE})`, en: `Send the .xlsx file (Content-Type: ${XLSX_TYPE})` });
      }
      const body: Buffer = req.body;
      const slot = await uploadSlots.run(() =>
        readTemplateUpload(body, { maxBytes: config.uploadLimitBytes, maxUnpackedBytes: uploadLimits.maxUnpackedBytes, maxPartBytes: uploadLimits.maxPartBytes, maxZipEntries: uploadLimits.maxZipEntries }),
      );
      if (slot.busy) {
        throw new ApiError(503, 'upload-busy', {
          vi: 'Máy chủ đang đọc nhiều tệp tải lên; hãy gửi lại sau ít giây',
          en: 'The server is reading many uploads; send the file again in a few seconds',
        }, { concurrent: uploadLimits.concurrent, queue: uploadLimits.queue }, { 'Retry-After': '5' });
      }
      const reading = slot.value;
      if (!reading.ok) throw new ApiError(reading.status, `upload-${reading.code}`, reading.message);
      const meta = reading.metadata;
      const mismatch: Array<{ field: string; expected: string; found: string }> = [];
      if (meta.planId !== key.planId) mismatch.push({ field: 'planId', expected: key.planId, found: String(meta.planId) });
      if (meta.agencyId !== key.agencyId) mismatch.push({ field: 'agencyId', expected: key.agencyId, found: String(meta.agencyId) });
      if (meta.period !== key.period) mismatch.push({ field: 'period', expected: key.period, found: String(meta.period) });
      if (meta.revision !== String(plan.plan.revision)) mismatch.push({ field: 'revision', expected: String(plan.plan.revision), found: String(meta.revision) });
      if (mismatch.length > 0) {
        throw new ApiError(422, 'upload-wrong-template', {
          vi: 'Tệp này là mẫu của kế hoạch, đơn vị, kỳ hoặc phiên bản khác; hãy tải mẫu đúng',
          en: 'This file is the template of another plan, agency, period or revision; download the right one',
        }, mismatch);
      }
      await writeReport(req, res, 'upload', { entries: reading.entries, documents: reading.documents, projects: reading.projects }, false, reading.findings);
    },
  );

  /** Status changes write a new revision with the same figures. */
  const changeStatus = async (
    req: Request,
    res: Response,
    principal: Principal,
    action: 'submit' | 'approve' | 'return',
    decide: (current: ReportRevision, plan: CompiledPlan, key: ReportKey) => Promise<Partial<ReportWrite>> | Partial<ReportWrite>,
  ) => {
    const { key, plan } = keyOf(req);
    const current = await store.getReport(key);
    if (!current) throw errors.notFound({ vi: 'Đơn vị chưa gửi báo cáo kỳ này', en: 'No report for this period yet' });
    const expected = req.get('If-Match') ? expectedRevision(req, current, true) : current.revision;
    if (expected !== current.revision) return preconditionFailed(res, current);
    const changes = await decide(current, plan, key);
    const { revision: _r, savedAt: _s, ...rest } = current;
    const outcome = await store.putReport(key, current.revision, { ...rest, ...changes, savedBy: principal.tokenId, action }, { audit: audit(principal, action, key, { detail: { from: current.status, to: changes.status } }) });
    if (!outcome.ok) return preconditionFailed(res, outcome.current);
    periodChanged(key.planId, key.period);
    res.set('ETag', etagOf(outcome.report.revision)).json({ report: view(outcome.report) });
  };

  api.post(`${reportPath}/submit`, async (req, res) => {
    const principal = requireRole(req, 'agency', 'admin');
    requireReportAccess(req, req.params.agencyId!, true);
    await changeStatus(req, res, principal, 'submit', async (current, plan, key) => {
      if (current.status === 'approved') throw errors.conflictLocked();
      // What reading the uploaded workbook found stays with the figures it came with.
      const validation = await verdictOf(plan, key, current, readingFindingsOf(current.validation.findings));
      if (!validation.valid) {
        throw new ApiError(422, 'has-errors', {
          vi: `Báo cáo còn ${validation.stats.errors} lỗi; sửa hết lỗi trước khi gửi chính thức`,
          en: `The report still has ${validation.stats.errors} errors; fix them before submitting`,
        }, validation.findings.filter((f) => f.severity === 'error'));
      }
      const window = periodWindow(plan.plan, parsePeriod(key.period)!);
      const late = window ? config.now().toISOString().slice(0, 10) > window.deadline : false;
      return { status: late ? 'late' : 'submitted', late, validation: compactValidation(validation), comment: null };
    });
  });
  api.post(`${reportPath}/approve`, async (req, res) => {
    const principal = requireRole(req, 'consolidator', 'admin');
    await changeStatus(req, res, principal, 'approve', (current) => {
      if (current.status !== 'submitted' && current.status !== 'late') {
        throw new ApiError(409, 'not-submitted', { vi: 'Chỉ phê duyệt báo cáo đã gửi chính thức', en: 'Only a submitted report can be approved' }, { status: current.status });
      }
      return { status: 'approved' };
    });
  });
  api.post(`${reportPath}/return`, async (req, res) => {
    const principal = requireRole(req, 'consolidator', 'admin');
    const body = parseBody(ReturnBody, bodyOf(req));
    await changeStatus(req, res, principal, 'return', (current) => {
      if (current.status === 'draft' || current.status === 'returned') {
        throw new ApiError(409, 'not-submitted', { vi: 'Báo cáo chưa gửi chính thức nên không cần trả lại', en: 'The report is not submitted, so there is nothing to return' }, { status: current.status });
      }
      return { status: 'returned', comment: body.comment };
    });
  });

  // ---- Templates and the consolidated table ----------------------------------------------
  api.get('/plans/:planId/templates/:file', async (req, res) => {
    const match = /^([a-z0-9][a-z0-9-]*)\.xlsx$/.exec(req.params.file ?? '');
    if (!match) throw errors.notFound({ vi: 'Dùng /templates/<mã đơn vị>.xlsx', en: 'Use /templates/<agency id>.xlsx' });
    const agencyId = match[1]!;
    requireReportAccess(req, agencyId, false);
    const plan = planOr404(req.params.planId!);
    agencyOr404(agencyId);
    const period = periodOr400(plan, req.query.period);
    const lang = req.query.lang === 'en' ? 'en' : 'vi';
    const buffer = await renderWorkbook(agencyTemplate(plan, snapshot().register, { agencyId, period, lang }));
    res
      .type(XLSX_TYPE)
      .set('Content-Disposition', `attachment; filename="${plan.plan.id}-${period}-${agencyId}.xlsx"`)
      .send(buffer);
  });

  /**
   * Each agency's revision that counts (recordFromRevisions): the latest unless it is a draft,
   * in which case its history says which submitted, approved or returned revision lies under it.
   */
  const reportRecords = async (planId: string, period: string): Promise<ReportRecord[]> => {
    const latest = await store.listReports({ planId, period });
    // The whole history only where there is one: it tells what lies under a draft and every return comment.
    const records = await Promise.all(latest.map(async (r) => recordFromRevisions(r.revision > 1 ? await store.history({ planId, period, agencyId: r.agencyId }) : [r])));
    return records.filter((r): r is ReportRecord => r !== null);
  };
  /** The period's judgements, each with the label of the consolidator's token, so readers see a name, not an id. */
  const judgementsOf = async (planId: string, period: string) => {
    const judgements = await store.listJudgements({ planId, period });
    if (judgements.length === 0) return {};
    const labels = new Map((await store.listTokens()).map((t) => [t.id, t.label]));
    return Object.fromEntries(judgements.map((j) => [j.indicator, { ...j, ...(labels.get(j.by) ? { byName: labels.get(j.by)! } : {}) }]));
  };
  /** The category counts of the previous report in the plan's calendar, on the submitted basis; null when no report counted then. */
  const previousPeriodSummary = async (plan: CompiledPlan, period: string): Promise<PreviousSummary | null> => {
    const before = previousReportingPeriod(plan.plan, parsePeriod(period)!);
    if (!before) return null;
    const reports = await reportRecords(plan.plan.id, before.id);
    if (reports.length === 0) return null;
    const previous = await previousValues({ planId: plan.plan.id, period: before.id, agencyId: '' });
    const judgements = await judgementsOf(plan.plan.id, before.id);
    const table = consolidate(plan, snapshot().register, { period: before.id, reports, previous, judgements });
    return table.submissions.counted === 0 ? null : { period: table.period, categories: table.summary.categories };
  };
  const consolidatedTable = async (plan: CompiledPlan, period: string, options: { drafts: boolean } = { drafts: false }) => {
    const reports = await reportRecords(plan.plan.id, period);
    const previous = await previousValues({ planId: plan.plan.id, period, agencyId: '' });
    const previousSummary = await previousPeriodSummary(plan, period);
    const judgements = await judgementsOf(plan.plan.id, period);
    return consolidate(plan, snapshot().register, { period, reports, previous, includeDrafts: options.drafts, previousSummary, judgements });
  };
  const consolidatedOptions = (req: Request): { drafts: boolean } => {
    const query = ConsolidatedQuery.safeParse(req.query);
    if (!query.success) throw errors.badRequest({ vi: 'Tham số drafts phải là 0 hoặc 1', en: 'The drafts parameter must be 0 or 1' }, issueList(query.error.issues));
    return { drafts: query.data.drafts === '1' };
  };
  api.get('/plans/:planId/periods/:period/consolidated', async (req, res) => {
    requireRole(req, 'consolidator', 'admin');
    const plan = planOr404(req.params.planId!);
    const period = periodOr400(plan, req.params.period);
    res.json(await consolidatedTable(plan, period, consolidatedOptions(req)));
  });
  api.get('/plans/:planId/periods/:period/consolidated.xlsx', async (req, res) => {
    requireRole(req, 'consolidator', 'admin');
    const plan = planOr404(req.params.planId!);
    const period = periodOr400(plan, req.params.period);
    const lang = req.query.lang === 'en' ? 'en' : 'vi';
    const buffer = await renderWorkbook(consolidatedWorkbook(plan, snapshot().register, await consolidatedTable(plan, period, consolidatedOptions(req)), lang));
    res.type(XLSX_TYPE).set('Content-Disposition', `attachment; filename="${plan.plan.id}-${period}-tong-hop.xlsx"`).send(buffer);
  });

  // ---- Judgements of targets judged by hand (the engine cannot read them) -----------------
  api.put('/plans/:planId/periods/:period/judgements/:code', async (req, res) => {
    const principal = requireRole(req, 'consolidator', 'admin');
    const plan = planOr404(req.params.planId!);
    const period = periodOr400(plan, req.params.period);
    const code = req.params.code!;
    const indicator = plan.indicators.get(code);
    if (!indicator) throw errors.notFound({ vi: `Kế hoạch không có chỉ tiêu ${code.slice(0, 50)}`, en: `The plan has no indicator ${code.slice(0, 50)}` });
    const year = parsePeriod(period)!.year;
    if (!targetForYear(indicator, year)?.judgedByHand && !periodTargetOf(indicator, plan.plan)?.judgedByHand) {
      throw new ApiError(422, 'not-judged-by-hand', {
        vi: `Chỉ tiêu ${code} được đánh giá tự động theo kế hoạch; chỉ đánh giá thủ công chỉ tiêu mà kế hoạch đánh dấu "judgedByHand"`,
        en: `Indicator ${code} is judged by the engine; only targets the plan marks "judgedByHand" take a judgement`,
      });
    }
    const body = parseBody(JudgementBody, bodyOf(req));
    const before = (await store.listJudgements({ planId: plan.plan.id, period })).find((j) => j.indicator === code) ?? null;
    const judgement = { planId: plan.plan.id, period, indicator: code, verdict: body.verdict, reason: body.reason, by: principal.tokenId, at: config.now().toISOString() };
    await store.putJudgement(judgement, audit(principal, 'judge', { planId: plan.plan.id, period }, { changes: [{ path: `judgements.${code}`, from: before, to: judgement }] }));
    res.status(before ? 200 : 201).json(judgement);
  });
  api.get('/plans/:planId/periods/:period/judgements', async (req, res) => {
    requireRole(req, 'consolidator', 'admin');
    const plan = planOr404(req.params.planId!);
    const period = periodOr400(plan, req.params.period);
    res.json({ judgements: await store.listJudgements({ planId: plan.plan.id, period }) });
  });

  /**
   * Citywide values of the same period a year earlier, for change-versus-last-year targets.
   * Computed once per plan and period and kept until a report of that period (or the
   * catalog) changes: every PUT needs them, and they rarely change.
   */
  const previousCache = new Map<string, { generation: number; catalog: CatalogSnapshot; values: Record<string, number | null> }>();
  const generations = new Map<string, number>();
  const periodChanged = (planId: string, period: string) => generations.set(`${planId}|${period}`, (generations.get(`${planId}|${period}`) ?? 0) + 1);
  async function previousValues(key: ReportKey): Promise<Record<string, number | null>> {
    const plan = snapshot().plans.get(key.planId);
    const period = parsePeriod(key.period);
    if (!plan || !period) return {};
    const before = previousYearPeriod(period);
    const cacheKey = `${key.planId}|${before.id}`;
    const generation = generations.get(cacheKey) ?? 0;
    const cached = previousCache.get(cacheKey);
    if (cached && cached.generation === generation && cached.catalog === snapshot()) return cached.values;
    const reports = await reportRecords(key.planId, before.id);
    const table = reports.length === 0 ? null : consolidate(plan, snapshot().register, { period: before.id, reports });
    const values = table ? Object.fromEntries(table.rows.filter((r) => r.value !== null).map((r) => [r.code, r.value])) : {};
    previousCache.set(cacheKey, { generation, catalog: snapshot(), values });
    return values;
  }

  app.use('/api', api);
  if (config.serveLocalOfficeJs && existsSync(OFFICE_JS_DIR)) app.use('/addin/office', express.static(OFFICE_JS_DIR, { fallthrough: true }));
  app.use('/addin', express.static(deps.addinDir ?? ADDIN_DIR, { fallthrough: true }));

  app.use((_req, _res, next) => next(errors.notFound({ vi: 'Không có địa chỉ này', en: 'No such route' })));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) log('unexpected error', error);
    if (apiError.headers) res.set(apiError.headers);
    res.status(apiError.status).json(errorBody(apiError.code, apiError.text, apiError.details));
  });
  return app;
}

interface IdemRequest {
  scope: string;
  key: string;
  requestHash: string;
}

function idempotencyOf(req: Request, principal: Principal, body: unknown): IdemRequest | null {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw errors.badRequest({ vi: 'Idempotency-Key phải là 1-200 ký tự in được', en: 'Idempotency-Key must be 1-200 printable characters' });
  }
  const requestHash = createHash('sha256').update(`${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(body)}`).digest('hex');
  return { scope: principal.tokenId, key, requestHash };
}


export function etagOf(revision: number): string {
  return `"r${revision}"`;
}

/** If-Match: "r3" → 3; If-None-Match: * (or If-Match: "r0") → 0 for a new report. */
function expectedRevision(req: Request, current: ReportRevision | null, required: boolean): number | undefined {
  const ifMatch = req.get('If-Match');
  const ifNoneMatch = req.get('If-None-Match');
  if (ifNoneMatch?.trim() === '*') return 0;
  if (!ifMatch) {
    if (required) throw errors.preconditionRequired();
    return current?.revision ?? 0;
  }
  if (ifMatch.trim() === '*') return current ? current.revision : -1;
  const m = /^\s*"r(\d{1,9})"\s*$/.exec(ifMatch);
  if (!m) {
    throw new ApiError(400, 'bad-if-match', { vi: 'If-Match phải là ETag dạng "r<số phiên bản>"', en: 'If-Match must be a strong ETag "r<revision>"' }, { ifMatch: ifMatch.slice(0, 50) });
  }
  return Number(m[1]);
}

function preconditionFailed(res: Response, current: ReportRevision | null): void {
  if (current) res.set('ETag', etagOf(current.revision));
  res.status(412).json({
    ...errorBody(
      'precondition-failed',
      {
        vi: 'Báo cáo đã được người khác cập nhật; xem bản trên máy chủ và chọn giữ bản nào',
        en: 'Someone else updated the report; compare with the server version and choose',
      },
      { currentRevision: current?.revision ?? 0 },
    ),
    current: current ? view(current) : null,
  });
}

function writeResponse(r: ReportRevision) {
  return { report: view(r), validation: r.validation };
}

function view(r: ReportRevision) {
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
    validation: r.validation,
    savedAt: r.savedAt,
    savedBy: r.savedBy,
    action: r.action,
  };
}

function compactValidation(v: ValidationReport): ReportRevision['validation'] {
  // Per indicator, the verdict, progress and category the engine gave, as the pane shows them.
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
function diffEntries(current: ReportRevision | null, body: z.infer<typeof ReportBody>): AuditEntry['changes'] {
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
  return changes;
}

/** Body parse errors kept until the route reads the body (bodyOf), after it has authorised the caller. */
const bodyErrors = new WeakMap<Request, unknown>();

function deferBodyErrors(parser: express.RequestHandler): express.RequestHandler {
  return (req, res, next) =>
    parser(req, res, (error?: unknown) => {
      if (error) bodyErrors.set(req, error);
      next();
    });
}

/** 422 duplicate-codes when a code (trimmed, as the engine reads it) comes twice in entries, documents or projects. */
function refuseDuplicateCodes(body: { entries: ReadonlyArray<{ code: string }>; documents: ReadonlyArray<{ code: string }>; projects: ReadonlyArray<{ code: string }> }): void {
  const repeated = (list: ReadonlyArray<{ code: string }>) => {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const { code } of list) (seen.has(code.trim()) ? twice : seen).add(code.trim());
    return [...twice];
  };
  const duplicates = { entries: repeated(body.entries), documents: repeated(body.documents), projects: repeated(body.projects) };
  if (duplicates.entries.length + duplicates.documents.length + duplicates.projects.length > 0) throw errors.duplicateCodes(duplicates);
}

/** A text longer than this is recorded in the audit by its hash, length and first characters. */
export const AUDIT_TEXT_LIMIT = 200;
/** Bytes of JSON an audit entry may take; the changes that do not fit are counted and hashed. */
export const AUDIT_ENTRY_MAX_BYTES = 64 * 1024;
const AUDIT_DEPTH_LIMIT = 8;

/** The text itself when short; otherwise { sha256, length, start }: the stored revision holds it in full. */
function auditText(value: string): unknown {
  if (value.length <= AUDIT_TEXT_LIMIT) return value;
  return { sha256: createHash('sha256').update(value, 'utf8').digest('hex'), length: value.length, start: value.slice(0, 40) };
}

function shortenTexts(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return auditText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= AUDIT_DEPTH_LIMIT) return '[…]';
  if (Array.isArray(value)) return value.map((v) => shortenTexts(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [auditText(k) === k ? k : `${k.slice(0, 40)}…`, shortenTexts(v, depth + 1)]));
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * Every audit entry the API writes: long texts by hash, and at most AUDIT_ENTRY_MAX_BYTES.
 * Over the cap, the changes that fit are kept in order and detail.omittedChanges gives the
 * count and SHA-256 of the rest (each change as one JSON line); a detail too large becomes
 * its own hash. The full figures are in the stored revisions (GET …/history).
 */
function boundedAudit(entry: AuditEntry): AuditEntry {
  const short = shortenTexts(entry) as AuditEntry;
  if (jsonBytes(short) <= AUDIT_ENTRY_MAX_BYTES) return short;
  const { changes = [], detail, ...head } = short;
  let budget = AUDIT_ENTRY_MAX_BYTES - jsonBytes(head) - 1_024;
  const detailBytes = jsonBytes(detail);
  const keptDetail = detailBytes > budget / 2 ? { sha256: createHash('sha256').update(JSON.stringify(detail)).digest('hex'), bytes: detailBytes } : detail;
  budget -= jsonBytes(keptDetail);
  const kept: typeof changes = [];
  const rest = createHash('sha256');
  let omitted = 0;
  for (const change of changes) {
    const bytes = jsonBytes(change) + 1;
    if (omitted === 0 && bytes <= budget) {
      kept.push(change);
      budget -= bytes;
    } else {
      omitted++;
      rest.update(`${JSON.stringify(change)}\n`);
    }
  }
  const omittedChanges = omitted > 0 ? { omittedChanges: { count: omitted, sha256: rest.digest('hex') } } : {};
  const merged = keptDetail !== null && typeof keptDetail === 'object' && !Array.isArray(keptDetail) ? { ...keptDetail, ...omittedChanges } : keptDetail === undefined ? omittedChanges : { value: keptDetail, ...omittedChanges };
  return { ...head, ...(kept.length > 0 ? { changes: kept } : {}), ...(Object.keys(merged).length > 0 ? { detail: merged } : {}) };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { type?: string; status?: number; statusCode?: number } | null;
  const status = e?.status ?? e?.statusCode;
  if (e?.type === 'entity.parse.failed') return errors.badRequest({ vi: 'Nội dung JSON không đọc được', en: 'The JSON body cannot be parsed' });
  if (e?.type === 'entity.too.large' || status === 413) {
    return new ApiError(413, 'too-large', { vi: 'Nội dung gửi lên quá lớn', en: 'The request body is too large' });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported' || status === 415) {
    return new ApiError(415, 'unsupported-encoding', { vi: 'Bảng mã không được hỗ trợ; dùng UTF-8', en: 'Unsupported encoding; use UTF-8' });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'bad-request', { vi: 'Yêu cầu không hợp lệ', en: 'Bad request' });
  }
  return errors.internal();
}
