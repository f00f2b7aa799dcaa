/**
 * Validation of one agency's report (shared/validate.ts) against plan 207/KH-UBND and the
 * Hà Nội register: what is required, how cells are read, how values are judged against
 * targets and rules, and who must report what before and after the 2025 reorganisation.
 */
import assert from 'node:assert/strict';
import { assignmentFor } from '../../shared/assignment';
import { compilePlan } from '../../shared/compile';
import { missingPlaceholders } from '../../shared/catalogue';
import { findingEntry } from '../../shared/findings';
import type { Finding, FindingCode } from '../../shared/findings';
import { parsePeriod } from '../../shared/periods';
import type { Indicator } from '../../shared/schema/plan';
import type { EntryInput } from '../../shared/schema/report';
import { validateReport } from '../../shared/validate';
import type { ValidationInput, ValidationReport } from '../../shared/validate';
import { plausibleBounds, perUnitBase } from '../../shared/plausibility';
import { plan, planFile, register } from '../fixtures/hanoi';

const p207 = () => plan('hn-kh207-2021');

/** Every finding speaks both languages and says what to do. */
function assertReadable(findings: readonly Finding[]): void {
  for (const f of findings) {
    for (const t of [f.message, f.hint]) {
      assert.ok(typeof t.vi === 'string' && t.vi.trim().length > 0, `${f.code}: empty Vietnamese text`);
      assert.ok(typeof t.en === 'string' && t.en.trim().length > 0, `${f.code}: empty English text`);
    }
    assert.ok(['error', 'warning', 'info'].includes(f.severity), `${f.code}: severity ${f.severity}`);
    // Its words were rendered from the catalogue with every parameter its templates need.
    assert.deepEqual(missingPlaceholders(findingEntry(f.code), f.params, f.variant), [], `${f.code}: a placeholder without its parameter`);
  }
}

let checkedFindings = 0;
function validate(input: ValidationInput, withRegister = true, compiled = p207()): ValidationReport {
  const report = validateReport(compiled, input, withRegister ? { register: register() } : {});
  assertReadable(report.findings);
  checkedFindings += report.findings.length;
  return report;
}

const codesOf = (r: ValidationReport, indicator?: string) => r.findings.filter((f) => indicator === undefined || f.indicator === indicator).map((f) => f.code);
const only = (r: ValidationReport, code: FindingCode) => r.findings.filter((f) => f.code === code);
const rowsOf = (agency: string, period: string) => assignmentFor(p207(), register(), agency, parsePeriod(period)!).indicators;

/** Values that meet Sở Y tế's 2023 targets, typed the way officials type them. */
const SYT_2023: Record<string, string> = {
  '11': '28,5',
  '12': '14,3',
  '13': '100%',
  '14': '95,2',
  '15': '76,1',
  '16': '2,1',
  '17': '5,3', // previous 5,4: a decrease of 0,1 point
  '18': '83',
  '19': '88,4',
};

function sytReport(overrides: Record<string, Partial<EntryInput> | null> = {}, period = '2023'): ValidationInput {
  const entries: EntryInput[] = [];
  for (const row of rowsOf('hn-syt', period)) {
    const override = overrides[row.code];
    if (override === null) continue;
    entries.push({ code: row.code, value: SYT_2023[row.code] ?? null, note: '', ...override });
  }
  return { agencyId: 'hn-syt', period, entries, previous: { '17': 5.4 } };
}

