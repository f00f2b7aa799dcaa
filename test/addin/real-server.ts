import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchLike, RequestInitLike, ResponseLike } from '../../addin/src/api';
import { createApp } from '../../server/app';
import { newToken } from '../../server/auth';
import { CatalogService } from '../../server/catalog-service';
import { openMemoryStore } from '../../server/storage/lowdb-store';
import type { ReportKey, ReportRevision, Store } from '../../server/storage/types';
import { testConfig } from '../server/harness';

/**
 * The real server (createApp, the shipped catalog, the memory store, real tokens) listening
 * on an ephemeral port of 127.0.0.1, for the task pane's controller tests. The pane reaches
 * it with Node's own fetch, so requests cross real HTTP: headers, CORS, body parsing and
 * error bodies are the server's. Failures the server cannot be made to produce (no network,
 * an answer lost after the server stored the write, a gateway's 502) are injected by the
 * thin wrapper `fetch` below, in front of the real request; the server's answers are never
 * made up.
 */

export interface SeenRequest {
  method: string;
  /** The path without the query. */
  path: string;
  /** Header names in lower case, as the pane sent them. */
  headers: Record<string, string>;
  body: unknown;
}

export interface Network {
  /** Requests fail before they leave the machine (fetch rejects with a TypeError). */
  offline: boolean;
  /** The next N non-GET requests reach the server, which handles them, but their answers are lost. */
  loseAnswers: number;
  /** While set, a gateway answers every request with this status (an HTML page); none reaches the server. */
  gateway: number | null;
}

export interface Who {
  /** The secret the pane signs in with. */
  secret: string;
  /** The token id (what the server records as savedBy, and the queue as owner). */
  id: string;
}

export interface RealServer {
  base: string;
  store: Store;
  /** The clock of the server, its store and the panes: deadlines, savedAt, fetchedAt. */
  clock: { now: Date };
  tokens: { syt: Who; sytOther: Who; city: Who; admin: Who; /** Hải Phòng's Sở LĐTBXH (plan 113's tasks of section IV.1). */ hpLabour: Who };
  net: Network;
  /** Every request that reached the server through `fetch`, in order. */
  requests: SeenRequest[];
  /** The pane's fetch: the real one, behind the failure switches of `net`. */
  fetch: FetchLike;
  puts(): SeenRequest[];
  /** The stored revisions of a report, oldest first. */
  history(key: ReportKey): Promise<ReportRevision[]>;
  close(): Promise<void>;
}

const realFetch: FetchLike = (url, init) => globalThis.fetch(url, init);

function gatewayPage(status: number): ResponseLike {
  const text = `<html><body><h1>${status} Bad Gateway</h1></body></html>`;
  return { status, ok: false, headers: { get: (n) => (n.toLowerCase() === 'content-type' ? 'text/html' : null) }, text: async () => text };
}

export async function startRealServer(start = new Date('2023-11-01T08:00:00Z')): Promise<RealServer> {
  const clock = { now: start };
  const now = () => clock.now;
  const store = await openMemoryStore({ now });
  const catalog = await CatalogService.open(store);
  const config = testConfig({ dataDir: '/nonexistent', serveLocalOfficeJs: false, now });
  const issue = async (role: 'agency' | 'consolidator' | 'admin', agencyId: string | null, label: string): Promise<Who> => {
    const { secret, record } = newToken(role, agencyId, label, clock.now);
    await store.addToken(record, { at: clock.now.toISOString(), actor: 'test', action: 'issue-token' });
    return { secret, id: record.id };
  };
  const tokens = {
    syt: await issue('agency', 'hn-syt', 'Sở Y tế'),
    sytOther: await issue('agency', 'hn-syt', 'Sở Y tế (máy 2)'),
    city: await issue('consolidator', null, 'Sở Nội vụ'),
    admin: await issue('admin', null, 'Quản trị'),
    hpLabour: await issue('agency', 'hp-sldtbxh', 'Sở LĐTBXH Hải Phòng'),
  };
  const app = createApp({ store, catalog, config, log: () => undefined });
  const http: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const net: Network = { offline: false, loseAnswers: 0, gateway: null };
  const requests: SeenRequest[] = [];
  const fetch: FetchLike = async (url: string, init: RequestInitLike) => {
    if (net.offline) throw new TypeError('fetch failed');
    if (net.gateway !== null) return gatewayPage(net.gateway);
    const headers = Object.fromEntries(Object.entries(init.headers).map(([k, v]) => [k.toLowerCase(), v]));
    requests.push({ method: init.method, path: new URL(url).pathname, headers, body: init.body ? JSON.parse(init.body) : undefined });
    const response = await realFetch(url, init);
    if (init.method !== 'GET' && net.loseAnswers > 0) {
      net.loseAnswers--;
      await response.text();
      throw new TypeError('network connection was lost');
    }
    return response;
  };

  return {
    base,
    store,
    clock,
    tokens,
    net,
    requests,
    fetch,
    puts: () => requests.filter((r) => r.method === 'PUT'),
    history: (key) => store.history(key),
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
      await store.close();
    },
  };
}
