import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Plan } from '../../shared/schema/plan';
import { schemaFiles } from '../../shared/schema/json-schema';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('plan format', () => {
  it('the JSON Schema files are generated from the zod schemas and up to date (npm run schema)', () => {
    const files = schemaFiles();
    assert.deepEqual(Object.keys(files).sort(), ['shared/schema/agency-register.schema.json', 'shared/schema/plan.schema.json', 'shared/schema/report.schema.json']);
    for (const [path, schema] of Object.entries(files)) {
      assert.ok(Object.keys((schema as { properties?: object }).properties ?? {}).length > 0, `${path} describes fields`);
      const onDisk = JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
      assert.deepEqual(onDisk, JSON.parse(JSON.stringify(schema)), `${path} is stale: run npm run schema`);
    }
  });

  describe('the plan JSON Schema carries the fixed field names other tools read, where they read them', () => {
    interface Node {
      properties?: Record<string, Node>;
      items?: Node & { oneOf?: Node[] };
      required?: string[];
      enum?: string[];
      const?: string;
    }
    const schema = schemaFiles()['shared/schema/plan.schema.json'] as Node;
    /** The fields of an item of a top-level list ("indicators" → an indicator's fields). */
    const fieldsOf = (list: string): Record<string, Node> => schema.properties![list]!.items!.properties!;
    const requiredOf = (list: string): string[] => schema.properties![list]!.items!.required ?? [];

    it('the plan itself', () => {
      const fields = ['id', 'title', 'number', 'issuedOn', 'city', 'program', 'startYear', 'endYear', 'revision', 'indicators', 'documents', 'projects', 'rules', 'reporting'];
      for (const field of fields) assert.ok(field in schema.properties!, field);
      for (const field of ['id', 'title', 'number', 'indicators', 'reporting']) assert.ok(schema.required!.includes(field), `${field} is required`);
    });

    it('an indicator: every field required, its enums those of the engine', () => {
      const fields = fieldsOf('indicators');
      for (const field of ['code', 'name', 'unit', 'valueType', 'polarity', 'baseline', 'targets', 'lead', 'coordinators', 'policyDocuments', 'aggregation']) {
        assert.ok(field in fields, field);
        assert.ok(requiredOf('indicators').includes(field), `${field} is required`);
      }
      assert.ok('tolerance' in fields);
      assert.deepEqual(fields.valueType!.enum, ['percent', 'number', 'integer', 'qualitative']);
      assert.deepEqual(fields.polarity!.enum, ['higher', 'lower', 'band']);
    });

    it('a document and a project', () => {
      for (const field of ['code', 'title', 'issuer', 'due', 'lead', 'coordinators']) assert.ok(field in fieldsOf('documents') && requiredOf('documents').includes(field), field);
      for (const field of ['group', 'lead', 'costs', 'years']) assert.ok(field in fieldsOf('projects'), field);
      assert.ok('carriedOver' in fieldsOf('projects').costs!.properties!);
      assert.ok('carriedOver' in fieldsOf('projectGroups').costs!.properties!);
    });

    it('every kind of rule has a required severity (error, warning or info) and a tolerance', () => {
      const kinds = schema.properties!.rules!.items!.oneOf!;
      assert.deepEqual(kinds.map((k) => k.properties!.kind!.const), ['indicatorSum', 'indicatorNotAbove', 'projectRollup', 'costSplit']);
      for (const kind of kinds) {
        const name = kind.properties!.kind!.const!;
        assert.deepEqual(kind.properties!.severity?.enum, ['error', 'warning', 'info'], `${name}: severity`);
        assert.ok(kind.required!.includes('severity'), `${name}: severity is required`);
        assert.ok('tolerance' in kind.properties!, `${name}: tolerance`);
      }
      assert.ok('group' in kinds[2]!.properties!, 'projectRollup names its group');
    });
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
    assert.ok(messages.some((m) => m.includes('2031 is outside the plan period')));
    assert.ok(messages.some((m) => m.includes('unknown parent 9')));
    assert.ok(messages.some((m) => m.includes('unknown indicator 7')));
  });
});
