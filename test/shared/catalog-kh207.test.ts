/**
 * The catalogue of plan 207/KH-UBND (shared/plans/hn-kh207-2021.json) against its source.
 *
 * The seed-reading tests parse the seed text themselves (they do not import the generator),
 * so a generator bug cannot hide behind itself. The seed is found through SEEDS_DIR
 * (scripts/seeds.ts); when it is missing those tests are pending with one line naming the
 * path, and FAIL with CI=true: on CI a catalogue that cannot be checked is not a passing one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import type { AgencyRegister } from '../../shared/agencies/register';
import { parsePlan } from '../../shared/compile';
import { Plan } from '../../shared/schema/plan';
import type { Costs } from '../../shared/schema/plan';
import { stripMarkup } from '../../shared/text';
import { requireSeeds, seedPath } from '../../scripts/seeds';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLAN_PATH = path.join(repoRoot, 'shared', 'plans', 'hn-kh207-2021.json');
const SEED_NAME = 'hanoi-kh207-2021-program08.txt';
const YEARS = ['2021', '2022', '2023', '2024', '2025'];

// ── fixtures, loaded lazily so every test reports its own failure ──────────────────────────

let planCache: Plan | undefined;
function plan(): Plan {
  planCache ??= parsePlan(JSON.parse(readFileSync(PLAN_PATH, 'utf8')));
  return planCache;
}

let registerCache: AgencyRegister | undefined;
function register(): AgencyRegister {
  registerCache ??= createRegister(JSON.parse(readFileSync(path.join(repoRoot, 'shared', 'agencies', 'hanoi.json'), 'utf8')));
  return registerCache;
}

interface SeedIndicatorRow {
  code: string;
  cells: string[]; // markup stripped
}
interface SeedDocumentRow {
  code: string;
  due: unknown;
  cells: string[];
}
interface SeedProjectRow {
  kind: 'section' | 'group' | 'project' | 'total';
  code: string;
  title: string;
  costs: Costs;
  costsText: { total: string; carriedOver: string; new: string };
  years: string;
}
interface Seed {
  text: string;
  indicators: SeedIndicatorRow[];
  documents: SeedDocumentRow[];
  projects: SeedProjectRow[];
}

let seedCache: Seed | undefined;
function seed(): Seed {
  if (seedCache) return seedCache;
  const text = readFileSync(seedPath(SEED_NAME), 'utf8');
  const lines = text.split(/\r?\n/);
  const at = (needle: string, from = 0) => {
    const i = lines.findIndex((l, k) => k >= from && l.includes(needle));
    assert.ok(i >= 0, `seed: "${needle}" not found`);
    return i;
  };
  const a1 = at('KẾ HOẠCH THỰC HIỆN CÁC CHỈ TIÊU');
  const a2 = at('DỰ KIẾN CÁC CHƯƠNG TRÌNH', a1);
  const a3 = at('DỰ KIẾN DANH MỤC CÁC DỰ ÁN', a2);
  const tabbed = (from: number, to: number) =>
    lines.slice(from, to).filter((l) => l.includes('\t')).map((l) => l.split('\t').map(stripMarkup));

  // Appendix 1: data rows have a numeric TT or are "- " sub-rows; anything else is a header.
  const indicators: SeedIndicatorRow[] = [];
  let parent = '';
  let subCount = 0;
  for (const cells of tabbed(a1, a2)) {
    if (/^\d+$/.test(cells[0]!)) {
      parent = cells[0]!;
      subCount = 0;
      indicators.push({ code: parent, cells });
    } else if (cells[0] === '' && cells[1]!.startsWith('- ')) {
      subCount += 1;
      indicators.push({ code: `${parent}.${subCount}`, cells });
    }
  }

  // Appendix 2: bold rows are group headings.
  const documents: SeedDocumentRow[] = [];
  const roman = ['I', 'II', 'III', 'IV'];
  let prefix = '';
  let due: unknown;
  for (const line of lines.slice(a2, a3).filter((l) => l.includes('\t'))) {
    const raw = line.split('\t');
    const cells = raw.map(stripMarkup);
    if (raw[0]!.includes('<b>')) {
      const heading = cells[0]!;
      const quarter = /QUÝ ([IV]+) NĂM (\d{4})/.exec(heading);
      if (heading.includes('HÀNG NĂM')) [prefix, due] = ['NAM', { kind: 'everyYear' }];
      else if (quarter) {
        const q = roman.indexOf(quarter[1]!) + 1;
        [prefix, due] = [`${quarter[2]}-Q${q}`, { kind: 'quarter', year: Number(quarter[2]), quarter: q }];
      } else {
        const year = /NĂM (\d{4})/.exec(heading)![1]!;
        [prefix, due] = [year, { kind: 'year', year: Number(year) }];
      }
    } else if (/^\d+$/.test(cells[0]!)) {
      documents.push({ code: `${prefix}.${cells[0]}`, due, cells });
    }
  }

  // Appendix 3.
  const projects: SeedProjectRow[] = [];
  const amount = (s: string): number => {
    if (s === '' || s === '-') return 0;
    assert.match(s, /^\d{1,3}([.,]\d{3})*$/, `seed amount "${s}"`);
    return Number(s.replace(/[.,]/g, ''));
  };
  let section = '';
  let group = '';
  let memberNo = 0;
  for (const cells of tabbed(a3, lines.length)) {
    const [tt, title, total, carriedOver, fresh, years] = cells as [string, string, string, string, string, string];
    if (tt === 'TT' || title === '' || title === 'Nội dung') continue;
    const base = {
      costs: { total: amount(total), carriedOver: amount(carriedOver), new: amount(fresh) },
      costsText: { total, carriedOver, new: fresh },
      years: years ?? '',
    };
    const sec = /^([AB])\. /.exec(title);
    if (tt === '' && sec) {
      section = sec[1]!;
      projects.push({ kind: 'section', code: section, title, ...base });
    } else if (tt === '' && title.startsWith('TỔNG CỘNG')) {
      projects.push({ kind: 'total', code: 'TOTAL', title, ...base });
    } else if (tt !== '') {
      group = `${section}.${tt}`;
      memberNo = 0;
      projects.push({ kind: 'group', code: group, title, ...base });
    } else {
      memberNo += 1;
      projects.push({ kind: 'project', code: `${group}.${memberNo}`, title, ...base });
    }
  }
  seedCache = { text, indicators, documents, projects };
  return seedCache;
}

/** A correction recorded for this place, if any. */
function correctionAt(where: string) {
  return plan().corrections.find((c) => c.where === where);
}

