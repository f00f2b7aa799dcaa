/**
 * The target grammar (README "Target language", shared/targets/productions.ts): a table of
 * phrases per production (the examples and DOMAIN.md's), phrases that must stay
 * unparsed naming the word where reading stopped, and properties over phrases generated
 * from the grammar by a small seeded generator: the parse is the expression the phrase was
 * built from, and the Vietnamese rendering reads back to it.
 */
import assert from 'node:assert/strict';
import { roundFloat } from '../../shared/numbers';
import { TargetExpression } from '../../shared/schema/target';
import type { UnparsedTarget } from '../../shared/schema/target';
import { parseTarget } from '../../shared/targets/parse';
import type { TargetContext } from '../../shared/targets/parse';
import { renderTarget, renderUnparsed } from '../../shared/targets/render';

const PCT: TargetContext = { valueType: 'percent', polarity: 'higher', unit: '%' };
const PCT_DOWN: TargetContext = { valueType: 'percent', polarity: 'lower', unit: '%' };
const NUM: TargetContext = { valueType: 'number', polarity: 'higher' };
const NUM_DOWN: TargetContext = { valueType: 'number', polarity: 'lower' };
const INT: TargetContext = { valueType: 'integer', polarity: 'higher', unit: 'lượt người' };
const QUAL: TargetContext = { valueType: 'qualitative', polarity: 'higher', unit: '' };
const ALL = ['achieved', 'basicallyAchieved', 'notAchieved'] as const;

type Row = [phrase: string, context: TargetContext, expected: TargetExpression];

function readsAll(rows: readonly Row[]): void {
  for (const [phrase, context, expected] of rows) {
    const got = parseTarget(phrase, context);
    assert.deepEqual(got, expected, phrase);
    // the round trip through the Vietnamese rendering
    assert.deepEqual(parseTarget(renderTarget(got, 'vi', context.valueType), context), got, `round trip of "${phrase}"`);
  }
}

const pct = (kind: 'below' | 'above' | 'atLeast' | 'atMost' | 'approximately', value: number): TargetExpression => ({ kind, value, unit: '%' });

