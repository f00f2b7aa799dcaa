import assert from 'node:assert/strict';
import { findSoffice, parseCsv, requireSoffice } from './libreoffice';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { consolidate } from '../../shared/consolidate';
import { cellAddress, parseRange } from '../../shared/layout/a1';
import { consolidatedWorkbook } from '../../shared/layout/consolidated';
import { METADATA_SHEET, agencyTemplate } from '../../shared/layout/template';
import type { InputRef, SheetLayout, WorkbookLayout } from '../../shared/layout/types';
import { ReportInput } from '../../shared/schema/report';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput } from '../../shared/schema/report';
import { validateReport } from '../../shared/validate';
import { renderWorkbook } from '../../server/xlsx/render';
import { readTemplateUpload } from '../../server/xlsx/read';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(path.join(root, p), 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));

async function open(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return wb;
}

/** The parts of a zip, inflated with node:zlib (stored and deflated entries). */
function unzip(buffer: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'end of central directory');
  const count = buffer.readUInt16LE(eocd + 10);
  let p = buffer.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(p + 10);
    const compressed = buffer.readUInt32LE(p + 20);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extra = buffer.readUInt16LE(p + 30);
    const comment = buffer.readUInt16LE(p + 32);
    const local = buffer.readUInt32LE(p + 42);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + compressed);
    out.set(name, (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8'));
    p += 46 + nameLength + extra + comment;
  }
  return out;
}

/** A minimal zip writer (deflated entries), for files that are zips but not our workbooks. */
function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const deflated = zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, deflated);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function inRange(address: string, range: string): boolean {
  const p = parseRange(range)!;
  const a = parseRange(address)!;
  return a.row1 >= p.row1 && a.row1 <= p.row2 && a.col1 >= p.col1 && a.col1 <= p.col2;
}

/** Where each input of a layout is: "kind:code" → sheet name and A1 address. */
function inputCells(layout: WorkbookLayout): Map<string, { sheet: string; address: string; input: InputRef }> {
  const out = new Map<string, { sheet: string; address: string; input: InputRef }>();
  for (const sheet of layout.sheets) {
    sheet.grid.forEach((row, r) =>
      row.forEach((cell, c) => {
        if (cell.input) out.set(`${cell.input.kind}:${cell.input.code}`, { sheet: sheet.name, address: cellAddress(r, c), input: cell.input });
      }),
    );
  }
  return out;
}

