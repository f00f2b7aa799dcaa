/**
 * The report to the city's leaders as data: what the .docx writer lays out and what the
 * golden tests compare as plain text. Pure; no I/O.
 */

import type { CompiledPlan } from '../compile';
import type { ConsolidatedTable } from '../consolidate';
import type { Lang } from '../targets/render';

/** What every section of the report is built from (shared/report/build.ts). */
export interface ReportContext {
  plan: CompiledPlan;
  table: ConsolidatedTable;
  lang: Lang;
  /** An agency's name in the report's language; never its id. */
  name: (id: string | null) => string;
  number: (value: number, decimals?: number) => string;
}

/** The two columns of the heading, as on every administrative document. */
export interface TitleBlock {
  /** "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", then the standing agency in capitals. */
  issuer: string[];
  /** "Số:      /BC-SLĐTBXH": the number is left blank for the clerk. */
  number: string;
  /** "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc". */
  nation: string[];
  /** "Hà Nội, ngày 20 tháng 12 năm 2023". */
  placeAndDate: string;
}

export interface ReportSection {
  heading: string;
  paragraphs: string[];
}

export interface AppendixTable {
  title: string;
  columns: string[];
  /** One row per indicator; depth indents the name of a sub-indicator. */
  rows: Array<{ cells: string[]; depth: number }>;
}

export interface ReportContent {
  titleBlock: TitleBlock;
  /** "BÁO CÁO", then the subject lines. */
  title: string[];
  sections: ReportSection[];
  appendix: AppendixTable;
  /** The file name people see: ASCII, no internal ids ("Bao-cao-KH207-nam-2023.docx"). */
  fileName: string;
}

/** The report read as text, one paragraph a line: what the golden files hold. */
export function reportPlainText(report: ReportContent): string {
  const lines: string[] = [...report.titleBlock.issuer, report.titleBlock.number, ...report.titleBlock.nation, report.titleBlock.placeAndDate, '', ...report.title, ''];
  for (const section of report.sections) lines.push(section.heading, ...section.paragraphs, '');
  lines.push(report.appendix.title, report.appendix.columns.join(' | '));
  for (const row of report.appendix.rows) lines.push(`${'  '.repeat(row.depth)}${row.cells.join(' | ')}`);
  return `${lines.join('\n')}\n`;
}
