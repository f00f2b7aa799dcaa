/**
 * parseTarget / renderTarget: the target phrases of DOMAIN.md "How targets are written",
 * one kind at a time, the phrases that must stay unparsed (with a reason), the English and
 * Vietnamese renderings, and two properties: parsing is total, and parse ∘ render = id.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Polarity, ValueType } from '../../shared/schema/plan';
import { TargetExpression } from '../../shared/schema/target';
import type { QualitativeAnswer } from '../../shared/schema/target';
import { parseTarget } from '../../shared/targets/parse';
import type { TargetContext } from '../../shared/targets/parse';
import { numberVi, renderTarget } from '../../shared/targets/render';

const ALL: QualitativeAnswer[] = ['achieved', 'basicallyAchieved', 'notAchieved'];
const PCT: TargetContext = { valueType: 'percent', polarity: 'higher', unit: '%' };
const PCT_DOWN: TargetContext = { valueType: 'percent', polarity: 'lower', unit: '%' };
const NUM: TargetContext = { valueType: 'number', polarity: 'higher' };
const INT: TargetContext = { valueType: 'integer', polarity: 'higher', unit: 'lượt người/năm' };
const QUAL: TargetContext = { valueType: 'qualitative', polarity: 'higher', unit: '' };
const VS_PREVIOUS_DOWN: TargetContext = { valueType: 'percent', polarity: 'lower', unit: '%', comparesToPrevious: true };
const VS_PREVIOUS_UP: TargetContext = { valueType: 'percent', polarity: 'higher', unit: '%', comparesToPrevious: true };

function reads(text: string, context: TargetContext, expected: TargetExpression): void {
  assert.deepEqual(parseTarget(text, context), expected, text);
}

function unparsedBecause(text: string, context: TargetContext, reason: RegExp): void {
  const got = parseTarget(text, context);
  assert.equal(got.kind, 'unparsed', `${text} → ${JSON.stringify(got)}`);
  assert.equal((got as { text: string }).text, text);
  assert.match((got as { reason: string }).reason, reason);
}

describe('parseTarget', () => {
  describe('below', () => {
    it('"Dưới 3%", lower case, with and without diacritics', () => {
      reads('Dưới 3%', PCT_DOWN, { kind: 'below', value: 3, unit: '%' });
      reads('dưới 3,5%', PCT_DOWN, { kind: 'below', value: 3.5, unit: '%' });
      reads('duoi 3%', PCT_DOWN, { kind: 'below', value: 3, unit: '%' });
      reads('DƯỚI 15 %', PCT_DOWN, { kind: 'below', value: 15, unit: '%' });
    });
    it('"Dưới 3% (theo chuẩn mới)" keeps the qualifier', () => {
      reads('Dưới 3% (theo chuẩn mới)', PCT_DOWN, { kind: 'below', value: 3, unit: '%', qualifier: 'theo chuẩn mới' });
    });
    it('markup, trailing punctuation, non-breaking spaces and decomposed diacritics are ignored', () => {
      reads('<b>Dưới 3%</b>', PCT_DOWN, { kind: 'below', value: 3, unit: '%' });
      reads('**Dưới\u00a03%**.', PCT_DOWN, { kind: 'below', value: 3, unit: '%' });
      reads('Dưới 3%'.normalize('NFD'), PCT_DOWN, { kind: 'below', value: 3, unit: '%' });
    });
  });

  describe('above', () => {
    it('"Trên 85%", "đạt trên 80%", "hơn 5 khu"', () => {
      reads('Trên 85%', PCT, { kind: 'above', value: 85, unit: '%' });
      reads('đạt trên 80%', PCT, { kind: 'above', value: 80, unit: '%' });
      reads('hơn 5 khu', NUM, { kind: 'above', value: 5, unit: 'khu' });
    });
  });

  describe('atLeast', () => {
    it('"Từ 90% trở lên"', () => {
      reads('Từ 90% trở lên', PCT, { kind: 'atLeast', value: 90, unit: '%' });
      reads('Từ 5 khu trở lên', NUM, { kind: 'atLeast', value: 5, unit: 'khu' });
    });
    it('"tối thiểu 95%", "tối thiểu đạt 95%", "đạt tối thiểu 68 năm"', () => {
      reads('tối thiểu 95%', PCT, { kind: 'atLeast', value: 95, unit: '%' });
      reads('tối thiểu đạt 95%', PCT, { kind: 'atLeast', value: 95, unit: '%' });
      reads('đạt tối thiểu 68 năm', NUM, { kind: 'atLeast', value: 68, unit: 'năm' });
    });
    it('"không dưới", "không thấp hơn", "ít nhất"', () => {
      reads('không dưới 90%', PCT, { kind: 'atLeast', value: 90, unit: '%' });
      reads('không thấp hơn 90%', PCT, { kind: 'atLeast', value: 90, unit: '%' });
      reads('ít nhất 2 khu', NUM, { kind: 'atLeast', value: 2, unit: 'khu' });
    });
    it('"Trên 90% trở lên" reads as at least 90', () => {
      reads('Trên 90% trở lên', PCT, { kind: 'atLeast', value: 90, unit: '%' });
    });
  });

  describe('atMost', () => {
    it('"Từ 5% trở xuống", "tối đa 5%", "không quá 3%", "không vượt quá 3%", "không cao hơn 3%"', () => {
      reads('Từ 5% trở xuống', PCT_DOWN, { kind: 'atMost', value: 5, unit: '%' });
      reads('tối đa 5%', PCT_DOWN, { kind: 'atMost', value: 5, unit: '%' });
      reads('không quá 3%', PCT_DOWN, { kind: 'atMost', value: 3, unit: '%' });
      reads('không vượt quá 3%', PCT_DOWN, { kind: 'atMost', value: 3, unit: '%' });
      reads('không cao hơn 3%', PCT_DOWN, { kind: 'atMost', value: 3, unit: '%' });
    });
  });

  describe('range', () => {
    it('the % written twice or once', () => {
      reads('45%-47%', PCT, { kind: 'range', min: 45, max: 47, unit: '%' });
      reads('64,5% - 66%', PCT, { kind: 'range', min: 64.5, max: 66, unit: '%' });
      reads('73-75%', PCT, { kind: 'range', min: 73, max: 75, unit: '%' });
      reads('73%-75', PCT, { kind: 'range', min: 73, max: 75, unit: '%' });
      reads('45\u201347%', PCT, { kind: 'range', min: 45, max: 47, unit: '%' }); // en dash
    });
    it('bare numbers, decimals and a unit after the range', () => {
      reads('30-35', NUM, { kind: 'range', min: 30, max: 35 });
      reads('30 - 35', NUM, { kind: 'range', min: 30, max: 35 });
      reads('0,88-0,9', NUM, { kind: 'range', min: 0.88, max: 0.9 });
      reads('1-2 khu', { valueType: 'integer', polarity: 'higher', unit: 'khu' }, { kind: 'range', min: 1, max: 2, unit: 'khu' });
    });
    it('"khoảng 0,88-0,9": an approximate range', () => {
      reads('đạt khoảng 0,88-0,9', NUM, { kind: 'range', min: 0.88, max: 0.9, approximate: true });
    });
    it('a magnitude word after the range applies to both ends', () => {
      reads('2-3 triệu m2', NUM, { kind: 'range', min: 2_000_000, max: 3_000_000, unit: 'm2' });
    });
    it('a bracket after the range is a qualifier', () => {
      reads('1-2 khu nhà ở xã hội độc lập (tập trung)', { valueType: 'integer', polarity: 'higher', unit: 'khu' }, {
        kind: 'range',
        min: 1,
        max: 2,
        unit: 'khu nhà ở xã hội độc lập',
        qualifier: 'tập trung',
      });
    });
  });

  describe('approximately', () => {
    it('"khoảng 77 tuổi", "xấp xỉ 32 m2 sàn/người", "khoảng 2,5 triệu m2"', () => {
      reads('khoảng 77 tuổi', NUM, { kind: 'approximately', value: 77, unit: 'tuổi' });
      reads('xấp xỉ 32 m2 sàn / người', NUM, { kind: 'approximately', value: 32, unit: 'm2 sàn/người' });
      reads('khoảng 2,5 triệu m2 sàn nhà ở xã hội', NUM, { kind: 'approximately', value: 2_500_000, unit: 'm2 sàn nhà ở xã hội' });
    });
    it('a unit typed against the number is still read whole ("32m2")', () => {
      reads('khoảng 32m2/người', NUM, { kind: 'approximately', value: 32, unit: 'm2/người' });
      reads('5tuổi', NUM, { kind: 'exact', value: 5, maintain: false, unit: 'tuổi' });
    });
  });

  describe('exact and maintain', () => {
    it('"100%", "15", "đạt 99,5%", "Đạt 04 dược sỹ trên 10.000 dân"', () => {
      reads('100%', PCT, { kind: 'exact', value: 100, maintain: false, unit: '%' });
      reads('15', NUM, { kind: 'exact', value: 15, maintain: false });
      reads('đạt 99,5%', PCT, { kind: 'exact', value: 99.5, maintain: false, unit: '%' });
      reads('Đạt 04 dược sỹ trên 10.000 dân', NUM, { kind: 'exact', value: 4, maintain: false, unit: 'dược sỹ trên 10.000 dân' });
    });
    it('"160.000 lượt người /năm": dot thousands for a count, a per-year unit', () => {
      reads('160.000 lượt người /năm', INT, { kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' });
      reads('160 nghìn lượt người/năm', INT, { kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' });
    });
    it('"Duy trì 100%": keep at 100', () => {
      reads('Duy trì 100%', PCT, { kind: 'exact', value: 100, maintain: true, unit: '%' });
      reads('duy tri 100%', PCT, { kind: 'exact', value: 100, maintain: true, unit: '%' });
    });
    it('a number in brackets beside a numeric target is kept as written (not dropped)', () => {
      reads('Dưới 3% (5%)', PCT_DOWN, { kind: 'below', value: 3, unit: '%', qualifier: '5%' });
    });
  });

  describe('level', () => {
    it('"Mức sinh thay thế 2,1": a named level', () => {
      reads('Mức sinh thay thế 2,1', { valueType: 'number', polarity: 'band', unit: 'con/phụ nữ' }, {
        kind: 'level',
        value: 2.1,
        label: 'Mức sinh thay thế',
      });
    });
    it('"Mức 2,1": a level without a name', () => {
      reads('Mức 2,1', NUM, { kind: 'level', value: 2.1 });
    });
  });

  describe('change against the previous year', () => {
    it('"0,1%/năm" on a "so với năm trước" indicator takes its direction from the polarity', () => {
      reads('0,1%/năm', VS_PREVIOUS_DOWN, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
      reads('0,1%/năm', VS_PREVIOUS_UP, { kind: 'change', direction: 'increase', amount: 0.1, per: 'year', unit: '%' });
      reads('0,1%', VS_PREVIOUS_DOWN, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
    });
    it('"Giảm 0,1%/năm" / "Tăng 5%/năm" say it themselves, without comparesToPrevious', () => {
      reads('Giảm 0,1%/năm', PCT_DOWN, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
      reads('Giảm 0,1%/năm', PCT, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
      reads('Tăng 5%/năm', PCT_DOWN, { kind: 'change', direction: 'increase', amount: 5, per: 'year', unit: '%' });
      reads('giam toi thieu 0,1%/nam', PCT_DOWN, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' });
    });
    it('without comparesToPrevious, "/năm" is a yearly amount, not a change', () => {
      reads('0,1%/năm', PCT_DOWN, { kind: 'exact', value: 0.1, maintain: false, unit: '%/năm' });
    });
  });

  describe('qualitative', () => {
    it('"Cơ bản …": basically achieved', () => {
      reads('Cơ bản không còn hộ nghèo', PCT_DOWN, { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: ALL });
      reads('Cơ bản đạt', QUAL, { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'đạt', allowedAnswers: ALL });
      reads('Cơ bản chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét', QUAL, {
        kind: 'qualitative',
        expected: 'basicallyAchieved',
        statement: 'chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét',
        allowedAnswers: ALL,
      });
    });
    it('"Hoàn thành …", "Đạt chuẩn …", "Đạt": achieved, statement verbatim', () => {
      reads('Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi', QUAL, {
        kind: 'qualitative',
        expected: 'achieved',
        statement: 'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi',
        allowedAnswers: ALL,
      });
      reads('Đạt chuẩn xoá mù chữ mức độ 2', QUAL, { kind: 'qualitative', expected: 'achieved', statement: 'Đạt chuẩn xoá mù chữ mức độ 2', allowedAnswers: ALL });
      reads('Đạt', QUAL, { kind: 'qualitative', expected: 'achieved', statement: 'Đạt', allowedAnswers: ALL });
    });
    it('with a qualifier', () => {
      reads('Cơ bản không còn hộ nghèo (theo chuẩn cũ)', PCT_DOWN, {
        kind: 'qualitative',
        expected: 'basicallyAchieved',
        statement: 'không còn hộ nghèo',
        allowedAnswers: ALL,
        qualifier: 'theo chuẩn cũ',
      });
    });
    it('with a figure beside it', () => {
      reads('Cơ bản không còn hộ nghèo (0,21%)', PCT_DOWN, {
        kind: 'qualitative',
        expected: 'basicallyAchieved',
        statement: 'không còn hộ nghèo',
        figure: 0.21,
        allowedAnswers: ALL,
      });
    });
    it('a figure is read like the indicator values ("(1.000)" on a count is 1000)', () => {
      reads('Cơ bản đạt (1.000)', { valueType: 'integer', polarity: 'higher', unit: 'người' }, {
        kind: 'qualitative',
        expected: 'basicallyAchieved',
        statement: 'đạt',
        figure: 1000,
        allowedAnswers: ALL,
      });
      // where the indicator cannot say, "1.000" is not guessed: it stays text
      reads('Cơ bản đạt (1.000)', QUAL, { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'đạt', allowedAnswers: ALL, qualifier: '1.000' });
    });
  });

  describe('unparsed, with a reason', () => {
    it('unknown words', () => {
      unparsedBecause('Gần 5%', PCT, /unknown words before the number: "Gần"/);
      unparsedBecause('Phấn đấu vượt 5%', PCT, /unknown words/);
      unparsedBecause('Tích cực triển khai', PCT, /no number and no known qualitative phrase/);
    });
    it('conflicting comparators', () => {
      unparsedBecause('Dưới 3% trở lên', PCT, /conflicting comparators/);
      unparsedBecause('Trên 90% trở xuống', PCT, /conflicting comparators/);
      unparsedBecause('tối thiểu 5% trở xuống', PCT, /conflicting comparators/);
      unparsedBecause('Dưới trên 3%', PCT, /conflicting comparators/);
      unparsedBecause('tối đa tối thiểu 3%', PCT, /conflicting comparators/);
    });
    it('empty', () => {
      unparsedBecause('', PCT, /empty/);
      unparsedBecause('   ', PCT, /empty/);
      unparsedBecause('<b></b>', PCT, /empty/);
    });
    it('longer than 500 characters', () => {
      unparsedBecause(`Dưới 3% ${'x'.repeat(600)}`, PCT, /too long/);
      unparsedBecause('1'.repeat(10_000), PCT, /too long/);
    });
    it('"từ" needs "trở lên" or "trở xuống" (which stand without "từ": target-grammar.test.ts)', () => {
      unparsedBecause('Từ 90%', PCT, /"từ" without "trở lên" or "trở xuống"/);
    });
    it('ranges that do not make sense', () => {
      unparsedBecause('47%-45%', PCT, /minimum is above its maximum/);
      unparsedBecause('Trên 45%-47%', PCT, /comparator before a range/);
      unparsedBecause('45%-47% abc', PCT, /unexpected text after the range/);
      unparsedBecause('1.036-2.000', NUM, /cannot be read unambiguously/);
    });
    it('a number the indicator cannot decide is not guessed', () => {
      unparsedBecause('1.036', NUM, /"1.036" cannot be read unambiguously/);
      unparsedBecause('khoảng 1.036 triệu người', { valueType: 'integer', polarity: 'higher', unit: 'người' }, /cannot be read unambiguously/);
      reads('1.036', { valueType: 'integer', polarity: 'higher', unit: 'người' }, { kind: 'exact', value: 1036, maintain: false });
    });
    it('a change with a comparator other than "tối thiểu"', () => {
      unparsedBecause('Dưới 0,1%/năm', VS_PREVIOUS_DOWN, /change target with a comparator/);
    });
    it('non-string input does not throw', () => {
      const weird = [null, undefined, 42, {}, Object.create(null), { toString: () => { throw new Error('no'); } }];
      for (const input of weird) {
        const got = parseTarget(input, PCT);
        assert.ok(TargetExpression.safeParse(got).success, JSON.stringify(got));
      }
    });
  });
});

describe('renderTarget', () => {
  const cases: Array<{ e: TargetExpression; vi: string; en: string; valueType?: ValueType }> = [
    { e: { kind: 'below', value: 3, unit: '%' }, vi: 'Dưới 3%', en: 'below 3%' },
    { e: { kind: 'below', value: 3, unit: '%', qualifier: 'theo chuẩn mới' }, vi: 'Dưới 3% (theo chuẩn mới)', en: 'below 3% (theo chuẩn mới)' },
    { e: { kind: 'above', value: 85, unit: '%' }, vi: 'Trên 85%', en: 'above 85%' },
    { e: { kind: 'atLeast', value: 90, unit: '%' }, vi: 'Từ 90% trở lên', en: 'at least 90%' },
    { e: { kind: 'atLeast', value: 68, unit: 'năm' }, vi: 'Từ 68 năm trở lên', en: 'at least 68 năm' },
    { e: { kind: 'atMost', value: 5, unit: '%' }, vi: 'Từ 5% trở xuống', en: 'at most 5%' },
    { e: { kind: 'range', min: 45, max: 47, unit: '%' }, vi: '45%-47%', en: '45% to 47%' },
    { e: { kind: 'range', min: 64.5, max: 66, unit: '%' }, vi: '64,5%-66%', en: '64.5% to 66%' },
    { e: { kind: 'range', min: 30, max: 35 }, vi: '30-35', en: '30 to 35' },
    { e: { kind: 'range', min: 0.88, max: 0.9, approximate: true }, vi: 'Khoảng 0,88-0,9', en: 'about 0.88 to 0.9' },
    {
      e: { kind: 'range', min: 1, max: 2, unit: 'khu nhà ở xã hội độc lập', qualifier: 'tập trung' },
      vi: '1-2 khu nhà ở xã hội độc lập (tập trung)',
      en: '1 to 2 khu nhà ở xã hội độc lập (tập trung)',
    },
    { e: { kind: 'approximately', value: 77, unit: 'tuổi' }, vi: 'Khoảng 77 tuổi', en: 'about 77 tuổi' },
    { e: { kind: 'approximately', value: 2_500_000, unit: 'm2 sàn' }, vi: 'Khoảng 2.500.000 m2 sàn', en: 'about 2,500,000 m2 sàn' },
    { e: { kind: 'exact', value: 100, maintain: false, unit: '%' }, vi: '100%', en: '100%' },
    { e: { kind: 'exact', value: 100, maintain: true, unit: '%' }, vi: 'Duy trì 100%', en: 'maintain 100%' },
    {
      e: { kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' },
      vi: '160.000 lượt người/năm',
      en: '160,000 lượt người/năm',
      valueType: 'integer',
    },
    { e: { kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' }, vi: '160000 lượt người/năm', en: '160,000 lượt người/năm' },
    { e: { kind: 'exact', value: 27.5, maintain: false }, vi: '27,5', en: '27.5' },
    { e: { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' }, vi: 'Mức sinh thay thế 2,1', en: 'hold at 2.1 (Mức sinh thay thế)' },
    { e: { kind: 'level', value: 2.1 }, vi: 'Mức 2,1', en: 'hold at 2.1' },
    {
      e: { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' },
      vi: 'Giảm 0,1%/năm',
      en: 'decrease by 0.1 percentage points a year against the previous year',
    },
    {
      e: { kind: 'change', direction: 'increase', amount: 5, per: 'year', unit: 'khu' },
      vi: 'Tăng 5 khu/năm',
      en: 'increase by 5 khu a year against the previous year',
    },
    {
      e: { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: ALL, qualifier: 'theo chuẩn cũ' },
      vi: 'Cơ bản không còn hộ nghèo (theo chuẩn cũ)',
      en: 'basically achieved: không còn hộ nghèo (theo chuẩn cũ)',
    },
    {
      e: { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', figure: 0.21, allowedAnswers: ALL },
      vi: 'Cơ bản không còn hộ nghèo (0,21)',
      en: 'basically achieved: không còn hộ nghèo (0.21)',
    },
    {
      e: { kind: 'qualitative', expected: 'achieved', statement: 'Đạt chuẩn xoá mù chữ mức độ 2', allowedAnswers: ALL },
      vi: 'Đạt chuẩn xoá mù chữ mức độ 2',
      en: 'achieved: Đạt chuẩn xoá mù chữ mức độ 2',
    },
    { e: { kind: 'unparsed', text: 'Gần 5%', reason: 'x' }, vi: 'Gần 5%', en: '(not understood) Gần 5%' },
  ];
  for (const { e, vi, en, valueType } of cases) {
    it(`${e.kind}: "${vi}" / "${en}"`, () => {
      assert.equal(renderTarget(e, 'vi', valueType), vi);
      assert.equal(renderTarget(e, 'en', valueType), en);
    });
  }

  it('numberVi never writes a number the reader would call ambiguous', () => {
    assert.equal(numberVi(171.228), '171,2280');
    assert.equal(numberVi(1036), '1036');
    assert.equal(numberVi(1036, 'integer'), '1.036');
    assert.equal(numberVi(1036609), '1.036.609');
    assert.equal(numberVi(1036.5), '1.036,5');
    assert.equal(numberVi(0.881), '0,881');
    assert.equal(numberVi(-2.5), '-2,5');
    assert.equal(numberVi(0.1 + 0.2), '0,3');
  });
});

// ── properties ─────────────────────────────────────────────────────────────────────────────

const VALUE_TYPES: ValueType[] = ['percent', 'number', 'integer', 'qualitative'];
const POLARITIES: Polarity[] = ['higher', 'lower', 'band'];

const contextArb: fc.Arbitrary<TargetContext> = fc.record(
  {
    valueType: fc.constantFrom(...VALUE_TYPES),
    polarity: fc.constantFrom(...POLARITIES),
    unit: fc.string(),
    comparesToPrevious: fc.boolean(),
  },
  { requiredKeys: ['valueType', 'polarity'] },
);

/** Phrase-shaped strings: target words, numbers and punctuation in any order. */
const phraseArb = fc
  .array(
    fc.oneof(
      fc.constantFrom('Dưới', 'Trên', 'Từ', 'trở lên', 'trở xuống', 'khoảng', 'tối thiểu', 'Duy trì', 'Mức sinh', 'Giảm', 'Tăng', 'Cơ bản', 'Hoàn thành', 'đạt'),
      fc.constantFrom('%', '-', '–', '(', ')', '/năm', 'triệu', 'nghìn', 'tuổi', 'm2', '.', ',', ';', '<b>', '**'),
      fc.stringMatching(/^\d{1,4}([.,]\d{1,3}){0,3}$/),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(' '));

describe('parseTarget properties', () => {
  it('never throws, and always returns a valid expression, for any string and context', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite', maxLength: 600 }), phraseArb),
        contextArb,
        (text, context) => {
          const got = parseTarget(text, context);
          const check = TargetExpression.safeParse(got);
          assert.ok(check.success, `${JSON.stringify(text)} → ${JSON.stringify(got)}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws for arbitrary (even malformed) contexts and inputs', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), fc.anything({ withNullPrototype: true }), (text, context) => {
        parseTarget(text as string, context as TargetContext);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(phraseArb, fc.anything(), (text, context) => {
        parseTarget(text, context as TargetContext);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTarget(renderTarget(e, "vi")) = e', () => {
  const UNITS = ['%', 'tuổi', 'năm', 'khu', 'lượt người/năm', 'm2 sàn/người'];
  const QUALIFIERS = ['theo chuẩn mới', 'theo chuẩn cũ', 'tập trung'];
  const BASIC_STATEMENTS = ['không còn hộ nghèo', 'đạt', 'chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét', 'không còn trẻ em lang thang'];
  const ACHIEVED_STATEMENTS = [
    'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi',
    'Hoàn thành',
    'Đạt chuẩn xoá mù chữ mức độ 2',
    'Đạt chuẩn quốc gia về y tế xã',
  ];
  const LEVEL_LABELS = ['Mức sinh thay thế', 'Mức sinh', 'Mức'];

  /** Non-negative numbers with up to three decimals. */
  const num = fc
    .tuple(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.constantFrom(1, 10, 100, 1000))
    .map(([k, d]) => k / d);
  const extras = fc.record({ unit: fc.constantFrom(...UNITS), qualifier: fc.constantFrom(...QUALIFIERS) }, { requiredKeys: [] });

  const expression: fc.Arbitrary<TargetExpression> = fc.oneof(
    fc
      .tuple(fc.constantFrom('below', 'above', 'atLeast', 'atMost', 'approximately'), num, extras)
      .map(([kind, value, x]) => ({ kind, value, ...x })),
    fc.tuple(num, num, fc.boolean(), extras).map(([a, b, approximate, x]) => ({
      kind: 'range' as const,
      min: Math.min(a, b),
      max: Math.max(a, b),
      ...(approximate ? { approximate: true } : {}),
      ...x,
    })),
    fc.tuple(num, fc.boolean(), extras).map(([value, maintain, x]) => ({ kind: 'exact' as const, value, maintain, ...x })),
    fc.tuple(num, fc.constantFrom(...LEVEL_LABELS), extras).map(([value, label, x]) => ({
      kind: 'level' as const,
      value,
      ...(label === 'Mức' ? {} : { label }),
      ...x,
    })),
    fc.tuple(fc.constantFrom('decrease', 'increase'), num, extras).map(([direction, amount, x]) => ({
      kind: 'change' as const,
      direction,
      amount,
      per: 'year' as const,
      ...x,
    })),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...BASIC_STATEMENTS).map((statement) => ({ expected: 'basicallyAchieved' as const, statement })),
          fc.constantFrom(...ACHIEVED_STATEMENTS).map((statement) => ({ expected: 'achieved' as const, statement })),
        ),
        fc.oneof(fc.constant({}), num.map((figure) => ({ figure })), fc.constantFrom(...QUALIFIERS).map((qualifier) => ({ qualifier }))),
      )
      .map(([what, aside]) => ({ kind: 'qualitative' as const, ...what, ...aside, allowedAnswers: ALL })),
  );

  it('holds for every kind, unit, qualifier and value type', () => {
    fc.assert(
      fc.property(expression, fc.constantFrom(...VALUE_TYPES), fc.constantFrom(...POLARITIES), fc.option(fc.constantFrom(...UNITS), { nil: undefined }), (e, valueType, polarity, indicatorUnit) => {
        // The schema accepts what we generate, so this is a fair expression.
        assert.ok(TargetExpression.safeParse(e).success);
        const context: TargetContext = {
          valueType,
          polarity,
          ...(indicatorUnit ? { unit: indicatorUnit } : {}),
          comparesToPrevious: e.kind === 'change',
        };
        const phrase = renderTarget(e, 'vi', valueType);
        assert.deepEqual(parseTarget(phrase, context), e, `"${phrase}" in ${JSON.stringify(context)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('holds on examples at the edges of number writing', () => {
    const edges: TargetExpression[] = [
      { kind: 'exact', value: 1036, maintain: false, unit: 'khu' },
      { kind: 'exact', value: 171.228, maintain: false, unit: '%' },
      { kind: 'atLeast', value: 0.881, unit: 'năm' },
      { kind: 'range', min: 1036.5, max: 1_036_609, unit: 'lượt người/năm' },
      { kind: 'change', direction: 'increase', amount: 1000, per: 'year', unit: 'lượt người/năm' },
      { kind: 'qualitative', expected: 'achieved', statement: 'Hoàn thành', figure: 1000, allowedAnswers: ALL },
      { kind: 'level', value: 0, label: 'Mức sinh thay thế', unit: '%' },
    ];
    for (const valueType of VALUE_TYPES) {
      for (const e of edges) {
        const phrase = renderTarget(e, 'vi', valueType);
        const context: TargetContext = { valueType, polarity: 'higher', comparesToPrevious: e.kind === 'change' };
        assert.deepEqual(parseTarget(phrase, context), e, `${valueType}: "${phrase}"`);
      }
    }
  });
});
