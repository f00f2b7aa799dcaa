import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { Plan } from '../../shared/schema/plan';
import type { PlanInput } from '../../shared/schema/plan';
import { buildPlan } from '../../scripts/catalog/build-hn-kh181-2024';
import { requireSeeds, seedPath } from '../../scripts/seeds';

/**
 * The catalogue of plan 181/KH-UBND against its source: the seed text is re-read here, not
 * taken from the generator, so a mistyped code, name or target phrase cannot hide.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED_NAME = 'hanoi-kh181-2024-program32.txt';
const PLAN_FILE = path.resolve(repoRoot, 'shared', 'plans', 'hn-kh181-2024.json');
const AGENCIES_FILE = path.resolve(repoRoot, 'shared', 'agencies', 'hanoi.json');

let seedLines: string[] | undefined;
/** The seed's lines (found through SEEDS_DIR; the suite that reads them checks it is there). */
function seed(): string[] {
  seedLines ??= readFileSync(seedPath(SEED_NAME), 'utf8').normalize('NFC').split(/\r?\n/);
  return seedLines;
}

/** Joins wrapped lines with single spaces; a word split by a hyphen at a line end ("32-" +
 * "CTr/TU") is rejoined without one. */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    out = out === '' ? line : /\S-$/.test(out) ? out + line : `${out} ${line}`;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Lines from the one that is exactly `start` up to (not including) the first starting with `end`. */
function section(start: string, end: string): string[] {
  const lines = seed();
  const from = lines.findIndex((l) => l.trim() === start);
  assert.ok(from >= 0, `seed: no line "${start}"`);
  const to = lines.findIndex((l, i) => i > from && l.trim().startsWith(end));
  assert.ok(to > from, `seed: no line starting with "${end}" after "${start}"`);
  return lines.slice(from + 1, to);
}

interface SeedItem {
  code: string;
  sentence: string;
}

/** Section II's numbered items "N." / "N.N." / "N.N.N.", each with its sentence (wrapped
 * lines joined, page numbers dropped). */
function seedItems(): SeedItem[] {
  const items: Array<{ code: string; lines: string[] }> = [];
  for (const line of section('II. CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030', 'III.')) {
    if (/^\s*\d+\s*$/.test(line)) continue; // page number
    const m = /^\s*(\d+(?:\.\d+)*)\.\s+(.*)$/.exec(line);
    if (m) items.push({ code: m[1]!, lines: [m[2]!] });
    else if (line.trim()) {
      assert.ok(items.length > 0, `seed: text before the first item of section II: "${line.trim()}"`);
      items.at(-1)!.lines.push(line);
    }
  }
  return items.map((i) => ({ code: i.code, sentence: joinLines(i.lines) }));
}

function stripFinalStop(text: string): string {
  return text.replace(/[.:;,\s]+$/, '');
}

const planJson = (): PlanInput => JSON.parse(readFileSync(PLAN_FILE, 'utf8')) as PlanInput;
const agenciesJson = (): unknown => JSON.parse(readFileSync(AGENCIES_FILE, 'utf8'));

