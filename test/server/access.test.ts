import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { Test } from 'supertest';
import { compilePlan } from '../../shared/compile';
import { createRegister } from '../../shared/agencies/register';
import { agencyTemplate } from '../../shared/layout/template';
import { renderWorkbook } from '../../server/xlsx/render';
import { ROUTES } from '../../server/routes';
import { SYT_2023_ENTRIES, bearer, examplePlanJudgedByHand, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Every route × {anonymous, agency A (Sở Y tế), agency B (BHXH), consolidator, admin} with
 * the expected status. Each cell runs on a fresh server with the state it needs, so one
 * call never changes what another expects.
 */
type Who = 'anonymous' | 'agencyA' | 'agencyB' | 'consolidator' | 'admin';
const WHO: Who[] = ['anonymous', 'agencyA', 'agencyB', 'consolidator', 'admin'];
const R = '/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt';
const examplePlan = () => JSON.parse(readFileSync('test/fixtures/example-plan.json', 'utf8'));
const communes = () => readFileSync('test/fixtures/communes-hanoi.csv', 'utf8');

const plan207 = compilePlan(JSON.parse(readFileSync('shared/plans/hn-kh207-2021.json', 'utf8')));
const register = createRegister(JSON.parse(readFileSync('shared/agencies/hanoi.json', 'utf8')));
let templateBuffer: Buffer;
const DRAFT_META = { id: 'hn-draft-2026', number: '1/KH-VD', title: 'Kế hoạch thử', city: 'hanoi', startYear: 2026, endYear: 2026 };

interface Cell {
  route: string;
  /** Prepare the state the call needs; returns values the call uses. */
  setup?: (s: TestServer) => Promise<Record<string, string>>;
  call: (s: TestServer, ctx: Record<string, string>) => Test;
  expect: Record<Who, number>;
}

async function createReport(s: TestServer): Promise<void> {
  await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: SYT_2023_ENTRIES }).expect(201);
}
async function submitReport(s: TestServer): Promise<void> {
  await createReport(s);
  await request(s.app).post(`${R}/submit`).set(bearer(s.tokens.agencyA)).expect(200);
}

async function addJudgedPlan(s: TestServer): Promise<void> {
  await request(s.app).post('/api/plans').set(bearer(s.tokens.admin)).send(examplePlanJudgedByHand()).expect(201);
}

const PUBLIC = { anonymous: 200, agencyA: 200, agencyB: 200, consolidator: 200, admin: 200 };
const SIGNED_IN = { anonymous: 401, agencyA: 200, agencyB: 200, consolidator: 200, admin: 200 };
const ADMIN_ONLY = (ok: number) => ({ anonymous: 401, agencyA: 403, agencyB: 403, consolidator: 403, admin: ok });
const OWNER_READ = { anonymous: 401, agencyA: 200, agencyB: 403, consolidator: 200, admin: 200 };
const CONSOLIDATOR = { anonymous: 401, agencyA: 403, agencyB: 403, consolidator: 200, admin: 200 };

