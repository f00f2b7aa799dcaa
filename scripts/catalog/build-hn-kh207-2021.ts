/**
 * Builds shared/plans/hn-kh207-2021.json: Hà Nội plan 207/KH-UBND (8 Sept 2021) implementing
 * programme 08-CTr/TU, from the seed text `seeds/hanoi-kh207-2021-program08.txt`.
 *
 *   npx tsx scripts/catalog/build-hn-kh207-2021.ts [path/to/seed.txt]
 *
 * Without an argument the seed is read from SEEDS_DIR (default ../shared/seeds beside the
 * repository; see scripts/seeds.ts).
 *
 * The three appendix tables (tab-separated lines after "KẾ HOẠCH THỰC HIỆN CÁC CHỈ TIÊU…")
 * are parsed from the seed; everything the seed cannot say (polarity, value type, unit,
 * English names, policy field, aggregation, corrections of typos) is a hand-made decision
 * recorded in the tables of section 1 below. The script fails loudly when the seed no
 * longer matches those decisions (a code is missing, a merged cell moved, a typo is gone),
 * so a changed seed is never silently mis-catalogued.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { Plan } from '../../shared/schema/plan';
import type {
  Aggregation,
  Costs,
  Due,
  Indicator,
  PlanDocument,
  PlanInput,
  Polarity,
  Project,
  ProjectGroup,
  Rule,
  ValueType,
  YearTarget,
} from '../../shared/schema/plan';
import { parseTarget } from '../../shared/targets/parse';
import { splitNumberedItems } from '../../shared/plan-import/items';
import { stripMarkup } from '../../shared/text';
import { readSeedOrExit, writePlanFile } from '../seeds';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED_NAME = 'hanoi-kh207-2021-program08.txt';
const OUTPUT = path.resolve(repoRoot, 'shared', 'plans', 'hn-kh207-2021.json');
const YEARS = ['2021', '2022', '2023', '2024', '2025'] as const;

// ═══════════════════════════════════════════════════════════════════════════════════════
// 1. HAND-MADE DECISIONS
// ═══════════════════════════════════════════════════════════════════════════════════════

/** Field tags decide which successor takes an indicator over after the 2025 reorganisation
 * (Sở LĐTBXH → Sở Nội vụ by default; social protection, children, social evils → Sở Y tế;
 * vocational education → Sở GD&ĐT). */
type Field =
  | 'employment'
  | 'social-insurance'
  | 'poverty'
  | 'education'
  | 'social-protection'
  | 'health'
  | 'merit'
  | 'transport'
  | 'children'
  | 'social-evils';

interface IndicatorDecision {
  nameEn: string;
  valueType: ValueType;
  polarity: Polarity;
  unit: string;
  decimals?: number;
  field: Field;
  aggregation: Aggregation;
  /** Targets are a change against the previous year's actual ("Giảm … so với năm trước"). */
  comparesToPrevious?: boolean;
}

const LEAD: Aggregation = { kind: 'lead' };
const PER_COMMUNE: Aggregation = {
  kind: 'weightedMean',
  denominator: { label: 'Số xã, phường, thị trấn', labelEn: 'Number of communes' },
  // Each district reports its own share; Mặt trận and the other coordinators do not.
  contributors: ['hn-g-districts'],
};
const pct = (nameEn: string, field: Field, polarity: Polarity = 'higher', aggregation: Aggregation = LEAD): IndicatorDecision => ({
  nameEn,
  valueType: 'percent',
  polarity,
  unit: '%',
  field,
  aggregation,
});

/** Appendix 1, one entry per row (the output follows the seed's row order). Codes are appendix 1's TT (not the
 * numbering of section II.2 of the body, which differs). */
