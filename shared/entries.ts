import type { Indicator } from './schema/plan';
import type { QualitativeAnswer, TargetExpression } from './schema/target';
import type { EntryInput } from './schema/report';
import type { Finding } from './findings';
import { readNumber } from './numbers';
import type { NumberReading, ReadHint } from './numbers';
import { excerpt, foldVietnamese, normalizeText } from './text';
import { formatNumberEn, formatNumberVi } from './numbers';
import { boundsFinding, foreignUnitFinding, isPercentIndicator, judgeTrailing, plausibleBounds } from './plausibility';
import type { PlausibleBounds } from './plausibility';
import { text } from './i18n';

/**
 * Reads one entry (the cells of one indicator row) into values, with findings for
 * everything that is not a clean reading. The same function serves the add-in, the API
 * and uploaded workbooks.
 */
export interface ReadEntry {
  code: string;
  value: number | null;
  answer: QualitativeAnswer | null;
  /** A figure given beside a qualitative answer: "Cơ bản đạt (0,15%)". */
  figure: number | null;
  denominator: number | null;
  note: string;
  reading: NumberReading | null;
  findings: Finding[];
}

const ANSWER_WORDS: Array<[string, QualitativeAnswer]> = (
  [
    ['co ban hoan thanh', 'basicallyAchieved'],
    ['co ban dat', 'basicallyAchieved'],
    ['basically achieved', 'basicallyAchieved'],
    ['chua hoan thanh', 'notAchieved'],
    ['khong hoan thanh', 'notAchieved'],
    ['khong dat', 'notAchieved'],
    ['chua dat', 'notAchieved'],
    ['not achieved', 'notAchieved'],
    ['hoan thanh', 'achieved'],
    ['dat', 'achieved'],
    ['achieved', 'achieved'],
  ] as Array<[string, QualitativeAnswer]>
).sort((a, b) => b[0].length - a[0].length);

export const ANSWER_LABELS: Record<QualitativeAnswer, { vi: string; en: string }> = {
  achieved: { vi: 'Đạt', en: 'Achieved' },
  basicallyAchieved: { vi: 'Cơ bản đạt', en: 'Basically achieved' },
  notAchieved: { vi: 'Không đạt', en: 'Not achieved' },
};

export type AnswerReading = { kind: 'empty' } | { kind: 'answer'; answer: QualitativeAnswer; figure: number | null } | { kind: 'invalid' };

const ANSWERS_READ = new Map<string, AnswerReading>();

/** "Đạt", "Cơ bản đạt (0,15%)", "Không đạt", "achieved": the allowed answers, with an optional figure. */
export function readAnswer(raw: unknown): AnswerReading {
  if (raw === null || raw === undefined) return { kind: 'empty' };
  if (typeof raw !== 'string') return { kind: 'invalid' };
  // The same few answers ("Đạt", "Cơ bản đạt") come in every report: read each spelling once.
  const cached = ANSWERS_READ.get(raw);
  if (cached) return cached;
  const reading = readAnswerText(raw);
  if (raw.length <= 60) {
    if (ANSWERS_READ.size >= 1_000) ANSWERS_READ.clear();
    ANSWERS_READ.set(raw, reading);
  }
  return reading;
}


function readAnswerText(raw: string): AnswerReading {
  const clean = normalizeText(raw);
  if (clean === '') return { kind: 'empty' };
  if (clean.length > 200) return { kind: 'invalid' };
  const folded = foldVietnamese(clean);
  const hit = ANSWER_WORDS.find(([w]) => folded.startsWith(w) && !/[a-z]/.test(folded.charAt(w.length)));
  if (!hit) return { kind: 'invalid' };
  const rest = clean.slice(hit[0].length).replace(/^[\s:,(-]+|[\s)]+$/g, '');
  if (rest === '') return { kind: 'answer', answer: hit[1], figure: null };
  const figure = readNumber(rest, { valueType: 'percent' });
  if (figure.kind === 'number' && !figure.trailing) return { kind: 'answer', answer: hit[1], figure: figure.value };
  return { kind: 'invalid' };
}

/** Text a spreadsheet would run as a formula if written as-is. */
export function looksLikeFormula(value: string): boolean {
  // = + - @ tab CR, by character code: this runs for every cell.
  const c = value.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** Any cell content as short text for a message; never throws, whatever the value is. */
export function displayValue(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw === null || raw === undefined) return '';
  return Array.isArray(raw) ? '[…]' : '{…}';
}

const NOTE_LIMIT = 2_000;

export interface ReadContext {
  /** The target of the period's year, deciding whether an answer is needed. */
  yearTarget: TargetExpression | null;
  needsDenominator: boolean;
  denominatorLabel?: string;
}

