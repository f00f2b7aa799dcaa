import type { Period } from '../periods';
import type { Lang } from '../targets/render';

/**
 * What the consolidated workbook shows people rather than the engine: dates as dd/mm/yyyy in
 * both languages (the city's documents write them so), the page footer of every printed
 * sheet, and file names a person can read ("Bao-cao-KH207-nam-2023.xlsx"), in ASCII so every
 * browser and mail client keeps them.
 */

/** "2023-06-14" (or a full ISO time's day) → "14/06/2023"; '' when not a day. */
export function dayMonthYear(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${m[3] ?? ''}/${m[2] ?? ''}/${m[1] ?? ''}` : '';
}

/** A stored UTC time in Vietnam's time (UTC+7 all year): "14/06/2023 15:30"; '' when not a time. */
export function dayMonthYearTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const local = new Date(ms + 7 * 3_600_000).toISOString();
  return `${dayMonthYear(local)} ${local.slice(11, 16)}`;
}

/** The centre footer of every printed sheet: "Trang 2/5" (Excel's &P page, &N pages). */
export const PAGE_FOOTER: Record<Lang, string> = { vi: 'Trang &P/&N', en: 'Page &P/&N' };

/** Letters and digits only, diacritics folded, words joined by "-": "Sở Y tế" → "So-Y-te". */
export function asciiWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** "207/KH-UBND" → "KH207"; a number of another shape is kept, in ASCII words. */
export function planShortName(number: string): string {
  const m = /^(\d+)\s*\/\s*([A-Za-zĐđ]+)/.exec(number.trim());
  return m ? asciiWords(`${m[2] ?? ''}${m[1] ?? ''}`) : asciiWords(number);
}

/** "nam-2023", "6-thang-dau-nam-2023", "9-thang-nam-2023", "quy-I-nam-2023". */
export function periodFileWords(period: Period): string {
  if (period.kind === 'year') return `nam-${period.year}`;
  return `${{ '3M': 'quy-I', '6M': '6-thang-dau', '9M': '9-thang' }[period.kind]}-nam-${period.year}`;
}

/** The consolidated workbook's file name: "Bao-cao-KH207-nam-2023.xlsx". */
export function consolidatedFileName(planNumber: string, period: Period): string {
  return `Bao-cao-${planShortName(planNumber)}-${periodFileWords(period)}.xlsx`;
}

/** An agency template's file name: "Bieu-mau-KH207-nam-2023-So-Y-te.xlsx". */
export function templateFileName(planNumber: string, period: Period, agencyName: string): string {
  return `Bieu-mau-${planShortName(planNumber)}-${periodFileWords(period)}-${asciiWords(agencyName)}.xlsx`;
}
