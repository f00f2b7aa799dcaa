import path from 'node:path';

/** Settings from the environment, with the defaults the README documents. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Origins allowed by CORS (the add-in's own origin is same-origin and always allowed). */
  corsOrigins: string[];
  /** Hosts allowed to frame the add-in pages (Office on the web). */
  frameAncestors: string[];
  jsonLimit: string;
  uploadLimitBytes: number;
  /** Requests per minute per token (or per address when anonymous). */
  rateLimitPerMinute: number;
  /** Failed sign-ins per address per 15 minutes before further failures get 429 (a valid token always passes). */
  failedSignInLimit: number;
  trustProxy: boolean;
  /** Serve office.js from the npm package under /addin/office (development and tests). */
  serveLocalOfficeJs: boolean;
  /** The clock, replaceable in tests (deadlines, audit times). */
  now: () => Date;
  /** Minutes between backup copies of the data file while running (0: only at start). Default 60. */
  backupIntervalMinutes?: number;
  /** Backup copies kept in DATA_DIR/backups, start-up and scheduled together. Default 24. */
  backupKeep?: number;
  /** Hours an Idempotency-Key is remembered (then a retry is a new write). Default 24. */
  idempotencyTtlHours?: number;
  /** Budgets of an uploaded workbook and how many are read at once (default UPLOAD_LIMITS). */
  uploads?: UploadLimits;
  /** PostgreSQL instead of the embedded store when set (DATABASE_URL); several processes may then share it. */
  databaseUrl?: string;
  /** The PostgreSQL pool's bounds and timeouts (PG_POOL_MAX, PG_STATEMENT_TIMEOUT_MS, PG_CONNECT_TIMEOUT_MS). */
  postgres?: PostgresSettings;
}

/** The PostgreSQL store's pool (server/storage/pg-pool.ts). */
export interface PostgresSettings {
  /** Connections per server process. */
  poolMax: number;
  /** A statement running longer is cancelled by the database. */
  statementTimeoutMs: number;
  /** Waiting longer for a connection (a new one, or a free one of the pool) fails the request. */
  connectTimeoutMs: number;
}

export const DEFAULT_POSTGRES_SETTINGS: PostgresSettings = { poolMax: 10, statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 };

/** What reading uploaded workbooks may cost (README "Security and limits", "Uploads"). */
export interface UploadLimits {
  /** Entries an upload's zip may list (any kind, read or not). */
  maxZipEntries: number;
  /** Bytes one part read from an upload may inflate to, counted on the inflated stream. */
  maxPartBytes: number;
  /** Bytes all the parts read from an upload may inflate to together. */
  maxUnpackedBytes: number;
  /** Uploads read at the same time; the others wait in the queue. */
  concurrent: number;
  /** Uploads waiting for a reader; beyond them the answer is 503 with Retry-After. */
  queue: number;
}

/**
 * The largest template (Sở LĐ-TB&XH, plan 207) has 19 entries and unpacks to 125 KB, its
 * largest part to 30 KB; Excel adds about ten small parts when it saves, pictures a few each.
 * 4 MB per part and 8 MB in all leave more than 60 times that for notes and Excel's own
 * additions. exceljs holds about 15 bytes for each byte of sheet XML it parses: a file that
 * fills the budget costs about 150 MB while it is read, so two at once keep the process
 * under 800 MB (test/server/upload-budget.test.ts measures it).
 */
export const UPLOAD_LIMITS: UploadLimits = {
  maxZipEntries: 1_000,
  maxPartBytes: 4 * 1024 * 1024,
  maxUnpackedBytes: 8 * 1024 * 1024,
  concurrent: 2,
  queue: 4,
};

export const OFFICE_FRAME_ANCESTORS = [
  "'self'",
  'https://*.officeapps.live.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft.com',
  'https://*.sharepoint.com',
  'https://*.cloud.microsoft',
  'https://*.live.com',
];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    corsOrigins: list(env.CORS_ORIGINS ?? 'https://localhost:3000'),
    frameAncestors: env.FRAME_ANCESTORS ? list(env.FRAME_ANCESTORS) : OFFICE_FRAME_ANCESTORS,
    jsonLimit: env.JSON_LIMIT ?? '1mb',
    uploadLimitBytes: Number(env.UPLOAD_LIMIT_BYTES ?? 5 * 1024 * 1024),
    rateLimitPerMinute: Number(env.RATE_LIMIT_PER_MINUTE ?? 600),
    failedSignInLimit: Number(env.FAILED_SIGNIN_LIMIT ?? 20),
    trustProxy: env.TRUST_PROXY === '1',
    serveLocalOfficeJs: env.NODE_ENV !== 'production' || env.OFFICE_JS === 'local',
    now: () => new Date(),
    backupIntervalMinutes: Number(env.BACKUP_INTERVAL_MINUTES ?? 60),
    backupKeep: Number(env.BACKUP_KEEP ?? 24),
    idempotencyTtlHours: Number(env.IDEMPOTENCY_TTL_HOURS ?? 24),
    uploads: {
      maxZipEntries: whole(env, 'UPLOAD_MAX_ZIP_ENTRIES', UPLOAD_LIMITS.maxZipEntries, 1, 65_000),
      maxPartBytes: whole(env, 'UPLOAD_MAX_PART_BYTES', UPLOAD_LIMITS.maxPartBytes, 1, 1024 ** 3),
      maxUnpackedBytes: whole(env, 'UPLOAD_MAX_UNPACKED_BYTES', UPLOAD_LIMITS.maxUnpackedBytes, 1, 1024 ** 3),
      concurrent: whole(env, 'UPLOAD_CONCURRENT', UPLOAD_LIMITS.concurrent, 1, 64),
      queue: whole(env, 'UPLOAD_QUEUE', UPLOAD_LIMITS.queue, 0, 1_000),
    },
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    postgres: {
      poolMax: whole(env, 'PG_POOL_MAX', DEFAULT_POSTGRES_SETTINGS.poolMax, 1, 1_000),
      statementTimeoutMs: whole(env, 'PG_STATEMENT_TIMEOUT_MS', DEFAULT_POSTGRES_SETTINGS.statementTimeoutMs, 100, 3_600_000),
      connectTimeoutMs: whole(env, 'PG_CONNECT_TIMEOUT_MS', DEFAULT_POSTGRES_SETTINGS.connectTimeoutMs, 100, 600_000),
    },
  };
}

/** A whole number from the environment within [min, max], the default when unset; anything else stops start-up. */
function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}