describe('validateReport (plan 207/KH-UBND)', () => {
  describe('a complete report', () => {
    it('Sở Y tế leads indicators 11-19 in 2023', () => {
      assert.deepEqual(rowsOf('hn-syt', '2023'), ['11', '12', '13', '14', '15', '16', '17', '18', '19'].map((code) => ({ code, role: 'lead' })));
    });

    it('a clean full report for 2023 is valid, without a single finding, every value met', () => {
      const r = validate(sytReport());
      assert.equal(r.valid, true);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(
        { ...r.stats },
        { expected: 9, entries: 9, filled: 9, missing: 0, errors: 0, warnings: 0, infos: 0, met: 9, withinTolerance: 0, notMet: 0, notAssessable: 0 },
      );
      assert.deepEqual(
        r.results.map((x) => [x.code, x.role, x.value]),
        [
          ['11', 'lead', 28.5],
          ['12', 'lead', 14.3],
          ['13', 'lead', 100],
          ['14', 'lead', 95.2],
          ['15', 'lead', 76.1],
          ['16', 'lead', 2.1],
          ['17', 'lead', 5.3],
          ['18', 'lead', 83],
          ['19', 'lead', 88.4],
        ],
      );
      assert.equal(r.results.find((x) => x.code === '14')!.evaluation!.category, 2);
      assert.deepEqual([r.planId, r.revision, r.agencyId, r.period], ['hn-kh207-2021', 1, 'hn-syt', '2023']);
    });

    it('a missing row is "required"; an empty cell is missing too', () => {
      const r = validate(sytReport({ '12': null, '18': { value: '  ' } }));
      assert.equal(r.valid, false);
      assert.deepEqual(codesOf(r), ['required', 'required']);
      assert.deepEqual(only(r, 'required').map((f) => [f.indicator, f.severity, f.field]), [['12', 'error', 'value'], ['18', 'error', 'value']]);
      assert.match(only(r, 'required')[0]!.message.vi, /Chưa nhập kết quả chỉ tiêu 12/);
      assert.equal(r.stats.missing, 2);
    });

    it('a row that is there but unreadable is reported once, not also as missing', () => {
      const r = validate(sytReport({ '12': { value: 'abc' } }));
      assert.deepEqual(codesOf(r), ['not-a-number']);
    });

    it('without a register nothing is required and every entry is judged', () => {
      const r = validate({ agencyId: 'hn-syt', period: '2023', entries: [{ code: '14', value: 95 }] }, false);
      assert.equal(r.valid, true);
      assert.deepEqual(r.findings, []);
      assert.equal(r.results[0]!.role, null);
    });
  });

  describe('reading the cells', () => {
    const one = (code: string, value: EntryInput['value'], extra: Partial<EntryInput> = {}, agency = 'hn-syt', period = '2023') =>
      validate({ agencyId: agency, period, entries: [{ code, value, ...extra }] }, false);

    it('type and format errors: not a number, misplaced groups, too long, not finite', () => {
      const cases: Array<[EntryInput['value'], FindingCode]> = [
        ['abc', 'not-a-number'],
        ['1.2.3', 'bad-grouping'],
        ['12.34.567', 'bad-grouping'],
        ['9'.repeat(300), 'too-long'],
        [Number.NaN, 'not-finite'],
        [Number.POSITIVE_INFINITY, 'not-finite'],
        ['1e3', 'not-a-number'],
        ['85 - 90', 'not-a-number'],
      ];
      for (const [value, code] of cases) {
        const r = one('14', value);
        assert.deepEqual(codesOf(r), [code], String(value));
        assert.equal(r.findings[0]!.severity, 'error');
        assert.equal(r.results[0]!.value, null);
      }
    });

    it('words after the number: the unit is fine, other words are a warning, a % on a rate per 10,000 an error', () => {
      assert.deepEqual(codesOf(one('11', '28,5 giường bệnh/vạn dân')), []);
      assert.deepEqual(codesOf(one('14', '95 (ước)')), ['unexpected-text']);
      const r = one('11', '28,5%');
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['unit-mismatch', 'error']]);
      assert.equal(r.results[0]!.value, null, 'never read in the indicator unit');
      assert.equal(r.valid, false);
    });

    it('"1.036" on a number-type indicator is ambiguous, with both readings in the details', () => {
      const r = one('11', '1.036');
      assert.deepEqual(codesOf(r), ['ambiguous-number']);
      const f = r.findings[0]!;
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.details, { readings: [1036, 1.036] });
      assert.match(f.message.vi, /1\.036 hoặc 1,036/);
      assert.match(f.message.en, /1,036 or 1\.036/);
      assert.equal(r.results[0]!.value, null);
      assert.equal(r.valid, false);
    });

    it('the unit decides where it can: a count of people reads "1.036" as 1036, a rate as a decimal', () => {
      const count = one('2', '1.036', {}, 'hn-sldtbxh');
      assert.equal(count.results[0]!.value, 1036);
      assert.ok(!codesOf(count).includes('ambiguous-number'));
      assert.equal(one('14', '95.5').results[0]!.value, 95.5);
      assert.equal(one('14', '95,5').results[0]!.value, 95.5);
      assert.equal(one('2', '160.000', {}, 'hn-sldtbxh').results[0]!.value, 160000);
      assert.equal(one('2', '1.036.609', {}, 'hn-sldtbxh').results[0]!.value, 1036609);
    });

    it('a percentage above 100 and negative values are errors', () => {
      for (const v of [101, '100,5%', '150']) {
        const r = one('13', v);
        assert.deepEqual(codesOf(r), ['out-of-range'], String(v));
        assert.equal(r.findings[0]!.severity, 'error');
      }
      for (const [code, v, agency] of [['2', -5, 'hn-sldtbxh'], ['2', '-1.000', 'hn-sldtbxh'], ['11', -1, 'hn-syt'], ['14', '-0,5', 'hn-syt']] as const) {
        const r = one(code, v, {}, agency);
        assert.deepEqual(codesOf(r), ['negative'], `${code} ${v}`);
        assert.equal(r.valid, false);
      }
    });

    it('indicator 2 counts people: a fraction is not an integer', () => {
      for (const v of [160000.5, '1.036,5', '160000,25']) {
        const r = one('2', v, {}, 'hn-sldtbxh');
        assert.deepEqual(codesOf(r), ['not-integer'], String(v));
        assert.equal(r.results[0]!.value, null);
      }
    });

    it('a number typed into an Excel percent cell is read as a percentage', () => {
      assert.equal(one('14', 0.952, { numberFormat: '0.0%' }).results[0]!.value, 95.2);
    });

    it('unknown and duplicate codes are errors; codes are trimmed', () => {
      const r = validate({ agencyId: 'hn-syt', period: '2023', entries: [{ code: '99', value: 1 }, { code: ' 11 ', value: 28.5 }, { code: '11', value: 29 }] }, false);
      assert.deepEqual(codesOf(r), ['unknown-indicator', 'duplicate-entry']);
      assert.deepEqual(r.findings.map((f) => f.indicator), ['99', '11']);
      assert.equal(r.results.find((x) => x.code === '11')!.value, 28.5, 'the first row counts');
    });

    it('a value on a row the agency does not report is a warning', () => {
      const r = validate(sytReport({}));
      assert.deepEqual(codesOf(r), []);
      const extra = validate({ ...sytReport(), entries: [...sytReport().entries, { code: '1', value: '2,5' }] });
      assert.deepEqual(codesOf(extra), ['not-assigned']);
      assert.equal(extra.valid, true);
    });

    it('a heading takes no value (plan 181, indicator 2)', () => {
      const r = validate({ agencyId: 'hn-sldtbxh', period: '2024', entries: [{ code: '2', value: 5 }] }, false, plan('hn-kh181-2024'));
      assert.deepEqual(codesOf(r), ['heading-has-value']);
    });
  });

  describe('judging values against targets', () => {
    it('an annual value that misses needs a note: target-missed + note-required', () => {
      const r = validate(sytReport({ '14': { value: 80 } }));
      assert.deepEqual(codesOf(r, '14'), ['target-missed', 'note-required']);
      const [missed, note] = r.findings;
      assert.equal(missed!.severity, 'warning');
      assert.equal(note!.severity, 'error');
      assert.equal(note!.field, 'note');
      assert.match(missed!.message.vi, /chưa đạt kế hoạch năm 2023 \(Trên 94%\)/);
      assert.equal(r.valid, false);
      assert.equal(r.stats.notMet, 1);
    });

    it('with a note the miss stays a warning and the report is valid; a blank note is no note', () => {
      const noted = validate(sytReport({ '14': { value: 80, note: 'Do thiếu nhân lực y tế cơ sở' } }));
      assert.deepEqual(codesOf(noted, '14'), ['target-missed']);
      assert.equal(noted.valid, true);
      assert.deepEqual(codesOf(validate(sytReport({ '14': { value: 80, note: '   ' } })), '14'), ['target-missed', 'note-required']);
    });

    it('a 9-month value on schedule gives only information', () => {
      const r = validate(sytReport({ '14': { value: 90 } }, '2023-9M'));
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['target-missed', 'info']]);
      assert.equal(r.valid, true);
      assert.equal(r.results.find((x) => x.code === '14')!.evaluation!.category, 3);
      // Far behind after 9 months is a difficulty and needs a note.
      assert.deepEqual(codesOf(validate(sytReport({ '14': { value: 60 } }, '2023-9M')), '14'), ['target-missed', 'note-required']);
    });

    it('a yearly count is on schedule at its pro-rata share after 9 months (indicator 2)', () => {
      const on = validate({ agencyId: 'hn-sldtbxh', period: '2023-9M', entries: [{ code: '2', value: '125.000' }] }, false);
      assert.deepEqual(on.findings.map((f) => [f.code, f.severity]), [['target-missed', 'info']]);
      const behind = validate({ agencyId: 'hn-sldtbxh', period: '2023-9M', entries: [{ code: '2', value: '100.000' }] }, false);
      assert.deepEqual(codesOf(behind), ['target-missed', 'note-required']);
    });

    it('the change rule of indicator 17 compares with the previous year when it is given', () => {
      assert.deepEqual(codesOf(validate(sytReport({ '17': { value: '5,3' } }))), []);
      const short = validate(sytReport({ '17': { value: '5,35' } }));
      assert.deepEqual(codesOf(short, '17'), ['target-missed', 'note-required']);
      const noPrevious = validate({ ...sytReport(), previous: {} });
      assert.deepEqual(noPrevious.findings.map((f) => [f.code, f.indicator, f.severity]), [['previous-missing', '17', 'warning']]);
      assert.equal(noPrevious.valid, true);
      assert.equal(noPrevious.results.find((x) => x.code === '17')!.evaluation!.year.verdict, 'notAssessable');
    });

    it('a large change against the previous year is a warning (points for percentages, relative otherwise)', () => {
      const r = validate({ ...sytReport(), previous: { '17': 5.4, '14': 80, '11': 18, '12': 14 } });
      assert.deepEqual(only(r, 'large-change').map((f) => f.indicator), ['11', '14']);
      assert.deepEqual(only(r, 'large-change').find((f) => f.indicator === '14')!.details, { previous: 80, value: 95.2 });
      assert.equal(r.valid, true);
      // A change target is judged by its own rule, never as a "large change".
      assert.deepEqual(codesOf(validate({ ...sytReport(), previous: { '17': 9 } }), '17'), []);
    });

    it('qualitative indicator 20: "Cơ bản đạt" is fine, "Có lẽ" is not an answer', () => {
      const answer = (value: string) => validate({ agencyId: 'hn-sldtbxh', period: '2023', entries: [{ code: '20', value }] }, false);
      for (const ok of ['Cơ bản đạt', 'co ban dat', 'Đạt', 'Cơ bản đạt (95%)']) {
        const r = answer(ok);
        assert.deepEqual(codesOf(r), [], ok);
        assert.equal(r.results[0]!.evaluation!.year.verdict, 'met', ok);
      }
      const maybe = answer('Có lẽ');
      assert.deepEqual(codesOf(maybe), ['answer-not-allowed']);
      assert.equal(maybe.valid, false);
      assert.deepEqual(codesOf(answer('Không đạt')), ['target-missed', 'note-required']);
    });

    it('indicator 7 in 2021 and 2025 needs an answer beside the number; in 2023 a number is enough', () => {
      const r2021 = validate({ agencyId: 'hn-sldtbxh', period: '2021', entries: [{ code: '7', value: '0,5' }] }, false);
      assert.deepEqual(r2021.findings.map((f) => [f.code, f.field]), [['answer-required', 'answer']]);
      const answered = validate({ agencyId: 'hn-sldtbxh', period: '2021', entries: [{ code: '7', value: '0,5', answer: 'Cơ bản đạt' }] }, false);
      assert.deepEqual(codesOf(answered), []);
      assert.deepEqual([answered.results[0]!.value, answered.results[0]!.answer], [0.5, 'basicallyAchieved']);
      const r2025 = validate({ agencyId: 'hn-snv', period: '2025', entries: [{ code: '7', value: '0,03' }] }, false);
      assert.deepEqual(codesOf(r2025), ['answer-required']);
      assert.deepEqual(codesOf(validate({ agencyId: 'hn-snv', period: '2025', entries: [{ code: '7', value: '0,03', answer: 'Có lẽ' }] }, false)), ['answer-not-allowed']);
      assert.deepEqual(codesOf(validate({ agencyId: 'hn-sldtbxh', period: '2023', entries: [{ code: '7', value: '1,5' }] }, false)), []);
    });

    it('a district contributing to the weighted mean of indicator 21 must give its denominator', () => {
      const district = (entry: Partial<EntryInput>) => validate({ agencyId: 'hn-q-ba-dinh', period: '2023', entries: [{ code: '2', value: 5000 }, { code: '27', value: 60, denominator: 14 }, { code: '21', ...entry }] });
      const without = district({ value: 100 });
      assert.deepEqual(without.findings.map((f) => [f.code, f.field, f.severity]), [['denominator-required', 'denominator', 'error']]);
      assert.match(without.findings[0]!.message.vi, /Số xã, phường, thị trấn/);
      const withIt = district({ value: 100, denominator: '14' });
      assert.deepEqual(codesOf(withIt), []);
      assert.equal(withIt.results.find((x) => x.code === '21')!.denominator, 14);
      for (const bad of ['0', 'abc', -3]) assert.deepEqual(codesOf(district({ value: 100, denominator: bad })), ['denominator-invalid'], String(bad));
      // A contributor's own figure is not judged against the citywide target.
      const low = district({ value: 40, denominator: 14 });
      assert.deepEqual(codesOf(low), []);
      assert.equal(low.results.find((x) => x.code === '21')!.evaluation, null);
      // The lead gives the citywide figure, without a denominator.
      const lead = validate({ agencyId: 'hn-sldtbxh', period: '2023', entries: [{ code: '21', value: 100 }] });
      assert.ok(!codesOf(lead).includes('denominator-required'));
    });
  });

  describe('plausibility (min-max, units, outliers)', () => {
    const one = (code: string, value: EntryInput['value'], extra: Partial<EntryInput> = {}, options: { period?: string; previous?: Record<string, number>; compiled?: ReturnType<typeof p207> } = {}) =>
      validate({ agencyId: 'x', period: options.period ?? '2023', entries: [{ code, value, ...extra }], ...(options.previous ? { previous: options.previous } : {}) }, false, options.compiled ?? p207());
    /** Plan 207 with some indicators changed, as a plan author would write them. */
    const variant = (changes: Record<string, Record<string, unknown>>) => {
      const file = planFile('hn-kh207-2021');
      for (const indicator of file.indicators as Array<Record<string, unknown>>) Object.assign(indicator, changes[String(indicator.code)] ?? {});
      return compilePlan(file);
    };

    it('bounds come from the unit: 0-100 for %, at most 10,000 per 10,000 people, 1,000 per 1,000, none for counts', () => {
      const units = new Map<string, string>();
      for (const id of ['hn-kh207-2021', 'hn-kh181-2024'] as const) {
        for (const i of plan(id).indicators.values()) if (i.reportable && i.valueType !== 'qualitative') units.set(`${i.unit}|${i.valueType}`, `${plausibleBounds(i).basis} ${plausibleBounds(i).max ?? '-'}`);
      }
      assert.deepEqual(Object.fromEntries([...units].sort()), {
        '%|percent': 'percent 100',
        '|number': 'none -',
        'bác sỹ/vạn dân|number': 'per10000 10000',
        'con/phụ nữ|number': 'none -',
        'dược sỹ/vạn dân|number': 'per10000 10000',
        'giường bệnh/vạn dân|number': 'per10000 10000',
        'khu|integer': 'none -',
        'lượt người/năm|integer': 'none -',
        'm2 sàn/người|number': 'none -',
        'm2 sàn|number': 'none -',
        'năm|number': 'none -',
        'tuổi|number': 'none -',
        'điều dưỡng viên/vạn dân|number': 'per10000 10000',
      });
      const cases: Array<[string, number | null]> = [['/10.000 dân', 10_000], ['giường/10000 dân', 10_000], ['bác sĩ trên 10.000 dân', 10_000], ['‰', 1_000], ['trẻ/1.000 trẻ đẻ sống', 1_000], ['ca/100.000 dân', 100_000], ['người/năm', null], ['m2 sàn/người', null], ['10.000 người', null]];
      for (const [unit, base] of cases) assert.equal(perUnitBase(unit), base, unit);
    });

    it('1.036.609 beds per 10,000 people is an error, never met; 10.000 is the ceiling', () => {
      const r = one('11', '1.036.609');
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['out-of-range', 'error']]);
      assert.match(r.findings[0]!.message.vi, /1\.036\.609 giường bệnh\/vạn dân vượt quá 10\.000/);
      assert.match(r.findings[0]!.message.en, /a rate per 10,000 cannot be larger than 10,000/);
      assert.match(r.findings[0]!.hint.vi, /không nhập tổng số/);
      assert.deepEqual(r.findings[0]!.details, { value: 1036609, max: 10000, basis: 'per10000' });
      assert.equal(r.results[0]!.value, null);
      assert.equal(r.results[0]!.evaluation, null);
      assert.equal(r.stats.met, 0);
      assert.equal(one('11', '10000,5').findings[0]!.code, 'out-of-range');
      assert.equal(one('11', 10_000).results[0]!.value, 10_000);
    });

    it('a negative count is an error; a plan may allow negatives with min, and bound both ends', () => {
      assert.deepEqual(codesOf(one('2', '-160.000')), ['negative']);
      const allowing = variant({ '15': { min: -5, max: 120 }, '14': { max: 150 }, '11': { max: 50 } });
      assert.equal(plausibleBounds(allowing.indicators.get('15')!).min, -5);
      assert.equal(one('15', '-3', {}, { compiled: allowing }).results[0]!.value, -3);
      const low = one('15', '-6', {}, { compiled: allowing });
      assert.deepEqual(low.findings.map((f) => [f.code, f.severity]), [['out-of-range', 'error']]);
      assert.match(low.findings[0]!.message.en, /below this indicator's plausible minimum of -5 \(set in the plan\)/);
      const high = one('15', '121', {}, { compiled: allowing });
      assert.deepEqual(high.findings[0]!.details, { value: 121, max: 120, basis: 'plan' });
      // max from the plan overrides the unit's bound both ways: a percentage may go to 150, beds only to 50.
      assert.equal(one('14', '120', {}, { compiled: allowing }).results[0]!.value, 120);
      assert.deepEqual(codesOf(one('11', '60', {}, { compiled: allowing })), ['out-of-range']);
      assert.deepEqual(codesOf(one('11', '60')), [], 'without the plan max, 60 beds per 10,000 is plausible');
    });

    it('a plan file with min above max is refused', () => {
      assert.throws(() => variant({ '15': { min: 10, max: 5 } }), /min must not exceed max/);
    });

    it('8.342.216 jobs against a target of 160.000 is an outlier: a warning until a note explains it, then info', () => {
      const r = one('2', '8.342.216');
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['outlier', 'warning']]);
      const f = r.findings[0]!;
      assert.match(f.message.vi, /^8\.342\.216 lượt người\/năm của chỉ tiêu 2 lớn hơn 10 lần chỉ tiêu năm 2023 \(160\.000 lượt người \/năm\), số liệu cơ sở năm 2020 \(180\.578\)/);
      assert.match(f.message.en, /is more than 10 times the 2023 target \(160,000 lượt người\/năm\), the 2020 baseline \(180,578\): an outlier/);
      assert.deepEqual(f.details, { value: 8342216, references: [{ kind: 'target', value: 160000, side: 'above' }, { kind: 'baseline', value: 180578, side: 'above' }] });
      assert.equal(r.results[0]!.evaluation!.year.verdict, 'met', 'the verdict stays; the warning asks for a check');
      const noted = one('2', '8.342.216', { note: 'Gồm cả lao động được hỗ trợ qua sàn giao dịch việc làm trực tuyến' });
      assert.deepEqual(noted.findings.map((x) => [x.code, x.severity]), [['outlier', 'info']]);
      assert.match(noted.findings[0]!.hint.en, /explained it in the note/);
      // Just under ten times is no outlier.
      assert.deepEqual(codesOf(one('2', '1.600.000')), []);
    });

    it('ten times below the target or last year is an outlier too; it replaces the large-change warning', () => {
      const tiny = one('2', '12.000', { note: '' });
      assert.deepEqual(codesOf(tiny), ['target-missed', 'note-required', 'outlier']);
      assert.match(only(tiny, 'outlier')[0]!.message.en, /less than a tenth of the 2023 target/);
      const jump = one('14', '95,2', {}, { previous: { '14': 8 } });
      assert.deepEqual(codesOf(jump), ['outlier']);
      assert.deepEqual(only(jump, 'outlier')[0]!.details, { value: 95.2, references: [{ kind: 'previous', value: 8, side: 'above' }] });
      assert.match(only(jump, 'outlier')[0]!.message.vi, /lớn hơn 10 lần số liệu cùng kỳ năm trước \(8\)/);
      assert.deepEqual(codesOf(one('14', '95,2', {}, { previous: { '14': 80 } })), ['large-change']);
      // A percentage near zero is ten times smaller without being doubtful: it must also move more than a point.
      // (2021: "Cơ bản không còn hộ nghèo" is qualitative, so only last year's value is compared.)
      const poverty = (value: string, previous: number) => one('7', value, { answer: 'Đạt' }, { period: '2021', previous: { '7': previous } });
      assert.deepEqual(codesOf(poverty('0,05', 0.6)), []);
      assert.deepEqual(codesOf(poverty('0,3', 4)), ['outlier']);
    });

    it('a partial report of a yearly amount is compared with the pro-rata share of the target and baseline', () => {
      // 6 months of "160.000 lượt người/năm": 80.000 pro rata, the 2020 baseline 180.578 → 90.289.
      assert.deepEqual(codesOf(one('2', '9.100', {}, { period: '2023-6M' })).filter((c) => c === 'outlier'), []);
      const low = only(one('2', '7.000', {}, { period: '2023-6M' }), 'outlier');
      assert.deepEqual(low[0]!.details, { value: 7000, references: [{ kind: 'target', value: 80000, side: 'below' }, { kind: 'baseline', value: 90289, side: 'below' }] });
      assert.match(low[0]!.message.vi, /chỉ tiêu năm 2023 \(160\.000 lượt người \/năm theo tiến độ 6 tháng: 80\.000\)/);
      assert.match(low[0]!.message.en, /the 2023 target \(160,000 lượt người\/năm, pro rata for 6 months: 80,000\), the 2020 baseline \(pro rata for 6 months: 90,289\)/);
    });

    it('a contributor figure (one district of the city) is not compared with the citywide target', () => {
      const r = validate({ agencyId: 'hn-q-ba-dinh', period: '2023', entries: [{ code: '2', value: 5000 }, { code: '27', value: 60, denominator: 14 }, { code: '21', value: 100, denominator: 14 }] });
      assert.deepEqual(codesOf(r), []);
    });

    it('a value written in another unit is an error with a hint, never read in the indicator unit', () => {
      const units = variant({ '11': { unit: 'tấn' }, '12': { unit: '‰' } });
      const kg = one('11', '24.000 kg', {}, { compiled: units });
      assert.deepEqual(kg.findings.map((f) => [f.code, f.severity]), [['unit-mismatch', 'error']]);
      assert.match(kg.findings[0]!.message.vi, /tính bằng "tấn" nhưng giá trị ghi theo "kg"/);
      assert.equal(kg.findings[0]!.hint.vi, 'Ghi giá trị theo đơn vị tấn');
      assert.equal(kg.findings[0]!.hint.en, 'Write the value in tấn');
      assert.equal(kg.results[0]!.value, null);
      assert.equal(kg.valid, false);
      const perMille = one('12', '0,9%', {}, { compiled: units });
      assert.deepEqual(perMille.findings.map((f) => [f.code, f.severity, f.hint.en]), [['unit-mismatch', 'error', 'Write the value in ‰']]);
      assert.equal(perMille.results[0]!.value, null);
      const people = one('14', '85 người');
      assert.deepEqual(people.findings.map((f) => [f.code, f.severity, f.hint.vi]), [['unit-mismatch', 'error', 'Ghi giá trị theo đơn vị %']]);
      // An Excel percent format on a count of beds is a percentage too.
      assert.deepEqual(codesOf(one('11', 0.285, { numberFormat: '0.0%' })), ['unit-mismatch']);
      for (const [code, value] of [['11', '24 tấn'], ['11', '24 tan'], ['12', '9‰'], ['12', '9 ‰'], ['12', '9 phần nghìn']] as const) {
        const r = one(code, value, {}, { compiled: units });
        assert.deepEqual(codesOf(r).filter((c) => c !== 'outlier' && c !== 'target-missed' && c !== 'note-required'), [], value);
        assert.notEqual(r.results[0]!.value, null, value);
      }
    });

    it('the indicator unit in any obvious spelling is accepted; words after it are a remark', () => {
      const accepted: Array<[string, string]> = [
        ['2', '160.000 người'],
        ['2', '160.000 lượt người'],
        ['2', '160.000 luot nguoi'],
        ['2', '160.000 lượt người/năm'],
        ['2', '160.000 lượtngười'],
        ['12', '14,3 bác sĩ/vạn dân'],
        ['12', '14,3 bác sỹ trên 10.000 dân'],
        ['12', '14,3 bac sy/van dan'],
        ['12', '14,3 bác sỹ'],
        ['14', '95 %'],
        ['14', '95 phần trăm'],
        ['11', '28,5 giường/vạn dân'],
      ];
      for (const [code, value] of accepted) {
        const r = one(code, value);
        assert.deepEqual(codesOf(r), [], value);
        assert.notEqual(r.results[0]!.value, null, value);
      }
      const remark = one('2', '160.000 lượt người (ước)');
      assert.deepEqual(codesOf(remark), ['unexpected-text']);
      assert.match(remark.findings[0]!.message.vi, /"\(ước\)"/);
      assert.equal(remark.results[0]!.value, 160000);
      assert.deepEqual(codesOf(one('14', '95 ước tính')), ['unexpected-text']);
      assert.deepEqual(codesOf(one('14', '95 người')), ['unit-mismatch']);
      assert.deepEqual(codesOf(one('2', '160.000 kg')), ['unit-mismatch']);
    });
  });

  describe('rules between indicators (BHXH report)', () => {
    const bhxh = (v3: number, v31: number, v32: number) =>
      validate({
        agencyId: 'hn-bhxh',
        period: '2023',
        entries: [
          { code: '3', value: v3 },
          { code: '3.1', value: v31 },
          { code: '3.2', value: v32 },
          { code: '4', value: 39 },
          { code: '5', value: 50 },
          { code: '6', value: '93,5' },
        ],
      });

    it('BHXH reports 3, 3.1, 3.2, 4, 5 and 6', () => {
      assert.deepEqual(rowsOf('hn-bhxh', '2023').map((x) => x.code), ['3', '3.1', '3.2', '4', '5', '6']);
    });

    it('3 = 3.1 + 3.2 satisfied, also within its 0,1-point tolerance', () => {
      assert.deepEqual(codesOf(bhxh(45, 43, 2)), []);
      assert.deepEqual(codesOf(bhxh(45.1, 43, 2)), []);
    });

    it('3 = 3.1 + 3.2 violated is a warning on 3 with both sides in the details', () => {
      const r = bhxh(46, 43, 2);
      assert.deepEqual(r.findings.map((f) => [f.code, f.rule, f.indicator, f.severity]), [['rule-violated', 'ind-3-sum', '3', 'warning']]);
      assert.deepEqual(r.findings[0]!.details, { total: 46, sum: 45, terms: ['3.1', '3.2'] });
      assert.equal(r.valid, true);
    });

    it('a part above its whole (indicatorNotAbove) is an error', () => {
      const r = bhxh(45, 46, 2);
      assert.deepEqual(
        r.findings.map((f) => [f.code, f.rule, f.severity]),
        [
          ['rule-violated', 'ind-3-sum', 'warning'],
          ['rule-violated', 'ind-3.1-not-above-3', 'error'],
        ],
      );
      assert.deepEqual(r.findings[1]!.details, { part: 46, whole: 45 });
      assert.equal(r.valid, false);
    });

    it('a rule with a term missing is not checked', () => {
      const r = validate({ agencyId: 'hn-bhxh', period: '2023', entries: [{ code: '3', value: 46 }, { code: '3.1', value: 43 }] }, false);
      assert.deepEqual(codesOf(r), []);
    });
  });

  describe('documents and projects', () => {
    const withRows = (documents: ValidationInput['documents'], projects: ValidationInput['projects']) =>
      validate({ agencyId: 'hn-syt', period: '2023', entries: sytReport().entries, previous: { '17': 5.4 }, documents, projects });

    it('Sở Y tế leads 7 documents and the 13 health projects', () => {
      const a = assignmentFor(p207(), register(), 'hn-syt', parsePeriod('2023')!);
      assert.deepEqual(a.documents, ['2021-Q1.1', '2021-Q2.4', '2021-Q4.3', '2021-Q4.4', '2021-Q4.5', '2021-Q4.6', '2022.1']);
      assert.equal(a.projects.length, 13);
      assert.ok(a.projects.every((c) => c.startsWith('A.')));
    });

    it('a properly issued document and a plausible disbursement give no finding', () => {
      const r = withRows(
        [{ code: '2021-Q1.1', status: 'issued', reference: 'Quyết định 1234/QĐ-UBND', issuedOn: '2021-03-15' }, { code: '2022.1', status: 'notIssued' }],
        [{ code: 'A.I.1', disbursed: '28.305' }, { code: 'A.I.2', disbursed: 120000 }],
      );
      assert.deepEqual(r.findings, []);
    });

    it('documents: unknown code, issued without number, issued after the cut-off', () => {
      const r = withRows(
        [
          { code: 'X.1', status: 'issued', reference: 'QĐ 1' },
          { code: '2021-Q1.1', status: 'issued' },
          { code: '2021-Q2.4', status: 'issued', reference: 'Quyết định 99/QĐ-UBND', issuedOn: '2024-01-05' },
        ],
        [],
      );
      assert.deepEqual(
        r.findings.map((f) => [f.code, f.document, f.severity]),
        [
          ['unknown-document', 'X.1', 'error'],
          ['document-reference-missing', '2021-Q1.1', 'warning'],
          ['document-after-period', '2021-Q2.4', 'warning'],
        ],
      );
    });

    it('projects: unknown code, unreadable, negative and over-budget disbursements', () => {
      const r = withRows(
        [],
        [
          { code: 'Z.9', disbursed: 1 },
          { code: 'A.I.1', disbursed: 'nhiều' },
          { code: 'A.I.2', disbursed: -5 },
          { code: 'A.I.3', disbursed: '1.500.000' },
          { code: 'A.I.4', disbursed: null },
        ],
      );
      assert.deepEqual(
        r.findings.map((f) => [f.code, f.project, f.severity]),
        [
          ['unknown-project', 'Z.9', 'error'],
          ['not-a-number', 'A.I.1', 'error'],
          ['negative', 'A.I.2', 'error'],
          ['project-over-budget', 'A.I.3', 'warning'],
        ],
      );
    });
  });

  describe('after the 2025 reorganisation', () => {
    const codes = (agency: string, period: string) => rowsOf(agency, period).map((x) => x.code);

    it('the catalog tags the former Sở LĐTBXH indicators with their policy field', () => {
      const field = (code: string) => p207().indicators.get(code)!.field;
      assert.deepEqual(
        ['1', '2', '7', '9', '10', '20', '21', '24', '25', '26', '27'].map((c) => [c, field(c)]),
        [
          ['1', 'employment'],
          ['2', 'employment'],
          ['7', 'poverty'],
          ['9', 'social-protection'],
          ['10', 'social-protection'],
          ['20', 'merit'],
          ['21', 'social-protection'],
          ['24', 'children'],
          ['25', 'children'],
          ['26', 'social-protection'],
          ['27', 'social-evils'],
        ],
      );
    });

    it('Sở Y tế takes the social-protection, children and social-evils indicators in 2025', () => {
      assert.deepEqual(codes('hn-syt', '2025'), ['9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '24', '25', '26', '27']);
      assert.deepEqual(codes('hn-syt', '2025-6M'), codes('hn-syt', '2025'), 'already by the 14 June cut-off');
      assert.deepEqual(codes('hn-syt', '2024'), ['11', '12', '13', '14', '15', '16', '17', '18', '19']);
    });

    it('Sở Nội vụ takes employment, poverty and merit (1, 2, 7, 20); Sở LĐTBXH reports nothing any more', () => {
      assert.deepEqual(codes('hn-snv', '2025'), ['1', '2', '7', '20']);
      assert.deepEqual(codes('hn-snv', '2024'), []);
      assert.deepEqual(codes('hn-sldtbxh', '2025'), []);
      assert.deepEqual(codes('hn-sldtbxh', '2024'), ['1', '2', '7', '9', '10', '20', '21', '24', '25', '26', '27']);
      assert.deepEqual(codes('hn-sgddt', '2025'), ['8', '22']);
    });

    it('a 2025 report of Sở Y tế on the inherited indicators is required and judged as lead', () => {
      const entries = rowsOf('hn-syt', '2025')
        .filter((x) => !['9', '24'].includes(x.code))
        .map((x) => ({ code: x.code, value: ({ '17': '5,1', '11': '31', '12': '15', '14': '100', '15': '76,5', '16': '2,1', '18': '85', '19': '90', '26': '74' } as Record<string, string>)[x.code] ?? '100' }));
      const r = validate({ agencyId: 'hn-syt', period: '2025', entries, previous: { '17': 5.2 } });
      assert.deepEqual(r.findings.map((f) => [f.code, f.indicator]), [['required', '9'], ['required', '24']]);
      assert.ok(r.results.filter((x) => ['10', '21', '25', '26', '27'].includes(x.code)).every((x) => x.role === 'lead' && x.evaluation?.year.verdict === 'met'));
    });
  });

  describe('scale', () => {
    /** A cell that meets the indicator's target of the year, as an official would type it. */
    function meetingEntry(indicator: Indicator, year: number): EntryInput {
      const target = indicator.targets[String(year)]?.target;
      const vi = (n: number) => String(Math.round(n * 100) / 100).replace('.', ',');
      if (!target || target.kind === 'unparsed') return { code: indicator.code, value: '1' };
      switch (target.kind) {
        case 'qualitative':
          return indicator.valueType === 'qualitative' ? { code: indicator.code, value: 'Đạt' } : { code: indicator.code, value: '0,5', answer: 'Đạt' };
        case 'below':
        case 'atMost':
          return { code: indicator.code, value: vi(target.value * 0.9) };
        case 'above':
          return { code: indicator.code, value: vi(Math.min(target.value + 0.5, 100)) };
        case 'range':
          return { code: indicator.code, value: vi(target.min) };
        case 'change':
          return { code: indicator.code, value: vi(5 - target.amount) };
        default:
          return { code: indicator.code, value: indicator.valueType === 'integer' ? '160.000' : vi(target.value) };
      }
    }

    it('validates 100,000 values (4,000 reports × 25 entries) in under 5 s: targets are parsed once per plan', function () {
      this.timeout(60_000);
      const compileStart = performance.now();
      const compiled = compilePlan(JSON.parse(JSON.stringify(p207().plan)));
      const compileMs = performance.now() - compileStart;
      const codes = compiled.order.filter((c) => c !== '3').slice(0, 25);
      assert.equal(codes.length, 25);
      const periods = ['2023', '2023-9M', '2025'];
      const clean = new Map(periods.map((id) => [id, codes.map((code) => meetingEntry(compiled.indicators.get(code)!, parsePeriod(id)!.year))]));
      // One cell in ten is a typo, a formula or an ambiguous number; one in five has a note.
      const noise: Array<EntryInput['value']> = ['abc', '=SUM(A1)', '1.036', '-5', '101%'];
      const agencies = ['hn-syt', 'hn-sldtbxh', 'hn-bhxh', 'hn-q-ba-dinh', 'hn-sgddt', 'hn-snv'];
      const reg = register();
      let values = 0;
      let findings = 0;
      const start = performance.now();
      for (let i = 0; i < 4_000; i++) {
        const period = periods[i % periods.length]!;
        const entries = clean.get(period)!.map((e, k) => ({
          ...e,
          ...((i + k) % 10 === 0 ? { value: noise[(i + k) % noise.length] } : {}),
          note: (i + k) % 5 === 0 ? 'Ghi chú của đơn vị' : '',
        }));
        const r = validateReport(compiled, { agencyId: agencies[i % agencies.length]!, period, entries, previous: { '17': 5 } }, { register: reg });
        values += r.results.length;
        findings += r.findings.length;
      }
      const ms = performance.now() - start;
      console.log(`      compile: ${compileMs.toFixed(1)} ms; validate ${values} values: ${ms.toFixed(0)} ms (${findings} findings)`);
      assert.equal(values, 100_000);
      assert.ok(findings > 10_000, 'the noise was found');
      assert.ok(ms < 5_000, `validating 100,000 values took ${ms.toFixed(0)} ms`);
    });
  });

  after(() => {
    // Sanity: the bilingual check above ran on a real number of findings.
    assert.ok(checkedFindings > 50, `only ${checkedFindings} findings were checked for messages and hints`);
  });
});
