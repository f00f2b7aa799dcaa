import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import { compilePlan } from '../../shared/compile';
import { createRegister } from '../../shared/agencies/register';
import { agencyTemplate } from '../../shared/layout/template';
import { renderWorkbook } from '../../server/xlsx/render';
import { API_ANSWERS } from '../../shared/catalogue/api-errors';
import type { ApiErrorCode } from '../../shared/catalogue/api-errors';
import { accessText, queryNames } from '../../server/http/route';
import type { Route } from '../../server/http/route';
import { ROUTES } from '../../server/routes';
import { SYT_2023_ENTRIES, bearer, examplePlanJudgedByHand, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Who you are, first. Every route (server/routes' table, so a new route
 * cannot be forgotten) × {anonymous, bad token, agency A (owner), agency B (other),
 * consolidator, admin} × {valid body, body that breaks the schema, JSON that does not
 * parse}: anonymous callers and bad tokens get the same 401 whatever the route and body,
 * a role the route does not allow (or another agency's report) gets a bare 403, nothing
 * is ever 500, and only callers the route allows learn what is wrong with their body.
 */
type Who = 'anonymous' | 'badToken' | 'agencyA' | 'agencyB' | 'consolidator' | 'admin';
const WHO: Who[] = ['anonymous', 'badToken', 'agencyA', 'agencyB', 'consolidator', 'admin'];
type BodyKind = 'valid' | 'schema' | 'malformed';
const BODY_KINDS: BodyKind[] = ['valid', 'schema', 'malformed'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const JUDGEMENTS = '/api/plans/{planId}/periods/{period}/judgements';

interface Sample {
  type: string;
  valid: string | Buffer | object;
  schema: string | Buffer | object;
  /** A check: a body that breaks the plan schema is its subject, answered 200 with its problems ({ ok: false }). */
  answersProblems?: true;
}
let templateBuffer: Buffer;

/** A valid and a schema-breaking body for every route the table says takes one. */
function samples(): Record<string, Sample> {
  const examplePlan = JSON.parse(readFileSync('test/fixtures/example-plan.json', 'utf8'));
  return {
    'post /api/plans': { type: 'application/json', valid: examplePlan, schema: { id: 1, indicators: 'x' } },
    'post /api/plans/check': { type: 'application/json', valid: examplePlan, schema: { id: 1, indicators: 'x' }, answersProblems: true },
    'post /api/plans/{planId}/retire': { type: 'application/json', valid: { reason: 'Hết giai đoạn' }, schema: { reason: 5 } },
    'post /api/plans/{planId}/restore': { type: 'application/json', valid: { reason: 'Nhầm' }, schema: { revision: 'x' } },
    'post /api/plans/draft': { type: 'application/json', valid: { grid: [['TT', 'Chỉ tiêu', 'Năm 2026'], ['1', 'Tỷ lệ A', '90%']], meta: { id: 'hn-draft-2026', number: '1/KH', title: 'x', city: 'hanoi', startYear: 2026, endYear: 2026 } }, schema: { grid: 'x' } },
    'post /api/plans/draft.xlsx': { type: XLSX, valid: templateBuffer, schema: randomBytes(300) },
    'post /api/agencies': { type: 'application/json', valid: { id: 'hn-so-thu-nghiem', name: 'Sở Thử Nghiệm', kind: 'department', city: 'hanoi' }, schema: { id: 'A B', kind: 'x' } },
    'post /api/agencies/communes': { type: 'text/csv', valid: readFileSync('test/fixtures/communes-hanoi.csv', 'utf8'), schema: 'no,such\ncolumns,here\n' },
    'post /api/plans/{planId}/indicators/{code}/lead': { type: 'application/json', valid: { agencyId: 'hn-sxd', from: '2025-03-01' }, schema: { agencyId: 7, from: 'soon' } },
    'post /api/tokens': { type: 'application/json', valid: { role: 'consolidator', label: 'x' }, schema: { role: 'root' } },
    'post /api/validate': { type: 'application/json', valid: { planId: 'hn-kh207-2021', period: '2023', entries: [] }, schema: { planId: 'hn-kh207-2021', entries: 'x' } },
    'put /api/plans/{planId}/periods/{period}/reports/{agencyId}': { type: 'application/json', valid: { entries: SYT_2023_ENTRIES }, schema: {} },
    'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/xlsx': { type: XLSX, valid: templateBuffer, schema: randomBytes(300) },
    'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/return': { type: 'application/json', valid: { comment: 'Bổ sung số liệu' }, schema: { comment: 5 } },
    [`put ${JUDGEMENTS}/{code}`]: { type: 'application/json', valid: { verdict: 'met', reason: 'Đã thực hiện theo lộ trình' }, schema: { verdict: 'maybe' } },
  };
}

/** The route's path with real ids: plan 207, 2023, Sở Y tế (agency A); the judged example plan for judgements. */
function urlOf(route: Route, ids: { planId?: string; agencyId?: string } = {}): string {
  const judged = route.path.startsWith(JUDGEMENTS);
  const values: Record<string, string> = {
    planId: ids.planId ?? (judged ? 'hn-example-2026' : 'hn-kh207-2021'),
    period: judged ? '2027' : '2023',
    agencyId: ids.agencyId ?? 'hn-syt',
    code: judged ? '1' : '23',
    id: 'tok_000000000000',
  };
  const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]!);
  return queryNames(route).includes('period') ? `${url}?period=2023` : url;
}

/** Which callers the route's documented roles allow, and whether an agency is held to its own reports. */
function allowed(route: Route): { public: boolean; roles: Set<Who>; ownerOnly: boolean } {
  const said = accessText(route);
  if (said === 'anyone') return { public: true, roles: new Set(WHO), ownerOnly: false };
  if (said === 'signed in') return { public: false, roles: new Set<Who>(['agencyA', 'agencyB', 'consolidator', 'admin']), ownerOnly: false };
  const roles = new Set<Who>();
  if (/\bagency\b/.test(said)) roles.add('agencyA').add('agencyB');
  if (/\bconsolidator\b/.test(said)) roles.add('consolidator');
  if (/\badmin\b/.test(said)) roles.add('admin');
  const ownerOnly = route.path.includes('{agencyId}');
  if (ownerOnly) roles.delete('agencyB');
  return { public: false, roles, ownerOnly };
}

function call(s: TestServer, route: Route, url: string, who: Who, kind: BodyKind, sample: Sample | undefined): Test {
  let req = request(s.app)[route.method](url);
  if (who === 'badToken') req = req.set(bearer(`asr_${randomBytes(32).toString('base64url')}`));
  else if (who !== 'anonymous') req = req.set(bearer(s.tokens[who]));
  if (route.method === 'put' && route.path.endsWith('{agencyId}')) req = req.set('If-Match', '*');
  if (kind === 'malformed') return req.set('Content-Type', 'application/json').send('{"entries": [');
  if (!sample) return req;
  const body = kind === 'valid' ? sample.valid : sample.schema;
  return req.set('Content-Type', sample.type).send(typeof body === 'object' && !Buffer.isBuffer(body) ? JSON.stringify(body) : body);
}

describe('who you are, first: every route × role × body', function () {
  this.timeout(300_000);
  let s: TestServer;
  let addinDir: string;
  let bodies: Record<string, Sample>;
  const first401: Partial<Record<'anonymous' | 'badToken', unknown>> = {};

  before(async () => {
    const plan207 = compilePlan(JSON.parse(readFileSync('shared/plans/hn-kh207-2021.json', 'utf8')));
    const register = createRegister(JSON.parse(readFileSync('shared/agencies/hanoi.json', 'utf8')));
    templateBuffer = await renderWorkbook(agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }));
    bodies = samples();
    addinDir = mkdtempSync(path.join(tmpdir(), 'asr-addin-'));
    writeFileSync(path.join(addinDir, 'taskpane.html'), '<!doctype html><title>pane</title>');
    s = await startTestServer({}, { addinDir });
    await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(examplePlanJudgedByHand()).expect(201);
  });
  after(async () => {
    await s.close();
    rmSync(addinDir, { recursive: true, force: true });
  });

  /** Anonymous and bad-token answers: 401, one body per kind, whatever the route or body. */
  const assert401 = (res: Response, who: 'anonymous' | 'badToken', what: string) => {
    assert.equal(res.status, 401, what);
    assert.equal(res.body.error.code, who === 'anonymous' ? 'unauthenticated' : 'invalid-token', what);
    assert.equal(res.body.error.details, undefined, `${what}: nothing but 401`);
    assert.ok(res.headers['www-authenticate'], what);
    first401[who] ??= res.body;
    assert.deepEqual(res.body, first401[who], `${what}: the same body on every route`);
  };

  it('every route that takes a body has a valid and an invalid sample here', () => {
    const withBody = ROUTES.filter((r) => r.body !== undefined).map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(Object.keys(bodies).sort(), withBody);
  });

  for (const route of ROUTES) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    it(`${name} (${accessText(route)})`, async () => {
      const rule = allowed(route);
      const sample = bodies[`${route.method} ${route.path}`];
      for (const who of WHO) {
        for (const kind of BODY_KINDS) {
          const what = `${name} as ${who} with a ${kind} body`;
          const res = await call(s, route, urlOf(route), who, kind, sample);
          assert.ok(res.status < 500, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          if (res.status >= 400) assert.ok(res.body?.error?.message?.vi && res.body.error.message.en, `${what}: error body in vi and en`);
          if (rule.public) {
            assert.ok(res.status < 300, `${what}: a public route ignores the Authorization header (${res.status})`);
          } else if (who === 'anonymous' || who === 'badToken') {
            assert401(res, who, what);
          } else if (!rule.roles.has(who)) {
            assert.equal(res.status, 403, `${what}: ${JSON.stringify(res.body).slice(0, 200)}`);
            assert.deepEqual([API_ANSWERS[res.body.error.code as ApiErrorCode]?.status, res.body.error.details], [403, undefined], `${what}: a 403 code of the catalogue`);
          } else {
            assert.notEqual(res.status, 401, what);
            assert.notEqual(res.status, 403, `${what}: ${JSON.stringify(res.body).slice(0, 200)}`);
            if (kind === 'malformed' && sample?.type === 'application/json') assert.equal(res.status, 400, `${what}: an allowed caller learns the JSON does not parse`);
            const answered = kind === 'schema' && sample?.answersProblems === true && res.status === 200 && res.body.ok === false;
            if (kind !== 'valid' && sample) assert.ok(res.status >= 400 || answered, `${what}: refused (${res.status})`);
          }
        }
      }
      if (rule.ownerOnly) {
        // Another agency gets 403 whether or not the plan or agency exists; anonymous callers 401.
        for (const ids of [{ planId: 'no-such-plan' }, { agencyId: 'no-such-agency' }, { planId: 'no-such-plan', agencyId: 'no-such-agency' }]) {
          for (const kind of BODY_KINDS) {
            const url = urlOf(route, ids);
            const other = await call(s, route, url, ids.agencyId ? 'agencyA' : 'agencyB', kind, sample);
            assert.equal(other.status, 403, `${name} ${url} as another agency, ${kind} body: ${JSON.stringify(other.body).slice(0, 200)}`);
            assert401(await call(s, route, url, 'anonymous', kind, sample), 'anonymous', `${name} ${url} anonymous`);
          }
        }
      }
    });
  }

  it('anonymous callers learn nothing but 401: unknown plans, unknown routes, PUT {} and JSON that does not parse', async () => {
    assert401(await request(s.app).get('/api/plans/no-such-plan'), 'anonymous', 'GET an unknown plan');
    assert401(await request(s.app).get('/api/no-such-route'), 'anonymous', 'GET an unknown route');
    assert401(await request(s.app).put('/api/plans/hn-kh207-2021/periods/2023/reports/x').send({}), 'anonymous', 'PUT {} to …/reports/x');
    assert401(await request(s.app).put('/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt').set('Content-Type', 'application/json').send('{"entries": ['), 'anonymous', 'PUT malformed JSON');
    assert401(await request(s.app).post('/api/validate').set('Content-Type', 'application/json').send('x'.repeat(2_000_000)), 'anonymous', 'POST a body over the limit');
  });

  it('public routes and the add-in files ignore a bad Authorization header', async () => {
    for (const header of ['Bearer asr_not-a-real-token-0000000000', 'Basic YWRtaW46YWRtaW4=', 'Bearer ', 'x'.repeat(300)]) {
      for (const url of ['/api/health', '/api/openapi.json', '/api/schema/plan', '/addin/taskpane.html']) {
        const res = await request(s.app).get(url).set('Authorization', header);
        assert.equal(res.status, 200, `${url} with Authorization: ${header.slice(0, 40)}`);
      }
    }
  });
});
