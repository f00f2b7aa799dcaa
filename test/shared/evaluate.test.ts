/**
 * Evaluation (DOMAIN.md "What the standing agency reports"): the verdict of a value against
 * each kind of target, progress as a percentage of the year plan and of the plan-period
 * target (inverted when less is better), and the category 1-4, no data or not assessable.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIndicator, parsePlan, targetContext } from '../../shared/compile';
import { checkTarget, evaluateIndicator, isYearlyFlow, progressPercent } from '../../shared/evaluate';
import type { CheckOptions, EvaluationPlan, Observation, Verdict } from '../../shared/evaluate';
import { parsePeriod } from '../../shared/periods';
import type { Period } from '../../shared/periods';
import type { Indicator, Plan } from '../../shared/schema/plan';
import type { Polarity, ValueType } from '../../shared/schema/plan';
import type { QualitativeAnswer, TargetExpression, Tolerance } from '../../shared/schema/target';
import { parseTarget } from '../../shared/targets/parse';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ALL: QualitativeAnswer[] = ['achieved', 'basicallyAchieved', 'notAchieved'];
const DEFAULT_APPROX: Tolerance = { relative: 0.02 };

const opts = (polarity: Polarity, tolerance?: Tolerance): CheckOptions => ({
  polarity,
  ...(tolerance ? { tolerance } : {}),
  approximateTolerance: DEFAULT_APPROX,
});

function verdict(target: TargetExpression, observation: Observation, options: CheckOptions): Verdict {
  return checkTarget(target, observation, options).verdict;
}

function period(id: string): Period {
  const p = parsePeriod(id);
  assert.ok(p, id);
  return p;
}

/** A small indicator, parsed by the zod schema so its defaults apply; targets parsed from text. */
function indicator(spec: {
  code?: string;
  name?: string;
  unit: string;
  valueType: ValueType;
  polarity: Polarity;
  targets: Record<string, string>;
  tolerance?: Tolerance;
}): Indicator {
  const base = {
    code: spec.code ?? '1',
    name: spec.name ?? 'Chỉ tiêu thử',
    unit: spec.unit,
    valueType: spec.valueType,
    polarity: spec.polarity,
    baseline: null,
    lead: null,
    coordinators: [],
    policyDocuments: [],
    aggregation: { kind: 'lead' },
    ...(spec.tolerance ? { tolerance: spec.tolerance } : {}),
  };
  const context = targetContext(parseIndicator({ ...base, targets: {} }));
  const targets = Object.fromEntries(
    Object.entries(spec.targets).map(([year, text]) => [year, { text, target: parseTarget(text, context) }]),
  );
  return parseIndicator({ ...base, targets });
}

const PLAN: EvaluationPlan = { endYear: 2025, defaults: { approximateTolerance: DEFAULT_APPROX, onScheduleProgress: 95 } };

let plan207Cache: Plan | undefined;
function plan207(): Plan {
  plan207Cache ??= parsePlan(JSON.parse(readFileSync(path.join(repoRoot, 'shared', 'plans', 'hn-kh207-2021.json'), 'utf8')));
  return plan207Cache;
}
function indicator207(code: string): Indicator {
  const found = plan207().indicators.find((i) => i.code === code);
  assert.ok(found, `indicator ${code} of plan 207`);
  return found;
}

