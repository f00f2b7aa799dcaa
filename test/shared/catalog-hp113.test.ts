/**
 * The catalogue of Hải Phòng plan 113/KH-UBND (shared/plans/hp-kh113-2022.json) against its
 * source. The seed is re-read here with this file's own reader (it does not use the
 * generator's), so a generator bug cannot hide behind itself: every sentence of section IV
 * must be a task of its agency, verbatim and in order, with nothing added; every agency the
 * text names must be in the register; every goal with a year must be an indicator. Without the
 * seed those checks are pending (failing with CI=true), as the other seed checks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import type { AgencyRegister } from '../../shared/agencies/register';
import { Plan } from '../../shared/schema/plan';
import type { PlanInput, PlanTask } from '../../shared/schema/plan';
import { parseTarget } from '../../shared/targets/parse';
import { foldVietnamese } from '../../shared/text';
import { NOT_A_TASK, buildPlan } from '../../scripts/catalog/build-hp-kh113-2022';
import { requireSeeds, seedPath } from '../../scripts/seeds';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED_NAME = 'haiphong-kh113-2022.txt';
const PLAN_FILE = path.join(repoRoot, 'shared', 'plans', 'hp-kh113-2022.json');
const AGENCIES_FILE = path.join(repoRoot, 'shared', 'agencies', 'haiphong.json');

const planJson = (): PlanInput => JSON.parse(readFileSync(PLAN_FILE, 'utf8')) as PlanInput;
const agenciesJson = (): unknown => JSON.parse(readFileSync(AGENCIES_FILE, 'utf8'));
const tasks = (): PlanTask[] => planJson().tasks ?? [];
let registerCache: AgencyRegister | undefined;
const register = (): AgencyRegister => (registerCache ??= createRegister(agenciesJson()));

// ── this file's reader of the seed ─────────────────────────────────────────────────────────

let seedCache: string[] | undefined;
function seedLines(): string[] {
  seedCache ??= readFileSync(seedPath(SEED_NAME), 'utf8').normalize('NFC').split(/\r?\n/);
  return seedCache;
}

/** Markup and runs of spaces gone. */
const clean = (line: string) => line.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();

function lineOf(needle: string, from = 0): number {
  const i = seedLines().findIndex((l, k) => k >= from && l.includes(needle));
  assert.ok(i >= 0, `seed: no line with "${needle}"`);
  return i;
}

interface SeedAgency {
  number: string;
  heading: string;
  /** Everything under the heading, lines joined with single spaces. */
  body: string;
}

/** The numbered items between two lines ("#### **1. Sở …**" headings of any level). */
function items(fromNeedle: string, toNeedle: string): SeedAgency[] {
  const from = lineOf(fromNeedle);
  const to = lineOf(toNeedle, from);
  const out: Array<{ number: string; heading: string; lines: string[] }> = [];
  for (const line of seedLines().slice(from + 1, to)) {
    const m = /^#+\s*(?:\*\*)?(\d+)\.\s*(.*?)(?:\*\*)?\s*$/.exec(line.trim());
    if (m) out.push({ number: m[1]!, heading: clean(m[2]!), lines: [] });
    else if (line.trim()) out.at(-1)!.lines.push(clean(line));
  }
  return out.map((i) => ({ number: i.number, heading: i.heading, body: i.lines.join(' ') }));
}

const sectionIV = () => items('IV. TỔ CHỨC THỰC HIỆN', 'Nơi nhận');
const sectionII = () => items('II. NHIỆM VỤ, GIẢI PHÁP', 'III. KINH PHÍ');
/** The closing of section IV, after item 12's own paragraphs: addressed to every department and district. */
const CLOSING = 'Các sở, ngành, đơn vị, Ủy ban nhân dân các quận, huyện trong phạm vi';