const INDICATORS: Record<string, IndicatorDecision> = {
  '1': pct('Unemployment rate', 'employment', 'lower'),
  '2': {
    nameEn: 'Jobs created (people placed in work per year)',
    valueType: 'integer',
    polarity: 'higher',
    unit: 'lượt người/năm',
    field: 'employment',
    // Districts report the jobs they created; Cục Thống kê and NHCSXH coordinate, they do not contribute counts.
    aggregation: { kind: 'sum', contributors: ['hn-g-districts'] },
  },
  '3': pct('Share of the working-age labour force covered by social insurance', 'social-insurance'),
  '3.1': pct('Share of the working-age labour force covered by compulsory social insurance', 'social-insurance'),
  '3.2': pct(
    'Share of the working-age labour force covered by voluntary social insurance (farmers, informal-sector workers)',
    'social-insurance',
  ),
  '4': pct('Share of the working-age labour force covered by unemployment insurance', 'social-insurance'),
  '5': pct(
    'Share of people above retirement age receiving a pension, monthly social-insurance benefit or retirement/social allowance',
    'social-insurance',
  ),
  '6': pct('Health-insurance coverage rate', 'social-insurance'),
  '7': pct('Poverty rate (city poverty line)', 'poverty', 'lower'),
  '8': pct(
    'Tuition exemption for pupils with disabilities, under social protection or from poor households (maintained); tuition support extended step by step to near-poor households',
    'education',
  ),
  '9': pct(
    'Share of social-protection beneficiaries receiving monthly allowances and health-insurance cards (maintained)',
    'social-protection',
  ),
  '10': pct(
    'Share of individuals and households hit by natural disasters, fires or other force majeure that receive timely emergency aid (maintained)',
    'social-protection',
  ),
  '11': {
    nameEn: 'Hospital beds per 10,000 people',
    valueType: 'number',
    polarity: 'higher',
    unit: 'giường bệnh/vạn dân',
    decimals: 1,
    field: 'health',
    aggregation: LEAD,
  },
  '12': {
    nameEn: 'Doctors per 10,000 people',
    valueType: 'number',
    polarity: 'higher',
    unit: 'bác sỹ/vạn dân',
    decimals: 1,
    field: 'health',
    aggregation: LEAD,
  },
  '13': pct('Share of communes and wards meeting the national health standard (maintained)', 'health'),
  '14': pct('Share of residents under health management', 'health'),
  '15': {
    nameEn: 'Average life expectancy',
    valueType: 'number',
    polarity: 'higher',
    unit: 'tuổi',
    decimals: 1,
    field: 'health',
    aggregation: LEAD,
  },
  '16': {
    nameEn: 'Replacement fertility (average number of children per woman of reproductive age)',
    valueType: 'number',
    polarity: 'band',
    unit: 'con/phụ nữ',
    decimals: 2,
    field: 'health',
    aggregation: LEAD,
  },
  '17': {
    ...pct('Reduction of the under-5 malnutrition rate against the previous year', 'health', 'lower'),
    comparesToPrevious: true,
  },
  '18': pct('Share of pregnant women screened prenatally for the 4 most common congenital disorders', 'health'),
  '19': pct('Share of newborns screened for the 5 most common congenital disorders', 'health'),
  '20': {
    nameEn: 'People with revolutionary merit whose living standard equals or exceeds the local average',
    valueType: 'qualitative',
    polarity: 'higher',
    unit: '',
    field: 'merit',
    aggregation: LEAD,
  },
  '21': pct(
    'Share of communes, wards and towns with a fund for the care and promotion of the elderly',
    'social-protection',
    'higher',
    PER_COMMUNE,
  ),
  '22': pct('Share of kindergarten and primary pupils in the school milk programme', 'education'),
  '23': pct(
    'Free mass-transit fares for people with merit, the elderly, people with disabilities, children under 6 and members of poor households (maintained); further groups added step by step',
    'transport',
  ),
  '24': pct('Share of children in difficult or special circumstances who receive support', 'children'),
  '25': pct(
    'Share of detected gender-based violence cases and cases of child abuse or violence that receive timely intervention and support',
    'children',
  ),
  '26': pct('Cremation rate', 'social-protection'),
  '27': pct(
    'Share of communes, wards and towns with a model for managing, caring for and supporting the community reintegration of people after drug rehabilitation',
    'social-evils',
    'higher',
    PER_COMMUNE,
  ),
};

/** Rows whose "Cơ quan chủ trì" cell is blank because it is merged with the row above
 * (row → row it inherits from). The coordinators and policy-documents cells of these rows
 * are inherited the same way when blank; the policy-documents cell of the group 3-6 is split
 * by a page break (items 1-3 on row 3, item 4 on row 4), so the group's items are the
 * concatenation of its members' cells. The parser checks the seed against this table. */
const MERGED_LEAD: Record<string, string> = {
  '2': '1',
  '3.1': '3',
  '3.2': '3',
  '4': '3',
  '5': '3',
  '6': '3',
  '10': '9',
};

