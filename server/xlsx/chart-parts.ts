import JSZip from 'jszip';
import { cellAddress } from '../../shared/layout/a1';
import { clean, parseRect } from '../../shared/layout/excel-rules';
import type { CellRect, Lang } from '../../shared/layout/excel-rules';
import type { ChartSpec, SheetLayout } from '../../shared/layout/types';

/**
 * exceljs writes no charts, so the layout's charts (ChartSpec) are added to the package it
 * wrote, as DrawingML parts (ECMA-376 part 1, §21.2 charts, §20.5 spreadsheet drawing): per
 * sheet with charts a drawing (xl/drawings/drawingN.xml, one two-cell anchor a chart) and its
 * relationships, per chart xl/charts/chartM.xml, the sheet's <drawing r:id>, its relationship
 * and the content types. Each series refers to the sheet's cells and carries their values
 * as a cache, so a reader that does not recalculate (a preview, a phone) still draws it.
 */

const NS = {
  c: 'http://schemas.openxmlformats.org/drawingml/2006/chart',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
  rels: 'http://schemas.openxmlformats.org/package/2006/relationships',
};
const REL_DRAWING = `${NS.r}/drawing`;
const REL_CHART = `${NS.r}/chart`;
const TYPE_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';
const TYPE_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A sheet of the package (exceljs writes the n-th worksheet as xl/worksheets/sheet{n}.xml) and the name formulas use. */
export interface ChartedSheet {
  sheet: SheetLayout;
  name: string;
}

