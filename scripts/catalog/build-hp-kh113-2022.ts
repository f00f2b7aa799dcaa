/**
 * Builds shared/plans/hp-kh113-2022.json: Hải Phòng plan 113/KH-UBND (4 May 2022) implementing
 * Quyết định 1983/QĐ-TTg (the Government's plan for Kết luận 92-KL/TW), from the seed
 * `seeds/haiphong-kh113-2022.txt`.
 *
 *   npx tsx scripts/catalog/build-hp-kh113-2022.ts [path/to/seed.txt]
 *
 * The plan is written as tasks, not as an indicator table. What the seed says is read from it:
 * the number, date and title; section IV's numbered agencies and every sentence of theirs
 * (one task each, verbatim); the agencies each sentence asks to coordinate ("phối hợp với …"),
 * resolved with the Hải Phòng register; "hằng năm" for tasks due every year; the goals of
 * section II that name a year ("Đến năm 2025, …"). What it cannot say is a decision in the
 * tables of section 1 below: English texts, which section-II task group a task serves (only
 * where both texts share the phrase quoted), due dates where a sentence carries a year, the
 * indicators' unit, value type and polarity. The script fails loudly when the seed and those
 * decisions disagree: an unresolved agency name, a task without a translation, a year without a
 * decision, a goal that is not an indicator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import type { AgencyRegister } from '../../shared/agencies/register';
import { Plan } from '../../shared/schema/plan';
import type { IndicatorFile, PlanInput, PlanTask, Polarity, TaskDue, ValueType, YearTargetFile } from '../../shared/schema/plan';
import { parseTarget } from '../../shared/targets/parse';
import { stripMarkup } from '../../shared/text';
import { readSeedOrExit, writePlanFile } from '../seeds';
import { assignments, lineIndex, numberedParts } from './plan-text';
import type { NumberedPart } from './plan-text';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEED_NAME = 'haiphong-kh113-2022.txt';
export const OUTPUT = path.resolve(repoRoot, 'shared', 'plans', 'hp-kh113-2022.json');
export const AGENCIES = path.resolve(repoRoot, 'shared', 'agencies', 'haiphong.json');
const CITY = 'haiphong';

// ═══════════════════════════════════════════════════════════════════════════════════════
// 1. HAND-MADE DECISIONS
// ═══════════════════════════════════════════════════════════════════════════════════════

/**
 * The plan period. Section I.2 asks for concrete measures "cho thời gian 2022-2023", but the
 * plan's one quantitative goal is "Đến năm 2025" and the programmes it carries out run to 2025
 * (the national target programmes 2021-2025, resolutions 52/2019 and 53/2019 for 2020-2025).
 * So the plan runs 2022-2025: a goal must lie inside the period, and a task due "once" is due
 * by the end of 2025.
 */
const START_YEAR = 2022;
const END_YEAR = 2025;

/** Section IV.12 names three addressees; the register's group standing for all of them leads its tasks. */
const GROUP_LEADS: Record<string, string> = { '12': 'hp-g-doan-the' };

/** The closing paragraphs of section IV, after item 12, address every department and district. */
const CLOSING_ADDRESSEES = 'Các sở, ngành, đơn vị, Ủy ban nhân dân các quận, huyện';
/**
 * The one paragraph of section IV that is not a task: it says how difficulties are raised
 * (to Sở LĐTBXH, which reports them to the People's Committee), not work whose progress an
 * agency reports. The standing agency of `reporting` carries it.
 */
export const NOT_A_TASK = 'Trong quá trình thực hiện Kế hoạch, nếu phát sinh khó khăn, vướng mắc';

/** Words that end the list of agencies after "phối hợp với" (the work the sentence assigns begins). */
const WORK_VERBS = ['triển khai', 'tổ chức', 'tham mưu', 'rà soát', 'xây dựng'];

/**
 * The section-II task group a task serves, where both texts share the quoted phrase (the
 * generator checks it is in both). Tasks about the whole plan (implement, monitor, report) and
 * those whose wording no group shares have none.
 */