/** Target cells merged across years: indicator 2's 2022 cell spans 2022-2025. */
const MERGED_TARGETS: Record<string, { from: string; years: string[] }> = {
  '2': { from: '2022', years: ['2023', '2024', '2025'] },
};

/** Indicators with a blank baseline cell (no 2020 figure). */
const BLANK_BASELINES = ['14', '17', '25'];

/** Rows with no policy document of their own. */
const NO_POLICY_DOCUMENTS = ['17', '18', '19'];

interface TextCorrection {
  /** What the `where` of the correction entry says. */
  where: string;
  /** The fragment as written in the seed (must occur in the field). */
  from: string;
  to: string;
  why: string;
}

const MILK_WHY = '"sửa" (repair) is a typo for "sữa" (milk): the school milk programme (Chương trình sữa học đường)';
const CREMATION_WHY = '"hòa táng" is a typo for "hỏa táng" (cremation)';

/** Typos corrected in the catalogue; the source wording is kept in `sourceName` and in the
 * plan's `corrections`. Keys: `indicator:<code>:name`, `indicator:<code>:policyDocuments`,
 * `document:<code>:title`. */
const TEXT_CORRECTIONS: Record<string, TextCorrection> = {
  'indicator:22:name': { where: 'indicators[22].name', from: 'sửa học đường', to: 'sữa học đường', why: MILK_WHY },
  'indicator:22:policyDocuments': {
    where: 'indicators[22].policyDocuments',
    from: 'sửa học đường',
    to: 'sữa học đường',
    why: MILK_WHY,
  },
  'document:2021-Q3.9:title': { where: 'documents[2021-Q3.9].title', from: 'sửa học đường', to: 'sữa học đường', why: MILK_WHY },
  'indicator:26:name': { where: 'indicators[26].name', from: 'Tỷ lệ hòa táng', to: 'Tỷ lệ hỏa táng', why: CREMATION_WHY },
  'indicator:26:policyDocuments': {
    where: 'indicators[26].policyDocuments',
    from: 'hình thức hòa táng',
    to: 'hình thức hỏa táng',
    why: CREMATION_WHY,
  },
};

/** Defects recorded without a data change (the catalogue already uses the right value). */
const NOTED_DEFECTS = [
  {
    where: 'appendix 1, first header (baseline column)',
    from: 'Kết quả đến cuối năm 2021',
    to: 'Kết quả đến cuối năm 2020',
    why: 'The baseline column is the result at the end of 2020 (the later page headers say 2020; 2021 is the first target year); baselines are catalogued with year 2020',
  },
  {
    where: 'appendix 1, title',
    from: 'Kế hoạch số 2017/KH-UBND',
    to: 'Kế hoạch số 207/KH-UBND',
    why: 'The plan number is 207/KH-UBND (appendices 2 and 3 and the plan itself say 207)',
  },
];

/** Agency fragments resolveNames cannot resolve, with the ids decided by hand. */
const AGENCY_CORRECTIONS: Record<string, { ids: string[]; why: string }> = {
  'UBND-5 huyện huyện, thị xã': {
    ids: ['hn-g-districts'],
    why: 'The source says "UBND-5 huyện huyện, thị xã" without naming the five districts; catalogued as the group of all districts (UBND quận, huyện, thị xã) so that they are covered',
  },
};

/** Appendix 2: issuing bodies. */
const ISSUERS: Record<string, string> = { 'UBND Thành phố': 'hn-ubnd', 'HĐND Thành phố': 'hn-hdnd' };

/** Appendix 3: lead of every project by section (the section titles say health, labour). */
const PROJECT_LEAD: Record<string, string> = { A: 'hn-syt', B: 'hn-sldtbxh' };

/** Appendix 3: the thousands separator each section writes ("8,342,216" vs "1.036.609");
 * amounts are whole million VND, so in both cases the separator groups thousands. */
const THOUSANDS_SEPARATOR: Record<string, ',' | '.'> = { A: ',', B: '.', TOTAL: '.' };

// ═══════════════════════════════════════════════════════════════════════════════════════
// 2. SEED PARSING
// ═══════════════════════════════════════════════════════════════════════════════════════

class SeedError extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SeedError(message);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');
}

interface Row {
  line: number;
  cells: string[];
}

