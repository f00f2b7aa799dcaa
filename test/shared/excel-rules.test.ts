import assert from 'node:assert/strict';
import {
  CELL_TEXT_WRITTEN_MAX,
  EXCEL_LIMITS,
  cellValueOf,
  clean,
  conditionalFormatsOf,
  criterionOf,
  isValidDefinedName,
  isValidSheetName,
  listFormula,
  listSource,
  namesOf,
  protectionOf,
  rowHeightsOf,
  tableColumnNames,
  truncate,
  uniqueSheetName,
  validationsOf,
  withTableHeaders,
} from '../../shared/layout/excel-rules';
import { cellAddress } from '../../shared/layout/a1';

/** The shared Excel rules (shared/layout/excel-rules.ts), one decision at a time. */
describe('Excel rules shared by the .xlsx writer and the Office.js adapter', () => {
  it('cleans text XML cannot carry and never cuts a surrogate pair in half', () => {
    assert.equal(clean('a\u0001b\u000Bc\uFFFEd\uD800e'), 'abcde');
    assert.equal(clean('tab\tline\nok'), 'tab\tline\nok');
    assert.equal(truncate('ab😀', 3), 'ab', 'the emoji does not fit: dropped whole');
    assert.equal(truncate('ab😀', 4), 'ab😀');
    const long = cellValueOf('x'.repeat(EXCEL_LIMITS.cellText + 10));
    assert.equal(typeof long === 'string' && long.length, CELL_TEXT_WRITTEN_MAX);
    assert.equal(cellValueOf(Number.NaN), null);
    assert.equal(cellValueOf('=SUM(A1)'), '=SUM(A1)', 'text stays text; each renderer keeps it from running');
  });

  it('lists: items trimmed, commas made spaces, blanks dropped; too long or empty lists are not written', () => {
    assert.deepEqual(criterionOf({ kind: 'list', values: [' Đạt ', 'Cơ bản, đạt', '', '"x"'] }), { type: 'list', items: ['Đạt', 'Cơ bản  đạt', '"x"'] });
    assert.equal(listFormula(['a', '"x"']), '"a,""x"""');
    assert.equal(listSource(['a', '"x"']), 'a,"x"');
    assert.equal(criterionOf({ kind: 'list', values: [' ', ''] }), null);
    const items = Array.from({ length: 50 }, (_, i) => `mục ${i}`);
    assert.ok(listFormula(items).length > EXCEL_LIMITS.listFormula);
    assert.equal(criterionOf({ kind: 'list', values: items }), null);
  });

  it('numbers and dates: the bounds given, or "any" with the floor Excel needs', () => {
    assert.deepEqual(criterionOf({ kind: 'decimal', min: 0, max: 5 }), { type: 'decimal', operator: 'between', formula1: 0, formula2: 5 });
    assert.deepEqual(criterionOf({ kind: 'whole' }), { type: 'whole', operator: 'greaterThanOrEqual', formula1: -2_147_483_647 });
    assert.deepEqual(criterionOf({ kind: 'decimal', max: Number.POSITIVE_INFINITY }), { type: 'decimal', operator: 'greaterThanOrEqual', formula1: -1e15 });
    assert.deepEqual(criterionOf({ kind: 'date', max: '2030-12-31', min: '2020-13-45' }), { type: 'date', operator: 'lessThanOrEqual', formula1: '2030-12-31' });
    assert.deepEqual(criterionOf({ kind: 'textLength', max: 2000.9 }), { type: 'textLength', operator: 'lessThanOrEqual', formula1: 2000 });
  });

  it('validations never overlap, and prompts and errors fit their limits', () => {
    const out = validationsOf(
      [
        { range: 'A1:A3', rule: { kind: 'whole' }, errorStyle: 'stop', prompt: { vi: 'p'.repeat(400), en: '' }, error: { vi: 'e'.repeat(400), en: '' } },
        { range: 'A2:B2', rule: { kind: 'decimal' }, errorStyle: 'warning' },
        { range: 'A1', rule: { kind: 'decimal' }, errorStyle: 'warning' },
        { range: 'A:A', rule: { kind: 'decimal' }, errorStyle: 'warning' },
      ],
      'en',
    );
    assert.equal(out.length, 2, 'the fully covered and the unbounded ranges are left out');
    assert.deepEqual(out[0]!.rects, [{ r1: 0, c1: 0, r2: 2, c2: 0 }]);
    assert.deepEqual(out[1]!.rects, [{ r1: 1, c1: 1, r2: 1, c2: 1 }], 'only B2 is still free');
    assert.equal(out[0]!.prompt?.message.length, EXCEL_LIMITS.promptMessage, 'the English prompt is blank: the Vietnamese one, cut');
    assert.equal(out[0]!.error.message.length, EXCEL_LIMITS.errorMessage);
    assert.equal(out[1]!.prompt, null);
    assert.equal(out[1]!.error.title, 'Check the value');
  });

  it('conditional formats: EXACT() for text, comparisons for numbers, colours normalised', () => {
    const out = conditionalFormatsOf(
      [
        { range: 'C7:C9', rule: { kind: 'textEquals', text: 'Đạt "x"' }, fill: '#dff6dd', fontColor: '#107c10' },
        { range: 'D7', rule: { kind: 'between', min: 1, max: 2 }, fill: 'red' },
        { range: 'bad', rule: { kind: 'blank' }, fill: '#FFFFFF' },
      ],
      cellAddress,
    );
    assert.deepEqual(out, [
      { rect: { r1: 6, c1: 2, r2: 8, c2: 2 }, rule: { type: 'expression', formula: 'EXACT(C7,"Đạt ""x""")' }, fill: '#DFF6DD', fontColor: '#107C10' },
      { rect: { r1: 6, c1: 3, r2: 6, c2: 3 }, rule: { type: 'cellIs', operator: 'between', formula1: '1', formula2: '2' }, fill: '#000000', fontColor: null },
    ]);
  });

  it('names: valid, bounded, unique in their sheet ignoring case', () => {
    assert.ok(isValidDefinedName('asr.value.1_2'));
    for (const bad of ['A1', 'R1C1', 'c', '1abc', 'a b', 'x'.repeat(256), '']) assert.equal(isValidDefinedName(bad), false, bad);
    const names = namesOf([
      { name: 'asr.value.1', ref: '$H$7' },
      { name: 'ASR.VALUE.1', ref: '$H$8' },
      { name: 'asr.range', ref: 'H7:H9' },
      { name: 'asr.bad', ref: '#REF!' },
    ]);
    assert.deepEqual(names.map((n) => [n.name, n.rect]), [
      ['asr.value.1', { r1: 6, c1: 7, r2: 6, c2: 7 }],
      ['asr.range', { r1: 6, c1: 7, r2: 8, c2: 7 }],
    ]);
  });

  it('table headers: non-blank, unique ignoring case, written into the header cells as text', () => {
    assert.deepEqual(tableColumnNames([{ v: null }, { v: 2023 }, { v: 'Mã' }, { v: ' mã ' }, undefined]), ['Cột 1', '2023', 'Mã', 'mã 2', 'Cột 5']);
    const sheet = withTableHeaders({
      name: 'S', role: 'x', visibility: 'visible', columns: [{ key: 'a', width: 5 }, { key: 'b', width: 5 }],
      grid: [[{ v: 'T', s: 'text' }, { v: 't', s: 'text' }], [{ v: 1, s: 'number' }, { v: 2, s: 'number' }]],
      merges: [], rowHeights: {}, freeze: null, validations: [], conditionalFormats: [], names: [], protection: null,
      tables: [{ name: 'B', range: 'A1:B2', style: 'TableStyleLight9' }], charts: [],
    });
    assert.deepEqual(sheet.grid[0], [{ v: 'T', s: 'text' }, { v: 't 2', s: 'text', text: true }]);
  });

  it('sheet names, row heights and protection', () => {
    assert.ok(isValidSheetName('Chỉ tiêu'));
    for (const bad of ['', 'a/b', "'x", 'History', 'x'.repeat(32)]) assert.equal(isValidSheetName(bad), false, bad);
    assert.equal(uniqueSheetName('Chỉ tiêu', new Set(['chỉ tiêu', 'chỉ tiêu (2)'])), 'Chỉ tiêu (3)');
    assert.equal(uniqueSheetName('x'.repeat(40), new Set(['x'.repeat(31)])), `${'x'.repeat(27)} (2)`);
    assert.deepEqual(rowHeightsOf({ rowHeights: { 2: 600, 0: 20, 1: -3, 3: Number.NaN } }), [[0, 20], [2, 409]]);
    assert.equal(protectionOf(null), null);
    const p = protectionOf({ protect: true, allowFormatColumns: true, allowFormatRows: false, allowAutoFilter: true })!;
    assert.equal(p.allowEditObjects, false, 'objects are protected too');
    assert.deepEqual(Object.entries(p).filter(([, v]) => v === true).map(([k]) => k), ['allowAutoFilter', 'allowFormatColumns']);
  });
});