describe('checkTarget', () => {
  describe('directional targets', () => {
    it('below: strictly below the value', () => {
      const t: TargetExpression = { kind: 'below', value: 3, unit: '%' };
      assert.equal(verdict(t, { value: 2.5 }, opts('lower')), 'met');
      assert.equal(verdict(t, { value: 3 }, opts('lower')), 'notMet');
      assert.equal(verdict(t, { value: 3.2 }, opts('lower')), 'notMet');
    });
    it('above: strictly above the value', () => {
      const t: TargetExpression = { kind: 'above', value: 85, unit: '%' };
      assert.equal(verdict(t, { value: 85.1 }, opts('higher')), 'met');
      assert.equal(verdict(t, { value: 85 }, opts('higher')), 'notMet');
    });
    it('atLeast and atMost include the value', () => {
      assert.equal(verdict({ kind: 'atLeast', value: 90 }, { value: 90 }, opts('higher')), 'met');
      assert.equal(verdict({ kind: 'atLeast', value: 90 }, { value: 89.9 }, opts('higher')), 'notMet');
      assert.equal(verdict({ kind: 'atMost', value: 5 }, { value: 5 }, opts('lower')), 'met');
      assert.equal(verdict({ kind: 'atMost', value: 5 }, { value: 5.1 }, opts('lower')), 'notMet');
    });
    it('binary noise does not turn a met target into a miss', () => {
      assert.equal(verdict({ kind: 'atLeast', value: 0.3 }, { value: 0.1 + 0.2 }, opts('higher')), 'met');
      assert.equal(verdict({ kind: 'atMost', value: 0.3 }, { value: 0.1 + 0.2 }, opts('lower')), 'met');
    });
    it('an indicator tolerance makes a near miss withinTolerance (and with a reason), a far miss stays notMet', () => {
      const t: TargetExpression = { kind: 'below', value: 3, unit: '%' };
      const check = checkTarget(t, { value: 3.2 }, opts('lower', { absolute: 0.5 }));
      assert.equal(check.verdict, 'withinTolerance');
      assert.match(check.reason?.en ?? '', /within the allowed tolerance/);
      assert.equal(verdict(t, { value: 3.6 }, opts('lower', { absolute: 0.5 })), 'notMet');
      assert.equal(verdict({ kind: 'atLeast', value: 90 }, { value: 89.5 }, opts('higher', { relative: 0.01 })), 'withinTolerance');
      assert.equal(verdict({ kind: 'atLeast', value: 90 }, { value: 89 }, opts('higher', { relative: 0.01 })), 'notMet');
    });
    it('the approximate default does not apply to directional targets', () => {
      assert.equal(verdict({ kind: 'atLeast', value: 90 }, { value: 89.5 }, opts('higher')), 'notMet');
    });
  });

  describe('exact and maintain', () => {
    it('more is better: reaching or passing the value meets it', () => {
      const t: TargetExpression = { kind: 'exact', value: 100, maintain: false, unit: '%' };
      assert.equal(verdict(t, { value: 100 }, opts('higher')), 'met');
      assert.equal(verdict(t, { value: 99 }, opts('higher')), 'notMet');
      assert.equal(verdict({ ...t, maintain: true }, { value: 100 }, opts('higher')), 'met');
      assert.equal(verdict({ ...t, maintain: true }, { value: 99.9 }, opts('higher')), 'notMet');
    });
    it('less is better: staying at or under the value meets it', () => {
      const t: TargetExpression = { kind: 'exact', value: 5, maintain: false };
      assert.equal(verdict(t, { value: 4 }, opts('lower')), 'met');
      assert.equal(verdict(t, { value: 5.5 }, opts('lower')), 'notMet');
    });
    it('band ("2,1" on the fertility indicator): both sides miss, the approximate default applies', () => {
      const t: TargetExpression = { kind: 'exact', value: 2.1, maintain: false };
      assert.equal(verdict(t, { value: 2.1 }, opts('band')), 'met');
      assert.equal(verdict(t, { value: 2.12 }, opts('band')), 'withinTolerance');
      assert.equal(verdict(t, { value: 2.08 }, opts('band')), 'withinTolerance');
      assert.equal(verdict(t, { value: 1.8 }, opts('band')), 'notMet');
      assert.equal(verdict(t, { value: 2.4 }, opts('band')), 'notMet');
    });
  });

  describe('level ("Mức sinh thay thế 2,1")', () => {
    const t: TargetExpression = { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' };
    it('2.1 met, 2.12 and 2.08 within the 2 % default, 1.8 and 2.4 not met', () => {
      assert.equal(verdict(t, { value: 2.1 }, opts('band')), 'met');
      assert.equal(verdict(t, { value: 2.12 }, opts('band')), 'withinTolerance');
      assert.equal(verdict(t, { value: 2.08 }, opts('band')), 'withinTolerance');
      assert.equal(verdict(t, { value: 1.8 }, opts('band')), 'notMet');
      assert.equal(verdict(t, { value: 2.4 }, opts('band')), 'notMet');
    });
    it('is a band whatever the indicator polarity says', () => {
      assert.equal(verdict(t, { value: 2.4 }, opts('higher')), 'notMet');
      assert.equal(verdict(t, { value: 1.8 }, opts('lower')), 'notMet');
    });
    it('a tolerance on the target overrides the default', () => {
      assert.equal(verdict({ ...t, tolerance: { absolute: 0.3 } }, { value: 1.8 }, opts('band')), 'withinTolerance');
      assert.equal(verdict({ ...t, tolerance: { absolute: 0.01 } }, { value: 2.12 }, opts('band')), 'notMet');
    });
  });

  describe('approximately ("khoảng 77 tuổi")', () => {
    const t: TargetExpression = { kind: 'approximately', value: 77, unit: 'tuổi' };
    it('uses the relative 2 % default: 77 ± 1.54', () => {
      assert.equal(verdict(t, { value: 77 }, opts('higher')), 'met');
      assert.equal(verdict(t, { value: 76 }, opts('higher')), 'withinTolerance');
      assert.equal(verdict(t, { value: 75.46 }, opts('higher')), 'withinTolerance');
      assert.equal(verdict(t, { value: 75 }, opts('higher')), 'notMet');
    });
    it('beyond the value on the favourable side meets it', () => {
      assert.equal(verdict(t, { value: 80 }, opts('higher')), 'met');
      assert.equal(verdict(t, { value: 76 }, opts('lower')), 'met');
      assert.equal(verdict(t, { value: 78 }, opts('lower')), 'withinTolerance');
    });
    it('for a band indicator both sides count', () => {
      assert.equal(verdict(t, { value: 78 }, opts('band')), 'withinTolerance');
      assert.equal(verdict(t, { value: 79 }, opts('band')), 'notMet');
    });
    it('the target tolerance and then the indicator tolerance override the default', () => {
      assert.equal(verdict({ ...t, tolerance: { absolute: 0.5 } }, { value: 76 }, opts('higher')), 'notMet');
      assert.equal(verdict(t, { value: 76 }, opts('higher', { absolute: 0.5 })), 'notMet');
      assert.equal(verdict(t, { value: 74 }, opts('higher', { relative: 0.05 })), 'withinTolerance');
    });
  });

  describe('range', () => {
    const t: TargetExpression = { kind: 'range', min: 45, max: 47, unit: '%' };
    it('inside, and both ends, meet it', () => {
      for (const value of [45, 46, 47]) assert.equal(verdict(t, { value }, opts('higher')), 'met', String(value));
    });
    it('beyond the favourable end meets it ("73-75%" cremation at 80 %)', () => {
      assert.equal(verdict({ kind: 'range', min: 73, max: 75, unit: '%' }, { value: 80 }, opts('higher')), 'met');
      assert.equal(verdict(t, { value: 40 }, opts('lower')), 'met');
    });
    it('short of the range, or beyond the unfavourable end, does not', () => {
      assert.equal(verdict(t, { value: 44 }, opts('higher')), 'notMet');
      assert.equal(verdict(t, { value: 48 }, opts('lower')), 'notMet');
      assert.equal(verdict(t, { value: 48 }, opts('band')), 'notMet');
      assert.equal(verdict(t, { value: 44 }, opts('band')), 'notMet');
    });
    it('an exact range takes no approximate default; an approximate one does', () => {
      assert.equal(verdict(t, { value: 44.5 }, opts('higher')), 'notMet');
      assert.equal(verdict(t, { value: 44.5 }, opts('higher', { absolute: 1 })), 'withinTolerance');
      const hdi: TargetExpression = { kind: 'range', min: 0.88, max: 0.9, approximate: true };
      assert.equal(verdict(hdi, { value: 0.87 }, opts('higher')), 'withinTolerance');
      assert.equal(verdict(hdi, { value: 0.85 }, opts('higher')), 'notMet');
      assert.equal(verdict(hdi, { value: 0.95 }, opts('higher')), 'met');
    });
  });

  describe('change against the previous year ("0,1%/năm")', () => {
    const down: TargetExpression = { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' };
    it('with the previous value: the change must be at least the amount', () => {
      assert.equal(verdict(down, { value: 9.9, previous: 10 }, opts('lower')), 'met');
      assert.equal(verdict(down, { value: 9.5, previous: 10 }, opts('lower')), 'met');
      assert.equal(verdict(down, { value: 9.95, previous: 10 }, opts('lower')), 'notMet');
      assert.equal(verdict(down, { value: 10.2, previous: 10 }, opts('lower')), 'notMet');
      const up: TargetExpression = { kind: 'change', direction: 'increase', amount: 5, per: 'year' };
      assert.equal(verdict(up, { value: 106, previous: 100 }, opts('higher')), 'met');
      assert.equal(verdict(up, { value: 104, previous: 100 }, opts('higher')), 'notMet');
    });
    it('without the previous value: not assessable, saying why', () => {
      for (const previous of [undefined, null, Number.NaN]) {
        const check = checkTarget(down, { value: 9.9, previous }, opts('lower'));
        assert.equal(check.verdict, 'notAssessable');
        assert.match(check.reason?.en ?? '', /previous value is missing/);
        assert.match(check.reason?.vi ?? '', /kỳ trước/);
      }
    });
  });

  describe('qualitative', () => {
    const basically: TargetExpression = { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: ALL };
    const fully: TargetExpression = { kind: 'qualitative', expected: 'achieved', statement: 'Đạt chuẩn xoá mù chữ mức độ 2', allowedAnswers: ALL };
    it('"Cơ bản …": achieved or basically achieved meet it, not achieved does not', () => {
      assert.equal(verdict(basically, { answer: 'achieved' }, opts('higher')), 'met');
      assert.equal(verdict(basically, { answer: 'basicallyAchieved' }, opts('higher')), 'met');
      assert.equal(verdict(basically, { answer: 'notAchieved' }, opts('higher')), 'notMet');
    });
    it('"Đạt chuẩn …": basically achieved is within tolerance', () => {
      assert.equal(verdict(fully, { answer: 'achieved' }, opts('higher')), 'met');
      assert.equal(verdict(fully, { answer: 'basicallyAchieved' }, opts('higher')), 'withinTolerance');
      assert.equal(verdict(fully, { answer: 'notAchieved' }, opts('higher')), 'notMet');
    });
    it('a number is no answer', () => {
      const check = checkTarget(basically, { value: 0.5 }, opts('lower'));
      assert.equal(check.verdict, 'notAssessable');
      assert.match(check.reason?.en ?? '', /achieved/);
    });
  });

  describe('not assessable', () => {
    it('no value', () => {
      for (const value of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY]) {
        const check = checkTarget({ kind: 'below', value: 3 }, { value }, opts('lower'));
        assert.equal(check.verdict, 'notAssessable');
        assert.equal(check.reason?.en, 'No value reported');
      }
    });
    it('an unread target', () => {
      const check = checkTarget({ kind: 'unparsed', text: 'Gần 5%', reason: 'x' }, { value: 5 }, opts('higher'));
      assert.equal(check.verdict, 'notAssessable');
      assert.match(check.reason?.vi ?? '', /Gần 5%/);
    });
  });
});

describe('progressPercent', () => {
  it('more is better: actual ÷ target', () => {
    assert.equal(progressPercent({ kind: 'above', value: 94, unit: '%' }, 'higher', { value: 85 }), 90.4);
    assert.equal(progressPercent({ kind: 'exact', value: 100, maintain: false, unit: '%' }, 'higher', { value: 85 }), 85);
    assert.equal(progressPercent({ kind: 'atLeast', value: 90 }, 'higher', { value: 99 }), 110);
  });
  it('less is better: target ÷ actual (unemployment 2.5 against "Dưới 3%" → 120)', () => {
    assert.equal(progressPercent({ kind: 'below', value: 3, unit: '%' }, 'lower', { value: 2.5 }), 120);
    assert.equal(progressPercent({ kind: 'below', value: 3, unit: '%' }, 'lower', { value: 4 }), 75);
    assert.equal(progressPercent({ kind: 'below', value: 3, unit: '%' }, 'lower', { value: 0 }), null);
  });
  it('range: 100 inside, outside the ratio to the nearer bound', () => {
    assert.equal(progressPercent({ kind: 'range', min: 73, max: 75, unit: '%' }, 'higher', { value: 80 }), 106.7);
    assert.equal(progressPercent({ kind: 'range', min: 73, max: 75, unit: '%' }, 'higher', { value: 73 }), 100);
    assert.equal(progressPercent({ kind: 'range', min: 73, max: 75, unit: '%' }, 'higher', { value: 74.5 }), 100);
    assert.equal(progressPercent({ kind: 'range', min: 2, max: 4 }, 'lower', { value: 5 }), 80);
    assert.equal(progressPercent({ kind: 'range', min: 30, max: 35 }, 'band', { value: 32.5 }), 100);
  });
  it('band and level: closeness, on both sides', () => {
    const level: TargetExpression = { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' };
    assert.equal(progressPercent(level, 'higher', { value: 2.1 }), 100);
    assert.equal(progressPercent(level, 'band', { value: 1.8 }), 85.7);
    assert.equal(progressPercent(level, 'band', { value: 2.4 }), 85.7);
    assert.equal(progressPercent(level, 'band', { value: 10 }), 0);
    assert.equal(progressPercent({ kind: 'exact', value: 2.1, maintain: false }, 'band', { value: 2.12 }), 99  );
  });
  it('approximately: like a directional target of its polarity', () => {
    assert.equal(progressPercent({ kind: 'approximately', value: 77, unit: 'tuổi' }, 'higher', { value: 76.5 }), 99.4);
  });
  it('change: achieved change ÷ required change, null without the previous value', () => {
    const down: TargetExpression = { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' };
    assert.equal(progressPercent(down, 'lower', { value: 9.9, previous: 10 }), 100);
    assert.equal(progressPercent(down, 'lower', { value: 9.95, previous: 10 }), 50);
    assert.equal(progressPercent(down, 'lower', { value: 10.1, previous: 10 }), -100);
    assert.equal(progressPercent(down, 'lower', { value: 9.9 }), null);
    assert.equal(progressPercent(down, 'lower', { value: 9.9, previous: Number.NaN }), null);
  });
  it('null for qualitative and unread targets, and without a value', () => {
    assert.equal(progressPercent({ kind: 'qualitative', expected: 'achieved', statement: 'Đạt', allowedAnswers: ALL }, 'higher', { answer: 'achieved', value: 1 }), null);
    assert.equal(progressPercent({ kind: 'unparsed', text: 'x', reason: 'y' }, 'higher', { value: 1 }), null);
    assert.equal(progressPercent({ kind: 'above', value: 94 }, 'higher', {}), null);
    assert.equal(progressPercent({ kind: 'above', value: 0 }, 'higher', { value: 5 }), null);
  });
});

describe('isYearlyFlow', () => {
  it('per-year units and changes are flows; levels are not', () => {
    assert.equal(isYearlyFlow({ kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' }), true);
    assert.equal(isYearlyFlow({ kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/nam' }), true);
    assert.equal(isYearlyFlow({ kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' }), true);
    assert.equal(isYearlyFlow({ kind: 'atLeast', value: 68, unit: 'năm' }), false);
    assert.equal(isYearlyFlow({ kind: 'above', value: 94, unit: '%' }), false);
    assert.equal(isYearlyFlow(undefined), false);
  });
});

describe('evaluateIndicator', () => {
  describe('DOMAIN example: indicator 14 of plan 207 ("Trên 94%" in 2023, "100%" in 2025)', () => {
    it('a 9-month value of 85 → 90.4 % of the year plan, 85 % of the period target', () => {
      const result = evaluateIndicator(plan207(), indicator207('14'), period('2023-9M'), { value: 85 });
      assert.equal(result.code, '14');
      assert.equal(result.yearTarget?.text, 'Trên 94%');
      assert.equal(result.periodTarget?.text, '100%');
      assert.equal(result.progressYear, Math.round((85 / 94) * 100 * 10) / 10);
      assert.equal(result.progressYear, 90.4);
      assert.equal(result.progressPeriod, 85);
      assert.equal(result.year.verdict, 'notMet');
      assert.equal(result.period.verdict, 'notMet');
      // 90.4 is under the plan's 95 % on-schedule threshold: facing difficulties
      assert.equal(plan207().defaults.onScheduleProgress, 95);
      assert.equal(result.category, 4);
      assert.match(result.categoryReason.vi, /^Gặp khó khăn/);
    });
    it('on schedule (3) once the 9-month progress reaches the plan threshold', () => {
      const lenient: EvaluationPlan = { ...plan207(), defaults: { ...plan207().defaults, onScheduleProgress: 90 } };
      const result = evaluateIndicator(lenient, indicator207('14'), period('2023-9M'), { value: 85 });
      assert.equal(result.category, 3);
      assert.match(result.categoryReason.en, /90\.4% of the year plan \(threshold 90%\)/);
      assert.equal(evaluateIndicator(plan207(), indicator207('14'), period('2023-9M'), { value: 90 }).category, 3); // 95.7 %
      assert.equal(evaluateIndicator(plan207(), indicator207('14'), period('2023-9M'), { value: 89 }).category, 4); // 94.7 %
    });
    it('met the year plan (2), met the period target (1), missed the year (4)', () => {
      assert.equal(evaluateIndicator(plan207(), indicator207('14'), period('2023'), { value: 95 }).category, 2);
      const whole = evaluateIndicator(plan207(), indicator207('14'), period('2023-9M'), { value: 100 });
      assert.equal(whole.category, 1);
      assert.equal(whole.categoryReason.en, 'Already met the plan-period target');
      const missed = evaluateIndicator(plan207(), indicator207('14'), period('2023'), { value: 93 });
      assert.equal(missed.category, 4);
      assert.match(missed.categoryReason.en, /^Facing difficulties: 93 does not reach 94/);
    });
    it('no data', () => {
      const result = evaluateIndicator(plan207(), indicator207('14'), period('2023'), {});
      assert.equal(result.category, 'noData');
      assert.equal(result.categoryReason.en, 'No data reported');
      assert.equal(result.progressYear, null);
      assert.equal(evaluateIndicator(plan207(), indicator207('14'), period('2023'), { value: null, answer: null }).category, 'noData');
      assert.equal(evaluateIndicator(plan207(), indicator207('14'), period('2023'), { value: Number.NaN }).category, 'noData');
    });
  });

  describe('yearly amounts: indicator 2 of plan 207 ("160.000 lượt người /năm")', () => {
    it('a 6-month count of 85,000 is on schedule pro rata (3)', () => {
      const result = evaluateIndicator(plan207(), indicator207('2'), period('2023-6M'), { value: 85_000 });
      assert.equal(result.year.verdict, 'notMet');
      assert.equal(result.category, 3);
      assert.match(result.categoryReason.en, /85,000 after 6 months against 80,000 pro rata/);
    });
    it('a 6-month count under the pro-rata share is facing difficulties (4)', () => {
      assert.equal(evaluateIndicator(plan207(), indicator207('2'), period('2023-6M'), { value: 75_000 }).category, 4);
    });
    it('a yearly amount is never category 1, however much is done', () => {
      const result = evaluateIndicator(plan207(), indicator207('2'), period('2023'), { value: 200_000 });
      assert.equal(result.period.verdict, 'met');
      assert.equal(result.category, 2);
      assert.equal(evaluateIndicator(plan207(), indicator207('2'), period('2025'), { value: 200_000 }).category, 2);
      assert.equal(evaluateIndicator(plan207(), indicator207('2'), period('2023-9M'), { value: 170_000 }).category, 2);
    });
    it('an annual miss is facing difficulties (4)', () => {
      assert.equal(evaluateIndicator(plan207(), indicator207('2'), period('2023'), { value: 150_000 }).category, 4);
    });
  });

  describe('less is better: indicator 1 of plan 207 (unemployment)', () => {
    it('2.5 against "Dưới 3%": met the period target (1), progress 120', () => {
      const result = evaluateIndicator(plan207(), indicator207('1'), period('2023'), { value: 2.5 });
      assert.equal(result.progressYear, 120);
      assert.equal(result.progressPeriod, 120);
      assert.equal(result.category, 1);
    });
    it('3.5 in 2022 ("Dưới 4%"): met the year plan only (2)', () => {
      const result = evaluateIndicator(plan207(), indicator207('1'), period('2022'), { value: 3.5 });
      assert.equal(result.year.verdict, 'met');
      assert.equal(result.period.verdict, 'notMet');
      assert.equal(result.category, 2);
    });
  });

  describe('band: indicator 16 of plan 207 ("2,1")', () => {
    it('2.1 met (1), 2.12 within tolerance (still 1), 1.8 not met (4)', () => {
      assert.equal(evaluateIndicator(plan207(), indicator207('16'), period('2023'), { value: 2.1 }).category, 1);
      const near = evaluateIndicator(plan207(), indicator207('16'), period('2023'), { value: 2.12 });
      assert.equal(near.year.verdict, 'withinTolerance');
      assert.equal(near.category, 1);
      assert.equal(evaluateIndicator(plan207(), indicator207('16'), period('2023'), { value: 1.8 }).category, 4);
      assert.equal(evaluateIndicator(plan207(), indicator207('16'), period('2023'), { value: 2.4 }).category, 4);
    });
  });

  describe('change: indicator 17 of plan 207 ("0,1%/năm", reduce against the previous year)', () => {
    it('met with the previous value: the year plan (2), never category 1', () => {
      const result = evaluateIndicator(plan207(), indicator207('17'), period('2023'), { value: 9.8, previous: 10 });
      assert.equal(result.year.verdict, 'met');
      assert.equal(result.progressYear, 200);
      assert.equal(result.category, 2);
    });
    it('without the previous value: not assessable with the reason, never facing difficulties (4)', () => {
      const result = evaluateIndicator(plan207(), indicator207('17'), period('2023'), { value: 9.8 });
      assert.equal(result.year.verdict, 'notAssessable');
      assert.equal(result.progressYear, null);
      assert.equal(result.category, 'notAssessable');
      assert.match(result.categoryReason.vi, /^Chưa đánh giá được: .*thiếu số liệu kỳ trước/);
      assert.match(result.categoryReason.en, /^Not assessable: .*previous value is missing/);
      // In a 9-month report too: no progress to be on schedule with, and no miss either.
      assert.equal(evaluateIndicator(plan207(), indicator207('17'), period('2023-9M'), { value: 9.8 }).category, 'notAssessable');
    });
  });

  describe('range beyond the favourable end: indicator 26 of plan 207 (cremation)', () => {
    it('80 % against "68% - 70%" and "73-75%" has already met the period target (1)', () => {
      const result = evaluateIndicator(plan207(), indicator207('26'), period('2023'), { value: 80 });
      assert.equal(result.year.verdict, 'met');
      assert.equal(result.period.verdict, 'met');
      assert.equal(result.progressYear, 114.3); // 80 ÷ 70, the nearer bound
      assert.equal(result.category, 1);
    });
  });

  describe('qualitative: indicator 20 of plan 207 ("Cơ bản đạt")', () => {
    it('answered achieved or basically achieved meets the period target (1); not achieved is 4', () => {
      assert.equal(evaluateIndicator(plan207(), indicator207('20'), period('2023'), { answer: 'achieved' }).category, 1);
      assert.equal(evaluateIndicator(plan207(), indicator207('20'), period('2023'), { answer: 'basicallyAchieved' }).category, 1);
      const no = evaluateIndicator(plan207(), indicator207('20'), period('2023'), { answer: 'notAchieved' });
      assert.equal(no.category, 4);
      assert.equal(no.progressYear, null);
      assert.equal(evaluateIndicator(plan207(), indicator207('20'), period('2023'), {}).category, 'noData');
    });
  });

  describe('small inline indicators', () => {
    it('an indicator tolerance turns a directional miss into withinTolerance and the year plan met (2)', () => {
      const ind = indicator({ unit: '%', valueType: 'percent', polarity: 'lower', targets: { '2023': 'Dưới 3%', '2025': 'Dưới 2%' }, tolerance: { absolute: 0.5 } });
      assert.equal(ind.noteRequiredWhenMissed, true); // zod default applied
      assert.equal(ind.reportable, true);
      const result = evaluateIndicator(PLAN, ind, period('2023'), { value: 3.2 });
      assert.equal(result.year.verdict, 'withinTolerance');
      assert.equal(result.period.verdict, 'notMet');
      assert.equal(result.category, 2);
      const without = indicator({ unit: '%', valueType: 'percent', polarity: 'lower', targets: { '2023': 'Dưới 3%', '2025': 'Dưới 2%' } });
      assert.equal(evaluateIndicator(PLAN, without, period('2023'), { value: 3.2 }).category, 4);
    });
    it('"khoảng 77 tuổi" with the 2 % default: 76 is within tolerance and counts as met for the period (1)', () => {
      const ind = indicator({ unit: 'tuổi', valueType: 'number', polarity: 'higher', targets: { '2025': 'khoảng 77 tuổi' } });
      assert.deepEqual(ind.targets['2025']?.target, { kind: 'approximately', value: 77, unit: 'tuổi' });
      const result = evaluateIndicator(PLAN, ind, period('2025'), { value: 76 });
      assert.equal(result.period.verdict, 'withinTolerance');
      assert.equal(result.category, 1);
      assert.equal(evaluateIndicator(PLAN, ind, period('2025'), { value: 75 }).category, 4);
    });
    it('"Mức sinh thay thế 2,1" in a 9-month report: on schedule by closeness (3) or not (4)', () => {
      const ind = indicator({ unit: 'con/phụ nữ', valueType: 'number', polarity: 'band', targets: { '2023': 'Mức sinh thay thế 2,1', '2025': 'Mức sinh thay thế 2,1' } });
      // 2.2 is 4.8 % off: outside the 2 % tolerance, but 95.2 % close, above the 95 % threshold
      const near = evaluateIndicator(PLAN, ind, period('2023-9M'), { value: 2.2 });
      assert.equal(near.year.verdict, 'notMet');
      assert.equal(near.progressYear, 95.2);
      assert.equal(near.category, 3);
      assert.equal(evaluateIndicator(PLAN, ind, period('2023-9M'), { value: 1.8 }).category, 4);
      assert.equal(evaluateIndicator(PLAN, ind, period('2023'), { value: 2.2 }).category, 4);
    });
    it('the period target is the last year the indicator has when the plan end year is missing', () => {
      const ind = indicator({ unit: '%', valueType: 'percent', polarity: 'higher', targets: { '2022': 'Trên 50%', '2024': 'Trên 60%' } });
      const result = evaluateIndicator(PLAN, ind, period('2022'), { value: 61 });
      assert.equal(result.periodTarget?.text, 'Trên 60%');
      assert.equal(result.category, 1);
    });
    it('a year without a target is not assessable for that year and counts as under way, not as a miss', () => {
      const ind = indicator({ unit: '%', valueType: 'percent', polarity: 'higher', targets: { '2025': '90%' } });
      const result = evaluateIndicator(PLAN, ind, period('2023'), { value: 80 });
      assert.equal(result.yearTarget, null);
      assert.equal(result.year.verdict, 'notAssessable');
      assert.equal(result.progressYear, null);
      assert.equal(result.progressPeriod, 88.9);
      assert.equal(result.category, 3);
      assert.match(result.categoryReason.vi, /không đặt chỉ tiêu năm 2023/);
      assert.equal(evaluateIndicator(PLAN, ind, period('2023'), { value: 91 }).category, 1);
    });
    it('a yearly amount with a 9-month share under the threshold but over pro rata is on schedule', () => {
      const ind = indicator({ unit: 'lượt người/năm', valueType: 'integer', polarity: 'higher', targets: { '2023': '160.000 lượt người/năm', '2025': '160.000 lượt người/năm' } });
      const result = evaluateIndicator(PLAN, ind, period('2023-9M'), { value: 121_000 }); // 75.6 %, pro rata 120,000
      assert.equal(result.progressYear, 75.6);
      assert.equal(result.category, 3);
      assert.equal(evaluateIndicator(PLAN, ind, period('2023-9M'), { value: 119_000 }).category, 4);
      assert.equal(evaluateIndicator(PLAN, ind, period('2023-3M'), { value: 40_000 }).category, 3);
    });
  });
});

describe('evaluateIndicator: a value the engine cannot judge is never category 4', () => {
  const unread = (targets: Record<string, string>) => {
    const ind = indicator({ unit: '%', valueType: 'percent', polarity: 'higher', targets });
    return ind;
  };
  it('an unread year target: not assessable, saying the target could not be read', () => {
    const ind = unread({ '2023': 'theo lộ trình của Bộ', '2025': 'Trên 90%' });
    assert.equal(ind.targets['2023']?.target.kind, 'unparsed');
    const result = evaluateIndicator(PLAN, ind, period('2023'), { value: 80 });
    assert.equal(result.category, 'notAssessable');
    assert.match(result.categoryReason.en, /^Not assessable: The target "theo lộ trình của Bộ" could not be read/);
    // The period target it can read still decides category 1.
    assert.equal(evaluateIndicator(PLAN, ind, period('2023'), { value: 95 }).category, 1);
  });
  it('an unread period target without a year target: not assessable, not "under way"', () => {
    const result = evaluateIndicator(PLAN, unread({ '2025': 'theo lộ trình của Bộ' }), period('2023'), { value: 80 });
    assert.equal(result.category, 'notAssessable');
    assert.match(result.categoryReason.vi, /chưa đọc được/);
  });
  it('a qualitative target answered with a number only: not assessable', () => {
    const result = evaluateIndicator(plan207(), indicator207('20'), period('2023'), { value: 5 });
    assert.equal(result.category, 'notAssessable');
    assert.match(result.categoryReason.en, /Qualitative target/);
  });
  it('no target for the year and none for the period: not assessable', () => {
    const ind = indicator({ unit: '%', valueType: 'percent', polarity: 'higher', targets: {} });
    const result = evaluateIndicator(PLAN, ind, period('2023'), { value: 80 });
    assert.equal(result.category, 'notAssessable');
    assert.equal(result.categoryReason.en, 'Not assessable: the plan has no target for 2023 and none for the plan period');
  });
  it('over every indicator of plan 207 and every period kind, notAssessable verdicts never land in 4', () => {
    for (const ind of plan207().indicators.filter((i) => i.reportable)) {
      for (const id of ['2021-6M', '2022-9M', '2023', '2025']) {
        for (const observation of [{ value: 1 }, { value: 50 }, { value: 100_000 }, { answer: 'notAchieved' as const }, { value: 9.8 }]) {
          const result = evaluateIndicator(plan207(), ind, period(id), observation);
          if (result.category === 4) assert.notEqual(result.year.verdict, 'notAssessable', `${ind.code} ${id} ${JSON.stringify(observation)}`);
          if (result.year.verdict === 'notAssessable' && result.yearTarget) assert.ok([1, 3, 'notAssessable'].includes(result.category), `${ind.code} ${id}: ${result.category}`);
        }
      }
    }
  });
});