/** Adds the charts of every sheet to an .xlsx written by exceljs; the file unchanged when no sheet has one. */
export async function withCharts(xlsx: Buffer, sheets: readonly ChartedSheet[], lang: Lang): Promise<Buffer> {
  if (!sheets.some((s) => s.sheet.charts.length > 0)) return xlsx;
  const zip = await JSZip.loadAsync(xlsx);
  const types: string[] = [];
  let chartNo = 0;
  let drawingNo = 0;
  for (const [index, { sheet, name }] of sheets.entries()) {
    const charts = sheet.charts.map((spec) => ({ spec, xml: chartXml(spec, sheet, name, lang) })).filter((c): c is { spec: ChartSpec; xml: string } => c.xml !== null);
    if (charts.length === 0) continue;
    drawingNo++;
    const anchors: string[] = [];
    const rels: string[] = [];
    for (const [i, { spec, xml }] of charts.entries()) {
      chartNo++;
      zip.file(`xl/charts/chart${chartNo}.xml`, xml);
      types.push(override(`/xl/charts/chart${chartNo}.xml`, TYPE_CHART));
      rels.push(relationship(`rId${i + 1}`, REL_CHART, `../charts/chart${chartNo}.xml`));
      anchors.push(anchorXml(spec, `rId${i + 1}`, chartNo));
    }
    zip.file(`xl/drawings/drawing${drawingNo}.xml`, `${XML_HEAD}<xdr:wsDr xmlns:xdr="${NS.xdr}" xmlns:a="${NS.a}">${anchors.join('')}</xdr:wsDr>`);
    zip.file(`xl/drawings/_rels/drawing${drawingNo}.xml.rels`, relationships(rels));
    types.push(override(`/xl/drawings/drawing${drawingNo}.xml`, TYPE_DRAWING));
    await linkDrawing(zip, index + 1, drawingNo);
  }
  const typesPart = await text(zip, '[Content_Types].xml');
  zip.file('[Content_Types].xml', typesPart.replace('</Types>', `${types.join('')}</Types>`));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function text(zip: JSZip, path: string): Promise<string> {
  const file = zip.file(path);
  if (!file) throw new Error(`withCharts: the package has no ${path}`);
  return file.async('string');
}

/** The sheet's relationship to its drawing, and <drawing r:id> where CT_Worksheet puts it (before legacyDrawing, tableParts, extLst). */
async function linkDrawing(zip: JSZip, sheetNo: number, drawingNo: number): Promise<void> {
  const relsPath = `xl/worksheets/_rels/sheet${sheetNo}.xml.rels`;
  const existing = zip.file(relsPath) ? await text(zip, relsPath) : relationships([]);
  const taken = new Set([...existing.matchAll(/Id="([^"]+)"/g)].map((m) => m[1]));
  let n = 1;
  while (taken.has(`rIdDrawing${n}`)) n++;
  const id = `rIdDrawing${n}`;
  zip.file(relsPath, existing.replace('</Relationships>', `${relationship(id, REL_DRAWING, `../drawings/drawing${drawingNo}.xml`)}</Relationships>`));
  const sheetPath = `xl/worksheets/sheet${sheetNo}.xml`;
  const xml = await text(zip, sheetPath);
  const element = `<drawing r:id="${id}"/>`;
  const before = /<(legacyDrawing|legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[\s>/]/.exec(xml);
  const at = before ? before.index : xml.lastIndexOf('</worksheet>');
  if (at < 0) throw new Error(`withCharts: ${sheetPath} is not a worksheet`);
  const withNs = xml.includes(`xmlns:r="${NS.r}"`) ? xml : xml.replace('<worksheet ', `<worksheet xmlns:r="${NS.r}" `);
  const shift = withNs.length - xml.length;
  zip.file(sheetPath, withNs.slice(0, at + shift) + element + withNs.slice(at + shift));
}

function relationships(items: readonly string[]): string {
  return `${XML_HEAD}<Relationships xmlns="${NS.rels}">${items.join('')}</Relationships>`;
}

function relationship(id: string, type: string, target: string): string {
  return `<Relationship Id="${id}" Type="${type}" Target="${target}"/>`;
}

function override(part: string, type: string): string {
  return `<Override PartName="${part}" ContentType="${type}"/>`;
}

export function escapeXml(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The chart's place: from its anchor cell, widthColumns × heightRows cells. */
function anchorXml(spec: ChartSpec, rId: string, id: number): string {
  const at = parseRect(spec.anchor) ?? { r1: 0, c1: 0, r2: 0, c2: 0 };
  const marker = (tag: string, r: number, c: number) => `<xdr:${tag}><xdr:col>${c}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${r}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  return (
    `<xdr:twoCellAnchor editAs="oneCell">${marker('from', at.r1, at.c1)}${marker('to', at.r1 + Math.max(1, spec.heightRows), at.c1 + Math.max(1, spec.widthColumns))}` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${id + 1}" name="${escapeXml(spec.title.vi)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>` +
    `<a:graphic><a:graphicData uri="${NS.c}"><c:chart xmlns:c="${NS.c}" xmlns:r="${NS.r}" r:id="${rId}"/></a:graphicData></a:graphic>` +
    `</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`
  );
}

/** "'Phụ lục 1'!$A$5:$A$30". */
function sheetRef(sheetName: string, rect: CellRect): string {
  return `'${sheetName.replace(/'/g, "''")}'!${cellAddress(rect.r1, rect.c1, true)}:${cellAddress(rect.r2, rect.c2, true)}`;
}

/** The cells of a one-column range, top to bottom. */
function columnValues(sheet: SheetLayout, rect: CellRect): Array<string | number | boolean | null> {
  const out: Array<string | number | boolean | null> = [];
  for (let r = rect.r1; r <= rect.r2; r++) out.push(sheet.grid[r]?.[rect.c1]?.v ?? null);
  return out;
}

function stringCache(values: ReadonlyArray<string | number | boolean | null>): string {
  const points = values.map((v, i) => (v === null || v === '' ? '' : `<c:pt idx="${i}"><c:v>${escapeXml(String(v))}</c:v></c:pt>`)).join('');
  return `<c:strCache><c:ptCount val="${values.length}"/>${points}</c:strCache>`;
}

function numberCache(values: ReadonlyArray<string | number | boolean | null>): string {
  const points = values.map((v, i) => (typeof v === 'number' && Number.isFinite(v) ? `<c:pt idx="${i}"><c:v>${v}</c:v></c:pt>` : '')).join('');
  return `<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${values.length}"/>${points}</c:numCache>`;
}

/** The data labels show the values as their cells do: the number format of the first formatted value cell. */
function labelFormat(sheet: SheetLayout, rect: CellRect): string {
  for (let r = rect.r1; r <= rect.r2; r++) {
    const f = sheet.grid[r]?.[rect.c1]?.f;
    if (f) return f;
  }
  return 'General';
}

function richText(text: string, size: number, bold: boolean): string {
  return `<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="${bold ? 1 : 0}"/></a:pPr><a:r><a:rPr lang="vi-VN" sz="${size}" b="${bold ? 1 : 0}"/><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich>`;
}

/** One chart part (c:chartSpace) for a ChartSpec of one series; null when its ranges are not ranges. */
export function chartXml(spec: ChartSpec, sheet: SheetLayout, sheetName: string, lang: Lang): string | null {
  const categories = parseRect(spec.categories);
  const values = parseRect(spec.values);
  if (!categories || !values) return null;
  const title = spec.title[lang] || spec.title.vi;
  const seriesName = spec.seriesName[lang] || spec.seriesName.vi;
  const series =
    `<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:v>${escapeXml(seriesName)}</c:v></c:tx>` +
    (spec.kind === 'pie' ? '' : '<c:spPr><a:solidFill><a:srgbClr val="2E75B6"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>') +
    `<c:dLbls><c:numFmt formatCode="${escapeXml(labelFormat(sheet, values))}" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>` +
    `<c:cat><c:strRef><c:f>${escapeXml(sheetRef(sheetName, categories))}</c:f>${stringCache(columnValues(sheet, categories))}</c:strRef></c:cat>` +
    `<c:val><c:numRef><c:f>${escapeXml(sheetRef(sheetName, values))}</c:f>${numberCache(columnValues(sheet, values))}</c:numRef></c:val></c:ser>`;
  const plot = spec.kind === 'pie' ? `<c:pieChart><c:varyColors val="1"/>${series}<c:firstSliceAng val="0"/></c:pieChart>` : barChart(spec, series);
  const legend = spec.kind === 'pie' ? '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>' : '';
  return (
    `${XML_HEAD}<c:chartSpace xmlns:c="${NS.c}" xmlns:a="${NS.a}" xmlns:r="${NS.r}"><c:roundedCorners val="0"/>` +
    `<c:chart><c:title><c:tx>${richText(title, 1200, true)}</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>` +
    `<c:plotArea><c:layout/>${plot}${spec.kind === 'pie' ? '' : axes(spec.kind === 'barClustered')}</c:plotArea>${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>` +
    `<c:printSettings><c:headerFooter/><c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" header="0.3" footer="0.3"/><c:pageSetup orientation="landscape"/></c:printSettings></c:chartSpace>`
  );
}

const CATEGORY_AXIS = 500000001;
const VALUE_AXIS = 500000002;

function barChart(spec: ChartSpec, series: string): string {
  const direction = spec.kind === 'barClustered' ? 'bar' : 'col';
  return `<c:barChart><c:barDir val="${direction}"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series}<c:gapWidth val="60"/><c:axId val="${CATEGORY_AXIS}"/><c:axId val="${VALUE_AXIS}"/></c:barChart>`;
}

/** A category axis in the sheet's order (a bar chart's first row at the top, so reversed) and a value axis. */
function axes(horizontal: boolean): string {
  return (
    `<c:catAx><c:axId val="${CATEGORY_AXIS}"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 'l' : 'b'}"/><c:numFmt formatCode="General" sourceLinked="0"/>` +
    `<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="${VALUE_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>` +
    `<c:valAx><c:axId val="${VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 't' : 'l'}"/><c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/>` +
    `<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="${CATEGORY_AXIS}"/><c:crosses val="${horizontal ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx>`
  );
}
