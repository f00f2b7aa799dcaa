import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import type { IRunOptions, ISectionOptions } from 'docx';
import type { AppendixTable, ReportContent, TitleBlock } from '../../shared/report/content';

/**
 * The report to the city's leaders as a Word file, laid out as Vietnamese administrative
 * documents are (Decree 30/2020/NĐ-CP): Times New Roman, 14 pt text and 13 pt heading block,
 * A4 portrait with margins 20/15/20/30 mm, page numbers in the footer; the appendix on a
 * landscape A4 section with its header row repeated on every page.
 */
const FONT = 'Times New Roman';
const MM = 56.7;
const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: Math.round(20 * MM), bottom: Math.round(20 * MM), left: Math.round(30 * MM), right: Math.round(15 * MM) };
const TEXT = 28;
const SMALL = 26;
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' } as const;
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER };
const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;
const LINES = { top: LINE, bottom: LINE, left: LINE, right: LINE };

function run(text: string, options: { bold?: boolean; italics?: boolean; size?: number } = {}): TextRun {
  // Typed as IRunOptions: TextRun also takes a string, whose legacy String#bold the linter would see.
  const style: IRunOptions = { text, font: FONT, size: options.size ?? TEXT, bold: options.bold, italics: options.italics };
  return new TextRun(style);
}

function centered(text: string, options: { bold?: boolean; italics?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, options)] });
}

/** The issuer on the left, the nation's motto on the right, as on every administrative document. */
function titleBlockTable(block: TitleBlock): Table {
  const [committee = '', ...agency] = block.issuer;
  const left = [centered(committee, { size: SMALL }), ...agency.map((line) => centered(line, { bold: true, size: SMALL })), centered('________', { size: SMALL }), centered(block.number, { size: SMALL })];
  const [nation = '', motto = ''] = block.nation;
  const right = [centered(nation, { bold: true, size: SMALL }), centered(motto, { bold: true, size: TEXT }), centered('________________', { size: SMALL }), centered(block.placeAndDate, { italics: true, size: TEXT })];
  const cell = (children: Paragraph[], width: number) => new TableCell({ children, borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER }, width: { size: width, type: WidthType.PERCENTAGE } });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(left, 42), cell(right, 58)] })],
  });
}

function body(report: ReportContent): Array<Paragraph | Table> {
  const [kind = '', ...subject] = report.title;
  const out: Array<Paragraph | Table> = [titleBlockTable(report.titleBlock), new Paragraph({ spacing: { before: 240 }, children: [] })];
  out.push(centered(kind, { bold: true }), ...subject.map((line) => centered(line, { bold: true })));
  out.push(new Paragraph({ children: [] }));
  for (const section of report.sections) {
    out.push(new Paragraph({ spacing: { before: 180, after: 60 }, children: [run(section.heading, { bold: true })] }));
    for (const paragraph of section.paragraphs) {
      out.push(new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing: { after: 60, line: 312 }, children: [run(paragraph)] }));
    }
  }
  return out;
}

/** Column widths in percent: the indicator's name gets the room. */
const APPENDIX_WIDTHS = [6, 34, 10, 12, 12, 10, 16];

function appendixTable(appendix: AppendixTable): Table {
  const cell = (text: string, i: number, options: { bold?: boolean; indent?: number } = {}) =>
    new TableCell({
      borders: LINES,
      verticalAlign: VerticalAlignTable.CENTER,
      width: { size: APPENDIX_WIDTHS[i] ?? 10, type: WidthType.PERCENTAGE },
      margins: { left: 60, right: 60 },
      children: [new Paragraph({ alignment: i === 1 ? AlignmentType.LEFT : AlignmentType.CENTER, indent: options.indent ? { left: options.indent } : undefined, children: [run(text, { bold: options.bold, size: 24 })] })],
    });
  const header = new TableRow({ tableHeader: true, cantSplit: true, children: appendix.columns.map((c, i) => cell(c, i, { bold: true })) });
  const rows = appendix.rows.map((row) => new TableRow({ cantSplit: true, children: row.cells.map((c, i) => cell(c, i, { indent: i === 1 ? row.depth * 240 : 0 })) }));
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, layout: TableLayoutType.FIXED, rows: [header, ...rows] });
}

function pageFooter(): Footer {
  return new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ font: FONT, size: SMALL, children: [PageNumber.CURRENT] })] })] });
}

export function reportSections(report: ReportContent): ISectionOptions[] {
  const footers = { default: pageFooter() };
  return [
    { properties: { page: { size: { ...A4, orientation: PageOrientation.PORTRAIT }, margin: MARGIN } }, footers, children: body(report) },
    {
      // docx swaps width and height itself for a landscape page.
      properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: { top: MARGIN.left, bottom: MARGIN.right, left: MARGIN.top, right: MARGIN.bottom } } },
      footers,
      children: [centered(report.appendix.title, { bold: true }), new Paragraph({ children: [] }), appendixTable(report.appendix)],
    },
  ];
}

/** The .docx file of the report. */
export async function renderReportDocx(report: ReportContent): Promise<Buffer> {
  const document = new Document({
    creator: report.titleBlock.issuer.at(-1) ?? '',
    title: report.title.join(' '),
    styles: { default: { document: { run: { font: FONT, size: TEXT } } } },
    sections: reportSections(report),
  });
  return Packer.toBuffer(document);
}