function recipients(): string[] {
  const from = lineOf('Nơi nhận');
  const to = lineOf('TM. ỦY BAN NHÂN DÂN', from);
  return seedLines()
    .slice(from + 1, to)
    .map((l) => clean(l).replace(/^-\s*/, '').replace(/[;.]$/, ''))
    .filter((l) => l.length > 0);
}

/** Names starting at `at` in the folded text that is a Hải Phòng name or alias. */
function startsWithHaiPhongName(folded: string): boolean {
  return register()
    .agencies.filter((a) => a.city === 'haiphong')
    .flatMap((a) => [a.name, ...a.aliases])
    .some((name) => folded.startsWith(foldVietnamese(name)));
}

describe('catalogue of plan 113/KH-UBND (hp-kh113-2022)', () => {
  describe('the file', () => {
    it('validates against the Plan schema, with the plan\'s identity', () => {
      const plan = Plan.parse(planJson());
      assert.equal(plan.id, 'hp-kh113-2022');
      assert.equal(plan.number, '113/KH-UBND');
      assert.equal(plan.issuedOn, '2022-05-04');
      assert.equal(plan.city, 'haiphong');
      assert.equal(plan.program, '1983/QĐ-TTg');
      assert.deepEqual([plan.startYear, plan.endYear, plan.revision], [2022, 2025, 1]);
      assert.deepEqual([plan.documents, plan.projects, plan.projectGroups, plan.rules], [[], [], [], []]);
      assert.equal(plan.reporting.standingAgency, 'hp-sldtbxh');
      assert.deepEqual(plan.reporting.periods, [{ kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '12-20' }]);
    });

    it('names only agencies of the Hải Phòng register, and every task has its English text', () => {
      for (const t of tasks()) {
        for (const id of [t.lead, ...t.coordinators]) {
          assert.equal(register().get(id)?.city, 'haiphong', `${t.code}: ${id}`);
        }
        assert.ok(!t.coordinators.includes(t.lead), `${t.code}: the lead is also a coordinator`);
        assert.ok(t.textEn && t.textEn.trim().length > 0 && t.textEn !== t.text, `${t.code}: no English text`);
        assert.equal(t.text, t.source, `${t.code}: the task is its source sentence`);
      }
      for (const i of planJson().indicators) assert.equal(register().get(i.lead ?? '')?.city, 'haiphong', `indicator ${i.code}`);
    });

    it('has 28 tasks: per agency 6, 2, 1, 2, 2, 2, 1, 2, 2, 1, 3, 2, and the closing sentence for departments and districts', () => {
      const per = new Map<string, number>();
      for (const t of tasks()) {
        const group = t.code.split('.').slice(0, 2).join('.');
        per.set(group, (per.get(group) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(per), {
        'IV.1': 6, 'IV.2': 2, 'IV.3': 1, 'IV.4': 2, 'IV.5': 2, 'IV.6': 2, 'IV.7': 1, 'IV.8': 2, 'IV.9': 2, 'IV.10': 1, 'IV.11': 3, 'IV.12': 2, 'IV.chung': 2,
      });
    });

    it('marks section IV.12 as requested ("Đề nghị"), led by the group of the Fatherland Front and the organisations', () => {
      const requested = tasks().filter((t) => t.code.startsWith('IV.12.'));
      for (const t of requested) {
        assert.equal(t.lead, 'hp-g-doan-the');
        assert.match(t.leadSource ?? '', /^Đề nghị /);
        assert.match(t.textEn ?? '', /^\(Requested\)/);
      }
      assert.match(planJson().revisionNote ?? '', /Đề nghị.*requests, not orders/);
      assert.deepEqual(register().expand('hp-g-doan-the', '2022-06-01').sort(), ['hp-hccb', 'hp-hlhpn', 'hp-hnd', 'hp-ldld', 'hp-mttq', 'hp-tdtn']);
    });

    it('states the one goal as an indicator, judged by hand only while the engine cannot read "không còn …"', () => {
      const [indicator, ...others] = planJson().indicators;
      assert.deepEqual(others, []);
      assert.ok(indicator);
      assert.deepEqual(Object.keys(indicator.targets), ['2025']);
      const target = indicator.targets['2025']!;
      const parsed = parseTarget(target.text, { valueType: indicator.valueType, polarity: indicator.polarity, unit: indicator.unit });
      // Readable phrases carry their expression and no mark; unreadable ones carry the mark.
      assert.equal(target.judgedByHand === true, parsed.kind === 'unparsed', `"${target.text}" parses as ${parsed.kind}`);
      assert.equal(indicator.lead, 'hp-sldtbxh');
      assert.match(indicator.leadSource ?? '', /^Sở Lao động - Thương binh và Xã hội \(IV\.1\): “Tham mưu, đề xuất cơ chế, chính sách có liên quan hỗ trợ hộ nghèo/);
      assert.equal(indicator.field, 'poverty');
      assert.deepEqual(register().responsibleOn('hp-sldtbxh', '2025-06-01', indicator.field), { kind: 'agency', id: 'hp-snnmt', via: ['hp-sldtbxh'] });
    });
  });

  describe('against the seed text', function () {
    before(function () {
      requireSeeds(this, [SEED_NAME]);
    });

    it('is the current output of scripts/catalog/build-hp-kh113-2022.ts (re-run it after changing the generator or the register)', () => {
      const seedText = readFileSync(seedPath(SEED_NAME), 'utf8');
      assert.deepEqual(planJson(), JSON.parse(JSON.stringify(buildPlan(seedText, agenciesJson()))));
    });

    it('stops the generator, naming the problem, when the seed and its decisions disagree: nothing is lost silently', () => {
      const seedText = readFileSync(seedPath(SEED_NAME), 'utf8');
      const changed = (from: string, to: string) => {
        assert.ok(seedText.includes(from), `seed: no "${from}"`);
        return () => buildPlan(seedText.replace(from, to), agenciesJson());
      };
      assert.throws(changed('Phối hợp với Sở Tài chính tham mưu', 'Phối hợp với Sở Du lịch tham mưu'), /IV\.2\.1 coordinators: "Sở Du lịch" does not resolve/);
      assert.throws(changed('#### **1. Sở Lao động - Thương binh và Xã hội**', '#### **1. Sở Lao động**'), /IV\.1: "Sở Lao động" does not resolve/);
      assert.throws(changed('Đến năm 2025, không còn hộ nghèo', 'Đến năm 2024, không còn hộ nghèo'), /"không còn hộ nghèo .*" \(2024\) is not an indicator/);
      assert.throws(changed('đáp ứng thực hiện Kế hoạch trên địa bàn.', 'đáp ứng thực hiện Kế hoạch trên địa bàn. Rà soát hộ nghèo.'), /IV\.11\.3: the English text translates "Tăng cường công tác kiểm tra/);
      assert.throws(changed('bảo hiểm y tế; đẩy mạnh thực hiện chi trả', 'bảo hiểm y tế trước ngày 31/12/2023; đẩy mạnh thực hiện chi trả'), /IV\.10\.1: the sentence carries a year or a date/);
    });

    it('takes its number, date and title from the seed', () => {
      const lines = seedLines();
      assert.ok(lines.some((l) => clean(l) === 'Số: 113 /KH-UBND'));
      assert.ok(lines.some((l) => clean(l) === 'Hải Phòng, ngày 04 tháng 5 năm 2022'));
      const from = lineOf('**Thực hiện Quyết định số 1983/QĐ-TTg');
      const to = lineOf('giai đoạn 2012 - 2020**', from);
      assert.equal(planJson().title, clean(lines.slice(from, to + 1).join(' ')));
    });

    it('has every sentence of each section-IV agency as its tasks, verbatim, in order, with nothing added', () => {
      const agencies = sectionIV();
      assert.deepEqual(agencies.map((a) => a.number), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
      for (const agency of agencies) {
        const own = agency.number === '12' ? agency.body.slice(0, agency.body.indexOf(CLOSING)).trim() : agency.body;
        const mine = tasks().filter((t) => t.code.startsWith(`IV.${agency.number}.`));
        assert.deepEqual(mine.map((t) => t.code), mine.map((_, i) => `IV.${agency.number}.${String(i + 1)}`));
        assert.equal(mine.map((t) => t.source).join(' '), own, `IV.${agency.number}: the tasks are not the agency's text`);
        for (const t of mine) assert.equal(t.leadSource, agency.heading, `${t.code}: leadSource`);
      }
    });

    it('has the closing of section IV once per addressee; the procedure for raising difficulties is the one paragraph that is not a task', () => {
      const item12 = sectionIV().at(-1)!;
      const closing = item12.body.slice(item12.body.indexOf(CLOSING));
      const notATask = closing.indexOf(NOT_A_TASK);
      assert.ok(notATask > 0, 'the last paragraph of section IV moved');
      const closingTasks = tasks().filter((t) => t.code.startsWith('IV.chung.'));
      assert.deepEqual([...new Set(closingTasks.map((t) => t.source))].join(' '), closing.slice(0, notATask).trim());
      assert.deepEqual(closingTasks.map((t) => t.lead), ['hp-g-departments', 'hp-g-districts']);
      assert.deepEqual(register().resolveNames('Các sở, ngành, đơn vị, Ủy ban nhân dân các quận, huyện', 'haiphong').ids, ['hp-g-departments', 'hp-g-districts']);
    });

    it('leads each task by the agency its heading names (a group for IV.11 and IV.12)', () => {
      const expected: Record<string, string> = {
        '1': 'hp-sldtbxh', '2': 'hp-skhdt', '3': 'hp-stc', '4': 'hp-sgddt', '5': 'hp-syt', '6': 'hp-sxd', '7': 'hp-snnptnt', '8': 'hp-stttt',
        '9': 'hp-bchqs', '10': 'hp-bhxh', '11': 'hp-g-districts', '12': 'hp-g-doan-the',
      };
      for (const agency of sectionIV()) {
        const named = register().resolveNames(agency.heading.replace(/^Đề nghị /, ''), 'haiphong');
        assert.deepEqual(named.unresolved, [], `IV.${agency.number}: "${agency.heading}"`);
        if (agency.number !== '12') assert.deepEqual(named.ids, [expected[agency.number]], `IV.${agency.number}`);
        else assert.deepEqual(named.ids, ['hp-mttq', 'hp-ldld', 'hp-g-sociopolitical']);
        for (const t of tasks().filter((x) => x.code.startsWith(`IV.${agency.number}.`))) assert.equal(t.lead, expected[agency.number], t.code);
      }
    });

    it('resolves the coordinators each sentence names after "phối hợp với", and names none elsewhere', () => {
      for (const t of tasks()) {
        const at = t.source.search(/phối hợp với /iu);
        if (at === -1) {
          assert.deepEqual([t.coordinators, t.coordinatorsSource], [[], undefined], t.code);
          continue;
        }
        const named = t.coordinatorsSource ?? '';
        assert.ok(t.source.slice(at + 'phối hợp với '.length).startsWith(`${named} `), `${t.code}: "${named}" does not follow "phối hợp với"`);
        const r = register().resolveNames(named, 'haiphong');
        assert.deepEqual(r.unresolved, [], `${t.code}: "${named}"`);
        assert.deepEqual(r.ids.filter((id) => id !== t.lead), t.coordinators, t.code);
      }
      const iv91 = tasks().find((t) => t.code === 'IV.9.1');
      assert.deepEqual(iv91?.coordinators, ['hp-sldtbxh', 'hp-g-departments', 'hp-g-districts']);
    });

    it('is due every year exactly where the sentence says so, otherwise once: the years in the text name documents and horizons', () => {
      for (const t of tasks()) {
        const yearly = /h[ằà]ng năm|định kỳ/iu.test(t.source);
        assert.deepEqual(t.due, { kind: yearly ? 'everyYear' : 'once' }, `${t.code}: "${t.source.slice(0, 60)}…"`);
      }
      assert.match(tasks().find((t) => t.code === 'IV.9.1')?.source ?? '', /Kế hoạch tìm kiếm, .* đến năm 2030 và những năm tiếp theo/);
    });

    it('sets a section only where the task group of section II exists', () => {
      const groups = new Set(sectionII().map((g) => `II.${g.number}`));
      assert.equal(groups.size, 7);
      for (const t of tasks()) if (t.section !== undefined) assert.ok(groups.has(t.section), `${t.code}: ${t.section}`);
    });

    it('has every goal of the text that names a year as an indicator, with its phrase under that year', () => {
      const text = seedLines().map(clean).join(' ');
      const goals = [...text.matchAll(/Đến năm (\d{4}), ([^.]+)\./gu)].map((m) => ({ year: m[1]!, phrase: m[2]! }));
      assert.equal(goals.length, 1);
      const indicators = planJson().indicators;
      for (const goal of goals) {
        const found = indicators.find((i) => i.targets[goal.year]?.text === goal.phrase);
        assert.ok(found, `no indicator has "${goal.phrase}" for ${goal.year}`);
        assert.ok(goal.phrase.includes(found.name), `indicator ${found.code}: its name is not from the goal`);
      }
      assert.equal(indicators.length, goals.length);
      // The other years the text gives with "đến năm" are horizons in names, not goals of the plan.
      const horizons = [...text.matchAll(/đến năm (\d{4})/gu)].map((m) => text.slice(Math.max(0, (m.index ?? 0) - 60), (m.index ?? 0) + 40));
      assert.equal(horizons.length, 2);
      assert.match(horizons[0]!, /công tác giảm nghèo bền vững đến năm 2030/);
      assert.match(horizons[1]!, /còn thiếu thông tin đến năm 2030/);
      assert.ok(!text.includes('%'), 'a percentage in the text: a goal that is not an indicator?');
    });

    it('has every agency the text names in the register: each "Sở …", committee, council and organisation', () => {
      const text = seedLines().map(clean).join(' ');
      const starts = /(?<![\p{L}])(Sở [A-ZĐ]|Ủy ban nhân dân|Hội đồng nhân dân|Ban Thường vụ Thành ủy|Bảo hiểm xã hội thành phố|Bộ Chỉ huy|Liên đoàn Lao động|Ủy ban Mặt trận|Cổng thông tin điện tử)/gu;
      let count = 0;
      for (const m of text.matchAll(starts)) {
        count++;
        const rest = foldVietnamese(text.slice(m.index));
        assert.ok(startsWithHaiPhongName(rest), `not in the register: "${text.slice(m.index, (m.index ?? 0) + 70)}…"`);
      }
      assert.ok(count >= 25, `only ${String(count)} agency names found`);
    });

    it('resolves every recipient of "Nơi nhận" within Hải Phòng, except the internal units of the committee\'s office', () => {
      const internal = ['Các phòng: VX, NC&KTGS', 'CV: LĐ', 'Lưu: VT'];
      const lines = recipients();
      assert.equal(lines.length, 10);
      for (const line of lines.filter((l) => !internal.includes(l))) {
        const r = register().resolveNames(line, 'haiphong');
        assert.deepEqual(r.unresolved, [], `"${line}"`);
        assert.ok(r.ids.length > 0, `"${line}"`);
      }
      assert.deepEqual(register().resolveNames('TTTU, TTHĐND TP', 'haiphong').ids, ['hp-thanh-uy', 'hp-hdnd']);
      assert.deepEqual(register().resolveNames('UB MTTQVN TP và các đoàn thể', 'haiphong').ids, ['hp-g-doan-the']);
    });
  });
});
