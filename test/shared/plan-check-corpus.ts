/**
 * Broken plan files, each one author's mistake (or several at once), for the plan check's
 * tests, the one-verdict property of check and add (test/server/plan-check-api.test.ts) and
 * the catalogue's test that every code of kind "plan" is produced.
 */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../fixtures/hanoi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test data edited freely

export function examplePlanFile(): Json {
  return JSON.parse(readFileSync(fixturePath('example-plan.json'), 'utf8')) as Json;
}

/** The example plan changed by `edit`. */
function broken(edit: (plan: Json) => void): Json {
  const plan = examplePlanFile();
  edit(plan);
  return plan;
}

/** The example plan with a project group, a project, a document, a task and rules, all valid. */
export function fullPlanFile(): Json {
  return broken((p) => {
    p.indicators.push({ ...p.indicators[0], code: '3', name: 'Tỷ lệ hộ nghèo', targets: { 2026: { text: 'Dưới 1%' } }, coordinators: [] });
    p.projectGroups = [{ code: 'A', title: 'Y tế', parent: null, costs: { total: 10, carriedOver: 4, new: 6 } }];
    p.projects = [{ code: 'A.1', title: 'Bệnh viện', group: 'A', costs: { total: 10, carriedOver: 4, new: 6 }, years: null }];
    p.documents = [{ code: 'D1', title: 'Kế hoạch năm', issuer: 'hn-ubnd', due: { kind: 'everyYear' }, lead: 'hn-snv', coordinators: ['hn-syt'] }];
    p.tasks = [{ code: 'IV.1.1', text: 'Tuyên truyền', lead: 'hn-snv', coordinators: [], due: { kind: 'everyYear' }, source: 'Tuyên truyền …' }];
    p.rules = [
      { kind: 'indicatorNotAbove', id: 'r-3-1', part: '3', whole: '1', severity: 'warning' },
      { kind: 'projectRollup', id: 'r-a', group: 'A', members: ['A.1'], fields: ['total'], severity: 'error' },
    ];
  });
}

export interface BrokenPlan {
  name: string;
  plan: unknown;
}

/** Every kind of mistake the check names, one file each, and files with many at once. */
export function brokenPlans(): BrokenPlan[] {
  return [
    { name: 'not an object', plan: [1, 2] },
    { name: 'a field missing, a wrong type, an unknown field', plan: broken((p) => ((p.title = undefined), (p.startYear = '2026'), (p.titel = 'x'))) },
    { name: 'a value not allowed and a bad union', plan: broken((p) => ((p.indicators[0].valueType = 'ratio'), (p.indicators[0].aggregation = { kind: 'median' }))) },
    { name: 'formats', plan: broken((p) => ((p.issuedOn = '15/01/2026'), (p.indicators[0].code = '1a'), (p.reporting.periods[0].deadline = '6-20'))) },
    { name: 'too small and too big', plan: broken((p) => ((p.revision = 0), (p.indicators[0].decimals = 9), (p.reporting.periods = []))) },
    { name: 'min above max', plan: broken((p) => Object.assign(p.indicators[0], { min: 5, max: 1 })) },
    { name: 'years reversed', plan: broken((p) => ((p.startYear = 2027), (p.endYear = 2026))) },
    { name: 'a target year outside the plan', plan: broken((p) => (p.indicators[1].targets['2030'] = { text: '170.000 lượt người/năm' })) },
    { name: 'periods', plan: broken((p) => p.reporting.periods.push({ kind: '6M', cutoff: { from: '02-30', to: '13-01' }, deadline: '06-20' })) },
    {
      name: 'codes and references',
      plan: (() => {
        const p = fullPlanFile();
        p.indicators[2].code = '2';
        p.indicators[1].parent = '9';
        p.projects[0].group = 'B';
        p.rules[0].part = '7';
        p.rules[1].members = ['A.9'];
        p.tasks.push({ ...p.tasks[0] });
        p.tasks.push({ ...p.tasks[0], code: String(p.tasks[0].code).replace(/\./g, '-').toLowerCase() });
        return p;
      })(),
    },
    {
      name: 'agencies: unknown, a name for an id, one gone before the plan',
      plan: broken((p) => ((p.indicators[0].lead = 'hn-so-khong-co'), (p.indicators[1].lead = 'Sở Y tế'), (p.indicators[0].coordinators = ['hn-sldtbxh']))),
    },
    { name: 'an unreadable target', plan: broken((p) => (p.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương' })) },
    { name: 'a stored target that disagrees', plan: broken((p) => (p.indicators[0].targets['2026'].target = { kind: 'above', value: 3, unit: '%' })) },
    { name: 'judgedByHand on a readable target', plan: broken((p) => (p.indicators[0].targets['2026'].judgedByHand = true)) },
    { name: 'a thousand broken rows', plan: broken((p) => (p.indicators = Array.from({ length: 1_000 }, (_, i) => ({ code: String(i + 1), lead: 'Không rõ' })))) },
    {
      name: 'everything at once, with the schema failing',
      plan: broken((p) => {
        p.title = 7;
        p.indicators[0].valueType = 'ratio';
        p.indicators[0].targets['2027'] = { text: 'Theo lộ trình' };
        p.indicators[1].lead = 'hn-khong-co';
        p.indicators[1].targets['2028'] = { text: '1' };
        p.reporting.periods[1].deadline = '11-31';
        p.rules = [{ kind: 'indicatorSum', id: 'r-x', target: '1', terms: ['2', '5'], severity: 'error' }];
      }),
    },
  ];
}

/** Not JSON at all (the admin CLI and the catalog folder read text). */
export const NOT_JSON = '{ "id": "hn-example-2026", ';

/** Plans the catalog already holds at revision 1 (the example plan, added once). */
export const EXISTING = (id: string) => (id === 'hn-example-2026' ? 1 : undefined);
