import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { renderWorkbook } from '../../server/xlsx/render';
import { convertWithSoffice, findSoffice, requireSoffice } from './libreoffice';

const load = (p: string): unknown => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

/** Throws on XML that is not well-formed; returns the element names in document order. */
function elements(xml: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => names.push(t.name));
  parser.write(xml).close();
  return names;
}

async function consolidatedFile(lang: 'vi' | 'en' = 'vi') {
  const reports = [
    { agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '11', value: '28,7' }, { code: '12', value: 14.1 }, { code: '13', value: '93,5' }] },
    { agencyId: 'hn-sldtbxh', status: 'approved', entries: [{ code: '1', value: '2,5%' }, { code: '2', value: '171.204' }] },
  ] as Parameters<typeof consolidate>[2]['reports'];
  const table = consolidate(plan207, register, { period: '2023', reports });
  const layout = consolidatedWorkbook(plan207, register, table, lang);
  return { layout, table, xlsx: await renderWorkbook(layout) };
}

describe('Native charts in the downloaded consolidated workbook (DrawingML parts added to the exceljs package)', function () {
  this.timeout(300_000);

  it('adds a well-formed chart, drawing, relationships and content types for every chart of the layout', async () => {
    const { layout, table, xlsx } = await consolidatedFile();
    const zip = await JSZip.loadAsync(xlsx);
    const read = async (p: string) => (await zip.file(p)?.async('string')) ?? assert.fail(`${p} is in the package`);
    const charted = layout.sheets.map((s, i) => ({ s, no: i + 1 })).filter(({ s }) => s.charts.length > 0);
    assert.deepEqual(charted.map(({ s }) => s.role), ['summary', 'indicators']);
    const types = await read('[Content_Types].xml');
    elements(types);
    for (const [d, { s, no }] of charted.entries()) {
      const sheetXml = await read(`xl/worksheets/sheet${no}.xml`);
      const order = elements(sheetXml);
      // CT_Worksheet's order: drawing after headerFooter, before tableParts.
      assert.ok(order.indexOf('drawing') > order.indexOf('headerFooter') && order.indexOf('drawing') < order.indexOf('tableParts'), `${s.name}: <drawing> in its place`);
      const rId = /<drawing r:id="([^"]+)"\/>/.exec(sheetXml)?.[1] ?? assert.fail('drawing r:id');
      const rels = await read(`xl/worksheets/_rels/sheet${no}.xml.rels`);
      elements(rels);
      assert.match(rels, new RegExp(`Id="${rId}" Type="[^"]+/drawing" Target="../drawings/drawing${d + 1}.xml"`));
      assert.match(rels, /relationships\/table"/, 'the table relationship exceljs wrote stays');
      const drawing = await read(`xl/drawings/drawing${d + 1}.xml`);
      assert.equal(elements(drawing).filter((n) => n === 'xdr:twoCellAnchor').length, s.charts.length);
      assert.match(types, new RegExp(`PartName="/xl/drawings/drawing${d + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing\\+xml"`));
      const drawingRels = await read(`xl/drawings/_rels/drawing${d + 1}.xml.rels`);
      for (const target of [...drawingRels.matchAll(/Target="..\/charts\/(chart\d+\.xml)"/g)].map((m) => m[1])) {
        const chart = await read(`xl/charts/${target ?? ''}`);
        const names = elements(chart);
        assert.ok(names.includes(s.role === 'summary' ? 'c:pieChart' : 'c:barChart'), `${target ?? ''}: its kind`);
        assert.match(types, new RegExp(`PartName="/xl/charts/${target ?? ''}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart\\+xml"`));
        assert.match(chart, new RegExp(`<c:f>'${s.name}'!\\$`), 'the series refers to the sheet');
      }
    }
    // The progress chart caches the values of the sheet (% of the year plan of each indicator).
    const progress = await read('xl/charts/chart2.xml');
    const cached = [...progress.matchAll(/<c:numCache>.*<\/c:numCache>/g)].join('');
    const expected = table.rows.map((r) => r.progressYear).filter((v): v is number => v !== null);
    assert.ok(expected.length >= 3);
    for (const v of expected) assert.ok(cached.includes(`<c:v>${v}</c:v>`), `cached ${v}`);
    assert.match(progress, /Tiến độ so với kế hoạch năm \(%\)/);
  });

  it('opens in LibreOffice and prints the charts: PDF pages with the charts’ titles, a PNG of the summary page', async function () {
    const soffice = findSoffice();
    requireSoffice(this, soffice);
    if (!soffice) return;
    const { xlsx } = await consolidatedFile();
    const dir = mkdtempSync(path.join(tmpdir(), 'charts-'));
    try {
      const file = path.join(dir, 'Bao-cao-KH207-nam-2023.xlsx');
      writeFileSync(file, xlsx);
      const run = convertWithSoffice(soffice, file, 'pdf', dir, dir);
      assert.equal(run.status, 0, run.stderr);
      const pdf = path.join(dir, 'Bao-cao-KH207-nam-2023.pdf');
      const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1] ?? 0);
      assert.ok(pages > 0, `pages: ${info.stdout} ${info.stderr}`);
      const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.normalize('NFC');
      assert.match(text, /Phân loại chỉ tiêu/, 'the pie chart’s title is printed');
      assert.match(text, /Tiến độ so với kế hoạch năm \(%\)/, 'the bar chart’s title is printed');
      assert.match(text, new RegExp(`Trang 1/${pages}`), 'page numbers in the footer');
      // The table's header row is printed again on every page the table continues on (print titles).
      const pageTexts = Array.from({ length: pages }, (_, i) => spawnSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).stdout.normalize('NFC'));
      const withIndicatorHeader = pageTexts.filter((t) => /TT\s+Tiêu chí\s+Đơn vị tính/.test(t)).length;
      assert.ok(withIndicatorHeader >= 2, `the appendix-1 header row on ${withIndicatorHeader} pages`);
      const withDocumentHeader = pageTexts.filter((t) => /Mã\s+Nội dung\s+Thời hạn/.test(t)).length;
      assert.ok(withDocumentHeader >= 2, `the documents' header row on ${withDocumentHeader} pages`);
      const png = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(dir, 'page')], { encoding: 'utf8' });
      assert.equal(png.status, 0, png.stderr);
      assert.ok(readdirSync(dir).some((f) => f.startsWith('page') && f.endsWith('.png')));
      console.log(`      (${pages} pages, conversion ${run.seconds.toFixed(1)} s)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