/** resolveNames, plus the ids of a recorded agency correction for the unresolved rest. */
function expectedIds(source: string, where: string): string[] {
  const r = register().resolveNames(source);
  if (r.unresolved.length === 0) {
    assert.equal(correctionAt(where), undefined, `${where}: a correction is recorded but the names resolve`);
    return r.ids;
  }
  const c = correctionAt(where);
  assert.ok(c, `${where}: unresolved ${JSON.stringify(r.unresolved)} in "${source}" and no correction recorded`);
  assert.ok(source.includes(c.source), `${where}: correction source "${c.source}" is not in "${source}"`);
  return [...r.ids, ...c.corrected.split(/,\s*/).filter((id) => !r.ids.includes(id))];
}

const plainIndicatorName = (row: SeedIndicatorRow) => row.cells[1]!.replace(/^-\s+/, '');

// ── tests ──────────────────────────────────────────────────────────────────────────────────

describe('catalog hn-kh207-2021 (plan 207/KH-UBND)', () => {
  describe('the file', () => {
    it('validates against the Plan schema', () => {
      const result = Plan.safeParse(JSON.parse(readFileSync(PLAN_PATH, 'utf8')));
      assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 2));
    });

    it('carries the plan identity and reporting settings', () => {
      const p = plan();
      assert.equal(p.id, 'hn-kh207-2021');
      assert.equal(p.number, '207/KH-UBND');
      assert.equal(p.issuedOn, '2021-09-08');
      assert.equal(p.city, 'hanoi');
      assert.equal(p.program, '08-CTr/TU');
      assert.deepEqual([p.startYear, p.endYear, p.revision], [2021, 2025, 1]);
      assert.equal(p.source, 'seeds/hanoi-kh207-2021-program08.txt');
      assert.deepEqual(p.defaults, { approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 });
      assert.equal(p.reporting.standingAgency, 'hn-sldtbxh');
      assert.deepEqual(p.reporting.periods, [
        { kind: '6M', cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
        { kind: '9M', cutoff: { from: '12-15', to: '09-14' }, deadline: '09-20' },
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
      ]);
    });

    it('has the 29 indicator rows of appendix 1: 1..27 plus 3.1 and 3.2 under 3', () => {
      const expected = ['1', '2', '3', '3.1', '3.2', ...Array.from({ length: 24 }, (_, i) => String(i + 4))];
      assert.deepEqual(
        plan().indicators.map((i) => i.code),
        expected,
      );
      for (const i of plan().indicators) assert.equal(i.parent, i.code.startsWith('3.') ? '3' : undefined, i.code);
    });

    it('gives every reportable indicator a lead agency that exists in the register', () => {
      const missing = plan().indicators.filter((i) => i.reportable && !i.lead).map((i) => i.code);
      assert.deepEqual(missing, [], `reportable indicators without a lead: ${missing.join(', ')}`);
      for (const i of plan().indicators) {
        if (i.lead) assert.ok(register().has(i.lead), `indicator ${i.code}: unknown lead ${i.lead}`);
        for (const id of i.coordinators) assert.ok(register().has(id), `indicator ${i.code}: unknown coordinator ${id}`);
      }
    });

    it('records the hand judgements of the brief', () => {
      const byCode = new Map(plan().indicators.map((i) => [i.code, i]));
      const get = (code: string) => byCode.get(code)!;
      assert.deepEqual([get('1').valueType, get('1').polarity], ['percent', 'lower']);
      assert.deepEqual([get('2').valueType, get('2').unit, get('2').aggregation], ['integer', 'lượt người/năm', { kind: 'sum', contributors: ['hn-g-districts'] }]);
      assert.deepEqual([get('7').valueType, get('7').polarity], ['percent', 'lower']);
      assert.deepEqual([get('11').valueType, get('11').unit], ['number', 'giường bệnh/vạn dân']);
      assert.deepEqual([get('12').valueType, get('12').unit], ['number', 'bác sỹ/vạn dân']);
      assert.deepEqual([get('15').unit, get('15').decimals], ['tuổi', 1]);
      assert.deepEqual([get('16').unit, get('16').polarity, get('16').decimals], ['con/phụ nữ', 'band', 2]);
      assert.deepEqual([get('17').valueType, get('17').polarity], ['percent', 'lower']);
      assert.deepEqual([get('20').valueType, get('20').polarity, get('20').unit], ['qualitative', 'higher', '']);
      for (const code of ['21', '27']) assert.equal(get(code).aggregation.kind, 'weightedMean', code);
      for (const i of plan().indicators) {
        assert.equal(i.reportable, true, i.code);
        assert.equal(i.noteRequiredWhenMissed, true, i.code);
        assert.ok(i.nameEn, `indicator ${i.code}: no English name`);
        assert.ok(i.field, `indicator ${i.code}: no field`);
        if (i.valueType === 'percent') assert.equal(i.unit, '%', i.code);
      }
    });

    it('states the rules between indicators and over the project table', () => {
      const rules = plan().rules;
      const sum = rules.find((r) => r.kind === 'indicatorSum');
      assert.deepEqual(sum && { ...sum, description: undefined }, {
        id: 'ind-3-sum',
        kind: 'indicatorSum',
        target: '3',
        terms: ['3.1', '3.2'],
        tolerance: { absolute: 0.1 },
        severity: 'warning',
        description: undefined,
      });
      const notAbove = rules.flatMap((r) => (r.kind === 'indicatorNotAbove' ? [[r.part, r.whole, r.severity]] : []));
      assert.deepEqual(notAbove, [
        ['3.1', '3', 'error'],
        ['3.2', '3', 'error'],
      ]);
      assert.equal(rules.filter((r) => r.kind === 'costSplit').length, 1);
      const rollupGroups = rules.flatMap((r) => (r.kind === 'projectRollup' ? [r.group] : []));
      assert.deepEqual(
        [...rollupGroups].sort(),
        plan()
          .projectGroups.map((g) => g.code)
          .sort(),
        'one roll-up per project group',
      );
    });
  });

  describe('against the seed text', function () {
    before(function () {
      requireSeeds(this, [SEED_NAME]);
    });
    it('indicator names are the "Tiêu chí" cells, typos corrected only with a recorded correction', () => {
      const rows = seed().indicators;
      assert.equal(rows.length, 29);
      for (const row of rows) {
        const i = plan().indicators.find((x) => x.code === row.code);
        assert.ok(i, `indicator ${row.code} missing`);
        const source = plainIndicatorName(row);
        const c = correctionAt(`indicators[${row.code}].name`);
        if (c) {
          assert.equal(c.source, source, `indicator ${row.code}: correction source`);
          assert.equal(i.name, c.corrected, `indicator ${row.code}: corrected name`);
          assert.equal(i.sourceName, source, `indicator ${row.code}: sourceName`);
        } else {
          assert.equal(i.name, source, `indicator ${row.code}: name`);
          assert.equal(i.sourceName, undefined, `indicator ${row.code}: sourceName without a correction`);
        }
      }
      assert.equal(plan().indicators.find((i) => i.code === '22')!.name.includes('sữa học đường'), true);
      assert.equal(plan().indicators.find((i) => i.code === '26')!.name, 'Tỷ lệ hỏa táng');
    });

    it('baselines (2020) and yearly targets equal the source cells, merged cells resolved', () => {
      for (const row of seed().indicators) {
        const i = plan().indicators.find((x) => x.code === row.code)!;
        const baseline = row.cells[2]!;
        if (baseline === '') assert.equal(i.baseline, null, `indicator ${row.code}: blank baseline`);
        else assert.deepEqual(i.baseline, { year: 2020, text: baseline }, `indicator ${row.code}: baseline`);

        assert.deepEqual(Object.keys(i.targets).sort(), YEARS, `indicator ${row.code}: target years`);
        let lastFilled: { year: string; text: string } | undefined;
        YEARS.forEach((year, k) => {
          const cell = row.cells[3 + k]!;
          const t = i.targets[year]!;
          if (cell !== '') {
            lastFilled = { year, text: cell };
            assert.equal(t.text, cell, `indicator ${row.code} ${year}`);
            assert.equal(t.mergedFrom, undefined, `indicator ${row.code} ${year}: not merged`);
          } else {
            // Only indicator 2 has a merged target cell (2022 spans 2022-2025).
            assert.equal(row.code, '2', `indicator ${row.code} ${year}: unexpected blank target cell`);
            assert.ok(lastFilled?.year === '2022', `indicator 2 ${year}: merged cell`);
            assert.equal(t.text, lastFilled.text, `indicator 2 ${year}: merged text`);
            assert.equal(t.mergedFrom, '2022', `indicator 2 ${year}: mergedFrom`);
          }
          assert.ok(t.target, `indicator ${row.code} ${year}: parsed target`);
        });
      }
      assert.deepEqual(
        plan()
          .indicators.filter((i) => i.baseline === null)
          .map((i) => i.code),
        ['14', '17', '25'],
      );
    });

    it('lead and coordinators are the source cells (blank = merged with the row above), resolved by the register', () => {
      let lead = '';
      let coordinators = '';
      const inherited: string[] = [];
      for (const row of seed().indicators) {
        const i = plan().indicators.find((x) => x.code === row.code)!;
        if (row.cells[9]) {
          lead = row.cells[9]!;
          coordinators = row.cells[10]!;
        } else {
          inherited.push(row.code);
          if (row.cells[10]) coordinators = row.cells[10]!;
        }
        assert.equal(i.leadSource, lead, `indicator ${row.code}: leadSource`);
        assert.equal(i.coordinatorsSource, coordinators, `indicator ${row.code}: coordinatorsSource`);
        const leadIds = expectedIds(lead, `indicators[${row.code}].lead`);
        assert.equal(leadIds.length, 1, `indicator ${row.code}: lead "${lead}" resolves to ${leadIds.length} agencies`);
        assert.equal(i.lead, leadIds[0], `indicator ${row.code}: lead`);
        assert.deepEqual(i.coordinators, expectedIds(coordinators, `indicators[${row.code}].coordinators`), `indicator ${row.code}: coordinators`);
      }
      assert.deepEqual(inherited, ['2', '3.1', '3.2', '4', '5', '6', '10']);
    });

    it('policy documents are the numbered items of the (merged) source cell', () => {
      const rows = seed().indicators;
      const groups: SeedIndicatorRow[][] = [];
      for (const row of rows) {
        if (row.cells[9]) groups.push([row]);
        else groups[groups.length - 1]!.push(row);
      }
      const unnumbered = (s: string) => s.replace(/(^|\s)\d+\.\s+/g, '$1').replace(/\s+/g, ' ');
      for (const group of groups) {
        const source = group.map((r) => r.cells[8]!).filter(Boolean).join(' ');
        const expectedCount = source === '' ? 0 : Math.max(1, source.match(/(^|\s)\d+\.\s/g)?.length ?? 0);
        const flat = unnumbered(source);
        for (const row of group) {
          const i = plan().indicators.find((x) => x.code === row.code)!;
          assert.equal(i.policyDocuments.length, expectedCount, `indicator ${row.code}: number of policy documents`);
          i.policyDocuments.forEach((item, k) => {
            const c = correctionAt(`indicators[${row.code}].policyDocuments[${k}]`);
            let text = item;
            if (c) {
              assert.equal(item, c.corrected, `indicator ${row.code} document ${k}: corrected text`);
              text = c.source;
            }
            const body = text.includes(': ') && !flat.includes(text) ? text.slice(text.indexOf(': ') + 2) : text;
            assert.ok(flat.includes(body), `indicator ${row.code} document ${k} not in the source cell: "${text}"`);
          });
        }
      }
      const docs = (code: string) => plan().indicators.find((i) => i.code === code)!.policyDocuments;
      for (const code of ['3', '3.1', '3.2', '4', '5', '6']) assert.equal(docs(code).length, 4, code);
      for (const code of ['17', '18', '19']) assert.deepEqual(docs(code), [], code);
      assert.ok(docs('26')[0]!.includes('hình thức hỏa táng'));
    });

    it('every document of appendix 2 is present with its group, due date, issuer and agencies', () => {
      const rows = seed().documents;
      assert.deepEqual(
        plan().documents.map((d) => d.code),
        rows.map((r) => r.code),
      );
      const issuers: Record<string, string> = { 'UBND Thành phố': 'hn-ubnd', 'HĐND Thành phố': 'hn-hdnd' };
      for (const row of rows) {
        const d = plan().documents.find((x) => x.code === row.code)!;
        assert.deepEqual(d.due, row.due, `${row.code}: due`);
        const [, content, issuer, lead, coordinators] = row.cells as [string, string, string, string, string];
        const cond = /^(.*?)\s*\((Sau khi [^()]*)\)$/.exec(content);
        const title = cond ? cond[1]! : content;
        assert.equal(d.condition, cond ? cond[2] : undefined, `${row.code}: condition`);
        const c = correctionAt(`documents[${row.code}].title`);
        if (c) {
          assert.equal(c.source, title, `${row.code}: correction source`);
          assert.equal(d.title, c.corrected, `${row.code}: corrected title`);
        } else assert.equal(d.title, title, `${row.code}: title`);
        assert.equal(d.issuerSource, issuer);
        assert.equal(d.issuer, issuers[issuer], `${row.code}: issuer`);
        assert.equal(d.leadSource, lead);
        assert.deepEqual([d.lead], expectedIds(lead, `documents[${row.code}].lead`), `${row.code}: lead`);
        assert.equal(d.coordinatorsSource, coordinators);
        assert.deepEqual(d.coordinators, expectedIds(coordinators, `documents[${row.code}].coordinators`), `${row.code}: coordinators`);
      }
      const count = (prefix: string) => rows.filter((r) => r.code.startsWith(`${prefix}.`)).length;
      assert.deepEqual(
        ['NAM', '2021-Q1', '2021-Q2', '2021-Q3', '2021-Q4', '2022'].map(count),
        [3, 4, 5, 11, 11, 4],
      );
      assert.ok(plan().documents.find((d) => d.code === '2021-Q3.9')!.title.includes('sữa học đường'));
      assert.deepEqual(plan().documents.find((d) => d.code === '2021-Q1.4')!.coordinators, ['hn-g-departments', 'hn-g-districts']);
    });

    it('project and group costs equal the source figures', () => {
      const rows = seed().projects;
      const p = plan();
      for (const row of rows) {
        if (row.kind === 'project') {
          const project = p.projects.find((x) => x.code === row.code);
          assert.ok(project, `project ${row.code} missing`);
          assert.deepEqual(project.costs, row.costs, `${row.code}: costs`);
          assert.deepEqual(project.costsText, row.costsText, `${row.code}: costsText`);
          assert.equal(project.title, row.title.replace(/^\d+\.\s+/, ''), `${row.code}: title`);
          assert.equal(project.group, row.code.split('.').slice(0, 2).join('.'));
          assert.equal(project.lead, row.code.startsWith('A') ? 'hn-syt' : 'hn-sldtbxh');
          const years = /^(\d{4})-(\d{4})$/.exec(row.years);
          assert.deepEqual(project.years, years ? { from: Number(years[1]), to: Number(years[2]) } : null, `${row.code}: years`);
        } else {
          const group = p.projectGroups.find((x) => x.code === row.code);
          assert.ok(group, `group ${row.code} missing`);
          assert.deepEqual(group.costs, row.costs, `${row.code}: costs`);
          assert.deepEqual(group.costsText, row.costsText, `${row.code}: costsText`);
          assert.equal(group.parent, row.kind === 'group' ? row.code.split('.')[0] : null, `${row.code}: parent`);
        }
      }
      // A group row without member rows is also a project of its own, with the group's years.
      for (const code of ['A.V', 'B.I', 'B.II']) {
        const row = rows.find((r) => r.code === code)!;
        assert.ok(!rows.some((r) => r.kind === 'project' && r.code.startsWith(`${code}.`)), `${code} has member rows`);
        const self = p.projects.find((x) => x.code === `${code}.1`);
        assert.ok(self, `${code}.1 missing`);
        assert.deepEqual([self.group, self.title, self.costs], [code, row.title, row.costs]);
        const years = /^(\d{4})-(\d{4})$/.exec(row.years)!;
        assert.deepEqual(self.years, { from: Number(years[1]), to: Number(years[2]) });
      }
      assert.equal(p.projects.length, rows.filter((r) => r.kind === 'project').length + 3);
      assert.equal(p.projectGroups.length, rows.filter((r) => r.kind !== 'project').length);
    });

    it('the source figures satisfy every roll-up: groups, A, B, TOTAL = A + B, total = carriedOver + new', () => {
      const rows = seed().projects;
      const costsOf = (code: string) => rows.find((r) => r.code === code)!.costs;
      for (const row of rows) {
        assert.equal(row.costs.total, row.costs.carriedOver + row.costs.new, `${row.code}: total = carriedOver + new`);
      }
      const sumOf = (codes: string[]) =>
        codes.reduce(
          (acc, c) => ({
            total: acc.total + costsOf(c).total,
            carriedOver: acc.carriedOver + costsOf(c).carriedOver,
            new: acc.new + costsOf(c).new,
          }),
          { total: 0, carriedOver: 0, new: 0 },
        );
      const groups = rows.filter((r) => r.kind === 'group');
      let summed = 0;
      for (const g of groups) {
        const members = rows.filter((r) => r.kind === 'project' && r.code.startsWith(`${g.code}.`)).map((r) => r.code);
        if (members.length > 0) {
          assert.deepEqual(sumOf(members), g.costs, `${g.code} = Σ members`);
          summed++;
        }
      }
      assert.ok(summed >= 5, `${summed} of ${groups.length} groups have project rows to sum`);
      for (const section of ['A', 'B']) {
        const members = groups.filter((g) => g.code.startsWith(`${section}.`)).map((g) => g.code);
        assert.deepEqual(members, ['I', 'II', 'III', 'IV', 'V'].map((r) => `${section}.${r}`));
        assert.deepEqual(sumOf(members), costsOf(section), `${section} = I+II+III+IV+V`);
      }
      assert.deepEqual(sumOf(['A', 'B']), costsOf('TOTAL'), 'TOTAL = A + B');

      // The plan's roll-up rules name exactly this structure.
      for (const rule of plan().rules) {
        if (rule.kind !== 'projectRollup') continue;
        const expected =
          rule.group === 'TOTAL'
            ? ['A', 'B']
            : /^[AB]$/.test(rule.group)
              ? groups.filter((g) => g.code.startsWith(`${rule.group}.`)).map((g) => g.code)
              : plan()
                  .projects.filter((x) => x.group === rule.group)
                  .map((x) => x.code);
        assert.deepEqual(rule.members, expected, `rule ${rule.id}`);
        assert.deepEqual(rule.fields, ['total', 'carriedOver', 'new']);
      }
    });

    it('every recorded correction quotes the seed', () => {
      const flat = stripMarkup(seed().text);
      const wheres = plan().corrections.map((c) => c.where);
      assert.equal(new Set(wheres).size, wheres.length, 'one correction per place');
      for (const c of plan().corrections) {
        assert.ok(flat.includes(stripMarkup(c.source)), `correction at ${c.where}: "${c.source}" is not in the seed`);
        assert.notEqual(c.source, c.corrected, c.where);
      }
      for (const fragment of ['Kết quả đến cuối năm 2021', 'Kế hoạch số 2017/KH-UBND', 'UBND-5 huyện huyện, thị xã']) {
        assert.ok(
          plan().corrections.some((c) => c.source.includes(fragment)),
          `no correction recorded for "${fragment}"`,
        );
      }
    });
  });
});