const SECTIONS: Record<string, { section: string; phrase: string }> = {
  'IV.1.2': { section: 'II.2', phrase: 'ưu đãi người có công theo quy định tại Pháp lệnh' },
  'IV.1.3': { section: 'II.3', phrase: 'đẩy mạnh chuyển dịch lao động và thúc đẩy việc làm bền vững' },
  'IV.1.4': { section: 'II.2', phrase: 'phù hợp với mức sống của từng nhóm đối tượng và điều kiện kinh tế xã hội của thành phố' },
  'IV.1.5': { section: 'II.5', phrase: 'không dùng tiền mặt qua hệ thống ngân hàng' },
  'IV.4.1': { section: 'II.3', phrase: 'nguồn nhân lực' },
  'IV.4.2': { section: 'II.3', phrase: 'học tập' },
  'IV.5.1': { section: 'II.4', phrase: 'chất lượng dịch vụ chăm sóc sức khỏe toàn diện' },
  'IV.5.2': { section: 'II.5', phrase: 'ứng dụng công nghệ thông tin' },
  'IV.6.1': { section: 'II.4', phrase: 'người thu nhập thấp khu vực đô thị và công nhân khu công nghiệp' },
  'IV.6.2': { section: 'II.2', phrase: 'Nghị quyết số 52/2019/NQ-HĐND' },
  'IV.7.1': { section: 'II.4', phrase: 'nước sạch' },
  'IV.8.1': { section: 'II.1', phrase: 'tuyên truyền' },
  'IV.8.2': { section: 'II.4', phrase: 'viễn thông' },
  'IV.9.2': { section: 'II.2', phrase: 'người có công với cách mạng' },
  'IV.10.1': { section: 'II.2', phrase: 'chính sách bảo hiểm xã hội' },
  'IV.11.2': { section: 'II.6', phrase: 'huy động nguồn lực' },
  'IV.12.2': { section: 'II.1', phrase: 'tuyên truyền' },
};

/**
 * When a task is due, for every task whose sentence carries a year or a date (the generator
 * refuses one without a decision). Without a year: "hằng năm"/"hàng năm", or "định kỳ" (the
 * plan's only period is the year), is every year; anything else is once, by the plan's end.
 */
const DUE_DECISIONS: Record<string, { due: TaskDue; why: string }> = {
  'IV.6.2': { due: { kind: 'once' }, why: 'The years date and name the resolutions carried out (52/2019, 32/2019/NQ-HĐND, 2020-2025).' },
  'IV.8.1': { due: { kind: 'once' }, why: 'The years date and name the decisions the plan implements.' },
  'IV.9.1': {
    due: { kind: 'once' },
    why: '"đến năm 2030 và những năm tiếp theo" is the horizon in the name of the search plan, not a deadline of this task (and lies after the plan period).',
  },
  'IV.chung.1': { due: { kind: 'everyYear' }, why: '"kế hoạch cụ thể hàng năm"; the years name the decisions implemented.' },
  'IV.chung.2': { due: { kind: 'everyYear' }, why: '"kế hoạch cụ thể hàng năm"; the years name the decisions implemented.' },
};

/**
 * The tasks in English, by code, each with the opening words of the Vietnamese sentence it
 * translates: a sentence added or removed in the seed shifts the codes, and the generator
 * then refuses a translation whose opening no longer matches.
 */
