/**
 * Builds shared/plans/hn-kh181-2024.json: Hà Nội plan 181/KH-UBND (13 June 2024) implementing
 * programme 32-CTr/TU (Nghị quyết 42-NQ/TW), from the seed `seeds/hanoi-kh181-2024-program32.txt`
 * and its news summary `seeds/hanoi-kh181-2024-news.txt`.
 *
 *   npx tsx scripts/catalog/build-hn-kh181-2024.ts
 *
 * Unlike plan 207 this plan has no indicator table: its indicators are the numbered sentences
 * of section "II. CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030", each carrying a 2030 target only, and the
 * appendices that assign agencies to them ("Chi tiết các chỉ tiêu … tại các phụ lục đính kèm")
 * were not published. So the catalogue below is written by hand, one row per numbered item, and
 * `test/shared/catalog-kh181.test.ts` re-reads the seed to check that every item is here with
 * the same code and that every target phrase and name is verbatim.
 *
 * Lead agencies: section "IV. TỔ CHỨC THỰC HIỆN" assigns policy FIELDS, not indicators. A lead
 * is set only where a sentence of section IV clearly gives the indicator's field to one agency
 * (the sentence is quoted in `leadSource`); everything else is `lead: null`, for the standing
 * agency to assign. Each row says why in `leadWhy` (kept in this file, not in the JSON).
 */
import { readFileSync } from 'node:fs';
import { writePlanFile } from '../seeds';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { Plan } from '../../shared/schema/plan';
import type { Indicator, PlanInput, Polarity, Rule, ValueType } from '../../shared/schema/plan';
import { parseTarget } from '../../shared/targets/parse';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT = path.resolve(repoRoot, 'shared', 'plans', 'hn-kh181-2024.json');
const AGENCIES = path.resolve(repoRoot, 'shared', 'agencies', 'hanoi.json');

/** The only target year the plan states ("ĐẾN NĂM 2030"). */
const YEAR = '2030';

/** The seed's heading (lines 2-8), joined with single spaces; "KẾ HOẠCH" (line 1) is the
 * document type, carried by `number`, as in plan 207's title. */
const TITLE =
  'Thực hiện Chương trình hành động số 32-CTr/TU ngày 04/04/2024 của Thành ủy Hà Nội thực hiện ' +
  'Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về ' +
  '“Tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng ' +
  'và bảo vệ Tổ quốc trong giai đoạn mới”';

// ═══════════════════════════════════════════════════════════════════════════════════════
// 1. LEAD DECISIONS: the sentences of section IV that give a field to one agency
// ═══════════════════════════════════════════════════════════════════════════════════════

interface LeadDecision {
  /** The agency as section IV names it (resolved with the agency register). */
  agency: string;
  /** Item of section IV. */
  item: string;
  /** The sentence(s), verbatim, wrapped lines joined with one space ("32-" + "CTr/TU" rejoined). */
  quote: string;
}

