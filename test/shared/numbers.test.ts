/**
 * readNumber: numbers as Vietnamese officials type them (DOMAIN.md "Numbers as people type
 * them"): `1.036.609` dot groups, `90,1` comma decimals, but also `38.4%` and `8,342,216`.
 * Where neither the writing nor the value type decides, the reading is ambiguous.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { formatNumberEn, formatNumberVi, readNumber, roundFloat } from '../../shared/numbers';
import type { NumberReading, ReadHint } from '../../shared/numbers';

const integer: ReadHint = { valueType: 'integer' };
const number: ReadHint = { valueType: 'number' };
const percent: ReadHint = { valueType: 'percent' };

function value(reading: NumberReading): number {
  assert.equal(reading.kind, 'number', `expected a number, got ${JSON.stringify(reading)}`);
  return reading.value;
}

describe('readNumber', () => {
  describe('plain forms', () => {
    it('85 → 85', () => {
      assert.deepEqual(readNumber('85'), { kind: 'number', value: 85, percent: false });
    });
    it('85% → 85 with the percent sign noted', () => {
      assert.deepEqual(readNumber('85%'), { kind: 'number', value: 85, percent: true });
      assert.deepEqual(readNumber('85 %'), { kind: 'number', value: 85, percent: true });
    });
    it('85,5 (comma decimal) and 85.5 (dot decimal) → 85.5', () => {
      assert.deepEqual(readNumber('85,5'), { kind: 'number', value: 85.5, percent: false });
      assert.deepEqual(readNumber('85.5'), { kind: 'number', value: 85.5, percent: false });
      assert.deepEqual(readNumber('85,5%'), { kind: 'number', value: 85.5, percent: true });
    });
    it('04 → 4 (leading zero, "04 dược sỹ")', () => {
      assert.equal(value(readNumber('04')), 4);
    });
    it('0,881 → 0.881 (a leading zero makes three decimals unambiguous)', () => {
      assert.deepEqual(readNumber('0,881', number), { kind: 'number', value: 0.881, percent: false });
      assert.deepEqual(readNumber('0.881', integer), { kind: 'number', value: 0.881, percent: false });
    });
    it('1036.609 → 1036.609 (four integer digits cannot be a thousands group)', () => {
      assert.equal(value(readNumber('1036.609', integer)), 1036.609);
    });
    it('a plus sign is accepted', () => {
      assert.equal(value(readNumber('+5')), 5);
    });
  });

  describe('one separator followed by three digits', () => {
    for (const raw of ['171.228', '171,228']) {
      const separator = raw.includes('.') ? '.' : ',';
      it(`${raw}: integer type → 171228 (thousands), saying why`, () => {
        const reading = readNumber(raw, integer);
        assert.equal(reading.kind, 'number');
        assert.equal(value(reading), 171228);
        assert.match((reading as { decidedBy?: string }).decidedBy ?? '', /thousands/);
      });
      it(`${raw}: number type → ambiguous [171228, 171.228]`, () => {
        assert.deepEqual(readNumber(raw, number), {
          kind: 'ambiguous',
          readings: [171228, 171.228],
          percent: false,
          separator,
        });
      });
      it(`${raw}: no hint → ambiguous`, () => {
        assert.equal(readNumber(raw).kind, 'ambiguous');
      });
      it(`${raw}: percent type → 171.228 (a percentage is never 171 228)`, () => {
        const reading = readNumber(raw, percent);
        assert.equal(value(reading), 171.228);
        assert.match((reading as { decidedBy?: string }).decidedBy ?? '', /decimal/);
      });
    }
    it('12.345% → 12.345 whatever the value type (the % sign makes 12 345 implausible)', () => {
      assert.equal(value(readNumber('12.345%', number)), 12.345);
      assert.equal(value(readNumber('12,345%')), 12.345);
    });
    it('a percent cap that allows the thousands reading leaves it ambiguous', () => {
      assert.deepEqual(readNumber('1.036', { valueType: 'percent', maxValue: 5000 }), {
        kind: 'ambiguous',
        readings: [1036, 1.036],
        percent: false,
        separator: '.',
      });
    });
    it('1.036 for a non-integer unit (rate per 10,000 people) → ambiguous [1036, 1.036]', () => {
      assert.deepEqual(readNumber('1.036', number), {
        kind: 'ambiguous',
        readings: [1036, 1.036],
        percent: false,
        separator: '.',
      });
      assert.deepEqual(readNumber('1,036', number), {
        kind: 'ambiguous',
        readings: [1036, 1.036],
        percent: false,
        separator: ',',
      });
    });
    it('1.036 for a count → 1036', () => {
      assert.equal(value(readNumber('1.036', integer)), 1036);
    });
  });

  describe('grouped and mixed separators', () => {
    it('1.036.609 → 1036609 (repeated dots can only group thousands)', () => {
      assert.deepEqual(readNumber('1.036.609', number), { kind: 'number', value: 1036609, percent: false });
    });
    it('8,342,216 → 8342216', () => {
      assert.deepEqual(readNumber('8,342,216', number), { kind: 'number', value: 8342216, percent: false });
    });
    it('1.036,5 → 1036.5 and 1,036.5 → 1036.5 (the last separator is the decimal)', () => {
      assert.equal(value(readNumber('1.036,5', number)), 1036.5);
      assert.equal(value(readNumber('1,036.5', number)), 1036.5);
      assert.equal(value(readNumber('1.036.609,25', number)), 1036609.25);
    });
    it('1 036 609 → 1036609 (spaces between groups)', () => {
      assert.equal(value(readNumber('1 036 609', integer)), 1036609);
      assert.equal(value(readNumber('1\u00a0036\u00a0609', integer)), 1036609);
    });
    it('1.2.3 → invalid bad-grouping', () => {
      assert.deepEqual(readNumber('1.2.3'), { kind: 'invalid', reason: 'bad-grouping' });
    });
    it('other bad groupings are invalid, not guessed', () => {
      assert.deepEqual(readNumber('12,34,567'), { kind: 'invalid', reason: 'bad-grouping' });
      assert.deepEqual(readNumber('1.036,5,5'), { kind: 'invalid', reason: 'bad-grouping' });
      assert.deepEqual(readNumber('1,03.5'), { kind: 'invalid', reason: 'bad-grouping' });
    });
    it('digits separated by a space that is not a thousands group → not a number', () => {
      assert.deepEqual(readNumber('85 5'), { kind: 'invalid', reason: 'not-a-number' });
    });
  });

  describe('magnitude words and trailing words', () => {
    it('2,5 triệu → 2500000 with the magnitude', () => {
      assert.deepEqual(readNumber('2,5 triệu', number), { kind: 'number', value: 2500000, percent: false, magnitude: 'triệu' });
    });
    it('nghìn, ngàn and tỷ', () => {
      assert.equal(value(readNumber('160 nghìn')), 160000);
      assert.equal(value(readNumber('3 ngàn')), 3000);
      assert.equal(value(readNumber('1,2 tỷ')), 1200000000);
    });
    it('words after the number are returned as trailing for the caller to judge', () => {
      assert.deepEqual(readNumber('2,5 triệu m2', number), {
        kind: 'number',
        value: 2500000,
        percent: false,
        magnitude: 'triệu',
        trailing: 'm2',
      });
      assert.deepEqual(readNumber('160.000 lượt người', integer), {
        kind: 'number',
        value: 160000,
        percent: false,
        trailing: 'lượt người',
        decidedBy: 'thousands: the indicator counts whole units',
      });
    });
    it('a word merely starting like a magnitude is not one ("5 tỉnh")', () => {
      const reading = readNumber('5 tỉnh');
      assert.equal(value(reading), 5);
      assert.equal((reading as { magnitude?: string }).magnitude, undefined);
      assert.equal((reading as { trailing?: string }).trailing, 'tỉnh');
    });
    it('with a magnitude word, 1.036 triệu stays ambiguous even for a count', () => {
      assert.deepEqual(readNumber('1.036 triệu', integer), {
        kind: 'ambiguous',
        readings: [1036000000, 1036000],
        percent: false,
        magnitude: 'triệu',
        separator: '.',
      });
    });
  });

  describe('signs', () => {
    it('negative numbers', () => {
      assert.equal(value(readNumber('-5')), -5);
      assert.equal(value(readNumber('-1.036.609')), -1036609);
      assert.equal(value(readNumber('-0,5%')), -0.5);
      assert.equal(value(readNumber('\u22123,5')), -3.5); // typographic minus
    });
    it('a negative ambiguous number keeps the sign on both readings', () => {
      assert.deepEqual(readNumber('-1.036', number), {
        kind: 'ambiguous',
        readings: [-1036, -1.036],
        percent: false,
        separator: '.',
      });
    });
  });

  describe('empty and invalid', () => {
    it('empty, whitespace, null and undefined → empty', () => {
      for (const raw of ['', '   ', '\t\n', '\u00a0', null, undefined]) {
        assert.deepEqual(readNumber(raw), { kind: 'empty' }, JSON.stringify(raw));
      }
    });
    it('NaN and ±Infinity → invalid not-finite', () => {
      for (const raw of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        assert.deepEqual(readNumber(raw), { kind: 'invalid', reason: 'not-finite' });
      }
    });
    it('1e308 as a number → read as a finite number', () => {
      assert.deepEqual(readNumber(1e308), { kind: 'number', value: 1e308, percent: false });
    });
    it('1e308 in a percent-formatted cell would overflow → invalid not-finite', () => {
      assert.deepEqual(readNumber(1e308, { numberFormat: '0%' }), { kind: 'invalid', reason: 'not-finite' });
    });
    it('formulas, words and other values → invalid not-a-number', () => {
      for (const raw of ['=HYPERLINK("x")', '=SUM(A1:A3)', 'abc', 'NaN', 'Infinity', '%', '.5', ',5', true, {}, [], Symbol('x'), 5n]) {
        assert.deepEqual(readNumber(raw), { kind: 'invalid', reason: 'not-a-number' }, inspect(raw));
      }
    });
    it('10,000-character strings → invalid too-long', () => {
      assert.deepEqual(readNumber('1'.repeat(10_000)), { kind: 'invalid', reason: 'too-long' });
      assert.deepEqual(readNumber('x'.repeat(10_000)), { kind: 'invalid', reason: 'too-long' });
      assert.deepEqual(readNumber(`85${' '.repeat(5_000)}%${'a'.repeat(5_000)}`), { kind: 'invalid', reason: 'too-long' });
    });
  });

  describe('native numbers and cell formats', () => {
    it('numberFormat "0.0%" with 0.855 → 85.5 percent', () => {
      assert.deepEqual(readNumber(0.855, { numberFormat: '0.0%' }), { kind: 'number', value: 85.5, percent: true });
    });
    it('0.1 + 0.2 in a percent cell loses its binary noise', () => {
      assert.equal(value(readNumber(0.1 + 0.2, { numberFormat: '0%' })), 30);
    });
    it('a % inside a quoted literal of the format is not a percent format', () => {
      assert.deepEqual(readNumber(85, { numberFormat: '0"%"' }), { kind: 'number', value: 85, percent: false });
    });
    it('a plain number without format is taken as is', () => {
      assert.deepEqual(readNumber(171.228, integer), { kind: 'number', value: 171.228, percent: false });
      assert.deepEqual(readNumber(-0.5), { kind: 'number', value: -0.5, percent: false });
    });
  });

  describe('formatting', () => {
    it('formatNumberVi / formatNumberEn', () => {
      assert.equal(formatNumberVi(1036609.5), '1.036.609,5');
      assert.equal(formatNumberEn(1036609.5), '1,036,609.5');
      assert.equal(formatNumberVi(-1234.567, 2), '-1.234,57');
      assert.equal(formatNumberVi(0.1 + 0.2), '0,3');
    });
    it('no decimals keeps the zeros of the integer part', () => {
      assert.equal(formatNumberVi(100, 0), '100');
      assert.equal(formatNumberVi(1000, 0), '1.000');
      assert.equal(formatNumberEn(2500, 0), '2,500');
      assert.equal(formatNumberVi(100.0, 1), '100');
      assert.equal(formatNumberVi(90.4, 1), '90,4');
    });
    it('large integers keep every digit', () => {
      assert.equal(roundFloat(9007199254740991), 9007199254740991);
      assert.equal(formatNumberVi(9007199254740991), '9.007.199.254.740.991');
    });
  });

  describe('properties', () => {
    it('never throws, whatever the input', () => {
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true }), (raw) => {
          readNumber(raw);
          readNumber(raw, integer);
          readNumber(raw, { valueType: 'percent', numberFormat: '0.0%' });
        }),
        { numRuns: 500 },
      );
    });
    it('never throws on any string (grapheme, binary, digit-heavy), and always returns a known kind', () => {
      const digitHeavy = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', ',', ' ', '%', '-', '+', 'e', 't', 'r', 'i', 'ệ', 'u', '\u00a0') });
      const hints = fc.record(
        {
          valueType: fc.constantFrom('percent', 'number', 'integer', 'qualitative'),
          numberFormat: fc.string(),
          maxValue: fc.double(),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' }), digitHeavy),
          hints,
          (raw, hint) => {
            const reading = readNumber(raw, hint);
            assert.ok(['empty', 'number', 'ambiguous', 'invalid'].includes(reading.kind));
            if (reading.kind === 'number') assert.ok(Number.isFinite(reading.value));
            if (reading.kind === 'ambiguous') assert.ok(reading.readings.every(Number.isFinite));
          },
        ),
        { numRuns: 2000 },
      );
    });
    it('any non-negative integer, formatted the Vietnamese way, reads back for an integer type', () => {
      fc.assert(
        fc.property(fc.maxSafeNat(), (n) => {
          assert.deepEqual(readNumber(formatNumberVi(n), integer).kind, 'number');
          assert.equal(value(readNumber(formatNumberVi(n), integer)), n);
        }),
        { numRuns: 1000 },
      );
    });
    it('any number with at most two decimals reads back as itself or as an ambiguity that includes it', () => {
      fc.assert(
        fc.property(fc.integer({ min: -(1e15 - 1), max: 1e15 - 1 }), (k) => {
          const x = k / 100;
          const reading = readNumber(formatNumberVi(x, 2), number);
          if (reading.kind === 'number') assert.equal(reading.value, x);
          else {
            assert.equal(reading.kind, 'ambiguous', `${formatNumberVi(x, 2)} → ${JSON.stringify(reading)}`);
            assert.ok((reading as { readings: number[] }).readings.includes(x));
          }
        }),
        { numRuns: 2000 },
      );
    });
  });
});
