/**
 * THE GOLDEN TEST of target phrases: every distinct (plan, text, context) target in the two
 * catalogs is listed below with the expression it means, written out by reading the phrase
 * (DOMAIN.md "How targets are written"), not copied from the parser. The test fails when
 * - the parser reads a phrase differently from this table,
 * - a catalog holds a target phrase (or a phrase in a new context) that is not in the table,
 * - the table lists a phrase the catalogs no longer hold,
 * - any catalog target is unparsed, or
 * - a stored `target` differs from what its text reads as.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseIndicator, targetContext } from '../../shared/compile';
import type { QualitativeAnswer, TargetExpression } from '../../shared/schema/target';
import { parseTarget } from '../../shared/targets/parse';
import type { TargetContext } from '../../shared/targets/parse';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLANS = ['hn-kh207-2021', 'hn-kh181-2024'] as const;
type PlanId = (typeof PLANS)[number];

// ── contexts, as targetContext(indicator) gives them ──────────────────────────────────────
const ctx = (valueType: TargetContext['valueType'], polarity: TargetContext['polarity'], unit: string, comparesToPrevious = false): TargetContext => ({
  valueType,
  polarity,
  unit,
  comparesToPrevious,
});
const PCT_UP = ctx('percent', 'higher', '%');
const PCT_DOWN = ctx('percent', 'lower', '%');
const QUAL = ctx('qualitative', 'higher', '');
const ALL: QualitativeAnswer[] = ['achieved', 'basicallyAchieved', 'notAchieved'];

interface Golden {
  text: string;
  context: TargetContext;
  expected: TargetExpression;
}

const GOLDEN: Record<PlanId, Golden[]> = {
  'hn-kh207-2021': [
    // 1 unemployment (less is better)
    { text: 'Dưới 4%', context: PCT_DOWN, expected: { kind: 'below', value: 4, unit: '%' } },
    { text: 'Dưới 3%', context: PCT_DOWN, expected: { kind: 'below', value: 3, unit: '%' } },
    // 2 jobs: a count per year, dot = thousands
    {
      text: '160.000 lượt người /năm',
      context: ctx('integer', 'higher', 'lượt người/năm'),
      expected: { kind: 'exact', value: 160000, maintain: false, unit: 'lượt người/năm' },
    },
    // 3 social insurance (dot decimals as the appendix typed them)
    { text: '40.0%', context: PCT_UP, expected: { kind: 'exact', value: 40, maintain: false, unit: '%' } },
    { text: '42.5%', context: PCT_UP, expected: { kind: 'exact', value: 42.5, maintain: false, unit: '%' } },
    { text: '45.0%', context: PCT_UP, expected: { kind: 'exact', value: 45, maintain: false, unit: '%' } },
    { text: '47.5%', context: PCT_UP, expected: { kind: 'exact', value: 47.5, maintain: false, unit: '%' } },
    { text: '50%', context: PCT_UP, expected: { kind: 'exact', value: 50, maintain: false, unit: '%' } },
    // 3.1 compulsory (and 4's 2023-2024)
    { text: '39%', context: PCT_UP, expected: { kind: 'exact', value: 39, maintain: false, unit: '%' } },
    { text: '41%', context: PCT_UP, expected: { kind: 'exact', value: 41, maintain: false, unit: '%' } },
    { text: '43%', context: PCT_UP, expected: { kind: 'exact', value: 43, maintain: false, unit: '%' } },
    { text: '45%', context: PCT_UP, expected: { kind: 'exact', value: 45, maintain: false, unit: '%' } },
    { text: '47%', context: PCT_UP, expected: { kind: 'exact', value: 47, maintain: false, unit: '%' } },
    // 3.2 voluntary
    { text: '1.0%', context: PCT_UP, expected: { kind: 'exact', value: 1, maintain: false, unit: '%' } },
    { text: '1.5%', context: PCT_UP, expected: { kind: 'exact', value: 1.5, maintain: false, unit: '%' } },
    { text: '2.0%', context: PCT_UP, expected: { kind: 'exact', value: 2, maintain: false, unit: '%' } },
    { text: '2.5%', context: PCT_UP, expected: { kind: 'exact', value: 2.5, maintain: false, unit: '%' } },
    { text: '3%', context: PCT_UP, expected: { kind: 'exact', value: 3, maintain: false, unit: '%' } },
    // 4 unemployment insurance
    { text: '37%', context: PCT_UP, expected: { kind: 'exact', value: 37, maintain: false, unit: '%' } },
    { text: '38%', context: PCT_UP, expected: { kind: 'exact', value: 38, maintain: false, unit: '%' } },
    { text: '40%', context: PCT_UP, expected: { kind: 'exact', value: 40, maintain: false, unit: '%' } },
    // 5 pensions: ranges with the % on both ends
    { text: '45%-47%', context: PCT_UP, expected: { kind: 'range', min: 45, max: 47, unit: '%' } },
    { text: '47%-49%', context: PCT_UP, expected: { kind: 'range', min: 47, max: 49, unit: '%' } },
    { text: '49%-51%', context: PCT_UP, expected: { kind: 'range', min: 49, max: 51, unit: '%' } },
    { text: '51%-53%', context: PCT_UP, expected: { kind: 'range', min: 51, max: 53, unit: '%' } },
    { text: '55%', context: PCT_UP, expected: { kind: 'exact', value: 55, maintain: false, unit: '%' } },
    // 6 health insurance (comma decimals)
    { text: '91,5%', context: PCT_UP, expected: { kind: 'exact', value: 91.5, maintain: false, unit: '%' } },
    { text: '92,5%', context: PCT_UP, expected: { kind: 'exact', value: 92.5, maintain: false, unit: '%' } },
    { text: '93,5%', context: PCT_UP, expected: { kind: 'exact', value: 93.5, maintain: false, unit: '%' } },
    { text: '94,5%', context: PCT_UP, expected: { kind: 'exact', value: 94.5, maintain: false, unit: '%' } },
    { text: '95%', context: PCT_UP, expected: { kind: 'exact', value: 95, maintain: false, unit: '%' } },
    // 7 poor households: qualitative, then the standard changes ("theo chuẩn mới")
    {
      text: 'Cơ bản không còn hộ nghèo (theo chuẩn cũ)',
      context: PCT_DOWN,
      expected: { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: ALL, qualifier: 'theo chuẩn cũ' },
    },
    { text: 'Dưới 3% (theo chuẩn mới)', context: PCT_DOWN, expected: { kind: 'below', value: 3, unit: '%', qualifier: 'theo chuẩn mới' } },
    { text: 'Dưới 2% (theo chuẩn mới)', context: PCT_DOWN, expected: { kind: 'below', value: 2, unit: '%', qualifier: 'theo chuẩn mới' } },
    { text: 'Dưới 1% (theo chuẩn mới)', context: PCT_DOWN, expected: { kind: 'below', value: 1, unit: '%', qualifier: 'theo chuẩn mới' } },
    {
      text: 'Cơ bản không còn hộ nghèo',
      context: PCT_DOWN,
      expected: { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'không còn hộ nghèo', allowedAnswers: ALL },
    },
    // 8-10, 13, 14 (2025), 21, 23-25, 27 (2025)
    { text: '100%', context: PCT_UP, expected: { kind: 'exact', value: 100, maintain: false, unit: '%' } },
    // 11 beds per 10,000 people: bare numbers inherit the indicator unit (none in the expression)
    { text: '27,5', context: ctx('number', 'higher', 'giường bệnh/vạn dân'), expected: { kind: 'exact', value: 27.5, maintain: false } },
    { text: '28,0', context: ctx('number', 'higher', 'giường bệnh/vạn dân'), expected: { kind: 'exact', value: 28, maintain: false } },
    { text: '28,5', context: ctx('number', 'higher', 'giường bệnh/vạn dân'), expected: { kind: 'exact', value: 28.5, maintain: false } },
    { text: '29,0', context: ctx('number', 'higher', 'giường bệnh/vạn dân'), expected: { kind: 'exact', value: 29, maintain: false } },
    { text: '30-35', context: ctx('number', 'higher', 'giường bệnh/vạn dân'), expected: { kind: 'range', min: 30, max: 35 } },
    // 12 doctors per 10,000 people
    { text: '13,7', context: ctx('number', 'higher', 'bác sỹ/vạn dân'), expected: { kind: 'exact', value: 13.7, maintain: false } },
    { text: '14', context: ctx('number', 'higher', 'bác sỹ/vạn dân'), expected: { kind: 'exact', value: 14, maintain: false } },
    { text: '14,3', context: ctx('number', 'higher', 'bác sỹ/vạn dân'), expected: { kind: 'exact', value: 14.3, maintain: false } },
    { text: '14,6', context: ctx('number', 'higher', 'bác sỹ/vạn dân'), expected: { kind: 'exact', value: 14.6, maintain: false } },
    { text: '15', context: ctx('number', 'higher', 'bác sỹ/vạn dân'), expected: { kind: 'exact', value: 15, maintain: false } },
    // 14 health management
    { text: 'Trên 85%', context: PCT_UP, expected: { kind: 'above', value: 85, unit: '%' } },
    { text: 'Trên 90%', context: PCT_UP, expected: { kind: 'above', value: 90, unit: '%' } },
    { text: 'Trên 94%', context: PCT_UP, expected: { kind: 'above', value: 94, unit: '%' } },
    { text: 'Trên 98%', context: PCT_UP, expected: { kind: 'above', value: 98, unit: '%' } },
    // 15 life expectancy
    { text: '75,7', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'exact', value: 75.7, maintain: false } },
    { text: '75,9', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'exact', value: 75.9, maintain: false } },
    { text: '76,1', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'exact', value: 76.1, maintain: false } },
    { text: '76,3', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'exact', value: 76.3, maintain: false } },
    { text: '76,5', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'exact', value: 76.5, maintain: false } },
    // 16 replacement fertility: a bare number; the band polarity makes it a level when checked
    { text: '2,1', context: ctx('number', 'band', 'con/phụ nữ'), expected: { kind: 'exact', value: 2.1, maintain: false } },
    // 17 "Giảm … so với năm trước": a yearly change against last year's actual
    {
      text: '0,1%/năm',
      context: ctx('percent', 'lower', '%', true),
      expected: { kind: 'change', direction: 'decrease', amount: 0.1, per: 'year', unit: '%' },
    },
    // 18 prenatal screening
    { text: '81%', context: PCT_UP, expected: { kind: 'exact', value: 81, maintain: false, unit: '%' } },
    { text: '82%', context: PCT_UP, expected: { kind: 'exact', value: 82, maintain: false, unit: '%' } },
    { text: '83%', context: PCT_UP, expected: { kind: 'exact', value: 83, maintain: false, unit: '%' } },
    { text: '84%', context: PCT_UP, expected: { kind: 'exact', value: 84, maintain: false, unit: '%' } },
    { text: '85%', context: PCT_UP, expected: { kind: 'exact', value: 85, maintain: false, unit: '%' } },
    // 19 newborn screening
    { text: '86%', context: PCT_UP, expected: { kind: 'exact', value: 86, maintain: false, unit: '%' } },
    { text: '87%', context: PCT_UP, expected: { kind: 'exact', value: 87, maintain: false, unit: '%' } },
    { text: '88%', context: PCT_UP, expected: { kind: 'exact', value: 88, maintain: false, unit: '%' } },
    { text: '89%', context: PCT_UP, expected: { kind: 'exact', value: 89, maintain: false, unit: '%' } },
    { text: '90%', context: PCT_UP, expected: { kind: 'exact', value: 90, maintain: false, unit: '%' } },
    // 20 people with merit: qualitative
    {
      text: 'Cơ bản đạt',
      context: QUAL,
      expected: { kind: 'qualitative', expected: 'basicallyAchieved', statement: 'đạt', allowedAnswers: ALL },
    },
    // 22 school milk
    { text: 'Từ 90% trở lên', context: PCT_UP, expected: { kind: 'atLeast', value: 90, unit: '%' } },
    // 24 children in difficult circumstances
    { text: 'Trên 99%', context: PCT_UP, expected: { kind: 'above', value: 99, unit: '%' } },
    // 26 cremation: "% - %" with spaces, then the % once
    { text: '64,5% - 66%', context: PCT_UP, expected: { kind: 'range', min: 64.5, max: 66, unit: '%' } },
    { text: '66% - 68%', context: PCT_UP, expected: { kind: 'range', min: 66, max: 68, unit: '%' } },
    { text: '68% - 70%', context: PCT_UP, expected: { kind: 'range', min: 68, max: 70, unit: '%' } },
    { text: '70% - 73%', context: PCT_UP, expected: { kind: 'range', min: 70, max: 73, unit: '%' } },
    { text: '73-75%', context: PCT_UP, expected: { kind: 'range', min: 73, max: 75, unit: '%' } },
    // 27 community care models
    { text: '20%-30%', context: PCT_UP, expected: { kind: 'range', min: 20, max: 30, unit: '%' } },
    { text: '30%-50%', context: PCT_UP, expected: { kind: 'range', min: 30, max: 50, unit: '%' } },
    { text: '50%-70%', context: PCT_UP, expected: { kind: 'range', min: 50, max: 70, unit: '%' } },
    { text: '70%-90%', context: PCT_UP, expected: { kind: 'range', min: 70, max: 90, unit: '%' } },
  ],
  'hn-kh181-2024': [
    { text: '100%', context: PCT_UP, expected: { kind: 'exact', value: 100, maintain: false, unit: '%' } },
    { text: 'dưới 3%', context: PCT_DOWN, expected: { kind: 'below', value: 3, unit: '%' } },
    { text: 'dưới 3,5%', context: PCT_DOWN, expected: { kind: 'below', value: 3.5, unit: '%' } },
    { text: 'đạt trên 80%', context: PCT_UP, expected: { kind: 'above', value: 80, unit: '%' } },
    { text: 'đạt trên 60%', context: PCT_UP, expected: { kind: 'above', value: 60, unit: '%' } },
    { text: '70%', context: PCT_UP, expected: { kind: 'exact', value: 70, maintain: false, unit: '%' } },
    { text: '50%', context: PCT_UP, expected: { kind: 'exact', value: 50, maintain: false, unit: '%' } },
    { text: '65%', context: PCT_UP, expected: { kind: 'exact', value: 65, maintain: false, unit: '%' } },
    {
      text: 'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi',
      context: QUAL,
      expected: {
        kind: 'qualitative',
        expected: 'achieved',
        statement: 'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi',
        allowedAnswers: ALL,
      },
    },
    { text: 'đạt 99,5%', context: PCT_UP, expected: { kind: 'exact', value: 99.5, maintain: false, unit: '%' } },
    { text: 'tối thiểu đạt 95%', context: PCT_UP, expected: { kind: 'atLeast', value: 95, unit: '%' } },
    { text: 'tối thiểu đạt 75%', context: PCT_UP, expected: { kind: 'atLeast', value: 75, unit: '%' } },
    {
      text: 'Đạt chuẩn xoá mù chữ mức độ 2',
      context: QUAL,
      expected: { kind: 'qualitative', expected: 'achieved', statement: 'Đạt chuẩn xoá mù chữ mức độ 2', allowedAnswers: ALL },
    },
    {
      text: 'Mức sinh thay thế 2,1',
      context: ctx('number', 'band', 'con/phụ nữ'),
      expected: { kind: 'level', value: 2.1, label: 'Mức sinh thay thế' },
    },
    { text: 'khoảng 77 tuổi', context: ctx('number', 'higher', 'tuổi'), expected: { kind: 'approximately', value: 77, unit: 'tuổi' } },
    { text: 'đạt tối thiểu 68 năm', context: ctx('number', 'higher', 'năm'), expected: { kind: 'atLeast', value: 68, unit: 'năm' } },
    { text: 'đạt khoảng 0,88-0,9', context: ctx('number', 'higher', ''), expected: { kind: 'range', min: 0.88, max: 0.9, approximate: true } },
    {
      text: 'Đạt 35 giường bệnh viện trên 10.000 dân',
      context: ctx('number', 'higher', 'giường bệnh/vạn dân'),
      expected: { kind: 'exact', value: 35, maintain: false, unit: 'giường bệnh viện trên 10.000 dân' },
    },
    {
      text: 'Đạt 19 bác sỹ trên 10.000 dân',
      context: ctx('number', 'higher', 'bác sỹ/vạn dân'),
      expected: { kind: 'exact', value: 19, maintain: false, unit: 'bác sỹ trên 10.000 dân' },
    },
    {
      text: 'Đạt 04 dược sỹ trên 10.000 dân',
      context: ctx('number', 'higher', 'dược sỹ/vạn dân'),
      expected: { kind: 'exact', value: 4, maintain: false, unit: 'dược sỹ trên 10.000 dân' },
    },
    {
      text: 'Đạt 33 điều dưỡng viên trên 10.000 dân',
      context: ctx('number', 'higher', 'điều dưỡng viên/vạn dân'),
      expected: { kind: 'exact', value: 33, maintain: false, unit: 'điều dưỡng viên trên 10.000 dân' },
    },
    { text: 'đạt 98%', context: PCT_UP, expected: { kind: 'exact', value: 98, maintain: false, unit: '%' } },
    { text: 'Trên 95%', context: PCT_UP, expected: { kind: 'above', value: 95, unit: '%' } },
    { text: 'đạt 95%', context: PCT_UP, expected: { kind: 'exact', value: 95, maintain: false, unit: '%' } },
    { text: 'dưới 15%', context: PCT_DOWN, expected: { kind: 'below', value: 15, unit: '%' } },
    {
      text: 'Cơ bản chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét',
      context: QUAL,
      expected: {
        kind: 'qualitative',
        expected: 'basicallyAchieved',
        statement: 'chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét',
        allowedAnswers: ALL,
      },
    },
    {
      text: 'khoảng 32 m2 sàn/người',
      context: ctx('number', 'higher', 'm2 sàn/người'),
      expected: { kind: 'approximately', value: 32, unit: 'm2 sàn/người' },
    },
    {
      text: 'đạt 33 m2/người',
      context: ctx('number', 'higher', 'm2 sàn/người'),
      expected: { kind: 'exact', value: 33, maintain: false, unit: 'm2/người' },
    },
    {
      text: 'đạt 28 m2/người',
      context: ctx('number', 'higher', 'm2 sàn/người'),
      expected: { kind: 'exact', value: 28, maintain: false, unit: 'm2/người' },
    },
    {
      text: 'khoảng 2,5 triệu m2 sàn nhà ở xã hội',
      context: ctx('number', 'higher', 'm2 sàn'),
      expected: { kind: 'approximately', value: 2500000, unit: 'm2 sàn nhà ở xã hội' },
    },
    {
      text: '1-2 khu nhà ở xã hội độc lập (tập trung)',
      context: ctx('integer', 'higher', 'khu'),
      expected: { kind: 'range', min: 1, max: 2, unit: 'khu nhà ở xã hội độc lập', qualifier: 'tập trung' },
    },
    { text: 'đạt 25%', context: PCT_UP, expected: { kind: 'exact', value: 25, maintain: false, unit: '%' } },
    { text: 'đạt 90%', context: PCT_UP, expected: { kind: 'exact', value: 90, maintain: false, unit: '%' } },
  ],
};

// ── the catalogs ───────────────────────────────────────────────────────────────────────────

interface CatalogTarget {
  plan: PlanId;
  where: string; // "indicator/year"
  text: string;
  context: TargetContext;
  stored: TargetExpression;
}

let cache: CatalogTarget[] | undefined;
function catalogTargets(): CatalogTarget[] {
  if (cache) return cache;
  const out: CatalogTarget[] = [];
  for (const plan of PLANS) {
    const json = JSON.parse(readFileSync(path.join(repoRoot, 'shared', 'plans', `${plan}.json`), 'utf8')) as { indicators: unknown[] };
    for (const raw of json.indicators) {
      const indicator = parseIndicator(raw);
      const context = targetContext(indicator);
      // The stored expression as the file holds it (the schema would fill a missing one in).
      const storedTargets = (raw as { targets: Record<string, { text: string; target?: TargetExpression }> }).targets;
      for (const [year, target] of Object.entries(indicator.targets)) {
        const stored = storedTargets[year]?.target;
        assert.ok(stored, `${plan} ${indicator.code}/${year}: the catalog stores no target expression for "${target.text}"`);
        out.push({ plan, where: `${indicator.code}/${year}`, text: target.text, context, stored });
      }
    }
  }
  cache = out;
  return out;
}

const keyOf = (plan: PlanId, text: string, context: TargetContext) =>
  JSON.stringify([plan, text, context.valueType, context.polarity, context.unit ?? '', context.comparesToPrevious === true]);

describe('target phrases of the catalogs (golden)', () => {
  it('the golden table has no duplicate (plan, text, context) rows', () => {
    const seen = new Set<string>();
    for (const plan of PLANS) {
      for (const row of GOLDEN[plan]) {
        const key = keyOf(plan, row.text, row.context);
        assert.ok(!seen.has(key), `duplicate golden row ${key}`);
        seen.add(key);
      }
    }
  });

  it('every target of the catalogs is in the golden table (add new phrases there, read by hand)', () => {
    const golden = new Set(PLANS.flatMap((plan) => GOLDEN[plan].map((row) => keyOf(plan, row.text, row.context))));
    const missing = catalogTargets()
      .filter((t) => !golden.has(keyOf(t.plan, t.text, t.context)))
      .map((t) => `${t.plan} ${t.where}: "${t.text}" in ${JSON.stringify(t.context)}`);
    assert.deepEqual(missing, [], `catalog targets missing from the golden table:\n${missing.join('\n')}`);
  });

  it('every golden row still occurs in a catalog (no stale rows)', () => {
    const present = new Set(catalogTargets().map((t) => keyOf(t.plan, t.text, t.context)));
    const stale = PLANS.flatMap((plan) => GOLDEN[plan].filter((row) => !present.has(keyOf(plan, row.text, row.context))).map((row) => `${plan}: "${row.text}"`));
    assert.deepEqual(stale, []);
  });

  it('covers both catalogs with a sensible number of targets', () => {
    const targets = catalogTargets();
    assert.ok(targets.filter((t) => t.plan === 'hn-kh207-2021').length >= 27 * 4, 'plan 207 has yearly targets for its indicators');
    assert.ok(targets.filter((t) => t.plan === 'hn-kh181-2024').length >= 30, 'plan 181 has 2030 targets');
  });

  it('no catalog target is unparsed', () => {
    const unparsed = catalogTargets()
      .filter((t) => t.stored.kind === 'unparsed' || parseTarget(t.text, t.context).kind === 'unparsed')
      .map((t) => `${t.plan} ${t.where}: "${t.text}"`);
    assert.deepEqual(unparsed, []);
  });

  it('every stored target equals parseTarget(text, targetContext(indicator))', () => {
    const differing = catalogTargets()
      .filter((t) => !isDeepStrictEqual(t.stored, parseTarget(t.text, t.context)))
      .map((t) => `${t.plan} ${t.where}: "${t.text}" stored ${JSON.stringify(t.stored)} reads ${JSON.stringify(parseTarget(t.text, t.context))}`);
    assert.deepEqual(differing, [], differing.join('\n'));
  });

  for (const plan of PLANS) {
    describe(plan, () => {
      for (const row of GOLDEN[plan]) {
        it(`"${row.text}" (${row.context.valueType}, ${row.context.polarity}${row.context.unit ? `, ${row.context.unit}` : ''}${row.context.comparesToPrevious ? ', vs previous year' : ''})`, () => {
          assert.deepEqual(parseTarget(row.text, row.context), row.expected);
        });
      }
    });
  }
});
