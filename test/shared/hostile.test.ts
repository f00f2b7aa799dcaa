/**
 * Hostile and careless input: whatever a workbook, a browser or a script sends,
 * validateReport and consolidate never throw, never take a bad cell as a number, and say
 * what is wrong in findings (Vietnamese and English, with a hint).
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { consolidate } from '../../shared/consolidate';
import type { ConsolidatedTable, ReportRecord } from '../../shared/consolidate';
import { missingPlaceholders } from '../../shared/catalogue';
import { findingEntry } from '../../shared/findings';
import type { Finding, FindingCode } from '../../shared/findings';
import { validateReport } from '../../shared/validate';
import type { ValidationInput, ValidationReport } from '../../shared/validate';
import { plan, register } from '../fixtures/hanoi';

const p207 = () => plan('hn-kh207-2021');

function assertReadable(findings: readonly Finding[]): void {
  for (const f of findings) {
    assert.ok(typeof f.code === 'string' && f.code.length > 0);
    assert.ok(['error', 'warning', 'info'].includes(f.severity), f.code);
    for (const t of [f.message, f.hint]) {
      assert.ok(typeof t.vi === 'string' && t.vi.trim() !== '' && typeof t.en === 'string' && t.en.trim() !== '', `${f.code}: empty text`);
      assert.ok(t.vi.length < 2_000 && t.en.length < 2_000, `${f.code}: a message repeats the hostile input (${t.vi.length} characters)`);
    }
    // Its words were rendered from the catalogue with every parameter its templates need.
    assert.deepEqual(missingPlaceholders(findingEntry(f.code), f.params, f.variant), [], `${f.code}: a placeholder without its parameter`);
  }
}

/** Validates untrusted input (typed as anything) and checks the report is well formed. */
function validateAny(input: unknown, withRegister = true): ValidationReport {
  const r = validateReport(p207(), input as ValidationInput, withRegister ? { register: register() } : {});
  assertReadable(r.findings);
  assert.equal(r.valid, r.findings.every((f) => f.severity !== 'error'));
  assert.equal(r.stats.errors + r.stats.warnings + r.stats.infos, r.findings.length);
  assert.ok(JSON.stringify(r).length > 0, 'the report serialises');
  return r;
}

function consolidateAny(input: unknown): ConsolidatedTable {
  const t = consolidate(p207(), register(), input as never);
  assertReadable(t.findings);
  for (const row of t.rows) {
    assert.ok(row.value === null || Number.isFinite(row.value), `row ${row.code}: ${row.value}`);
    for (const n of row.notes) assert.ok(n.vi && n.en);
  }
  assert.ok(JSON.stringify(t).length > 0);
  return t;
}