/** How to read an indicator's cells and the bounds its values keep; indicators are immutable, so built once each. */
interface ReadProfile {
  hint: ReadHint;
  bounds: PlausibleBounds;
}
const READ_PROFILES = new WeakMap<Indicator, ReadProfile>();
function readProfileOf(indicator: Indicator): ReadProfile {
  let profile = READ_PROFILES.get(indicator);
  if (!profile) {
    const maxValue = indicator.max ?? indicator.maxValue;
    profile = { hint: { valueType: indicator.valueType, ...(maxValue !== undefined ? { maxValue } : {}) }, bounds: plausibleBounds(indicator) };
    READ_PROFILES.set(indicator, profile);
  }
  return profile;
}

const DENOMINATOR_HINT: ReadHint = { valueType: 'number' };

export function readEntry(indicator: Indicator, entry: EntryInput, context: ReadContext): ReadEntry {
  const findings: Finding[] = [];
  const where = { indicator: indicator.code };
  const note = typeof entry.note === 'string' ? entry.note : '';
  const numberFormat = typeof entry.numberFormat === 'string' ? entry.numberFormat : undefined;
  const result: ReadEntry = { code: indicator.code, value: null, answer: null, figure: null, denominator: null, note, reading: null, findings };

  const qualitativeIndicator = indicator.valueType === 'qualitative';
  const qualitativeTarget = context.yearTarget?.kind === 'qualitative';

  if (qualitativeIndicator) {
    // The value cell holds the answer itself.
    const rawAnswer = entry.answer ?? entry.value;
    const source = rawAnswer === null || rawAnswer === undefined ? null : displayValue(rawAnswer);
    applyAnswer(source, result, findings, where, 'value');
  } else {
    const profile = readProfileOf(indicator);
    const reading = readNumber(entry.value ?? null, numberFormat ? { ...profile.hint, numberFormat } : profile.hint);
    result.reading = reading;
    readNumeric(indicator, profile.bounds, reading, entry, result, findings, where);
    if (qualitativeTarget) {
      const rawAnswer = entry.answer;
      applyAnswer(rawAnswer === null || rawAnswer === undefined ? null : displayValue(rawAnswer), result, findings, where, 'answer', true);
    }
  }

  if (context.needsDenominator) {
    const raw = entry.denominator ?? null;
    const d = readNumber(raw, DENOMINATOR_HINT);
    const label = context.denominatorLabel ?? 'mẫu số';
    if (d.kind === 'empty') {
      if (result.value !== null) {
        findings.push({
          code: 'denominator-required',
          severity: 'error',
          field: 'denominator',
          ...where,
          message: text(`Thiếu "${label}" để tính giá trị bình quân gia quyền toàn Thành phố`, `"${label}" is needed to weight this figure in the citywide value`),
          hint: text(`Nhập ${label} của địa bàn`, `Enter the ${label} of your area`),
        });
      }
    } else if (d.kind === 'number' && d.value > 0 && !d.trailing) {
      result.denominator = d.value;
    } else {
      findings.push({
        code: 'denominator-invalid',
        severity: 'error',
        field: 'denominator',
        ...where,
        message: text(`"${label}" phải là số dương`, `"${label}" must be a positive number`),
        hint: text('Ví dụ: 25', 'For example: 25'),
        details: { text: typeof raw === 'string' ? excerpt(raw) : raw },
      });
    }
  }

  if (note.length > NOTE_LIMIT) {
    findings.push({
      code: 'note-too-long',
      severity: 'warning',
      field: 'note',
      ...where,
      message: text(`Ghi chú dài ${note.length} ký tự, quá ${NOTE_LIMIT} ký tự`, `The note has ${note.length} characters, over ${NOTE_LIMIT}`),
      hint: text('Rút gọn ghi chú; chi tiết gửi kèm văn bản báo cáo', 'Shorten the note; put details in the written report'),
    });
  }
  if (note && looksLikeFormula(note)) {
    findings.push({
      code: 'formula-like-text',
      severity: 'info',
      field: 'note',
      ...where,
      message: text('Ghi chú bắt đầu bằng =, +, - hoặc @: được lưu như văn bản, không phải công thức', 'The note starts with =, +, - or @: it is stored as text, never as a formula'),
      hint: text('Không cần sửa nếu đây đúng là nội dung ghi chú', 'Nothing to do if this is what you meant'),
    });
  }
  return result;
}