describe('catalogue of plan 181/KH-UBND (hn-kh181-2024)', () => {
  describe('the file', () => {
    it('validates against the Plan schema', () => {
      const plan = Plan.parse(planJson());
      assert.equal(plan.id, 'hn-kh181-2024');
      assert.equal(plan.number, '181/KH-UBND');
      assert.equal(plan.issuedOn, '2024-06-13');
      assert.equal(plan.city, 'hanoi');
      assert.equal(plan.program, '32-CTr/TU');
      assert.deepEqual([plan.startYear, plan.endYear, plan.revision], [2024, 2030, 1]);
      assert.equal(plan.source, 'seeds/hanoi-kh181-2024-program32.txt');
      assert.deepEqual(plan.defaults, { approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 });
      assert.deepEqual([plan.documents, plan.projects, plan.projectGroups], [[], [], []]);
    });

    it('is the current output of scripts/catalog/build-hn-kh181-2024.ts (re-run it after changing the parser)', () => {
      assert.deepEqual(planJson(), JSON.parse(JSON.stringify(buildPlan(agenciesJson()))));
    });

    it('marks headings without a target as not reportable and links children to their parents', () => {
      const plan = planJson();
      const codes = new Set(plan.indicators.map((i) => i.code));
      for (const indicator of plan.indicators) {
        const cut = indicator.code.lastIndexOf('.');
        const expected = cut === -1 ? undefined : indicator.code.slice(0, cut);
        assert.equal(indicator.parent, expected, `${indicator.code}: parent`);
        if (expected) assert.ok(codes.has(expected));
        const hasChildren = plan.indicators.some((i) => i.parent === indicator.code);
        if (indicator.reportable === false) assert.ok(hasChildren, `${indicator.code}: a non-reportable row without children`);
        assert.deepEqual(indicator.aggregation, { kind: 'lead' });
        assert.deepEqual(indicator.policyDocuments, []);
      }
      const headings = plan.indicators.filter((i) => i.reportable === false).map((i) => i.code);
      assert.deepEqual(headings, ['2', '3', '4', '6', '6.1', '7', '7.2', '8', '8.2', '11']);
    });

    it('reads every target phrase (no unparsed targets; qualitative exactly where the value type is)', () => {
      for (const indicator of planJson().indicators) {
        for (const t of Object.values(indicator.targets)) {
          assert.notEqual(t.target?.kind, 'unparsed', `${indicator.code}: "${t.text}" is unparsed`);
          assert.equal(
            t.target?.kind === 'qualitative',
            indicator.valueType === 'qualitative',
            `${indicator.code}: target kind ${t.target?.kind} vs value type ${indicator.valueType}`,
          );
        }
      }
    });

    it('states part-whole rules as warnings between existing indicators', () => {
      const plan = Plan.parse(planJson());
      assert.ok(plan.rules.some((r) => r.kind === 'indicatorNotAbove' && r.part === '3.2' && r.whole === '3.1'));
      for (const rule of plan.rules) {
        assert.equal(rule.kind, 'indicatorNotAbove');
        assert.equal(rule.severity, 'warning');
      }
    });
  });

  describe('against the seed text', function () {
    before(function () {
      requireSeeds(this, [SEED_NAME]);
    });

    it('finds the seed text', () => {
      assert.ok(seed().length > 100);
    });

    it('takes its title from the seed heading', () => {
      const lines = seed();
      assert.equal(lines[0]!.trim(), 'KẾ HOẠCH');
      const end = lines.findIndex((l) => l.trim().endsWith('giai đoạn mới”'));
      assert.ok(end > 0 && end < 12, 'seed: heading not found in the first lines');
      assert.equal(planJson().title, joinLines(lines.slice(1, end + 1)));
    });

    it('has every numbered item of section II, with the same code, in the same order', () => {
      const codes = seedItems().map((i) => i.code);
      assert.ok(codes.length >= 40, `only ${codes.length} items read from section II`);
      assert.deepEqual(
        planJson().indicators.map((i) => i.code),
        codes,
      );
    });

    it('quotes every target phrase verbatim from its item sentence, for 2030 only', () => {
      const sentences = new Map(seedItems().map((i) => [i.code, i.sentence]));
      for (const indicator of planJson().indicators) {
        const sentence = sentences.get(indicator.code)!;
        const years = Object.keys(indicator.targets);
        if (indicator.reportable === false) {
          assert.deepEqual(years, [], `${indicator.code} is a heading and has targets`);
          continue;
        }
        assert.deepEqual(years, ['2030'], `${indicator.code}: targets for ${years.join(', ')}`);
        const text = indicator.targets['2030']!.text;
        assert.ok(text.trim().length > 0, `${indicator.code}: empty target phrase`);
        assert.ok(sentence.includes(text), `${indicator.code}: "${text}" is not in "${sentence}"`);
        assert.equal(sentence.split(text).length, 2, `${indicator.code}: "${text}" occurs more than once in "${sentence}"`);
        assert.equal(indicator.baseline, null, `${indicator.code}: the plan gives no baseline`);
      }
    });

    it('names every indicator verbatim: a fragment of its sentence, or the sentence without the target phrase', () => {
      const sentences = new Map(seedItems().map((i) => [i.code, i.sentence]));
      for (const indicator of planJson().indicators) {
        const sentence = sentences.get(indicator.code)!;
        const target = indicator.targets['2030']?.text;
        const cut = target ? stripFinalStop(sentence.replace(target, ' ').replace(/\s+/g, ' ').trim()) : undefined;
        assert.ok(
          sentence.includes(indicator.name) || indicator.name === cut,
          `${indicator.code}: name "${indicator.name}" is not verbatim from "${sentence}"`,
        );
        assert.ok(indicator.nameEn && indicator.nameEn.length > 0, `${indicator.code}: no English name`);
      }
    });

    it('sets a lead only with a sentence of section IV that gives it the field', () => {
      const register = createRegister(agenciesJson());
      const sectionIV = joinLines(section('IV. TỔ CHỨC THỰC HIỆN', 'Nơi nhận'));
      for (const indicator of planJson().indicators) {
        assert.deepEqual(indicator.coordinators, [], `${indicator.code}: coordinators`);
        if (indicator.lead === null) {
          assert.equal(indicator.leadSource, undefined, `${indicator.code}: leadSource without a lead`);
          continue;
        }
        assert.ok(register.has(indicator.lead), `${indicator.code}: unknown agency ${indicator.lead}`);
        const m = /^(.+) \((IV\.\d+)\): “(.+)”$/.exec(indicator.leadSource ?? '');
        assert.ok(m, `${indicator.code}: leadSource "${indicator.leadSource}" is not "<agency> (IV.n): “<sentence>”"`);
        const [, agency, , quote] = m;
        assert.deepEqual(register.resolveNames(agency!), { ids: [indicator.lead], unresolved: [] }, `${indicator.code}: ${agency}`);
        assert.ok(sectionIV.includes(agency!), `${indicator.code}: "${agency}" is not named in section IV`);
        assert.ok(sectionIV.includes(quote!), `${indicator.code}: the quoted sentence is not in section IV: "${quote}"`);
      }
    });

    it('uses the annual deadline of section III.7 and Sở LĐTBXH as standing agency', () => {
      const text = joinLines(seed());
      assert.ok(text.includes('Định kỳ hàng năm (trước ngày 30/11)'));
      const { reporting } = planJson();
      assert.equal(reporting.standingAgency, 'hn-sldtbxh');
      assert.deepEqual(reporting.periods, [
        { kind: '6M', cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
      ]);
    });
  });
});