const TASKS_EN: Record<string, { opens: string; en: string }> = {
  'IV.1.1': {
    opens: 'Chủ trì, phối hợp với các sở, ngành',
    en: 'Lead, with the relevant departments, sectors and mass organisations and the district People\'s Committees, the implementation of the plan.',
  },
  'IV.1.2': {
    opens: 'Chủ trì, phối hợp với các sở, ngành',
    en: 'Lead, with the relevant departments, sectors and units and the district People\'s Committees, the policies for people with revolutionary merit under the Ordinance on preferential treatment; deliver social assistance on time to its beneficiaries (older people, people with disabilities, …) in the community; roll out models of comprehensive social assistance services for people in especially difficult circumstances.',
  },
  'IV.1.3': {
    opens: 'Có giải pháp nâng cao chất lượng nguồn',
    en: 'Find solutions to raise the quality of human resources together with occupational change; develop the labour market and its information system; promote labour mobility and sustainable employment; build harmonious, stable and progressive labour relations.',
  },
  'IV.1.4': {
    opens: 'Tham mưu, đề xuất cơ chế, chính sách',
    en: 'Advise on and propose mechanisms and policies to support poor and near-poor households and social-protection beneficiaries, suited to each group\'s living standard and the city\'s socio-economic conditions, ensuring social security.',
  },
  'IV.1.5': {
    opens: 'Triển khai xây dựng cơ sở dữ liệu',
    en: 'Build databases on people with merit, social protection, children and poverty reduction, decentralised and linked to online public services; build the social-security database; extend cashless payment of merit allowances and social allowances through banks.',
  },
  'IV.1.6': {
    opens: 'Chủ trì, phối hợp với các sở, ngành',
    en: 'Lead, with the relevant departments and sectors, the implementation, monitoring, follow-up and inspection of the plan in the city; consolidate and report periodically as required.',
  },
  'IV.2.1': {
    opens: 'Phối hợp với Sở Tài chính tham mưu',
    en: 'With the Department of Finance, advise and report to the city People\'s Committee on allocating the city\'s public investment capital to approved projects, so that the plan\'s goals and tasks are achieved.',
  },
  'IV.2.2': {
    opens: 'Vận động các nguồn tài trợ phi chính',
    en: 'Mobilise foreign non-governmental funding to support social policies in the city.',
  },
  'IV.3.1': {
    opens: 'Hàng năm, căn cứ khả năng cân đối',
    en: 'Every year, within the budget\'s means, advise the city People\'s Committee on funding social policies as required.',
  },
  'IV.4.1': {
    opens: 'Chủ trì, phối hợp với các sở, ngành',
    en: 'Lead, with the relevant departments and sectors, the review and completion of the rules guaranteeing minimum education; propose mechanisms and policies supporting education and training of the city\'s human resources.',
  },
  'IV.4.2': {
    opens: 'Đẩy mạnh phát triển hệ thống đào tạo',
    en: 'Develop online training; develop digital, electronic and open learning materials; keep updating the shared digital learning repository and digital libraries supporting distance learning, self-study and lifelong learning.',
  },
  'IV.5.1': {
    opens: 'Nâng cao chất lượng dịch vụ chăm sóc',
    en: 'Raise the quality of comprehensive health care services to people\'s satisfaction; complete the network of health facilities to meet the changing disease pattern and population ageing.',
  },
  'IV.5.2': {
    opens: 'Triển khai hệ thống chăm sóc sức khỏe',
    en: 'Roll out digital health care and disease prevention; use information technology in diagnosis and treatment, personal health records and electronic medical records.',
  },
  'IV.6.1': {
    opens: 'Triển khai các chính sách về nhà ở',
    en: 'Carry out the social housing policies and develop housing services for low-income urban residents, industrial-park workers, migrants and people in areas affected by natural disasters and climate change.',
  },
  'IV.6.2': {
    opens: 'Chủ trì, hướng dẫn tổ chức thực hiện',
    en: 'Lead and guide the effective implementation of resolutions 52/2019/NQ-HĐND (support for building and repairing the houses of poor households, 2020-2025) and 32/2019/NQ-HĐND (the same for households of people with merit with housing difficulties) of the city People\'s Council.',
  },
  'IV.7.1': {
    opens: 'Nâng cao chất lượng dịch vụ cung cấp',
    en: 'Raise the quality of rural clean-water supply and sanitation services; research and apply low-cost, suitable technologies to supply, treat and store safe water, especially in natural disasters, droughts, saline intrusion and floods.',
  },
  'IV.8.1': {
    opens: 'Chỉ đạo, hướng dẫn các cơ quan thông',
    en: 'Direct and guide the press, the city web portal and the grassroots information system to communicate the purpose, meaning and content of the plan implementing Decision 1983/QĐ-TTg.',
  },
  'IV.8.2': {
    opens: 'Nâng cao chất lượng đài truyền thanh cơ',
    en: 'Improve grassroots radio; extend telecommunications and broadband internet to rural areas; set up multimedia communication stations at postal service points so that rural people can use online public services, e-commerce and digital transformation of agriculture.',
  },
  'IV.9.1': {
    opens: 'Chủ trì, phối hợp với Sở Lao động',
    en: 'Lead, with the Department of Labour, Invalids and Social Affairs and the departments, sectors and localities, the plan to search for, collect and identify the remains of martyrs still lacking information, to 2030 and beyond.',
  },
  'IV.9.2': {
    opens: 'Phối hợp với các sở, ban, ngành, đơn',
    en: 'With the departments, sectors, units and localities, carry out the policies for people with revolutionary merit well.',
  },
  'IV.10.1': {
    opens: 'Đẩy mạnh, nâng cao chất lượng phục vụ',
    en: 'Improve service quality and the satisfaction of people, organisations and businesses with social, unemployment and health insurance; extend cashless payment of pensions, social-insurance and unemployment benefits through banks.',
  },
  'IV.11.1': {
    opens: 'Xây dựng chương trình, kế hoạch nhằm cụ',
    en: 'Draw up programmes and plans putting the plan into practice in line with the locality\'s socio-economic development goals.',
  },
  'IV.11.2': {
    opens: 'Chỉ đạo triển khai thực hiện các nội',
    en: 'Direct the implementation practically and effectively; allocate budget and mobilise resources for the plan in the locality.',
  },
  'IV.11.3': {
    opens: 'Tăng cường công tác kiểm tra, giám sát',
    en: 'Step up inspection, supervision and evaluation, periodic and ad hoc; report on the plan every year as required.',
  },
  'IV.12.1': {
    opens: 'Trong phạm vi chức năng, nhiệm vụ phối',
    en: '(Requested) Within their functions, implement the plan together with the relevant agencies.',
  },
  'IV.12.2': {
    opens: 'Tăng cường công tác tuyên truyền, vận động',
    en: '(Requested) Step up communication and mobilisation so that organisations, businesses and all people take part in social policies, mobilise resources to honour people with merit and care for poor households, older people, people with disabilities, Agent Orange victims and children in especially difficult circumstances.',
  },
  'IV.chung.1': {
    opens: 'Các sở, ngành, đơn vị, Ủy ban nhân',
    en: 'Within their functions, the departments, sectors and units draw up a specific plan every year and implement the plan.',
  },
  'IV.chung.2': {
    opens: 'Các sở, ngành, đơn vị, Ủy ban nhân',
    en: 'Within their functions, the district People\'s Committees draw up a specific plan every year and implement the plan.',
  },
};