const CELLS: Cell[] = [
  { route: 'get /api/health', call: (s) => request(s.app).get('/api/health'), expect: PUBLIC },
  { route: 'get /api/openapi.json', call: (s) => request(s.app).get('/api/openapi.json'), expect: PUBLIC },
  { route: 'get /api/schema/plan', call: (s) => request(s.app).get('/api/schema/plan'), expect: PUBLIC },
  { route: 'get /api/me', call: (s) => request(s.app).get('/api/me'), expect: SIGNED_IN },
  { route: 'get /api/plans', call: (s) => request(s.app).get('/api/plans'), expect: SIGNED_IN },
  { route: 'get /api/plans/{planId}', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021'), expect: SIGNED_IN },
  { route: 'post /api/plans', call: (s) => request(s.app).post('/api/plans').send(examplePlan()), expect: ADMIN_ONLY(201) },
  { route: 'post /api/plans/draft', call: (s) => request(s.app).post('/api/plans/draft').send({ grid: [['TT', 'Chỉ tiêu', 'Năm 2026'], ['1', 'Tỷ lệ A', '90%']], meta: DRAFT_META }), expect: CONSOLIDATOR },
  {
    route: 'post /api/plans/draft.xlsx',
    call: (s) => request(s.app).post('/api/plans/draft.xlsx').query(DRAFT_META).set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(templateBuffer),
    expect: CONSOLIDATOR,
  },
  { route: 'get /api/agencies', call: (s) => request(s.app).get('/api/agencies'), expect: SIGNED_IN },
  { route: 'post /api/plans/check', call: (s) => request(s.app).post('/api/plans/check').send(examplePlan()), expect: ADMIN_ONLY(200) },
  { route: 'post /api/plans/{planId}/retire', call: (s) => request(s.app).post('/api/plans/hn-kh207-2021/retire').send({ reason: 'Hết giai đoạn' }), expect: ADMIN_ONLY(201) },
  {
    route: 'post /api/plans/{planId}/restore',
    setup: async (s) => (await request(s.app).post('/api/plans/hn-kh207-2021/retire').set(bearer(s.tokens.admin)).send({ reason: 'Thử' }).expect(201), {}),
    call: (s) => request(s.app).post('/api/plans/hn-kh207-2021/restore').send({ reason: 'Nhầm' }),
    expect: ADMIN_ONLY(201),
  },
  {
    route: 'post /api/agencies',
    call: (s) => request(s.app).post('/api/agencies').send({ id: 'hn-so-thu-nghiem', name: 'Sở Thử Nghiệm', kind: 'department', city: 'hanoi' }),
    expect: ADMIN_ONLY(201),
  },
  { route: 'post /api/agencies/communes', call: (s) => request(s.app).post('/api/agencies/communes').set('Content-Type', 'text/csv').send(communes()), expect: ADMIN_ONLY(201) },
  {
    route: 'post /api/plans/{planId}/indicators/{code}/lead',
    call: (s) => request(s.app).post('/api/plans/hn-kh207-2021/indicators/23/lead').send({ agencyId: 'hn-sxd', from: '2025-03-01' }),
    expect: ADMIN_ONLY(201),
  },
  { route: 'get /api/tokens', call: (s) => request(s.app).get('/api/tokens'), expect: ADMIN_ONLY(200) },
  { route: 'post /api/tokens', call: (s) => request(s.app).post('/api/tokens').send({ role: 'consolidator', label: 'x' }), expect: ADMIN_ONLY(201) },
  {
    route: 'delete /api/tokens/{id}',
    setup: async (s) => ({ id: (await s.store.listTokens()).find((t) => t.label === 'BHXH')!.id }),
    call: (s, ctx) => request(s.app).delete(`/api/tokens/${ctx.id}`),
    expect: ADMIN_ONLY(204),
  },
  // Sở Y tế and BHXH both report on plan 207 in 2023; an agency that does not gets 403 (test/server/one-verdict.test.ts).
  { route: 'get /api/plans/{planId}/periods/{period}/previous', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/previous'), expect: SIGNED_IN },
  { route: 'post /api/validate', call: (s) => request(s.app).post('/api/validate').send({ planId: 'hn-kh207-2021', period: '2023', entries: [] }), expect: SIGNED_IN },
  { route: `get /api/plans/{planId}/periods/{period}/reports/{agencyId}`, setup: async (s) => (await createReport(s), {}), call: (s) => request(s.app).get(R), expect: OWNER_READ },
  { route: 'get /api/plans/{planId}/periods/{period}/reports/{agencyId}/history', setup: async (s) => (await createReport(s), {}), call: (s) => request(s.app).get(`${R}/history`), expect: OWNER_READ },
  {
    route: 'put /api/plans/{planId}/periods/{period}/reports/{agencyId}',
    setup: async (s) => (await createReport(s), {}),
    call: (s) => request(s.app).put(R).set('If-Match', '"r1"').send({ entries: SYT_2023_ENTRIES }),
    expect: { anonymous: 401, agencyA: 200, agencyB: 403, consolidator: 403, admin: 200 },
  },
  {
    route: 'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/xlsx',
    call: (s) => request(s.app).post(`${R}/xlsx`).set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(templateBuffer),
    expect: { anonymous: 401, agencyA: 201, agencyB: 403, consolidator: 403, admin: 201 },
  },
  {
    route: 'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/submit',
    setup: async (s) => (await createReport(s), {}),
    call: (s) => request(s.app).post(`${R}/submit`),
    expect: { anonymous: 401, agencyA: 200, agencyB: 403, consolidator: 403, admin: 200 },
  },
  { route: 'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/approve', setup: async (s) => (await submitReport(s), {}), call: (s) => request(s.app).post(`${R}/approve`), expect: CONSOLIDATOR },
  {
    route: 'post /api/plans/{planId}/periods/{period}/reports/{agencyId}/return',
    setup: async (s) => (await submitReport(s), {}),
    call: (s) => request(s.app).post(`${R}/return`).send({ comment: 'Bổ sung số liệu' }),
    expect: CONSOLIDATOR,
  },
  { route: 'get /api/plans/{planId}/templates/{agencyId}.xlsx', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021/templates/hn-syt.xlsx?period=2023'), expect: OWNER_READ },
  {
    route: 'put /api/plans/{planId}/periods/{period}/judgements/{code}',
    setup: async (s) => (await addJudgedPlan(s), {}),
    call: (s) => request(s.app).put('/api/plans/hn-example-2026/periods/2027/judgements/1').send({ verdict: 'met', reason: 'Đã thực hiện theo lộ trình' }),
    expect: { anonymous: 401, agencyA: 403, agencyB: 403, consolidator: 201, admin: 201 },
  },
  {
    route: 'get /api/plans/{planId}/periods/{period}/judgements',
    setup: async (s) => (await addJudgedPlan(s), {}),
    call: (s) => request(s.app).get('/api/plans/hn-example-2026/periods/2027/judgements'),
    expect: CONSOLIDATOR,
  },
  { route: 'get /api/plans/{planId}/periods/{period}/consolidated', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated'), expect: CONSOLIDATOR },
  { route: 'get /api/plans/{planId}/periods/{period}/consolidated.xlsx', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated.xlsx'), expect: CONSOLIDATOR },
  { route: 'get /api/plans/{planId}/periods/{period}/report.docx', call: (s) => request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/report.docx'), expect: CONSOLIDATOR },
];

describe('access: every route × every role', function () {
  this.timeout(120_000);
  before(async () => {
    templateBuffer = await renderWorkbook(agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023' }));
  });

  it('the table covers every documented route', () => {
    const documented = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(CELLS.map((c) => c.route).sort(), documented);
  });

  for (const cell of CELLS) {
    it(`${cell.route}: ${WHO.map((w) => `${w} ${cell.expect[w]}`).join(', ')}`, async () => {
      const got: Record<string, number> = {};
      for (const who of WHO) {
        const s = await startTestServer();
        try {
          const ctx = cell.setup ? await cell.setup(s) : {};
          const req = cell.call(s, ctx);
          if (who !== 'anonymous') req.set(bearer(s.tokens[who]));
          const res = await req;
          got[who] = res.status;
          if (res.status >= 400) assert.ok(res.body?.error?.message?.vi, `${cell.route} as ${who}: error body in vi/en`);
        } finally {
          await s.close();
        }
      }
      assert.deepEqual(got, cell.expect);
    });
  }
});
