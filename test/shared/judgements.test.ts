import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import type { ConsolidateInput } from '../../shared/consolidate';
import { validateReport } from '../../shared/validate';

/** Consolidation of a target judged by hand: the judgement applies there and nowhere else. */
const register = createRegister(JSON.parse(readFileSync(new URL('../../shared/agencies/hanoi.json', import.meta.url), 'utf8')));
const example = () => JSON.parse(readFileSync(new URL('../fixtures/example-plan.json', import.meta.url), 'utf8'));
const judgedPlan = () => {
  const plan = example();
  plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương', judgedByHand: true };
  return compilePlan(plan);
};
const report = { agencyId: 'hn-snv', status: 'submitted' as const, entries: [{ code: '1', value: '2,5' }, { code: '2', value: '170000' }] };
const by = { by: 'tok-c', at: '2027-12-20T09:30:00.000Z' };
const rowOf = (input: Partial<ConsolidateInput>, code = '1', plan = judgedPlan()) =>
  consolidate(plan, register, { period: '2027', reports: [report], ...input }).rows.find((r) => r.code === code)!;

describe('targets judged by hand (consolidation)', () => {
  it('without a judgement the row is not assessable and a note says the consolidator judges it', () => {
    const row = rowOf({});
    assert.equal(row.value, 2.5);
    assert.equal(row.verdict, 'notAssessable');
    assert.equal(row.judgement, undefined);
    assert.ok(row.notes.some((n) => n.vi.startsWith('Chỉ tiêu do cơ quan tổng hợp đánh giá')));
  });

  it('each verdict of the judgement becomes the row\'s verdict, with who and when', () => {
    for (const verdict of ['met', 'withinTolerance', 'notMet'] as const) {
      const row = rowOf({ judgements: { '1': { verdict, reason: 'Lý do', ...by } } });
      assert.equal(row.verdict, verdict);
      assert.equal(row.verdictPeriod, verdict);
      assert.deepEqual(row.judgement, { verdict, reason: 'Lý do', ...by });
      assert.equal(row.notes.filter((n) => n.en.includes('by the consolidator (tok-c, 20 Dec 2027 16:30): Lý do')).length, 1);
      assert.equal(row.value, 2.5, 'the reported value is kept');
    }
    assert.equal(rowOf({ judgements: { '1': { verdict: 'met', reason: 'x', ...by } } }).category, 1);
  });

  it('ignores a judgement of a target the engine reads, and hostile judgements', () => {
    const plain = rowOf({}, '2');
    const judged = rowOf({ judgements: { '2': { verdict: 'notMet', reason: 'x', ...by } } }, '2');
    assert.deepEqual(judged, plain);
    assert.equal(plain.verdict, 'met');
    for (const judgements of [null, 42, 'x', { '1': null }, { '1': { verdict: 'bogus', reason: 'x' } }, { '1': { verdict: 'toString' } }, Object.create({ '1': { verdict: 'met' } })]) {
      const row = rowOf({ judgements: judgements as never });
      assert.equal(row.verdict, 'notAssessable', JSON.stringify(judgements));
      assert.equal(row.judgement, undefined);
    }
  });

  it('tells the agency in validation that the consolidator judges the target (info, not a warning)', () => {
    const r = validateReport(judgedPlan(), { agencyId: 'hn-snv', period: '2027', entries: [{ code: '1', value: '2,5' }] });
    const finding = r.findings.find((f) => f.code === 'target-unreadable')!;
    assert.equal(finding.severity, 'info');
    assert.match(finding.message.en, /is judged by the consolidator/);
  });
});
