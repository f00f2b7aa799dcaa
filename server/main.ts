import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createApp } from './app';
import { newToken } from './auth';
import { CatalogService } from './catalog-service';
import { configFromEnv } from './config';
import { paneDir } from './paths';
import type { ServerConfig } from './config';
import { takeLock } from './lock';
import { scheduleBackups } from './storage/backups';
import { DEFAULT_BACKUPS_KEPT, IDEMPOTENCY_TTL_MS, openLowdbStore, type LowdbStore } from './storage/lowdb-store';
import { withAdvisoryLock } from './storage/pg-pool';
import { PgRateLimitStore } from './storage/pg-rate-limit';
import { PgSignInGuard } from './storage/pg-sign-in-guard';
import { openPgStore } from './storage/pg-store';
import { StoreCorruptError } from './storage/types';
import type { Store } from './storage/types';

/**
 * `npm start`: one process serving the API under /api (and the add-in under /addin once
 * built) on PORT, with lowdb in DATA_DIR, or PostgreSQL when DATABASE_URL is set. On first start an admin token is generated,
 * stored only as a hash, printed once and written to DATA_DIR/admin-token (mode 0600).
 *
 * Fatal errors (an uncaught exception, an unhandled rejection, a store that can no longer
 * write) end the process with exit code 1, so a supervisor (systemd, see the README)
 * restarts it rather than keeping a half-alive server.
 */
let releaseLock: () => void = () => {};
let exiting = false;

function fatal(what: string, error: unknown): void {
  if (exiting) return;
  exiting = true;
  console.error(`FATAL (${what}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  console.error('Exiting with code 1 so that the supervisor restarts the server.');
  releaseLock();
  // A moment for the answers already decided (the writes the store just refused) to leave.
  setTimeout(() => process.exit(1), 200);
}

async function main(): Promise<void> {
  process.on('uncaughtException', (error) => fatal('uncaught exception', error));
  process.on('unhandledRejection', (reason) => fatal('unhandled promise rejection', reason));
  const config = configFromEnv();
  const warn = (message: string) => console.error(message);
  const { store, stopBackups, rateLimitStore, signInGuard, firstStartOnce } = config.databaseUrl ? await openPostgres(config, config.databaseUrl, warn) : await openEmbedded(config, warn);
  const catalog = await CatalogService.open(store);
  // Plans, agencies or lead changes added through another process sharing the database.
  store.onChange?.((change) => {
    if (change.kind === 'catalog' || change.kind === 'all') catalog.reload().catch((error: unknown) => warn(`WARNING: reloading the catalog after another process's change failed: ${String(error)}`));
  });
  await firstStartOnce(() => ensureAdminToken(store, config));
  const app = createApp({ store, catalog, config, addinDir: paneDir(import.meta.url), ...(rateLimitStore ? { rateLimitStore } : {}), ...(signInGuard ? { signInGuard } : {}) });
  const server = process.env.HTTPS === '1' ? https.createServer(await devCertificates(), app) : http.createServer(app);
  server.listen(config.port, config.host, () => {
    const scheme = process.env.HTTPS === '1' ? 'https' : 'http';
    const where = config.databaseUrl ? `PostgreSQL ${redactedUrl(config.databaseUrl)}` : `data in ${config.dataDir}`;
    console.log(`An sinh sync server: ${scheme}://${config.host}:${config.port}/api (${where}; ${catalog.snapshot.plans.size} plans)`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing pending writes`);
    server.close();
    void stopBackups()
      .then(() => store.close())
      .finally(() => {
        releaseLock();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

interface OpenedStore {
  store: Store;
  stopBackups: () => Promise<void>;
  /** Counters shared by the processes of one database. */
  rateLimitStore?: PgRateLimitStore;
  signInGuard?: PgSignInGuard;
  /** Runs first-start work (the admin token) one process at a time. */
  firstStartOnce: (work: () => Promise<void>) => Promise<void>;
}

/** The embedded store: this process owns DATA_DIR (the lock), and copies the data file to DATA_DIR/backups. */
async function openEmbedded(config: ServerConfig, warn: (message: string) => void): Promise<OpenedStore> {
  releaseLock = takeLock(config.dataDir, warn);
  let store: LowdbStore;
  try {
    store = await openLowdbStore({
      dataDir: config.dataDir,
      backups: config.backupKeep ?? DEFAULT_BACKUPS_KEPT,
      idempotencyTtlMs: config.idempotencyTtlHours !== undefined ? config.idempotencyTtlHours * 3600_000 : IDEMPOTENCY_TTL_MS,
      log: warn,
      onFatal: (error) => fatal('the store can no longer write', error),
    });
  } catch (error) {
    releaseLock();
    if (error instanceof StoreCorruptError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const stopBackups = scheduleBackups(() => store.backupNow(), (config.backupIntervalMinutes ?? 60) * 60_000, warn);
  // The lock on DATA_DIR makes this process the only one.
  return { store, stopBackups, firstStartOnce: (work) => work() };
}

/**
 * PostgreSQL (DATABASE_URL): any number of processes share the database, so there is no lock;
 * the migrations run first (one process at a time, see pg-migrate.ts); the rate limit counts
 * in the database, across processes; backups are the database's (pg_dump, see the README).
 */
async function openPostgres(config: ServerConfig, url: string, warn: (message: string) => void): Promise<OpenedStore> {
  const store = await openPgStore({
    url,
    settings: config.postgres,
    idempotencyTtlMs: config.idempotencyTtlHours !== undefined ? config.idempotencyTtlHours * 3600_000 : IDEMPOTENCY_TTL_MS,
    log: warn,
  });
  mkdirSync(config.dataDir, { recursive: true });
  return {
    store,
    stopBackups: () => Promise.resolve(),
    rateLimitStore: new PgRateLimitStore(store.pool),
    signInGuard: new PgSignInGuard(store.pool, config.failedSignInLimit, undefined, warn),
    firstStartOnce: (work) => withAdvisoryLock(store.pool, 'an-sinh first start', work),
  };
}

/** The URL without its password, for the log. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}

async function ensureAdminToken(store: Store, config: ServerConfig): Promise<void> {
  const tokens = await store.listTokens();
  if (tokens.some((t) => t.role === 'admin' && !t.revokedAt)) return;
  const { secret, record } = newToken('admin', null, 'first admin (generated at first start)', config.now());
  await store.addToken(record, { at: config.now().toISOString(), actor: 'server', action: 'issue-token', detail: { id: record.id, role: 'admin' } });
  const file = path.join(config.dataDir, 'admin-token');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  console.log(`Admin token (shown once, also in ${file}, mode 0600):\n${secret}`);
}

/** office-addin-dev-certs: a locally trusted certificate for sideloading into Excel. */
async function devCertificates(): Promise<https.ServerOptions> {
  const devCerts = (await import('office-addin-dev-certs')) as unknown as { getHttpsServerOptions: () => Promise<https.ServerOptions> };
  return devCerts.getHttpsServerOptions();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  releaseLock();
  process.exit(1);
});
