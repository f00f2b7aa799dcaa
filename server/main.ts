import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createApp } from './app';
import { newToken } from './auth';
import { CatalogService } from './catalog-service';
import { configFromEnv } from './config';
import type { ServerConfig } from './config';
import { takeLock } from './lock';
import { openLowdbStore } from './storage/lowdb-store';
import { StoreCorruptError } from './storage/types';
import type { Store } from './storage/types';

/**
 * `npm start`: one process serving the API under /api (and the add-in under /addin once
 * built) on PORT, with lowdb in DATA_DIR. On first start an admin token is generated,
 * stored only as a hash, printed once and written to DATA_DIR/admin-token (mode 0600).
 */
async function main(): Promise<void> {
  const config = configFromEnv();
  const release = takeLock(config.dataDir);
  let store: Store;
  try {
    store = await openLowdbStore({ dataDir: config.dataDir });
  } catch (error) {
    release();
    if (error instanceof StoreCorruptError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const catalog = await CatalogService.open(store);
  await ensureAdminToken(store, config);
  const app = createApp({ store, catalog, config });
  const server = process.env.HTTPS === '1' ? https.createServer(await devCertificates(), app) : http.createServer(app);
  server.listen(config.port, config.host, () => {
    const scheme = process.env.HTTPS === '1' ? 'https' : 'http';
    console.log(`An sinh sync server: ${scheme}://${config.host}:${config.port}/api (data in ${config.dataDir}; ${catalog.snapshot.plans.size} plans)`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing pending writes`);
    server.close();
    void store.close().finally(() => {
      release();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
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
  process.exit(1);
});