const L = {
  /** IV.1: labour, war invalids (people with merit) and social affairs. */
  ldtbxh: {
    agency: 'Sở Lao động - Thương binh và Xã hội',
    item: 'IV.1',
    quote:
      'Chủ trì, phối hợp với các sở, ngành, quận, huyện, thị xã tham mưu các cơ chế chính sách, đề xuất giải pháp, ' +
      'triển khai, hướng dẫn, đôn đốc thực hiện các nhiệm vụ và hoàn thành thắng lợi các chỉ tiêu thuộc lĩnh vực ' +
      'Lao động, Thương binh và Xã hội.',
  },
  /** IV.2: health. */
  yte: {
    agency: 'Sở Y tế',
    item: 'IV.2',
    quote:
      'Chủ trì tham mưu các cơ chế chính sách, đề xuất giải pháp, hướng dẫn, triển khai, đôn đốc thực hiện các ' +
      'nhiệm vụ và hoàn thành thắng lợi các chỉ tiêu về lĩnh vực y tế.',
  },
  /** IV.6: social, health and unemployment insurance. */
  bhxh: {
    agency: 'Bảo hiểm xã hội Thành phố',
    item: 'IV.6',
    quote:
      'Chủ trì, tham mưu đề xuất các cơ chế, chính sách, giải pháp và tập trung chỉ đạo, hướng dẫn, tổ chức triển ' +
      'khai thực hiện hiệu quả Chương trình hành động số 32-CTr/TU của Thành ủy. Lập dự toán kinh phí thực hiện và ' +
      'tổ chức kiểm tra, tổng hợp, định kỳ báo cáo kết quả thực hiện Chương trình hành động số 32-CTr/TU của Thành ' +
      'ủy về các nội dung, tiêu chí liên quan đến lĩnh vực bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp.',
  },
  /** IV.8: education and training. */
  gddt: {
    agency: 'Sở Giáo dục và Đào tạo',
    item: 'IV.8',
    quote:
      'Chủ trì, phối hợp tham mưu các cơ chế, chính sách, đề xuất giải pháp về lĩnh vực giáo dục, đào tạo và tập ' +
      'trung chỉ đạo, hướng dẫn, tổ chức triển khai thực hiện hiệu quả Chương trình hành động số 32-CTr/TU của ' +
      'Thành ủy.',
  },
  /** IV.10: construction (which, in Vietnamese state management, includes housing). */
  xaydung: {
    agency: 'Sở Xây dựng',
    item: 'IV.10',
    quote:
      'Chủ trì, phối hợp tham mưu các cơ chế chính sách, đề xuất giải pháp, hướng dẫn, triển khai, đôn đốc thực ' +
      'hiện các nhiệm vụ thuộc lĩnh vực xây dựng.',
  },
  /** IV.11: natural resources and environment, wastewater treatment named. */
  tnmt: {
    agency: 'Sở Tài nguyên Môi trường',
    item: 'IV.11',
    quote:
      'Chủ trì, phối hợp tham mưu các cơ chế chính sách, đề xuất giải pháp, hướng dẫn, triển khai, đôn đốc thực ' +
      'hiện các nhiệm vụ thuộc lĩnh vực tài nguyên, môi trường. Tăng cường công tác bảo vệ môi trường, đẩy mạnh ' +
      'việc xử lý nước thải, rác thải.',
  },
} satisfies Record<string, LeadDecision>;

/** `leadSource` as written into the plan: the agency, where, and the quoted sentence. */
export function leadSourceOf(d: LeadDecision): string {
  return `${d.agency} (${d.item}): “${d.quote}”`;
}

// ═══════════════════════════════════════════════════════════════════════════════════════
// 2. THE INDICATORS: every numbered item of section II, in the seed's order
// ═══════════════════════════════════════════════════════════════════════════════════════

/** Policy fields (as in plan 207): they decide which successor takes an indicator over after
 * the 2025 reorganisation. */
type Field =
  | 'merit'
  | 'employment'
  | 'vocational-education'
  | 'social-insurance'
  | 'social-protection'
  | 'education'
  | 'health'
  | 'housing'
  | 'water'
  | 'environment'
  | 'ethnic-minorities';

interface Row {
  code: string;
  /** The item sentence minus the target phrase, trimmed, verbatim (including "Tỉ lệ" vs
   * "Tỷ lệ" and lower-case starts as printed). Where the whole sentence is the target phrase,
   * the verbatim noun phrase naming the measure ("giường bệnh viện trên 10.000 dân") or, for
   * qualitative items, the phrase itself. */
  name: string;
  nameEn: string;
  /** The 2030 target phrase, an exact substring of the item sentence; null for headings
   * that carry no target of their own (reportable: false). */
  target: string | null;
  unit: string;
  valueType: ValueType;
  polarity: Polarity;
  decimals?: number;
  field: Field;
  lead: LeadDecision | null;
  /** Why the lead is what it is (documentation only). */
  leadWhy: string;
}

const H = null; // a heading: no target of its own

