import type { ValueType } from '../schema/enums';
import type { TargetExpression, UnparsedTarget } from '../schema/target';
import { formatNumberEn, roundFloat } from '../numbers';

export type Lang = 'vi' | 'en';

/**
 * Renders a target back to a phrase. The Vietnamese rendering is written so that
 * `parseTarget(renderTarget(e, 'vi'))` gives `e` back: numbers never take a form the
 * reader would call ambiguous.
 */
export function renderTarget(target: TargetExpression, lang: Lang, valueType: ValueType = 'number'): string {
  return lang === 'vi' ? renderVi(target, valueType) : renderEn(target);
}

function renderVi(t: TargetExpression, valueType: ValueType): string {
  const n = (v: number) => numberVi(v, valueType);
  const q = 'qualifier' in t && t.qualifier ? ` (${t.qualifier})` : '';
  switch (t.kind) {
    case 'below':
      return `Dưới ${n(t.value)}${unitVi(t.unit)}${q}`;
    case 'above':
      return `Trên ${n(t.value)}${unitVi(t.unit)}${q}`;
    case 'atLeast':
      return `Từ ${n(t.value)}${unitVi(t.unit)} trở lên${q}`;
    case 'atMost':
      return `Từ ${n(t.value)}${unitVi(t.unit)} trở xuống${q}`;
    case 'range': {
      const pct = isSign(t.unit) ? t.unit : '';
      return `${t.approximate ? 'Khoảng ' : ''}${n(t.min)}${pct}-${n(t.max)}${unitVi(t.unit)}${q}`;
    }
    case 'approximately':
      return `Khoảng ${n(t.value)}${unitVi(t.unit)}${q}`;
    case 'exact':
      return `${t.maintain ? 'Duy trì ' : ''}${n(t.value)}${unitVi(t.unit)}${q}`;
    case 'level':
      return `${t.label ?? 'Mức'} ${n(t.value)}${unitVi(t.unit)}${q}`;
    case 'change':
      return `${t.direction === 'decrease' ? 'Giảm' : 'Tăng'} ${n(t.amount)}${unitVi(t.unit)}/năm${q}`;
    case 'qualitative': {
      const figure = t.figure !== undefined ? ` (${n(t.figure)})` : '';
      const statement = t.expected === 'basicallyAchieved' ? `Cơ bản ${t.statement}` : t.statement;
      return `${statement}${t.qualifier ? ` (${t.qualifier})` : figure}`;
    }
    case 'unparsed':
      return t.text;
  }
}

function renderEn(t: TargetExpression): string {
  const n = (v: number) => formatNumberEn(v, 6);
  const q = 'qualifier' in t && t.qualifier ? ` (${t.qualifier})` : '';
  switch (t.kind) {
    case 'below':
      return `below ${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'above':
      return `above ${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'atLeast':
      return `at least ${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'atMost':
      return `at most ${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'range':
      return `${t.approximate ? 'about ' : ''}${n(t.min)}${isSign(t.unit) ? t.unit : ''} to ${n(t.max)}${unitEn(t.unit)}${q}`;
    case 'approximately':
      return `about ${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'exact':
      return `${t.maintain ? 'maintain ' : ''}${n(t.value)}${unitEn(t.unit)}${q}`;
    case 'level':
      return `hold at ${n(t.value)}${unitEn(t.unit)}${t.label ? ` (${t.label})` : ''}${q}`;
    case 'change': {
      const amount = t.unit === '%' ? `${n(t.amount)} percentage points` : `${n(t.amount)}${unitEn(t.unit)}`;
      return `${t.direction} by ${amount} a year against the previous year${q}`;
    }
    case 'qualitative': {
      const level = t.expected === 'basicallyAchieved' ? 'basically achieved' : 'achieved';
      return `${level}: ${t.statement}${t.figure !== undefined ? ` (${n(t.figure)})` : ''}${q}`;
    }
    case 'unparsed':
      return `(not understood) ${t.text}`;
  }
}

/** "%" and "‰" stand against the number, and so does a rate base ("15/1.000", "8/vạn dân"). */
function unitVi(unit: string | undefined): string {
  if (!unit) return '';
  return unit.startsWith('%') || unit.startsWith('‰') || unit.startsWith('/') ? unit : ` ${unit}`;
}

function isSign(unit: string | undefined): unit is '%' | '‰' {
  return unit === '%' || unit === '‰';
}

/**
 * Why a phrase could not be read, for people: the word where reading stopped and its
 * position (1-based, as a person counts characters), or the phrase itself when reading
 * stopped at no word.
 */
export function renderUnparsed(target: UnparsedTarget, lang: Lang): string {
  const at = target.stoppedAt;
  if (lang === 'vi') return at ? `Không đọc được từ "${at.word}" (vị trí ${at.offset + 1})` : `Không đọc được "${target.text}"`;
  return at ? `Could not read "${at.word}" (at ${at.offset + 1})` : `Could not read "${target.text}" (${target.reason})`;
}

function unitEn(unit: string | undefined): string {
  return unitVi(unit);
}

/**
 * Vietnamese number style without ambiguity for the reader: dot groups only where
 * they cannot be mistaken for a decimal (two or more groups, or an integer value type),
 * and a comma decimal padded so that it never has exactly three digits.
 */
export function numberVi(value: number, valueType: ValueType = 'number'): string {
  const v = roundFloat(value);
  const negative = v < 0;
  const abs = Math.abs(v);
  let [intPart = '0', frac = ''] = abs.toString().includes('e') ? [abs.toFixed(0), ''] : abs.toString().split('.');
  if (abs.toString().includes('e') && abs < 1) {
    [intPart = '0', frac = ''] = abs.toFixed(12).replace(/0+$/, '').split('.');
  }
  const groups = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const groupCount = groups.split('.').length - 1;
  const useGroups = frac === '' ? groupCount >= 2 || (groupCount === 1 && valueType === 'integer') : groupCount >= 1;
  let text = useGroups ? groups : intPart;
  if (frac !== '') {
    const ambiguousFraction = frac.length === 3 && !useGroups && intPart.length <= 3 && !intPart.startsWith('0');
    text += `,${ambiguousFraction ? `${frac}0` : frac}`;
  }
  return `${negative ? '-' : ''}${text}`;
}
