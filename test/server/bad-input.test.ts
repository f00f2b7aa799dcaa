import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { SYT_2023_ENTRIES, bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Generated malformed bodies, headers and uploads: every answer is a 2xx or a 4xx with the
 * error body — never a 5xx — and the server stays up.
 */
const R = '/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt';

const junkJson = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({ entries: fc.array(fc.record({ code: fc.oneof(fc.string(), fc.integer()), value: fc.oneof(fc.string(), fc.double(), fc.constant(null), fc.object()) }, { requiredKeys: [] }), { maxLength: 5 }) }, { requiredKeys: [] }),
  fc.record({ entries: fc.constant(SYT_2023_ENTRIES), documents: fc.anything({ maxDepth: 2 }), projects: fc.anything({ maxDepth: 2 }), extra: fc.string() }, { requiredKeys: ['entries'] }),
  fc.record({ planId: fc.oneof(fc.constant('hn-kh207-2021'), fc.string()), period: fc.oneof(fc.constantFrom('2023', '2023-6M', '2019', '2023-7M'), fc.string()), entries: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }),
);
const headerText = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const rawText = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('{', '[', '{"entries":', 'null', '"x"', '1e999', '{"entries":[{"code":"11","value":"=HYPERLINK(\\"x\\")"}]}'));

type Attempt =
  | { kind: 'json'; method: 'put' | 'post'; path: string; body: unknown; headers: Record<string, string>; who: keyof TestServer['tokens'] | 'none' }
  | { kind: 'raw'; method: 'put' | 'post'; path: string; body: string; contentType: string; headers: Record<string, string>; who: keyof TestServer['tokens'] | 'none' }
  | { kind: 'upload'; bytes: Uint8Array; contentType: string; who: keyof TestServer['tokens'] | 'none' };

const who = fc.constantFrom('agencyA', 'agencyB', 'consolidator', 'admin', 'none') as fc.Arbitrary<keyof TestServer['tokens'] | 'none'>;
const path = fc.constantFrom(R, `${R}/submit`, `${R}/approve`, `${R}/return`, '/api/validate', '/api/plans', '/api/tokens', '/api/agencies', '/api/agencies/communes', '/api/plans/hn-kh207-2021/indicators/23/lead', '/api/plans/x/periods/y/reports/z', `${R}/../../../../etc/passwd`, '/api/plans/hn-kh207-2021/periods/2023-99M/reports/hn-syt');
const headers = fc.record(
  {
    'If-Match': fc.oneof(headerText, fc.constantFrom('"r1"', '"r0"', '*', 'W/"r1"', '"r99999999999"', '"r-1"')),
    'If-None-Match': fc.oneof(headerText, fc.constant('*')),
    'Idempotency-Key': headerText,
    Authorization: fc.oneof(headerText, fc.constant('Bearer '), fc.constant('Basic abc')),
  },
  { requiredKeys: [] },
);

const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), method: fc.constantFrom('put' as const, 'post' as const), path, body: junkJson, headers, who }),
  fc.record({
    kind: fc.constant('raw' as const),
    method: fc.constantFrom('put' as const, 'post' as const),
    path,
    body: rawText,
    contentType: fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data'),
    headers,
    who,
  }),
  fc.record({
    kind: fc.constant('upload' as const),
    bytes: fc.oneof(fc.uint8Array({ maxLength: 2_000 }), fc.constant(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))),
    contentType: fc.constantFrom('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'),
    who,
  }),
);

describe('bad input never breaks the server', function () {
  this.timeout(300_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES }).expect(201);
  });
  after(async () => s.close());

  it('1,200 generated malformed bodies, headers and uploads get 2xx or 4xx with an error body, never 5xx', async () => {
    let count = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(attempt, async (a) => {
        count++;
        let req;
        if (a.kind === 'upload') {
          req = request(s.app).post(`${R}/xlsx`).set('Content-Type', a.contentType).send(Buffer.from(a.bytes));
        } else {
          req = a.method === 'put' ? request(s.app).put(a.path) : request(s.app).post(a.path);
          for (const [k, v] of Object.entries(a.headers)) req.set(k, v);
          req =
            a.kind === 'json'
              ? req.set('Content-Type', 'application/json').send(JSON.stringify(a.body) ?? 'null')
              : req.set('Content-Type', a.contentType).send(a.body);
        }
        if (a.who !== 'none') req.set(bearer(s.tokens[a.who]));
        const res = await req;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(a).slice(0, 300)}: ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status >= 400) {
          assert.equal(typeof res.body?.error?.code, 'string', `error body for ${res.status}`);
          assert.ok(res.body.error.message.vi && res.body.error.message.en);
        }
      }),
      { numRuns: 1_200 },
    );
    assert.ok(count >= 1_000);
    await request(s.app).get('/api/health').expect(200);
    const report = await request(s.app).get(R).set(bearer(s.tokens.agencyA)).expect(200);
    assert.ok(report.body.revision >= 1);
    console.log(`      statuses: ${[...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}×${v}`).join(', ')}`);
  });
});