// prettier-ignore
const ROWS: Row[] = [
  // 1. Bảo đảm 100% người có công … so với mức sống của cộng đồng dân cư nơi cư trú.
  { code: '1', name: 'Bảo đảm người có công và gia đình người có công với cách mạng đang hưởng trợ cấp hằng tháng được chăm lo toàn diện cả vật chất và tinh thần, có mức sống từ trung bình khá trở lên so với mức sống của cộng đồng dân cư nơi cư trú',
    nameEn: 'People with revolutionary merit and their families on monthly allowances fully cared for, materially and spiritually, with a living standard of upper-middle or above compared with their local community',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'merit',
    lead: L.ldtbxh, leadWhy: 'People with merit (Thương binh) are the "lĩnh vực Lao động, Thương binh và Xã hội".' },

  // 2. Tỉ lệ thất nghiệp (heading) / 2.1. … chung dưới 3%. / 2.2. … khu vực thành thị dưới 3,5%.
  { code: '2', name: 'Tỉ lệ thất nghiệp', nameEn: 'Unemployment rate',
    target: H, unit: '%', valueType: 'percent', polarity: 'lower', field: 'employment',
    lead: L.ldtbxh, leadWhy: 'Unemployment is labour ("Lao động").' },
  { code: '2.1', name: 'Tỉ lệ thất nghiệp chung', nameEn: 'Overall unemployment rate',
    target: 'dưới 3%', unit: '%', valueType: 'percent', polarity: 'lower', field: 'employment',
    lead: L.ldtbxh, leadWhy: 'Unemployment is labour ("Lao động").' },
  { code: '2.2', name: 'Tỉ lệ thất nghiệp khu vực thành thị', nameEn: 'Urban unemployment rate',
    target: 'dưới 3,5%', unit: '%', valueType: 'percent', polarity: 'lower', field: 'employment',
    lead: L.ldtbxh, leadWhy: 'Unemployment is labour ("Lao động").' },

  // 3. Tỷ lệ lao động qua đào tạo (heading) / 3.1. … đạt trên 80%. / 3.2. … có bằng cấp chứng chỉ đạt trên 60%.
  { code: '3', name: 'Tỷ lệ lao động qua đào tạo', nameEn: 'Share of trained workers',
    target: H, unit: '%', valueType: 'percent', polarity: 'higher', field: 'vocational-education',
    lead: L.ldtbxh, leadWhy: 'A labour-force indicator; vocational education was Sở LĐTBXH\'s field in 2024 (it moved to Sở GD&ĐT in 2025: the field tag routes it).' },
  { code: '3.1', name: 'Tỷ lệ lao động qua đào tạo', nameEn: 'Share of workers with training',
    target: 'đạt trên 80%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'vocational-education',
    lead: L.ldtbxh, leadWhy: 'As 3.' },
  { code: '3.2', name: 'Tỷ lệ lao động qua đào tạo có bằng cấp chứng chỉ', nameEn: 'Share of workers with training and a degree or certificate',
    target: 'đạt trên 60%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'vocational-education',
    lead: L.ldtbxh, leadWhy: 'As 3.' },

  // 4. Bảo hiểm xã hội, bảo hiểm y tế (heading) / 4.1-4.3
  { code: '4', name: 'Bảo hiểm xã hội, bảo hiểm y tế', nameEn: 'Social insurance and health insurance',
    target: H, unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: null, leadWhy: 'Children differ: 4.1, 4.2 Bảo hiểm xã hội Thành phố; 4.3 unassigned.' },
  { code: '4.1', name: 'lực lượng lao động trong độ tuổi lao động tham gia bảo hiểm xã hội', nameEn: 'Share of the working-age labour force participating in social insurance',
    target: '70%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: L.bhxh, leadWhy: 'Social insurance is named in IV.6.' },
  { code: '4.2', name: 'lực lượng lao động trong độ tuổi lao động tham gia bảo hiểm thất nghiệp', nameEn: 'Share of the working-age labour force participating in unemployment insurance',
    target: '50%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: L.bhxh, leadWhy: 'Unemployment insurance is named in IV.6.' },
  { code: '4.3', name: 'người sau độ tuổi nghỉ hưu được hưởng lương hưu, bảo hiểm xã hội hằng tháng, trợ cấp hưu trí, trợ cấp xã hội', nameEn: 'Share of people above retirement age receiving a pension, monthly social-insurance benefit, retirement allowance or social allowance',
    target: '65%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: null, leadWhy: 'Two owners: pensions and monthly social-insurance benefits are Bảo hiểm xã hội Thành phố (IV.6); the tax-funded "trợ cấp hưu trí" (social pension) and "trợ cấp xã hội" are Sở LĐTBXH\'s social-protection field (IV.1).' },

  // 5. 100% người thuộc diện bảo trợ xã hội … Trợ giúp kịp thời …; trợ cấp xã hội cho người thuộc hộ không có khả năng thoát nghèo.
  { code: '5', name: 'người thuộc diện bảo trợ xã hội được hưởng trợ cấp xã hội theo quy định', nameEn: 'Share of social-protection beneficiaries receiving social allowances as prescribed',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-protection',
    lead: L.ldtbxh, leadWhy: 'Social protection ("Xã hội").' },

  // 6. Các chỉ tiêu về giáo dục (heading) / 6.1. Trường học đạt chuẩn quốc gia. (heading) / 6.1.1-6.6
  { code: '6', name: 'Các chỉ tiêu về giáo dục', nameEn: 'Education indicators',
    target: H, unit: '', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.1', name: 'Trường học đạt chuẩn quốc gia', nameEn: 'Schools meeting the national standard',
    target: H, unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.1.1', name: 'trường học đạt chuẩn quốc gia', nameEn: 'Share of schools meeting the national standard',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.1.2', name: 'Phấn đấu trường học đạt chuẩn quốc gia cấp độ 2', nameEn: 'Share of schools meeting the national standard at level 2',
    target: '50%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.2', name: 'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi', nameEn: 'Universal preschool education for children aged 3 to 5 completed',
    target: 'Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi', unit: '', valueType: 'qualitative', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.3', name: 'Tỉ lệ đi học đúng độ tuổi cấp tiểu học', nameEn: 'Net enrolment rate, primary school',
    target: 'đạt 99,5%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.4', name: 'Tỉ lệ đi học đúng độ tuổi cấp trung học cơ sở', nameEn: 'Net enrolment rate, lower secondary school',
    target: 'tối thiểu đạt 95%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.5', name: 'Tỉ lệ đi học đúng độ tuổi cấp trung học phổ thông và tương đương', nameEn: 'Net enrolment rate, upper secondary school and equivalent',
    target: 'tối thiểu đạt 75%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },
  { code: '6.6', name: 'Đạt chuẩn xoá mù chữ mức độ 2', nameEn: 'Illiteracy-eradication standard, level 2, achieved',
    target: 'Đạt chuẩn xoá mù chữ mức độ 2', unit: '', valueType: 'qualitative', polarity: 'higher', field: 'education',
    lead: L.gddt, leadWhy: 'Education (IV.8).' },

  // 7. Các chỉ tiêu liên quan đến y tế, sức khỏe (heading) / 7.1-7.13 (7.2. Tuổi thọ: heading)
  { code: '7', name: 'Các chỉ tiêu liên quan đến y tế, sức khỏe', nameEn: 'Health indicators',
    target: H, unit: '', valueType: 'number', polarity: 'higher', field: 'health',
    lead: null, leadWhy: 'Children differ: most Sở Y tế; 7.3 (HDI), 7.8 and 7.9 (health insurance) unassigned.' },
  { code: '7.1', name: 'Mức sinh thay thế', nameEn: 'Replacement-level fertility (average number of children per woman)',
    target: 'Mức sinh thay thế 2,1', unit: 'con/phụ nữ', valueType: 'number', polarity: 'band', decimals: 2, field: 'health',
    lead: L.yte, leadWhy: 'Population work belongs to the health sector; the plan lists it among "chỉ tiêu liên quan đến y tế, sức khỏe".' },
  { code: '7.2', name: 'Tuổi thọ', nameEn: 'Life expectancy',
    target: H, unit: '', valueType: 'number', polarity: 'higher', field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.2.1', name: 'Tuổi thọ trung bình của người dân', nameEn: 'Average life expectancy',
    target: 'khoảng 77 tuổi', unit: 'tuổi', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.2.2', name: 'Số năm sống khoẻ', nameEn: 'Healthy life years',
    target: 'đạt tối thiểu 68 năm', unit: 'năm', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.3', name: 'Chỉ số phát triển con người (HDI)', nameEn: 'Human Development Index (HDI)',
    target: 'đạt khoảng 0,88-0,9', unit: '', valueType: 'number', polarity: 'higher', decimals: 3, field: 'health',
    lead: null, leadWhy: 'A composite of health, education and income: no section-IV sentence gives it to one agency (Sở Y tế, Sở GD&ĐT, Sở KHĐT and Cục Thống kê all touch it).' },
  { code: '7.4', name: 'giường bệnh viện trên 10.000 dân', nameEn: 'Hospital beds per 10,000 people',
    target: 'Đạt 35 giường bệnh viện trên 10.000 dân', unit: 'giường bệnh/vạn dân', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2); IV.2 also asks Sở Y tế to "tăng số giường bệnh".' },
  { code: '7.5', name: 'bác sỹ trên 10.000 dân', nameEn: 'Doctors per 10,000 people',
    target: 'Đạt 19 bác sỹ trên 10.000 dân', unit: 'bác sỹ/vạn dân', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  // A ratio per 10,000 people (3,6 is a valid value), so `number`, not `integer`, despite the "04".
  { code: '7.6', name: 'dược sỹ trên 10.000 dân', nameEn: 'Pharmacists per 10,000 people',
    target: 'Đạt 04 dược sỹ trên 10.000 dân', unit: 'dược sỹ/vạn dân', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.7', name: 'điều dưỡng viên trên 10.000 dân', nameEn: 'Nurses per 10,000 people',
    target: 'Đạt 33 điều dưỡng viên trên 10.000 dân', unit: 'điều dưỡng viên/vạn dân', valueType: 'number', polarity: 'higher', decimals: 1, field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.8', name: 'Tỷ lệ bao phủ bảo hiểm y tế', nameEn: 'Health-insurance coverage rate',
    target: 'đạt 98%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: null, leadWhy: 'Two owners: "bảo hiểm y tế" is named for Bảo hiểm xã hội Thành phố (IV.6) and the item sits among the health indicators of Sở Y tế (IV.2). (Plan 207 gave health-insurance coverage to BHXH, but this plan does not say so.)' },
  { code: '7.9', name: 'người dân sử dụng dịch vụ chăm sóc ban đầu tại y tế cơ sở được bảo hiểm y tế chi trả', nameEn: 'Share of people using primary care at grassroots health facilities paid for by health insurance',
    target: 'Trên 95%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'social-insurance',
    lead: null, leadWhy: 'As 7.8: health-insurance payment (IV.6) for grassroots health services (IV.2).' },
  { code: '7.10', name: 'Tỷ lệ người dân được quản lý sức khoẻ', nameEn: 'Share of residents under health management',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.11', name: 'Tỷ lệ tiêm chủng mở rộng', nameEn: 'Expanded immunisation coverage',
    target: 'đạt 95%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.12', name: 'Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi', nameEn: 'Stunting rate among children under 5',
    target: 'dưới 15%', unit: '%', valueType: 'percent', polarity: 'lower', field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },
  { code: '7.13', name: 'Cơ bản chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét', nameEn: 'AIDS and tuberculosis epidemics basically ended and malaria eliminated',
    target: 'Cơ bản chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét', unit: '', valueType: 'qualitative', polarity: 'higher', field: 'health',
    lead: L.yte, leadWhy: 'Health (IV.2).' },

  // 8. Các chỉ tiêu về nhà ở (heading) / 8.1 (own target) + 8.1.1, 8.1.2 / 8.2. Phát triển nhà ở xã hội (heading) / 8.2.1-8.2.3
  { code: '8', name: 'Các chỉ tiêu về nhà ở', nameEn: 'Housing indicators',
    target: H, unit: '', valueType: 'number', polarity: 'higher', field: 'housing',
    lead: null, leadWhy: 'Children differ: 8.1.x Sở Xây dựng; 8.2.x unassigned.' },
  // "… đạt khoảng 32 m2 sàn/người, trong đó:": the name drops the linking "đạt" and ", trong đó:".
  { code: '8.1', name: 'Diện tích nhà ở bình quân đầu người toàn Thành phố', nameEn: 'Average housing floor area per person, citywide',
    target: 'khoảng 32 m2 sàn/người', unit: 'm2 sàn/người', valueType: 'number', polarity: 'higher', decimals: 1, field: 'housing',
    lead: L.xaydung, leadWhy: 'Housing is part of the construction sector\'s state management and no other section-IV agency touches it.' },
  // 8.1.1/8.1.2 write "m2/người": the same floor area per person as 8.1, so the same unit.
  { code: '8.1.1', name: 'Diện tích nhà ở bình quân đầu người khu vực đô thị', nameEn: 'Average housing floor area per person, urban areas',
    target: 'đạt 33 m2/người', unit: 'm2 sàn/người', valueType: 'number', polarity: 'higher', decimals: 1, field: 'housing',
    lead: L.xaydung, leadWhy: 'As 8.1.' },
  { code: '8.1.2', name: 'Diện tích nhà ở bình quân đầu người khu vực nông thôn', nameEn: 'Average housing floor area per person, rural areas',
    target: 'đạt 28 m2/người', unit: 'm2 sàn/người', valueType: 'number', polarity: 'higher', decimals: 1, field: 'housing',
    lead: L.xaydung, leadWhy: 'As 8.1.' },
  { code: '8.2', name: 'Phát triển nhà ở xã hội', nameEn: 'Social housing development',
    target: H, unit: '', valueType: 'number', polarity: 'higher', field: 'housing',
    lead: null, leadWhy: 'As 8.2.1-8.2.3.' },
  { code: '8.2.1', name: 'Phát triển mới', nameEn: 'New social housing floor area developed',
    target: 'khoảng 2,5 triệu m2 sàn nhà ở xã hội', unit: 'm2 sàn', valueType: 'number', polarity: 'higher', decimals: 0, field: 'housing',
    lead: null, leadWhy: 'Social housing is a social policy as much as construction (beneficiaries, land, investment, Ngân hàng CSXH credit per III.e); section IV names no agency for it.' },
  { code: '8.2.2', name: 'Triển khai đầu tư xây dựng', nameEn: 'Independent (concentrated) social housing areas whose construction investment is under way',
    target: '1-2 khu nhà ở xã hội độc lập (tập trung)', unit: 'khu', valueType: 'integer', polarity: 'higher', field: 'housing',
    lead: null, leadWhy: 'As 8.2.1 (an investment programme: Sở Xây dựng or Sở Kế hoạch và Đầu tư).' },
  { code: '8.2.3', name: 'Phấn đấu các khu công nghiệp, khu chế xuất của Thành phố có nhà ở xã hội phục vụ công nhân, người lao động', nameEn: 'Share of industrial parks and export-processing zones with social housing for workers',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'housing',
    lead: null, leadWhy: 'As 8.2.1; industrial parks are managed by an authority section IV does not name.' },

  // 9. 100% hộ gia đình … nước sạch theo quy chuẩn.
  { code: '9', name: 'hộ gia đình ở thành thị và nông thôn được sử dụng nước sạch theo quy chuẩn', nameEn: 'Share of urban and rural households using clean water that meets the standard',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'water',
    lead: null, leadWhy: 'No field sentence covers water supply: urban supply is construction (Sở Xây dựng), rural supply agriculture (not in section IV), water resources Sở TN&MT.' },
  // 10. 100% hộ gia đình, trường học, trạm y tế có công trình phụ hợp vệ sinh …
  { code: '10', name: 'hộ gia đình, trường học, trạm y tế có công trình phụ hợp vệ sinh bảo đảm tiêu chuẩn, quy chuẩn', nameEn: 'Share of households, schools and commune health stations with hygienic sanitation facilities meeting standards',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'environment',
    lead: null, leadWhy: 'Spans households (health/environment), schools (Sở GD&ĐT) and health stations (Sở Y tế); no one agency.' },

  // 11. Các chỉ tiêu về nước thải (heading) / 11.1 / 11.2
  { code: '11', name: 'Các chỉ tiêu về nước thải', nameEn: 'Wastewater indicators',
    target: H, unit: '%', valueType: 'percent', polarity: 'higher', field: 'environment',
    lead: null, leadWhy: 'Children differ: 11.2 Sở TN&MT; 11.1 unassigned.' },
  { code: '11.1', name: 'Tỷ lệ điểm dân cư nông thôn tập trung có hệ thống thu gom nước thải sinh hoạt', nameEn: 'Share of concentrated rural residential areas with a domestic wastewater collection system',
    target: 'đạt 25%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'environment',
    lead: null, leadWhy: 'Collection infrastructure in rural areas (new-rural programme, drainage = construction); IV.11 names wastewater treatment ("xử lý"), not collection systems.' },
  { code: '11.2', name: 'Tỷ lệ nước thải đô thị được xử lý', nameEn: 'Share of urban wastewater treated',
    target: 'đạt 90%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'environment',
    lead: L.tnmt, leadWhy: 'IV.11 names "xử lý nước thải" for Sở TN&MT; no other section-IV sentence mentions wastewater (urban drainage is legally also construction: see the report).' },

  // 12. 100% các xã vùng đồng bào dân tộc thiểu số, miền núi …
  { code: '12', name: 'các xã vùng đồng bào dân tộc thiểu số, miền núi được hưởng thụ và tham gia các hoạt động văn hoá, nghe, xem các kênh phát thanh, truyền hình của quốc gia và địa phương', nameEn: 'Share of communes in ethnic-minority and mountainous areas that enjoy and take part in cultural activities and receive national and local radio and television',
    target: '100%', unit: '%', valueType: 'percent', polarity: 'higher', field: 'ethnic-minorities',
    lead: null, leadWhy: 'Three candidates: Ban Dân tộc (IV.17, programme for ethnic-minority areas), Sở Văn hóa và Thể thao (IV.9, culture), Sở Thông tin Truyền thông (IV.12, access to media).' },
];

/** Parts of a whole: a part never exceeds its whole (warnings: the plan states no such rule). */
const RULES: Rule[] = [
  {
    id: 'ind-3.2-not-above-3.1',
    kind: 'indicatorNotAbove',
    part: '3.2',
    whole: '3.1',
    tolerance: { absolute: 0 },
    severity: 'warning',
    description: 'Trained workers with a degree or certificate (3.2) are part of all trained workers (3.1)',
  },
  {
    id: 'ind-4.2-not-above-4.1',
    kind: 'indicatorNotAbove',
    part: '4.2',
    whole: '4.1',
    tolerance: { absolute: 0 },
    severity: 'warning',
    description:
      'Unemployment-insurance participants (4.2) are employees also under compulsory social insurance, part of all social-insurance participants (4.1); same denominator (working-age labour force)',
  },
  {
    id: 'ind-6.1.2-not-above-6.1.1',
    kind: 'indicatorNotAbove',
    part: '6.1.2',
    whole: '6.1.1',
    tolerance: { absolute: 0 },
    severity: 'warning',
    description: 'Schools at national standard level 2 (6.1.2) are part of the schools meeting the national standard (6.1.1)',
  },
  {
    id: 'ind-7.2.2-not-above-7.2.1',
    kind: 'indicatorNotAbove',
    part: '7.2.2',
    whole: '7.2.1',
    tolerance: { absolute: 0 },
    severity: 'warning',
    description: 'Healthy life years (7.2.2) are part of life expectancy (7.2.1)',
  },
];

// ═══════════════════════════════════════════════════════════════════════════════════════
// 3. BUILD
// ═══════════════════════════════════════════════════════════════════════════════════════

function parentOf(code: string, codes: Set<string>): string | undefined {
  const cut = code.lastIndexOf('.');
  if (cut === -1) return undefined;
  const parent = code.slice(0, cut);
  if (!codes.has(parent)) throw new Error(`indicator ${code}: parent ${parent} is not in the catalogue`);
  return parent;
}

export function buildPlan(agencies: unknown): PlanInput {
  const register = createRegister(agencies);
  const resolveLead = (d: LeadDecision): string => {
    const r = register.resolveNames(d.agency);
    if (r.ids.length !== 1 || r.unresolved.length > 0) {
      throw new Error(`"${d.agency}" does not resolve to one agency: ${JSON.stringify(r)}`);
    }
    return r.ids[0]!;
  };

  const codes = new Set(ROWS.map((r) => r.code));
  if (codes.size !== ROWS.length) throw new Error('duplicate indicator code in ROWS');

  const indicators: Indicator[] = ROWS.map((row) => {
    const parent = parentOf(row.code, codes);
    const context = { valueType: row.valueType, polarity: row.polarity, ...(row.unit ? { unit: row.unit } : {}) };
    const targets: Indicator['targets'] = row.target === null ? {} : { [YEAR]: { text: row.target, target: parseTarget(row.target, context) } };
    return {
      code: row.code,
      name: row.name,
      nameEn: row.nameEn,
      ...(parent ? { parent } : {}),
      reportable: row.target !== null,
      unit: row.unit,
      valueType: row.valueType,
      polarity: row.polarity,
      ...(row.decimals !== undefined ? { decimals: row.decimals } : {}),
      baseline: null,
      targets,
      lead: row.lead ? resolveLead(row.lead) : null,
      ...(row.lead ? { leadSource: leadSourceOf(row.lead) } : {}),
      coordinators: [],
      field: row.field,
      policyDocuments: [],
      aggregation: { kind: 'lead' },
      noteRequiredWhenMissed: true,
    };
  });

  const plan: PlanInput = {
    $schema: '../schema/plan.schema.json',
    id: 'hn-kh181-2024',
    title: TITLE,
    number: '181/KH-UBND',
    issuedOn: '2024-06-13',
    city: 'hanoi',
    program: '32-CTr/TU',
    startYear: 2024,
    endYear: 2030,
    revision: 1,
    source: 'seeds/hanoi-kh181-2024-program32.txt',
    corrections: [],
    defaults: { approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 },
    indicators,
    // The plan publishes no appendices: no documents schedule, no investment projects.
    documents: [],
    projectGroups: [],
    projects: [],
    rules: RULES,
    reporting: {
      standingAgency: 'hn-sldtbxh',
      periods: [
        // Decree 09/2019/NĐ-CP cut-off; the plan states no 6-month deadline.
        { kind: '6M', cutoff: { from: '12-15', to: '06-14' }, deadline: '06-20' },
        // III.7 "Chế độ báo cáo, sơ kết, tổng kết": "Định kỳ hàng năm (trước ngày 30/11) các sở ngành
        // Thành phố (được giao chủ trì), Ủy ban nhân dân quận, huyện, thị xã báo cáo kết quả thực hiện
        // gửi về Sở Lao động - Thương binh và Xã hội để tổng hợp báo cáo Thành ủy, Ủy ban nhân dân Thành phố."
        { kind: 'year', cutoff: { from: '12-15', to: '12-14' }, deadline: '11-30' },
      ],
    },
  };
  Plan.parse(plan);
  return plan;
}

function main(): void {
  const agencies: unknown = JSON.parse(readFileSync(AGENCIES, 'utf8'));
  const plan = buildPlan(agencies);
  writePlanFile(OUTPUT, plan);
  const all = plan.indicators;
  const reportable = all.filter((i) => i.reportable !== false);
  const targets = all.flatMap((i) => Object.values(i.targets));
  const unparsed = targets.filter((t) => t.target?.kind === 'unparsed');
  console.log(
    `${path.relative(repoRoot, OUTPUT)}: ${all.length} indicators (${reportable.length} reportable; ` +
      `${all.filter((i) => i.lead).length} with a lead, ${reportable.filter((i) => i.lead).length} of them reportable), ` +
      `${plan.rules.length} rules; ${unparsed.length}/${targets.length} targets unparsed`,
  );
  for (const t of unparsed) console.log(`  unparsed: "${t.text}"`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