interface IndicatorDecision {
  code: string;
  /** The year the goal names. */
  year: string;
  /** The goal after "Đến năm <year>, ", verbatim: the target phrase. */
  target: string;
  /** Verbatim fragment of the goal naming what is measured. */
  name: string;
  nameEn: string;
  unit: string;
  valueType: ValueType;
  polarity: Polarity;
  field: string;
  /** The section-IV sentence that gives the field to an agency, or null for the standing agency. */
  lead: { item: string; code: string } | null;
}

/** The quantitative goals of the text with a year (the generator refuses a goal not listed here). */
const INDICATORS: IndicatorDecision[] = [
  {
    code: '1',
    year: '2025',
    target: 'không còn hộ nghèo theo chuẩn nghèo đa chiều quốc gia giai đoạn 2021 - 2025',
    name: 'hộ nghèo theo chuẩn nghèo đa chiều quốc gia giai đoạn 2021 - 2025',
    nameEn: 'Poor households under the national multidimensional poverty standard 2021-2025 (number)',
    unit: 'hộ',
    valueType: 'integer',
    polarity: 'lower',
    field: 'poverty',
    // IV.1.4 gives support for poor and near-poor households to Sở LĐTBXH (IV.1.5: the poverty database).
    lead: { item: 'IV.1', code: 'IV.1.4' },
  },
];

// ═══════════════════════════════════════════════════════════════════════════════════════
// 2. READING THE SEED
// ═══════════════════════════════════════════════════════════════════════════════════════

interface SeedParts {
  number: string;
  issuedOn: string;
  title: string;
  sectionII: NumberedPart[];
  sectionIV: NumberedPart[];
}

