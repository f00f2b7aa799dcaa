import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type express from 'express';
import type request from 'supertest';
import { createApp } from '../../server/app';
import { newToken } from '../../server/auth';
import { CatalogService } from '../../server/catalog-service';
import type { ServerConfig } from '../../server/config';
import { OFFICE_FRAME_ANCESTORS } from '../../server/config';
import { openLowdbStore } from '../../server/storage/lowdb-store';
import type { Store } from '../../server/storage/types';

/**
 * The real app on a real lowdb file in a temp folder, with one token per role:
 * agencyA = Sở Y tế, agencyB = Bảo hiểm xã hội, a consolidator and an admin.
 */
export interface TestServer {
  app: express.Express;
  store: Store;
  catalog: CatalogService;
  dataDir: string;
  tokens: { agencyA: string; agencyB: string; district: string; consolidator: string; admin: string };
  clock: { now: Date };
  close(): Promise<void>;
}

/**
 * The server settings of the tests: a local origin, limits no test trips by accident, office.js
 * served from the package. The caller says where the data goes and what the clock reads.
 */
export function testConfig(settings: Partial<ServerConfig> & Pick<ServerConfig, 'dataDir' | 'now'>): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    corsOrigins: ['https://localhost:3000'],
    frameAncestors: OFFICE_FRAME_ANCESTORS,
    jsonLimit: '1mb',
    uploadLimitBytes: 5 * 1024 * 1024,
    rateLimitPerMinute: 100_000,
    failedSignInLimit: 1_000_000,
    trustProxy: false,
    serveLocalOfficeJs: true,
    ...settings,
  };
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: { addinDir?: string; /** Where the temp data dir goes (default the OS temp dir). */ dataRoot?: string } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(options.dataRoot ?? tmpdir(), 'asr-server-'));
  // One clock for the store and the app, as in production.
  const clock = { now: new Date('2023-06-10T08:00:00Z') };
  const store = await openLowdbStore({ dataDir, now: () => clock.now });
  const catalog = await CatalogService.open(store);
  const config = testConfig({ dataDir, now: () => clock.now, ...overrides });
  const issue = async (role: 'agency' | 'consolidator' | 'admin', agencyId: string | null, label: string) => {
    const { secret, record } = newToken(role, agencyId, label, clock.now);
    await store.addToken(record, { at: clock.now.toISOString(), actor: 'test', action: 'issue-token' });
    return secret;
  };
  const tokens = {
    agencyA: await issue('agency', 'hn-syt', 'Sở Y tế'),
    agencyB: await issue('agency', 'hn-bhxh', 'BHXH'),
    district: await issue('agency', 'hn-q-ba-dinh', 'Ba Đình'),
    consolidator: await issue('consolidator', null, 'Cơ quan thường trực'),
    admin: await issue('admin', null, 'Quản trị'),
  };
  const app = createApp({ store, catalog, config, log: () => undefined, ...(options.addinDir ? { addinDir: options.addinDir } : {}) });
  return {
    app,
    store,
    catalog,
    dataDir,
    tokens,
    clock,
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A full, valid report of Sở Y tế for plan 207 in 2023 (all its rows met). */
export const SYT_2023_ENTRIES = [
  { code: '11', value: '28,7' },
  { code: '12', value: '14,3' },
  { code: '13', value: '100' },
  { code: '14', value: '95' },
  { code: '15', value: '76,1' },
  { code: '16', value: '2,1' },
  { code: '17', value: '5,2' },
  { code: '18', value: '83' },
  { code: '19', value: '88' },
];

/** supertest parser that keeps a binary body (an .xlsx download) as a Buffer. */
export function binaryParser(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/**
 * test/fixtures/example-plan.json with indicator 1's 2027 target replaced by a phrase the
 * engine cannot read, marked as judged by hand: the consolidator judges it per period.
 */
export function examplePlanJudgedByHand(): Record<string, unknown> {
  const plan = JSON.parse(readFileSync(new URL('../fixtures/example-plan.json', import.meta.url), 'utf8'));
  plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương', judgedByHand: true };
  return plan;
}
