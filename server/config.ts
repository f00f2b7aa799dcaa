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
}

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
  };
}