function readSeed(text: string): SeedParts {
  const lines = text.normalize('NFC').split(/\r?\n/);
  const numberLine = /Số:\s*(\d+)\s*\/\s*(KH-UBND)/.exec(lines[lineIndex(lines, 'Số:')] ?? '');
  const dateLine = /ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})/.exec(lines[lineIndex(lines, 'Hải Phòng, ngày')] ?? '');
  if (!numberLine || !dateLine) throw new Error('seed: no plan number or date in the first lines');
  const [, day = '', month = '', year = ''] = dateLine;
  const titleFrom = lineIndex(lines, '**Thực hiện Quyết định');
  const titleTo = lines.findIndex((l, i) => i >= titleFrom && l.trim().endsWith('**'));
  const ii = lineIndex(lines, 'II. NHIỆM VỤ, GIẢI PHÁP');
  const iii = lineIndex(lines, 'III. KINH PHÍ THỰC HIỆN', ii);
  const iv = lineIndex(lines, 'IV. TỔ CHỨC THỰC HIỆN', iii);
  const recipients = lineIndex(lines, 'Nơi nhận', iv);
  return {
    number: `${numberLine[1] ?? ''}/${numberLine[2] ?? ''}`,
    issuedOn: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`,
    title: stripMarkup(lines.slice(titleFrom, titleTo + 1).join(' ')),
    sectionII: numberedParts(lines, ii, iii),
    sectionIV: numberedParts(lines, iv, recipients),
  };
}

// ═══════════════════════════════════════════════════════════════════════════════════════
// 3. BUILDING THE TASKS AND INDICATORS
// ═══════════════════════════════════════════════════════════════════════════════════════

/** The ids a name list resolves to within Hải Phòng; any fragment left unresolved is an error. */
function resolveAll(register: AgencyRegister, names: string, where: string): string[] {
  const r = register.resolveNames(names, CITY);
  if (r.unresolved.length > 0 || r.ids.length === 0) {
    throw new Error(`${where}: "${names}" does not resolve in the Hải Phòng register (unresolved: ${JSON.stringify(r.unresolved)})`);
  }
  return r.ids;
}

/** The lead of a numbered agency of section IV: its heading names one agency, or a group stands for all it names. */
function leadOf(register: AgencyRegister, part: NumberedPart, date: string): string {
  // "Đề nghị …" (IV.12) requests rather than orders; the names follow it.
  const named = resolveAll(register, part.heading.replace(/^Đề nghị\s+/u, ''), `IV.${part.number}`);
  const group = GROUP_LEADS[part.number];
  if (group === undefined) {
    if (named.length !== 1) throw new Error(`IV.${part.number}: "${part.heading}" names ${named.join(', ')}; give the group that leads in GROUP_LEADS`);
    return named[0] ?? '';
  }
  const members = new Set(register.expand(group, date));
  const missing = named.flatMap((id) => register.expand(id, date)).filter((id) => !members.has(id));
  if (missing.length > 0) throw new Error(`IV.${part.number}: group ${group} does not stand for ${missing.join(', ')}`);
  return group;
}

/** "phối hợp với <agencies> <work>": the agencies, as written. */
function coordinatorPhrase(sentence: string, code: string): string | undefined {
  const found = [...sentence.matchAll(/phối hợp với /giu)];
  if (found.length === 0) return undefined;
  if (found.length > 1) throw new Error(`${code}: more than one "phối hợp với" in one task`);
  const rest = sentence.slice((found[0]?.index ?? 0) + 'phối hợp với '.length);
  const ends = WORK_VERBS.map((verb) => rest.indexOf(` ${verb}`)).filter((i) => i > 0);
  if (ends.length === 0) throw new Error(`${code}: no work verb (${WORK_VERBS.join(', ')}) ends the agencies after "phối hợp với"`);
  return rest.slice(0, Math.min(...ends)).trim();
}

function dueOf(sentence: string, code: string): TaskDue {
  const decision = DUE_DECISIONS[code];
  if (/\b(19|20)\d{2}\b/.test(sentence)) {
    if (!decision) throw new Error(`${code}: the sentence carries a year or a date; decide its due date in DUE_DECISIONS`);
    return decision.due;
  }
  if (decision) throw new Error(`${code}: DUE_DECISIONS has a decision but the sentence carries no year`);
  return /h[ằà]ng năm|định kỳ/iu.test(sentence) ? { kind: 'everyYear' } : { kind: 'once' };
}

interface TaskSeed {
  code: string;
  sentence: string;
  lead: string;
  leadSource: string;
}

/** Every assignment of section IV with its code and lead, the closing paragraph once per addressee. */
function taskSeeds(register: AgencyRegister, parts: readonly NumberedPart[], date: string): TaskSeed[] {
  const seeds: TaskSeed[] = [];
  for (const part of parts) {
    const lead = leadOf(register, part, date);
    const closingAt = part.paragraphs.findIndex((p) => p.startsWith(CLOSING_ADDRESSEES));
    const own = closingAt === -1 ? part.paragraphs : part.paragraphs.slice(0, closingAt);
    own.flatMap(assignments).forEach((sentence, i) => {
      seeds.push({ code: `IV.${part.number}.${String(i + 1)}`, sentence, lead, leadSource: part.heading });
    });
    if (closingAt === -1) continue;
    const closing = part.paragraphs.slice(closingAt);
    const unknown = closing.filter((p) => !p.startsWith(CLOSING_ADDRESSEES) && !p.startsWith(NOT_A_TASK));
    if (unknown.length > 0) throw new Error(`section IV: closing paragraphs neither tasks nor known: ${JSON.stringify(unknown)}`);
    const sentences = closing.filter((p) => p.startsWith(CLOSING_ADDRESSEES)).flatMap(assignments);
    const addressees = resolveAll(register, CLOSING_ADDRESSEES, 'section IV, closing');
    let n = 0;
    for (const sentence of sentences) {
      for (const id of addressees) seeds.push({ code: `IV.chung.${String(++n)}`, sentence, lead: id, leadSource: CLOSING_ADDRESSEES });
    }
  }
  return seeds;
}

function buildTasks(register: AgencyRegister, seed: SeedParts): PlanTask[] {
  const groupText = new Map(seed.sectionII.map((g) => [`II.${g.number}`, [g.heading, ...g.paragraphs].join(' ')]));
  const tasks = taskSeeds(register, seed.sectionIV, seed.issuedOn).map((t): PlanTask => {
    const coordinatorsSource = coordinatorPhrase(t.sentence, t.code);
    const coordinators = coordinatorsSource === undefined ? [] : resolveAll(register, coordinatorsSource, `${t.code} coordinators`);
    const section = SECTIONS[t.code];
    if (section) {
      const text = groupText.get(section.section);
      if (!text?.includes(section.phrase) || !t.sentence.includes(section.phrase)) {
        throw new Error(`${t.code}: "${section.phrase}" is not in both the task and ${section.section}`);
      }
    }
    const english = TASKS_EN[t.code];
    if (english === undefined) throw new Error(`${t.code}: no English text in TASKS_EN for "${t.sentence}"`);
    if (!t.sentence.startsWith(english.opens)) throw new Error(`${t.code}: the English text translates "${english.opens} …", not "${t.sentence}"`);
    const textEn = english.en;
    return {
      code: t.code,
      ...(section ? { section: section.section } : {}),
      text: t.sentence,
      textEn,
      lead: t.lead,
      leadSource: t.leadSource,
      coordinators: coordinators.filter((id) => id !== t.lead),
      ...(coordinatorsSource === undefined ? {} : { coordinatorsSource }),
      due: dueOf(t.sentence, t.code),
      source: t.sentence,
    };
  });
  const codes = new Set(tasks.map((t) => t.code));
  const stale = [...Object.keys(TASKS_EN), ...Object.keys(SECTIONS), ...Object.keys(DUE_DECISIONS)].filter((c) => !codes.has(c));
  if (stale.length > 0) throw new Error(`decisions for tasks the seed does not have: ${[...new Set(stale)].join(', ')}`);
  return tasks;
}

/** Section II's goals that name a year: "Đến năm 2025, <goal>." */
export function yearGoals(seed: { sectionII: readonly NumberedPart[] }): Array<{ section: string; year: string; goal: string }> {
  return seed.sectionII.flatMap((g) =>
    g.paragraphs.flatMap(assignments).flatMap((sentence) => {
      const m = /^Đến năm (\d{4}), (.+?)\.?$/u.exec(sentence);
      return m?.[1] && m[2] ? [{ section: `II.${g.number}`, year: m[1], goal: m[2] }] : [];
    }),
  );
}

/** `leadSource` of an indicator: the agency, where, and the quoted sentence. */
export function indicatorLeadSource(agency: string, item: string, quote: string): string {
  return `${agency} (${item}): “${quote}”`;
}

function buildIndicators(seed: SeedParts, tasks: readonly PlanTask[], standingAgency: string, standingName: string): IndicatorFile[] {
  const goals = yearGoals(seed);
  for (const goal of goals) {
    if (!INDICATORS.some((d) => d.year === goal.year && d.target === goal.goal)) {
      throw new Error(`${goal.section}: the goal "${goal.goal}" (${goal.year}) is not an indicator; add it to INDICATORS`);
    }
  }
  return INDICATORS.map((d): IndicatorFile => {
    if (!goals.some((g) => g.year === d.year && g.goal === d.target)) throw new Error(`indicator ${d.code}: "${d.target}" is not a goal of section II for ${d.year}`);
    if (!d.target.includes(d.name)) throw new Error(`indicator ${d.code}: the name is not a fragment of the goal`);
    const task = d.lead ? tasks.find((t) => t.code === d.lead?.code) : undefined;
    if (d.lead && !task) throw new Error(`indicator ${d.code}: no task ${d.lead.code}`);
    const parsed = parseTarget(d.target, { valueType: d.valueType, polarity: d.polarity, unit: d.unit });
    // A phrase the engine cannot read yet is judged by the consolidator; once it reads it, it is stored.
    const target: YearTargetFile = parsed.kind === 'unparsed' ? { text: d.target, judgedByHand: true } : { text: d.target, target: parsed };
    return {
      code: d.code,
      name: d.name,
      nameEn: d.nameEn,
      reportable: true,
      unit: d.unit,
      valueType: d.valueType,
      polarity: d.polarity,
      baseline: null,
      targets: { [d.year]: target },
      lead: task ? task.lead : standingAgency,
      leadSource: task && d.lead
        ? indicatorLeadSource(task.leadSource ?? '', d.lead.item, task.source)
        : `${standingName}: the standing agency (section IV assigns the field to no one)`,
      coordinators: [],
      field: d.field,
      policyDocuments: [],
      aggregation: { kind: 'lead' },
      noteRequiredWhenMissed: true,
    };
  });
}

export function buildPlan(seedText: string, agencies: unknown): PlanInput {
  const register = createRegister(agencies);
  const seed = readSeed(seedText);
  const standing = seed.sectionIV.find((p) => p.number === '1');
  if (!standing) throw new Error('section IV: no item 1');
  const standingAgency = leadOf(register, standing, seed.issuedOn);
  if (!standing.paragraphs.some((p) => p.includes('tổng hợp, định kỳ báo cáo'))) throw new Error('IV.1 no longer consolidates the reports');
  const tasks = buildTasks(register, seed);
  const plan: PlanInput = {
    $schema: '../schema/plan.schema.json',
    id: 'hp-kh113-2022',
    title: seed.title,
    number: seed.number,
    issuedOn: seed.issuedOn,
    city: CITY,
    program: '1983/QĐ-TTg',
    startYear: START_YEAR,
    endYear: END_YEAR,
    revision: 1,
    revisionNote:
      'Written as tasks: every sentence of section IV is a task of its agency, verbatim. Section IV.12 requests ("Đề nghị") the Fatherland Front, the Labour Federation and the socio-political organisations: their tasks are requests, not orders. The one quantitative goal ("Đến năm 2025, không còn hộ nghèo …") is judged by hand while the target language has no phrase for "không còn".',
    source: `seeds/${SEED_NAME}`,
    corrections: [],
    defaults: { approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 },
    indicators: buildIndicators(seed, tasks, standingAgency, standing.heading),
    documents: [],
    projectGroups: [],
    projects: [],
    tasks,
    rules: [],
    reporting: {
      standingAgency,
      periods: [
        // "hàng năm báo cáo tình hình thực hiện Kế hoạch theo quy định" (IV.11): yearly, with the
        // Decree 09/2019/NĐ-CP cut-off. The plan names no day; the 20th of the period's last
        // month is the convention of the Hà Nội plans' 6- and 9-month reports.
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '12-20' },
      ],
    },
  };
  Plan.parse(plan);
  return plan;
}

function main(): void {
  const agencies: unknown = JSON.parse(readFileSync(AGENCIES, 'utf8'));
  const plan = buildPlan(readSeedOrExit(SEED_NAME), agencies);
  writePlanFile(OUTPUT, plan);
  const tasks = plan.tasks ?? [];
  const byLead = new Map<string, number>();
  for (const t of tasks) byLead.set(t.lead, (byLead.get(t.lead) ?? 0) + 1);
  const targets = plan.indicators.flatMap((i) => Object.values(i.targets));
  console.log(
    `${path.relative(repoRoot, OUTPUT)}: ${String(tasks.length)} tasks (${[...byLead].map(([id, n]) => `${id} ${String(n)}`).join(', ')}), ` +
      `${String(plan.indicators.length)} indicators, ${String(targets.filter((t) => t.judgedByHand).length)}/${String(targets.length)} targets judged by hand`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