function applyAnswer(
  source: string | null,
  result: ReadEntry,
  findings: Finding[],
  where: { indicator: string },
  field: 'value' | 'answer',
  besideNumber = false,
): void {
  const answer = readAnswer(source);
  const allowed = `${ANSWER_LABELS.achieved.vi} / ${ANSWER_LABELS.basicallyAchieved.vi} / ${ANSWER_LABELS.notAchieved.vi}`;
  const allowedEn = `${ANSWER_LABELS.achieved.en} / ${ANSWER_LABELS.basicallyAchieved.en} / ${ANSWER_LABELS.notAchieved.en}`;
  if (answer.kind === 'answer') {
    result.answer = answer.answer;
    result.figure = answer.figure;
    return;
  }
  if (answer.kind === 'empty') {
    if (besideNumber) {
      findings.push({
        code: 'answer-required',
        severity: 'error',
        field,
        ...where,
        message: text('Chỉ tiêu năm nay là định tính: cần đánh giá Đạt / Cơ bản đạt / Không đạt', "This year's target is qualitative: an assessment is needed"),
        hint: text(`Chọn một trong: ${allowed}`, `Choose one of: ${allowedEn}`),
      });
    }
    return;
  }
  findings.push({
    code: 'answer-not-allowed',
    severity: 'error',
    field,
    ...where,
    message: text(`"${excerpt(source ?? '')}" không phải là một đánh giá hợp lệ`, `"${excerpt(source ?? '')}" is not an allowed answer`),
    hint: text(`Chọn một trong: ${allowed} (có thể kèm số liệu trong ngoặc)`, `Choose one of: ${allowedEn} (a figure in brackets may follow)`),
  });
}

function readNumeric(
  indicator: Indicator,
  bounds: PlausibleBounds,
  reading: NumberReading,
  entry: EntryInput,
  result: ReadEntry,
  findings: Finding[],
  where: { indicator: string },
): void {
  const refused = shapeProblem(indicator, reading, entry.value, where) ?? unreadable(reading, entry.value, where);
  if (refused) {
    findings.push(refused);
    return;
  }
  if (reading.kind !== 'number') return;
  const value = reading.value;
  const trailing = reading.trailing ? judgeTrailing(reading.trailing, indicator.unit) : null;
  if (trailing?.kind !== 'foreignUnit' && trailing?.remark) {
    findings.push({
      code: 'unexpected-text',
      severity: 'warning',
      field: 'value',
      ...where,
      message: text(`Phần chữ "${excerpt(trailing.remark, 40)}" sau số đã bị bỏ qua`, `The words "${excerpt(trailing.remark, 40)}" after the number were ignored`),
      hint: text('Chỉ nhập số; ghi chú ghi vào cột Ghi chú', 'Enter only the number; put remarks in the note column'),
    });
  }
  if (Math.abs(value) > 1e15) {
    findings.push({
      code: 'implausible-magnitude',
      severity: 'error',
      field: 'value',
      ...where,
      message: text('Giá trị quá lớn, không hợp lý', 'The value is implausibly large'),
      hint: text('Kiểm tra lại số liệu và đơn vị', 'Check the figure and its unit'),
    });
    return;
  }
  // The min-max check: the plan's bounds, else those of the unit (0-100 %, at most 10,000 per 10,000 people, never negative).
  const outOfBounds = value >= bounds.min && (bounds.max === undefined || value <= bounds.max) ? null : boundsFinding(indicator, value);
  if (outOfBounds) {
    findings.push(outOfBounds);
    return;
  }
  if (indicator.valueType === 'integer' && !Number.isInteger(value)) {
    findings.push({
      code: 'not-integer',
      severity: 'error',
      field: 'value',
      ...where,
      message: text(`${formatNumberVi(value, 6)} không phải số nguyên, chỉ tiêu đếm theo ${indicator.unit}`, `${formatNumberEn(value, 6)} is not a whole number; the indicator counts ${indicator.unit}`),
      hint: text('Nhập số nguyên, ví dụ 160.000', 'Enter a whole number, e.g. 160.000'),
    });
    return;
  }
  result.value = value;
}