interface Sections {
  titleLine: string;
  appendix1Title: string;
  appendix1: Row[];
  appendix1Headers: Row[];
  appendix2: Row[];
  appendix3: Row[];
}

function splitSeed(text: string): Sections {
  const lines = text.split(/\r?\n/);
  const find = (from: number, prefix: string): number => {
    const i = lines.findIndex((l, k) => k >= from && stripMarkup(l).startsWith(prefix));
    check(i >= 0, `seed: no line starting with "${prefix}"`);
    return i;
  };
  const heading = find(0, '## KẾ HOẠCH');
  const titleIndex = lines.findIndex((l, k) => k > heading && l.trim() !== '');
  const a1 = find(0, 'KẾ HOẠCH THỰC HIỆN CÁC CHỈ TIÊU');
  const a2 = find(a1, 'DỰ KIẾN CÁC CHƯƠNG TRÌNH');
  const a3 = find(a2, 'DỰ KIẾN DANH MỤC CÁC DỰ ÁN');
  const endIndex = lines.findIndex((l, k) => k > a3 && stripMarkup(l).startsWith('Ghi chú'));
  const end = endIndex === -1 ? lines.length : endIndex;
  const rows = (from: number, to: number): Row[] =>
    lines
      .slice(from, to)
      .map((l, k) => ({ line: from + k + 1, cells: l.split('\t') }))
      .filter((r) => r.cells.length > 1);
  const all1 = rows(a1, a2);
  return {
    titleLine: lines[titleIndex] ?? '',
    appendix1Title: lines.slice(a1, a1 + 4).join('\n'),
    appendix1: all1.filter((r) => !isHeader(r)),
    appendix1Headers: all1.filter(isHeader),
    appendix2: rows(a2, a3).filter((r) => !isHeader(r)),
    appendix3: rows(a3, end).filter((r) => !isHeader(r)),
  };
}

/** Header rows repeat at every page break: "TT\tTiêu chí…" and the line below it. */
function isHeader(row: Row): boolean {
  const cells = row.cells.map(stripMarkup);
  if (cells[0] === 'TT') return true;
  return cells.some((c) => /^(Cuối năm \d{4}|Kết quả đến cuối năm|Dự án chuyển tiếp|Dự án mới dự kiến)/.test(c));
}

// ═══════════════════════════════════════════════════════════════════════════════════════
// 3. BUILD
// ═══════════════════════════════════════════════════════════════════════════════════════

interface CorrectionEntry { where: string; source: string; corrected: string; why: string }

function applyCorrection(key: string, text: string, corrections: CorrectionEntry[], used: Set<string>, whereSuffix = ''): string {
  const c = TEXT_CORRECTIONS[key];
  if (!c) return text;
  check(text.includes(c.from), `correction ${key}: "${c.from}" not found in "${text}"`);
  used.add(key);
  const corrected = text.split(c.from).join(c.to);
  corrections.push({ where: `${c.where}${whereSuffix}`, source: text, corrected, why: c.why });
  return corrected;
}