describe('.xlsx files (exceljs)', () => {
  const layout = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023-6M' });
  let buffer: Buffer;
  let wb: ExcelJS.Workbook;
  before(async () => {
    buffer = await renderWorkbook(layout);
    wb = await open(buffer);
  });

  describe('renderWorkbook: the agency template', () => {
    it('has one worksheet per layout sheet, in order, the metadata sheet very hidden', () => {
      assert.deepEqual(
        wb.worksheets.map((ws) => [ws.name, ws.state]),
        [
          ['Chỉ tiêu', 'visible'],
          ['Văn bản', 'visible'],
          ['Dự án', 'visible'],
          [METADATA_SHEET, 'veryHidden'],
        ],
      );
      assert.deepEqual(layout.sheets.map((s) => s.name), wb.worksheets.map((ws) => ws.name));
      assert.equal(wb.creator, 'An sinh reporting');
      assert.equal(JSON.parse(wb.description ?? '{}').period, '2023-6M', 'the metadata also rides in the document properties');
    });

    it('writes every value of the grid, and only values', () => {
      for (const sheet of layout.sheets) {
        const ws = wb.getWorksheet(sheet.name)!;
        sheet.grid.forEach((row, r) =>
          row.forEach((spec, c) => {
            const cell = ws.getCell(r + 1, c + 1);
            if (cell.isMerged && cell.master !== cell) return;
            assert.equal(cell.value ?? null, spec.v, `${sheet.name}!${cellAddress(r, c)}`);
          }),
        );
      }
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      assert.match(ws.getCell('A1').text, /CHỈ TIÊU CỦA CHƯƠNG TRÌNH SỐ 08-CTr\/TU/);
      const row11 = ws.getColumn(1).values.indexOf('11');
      assert.ok(row11 > 0);
      assert.equal(ws.getCell(row11, 4).value, '27,1', 'baseline text as written in the plan');
      assert.equal(ws.getCell(row11, 6).value, '28,5');
      assert.equal(ws.getCell(row11, 7).value, '30-35');
      assert.equal(ws.getCell(row11, 11).value, null, 'inputs start empty');
    });

    it('keeps number formats, column widths and hidden columns, row heights and frozen panes', () => {
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      assert.equal(ws.getCell('K7').numFmt, '#,##0.#', 'value of 11');
      assert.equal(ws.getCell('K9').numFmt, '#,##0.##', 'value of 13 (percent, 2 decimals)');
      assert.equal(ws.getCell('P7').numFmt, '0.0', 'progress output');
      assert.equal(wb.getWorksheet('Văn bản')!.getCell('G7').numFmt, 'dd/mm/yyyy');
      assert.equal(wb.getWorksheet('Dự án')!.getCell('G8').numFmt, '#,##0');
      assert.equal(ws.getColumn(2).width, 46);
      assert.equal(ws.getColumn(13).hidden, true, 'denominator column unused by a lead');
      assert.equal(ws.getColumn(11).hidden, false);
      assert.equal(ws.getRow(1).height, 36);
      assert.deepEqual(
        ws.views.map((v) => [v.state, (v as ExcelJS.WorksheetViewFrozen).xSplit, (v as ExcelJS.WorksheetViewFrozen).ySplit]),
        [['frozen', 2, 6]],
      );
      const h7 = ws.getCell('K7');
      assert.equal(h7.fill?.type, 'pattern');
      assert.equal(h7.fill.fgColor?.argb, 'FFFFF8E1', 'input fill');
      assert.equal(h7.border?.top?.style, 'thin');
      assert.equal(ws.getCell('A1').font?.bold, true);
      assert.equal(ws.getCell('A1').alignment?.horizontal, 'center');
    });

    it('sets up printing: landscape A4 fitted to the width, the header row repeated', () => {
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      assert.equal(ws.pageSetup.orientation, 'landscape');
      assert.equal(ws.pageSetup.paperSize, 9);
      assert.equal(ws.pageSetup.fitToPage, true);
      assert.equal(ws.pageSetup.fitToWidth, 1);
      assert.equal(ws.pageSetup.printTitlesRow, '6:6');
    });

    it('merges the title rows', () => {
      for (const sheet of layout.sheets) {
        const merges = [...((wb.getWorksheet(sheet.name)!.model as unknown as { merges: string[] }).merges ?? [])].sort();
        assert.deepEqual(merges, [...sheet.merges].sort(), sheet.name);
      }
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      assert.equal(ws.getCell('C1').isMerged, true);
      assert.equal(ws.getCell('C1').master.address, 'A1');
    });

    it('validates input cells, never label cells, and never whole columns', () => {
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      const h7 = ws.getCell('K7').dataValidation;
      assert.equal(h7?.type, 'decimal');
      assert.equal(h7?.operator, 'between');
      assert.deepEqual(h7?.formulae, [0, 10000], 'beds per 10,000 people: the engine bound, at most 10,000');
      assert.equal(h7?.errorStyle, 'warning');
      assert.equal(h7?.showErrorMessage, true);
      assert.match(String(h7?.prompt), /giường bệnh\/vạn dân/);
      const h9 = ws.getCell('K9').dataValidation;
      assert.equal(h9?.type, 'decimal');
      assert.deepEqual(h9?.formulae, [0, 100], 'percent: between 0 and 100');
      assert.equal(ws.getCell('N7').dataValidation?.type, 'textLength');
      const docs = wb.getWorksheet('Văn bản')!;
      assert.equal(docs.getCell('E7').dataValidation?.type, 'list');
      assert.deepEqual(docs.getCell('E7').dataValidation?.formulae, ['"Đã ban hành,Chưa ban hành"']);
      assert.equal(docs.getCell('E7').dataValidation?.errorStyle, 'stop');
      assert.equal(docs.getCell('G7').dataValidation?.type, 'date');

      for (const sheet of layout.sheets) {
        const w = wb.getWorksheet(sheet.name)!;
        sheet.grid.forEach((row, r) =>
          row.forEach((spec, c) => {
            if (!spec.input) assert.equal(w.getCell(r + 1, c + 1).dataValidation, undefined, `${sheet.name}!${cellAddress(r, c)} is a label`);
          }),
        );
      }
      // The file itself: every sqref is a bounded range inside the grid, and no two overlap
      // (Excel repairs overlapping validations away; exceljs's own merging makes them).
      const parts = unzip(buffer);
      let count = 0;
      for (const [name, xml] of parts) {
        if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(name)) continue;
        const seen = new Map<string, string>();
        for (const m of xml.matchAll(/<dataValidation [^>]*sqref="([^"]+)"/g)) {
          for (const ref of m[1]!.split(' ')) {
            count++;
            assert.match(ref, /^[A-Z]+\d+(:[A-Z]+\d+)?$/, `${name}: ${ref} is bounded`);
            const p = parseRange(ref)!;
            assert.ok(p.row2 - p.row1 < 100, `${ref} is not a whole column`);
            for (let r = p.row1; r <= p.row2; r++) {
              for (let c = p.col1; c <= p.col2; c++) {
                const at = cellAddress(r, c);
                assert.ok(!seen.has(at), `${name}: ${at} is in both ${seen.get(at)} and ${ref}`);
                seen.set(at, ref);
              }
            }
          }
        }
        const sheet = layout.sheets[Number(/sheet(\d+)/.exec(name)![1]) - 1]!;
        const expected = sheet.grid.flatMap((row, r) => row.map((_, c) => cellAddress(r, c))).filter((a) => sheet.validations.some((v) => inRange(a, v.range)));
        assert.deepEqual([...seen.keys()].sort(), expected.sort(), `${name}: every cell of every validation range, nothing else`);
      }
      assert.ok(count > 10);
    });

    it('locks labels, unlocks inputs and protects the sheets', () => {
      for (const sheet of layout.sheets) {
        const w = wb.getWorksheet(sheet.name)!;
        sheet.grid.forEach((row, r) =>
          row.forEach((spec, c) => {
            const locked = w.getCell(r + 1, c + 1).protection?.locked !== false;
            assert.equal(locked, !spec.input, `${sheet.name}!${cellAddress(r, c)}`);
          }),
        );
        const protection = (w as unknown as { sheetProtection: Record<string, unknown> | null }).sheetProtection;
        assert.equal(protection?.sheet, true, `${sheet.name} is protected`);
        assert.equal(protection?.formatColumns, true);
        assert.equal(protection?.formatRows, true);
        assert.equal(protection?.hashValue, undefined, 'no password');
      }
    });

    it('names every input cell: the defined names resolve to the input cells', () => {
      const names = new Map(wb.definedNames.model.map((n) => [n.name, n.ranges]));
      let checked = 0;
      for (const [, at] of inputCells(layout)) {
        const p = parseRange(at.address)!;
        assert.deepEqual(names.get(at.input.name), [`'${at.sheet}'!${cellAddress(p.row1, p.col1, true)}`], at.input.name);
        assert.ok(wb.definedNames.getNames(`'${at.sheet}'!${at.address}`).includes(at.input.name));
        checked++;
      }
      assert.equal(checked, layout.sheets.reduce((n, s) => n + s.names.length, 0));
      assert.equal(names.get('asr.value.11')?.[0], "'Chỉ tiêu'!$K$7");
    });

    it('keeps conditional formats as exact-text rules with their colours', () => {
      const ws = wb.getWorksheet('Chỉ tiêu')!;
      const cfs = (ws as unknown as { conditionalFormattings: Array<{ ref: string; rules: Array<{ type: string; formulae?: string[] }> }> }).conditionalFormattings;
      assert.equal(cfs.length, layout.sheets[0]!.conditionalFormats.length);
      const notMet = cfs.find((cf) => cf.rules[0]!.formulae?.[0] === 'EXACT(O7,"Chưa đạt")');
      assert.ok(notMet, 'verdict "Chưa đạt" is matched exactly, relative to the top-left cell');
      assert.equal(notMet.ref, 'O7:O15');
      const xml = unzip(buffer).get('xl/styles.xml')!;
      assert.match(xml, /<dxfs count="\d+">/);
      assert.match(xml, /FFFDE7E9/, 'the not-met fill');
    });

    it('writes text that looks like a formula as a plain string', async () => {
      const copy: WorkbookLayout = structuredClone(layout);
      const sheet = copy.sheets[0]!;
      const last = sheet.grid.length - 1;
      const hostile = ['=HYPERLINK("http://example.invalid","bấm vào đây")', '+1+2', '-3', '@SUM(A1)'];
      hostile.forEach((v, c) => (sheet.grid[last]![c] = { v, s: 'text', text: true }));
      const out = await renderWorkbook(copy);
      const ws = (await open(out)).getWorksheet(sheet.name)!;
      hostile.forEach((v, c) => {
        const cell = ws.getCell(last + 1, c + 1);
        assert.equal(cell.value, v);
        assert.equal(cell.type, ExcelJS.ValueType.String);
        assert.equal(cell.formula, undefined);
      });
      for (const [name, xml] of unzip(out)) {
        if (name.startsWith('xl/worksheets/')) assert.doesNotMatch(xml, /<f[ >]/, `${name} holds no formula`);
      }
      assert.match(unzip(out).get('xl/sharedStrings.xml')!, /=HYPERLINK\(&quot;http/);
    });

    it('renders the consolidated workbook with Excel tables over the data', async () => {
      const table = consolidate(plan207, register, { period: '2023', reports: [{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '11', value: '28,7' }] }] });
      const consolidated = consolidatedWorkbook(plan207, register, table);
      const out = await open(await renderWorkbook(consolidated));
      assert.deepEqual(out.worksheets.map((ws) => ws.name), consolidated.sheets.map((s) => s.name));
      for (const sheet of consolidated.sheets) {
        const ws = out.getWorksheet(sheet.name)!;
        const tables = (ws as unknown as { tables: Record<string, { table: { tableRef: string; columns: Array<{ name: string }> } }> }).tables;
        for (const spec of sheet.tables) {
          const t = tables[spec.name];
          assert.ok(t, `${sheet.name} has table ${spec.name}`);
          assert.equal(t.table.tableRef, spec.range);
          const p = parseRange(spec.range)!;
          assert.deepEqual(
            t.table.columns.map((c) => c.name),
            sheet.grid[p.row1]!.slice(p.col1, p.col2 + 1).map((c) => c.v),
          );
        }
        // The table did not disturb the cells: values and styles as the grid says.
        sheet.grid.forEach((row, r) =>
          row.forEach((spec, c) => {
            const cell = ws.getCell(r + 1, c + 1);
            if (cell.isMerged && cell.master !== cell) return;
            assert.equal(cell.value ?? null, spec.v, `${sheet.name}!${cellAddress(r, c)}`);
            if (spec.f) assert.equal(cell.numFmt, spec.f, `${sheet.name}!${cellAddress(r, c)} format`);
          }),
        );
      }
      const appendix = out.getWorksheet('Phụ lục 1')!;
      const r11 = appendix.getColumn(1).values.indexOf('11');
      assert.equal(appendix.getCell(r11, 7).value, 28.7);
      assert.equal(appendix.getCell(r11, 7).font?.size, 10, 'the style survives the table');
    });
  });

  describe('renderWorkbook: every rule kind of the layout', () => {
    const cell = (v: string | number | null, extra: Partial<SheetLayout['grid'][number][number]> = {}) => ({ v, s: 'text' as const, ...extra });
    const sheet: SheetLayout = {
      name: "Kiểm tra's",
      role: 'test',
      visibility: 'hidden',
      columns: [{ key: 'a', width: 10 }, { key: 'b', width: 12 }, { key: 'c', width: 14 }],
      grid: [
        [cell('Tên'), cell(null), cell('Tên')],
        [cell('x'), cell(5, { f: '0.0' }), cell(null, { s: 'input', input: { kind: 'value', code: '1', name: 'asr.value.1' } })],
        [cell('y'), cell(7, { f: '0.0' }), cell(null, { s: 'input', input: { kind: 'value', code: '2', name: 'asr.value.2' } })],
      ],
      merges: [],
      rowHeights: {},
      freeze: null,
      validations: [
        { range: 'C2:C2', rule: { kind: 'whole' }, errorStyle: 'information', prompt: { vi: 'Số nguyên', en: 'A whole number' } },
        { range: 'C3:C3', rule: { kind: 'date', max: '2026-12-31' }, errorStyle: 'stop', error: { vi: 'Ngày sai', en: 'Wrong date' } },
        { range: 'C2:C3', rule: { kind: 'list', values: ['Có, đã xong', 'Không "chưa"'] }, errorStyle: 'stop' },
      ],
      conditionalFormats: [
        { range: 'B2:B3', rule: { kind: 'blank' }, fill: '#EDEBE9' },
        { range: 'B2:B3', rule: { kind: 'between', min: 1, max: 6 }, fill: '#DFF6DD', fontColor: '#107C10' },
        { range: 'B2:B3', rule: { kind: 'lessThan', value: 2 }, fill: '#FDE7E9' },
        { range: 'B2:B3', rule: { kind: 'greaterOrEqual', value: 7 }, fill: '#FFF4CE' },
        { range: 'A2:A3', rule: { kind: 'textEquals', text: 'say "x"' }, fill: '#FFF4CE' },
      ],
      names: [{ name: 'asr.value.1', ref: '$C$2' }, { name: 'asr.value.2', ref: '$C$3' }],
      protection: null,
      tables: [{ name: 'Bang', range: 'A1:C3', style: 'TableStyleLight9' }],
      charts: [],
    };
    const mini: WorkbookLayout = { sheets: [sheet], styles: layout.styles, metadata: { format: 'test', lang: 'en' } };

    it('writes whole, date and list rules, English texts, no overlap; cell formats and conditional rules of each kind', async () => {
      const out = await renderWorkbook(mini);
      const book = await open(out);
      const ws = book.getWorksheet("Kiểm tra's")!;
      assert.equal(ws.state, 'hidden');
      assert.equal(ws.getCell('C2').dataValidation?.type, 'whole');
      assert.equal(ws.getCell('C2').dataValidation?.prompt, 'A whole number', 'metadata.lang en picks the English text');
      assert.equal(ws.getCell('C2').dataValidation?.errorStyle, 'information');
      assert.equal(ws.getCell('C3').dataValidation?.type, 'date');
      assert.equal(ws.getCell('C3').dataValidation?.operator, 'lessThanOrEqual');
      assert.equal(ws.getCell('C3').dataValidation?.error, 'Wrong date');
      const xml = unzip(out).get('xl/worksheets/sheet1.xml')!;
      assert.equal([...xml.matchAll(/<dataValidation /g)].length, 2, 'the list over C2:C3 adds nothing to cells already validated');
      const cfs = (ws as unknown as { conditionalFormattings: Array<{ ref: string; rules: Array<{ type: string; operator?: string; formulae?: string[] }> }> }).conditionalFormattings;
      assert.deepEqual(
        cfs.map((cf) => [cf.ref, cf.rules[0]!.type, cf.rules[0]!.operator ?? null, cf.rules[0]!.formulae]),
        [
          ['B2:B3', 'expression', null, ['LEN(TRIM(B2))=0']],
          ['B2:B3', 'cellIs', 'between', ['1', '6']],
          ['B2:B3', 'cellIs', 'lessThan', ['2']],
          ['B2:B3', 'cellIs', 'greaterThanOrEqual', ['7']],
          ['A2:A3', 'expression', null, ['EXACT(A2,"say ""x""")']],
        ],
      );
      assert.deepEqual(book.definedNames.model.find((n) => n.name === 'asr.value.2')?.ranges, ["'Kiểm tra''s'!$C$3"]);
      const t = (ws as unknown as { tables: Record<string, { table: { columns: Array<{ name: string }> } }> }).tables.Bang!;
      assert.deepEqual(t.table.columns.map((c) => c.name), ['Tên', 'Cột 2', 'Tên 2'], 'table headers are made non-empty and unique');
      assert.equal(ws.getCell('B2').value, 5);
      assert.equal(ws.getCell('B2').numFmt, '0.0');
      assert.equal(JSON.parse(book.description ?? '{}').format, 'test');
    });
  });

  describe('readTemplateUpload: a filled template back', () => {
    const cells = inputCells(layout);

    /** Fills the rendered template as a person would in Excel, and returns the file. */
    async function filled(fill: Record<string, ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string }>): Promise<Buffer> {
      const book = await open(buffer);
      for (const [key, content] of Object.entries(fill)) {
        const at = cells.get(key);
        assert.ok(at, `the template has ${key}`);
        const cell = book.getWorksheet(at.sheet)!.getCell(at.address);
        if (content && typeof content === 'object' && 'numFmt' in content) {
          // A fresh style: exceljs shares style objects between cells of a loaded file.
          cell.style = { ...cell.style, numFmt: content.numFmt };
          cell.value = content.value;
        } else cell.value = content;
      }
      return Buffer.from(await book.xlsx.writeBuffer());
    }

    const typed = {
      'value:11': 28.7,
      'value:12': '14,3',
      'value:13': { value: 0.855, numFmt: '0.0%' },
      'value:15': '1.036',
      'value:16': { formula: 'H7*2', result: 57.4 } as ExcelJS.CellFormulaValue,
      'value:17': { formula: 'H7/0' } as ExcelJS.CellFormulaValue,
      'note:11': 'Đạt kế hoạch năm',
      'note:12': '=HYPERLINK("http://example.invalid","y")',
      'documentStatus:2021-Q1.1': 'Đã ban hành',
      'documentReference:2021-Q1.1': 'Quyết định 1234/QĐ-UBND',
      'documentDate:2021-Q1.1': new Date(Date.UTC(2023, 2, 14)),
      'documentStatus:2021-Q2.4': 'Chưa ban hành',
      'documentDate:2021-Q2.4': '05/01/2023',
      'projectDisbursed:A.I.1': 1500,
      'projectDisbursed:A.I.2': '2.500,5',
      'projectNote:A.I.2': 'Giải ngân đợt 1',
    };

    /** What the add-in's JSON body carries for the same cells. */
    const json: { entries: EntryInput[]; documents: DocumentEntryInput[]; projects: ProjectEntryInput[] } = {
      entries: [
        { code: '11', value: 28.7, numberFormat: '#,##0.#', note: 'Đạt kế hoạch năm' },
        { code: '12', value: '14,3', note: '=HYPERLINK("http://example.invalid","y")' },
        { code: '13', value: 0.855, numberFormat: '0.0%' },
        { code: '14' },
        { code: '15', value: '1.036' },
        { code: '16', value: 57.4, numberFormat: '#,##0.##' },
        { code: '17', value: '=H7/0' },
        { code: '18' },
        { code: '19' },
      ],
      documents: [
        { code: '2021-Q1.1', status: 'issued', reference: 'Quyết định 1234/QĐ-UBND', issuedOn: '2023-03-14' },
        { code: '2021-Q2.4', status: 'notIssued', issuedOn: '2023-01-05' },
        { code: '2021-Q4.3' },
        { code: '2021-Q4.4' },
        { code: '2021-Q4.5' },
        { code: '2021-Q4.6' },
        { code: '2022.1' },
      ],
      projects: [
        { code: 'A.I.1', disbursed: 1500 },
        { code: 'A.I.2', disbursed: '2.500,5', note: 'Giải ngân đợt 1' },
        { code: 'A.I.3' },
        { code: 'A.I.4' },
        { code: 'A.I.5' },
        { code: 'A.II.1' },
        { code: 'A.II.2' },
        { code: 'A.III.1' },
        { code: 'A.IV.1' },
        { code: 'A.IV.2' },
        { code: 'A.IV.3' },
        { code: 'A.IV.4' },
        { code: 'A.V.1' },
      ],
    };

    it('reads the cells as the JSON body would carry them', async () => {
      const reading = await readTemplateUpload(await filled(typed), {});
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.metadata.format, 'an-sinh-template');
      assert.equal(reading.metadata.agencyId, 'hn-syt');
      assert.equal(reading.metadata.period, '2023-6M');
      assert.equal(reading.metadata.planId, 'hn-kh207-2021');
      assert.deepEqual(reading.entries, json.entries);
      assert.deepEqual(reading.documents, json.documents);
      assert.deepEqual(reading.projects, json.projects);
      // The two formula cells are read (cached result, or the formula as text) and reported.
      assert.deepEqual(reading.findings.map((f) => `${f.code}:${f.indicator}`), ['formula-cell:16', 'formula-cell:17']);
      assert.match(reading.findings[0]!.message.vi, /chứa công thức =H7\*2; đã đọc kết quả "57,4"/);
      // It fits the request schema as it is.
      ReportInput.parse({ planId: reading.metadata.planId, revision: Number(reading.metadata.revision), agencyId: reading.metadata.agencyId, period: reading.metadata.period, entries: reading.entries, documents: reading.documents, projects: reading.projects });
    });

    it('gives validateReport the same findings as the JSON entries', async () => {
      const reading = await readTemplateUpload(await filled(typed), {});
      assert.ok(reading.ok);
      const fromFile = validateReport(plan207, { agencyId: 'hn-syt', period: '2023-6M', entries: reading.entries, documents: reading.documents, projects: reading.projects }, { register });
      const fromJson = validateReport(plan207, { agencyId: 'hn-syt', period: '2023-6M', ...json }, { register });
      assert.deepEqual(fromFile.findings, fromJson.findings);
      assert.deepEqual(fromFile.results, fromJson.results);
      const value = (code: string) => fromFile.results.find((r) => r.code === code)?.value;
      assert.equal(value('11'), 28.7);
      assert.equal(value('12'), 14.3);
      assert.equal(value('13'), 85.5, 'a percent-formatted 0.855 is 85.5 %');
      assert.equal(value('16'), 57.4, 'a formula gives its cached result');
      const codes = new Set(fromFile.findings.map((f) => `${f.code}:${f.indicator ?? f.document ?? f.project ?? ''}`));
      assert.ok([...codes].some((c) => c.endsWith(':17')), 'a formula without a result is reported');
      assert.ok([...codes].some((c) => c.startsWith('required:14')), 'an empty input is missing, as in JSON');
    });

    it('finds inputs by their defined names after rows are inserted and the sheet renamed', async () => {
      const book = await open(await filled({ 'value:11': 28.7, 'value:19': 3 }));
      const ws = book.getWorksheet('Chỉ tiêu')!;
      // Excel moves names with their cells and renames them with their sheet; exceljs's
      // spliceRows moves them, the rename is done by hand.
      ws.spliceRows(7, 0, ['chèn'], ['chèn']);
      ws.name = 'Kết quả';
      book.definedNames.model = book.definedNames.model.map((n) => ({ ...n, ranges: n.ranges.map((r) => r.replace("'Chỉ tiêu'!", "'Kết quả'!")) }));
      assert.equal(book.definedNames.model.find((n) => n.name === 'asr.value.11')?.ranges[0], "'Kết quả'!$K$9");
      const reading = await readTemplateUpload(Buffer.from(await book.xlsx.writeBuffer()), {});
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.entries.find((e) => e.code === '11')?.value, 28.7);
      assert.equal(reading.entries.find((e) => e.code === '19')?.value, 3);
    });

    it('without defined names, finds inputs by sheet role and address, or by the code in column A', async () => {
      const book = await open(await filled({ 'value:11': 28.7, 'value:19': 3, 'projectDisbursed:A.V.1': 99 }));
      book.definedNames.model = [];
      assert.equal(book.definedNames.model.length, 0);
      let reading = await readTemplateUpload(Buffer.from(await book.xlsx.writeBuffer()), {});
      assert.ok(reading.ok);
      assert.equal(reading.entries.find((e) => e.code === '11')?.value, 28.7);
      assert.equal(reading.projects.find((p) => p.code === 'A.V.1')?.disbursed, 99);
      assert.deepEqual(reading.findings, []);

      book.getWorksheet('Chỉ tiêu')!.spliceRows(8, 0, ['x']);
      reading = await readTemplateUpload(Buffer.from(await book.xlsx.writeBuffer()), {});
      assert.ok(reading.ok);
      assert.equal(reading.entries.find((e) => e.code === '19')?.value, 3, 'found by its code one row down');
      assert.ok(reading.findings.some((w) => w.code === 'input-moved'));
    });

    it('warns about a status or a date it cannot read, and reads a date typed as text', async () => {
      const reading = await readTemplateUpload(
        await filled({ 'documentStatus:2021-Q1.1': 'sắp ban hành', 'documentDate:2021-Q1.1': '31/02/2023', 'documentDate:2021-Q2.4': '2023-6-1' }),
        {},
      );
      assert.ok(reading.ok);
      assert.deepEqual(reading.documents[0], { code: '2021-Q1.1' });
      assert.deepEqual(reading.documents[1], { code: '2021-Q2.4', issuedOn: '2023-06-01' });
      assert.deepEqual(reading.findings.map((w) => w.code), ['document-status-unreadable', 'document-date-unreadable']);
      assert.match(reading.findings[0]!.message.vi, /sắp ban hành/);
    });

    it('refuses what is not a filled template, with the right code', async () => {
      const expect = async (bytes: Buffer, code: string, options = {}) => {
        const r = await readTemplateUpload(bytes, options);
        assert.equal(r.ok, false, code);
        if (!r.ok) {
          assert.equal(r.code, code);
          assert.ok(r.message.vi && r.message.en);
        }
      };
      await expect(Buffer.from('not a spreadsheet at all'), 'not-xlsx');
      await expect(Buffer.alloc(0), 'not-xlsx');
      await expect(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'not-xlsx');
      await expect(zip({ 'hello.txt': 'xin chào', 'data/a.json': '{}' }), 'not-xlsx');
      await expect(buffer, 'too-large', { maxBytes: 1000 });
      await expect(Buffer.alloc(6 * 1024 * 1024, 0x50), 'too-large');
      await expect(buffer.subarray(0, buffer.length - 200), 'damaged');
      await expect(zip({ '[Content_Types].xml': '<Types', 'xl/workbook.xml': '<<<<' }), 'damaged');
      // A zip bomb: 80 MB of zeros in a few kilobytes (forged sizes: test/server/upload-budget.test.ts).
      const bomb = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>', 'xl/worksheets/sheet1.xml': Buffer.alloc(80 * 1024 * 1024) });
      assert.ok(bomb.length < 200_000);
      await expect(bomb, 'too-large-inflated');

      const plain = new ExcelJS.Workbook();
      plain.addWorksheet('Sheet1').getCell('A1').value = 'Tỷ lệ hộ nghèo';
      await expect(Buffer.from(await plain.xlsx.writeBuffer()), 'not-our-template');
      const foreign = new ExcelJS.Workbook();
      const meta = foreign.addWorksheet(METADATA_SHEET, { state: 'hidden' });
      meta.addRow(['format', 'something-else']);
      await expect(Buffer.from(await foreign.xlsx.writeBuffer()), 'not-our-template');
    });

    it('reads a template with validations and merges over whole sheets quickly, and refuses names over millions of cells', async () => {
      const base = await filled({ 'value:11': 28.7 });
      const parts = unzip(base);
      const sheetXml = parts.get('xl/worksheets/sheet1.xml')!;
      const hostile = sheetXml
        .replace('</dataValidations>', '<dataValidation type="whole" sqref="A1:XFD1048576"><formula1>0</formula1></dataValidation></dataValidations>')
        .replace('</mergeCells>', '<mergeCell ref="A30:XFD1048576"/></mergeCells>');
      assert.notEqual(hostile, sheetXml);
      const started = Date.now();
      const reading = await readTemplateUpload(zip(Object.fromEntries([...parts, ['xl/worksheets/sheet1.xml', hostile]])), {});
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.entries[0]!.value, 28.7);
      assert.ok(Date.now() - started < 5_000, 'not expanded cell by cell');

      const workbookXml = parts.get('xl/workbook.xml')!;
      const named = workbookXml.replace('</definedNames>', `<definedName name="everything">'Chỉ tiêu'!$A$1:$XFD$1048576</definedName></definedNames>`);
      assert.notEqual(named, workbookXml);
      const refused = await readTemplateUpload(zip(Object.fromEntries([...parts, ['xl/workbook.xml', named]])), {});
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.code, 'too-large');
    });

    it('never throws on random bytes (200 runs) or on a damaged template', async function () {
      this.timeout(120_000);
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, zipLike) => {
          const data = Buffer.from(bytes);
          if (zipLike && data.length >= 2) data.set([0x50, 0x4b], 0);
          const r = await readTemplateUpload(data, {});
          assert.equal(r.ok, false);
        }),
        { numRuns: 200 },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
          const data = Buffer.from(buffer);
          for (const [at, byte] of flips) data[at % data.length] = byte;
          const r = await readTemplateUpload(data, {});
          assert.ok(r.ok || ['damaged', 'not-xlsx', 'not-our-template', 'too-large', 'too-large-inflated', 'unsafe-zip', 'too-many-parts'].includes(r.code), JSON.stringify(r));
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('LibreOffice opens the files', () => {
    let soffice: string | null = null;
    let dir: string;
    before(function () {
      this.timeout(120_000);
      soffice = findSoffice();
      dir = mkdtempSync(path.join(tmpdir(), 'xlsx-lo-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** soffice --convert-to, with its own profile so parallel runs do not collide; returns the seconds it took. */
    function convert(file: string, filter: string, outdir: string): number {
      const started = Date.now();
      const run = spawnSync(
        soffice!,
        [`-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`, '--headless', '--convert-to', filter, '--outdir', outdir, file],
        { encoding: 'utf8', timeout: 240_000 },
      );
      assert.equal(run.status, 0, `soffice failed: ${run.error ?? ''} ${run.stderr}`);
      return (Date.now() - started) / 1000;
    }

    function skipWithoutSoffice(ctx: Mocha.Context): void {
      requireSoffice(ctx, soffice);
    }

    it('shows the consolidated workbook with the same numbers as the JSON table (soffice --convert-to csv)', async function () {
      this.timeout(300_000);
      skipWithoutSoffice(this);
      const reports = [
        { agencyId: 'hn-syt', status: 'submitted' as const, entries: [{ code: '11', value: '28,7' }, { code: '12', value: 14.1 }, { code: '13', value: '93,5' }] },
        { agencyId: 'hn-sldtbxh', status: 'approved' as const, entries: [{ code: '1', value: '2,5%' }, { code: '2', value: '171.204' }, { code: '20', value: 'Cơ bản đạt' }] },
        { agencyId: 'hn-bhxh', status: 'submitted' as const, entries: [{ code: '6', value: 92.8 }] },
      ];
      const table = consolidate(plan207, register, { period: '2023', reports });
      const consolidated = consolidatedWorkbook(plan207, register, table);
      const outdir = path.join(dir, 'csv');
      const file = path.join(dir, 'tong-hop.xlsx');
      writeFileSync(file, await renderWorkbook(consolidated));
      // UTF-8, raw values (not as shown), every sheet to its own file (LibreOffice ≥ 7.2).
      const seconds = convert(file, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', outdir);
      const version = spawnSync(soffice!, ['--version'], { encoding: 'utf8' }).stdout.trim();
      console.log(`      (${version}; conversion took ${seconds.toFixed(1)} s)`);
      const csvName = readdirSync(outdir).find((f) => f.normalize('NFC').endsWith('Phụ lục 1.csv'));
      assert.ok(csvName, `appendix 1 exported: ${readdirSync(outdir).join(', ')}`);
      const rows = parseCsv(readFileSync(path.join(outdir, csvName), 'utf8'));
      const byCode = new Map(rows.map((r) => [r[0], r]));
      const sheet: SheetLayout = consolidated.sheets[1]!;
      assert.deepEqual(rows[3]?.slice(0, 3), sheet.grid[3]!.slice(0, 3).map((c) => c.v), 'header row');
      const numberOrNull = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
      for (const code of ['1', '2', '6', '11', '12', '13']) {
        const row = table.rows.find((r) => r.code === code)!;
        const csv = byCode.get(code);
        assert.ok(csv, `row ${code} in the CSV`);
        assert.ok(row.value !== null, `${code} has a consolidated value`);
        assert.equal(numberOrNull(csv[6]), row.value, `${code}: value`);
        assert.equal(numberOrNull(csv[9]), row.progressYear, `${code}: % of year plan`);
        assert.equal(numberOrNull(csv[10]), row.progressPeriod, `${code}: % of period target`);
      }
      assert.equal(byCode.get('20')?.[6], 'Cơ bản đạt');
      assert.equal(byCode.get('11')?.[8], 'Đạt');
      assert.equal(rows.filter((r) => table.rows.some((t) => t.code === r[0])).length, table.rows.length, 'every row of the table');
    });

    it('reads back a template filled in and saved again by LibreOffice', async function () {
      this.timeout(300_000);
      skipWithoutSoffice(this);
      const book = await open(buffer);
      const cellOf = (key: string) => {
        const at = inputCells(layout).get(key)!;
        return book.getWorksheet(at.sheet)!.getCell(at.address);
      };
      cellOf('value:11').value = 28.7;
      cellOf('value:12').value = '14,3';
      const pct = cellOf('value:13');
      pct.style = { ...pct.style, numFmt: '0.0%' };
      pct.value = 0.855;
      cellOf('documentStatus:2021-Q1.1').value = 'Đã ban hành';
      cellOf('documentDate:2021-Q1.1').value = new Date(Date.UTC(2023, 2, 14));
      const src = path.join(dir, 'src');
      const outdir = path.join(dir, 'resaved');
      mkdirSync(src, { recursive: true });
      writeFileSync(path.join(src, 'mau-bieu.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
      convert(path.join(src, 'mau-bieu.xlsx'), 'xlsx:Calc MS Excel 2007 XML', outdir);
      const reading = await readTemplateUpload(readFileSync(path.join(outdir, 'mau-bieu.xlsx')), {});
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.metadata.agencyId, 'hn-syt');
      assert.deepEqual(reading.entries.slice(0, 3), [
        { code: '11', value: 28.7, numberFormat: '#,##0.#' },
        { code: '12', value: '14,3' },
        { code: '13', value: 0.855, numberFormat: '0.0%' },
      ]);
      assert.deepEqual(reading.documents[0], { code: '2021-Q1.1', status: 'issued', issuedOn: '2023-03-14' });
      assert.deepEqual(reading.findings, []);
    });
  });
});
