import { Worker } from 'node:worker_threads';

/**
 * The PUT load of bench/stores.bench.ts, in a worker thread: each client loops PUT on its own
 * report on its own server (`base`), If-Match from the last ETag (If-None-Match: * for the
 * first). Closed loop (no think time), or paced (`intervalMs`): one PUT per client per
 * interval, latency counted from the scheduled send time, so a server falling behind is not
 * hidden by clients waiting for it. A warm-up (every client's first PUT, then `warmupMs` of
 * load) runs unmeasured; `onStart` is called when measuring begins, `onStop` when it ends.
 */
export interface PutClient {
  base: string;
  token: string;
  path: string;
  body: string;
  etag?: string;
}

export interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  network: number;
  elapsed: number;
}

const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { clients, warmupMs, seconds, intervalMs } = workerData;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function put(c, i) {
  const body = JSON.parse(c.body);
  const first = body.entries.find((e) => typeof e.value === 'number' || typeof e.value === 'string');
  if (first) first.value = String(10 + (i % 50)) + ',5';
  const headers = { authorization: 'Bearer ' + c.token, 'content-type': 'application/json' };
  if (c.etag) headers['if-match'] = c.etag; else headers['if-none-match'] = '*';
  const res = await fetch(c.base + c.path, { method: 'PUT', headers, body: JSON.stringify(body) });
  const etag = res.headers.get('etag');
  await res.arrayBuffer();
  if (etag) c.etag = etag;
  return res.status;
}
async function main() {
  await Promise.all(clients.map((c) => (c.etag ? Promise.resolve() : put(c, 0))));
  let until = performance.now() + warmupMs;
  await Promise.all(clients.map(async (c) => { let i = 1; while (performance.now() < until) await put(c, i++); }));
  parentPort.postMessage({ phase: 'start' });
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let network = 0;
  const start = performance.now();
  until = start + seconds * 1000;
  await Promise.all(clients.map(async (c, k) => {
    let i = 100;
    let next = start + (intervalMs ? (intervalMs * k) / clients.length : 0);
    while (true) {
      const t = intervalMs ? next : performance.now();
      if (t >= until) break;
      if (intervalMs) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
      try {
        const status = await put(c, i++);
        latencies.push(performance.now() - t);
        statuses[status] = (statuses[status] || 0) + 1;
        if (status < 200 || status >= 300) errors++;
      } catch (e) {
        network++;
        errors++;
      }
      if (intervalMs) next += intervalMs;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  parentPort.postMessage({ phase: 'done', latencies, statuses, errors, network, elapsed, etags: clients.map((c) => c.etag) });
}
main().catch((e) => parentPort.postMessage({ phase: 'error', message: String((e && e.stack) || e) }));
`;

export function runPutClients(
  clients: PutClient[],
  options: { intervalMs: number | null; warmupMs: number; seconds: number },
  onStart: () => void,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_CODE, { eval: true, workerData: { clients, ...options } });
    worker.on('message', (m: { phase: string; message?: string; etags?: Array<string | undefined> } & Partial<LoadResult>) => {
      if (m.phase === 'start') onStart();
      else if (m.phase === 'done') {
        // The next run on the same servers goes on from the last ETags.
        m.etags?.forEach((etag, i) => {
          const c = clients[i];
          if (c && etag) c.etag = etag;
        });
        resolve(m as LoadResult);
        void worker.terminate();
      } else if (m.phase === 'error') reject(new Error(m.message));
    });
    worker.on('error', reject);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** What every benchmark reports of a load: acknowledged PUTs, throughput and latency percentiles. */
export function latencySummary(result: LoadResult): { puts: number; throughput: number; p50: number; p99: number; max: number; errors: number; statuses: Record<string, number> } {
  const latencies = Array.from(Float64Array.from(result.latencies).sort());
  const ok = latencies.length - (result.errors - result.network);
  return {
    puts: ok,
    throughput: ok / result.elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    errors: result.errors,
    statuses: result.statuses,
  };
}