/** Any value as text for an assertion message; never throws. */
function show(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const codes = (r: { findings: readonly Finding[] }, indicator?: string) => r.findings.filter((f) => indicator === undefined || f.indicator === indicator).map((f) => f.code);
const one = (code: string, entry: Record<string, unknown>, agencyId = 'hn-syt', period = '2023') => validateAny({ agencyId, period, entries: [{ code, ...entry }] }, false);

describe('hostile input', () => {
  describe('values', () => {
    const cases: Array<[unknown, FindingCode]> = [
      [Number.NaN, 'not-finite'],
      [Number.POSITIVE_INFINITY, 'not-finite'],
      [Number.NEGATIVE_INFINITY, 'not-finite'],
      [1e308, 'implausible-magnitude'],
      [-1e308, 'implausible-magnitude'],
      ['1' + '0'.repeat(20), 'implausible-magnitude'],
      ['=HYPERLINK("http://x","y")', 'formula-like-text'],
      ['@SUM(A1)', 'formula-like-text'],
      ['+1+1', 'formula-like-text'],
      ['=1', 'formula-like-text'],
      ['-A1', 'formula-like-text'],
      ['-', 'not-a-number'],
      ['1e308', 'not-a-number'],
      ['0x1F', 'not-a-number'],
      ['NaN', 'not-a-number'],
      ['Infinity', 'not-a-number'],
      ['<script>alert(1)</script>', 'not-a-number'],
      ['9'.repeat(10_000), 'too-long'],
      [true, 'not-a-number'],
      [{ valueOf: () => 95 }, 'not-a-number'],
      [[95], 'not-a-number'],
    ];
    for (const [value, code] of cases) {
      const label = typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : Array.isArray(value) ? '[95]' : typeof value === 'object' ? '{valueOf}' : inspect(value);
      it(`${label} → ${code}, and no value`, () => {
        for (const indicator of ['11', '14']) {
          const r = one(indicator, { value });
          assert.deepEqual(codes(r), [code], `indicator ${indicator}`);
          assert.equal(r.findings[0]!.severity, 'error');
          assert.equal(r.results[0]!.value, null);
          assert.equal(r.valid, false);
        }
      });
    }

    it('-0 is zero', () => {
      const r = one('11', { value: -0 });
      assert.ok(r.results[0]!.value === 0);
      assert.ok(!codes(r).includes('negative'));
    });

    it('an object with a throwing toString is reported, not thrown', () => {
      const evil = {
        toString() {
          throw new Error('boom');
        },
      };
      const errorsOf = (field: string) =>
        validateAny({ agencyId: 'hn-q-ba-dinh', period: '2021', entries: [{ code: '21', [field]: evil }, { code: '20', [field]: evil }, { code: '7', [field]: evil }] })
          .findings.filter((f) => f.severity === 'error')
          .map((f) => `${f.code} ${f.indicator ?? ''}`);
      // Where the engine reads the field, the unreadable object is an error on that row; elsewhere it is ignored (validateAny checks the report is well formed).
      assert.ok(errorsOf('value').includes('not-a-number 21') && errorsOf('value').includes('not-a-number 7'), errorsOf('value').join(', '));
      assert.ok(errorsOf('denominator').includes('denominator-invalid 21'), errorsOf('denominator').join(', '));
      assert.ok(errorsOf('answer').includes('answer-not-allowed 20'), errorsOf('answer').join(', '));
      assert.equal(errorsOf('code').filter((c) => c.startsWith('unknown-indicator')).length, 3);
      for (const field of ['note', 'numberFormat']) assert.deepEqual(errorsOf(field), errorsOf('unused'), `${field}: the same as without it`);
      assert.deepEqual(codes(validateAny({ agencyId: evil, period: evil, entries: [] })), ['unknown-period']);
      assert.deepEqual(codes(consolidateAny({ period: evil, reports: [] })), ['unknown-period']);
    });

    it('hostile answers on qualitative rows are not answers', () => {
      for (const answer of ['=HYPERLINK("http://x","y")', '@SUM(A1)', 'x'.repeat(10_000), 42, Number.NaN, {}]) {
        const r = one('20', { value: answer }, 'hn-sldtbxh');
        assert.deepEqual(codes(r), ['answer-not-allowed'], inspect(answer).slice(0, 20));
        const beside = one('7', { value: '0,5', answer }, 'hn-sldtbxh', '2021');
        assert.deepEqual(codes(beside), ['answer-not-allowed'], inspect(answer).slice(0, 20));
      }
    });

    it('hostile denominators are invalid', () => {
      for (const denominator of [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, '=A1', '@x', '1e9999', {}]) {
        const r = validateAny({ agencyId: 'hn-q-ba-dinh', period: '2023', entries: [{ code: '21', value: 100, denominator }] });
        assert.ok(codes(r).includes('denominator-invalid'), inspect(denominator));
      }
    });
  });

  describe('notes', () => {
    it('a 10,000-character note is too long (a warning; the note is kept)', () => {
      const note = 'Nguyên nhân chưa đạt '.repeat(500).slice(0, 10_000);
      const r = one('14', { value: 95, note });
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['note-too-long', 'warning']]);
      assert.equal(r.results[0]!.note, note);
      assert.ok(r.findings[0]!.message.vi.length < 200);
    });

    it('a note starting like a formula is stored as text, with an information finding', () => {
      for (const note of ['=HYPERLINK("http://x","y")', '@SUM(A1)', '+1+1', '-giảm do dịch bệnh', '\t=1']) {
        const r = one('14', { value: 95, note });
        assert.deepEqual(r.findings.map((f) => [f.code, f.severity, f.field]), [['formula-like-text', 'info', 'note']], note);
        assert.equal(r.results[0]!.note, note);
      }
    });

    it('a missed target with only a formula-like note still counts as explained', () => {
      const r = one('14', { value: 80, note: '=HYPERLINK("http://x","y")' });
      assert.deepEqual(codes(r), ['formula-like-text', 'target-missed']);
    });
  });

  describe('the shape of the report', () => {
    it('nulls and wrong types anywhere', () => {
      const bad: unknown[] = [
        null,
        undefined,
        42,
        'report',
        [],
        {},
        { agencyId: null, period: null, entries: null, documents: null, projects: null, previous: null },
        { agencyId: 'hn-syt', period: '2023', entries: [null, 1, 'x', [], { code: null }, { code: 14, value: 95 }, { code: {} }] },
        { agencyId: 'hn-syt', period: '2023', entries: 'not a list', documents: [null, {}, { code: 5 }], projects: [null, { code: [] }, { code: 'A.I.1', disbursed: {} }] },
        { agencyId: 'hn-syt', period: '2023', entries: [], previous: 'x' },
        { agencyId: 'hn-syt', period: '2023', entries: [{ code: '17', value: 5 }], previous: { '17': Number.NaN } },
        { agencyId: 'hn-syt', period: '2023', entries: [{ code: '__proto__', value: 1 }, { code: 'constructor', value: 1 }, { code: 'toString' }] },
      ];
      for (const input of bad) {
        assert.doesNotThrow(() => validateAny(input), JSON.stringify(input));
        assert.doesNotThrow(() => validateAny(input, false), JSON.stringify(input));
      }
      const r = validateAny(bad[7]);
      assert.equal(codes(r).filter((c) => c === 'unknown-indicator').length, 7);
      const proto = validateAny(bad[11], false);
      assert.deepEqual(codes(proto), ['unknown-indicator', 'unknown-indicator', 'unknown-indicator']);
      const nan = validateAny(bad[10], false);
      assert.deepEqual(codes(nan), ['previous-missing']);
    });

    it('unknown period ids are errors, and nothing is judged', () => {
      for (const period of ['abc', '2023-4M', '2023-12M', '23', '', ' 2023', null, 42, {}, '2023-6M; DROP TABLE']) {
        const r = validateAny({ agencyId: 'hn-syt', period, entries: [{ code: '14', value: 95 }] });
        assert.deepEqual(r.findings.map((f) => [f.code, f.severity, f.field]), [['unknown-period', 'error', 'period']], inspect(period));
        assert.deepEqual(r.results, []);
        assert.ok(r.findings[0]!.message.vi.length < 200);
      }
    });

    it('periods outside the plan are errors, but the cells are still read', () => {
      for (const period of ['2019', '2020-6M', '2026', '2030-9M']) {
        const r = validateAny({ agencyId: 'hn-syt', period, entries: [{ code: '14', value: 'abc' }] });
        assert.equal(r.findings[0]!.code, 'unknown-period', period);
        assert.ok(codes(r).includes('not-a-number'), period);
        assert.equal(r.valid, false);
      }
    });

    it('a period kind the plan does not schedule is an error listing the periods it does', () => {
      const r = validateAny({ agencyId: 'hn-syt', period: '2023-3M', entries: [{ code: '14', value: 95 }] }, false);
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['unknown-period', 'error']]);
      assert.equal(r.valid, false);
      assert.match(r.findings[0]!.message.vi, /không có kỳ báo cáo 2023-3M; các kỳ báo cáo của kế hoạch: 2021-6M, 2021-9M, 2021, 2022-6M/);
      assert.match(r.findings[0]!.message.en, /has no reporting period 2023-3M; the plan's reporting periods: 2021-6M, .*, 2025-9M, 2025$/);
      assert.equal((r.findings[0]!.details!.periods as string[]).length, 15);
    });

    it('5,000 entries (the most a report may hold) are checked quickly, each repeat once', () => {
      const entries = Array.from({ length: 5_000 }, (_, i) => ({ code: i % 7 === 0 ? `9${i}` : String(11 + (i % 9)), value: i % 3 === 0 ? '=1' : i, note: i % 11 === 0 ? 'x'.repeat(3_000) : '' }));
      const start = performance.now();
      const r = validateAny({ agencyId: 'hn-syt', period: '2023', entries });
      const ms = performance.now() - start;
      assert.ok(ms < 2_000, `${ms} ms`);
      const count = (c: FindingCode) => codes(r).filter((x) => x === c).length;
      assert.equal(count('unknown-indicator'), Math.ceil(5_000 / 7));
      assert.equal(r.results.length, 9);
      assert.equal(count('duplicate-entry'), 5_000 - Math.ceil(5_000 / 7) - 9);
    });
  });

  describe('consolidation', () => {
    it('hostile cells of counted reports become findings tagged with the agency, never values', () => {
      const t = consolidateAny({
        period: '2023',
        reports: [
          {
            agencyId: 'hn-syt',
            status: 'submitted',
            entries: [
              { code: '11', value: Number.NaN },
              { code: '12', value: 1e308 },
              { code: '13', value: '=HYPERLINK("http://x","y")' },
              { code: '14', value: 95, note: 'x'.repeat(10_000) },
              { code: '15', value: '@SUM(A1)', note: '+1+1' },
              { code: '16', value: 'abc' },
            ],
            projects: [{ code: 'A.I.1', disbursed: Number.POSITIVE_INFINITY }, { code: 'A.I.2', disbursed: 1e308 }],
          },
        ],
      });
      assert.deepEqual(
        t.findings.map((f) => [f.code, f.indicator, f.agencyId]),
        [
          ['not-finite', '11', 'hn-syt'],
          ['implausible-magnitude', '12', 'hn-syt'],
          ['formula-like-text', '13', 'hn-syt'],
          ['note-too-long', '14', 'hn-syt'],
          ['formula-like-text', '15', 'hn-syt'],
          ['formula-like-text', '15', 'hn-syt'],
          ['not-a-number', '16', 'hn-syt'],
        ],
      );
      for (const code of ['11', '12', '13', '15', '16']) assert.equal(t.rows.find((r) => r.code === code)!.value, null, code);
      assert.equal(t.rows.find((r) => r.code === '14')!.value, 95);
      assert.equal(t.projects.rows.find((r) => r.code === 'A.I')!.disbursed, null);
    });

    it('unknown periods give a finding and an empty table instead of an exception', () => {
      for (const period of ['abc', '2023-4M', '', null, 42, {}]) {
        const t = consolidateAny({ period, reports: [{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '14', value: 95 }] }] });
        assert.deepEqual(t.findings.map((f) => [f.code, f.severity]), [['unknown-period', 'error']], inspect(period));
        assert.deepEqual([t.rows, t.agencies, t.summary.total, t.documents.rows], [[], [], 0, []]);
        assert.deepEqual(t.projects.violations, []);
      }
    });

    it('periods outside the plan give a finding, and the table is still built', () => {
      for (const period of ['2019', '2030-6M']) {
        const t = consolidateAny({ period, reports: [{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '14', value: 95 }] }] });
        assert.deepEqual(t.findings.map((f) => f.code), ['unknown-period']);
        assert.equal(t.rows.length, p207().order.length);
        assert.equal(t.summary.total, 27);
        assert.equal(t.rows.find((r) => r.code === '14')!.value, 95);
      }
    });

    it('malformed reports are skipped; nulls anywhere are tolerated', () => {
      const reports: unknown[] = [
        null,
        1,
        'x',
        {},
        { agencyId: 'hn-syt' },
        { agencyId: 'hn-syt', status: 'hacked', entries: [{ code: '14', value: 1 }] },
        { agencyId: 7, status: 'submitted', entries: [] },
        { agencyId: 'hn-bhxh', status: 'submitted', entries: null, documents: null, projects: null },
        { agencyId: 'hn-sgddt', status: 'submitted', entries: [null, { code: null }, { code: '8', value: 100 }], documents: [null, { code: 3 }], projects: [null, {}] },
      ];
      const t = consolidateAny({ period: '2023', reports });
      assert.equal(t.rows.find((r) => r.code === '14')!.value, null);
      assert.equal(t.rows.find((r) => r.code === '8')!.value, 100);
      assert.equal(t.agencies.find((a) => a.agencyId === 'hn-bhxh')!.status, 'submitted');
      for (const input of [null, undefined, {}, { period: '2023' }, { period: '2023', reports: 'x' }, { period: '2023', reports: [], previous: 'x' }]) {
        assert.doesNotThrow(() => consolidateAny(input), JSON.stringify(input));
      }
    });

    it('4,000 reports of 25 hostile entries each consolidate in reasonable time', function () {
      this.timeout(30_000);
      const hostile = ['=1', '@x', Number.NaN, 1e308, 'abc', '1.036', -5, '', null];
      const reports: ReportRecord[] = Array.from({ length: 4_000 }, (_, i) => ({
        agencyId: `x-${i}`,
        status: 'submitted',
        entries: Array.from({ length: 25 }, (_, k) => ({ code: p207().order[k % p207().order.length]!, value: hostile[(i + k) % hostile.length] as never })),
      }));
      const start = performance.now();
      const t = consolidateAny({ period: '2023', reports });
      const ms = performance.now() - start;
      console.log(`      consolidate 4,000 hostile reports: ${ms.toFixed(0)} ms, ${t.findings.length} findings`);
      assert.ok(ms < 10_000, `${ms} ms`);
      assert.ok(t.rows.every((r) => r.source === 'none' || r.contributions.every((c) => c.role === 'other')));
    });
  });

  describe('properties (fast-check)', () => {
    const indicatorCodes = ['1', '2', '3', '3.1', '7', '11', '14', '17', '20', '21', '27', '99', '', ' 14 '];
    const cell = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.double(),
      fc.integer(),
      fc.constantFrom(null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, '=1', '@A1', '+1+1', '1.036', '1,036', '-0', '100%', 'Cơ bản đạt', 'Đạt (0,5%)', '160.000 lượt người'),
      fc.anything({ maxDepth: 1 }),
    );
    const entry = fc.record({ code: fc.oneof(fc.constantFrom(...indicatorCodes), fc.anything({ maxDepth: 0 })), value: cell, answer: cell, denominator: cell, note: cell, numberFormat: cell }, { requiredKeys: [] });
    const period = fc.oneof(fc.constantFrom('2021', '2021-6M', '2023', '2023-9M', '2023-3M', '2025', '2025-6M', '2030', 'x'), fc.anything({ maxDepth: 0 }));
    const agency = fc.oneof(fc.constantFrom('hn-syt', 'hn-sldtbxh', 'hn-snv', 'hn-bhxh', 'hn-q-ba-dinh', 'nope'), fc.anything({ maxDepth: 0 }));

    it('validateReport never throws, on any entries, period, agency, documents, projects and previous values', () => {
      fc.assert(
        fc.property(agency, period, fc.array(fc.oneof(entry, fc.anything({ maxDepth: 1 })), { maxLength: 8 }), fc.anything({ maxDepth: 2 }), fc.anything({ maxDepth: 2 }), fc.anything({ maxDepth: 1 }), (a, p, entries, documents, projects, previous) => {
          validateAny({ agencyId: a, period: p, entries, documents, projects, previous });
          validateAny({ agencyId: a, period: p, entries }, false);
        }),
        { numRuns: 1_500 },
      );
    });

    it('a cell is either read as a plausible number or reported as an error, never silently misread', () => {
      fc.assert(
        fc.property(cell, fc.constantFrom('2', '11', '14', '1'), (value, code) => {
          const r = validateAny({ agencyId: 'x', period: '2023', entries: [{ code, value: value as never }] }, false);
          const read = r.results[0]?.value ?? null;
          const errors = r.findings.filter((f) => f.severity === 'error' && f.field === 'value');
          const blank = value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
          if (read === null) assert.ok(blank || errors.length > 0, `${show(value)} was dropped silently: ${JSON.stringify(r.findings)}`);
          else {
            assert.equal(errors.length, 0);
            assert.ok(Number.isFinite(read) && read >= 0 && Math.abs(read) <= 1e15, `${show(value)} → ${read}`);
            if (code !== '11') assert.ok(read <= (code === '2' ? 1e15 : 100), `${show(value)} → ${read}`);
          }
        }),
        { numRuns: 3_000 },
      );
    });

    it('consolidate never throws on any reports, and its summary always adds up', () => {
      const report = fc.record(
        {
          agencyId: fc.oneof(agency, fc.constantFrom('hn-q-hoan-kiem', 'hn-sgddt')),
          status: fc.oneof(fc.constantFrom('draft', 'submitted', 'late', 'approved', 'returned'), fc.anything({ maxDepth: 0 })),
          entries: fc.oneof(fc.array(entry, { maxLength: 6 }), fc.anything({ maxDepth: 1 })),
          documents: fc.anything({ maxDepth: 2 }),
          projects: fc.oneof(fc.array(fc.record({ code: fc.constantFrom('A.I.1', 'B.V.2', 'Z'), disbursed: cell })), fc.anything({ maxDepth: 1 })),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(period, fc.array(fc.oneof(report, fc.anything({ maxDepth: 1 })), { maxLength: 5 }), fc.boolean(), fc.anything({ maxDepth: 1 }), (p, reports, includeDrafts, previous) => {
          const t = consolidateAny({ period: p, reports, includeDrafts, previous });
          const total = t.summary.categories.reduce((s, c) => s + c.count, 0);
          assert.equal(total, t.summary.total);
          if (t.summary.total > 0) assert.equal(Math.round(t.summary.categories.reduce((s, c) => s + c.share, 0) * 10), 1000);
        }),
        { numRuns: 800 },
      );
    });
  });
});