describe('target grammar: the productions', () => {
  it('comparator symbols, with or without spaces, full-width too', () => {
    readsAll([
      ['≥95%', PCT, pct('atLeast', 95)],
      ['≥ 95 %', PCT, pct('atLeast', 95)],
      ['>= 95%', PCT, pct('atLeast', 95)],
      ['<=5%', PCT_DOWN, pct('atMost', 5)],
      ['≤ 3 %', PCT_DOWN, pct('atMost', 3)],
      ['> 85%', PCT, pct('above', 85)],
      ['<3%', PCT_DOWN, pct('below', 3)],
      ['＞ 90%', PCT, pct('above', 90)],
      ['＜3％', PCT_DOWN, pct('below', 3)],
      ['≧ 90%', PCT, pct('atLeast', 90)],
      ['~ 77 tuổi', NUM, { kind: 'approximately', value: 77, unit: 'tuổi' }],
      ['đạt ≥ 90%', PCT, pct('atLeast', 90)],
    ]);
  });

  it('comparator words: "không dưới", "không thấp hơn", "không vượt quá", "tối đa", "tối thiểu", "dưới", "trên", "khoảng"', () => {
    readsAll([
      ['không dưới 90%', PCT, pct('atLeast', 90)],
      ['không thấp hơn 90%', PCT, pct('atLeast', 90)],
      ['không nhỏ hơn 90%', PCT, pct('atLeast', 90)],
      ['không vượt quá 5%', PCT_DOWN, pct('atMost', 5)],
      ['không lớn hơn 5%', PCT_DOWN, pct('atMost', 5)],
      ['tối đa 5%', PCT_DOWN, pct('atMost', 5)],
      ['tối thiểu 95%', PCT, pct('atLeast', 95)],
      ['Dưới 3%', PCT_DOWN, pct('below', 3)],
      ['thấp hơn 3%', PCT_DOWN, pct('below', 3)],
      ['Trên 85%', PCT, pct('above', 85)],
      ['cao hơn 85%', PCT, pct('above', 85)],
      ['khoảng 77 tuổi', NUM, { kind: 'approximately', value: 77, unit: 'tuổi' }],
      ['KHONG VUOT QUA 5%', PCT_DOWN, pct('atMost', 5)],
    ]);
  });

  it('"trở lên" / "trở xuống" after a figure, with or without "từ"', () => {
    readsAll([
      ['95% trở lên', PCT, pct('atLeast', 95)],
      ['từ 95% trở lên', PCT, pct('atLeast', 95)],
      ['Từ 90% trở lên', PCT, pct('atLeast', 90)],
      ['từ 3% trở xuống', PCT_DOWN, pct('atMost', 3)],
      ['3% trở xuống', PCT_DOWN, pct('atMost', 3)],
      ['Từ 5 khu trở lên', NUM, { kind: 'atLeast', value: 5, unit: 'khu' }],
      ['Trên 90% trở lên', PCT, pct('atLeast', 90)],
      ['tối thiểu 90% trở lên', PCT, pct('atLeast', 90)],
      ['không quá 5% trở xuống', PCT_DOWN, pct('atMost', 5)],
      ['Từ 90% trở lên (theo chuẩn mới)', PCT, { kind: 'atLeast', value: 90, unit: '%', qualifier: 'theo chuẩn mới' }],
    ]);
  });

  it('ranges with a dash, with words ("từ … đến …", "… đến …", "tới"), and "từ" before a dashed range', () => {
    readsAll([
      ['45%-47%', PCT, { kind: 'range', min: 45, max: 47, unit: '%' }],
      ['64,5% - 66%', PCT, { kind: 'range', min: 64.5, max: 66, unit: '%' }],
      ['73-75%', PCT, { kind: 'range', min: 73, max: 75, unit: '%' }],
      ['từ 30 đến 35', NUM, { kind: 'range', min: 30, max: 35 }],
      ['30 đến 35%', PCT, { kind: 'range', min: 30, max: 35, unit: '%' }],
      ['từ 64,5% đến 66%', PCT, { kind: 'range', min: 64.5, max: 66, unit: '%' }],
      ['từ 30-35', NUM, { kind: 'range', min: 30, max: 35 }],
      ['Từ 30 tới 35 khu', NUM, { kind: 'range', min: 30, max: 35, unit: 'khu' }],
      ['30 ÷ 35', NUM, { kind: 'range', min: 30, max: 35 }],
      ['khoảng từ 0,88 đến 0,9', NUM, { kind: 'range', min: 0.88, max: 0.9, approximate: true }],
      ['1-2 khu (tập trung)', NUM, { kind: 'range', min: 1, max: 2, unit: 'khu', qualifier: 'tập trung' }],
      ['10-12‰', NUM, { kind: 'range', min: 10, max: 12, unit: '‰' }],
    ]);
  });

  it('keep verbs before the figure, after it, or in brackets', () => {
    const keep100: TargetExpression = { kind: 'exact', value: 100, maintain: true, unit: '%' };
    readsAll([
      ['Duy trì 100%', PCT, keep100],
      ['100% (duy trì)', PCT, keep100],
      ['giữ vững 100%', PCT, keep100],
      ['100% giữ ổn định', PCT, keep100],
      ['100% duy trì', PCT, keep100],
      ['Duy trì tỷ lệ 100%', PCT, keep100],
      ['giu on dinh 100%', PCT, keep100],
      ['100% (duy trì) (theo chuẩn mới)', PCT, { ...keep100, qualifier: 'theo chuẩn mới' }],
      ['100% (theo chuẩn mới) (giữ vững)', PCT, { ...keep100, qualifier: 'theo chuẩn mới' }],
      ['Duy trì 15 khu', NUM, { kind: 'exact', value: 15, maintain: true, unit: 'khu' }],
      ['15 khu (giữ vững)', NUM, { kind: 'exact', value: 15, maintain: true, unit: 'khu' }],
      // after a unit the verb is the unit's: "100% of the files are kept"
      ['100% hồ sơ được duy trì', PCT, { kind: 'exact', value: 100, maintain: false, unit: '% hồ sơ được duy trì' }],
      ['100% hồ sơ được lưu giữ', PCT, { kind: 'exact', value: 100, maintain: false, unit: '% hồ sơ được lưu giữ' }],
      // keeping a bound is the bound; keeping a level is the level
      ['Duy trì trên 90%', PCT, pct('above', 90)],
      ['Duy trì mức sinh thay thế 2,1', NUM, { kind: 'level', value: 2.1, label: 'mức sinh thay thế' }],
    ]);
  });

  it('per mille and rates per 1,000 / 10,000 / 100,000, keeping the unit text', () => {
    readsAll([
      ['15‰', NUM_DOWN, { kind: 'exact', value: 15, maintain: false, unit: '‰' }],
      ['dưới 15 ‰', NUM_DOWN, { kind: 'below', value: 15, unit: '‰' }],
      ['dưới 15/1.000', NUM_DOWN, { kind: 'below', value: 15, unit: '/1.000' }],
      ['8 bác sỹ/vạn dân', NUM, { kind: 'exact', value: 8, maintain: false, unit: 'bác sỹ/vạn dân' }],
      ['dưới 20/100.000 trẻ đẻ sống', NUM_DOWN, { kind: 'below', value: 20, unit: '/100.000 trẻ đẻ sống' }],
      ['Đạt 04 dược sỹ trên 10.000 dân', NUM, { kind: 'exact', value: 4, maintain: false, unit: 'dược sỹ trên 10.000 dân' }],
      ['tối thiểu 27,5 giường bệnh / vạn dân', NUM, { kind: 'atLeast', value: 27.5, unit: 'giường bệnh/vạn dân' }],
    ]);
  });

  it('magnitude words with any kind', () => {
    readsAll([
      ['trên 2,5 triệu', NUM, { kind: 'above', value: 2_500_000 }],
      ['từ 160 nghìn lượt người trở lên', INT, { kind: 'atLeast', value: 160_000, unit: 'lượt người' }],
      ['30-35 nghìn', NUM, { kind: 'range', min: 30_000, max: 35_000 }],
      ['2 triệu - 2,5 triệu m2', NUM, { kind: 'range', min: 2_000_000, max: 2_500_000, unit: 'm2' }],
      ['khoảng 2,5 triệu m2 sàn', NUM, { kind: 'approximately', value: 2_500_000, unit: 'm2 sàn' }],
      ['Duy trì 12 ngàn lượt người', INT, { kind: 'exact', value: 12_000, maintain: true, unit: 'lượt người' }],
      ['không quá 1,2 tỷ đồng', NUM_DOWN, { kind: 'atMost', value: 1_200_000_000, unit: 'đồng' }],
      ['≥ 3 trieu', NUM, { kind: 'atLeast', value: 3_000_000 }],
      // "tỷ lệ" is "rate", not a billion
      ['10 tỷ lệ', NUM, { kind: 'exact', value: 10, maintain: false, unit: 'tỷ lệ' }],
    ]);
  });

  it('levels, yearly changes and qualitative phrases', () => {
    readsAll([
      ['Mức sinh thay thế 2,1', NUM, { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' }],
      ['Mức 2,1', NUM, { kind: 'level', value: 2.1 }],
      ['Giảm 0,1%/năm', PCT_DOWN, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' }],
      ['Tăng 5 nghìn lượt người/năm', INT, { kind: 'change', direction: 'increase', amount: 5000, per: 'year', unit: 'lượt người' }],
      ['Cơ bản đạt', QUAL, { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'đạt', allowedAnswers: [...ALL] }],
      [
        'Không còn hộ nghèo theo chuẩn nghèo đa chiều',
        PCT_DOWN,
        { kind: 'qualitative', expected: 'achieved', statement: 'Không còn hộ nghèo theo chuẩn nghèo đa chiều', allowedAnswers: [...ALL] },
      ],
    ]);
  });

  it("DOMAIN.md's phrases read as DOMAIN.md says", () => {
    const range = (min: number, max: number, unit?: string): TargetExpression => ({ kind: 'range', min, max, ...(unit ? { unit } : {}) });
    readsAll([
      ['Dưới 3%', PCT_DOWN, pct('below', 3)],
      ['Trên 85%', PCT, pct('above', 85)],
      ['Từ 90% trở lên', PCT, pct('atLeast', 90)],
      ['tối thiểu 95%', PCT, pct('atLeast', 95)],
      ['đạt tối thiểu 68 năm', NUM, { kind: 'atLeast', value: 68, unit: 'năm' }],
      ['45%-47%', PCT, range(45, 47, '%')],
      ['64,5% - 66%', PCT, range(64.5, 66, '%')],
      ['73-75%', PCT, range(73, 75, '%')],
      ['30-35', NUM, range(30, 35)],
      ['0,88-0,9', NUM, range(0.88, 0.9)],
      ['1-2 khu', NUM, range(1, 2, 'khu')],
      ['khoảng 77 tuổi', NUM, { kind: 'approximately', value: 77, unit: 'tuổi' }],
      ['khoảng 32 m2 sàn/người', NUM, { kind: 'approximately', value: 32, unit: 'm2 sàn/người' }],
      ['100%', PCT, { kind: 'exact', value: 100, maintain: false, unit: '%' }],
      ['Duy trì 100%', PCT, { kind: 'exact', value: 100, maintain: true, unit: '%' }],
      ['160.000 lượt người/năm', INT, { kind: 'exact', value: 160_000, maintain: false, unit: 'lượt người/năm' }],
      ['0,1%/năm', { ...PCT_DOWN, comparesToPrevious: true }, { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' }],
      ['Mức sinh thay thế 2,1', NUM, { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' }],
      ['Cơ bản không còn hộ nghèo', PCT_DOWN, { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: [...ALL] }],
      ['Dưới 3% (theo chuẩn mới)', PCT_DOWN, { kind: 'below', value: 3, unit: '%', qualifier: 'theo chuẩn mới' }],
      ['khoảng 2,5 triệu m2', NUM, { kind: 'approximately', value: 2_500_000, unit: 'm2' }],
      ['04 dược sỹ', NUM, { kind: 'exact', value: 4, maintain: false, unit: 'dược sỹ' }],
    ]);
  });
});

// ── unparsed: where reading stopped ─────────────────────────────────────────────────────────

function stopsAt(phrase: string, context: TargetContext, word: string, offset: number, reason: RegExp): UnparsedTarget {
  const got = parseTarget(phrase, context);
  assert.equal(got.kind, 'unparsed', `${phrase} → ${JSON.stringify(got)}`);
  const unread = got;
  assert.equal(unread.text, phrase);
  assert.deepEqual(unread.stoppedAt, { word, offset }, phrase);
  assert.match(unread.reason, reason);
  assert.ok(unread.reason.includes(`"${word}"`), `the reason names "${word}": ${unread.reason}`);
  assert.equal(phrase.slice(offset, offset + word.length), word, 'the offset is into the text as given');
  assert.ok(TargetExpression.safeParse(got).success);
  return unread;
}

describe('target grammar: unknown phrases name the word where reading stopped', () => {
  it('an unknown word before the figure', () => {
    stopsAt('Gần 5%', PCT, 'Gần', 0, /unknown words before the number/);
    stopsAt('Phấn đấu vượt 5%', PCT, 'vượt', 9, /unknown words before the number/);
    stopsAt('đạt xyz 12%', PCT, 'xyz', 4, /unknown words before the number/);
    stopsAt('**Gần** 5%', PCT, 'Gần', 2, /unknown words/);
  });
  it('no figure at all', () => {
    stopsAt('Theo lộ trình của Trung ương', PCT, 'Theo', 0, /no number and no known qualitative phrase/);
    stopsAt('Dưới mức trung bình', PCT, 'mức', 5, /no number/);
  });
  it('comparators that disagree, and bounds that do not fit', () => {
    stopsAt('Dưới 3% trở lên', PCT, 'trở lên', 8, /conflicting comparators/);
    stopsAt('Dưới trên 3%', PCT, 'trên', 5, /conflicting comparators/);
    stopsAt('≥ 90% trở xuống', PCT, 'trở xuống', 6, /conflicting comparators/);
    stopsAt('Từ 90%', PCT, 'Từ', 0, /"từ" without "trở lên" or "trở xuống"/);
    stopsAt('Trên 45%-47%', PCT, 'Trên', 0, /comparator before a range/);
    stopsAt('30-35% trở lên', PCT, 'trở lên', 7, /bound after a range/);
    stopsAt('45%-47% abc', PCT, 'abc', 8, /unexpected text after the range/);
  });
  it('a number the indicator cannot decide is never guessed', () => {
    stopsAt('1.036', NUM, '1.036', 0, /cannot be read unambiguously/);
    stopsAt('trên 1.036 khu', NUM, '1.036', 5, /cannot be read unambiguously/);
    stopsAt('khoảng 1.036 triệu người', INT, '1.036', 7, /cannot be read unambiguously/);
    stopsAt('từ 1.036 đến 2.000', NUM, '1.036', 3, /cannot be read unambiguously/);
    // the unit decides: a count is whole
    readsAll([['1.036 người', INT, { kind: 'exact', value: 1036, maintain: false, unit: 'người' }]]);
  });
  it('renders where it stopped in Vietnamese and English', () => {
    const unread = stopsAt('Phấn đấu vượt 5%', PCT, 'vượt', 9, /unknown words/);
    assert.equal(renderUnparsed(unread, 'vi'), 'Không đọc được từ "vượt" (vị trí 10)');
    assert.equal(renderUnparsed(unread, 'en'), 'Could not read "vượt" (at 10)');
    const empty = parseTarget('', PCT) as UnparsedTarget;
    assert.equal(renderUnparsed(empty, 'vi'), 'Không đọc được ""');
    assert.equal(renderUnparsed(empty, 'en'), 'Could not read "" (empty phrase)');
    // the rendering of the target itself is unchanged: the phrase, or "(not understood)"
    assert.equal(renderTarget(unread, 'vi'), 'Phấn đấu vượt 5%');
    assert.equal(renderTarget(unread, 'en'), '(not understood) Phấn đấu vượt 5%');
  });
});

// ── properties: phrases generated from the grammar ──────────────────────────────────────────

/** mulberry32: a tiny deterministic PRNG, so every run checks the same phrases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(private readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
}

/** A unit as written after the figure, and as the expression keeps it. */
interface UnitChoice {
  written: string;
  unit?: string;
  sign?: '%' | '‰';
}
const UNITS: UnitChoice[] = [
  { written: '%', unit: '%', sign: '%' },
  { written: ' %', unit: '%', sign: '%' },
  { written: '‰', unit: '‰', sign: '‰' },
  { written: ' khu', unit: 'khu' },
  { written: ' lượt người', unit: 'lượt người' },
  { written: '/1.000', unit: '/1.000' },
  { written: '/100.000 trẻ đẻ sống', unit: '/100.000 trẻ đẻ sống' },
  { written: ' bác sỹ/vạn dân', unit: 'bác sỹ/vạn dân' },
  { written: ' bác sỹ / vạn dân', unit: 'bác sỹ/vạn dân' },
  { written: '' },
];
const MAGNITUDES: Array<[word: string, factor: number]> = [
  ['nghìn', 1e3],
  ['ngàn', 1e3],
  ['triệu', 1e6],
  ['tỷ', 1e9],
];

/** A number as people type it, and its value; never a writing the reader would call ambiguous. */
function writeNumber(g: Gen, context: TargetContext, unit: UnitChoice, styles: readonly string[]): { text: string; value: number } {
  // a percentage is below 1000, so it has no groups and no magnitude word
  const style = g.pick(unit.sign ? ['small', 'decimal'] : styles);
  if (style === 'small') {
    const value = g.int(0, 999);
    return { text: String(value), value };
  }
  if (style === 'decimal') {
    const whole = g.int(0, 99);
    const digits = g.pick(['5', '25', '1', '75']);
    return { text: `${whole}${g.pick([',', '.'])}${digits}`, value: Number(`${whole}.${digits}`) };
  }
  if (style === 'groups') {
    const value = g.int(1000, 9_999_999);
    const dotted = value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    // one dot group ("1.036") is a thousands group only for a count; plain digits always are
    const grouped = context.valueType === 'integer' || dotted.split('.').length > 2;
    return { text: grouped && g.chance(0.7) ? dotted : String(value), value };
  }
  const [word, factor] = g.pick(MAGNITUDES);
  const mantissa = g.pick([String(g.int(1, 999)), `${g.int(1, 99)},5`]);
  return { text: `${mantissa} ${word}`, value: roundFloat(Number(mantissa.replace(',', '.')) * factor) };
}

interface Built {
  phrase: string;
  context: TargetContext;
  expected: TargetExpression;
}

const LEAD: Record<'below' | 'above' | 'atLeast' | 'atMost' | 'approximately', string[]> = {
  below: ['Dưới ', 'dưới ', 'duoi ', '<', '< ', '＜', 'nhỏ hơn ', 'thấp hơn '],
  above: ['Trên ', 'trên ', 'hơn ', '>', '> ', '＞ ', 'đạt trên ', 'cao hơn '],
  atLeast: ['tối thiểu ', 'không dưới ', 'không thấp hơn ', 'ít nhất ', '≥', '≥ ', '>=', '>= ', 'đạt tối thiểu '],
  atMost: ['tối đa ', 'không quá ', 'không vượt quá ', '≤', '≤ ', '<=', 'không cao hơn '],
  approximately: ['khoảng ', 'xấp xỉ ', '~', '~ '],
};
const KEEP_BEFORE = ['Duy trì ', 'duy trì ', 'giữ vững ', 'giữ ổn định ', 'Duy trì tỷ lệ '];
const KEEP_AFTER = [' duy trì', ' giữ vững', ' giữ ổn định', ' (duy trì)', ' (giữ vững)'];

function contextFor(g: Gen, unit: UnitChoice): TargetContext {
  const valueType = unit.sign === '%' ? 'percent' : g.pick(['number', 'integer'] as const);
  return { valueType, polarity: g.pick(['higher', 'lower', 'band'] as const), ...(unit.unit ? { unit: unit.unit } : {}) };
}

/** One phrase of a single figure: a comparator (word, symbol or tail), a keep verb, or none. */
function buildSingle(g: Gen): Built {
  const unit = g.pick(UNITS);
  const context = contextFor(g, unit);
  const { text: number, value } = writeNumber(g, context, unit, ['small', 'decimal', 'groups', 'magnitude']);
  const figure = `${number}${unit.written}`;
  const extras = unit.unit ? { unit: unit.unit } : {};
  const form = g.pick(['lead', 'lead', 'tail', 'keep', 'exact'] as const);
  if (form === 'lead') {
    const kind = g.pick(['below', 'above', 'atLeast', 'atMost', 'approximately'] as const);
    return { phrase: `${g.pick(LEAD[kind])}${figure}`, context, expected: { kind, value, ...extras } };
  }
  if (form === 'tail') {
    const kind = g.pick(['atLeast', 'atMost'] as const);
    const tail = kind === 'atLeast' ? ' trở lên' : ' trở xuống';
    return { phrase: `${g.pick(['', 'từ ', 'Từ '])}${figure}${tail}`, context, expected: { kind, value, ...extras } };
  }
  if (form === 'keep') {
    // after the figure: right after the number or its sign, or in brackets after the unit
    const after = unit.sign || !unit.written ? g.pick(KEEP_AFTER) : g.pick(KEEP_AFTER.filter((k) => k.startsWith(' (')));
    const phrase = g.chance(0.5) ? `${g.pick(KEEP_BEFORE)}${figure}` : `${figure}${after}`;
    return { phrase, context, expected: { kind: 'exact', value, maintain: true, ...extras } };
  }
  return { phrase: `${g.pick(['', 'đạt ', 'Đạt '])}${figure}`, context, expected: { kind: 'exact', value, maintain: false, ...extras } };
}

/** One range: dashed or with words, "từ" or "khoảng" before it, the sign on one end or both. */
function buildRange(g: Gen): Built {
  const unit = g.pick(UNITS.filter((u) => !u.written.startsWith(' %')));
  const context = contextFor(g, unit);
  const magnitude = !unit.sign && g.chance(0.3) ? g.pick(MAGNITUDES) : null;
  // "1.036 triệu" is ambiguous even for a count (1 036 000 or 1 036 000 000): no groups before a magnitude word
  const styles = magnitude ? ['small', 'decimal'] : ['small', 'decimal', 'groups'];
  const a = writeNumber(g, context, unit, styles);
  const b = writeNumber(g, context, unit, styles);
  const [low, high] = b.value >= a.value ? [a, b] : [b, a];
  const scale = magnitude ? magnitude[1] : 1;
  const connector = g.pick(['-', ' - ', ' đến ', ' tới ', '-']);
  const approximate = g.chance(0.25);
  const lead = `${approximate ? g.pick(['khoảng ', 'Khoảng ']) : ''}${g.pick(['', 'từ '])}`;
  const lowSign = unit.sign && g.chance(0.5) ? unit.sign : '';
  const end = magnitude ? ` ${magnitude[0]}` : '';
  const phrase = `${lead}${low.text}${lowSign}${connector}${high.text}${end}${unit.written}`;
  const expected: TargetExpression = {
    kind: 'range',
    min: roundFloat(low.value * scale),
    max: roundFloat(high.value * scale),
    ...(approximate ? { approximate: true } : {}),
    ...(unit.unit ? { unit: unit.unit } : {}),
  };
  return { phrase, context, expected };
}

function build(g: Gen): Built {
  const built = g.chance(0.7) ? buildSingle(g) : buildRange(g);
  if (!g.chance(0.2)) return built;
  const qualifier = g.pick(['theo chuẩn mới', 'tập trung']);
  return { ...built, phrase: `${built.phrase} (${qualifier})`, expected: { ...built.expected, qualifier } as TargetExpression };
}

describe('target grammar: properties over generated phrases', () => {
  const CASES = 600;

  it(`${CASES} phrases built from the grammar read as the expression they were built from, and render back to it`, () => {
    const g = new Gen(prng(20261201));
    const started = Date.now();
    const seen = new Set<string>();
    for (let n = 0; n < CASES; n++) {
      const { phrase, context, expected } = build(g);
      seen.add(expected.kind === 'exact' && expected.maintain ? 'maintain' : expected.kind);
      if (/trở (lên|xuống)$/.test(phrase)) seen.add('tail');
      if (/nghìn|ngàn|triệu|tỷ/.test(phrase)) seen.add('magnitude');
      if (/[≥≤<>~＞＜]/.test(phrase)) seen.add('symbol');
      assert.ok(TargetExpression.safeParse(expected).success, `generated a valid expression for "${phrase}"`);
      const got = parseTarget(phrase, context);
      assert.deepEqual(got, expected, `"${phrase}" in ${JSON.stringify(context)}`);
      const vi = renderTarget(got, 'vi', context.valueType);
      assert.deepEqual(parseTarget(vi, context), expected, `round trip "${phrase}" → "${vi}"`);
      assert.doesNotMatch(renderTarget(got, 'en', context.valueType), /not understood/);
    }
    assert.ok(Date.now() - started < 10_000, 'bounded time');
    const productions = ['below', 'above', 'atLeast', 'atMost', 'approximately', 'exact', 'maintain', 'range', 'tail', 'magnitude', 'symbol'];
    assert.deepEqual(productions.filter((p) => !seen.has(p)), [], 'the generator reaches every production');
  });

  it('an unknown word in front of a generated phrase stops reading there, at its offset', () => {
    const g = new Gen(prng(7));
    for (let n = 0; n < 200; n++) {
      const { phrase, context } = build(g);
      const word = g.pick(['Gần', 'vượt', 'xyz', 'chừng', 'hầu']);
      const got = parseTarget(`${word} ${phrase}`, context);
      assert.equal(got.kind, 'unparsed', `"${word} ${phrase}"`);
      assert.deepEqual((got).stoppedAt, { word, offset: 0 }, `"${word} ${phrase}"`);
    }
  });

  it('a single dot or comma group of three digits is never guessed where the indicator cannot decide', () => {
    const g = new Gen(prng(99));
    for (let n = 0; n < 200; n++) {
      const number = `${g.int(1, 999)}${g.pick(['.', ','])}${String(g.int(0, 999)).padStart(3, '0')}`;
      const lead = g.pick([...LEAD.below, ...LEAD.atLeast, '', 'Duy trì ']);
      const phrase = `${lead}${number}${g.pick(['', ' khu', ' m2'])}`;
      const got = parseTarget(phrase, NUM);
      assert.equal(got.kind, 'unparsed', phrase);
      assert.equal((got).stoppedAt?.word, number, phrase);
    }
  });
});