export function buildPlan(seedText: string, agencyFile: unknown): PlanInput {
  const register = createRegister(agencyFile);
  const s = splitSeed(seedText);
  const corrections: CorrectionEntry[] = [];
  const usedCorrections = new Set<string>();

  const resolveOne = (source: string, where: string): string => {
    const r = register.resolveNames(source);
    check(r.ids.length === 1 && r.unresolved.length === 0, `${where}: "${source}" does not resolve to one agency (${JSON.stringify(r)})`);
    return r.ids[0]!;
  };
  const resolveMany = (source: string, where: string): string[] => {
    const r = register.resolveNames(source);
    const ids = [...r.ids];
    if (r.unresolved.length > 0) {
      const fix = Object.entries(AGENCY_CORRECTIONS).find(([fragment]) => source.includes(fragment));
      check(fix, `${where}: unresolved agency names ${JSON.stringify(r.unresolved)} in "${source}"`);
      for (const id of fix[1].ids) if (!ids.includes(id)) ids.push(id);
      corrections.push({ where, source: fix[0], corrected: fix[1].ids.join(', '), why: fix[1].why });
    }
    return ids;
  };

  // ── Defects without data change: make sure they are really in the seed ──
  const headerText = s.appendix1Headers.map((r) => r.cells.join('\t')).join('\n');
  for (const d of NOTED_DEFECTS) {
    check(
      headerText.includes(d.from) || stripMarkup(s.appendix1Title).includes(d.from),
      `noted defect "${d.from}" not found in appendix 1 headers or title`,
    );
    corrections.push({ where: d.where, source: d.from, corrected: d.to, why: d.why });
  }

  // ── Appendix 1: indicators ──
  interface RawIndicator {
    code: string;
    parent?: string;
    row: Row;
    cell: (i: number) => string;
  }
  const raw: RawIndicator[] = [];
  let lastTop: string | undefined;
  let sub = 0;
  for (const row of s.appendix1) {
    check(row.cells.length === 11, `appendix 1 line ${row.line}: expected 11 cells, found ${row.cells.length}`);
    const cell = (i: number) => stripMarkup(row.cells[i] ?? '');
    const tt = cell(0);
    if (tt) {
      check(/^\d+$/.test(tt), `appendix 1 line ${row.line}: TT "${tt}"`);
      lastTop = tt;
      sub = 0;
      raw.push({ code: tt, row, cell });
    } else {
      check(lastTop && cell(1).startsWith('- '), `appendix 1 line ${row.line}: row without TT that is not a "- " sub-row`);
      sub += 1;
      raw.push({ code: `${lastTop}.${sub}`, parent: lastTop, row, cell });
    }
  }
  const codes = raw.map((r) => r.code);
  check(
    sameSet(codes, Object.keys(INDICATORS)) && new Set(codes).size === codes.length,
    `appendix 1 codes ${codes.join(',')} differ from the decision table`,
  );

  // Merged agency cells: a blank lead inherits from the row above (the group head).
  const head = new Map<string, string>();
  let currentHead = '';
  for (const r of raw) {
    if (r.cell(9)) currentHead = r.code;
    else {
      check(currentHead, `appendix 1 row ${r.code}: blank lead on the first row`);
      head.set(r.code, currentHead);
    }
  }
  check(
    sameSet([...head].map(([k, v]) => `${k}<-${v}`), Object.entries(MERGED_LEAD).map(([k, v]) => `${k}<-${v}`)),
    `merged lead cells ${JSON.stringify(Object.fromEntries(head))} differ from MERGED_LEAD`,
  );
  const groupOf = (code: string) => head.get(code) ?? code;
  const groupDocs = new Map<string, string[]>();
  for (const r of raw) {
    const g = groupOf(r.code);
    groupDocs.set(g, [...(groupDocs.get(g) ?? []), ...splitNumberedItems(stripMarkup(r.cell(8)))]);
  }

  const indicators: Indicator[] = raw.map((r) => {
    const d = INDICATORS[r.code]!;
    const headRow = raw.find((x) => x.code === groupOf(r.code))!;
    let sourceName = r.cell(1);
    if (r.parent) sourceName = sourceName.replace(/^-\s+/, '');
    const name = applyCorrection(`indicator:${r.code}:name`, sourceName, corrections, usedCorrections);

    const baselineText = r.cell(2);
    check(!baselineText === BLANK_BASELINES.includes(r.code), `indicator ${r.code}: baseline blank=${!baselineText}`);

    const targets: Record<string, YearTarget> = {};
    const merged = MERGED_TARGETS[r.code];
    YEARS.forEach((year, i) => {
      const text = r.cell(3 + i);
      const context = { valueType: d.valueType, polarity: d.polarity, unit: d.unit, comparesToPrevious: d.comparesToPrevious === true };
      if (merged?.years.includes(year)) {
        check(!text, `indicator ${r.code} ${year}: expected a blank (merged) cell, found "${text}"`);
        const fromText = r.cell(3 + YEARS.indexOf(merged.from as (typeof YEARS)[number]));
        check(fromText, `indicator ${r.code}: merged cell ${merged.from} is blank`);
        targets[year] = { text: fromText, target: parseTarget(fromText, context), mergedFrom: merged.from };
      } else {
        check(text, `indicator ${r.code} ${year}: blank target cell`);
        targets[year] = { text, target: parseTarget(text, context) };
      }
    });

    const leadSource = r.cell(9) || headRow.cell(9);
    const coordinatorsSource = r.cell(10) || (head.has(r.code) ? headRow.cell(10) : '');
    check(coordinatorsSource, `indicator ${r.code}: no coordinators`);
    let policyDocuments = groupDocs.get(groupOf(r.code)) ?? [];
    check(
      (policyDocuments.length === 0) === NO_POLICY_DOCUMENTS.includes(r.code),
      `indicator ${r.code}: ${policyDocuments.length} policy documents`,
    );
    const docKey = `indicator:${r.code}:policyDocuments`;
    if (TEXT_CORRECTIONS[docKey]) {
      const from = TEXT_CORRECTIONS[docKey].from;
      policyDocuments = policyDocuments.map((item, i) =>
        item.includes(from) ? applyCorrection(docKey, item, corrections, usedCorrections, `[${i}]`) : item,
      );
    }

    const indicator: Indicator = {
      code: r.code,
      name,
      nameEn: d.nameEn,
      ...(name !== sourceName ? { sourceName } : {}),
      ...(r.parent ? { parent: r.parent } : {}),
      reportable: true,
      unit: d.unit,
      valueType: d.valueType,
      polarity: d.polarity,
      ...(d.decimals !== undefined ? { decimals: d.decimals } : {}),
      baseline: baselineText ? { year: 2020, text: baselineText } : null,
      targets,
      lead: resolveOne(leadSource, `indicators[${r.code}].lead`),
      leadSource,
      coordinators: resolveMany(coordinatorsSource, `indicators[${r.code}].coordinators`),
      coordinatorsSource,
      field: d.field,
      policyDocuments,
      aggregation: d.aggregation,
      noteRequiredWhenMissed: true,
    };
    return indicator;
  });

  // ── Appendix 2: documents ──
  const documents: PlanDocument[] = [];
  let group: { prefix: string; due: Due } | undefined;
  const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4 };
  for (const row of s.appendix2) {
    check(row.cells.length === 5, `appendix 2 line ${row.line}: expected 5 cells`);
    const cell = (i: number) => stripMarkup(row.cells[i] ?? '');
    if (cell(0) && !cell(1)) {
      const heading = cell(0);
      const q = /QUÝ (I|II|III|IV) NĂM (\d{4})/.exec(heading);
      const y = /NĂM (\d{4})/.exec(heading);
      if (heading.includes('HÀNG NĂM')) group = { prefix: 'NAM', due: { kind: 'everyYear' } };
      else if (q) group = { prefix: `${q[2]}-Q${ROMAN[q[1]!]}`, due: { kind: 'quarter', year: Number(q[2]), quarter: ROMAN[q[1]!]! } };
      else if (y) group = { prefix: y[1]!, due: { kind: 'year', year: Number(y[1]) } };
      else throw new SeedError(`appendix 2 line ${row.line}: unknown group heading "${heading}"`);
      continue;
    }
    check(group && /^\d+$/.test(cell(0)), `appendix 2 line ${row.line}: document row outside a group or without TT`);
    const code = `${group.prefix}.${cell(0)}`;
    check(!documents.some((d) => d.code === code), `appendix 2: duplicate document ${code}`);
    let title = cell(1);
    let condition: string | undefined;
    const cond = /\s*\((Sau khi [^()]*)\)\s*$/.exec(title);
    if (cond) {
      condition = cond[1]!;
      title = title.slice(0, cond.index).trim();
    }
    title = applyCorrection(`document:${code}:title`, title, corrections, usedCorrections);
    const issuerSource = cell(2);
    const issuer = ISSUERS[issuerSource];
    check(issuer, `document ${code}: unknown issuer "${issuerSource}"`);
    check(resolveOne(issuerSource, `documents[${code}].issuer`) === issuer, `document ${code}: issuer table disagrees with the register`);
    const leadSource = cell(3);
    const coordinatorsSource = cell(4);
    documents.push({
      code,
      title,
      issuer,
      issuerSource,
      due: group.due,
      ...(condition ? { condition } : {}),
      lead: resolveOne(leadSource, `documents[${code}].lead`),
      leadSource,
      coordinators: resolveMany(coordinatorsSource, `documents[${code}].coordinators`),
      coordinatorsSource,
    });
  }

  for (const key of Object.keys(TEXT_CORRECTIONS)) check(usedCorrections.has(key), `correction ${key} was not applied`);

  // ── Appendix 3: projects ──
  const projectGroups: ProjectGroup[] = [];
  const projects: Project[] = [];
  const members = new Map<string, string[]>();
  const groupYears = new Map<string, string>();
  let section = '';
  let currentGroup = '';
  const amounts = (row: Row, sep: ',' | '.') => {
    const text = { total: stripMarkup(row.cells[2] ?? ''), carriedOver: stripMarkup(row.cells[3] ?? ''), new: stripMarkup(row.cells[4] ?? '') };
    const read = (t: string): number => {
      if (t === '' || t === '-') return 0;
      const groups = sep === ',' ? /^\d{1,3}(,\d{3})*$/ : /^\d{1,3}(\.\d{3})*$/;
      check(groups.test(t), `appendix 3 line ${row.line}: amount "${t}" is not written with "${sep}" thousands groups`);
      return Number(t.split(sep).join(''));
    };
    const costs: Costs = { total: read(text.total), carriedOver: read(text.carriedOver), new: read(text.new) };
    return { costs, costsText: text };
  };
  const parseYears = (t: string, line: number) => {
    if (!t) return null;
    const m = /^(\d{4})\s*-\s*(\d{4})$/.exec(t);
    check(m, `appendix 3 line ${line}: years "${t}"`);
    return { from: Number(m[1]), to: Number(m[2]) };
  };
  for (const row of s.appendix3) {
    check(row.cells.length === 6, `appendix 3 line ${row.line}: expected 6 cells`);
    const tt = stripMarkup(row.cells[0] ?? '');
    const title = stripMarkup(row.cells[1] ?? '');
    const yearsText = stripMarkup(row.cells[5] ?? '');
    const sec = /^([AB])\.\s*(.+)$/.exec(title);
    if (!tt && sec) {
      section = sec[1]!;
      currentGroup = section;
      check(!yearsText, `section ${section} has years`);
      projectGroups.push({ code: section, title: sec[2]!, parent: null, ...amounts(row, THOUSANDS_SEPARATOR[section]!) });
      members.set(section, []);
    } else if (!tt && title.startsWith('TỔNG CỘNG')) {
      projectGroups.push({ code: 'TOTAL', title, parent: null, ...amounts(row, THOUSANDS_SEPARATOR.TOTAL!) });
      currentGroup = '';
    } else if (/^[IVX]+$/.test(tt)) {
      check(section, `appendix 3 line ${row.line}: group before a section`);
      currentGroup = `${section}.${tt}`;
      projectGroups.push({ code: currentGroup, title, parent: section, ...amounts(row, THOUSANDS_SEPARATOR[section]!) });
      members.get(section)!.push(currentGroup);
      members.set(currentGroup, []);
      if (yearsText) groupYears.set(currentGroup, yearsText);
    } else {
      check(!tt && currentGroup && currentGroup !== section, `appendix 3 line ${row.line}: project outside a group`);
      const list = members.get(currentGroup)!;
      const numbered = /^(\d+)\.\s+(.+)$/.exec(title);
      if (numbered) check(Number(numbered[1]) === list.length + 1, `appendix 3 line ${row.line}: numbering`);
      const code = `${currentGroup}.${list.length + 1}`;
      list.push(code);
      projects.push({
        code,
        title: numbered ? numbered[2]! : title,
        group: currentGroup,
        lead: PROJECT_LEAD[section]!,
        ...amounts(row, THOUSANDS_SEPARATOR[section]!),
        years: parseYears(yearsText, row.line),
      });
    }
  }
  // A group row without member rows is a project in its own right (it keeps the years cell).
  for (const g of projectGroups) {
    if (!/^[AB]\.[IVX]+$/.test(g.code)) continue;
    const list = members.get(g.code)!;
    if (list.length > 0) {
      check(!groupYears.has(g.code), `group ${g.code} has members and a years cell`);
      continue;
    }
    const code = `${g.code}.1`;
    list.push(code);
    const sectionCode = g.code.split('.')[0]!;
    const self: Project = {
      code,
      title: g.title,
      group: g.code,
      lead: PROJECT_LEAD[sectionCode]!,
      costs: { ...g.costs },
      ...(g.costsText ? { costsText: { ...g.costsText } } : {}),
      years: parseYears(groupYears.get(g.code) ?? '', 0),
    };
    // Keep source order: right after the last project of earlier groups.
    const groupOrder = projectGroups.map((x) => x.code);
    const at = projects.findIndex((p) => groupOrder.indexOf(p.group) > groupOrder.indexOf(g.code));
    projects.splice(at === -1 ? projects.length : at, 0, self);
  }
  members.set('TOTAL', ['A', 'B']);

  // The source figures must satisfy the rules we are about to write.
  const costsOf = (code: string): Costs =>
    (projectGroups.find((g) => g.code === code) ?? projects.find((p) => p.code === code))!.costs;
  for (const x of [...projectGroups, ...projects]) {
    check(x.costs.total === x.costs.carriedOver + x.costs.new, `${x.code}: total ≠ carriedOver + new`);
  }
  for (const [g, list] of members) {
    for (const f of ['total', 'carriedOver', 'new'] as const) {
      const sum = list.reduce((acc, m) => acc + costsOf(m)[f], 0);
      check(sum === costsOf(g)[f], `${g}.${f}: ${costsOf(g)[f]} ≠ Σ members ${sum}`);
    }
  }

  // ── Rules ──
  const rules: Rule[] = [
    {
      id: 'ind-3-sum',
      kind: 'indicatorSum',
      target: '3',
      terms: ['3.1', '3.2'],
      tolerance: { absolute: 0.1 },
      severity: 'warning',
      description:
        'Social-insurance coverage (3) is compulsory (3.1) plus voluntary (3.2) coverage: 47% + 3% = 50% in 2025',
    },
    ...(['3.1', '3.2'] as const).map(
      (part): Rule => ({
        id: `ind-${part}-not-above-3`,
        kind: 'indicatorNotAbove',
        part,
        whole: '3',
        tolerance: { absolute: 0 },
        severity: 'error',
        description: `${part === '3.1' ? 'Compulsory' : 'Voluntary'} social-insurance coverage cannot exceed total coverage (3)`,
      }),
    ),
    ...[...members].map(
      ([g, list]): Rule => ({
        id: `rollup-${g}`,
        kind: 'projectRollup',
        group: g,
        members: list,
        fields: ['total', 'carriedOver', 'new'],
        tolerance: { absolute: 0 },
        severity: 'error',
        description: g === 'TOTAL' ? 'Grand total = A + B' : `Group ${g} = sum of ${list.join(', ')}`,
      }),
    ),
    {
      id: 'cost-split',
      kind: 'costSplit',
      tolerance: { absolute: 0 },
      severity: 'error',
      description: 'Every project and group: total = carried over (2016-2020) + new (2021-2025)',
    },
  ];

  const plan: PlanInput = {
    $schema: '../schema/plan.schema.json',
    id: 'hn-kh207-2021',
    title: stripMarkup(s.titleLine),
    number: '207/KH-UBND',
    issuedOn: '2021-09-08',
    city: 'hanoi',
    program: '08-CTr/TU',
    startYear: 2021,
    endYear: 2025,
    revision: 1,
    source: `seeds/${SEED_NAME}`,
    corrections,
    defaults: { approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 },
    indicators,
    documents,
    projectGroups,
    projects,
    rules,
    reporting: {
      standingAgency: 'hn-sldtbxh',
      periods: [
        { kind: '6M', cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
        { kind: '9M', cutoff: { from: '12-15', to: '09-14' }, deadline: '09-20' },
        // The plan asks for annual reports before 30 November.
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
      ],
    },
  };
  Plan.parse(plan);
  return plan;
}

// ═══════════════════════════════════════════════════════════════════════════════════════
// 4. MAIN
// ═══════════════════════════════════════════════════════════════════════════════════════

function main(): void {
  const agencies: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'shared', 'agencies', 'hanoi.json'), 'utf8'));
  const plan = buildPlan(readSeedOrExit(SEED_NAME), agencies);
  writePlanFile(OUTPUT, plan);
  const unparsed = plan.indicators.flatMap((i) => Object.values(i.targets)).filter((t) => t.target?.kind === 'unparsed').length;
  const targetCount = plan.indicators.reduce((n, i) => n + Object.keys(i.targets).length, 0);
  console.log(
    `${path.relative(repoRoot, OUTPUT)}: ${plan.indicators.length} indicators, ${plan.documents.length} documents, ` +
      `${plan.projectGroups?.length ?? 0} project groups, ${plan.projects.length} projects, ${plan.rules.length} rules, ` +
      `${plan.corrections?.length ?? 0} corrections; ${unparsed}/${targetCount} targets unparsed`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