/** A value that is not one number in the indicator's unit: a formula, numbers glued together, another unit. */
function shapeProblem(indicator: Indicator, reading: NumberReading, raw: unknown, where: { indicator: string }): Finding | null {
  // "=HYPERLINK(…)", "@SUM(A1)", "+1+1": a formula typed as text is never read as a number.
  const rawText = typeof raw === 'string' ? raw.trimStart() : '';
  const arithmetic = reading.kind === 'number' && reading.trailing !== undefined && /^[-+*/^×÷]\s*[\d(]/.test(reading.trailing);
  // A lone dash ("-", "—": nothing to report) is not a formula; it is read (and refused) as text.
  if (rawText && looksLikeFormula(rawText) && !/^[-\s]+$/.test(rawText) && (!/^[-+]\s*\d/.test(rawText) || arithmetic)) {
    return {
      code: 'formula-like-text',
      severity: 'error',
      field: 'value',
      ...where,
      message: text(`${shown(raw)} trông như một công thức, không phải một số`, `${shown(raw)} looks like a formula, not a number`),
      hint: text('Chỉ nhập kết quả (con số), không nhập công thức', 'Enter the resulting figure itself, not a formula'),
    };
  }
  // "1e3", "0x10", "1_000", "85 - 90", "1+1": a number glued to more number is not one number.
  if (reading.kind === 'number' && reading.trailing !== undefined && /^(?:[eE][+-]?\d|[xX][0-9a-fA-F]|_\d|\d|[-+*/^×÷~]\s*\d)/.test(reading.trailing)) {
    return {
      code: 'not-a-number',
      severity: 'error',
      field: 'value',
      ...where,
      message: text(`${shown(raw)} không phải là một số duy nhất`, `${shown(raw)} is not a single number`),
      hint: text('Nhập một số, ví dụ 85,5 hoặc 1.036.609; khoảng hoặc phép tính ghi vào cột Ghi chú', 'Enter one number, e.g. 85,5 or 1.036.609; put ranges or workings in the note'),
    };
  }
  // A value in another unit ("24.000 kg" on a tonnes indicator, "0,9%" on a ‰ one) is never
  // read in the indicator's; said before any ambiguity of its digits, which the unit makes moot.
  const written = reading.kind === 'number' || reading.kind === 'ambiguous' ? foreignUnitOf(indicator, reading) : null;
  return written !== null ? foreignUnitFinding(indicator, written) : null;
}

/** A value the number reader could not read, or could read two ways. */
function unreadable(reading: NumberReading, raw: unknown, where: { indicator: string }): Finding | null {
  switch (reading.kind) {
    case 'empty':
    case 'number':
      return null;
    case 'invalid': {
      const formula = typeof raw === 'string' && looksLikeFormula(raw.trimStart()) && !/^[-+]\s*\d/.test(raw.trimStart());
      const messages = {
        'not-a-number': text(`${shown(raw)} không phải là một số`, `${shown(raw)} is not a number`),
        'bad-grouping': text(`${shown(raw)}: dấu phân cách hàng nghìn không đúng`, `${shown(raw)}: the thousands separators are misplaced`),
        'not-finite': text(`${shown(raw)} không phải là một số hữu hạn`, `${shown(raw)} is not a finite number`),
        'too-long': text('Giá trị quá dài để là một số', 'The value is too long to be a number'),
      } as const;
      return {
        code: reading.reason,
        severity: 'error',
        field: 'value',
        ...where,
        message: messages[reading.reason],
        hint: formula
          ? text('Chỉ nhập số liệu, không nhập công thức', 'Enter the figure itself, not a formula')
          : text('Ví dụ: 85,5 hoặc 1.036.609', 'For example: 85,5 or 1.036.609'),
      };
    }
    case 'ambiguous': {
      const [thousands, decimal] = reading.readings;
      return {
        code: 'ambiguous-number',
        severity: 'error',
        field: 'value',
        ...where,
        message: text(
          `${shown(raw)} có thể là ${formatNumberVi(thousands, 6)} hoặc ${formatNumberVi(decimal, 6)}: dấu "${reading.separator}" vừa có thể là phân cách hàng nghìn vừa có thể là dấu thập phân`,
          `${shown(raw)} could be ${formatNumberEn(thousands, 6)} or ${formatNumberEn(decimal, 6)}: "${reading.separator}" may separate thousands or decimals`,
        ),
        hint: text(
          `Viết ${String(thousands)} nếu là ${formatNumberVi(thousands, 6)}, hoặc ${formatNumberVi(decimal, 6)}0 nếu là số thập phân`,
          `Write ${String(thousands)} for ${formatNumberEn(thousands, 6)}, or ${formatNumberVi(decimal, 6)}0 for the decimal`,
        ),
        details: { readings: [thousands, decimal] },
      };
    }
  }
}

/** The unit a number is written in when it is not the indicator's ("kg", "%"), else null. */
function foreignUnitOf(indicator: Indicator, reading: { percent: boolean; trailing?: string }): string | null {
  if (reading.percent && !isPercentIndicator(indicator)) return '%';
  if (!reading.trailing) return null;
  const trailing = judgeTrailing(reading.trailing, indicator.unit);
  return trailing.kind === 'foreignUnit' ? trailing.written : null;
}

/** The cell as quoted in a message; built only when a finding needs it (a plain function: no closure per value). */
function shown(raw: unknown): string {
  return typeof raw === 'string' ? `"${excerpt(raw)}"` : displayValue(raw);
}
