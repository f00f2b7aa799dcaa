import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import rateLimit, { ipKeyGenerator, type Store as RateLimitStore } from 'express-rate-limit';
import helmet from 'helmet';
import { SignInGuard, authenticate } from './auth';
import type { FailedSignIns } from './auth';
import type { CatalogService } from './catalog-service';
import type { ServerConfig } from './config';
import { ApiError, apiError, errorBody, errors } from './errors';
import { deferBodyErrors } from './http/body';
import { registerRoutes } from './http/register';
import { buildOpenApi } from './openapi';
import { projectRoot } from './paths';
import { ROUTES } from './routes';
import { createContext } from './services/context';
import type { Store } from './storage/types';

export { AUDIT_ENTRY_MAX_BYTES, AUDIT_TEXT_LIMIT } from './services/audit';

export interface AppDeps {
  store: Store;
  catalog: CatalogService;
  config: ServerConfig;
  /** The built task pane (addin/dist under the project root by default). */
  addinDir?: string;
  /** office.js for development and tests (the npm package's dist by default); production pages use Microsoft's CDN. */
  officeJsDir?: string;
  /** The rate limit's counters when several processes share the store (PostgreSQL); per process otherwise. */
  rateLimitStore?: RateLimitStore;
  /** Failed sign-ins counted where every process sees them (PostgreSQL); per process otherwise. */
  signInGuard?: FailedSignIns;
  /** Where unexpected errors go (never to the client). */
  log?: (message: string, error?: unknown) => void;
}

/**
 * The server: security headers, CORS, the public routes, then who you are (token, rate limit),
 * the JSON body (its errors deferred until a route has let the caller in), the feature routes
 * of server/routes/, the task pane's files, and one error handler.
 */
export function createApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error));
  const root = projectRoot();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  app.use(securityHeaders(config), corsFor(config));

  const ctx = createContext(deps, () => buildOpenApi(ROUTES));
  const api = express.Router();
  registerRoutes(api, ROUTES.filter((r) => r.access === 'anyone'), ctx);
  // Who you are, first: every route below answers 401 without a valid token before it looks at its parameters or body.
  api.use(authenticate(deps.store, deps.signInGuard ?? new SignInGuard(config.failedSignInLimit), () => config.now().getTime()));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => req.principal?.tokenId ?? `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`,
      handler: (_req, _res, next) => next(errors.tooMany()),
      // A shared counter that cannot be reached lets the request through: the store answers for itself.
      ...(deps.rateLimitStore ? { store: deps.rateLimitStore, passOnStoreError: true } : {}),
    }),
  );
  api.use(deferBodyErrors(express.json({ limit: config.jsonLimit, type: ['application/json', 'application/*+json'] })));
  registerRoutes(api, ROUTES.filter((r) => r.access !== 'anyone'), ctx);
  app.use('/api', api);

  const officeJsDir = deps.officeJsDir ?? path.join(root, 'node_modules/@microsoft/office-js/dist');
  if (config.serveLocalOfficeJs && existsSync(officeJsDir)) app.use('/addin/office', express.static(officeJsDir, { fallthrough: true }));
  app.use('/addin', express.static(deps.addinDir ?? path.join(root, 'addin/dist'), { fallthrough: true }));

  app.use((_req, _res, next) => next(apiError('route-not-found')));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const apiErr = toApiError(error);
    if (apiErr.status >= 500) log('unexpected error', error);
    if (apiErr.headers) res.set(apiErr.headers);
    res.status(apiErr.status).json(errorBody(apiErr.code, apiErr.text, apiErr.details));
  });
  return app;
}

function securityHeaders(config: ServerConfig): express.RequestHandler {
  return helmet({
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
  });
}

function corsFor(config: ServerConfig): express.RequestHandler {
  return cors({
    origin: (origin, callback) => callback(null, !origin || config.corsOrigins.includes(origin)),
    exposedHeaders: ['ETag', 'Location', 'Content-Disposition'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
}

/** What the body parsers and express throw, in the API's own words; anything else is 500 internal (logged). */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { type?: string; status?: number; statusCode?: number } | null;
  const status = e?.status ?? e?.statusCode;
  if (e?.type === 'entity.parse.failed') return apiError('json-unreadable');
  if (e?.type === 'entity.too.large' || status === 413) return apiError('too-large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported' || status === 415) return apiError('unsupported-encoding');
  // Any other client error of a library: its status, our words.
  if (typeof status === 'number' && status >= 400 && status < 500) return apiError('bad-request', { status });
  return apiError('internal');
}
