import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Plan } from '../../shared/schema/plan';
import { schemaFiles } from '../../shared/schema/json-schema';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('plan format', () => {
  it('the JSON Schema files are generated from the zod schemas and up to date (npm run schema)', () => {
    for (const [path, schema] of Object.entries(schemaFiles())) {
      const onDisk = JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
      assert.deepEqual(onDisk, JSON.parse(JSON.stringify(schema)), `${path} is stale: run npm run schema`);
    }
  });

  it('the plan JSON Schema carries the fixed field names other tools read', () => {
    const schema = schemaFiles()['shared/schema/plan.schema.json'] as { properties: Record<string, unknown>; required: string[] };
    for (const field of ['id', 'title', 'number', 'issuedOn', 'city', 'program', 'startYear', 'endYear', 'revision', 'indicators', 'documents', 'projects', 'rules', 'reporting']) {
      assert.ok(field in schema.properties, field);
    }
    const text = JSON.stringify(schema);
    for (const field of ['valueType', 'polarity', 'baseline', 'targets', 'lead', 'coordinators', 'policyDocuments', 'aggregation', 'issuer', 'due', 'carriedOver', 'group', 'years', 'tolerance', 'severity']) {
      assert.ok(text.includes(`"${field}"`), field);
    }
  });

  it('both catalog plans validate against the zod schema', () => {
    for (const file of ['hn-kh207-2021', 'hn-kh181-2024']) {
      const result = Plan.safeParse(JSON.parse(readFileSync(`${root}shared/plans/${file}.json`, 'utf8')));
      assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3)));
    }
  });

  it('reports every problem of a bad plan with its path', () => {
    const result = Plan.safeParse({ id: 'Bad Id', title: '', indicators: [{ code: 'x' }], reporting: {} });
    assert.equal(result.success, false);
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    for (const p of ['id', 'title', 'number', 'indicators.0.code', 'indicators.0.name', 'reporting.standingAgency']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  });

  it('cross-checks years, parents and rule references', () => {
    const plan = JSON.parse(readFileSync(`${root}test/fixtures/example-plan.json`, 'utf8'));
    plan.indicators[0].targets['2031'] = { text: 'Dưới 2%' };
    plan.indicators[1].parent = '9';
    plan.rules = [{ id: 'r1', kind: 'indicatorSum', target: '1', terms: ['2', '7'], severity: 'error' }];
    const result = Plan.safeParse(plan);
    assert.equal(result.success, false);
    const messages = result.success ? [] : result.error.issues.map((i) => i.message);
    assert.ok(messages.some((m) => /2031 is outside the plan period/.test(m)));
    assert.ok(messages.some((m) => /unknown parent 9/.test(m)));
    assert.ok(messages.some((m) => /unknown indicator 7/.test(m)));
  });
});
