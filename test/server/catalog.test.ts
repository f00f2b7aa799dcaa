import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { DEFAULT_PLANS_DIR, loadCatalog } from '../../server/catalog';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Every register of the folder, as the server loads them (Hà Nội and Hải Phòng). */
const register = createRegister({
  city: 'all',
  agencies: ['hanoi.json', 'haiphong.json'].flatMap((f) => (JSON.parse(readFileSync(path.join(root, 'shared/agencies', f), 'utf8')) as { agencies: unknown[] }).agencies),
});

describe('plan catalog loading (server edge)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'catalog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped plans with no problems: every target read, none judged by hand', () => {
    const catalog = loadCatalog(DEFAULT_PLANS_DIR, register);
    assert.deepEqual(catalog.problems, []);
    assert.deepEqual([...catalog.plans.keys()].sort(), ['hn-kh181-2024', 'hn-kh207-2021', 'hp-kh113-2022']);
    for (const compiled of catalog.plans.values()) {
      assert.deepEqual(compiled.issues, []);
      const targets = compiled.plan.indicators.flatMap((i) => Object.values(i.targets));
      const byHand = targets.filter((t) => t.target.kind === 'unparsed' || t.judgedByHand);
      for (const t of byHand) assert.equal(t.judgedByHand, true, `${compiled.plan.id}: "${t.text}" is unreadable and not marked`);
      assert.deepEqual(byHand.map((t) => t.text), [], compiled.plan.id);
    }
  });

  it('refuses Hải Phòng\'s plan against the Hà Nội register alone: its agencies are Hải Phòng\'s', () => {
    copyFileSync(path.join(DEFAULT_PLANS_DIR, 'hp-kh113-2022.json'), path.join(dir, 'hp.json'));
    const hanoiOnly = createRegister(JSON.parse(readFileSync(path.join(root, 'shared/agencies/hanoi.json'), 'utf8')));
    const catalog = loadCatalog(dir, hanoiOnly);
    assert.equal(catalog.plans.size, 0);
    const paths = catalog.problems[0]!.issues.map((i) => i.path);
    assert.ok(catalog.problems[0]!.issues.some((i) => i.path === 'reporting.standingAgency' && i.message.en.includes('hp-sldtbxh')));
    // Task leads and coordinators are checked like the indicators' (28 leads, 1 indicator lead, the standing agency).
    assert.ok(paths.includes('tasks[IV.1.1].lead') && paths.includes('tasks[IV.1.1].coordinators.2') && paths.includes('tasks[IV.chung.2].lead'), paths.join(', '));
  });

  /** The example plan with indicator 1's 2027 target replaced by a phrase the engine cannot read. */
  const withUnreadableTarget = (mark?: boolean) => {
    const plan = JSON.parse(readFileSync(path.join(root, 'test/fixtures/example-plan.json'), 'utf8'));
    plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương', ...(mark === undefined ? {} : { judgedByHand: mark }) };
    return plan;
  };

  it('refuses a target the engine cannot read, naming the indicator code and year, unless it is marked as judged by hand', () => {
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(withUnreadableTarget()));
    const refused = loadCatalog(dir, register);
    assert.equal(refused.plans.size, 0);
    assert.equal(refused.problems.length, 1);
    const [issue] = refused.problems[0]!.issues;
    assert.equal(issue!.path, 'indicators[1].targets.2027');
    assert.equal(issue!.code, 'target-unreadable');
    assert.match(issue!.message.en, /"Theo lộ trình của Trung ương" is not understood/);
    assert.match(issue!.hint.en, /"judgedByHand": true/);
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(withUnreadableTarget(false)));
    assert.equal(loadCatalog(dir, register).plans.size, 0, 'judgedByHand: false is not a mark');

    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(withUnreadableTarget(true)));
    const loaded = loadCatalog(dir, register);
    assert.deepEqual(loaded.problems, []);
    const target = loaded.plans.get('hn-example-2026')!.indicators.get('1')!.targets['2027']!;
    assert.equal(target.target.kind, 'unparsed');
    assert.equal(target.judgedByHand, true);
  });

  it('refuses "judgedByHand" on a target the engine reads: one verdict, one way', () => {
    const plan = JSON.parse(readFileSync(path.join(root, 'test/fixtures/example-plan.json'), 'utf8'));
    plan.indicators[0].targets['2026'].judgedByHand = true;
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    const catalog = loadCatalog(dir, register);
    assert.equal(catalog.plans.size, 0);
    assert.deepEqual(catalog.problems[0]!.issues.map((i) => i.path), ['indicators[1].targets.2026.judgedByHand']);
  });

  it('adds a plan from a data file alone, targets read from their text', () => {
    copyFileSync(path.join(root, 'test/fixtures/example-plan.json'), path.join(dir, 'example.json'));
    const catalog = loadCatalog(dir, register);
    assert.deepEqual(catalog.problems, []);
    const plan = catalog.plans.get('hn-example-2026');
    assert.ok(plan, 'the example plan is in the catalog');
    assert.deepEqual(plan.indicators.get('1')!.targets['2026']!.target, { kind: 'below', value: 3, unit: '%' });
    assert.deepEqual(plan.indicators.get('2')!.targets['2027']!.target, { kind: 'exact', value: 165000, maintain: false, unit: 'lượt người/năm' });
  });

  it('refuses a broken file with every problem and its path, and still loads the others', () => {
    copyFileSync(path.join(root, 'test/fixtures/example-plan.json'), path.join(dir, 'good.json'));
    const broken = JSON.parse(readFileSync(path.join(root, 'test/fixtures/example-plan.json'), 'utf8'));
    broken.id = 'hn-broken';
    broken.indicators[0].valueType = 'ratio';
    broken.indicators[1].targets['2030'] = { text: '100%' };
    delete broken.reporting;
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    writeFileSync(path.join(dir, 'not-json.json'), '{ "id": ');
    const catalog = loadCatalog(dir, register);
    assert.deepEqual([...catalog.plans.keys()], ['hn-example-2026']);
    const brokenProblem = catalog.problems.find((p) => p.file === 'broken.json');
    assert.ok(brokenProblem);
    const paths = brokenProblem.issues.map((i) => i.path);
    assert.ok(paths.includes('indicators[1].valueType'), paths.join(', '));
    assert.ok(paths.includes('reporting'), paths.join(', '));
    assert.ok(catalog.problems.some((p) => p.file === 'not-json.json' && p.issues[0]!.code === 'plan-not-json'));
  });

  it('refuses a stored target that its text does not say, and unknown agency ids', () => {
    const wrong = JSON.parse(readFileSync(path.join(root, 'test/fixtures/example-plan.json'), 'utf8'));
    wrong.indicators[0].targets['2026'].target = { kind: 'above', value: 3, unit: '%' };
    wrong.indicators[1].lead = 'hn-so-khong-co';
    writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify(wrong));
    const first = loadCatalog(dir, register);
    assert.equal(first.plans.size, 0);
    assert.deepEqual(first.problems[0]!.issues.map((i) => [i.code, i.path]), [['agency-unknown', 'indicators[2].lead'], ['target-disagrees', 'indicators[1].targets.2026.target']], 'both problems in one round');
    assert.match(first.problems[0]!.issues[1]!.message.en, /disagrees with its text "Dưới 3%"/);
    delete wrong.indicators[0].targets['2026'].target;
    writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify(wrong));
    const second = loadCatalog(dir, register);
    assert.deepEqual(second.problems[0]!.issues.map((i) => [i.path, i.message.en]), [['indicators[2].lead', 'The agency "hn-so-khong-co" is not in the register']]);
  });
});
