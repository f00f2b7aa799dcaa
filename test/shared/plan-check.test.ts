/**
 * The one check of a plan file (shared/plan-check.ts): every problem in one round, whatever
 * else is wrong; paths by code; words from the catalogue in both languages; every target read
 * back in both languages.
 */
import assert from 'node:assert/strict';
import { PLAN_CHECK_PROBLEMS, missingPlaceholders } from '../../shared/catalogue';
import { MAX_PROBLEMS, checkPlan, checkPlanText } from '../../shared/plan-check';
import type { PlanCheck } from '../../shared/plan-check';
import { parseTarget, targetContextOf } from '../../shared/targets/parse';
import { planFile, register } from '../fixtures/hanoi';
import { EXISTING, NOT_JSON, brokenPlans, examplePlanFile, fullPlanFile } from './plan-check-corpus';

const check = (plan: unknown, existing = false): PlanCheck => checkPlan(plan, { register: register(), ...(existing ? { existingRevision: EXISTING } : {}) });
const codesAndPaths = (c: PlanCheck) => c.problems.map((p) => `${p.code} ${p.path}`);

describe('plan check', () => {
  it('passes the example plan and a plan with every part, compiled, with every target read in both languages', () => {
    const example = check(examplePlanFile());
    assert.deepEqual([example.ok, example.problems], [true, []]);
    assert.equal(example.compiled?.plan.id, 'hn-example-2026');
    assert.deepEqual(example.targets[0], { indicator: '1', year: '2026', text: 'Dưới 3%', reading: { vi: 'Dưới 3%', en: 'below 3%' }, judgedByHand: false });
    assert.deepEqual(example.targets.map((t) => `${t.indicator} ${t.year}`), ['1 2026', '1 2027', '2 2026', '2 2027']);
    const full = check(fullPlanFile());
    assert.deepEqual([full.ok, full.problems], [true, []]);
  });

  it('passes both shipped plans with no error, and reads every one of their targets', () => {
    for (const id of ['hn-kh207-2021', 'hn-kh181-2024'] as const) {
      const result = check(planFile(id));
      assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), [], id);
      assert.ok(result.targets.length > 40 && result.targets.every((t) => t.reading !== null), id);
    }
  });

  it('reports every problem in one round even when the schema fails: periods, references, agencies and targets too', () => {
    const all = brokenPlans().find((b) => b.name.startsWith('everything'))!;
    assert.deepEqual(codesAndPaths(check(all.plan)), [
      'schema-type title',
      'schema-not-allowed indicators[1].valueType',
      'target-year-outside indicators[2].targets.2028',
      'period-bad-day reporting.periods[year].deadline',
      'rule-unknown-indicator rules[r-x].terms.1',
      'agency-unknown indicators[2].lead',
      'target-unreadable indicators[1].targets.2027',
    ]);
  });

  it('checks indicators one by one: a broken indicator does not hide the targets of the others, nor its own', () => {
    const plan = examplePlanFile();
    plan.indicators[0].name = 5;
    plan.indicators[0].aggregation = 'lead';
    plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình' };
    plan.indicators[1].targets['2027'] = { text: 'Tùy tình hình' };
    const result = check(plan);
    assert.deepEqual(codesAndPaths(result).filter((c) => c.startsWith('target')), ['target-unreadable indicators[1].targets.2027', 'target-unreadable indicators[2].targets.2027']);
    assert.equal(result.targets.length, 4, 'every target is listed with its reading');
    assert.deepEqual(result.targets.filter((t) => t.reading === null).map((t) => t.indicator), ['1', '2']);
  });

  it('names rows by code, and by position where the code is missing or repeated', () => {
    const plan = fullPlanFile();
    plan.indicators[2].code = '2';
    delete plan.indicators[0].code;
    plan.rules[1].fields = ['everything'];
    const paths = check(plan).problems.map((p) => p.path);
    assert.ok(paths.includes('indicators[#1].code'), paths.join(', '));
    assert.ok(paths.includes('indicators[#3].code'), 'the second of two rows with one code');
    assert.ok(paths.includes('rules[r-a].fields.0'), paths.join(', '));
    assert.ok(!paths.some((p) => /\.\d+\./.test(p.replace(/\.(coordinators|members|terms|fields)\.\d+/, ''))), `no array index names a row: ${paths.join(', ')}`);
  });

  it('answers a name written where an agency id belongs with the id, and warns about an agency gone before the plan', () => {
    const result = check(brokenPlans().find((b) => b.name.startsWith('agencies'))!.plan);
    const named = result.problems.find((p) => p.code === 'agency-unknown' && p.variant === 'named');
    assert.equal(named?.params.suggestion, 'hn-syt');
    assert.match(named.hint.vi, /hn-syt/);
    const gone = result.problems.find((p) => p.code === 'agency-outside-period');
    assert.deepEqual([gone?.severity, gone?.path], ['warning', 'indicators[1].coordinators.0']);
  });

  it('a warning alone does not refuse the plan', () => {
    const plan = examplePlanFile();
    plan.indicators[0].coordinators = ['hn-sldtbxh'];
    const result = check(plan);
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems.map((p) => p.severity), ['warning']);
  });

  it('refuses a revision the catalog already has, in the same round', () => {
    assert.deepEqual(codesAndPaths(check(examplePlanFile(), true)), ['revision-exists revision']);
    assert.equal(check({ ...examplePlanFile(), revision: 2 }, true).ok, true);
  });

  it('lists at most MAX_PROBLEMS problems, then says how many more there are; the verdict counts them all', () => {
    const result = check(brokenPlans().find((b) => b.name.startsWith('a thousand'))!.plan);
    assert.equal(result.problems.length, MAX_PROBLEMS + 1);
    const cut = result.problems.at(-1)!;
    assert.equal(cut.code, 'problems-cut');
    assert.ok(typeof cut.params.more === 'number' && cut.params.more > 1_000, JSON.stringify(cut.params));
    const warningsOnly = examplePlanFile();
    warningsOnly.indicators[0].coordinators = Array.from({ length: MAX_PROBLEMS + 10 }, () => 'hn-sldtbxh');
    const warned = check(warningsOnly);
    assert.deepEqual([warned.ok, warned.problems.length, warned.problems.at(-1)?.severity], [true, MAX_PROBLEMS + 1, 'warning'], 'a cut never refuses');
  });

  it('reads text: JSON that does not parse is one problem, a byte-order mark is no problem', () => {
    assert.deepEqual(codesAndPaths(checkPlanText(NOT_JSON, { register: register() })), ['plan-not-json (file)']);
    assert.equal(checkPlanText(`\ufeff${JSON.stringify(examplePlanFile())}`, { register: register() }).ok, true);
  });

  it('every problem is bilingual, with a hint, its placeholders filled', () => {
    for (const { name, plan } of brokenPlans()) {
      const result = check(plan, true);
      assert.equal(result.ok, false, name);
      assert.equal(result.compiled, null);
      for (const p of result.problems) {
        assert.ok(p.message.vi && p.message.en && p.hint.vi && p.hint.en, `${name}: ${p.code}`);
        assert.deepEqual(missingPlaceholders(PLAN_CHECK_PROBLEMS[p.code], p.params, p.variant), [], `${name}: ${p.code}`);
        assert.doesNotMatch(`${p.message.vi} ${p.message.en}`, /undefined|\[object/, `${name}: ${p.code}`);
      }
    }
  });

  it('the corpus produces every code of the check, and each variant', () => {
    const made = new Set(brokenPlans().flatMap(({ plan }) => check(plan, true).problems.map((p) => `${p.code}:${p.variant ?? ''}`)));
    made.add(`${checkPlanText(NOT_JSON, { register: register() }).problems[0]!.code}:`);
    for (const entry of Object.values(PLAN_CHECK_PROBLEMS)) {
      for (const variant of ['', ...Object.keys(entry.variants ?? {})]) assert.ok(made.has(`${entry.code}:${variant}`), `${entry.code} ${variant}`);
    }
  });

  it("each reading is the engine's: the Vietnamese reading parses back to what the text reads as", () => {
    const plan = planFile('hn-kh207-2021');
    for (const t of check(plan).targets) {
      const indicator = plan.indicators.find((i) => i.code === t.indicator)!;
      const context = targetContextOf(indicator);
      assert.ok(t.reading, `${t.indicator} ${t.year}`);
      assert.deepEqual(parseTarget(t.reading.vi, context).kind, parseTarget(t.text, context).kind, `${t.indicator} ${t.year}: ${t.text} → ${t.reading.vi}`);
    }
  });
});
