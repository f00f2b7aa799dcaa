import assert from 'node:assert/strict';
import { textForExcel } from '../../addin/excel/office-adapter';
import { READING_FINDING_CODES, mapInputs, readingFindingsOf, strayRowFindings } from '../../shared/layout/inputs';
import type { InputCell } from '../../shared/layout/inputs';

/** One cell of a template as a host gives it. */
const cell = (kind: InputCell['kind'], code: string, value: unknown, extra: Partial<NonNullable<InputCell['cell']>> = {}): InputCell => ({
  kind,
  code,
  cell: { value, where: 'Chỉ tiêu!H9', ...extra },
});

describe('reading a workbook: what is not plain text or a number becomes a finding', () => {
  it('a formula from Office.js (value and formula apart) and from exceljs (a formula object) gives the same finding', () => {
    const office = mapInputs([cell('value', '12', 57.4, { formula: '=H7*2' })]);
    const exceljs = mapInputs([cell('value', '12', { formula: 'H7*2', result: 57.4 })]);
    assert.deepEqual(office.findings, exceljs.findings);
    assert.deepEqual(office.entries, [{ code: '12', value: 57.4 }], 'the cached result is still read');
    assert.equal(office.findings[0]!.code, 'formula-cell');
    assert.equal(office.findings[0]!.indicator, '12');
    assert.equal(office.findings[0]!.field, 'value');
    assert.equal(office.findings[0]!.message.vi, 'Ô Chỉ tiêu!H9 (chỉ tiêu 12 — kết quả) chứa công thức =H7*2; đã đọc kết quả "57,4" lưu trong tệp');
    assert.equal(office.findings[0]!.message.en, 'Cell Chỉ tiêu!H9 (indicator 12 — result) holds the formula =H7*2; its stored result "57.4" was read');
  });

  it('text equal to its formula is text, not a formula (Office.js gives both for a text cell)', () => {
    assert.deepEqual(mapInputs([cell('note', '12', '=1+1', { formula: '=1+1' })]).findings, []);
  });

  it('an error value, from either host, is said as such; the text still goes to the engine', () => {
    const office = mapInputs([cell('value', '14', '#DIV/0!')]);
    const exceljs = mapInputs([cell('value', '14', { error: '#DIV/0!' })]);
    assert.deepEqual(office.findings, exceljs.findings);
    assert.deepEqual(office.findings.map((f) => f.code), ['cell-error']);
    assert.deepEqual(office.entries, [{ code: '14', value: '#DIV/0!' }]);
    assert.match(office.findings[0]!.message.en, /shows the Excel error #DIV\/0! instead of a value/);
  });

  it('a logical value is read as its text and reported; an object neither text nor number is reported and read as blank', () => {
    const logical = mapInputs([cell('value', '15', true)]);
    assert.deepEqual(logical.entries, [{ code: '15', value: 'TRUE' }]);
    assert.deepEqual(logical.findings.map((f) => f.code), ['cell-not-text-or-number']);
    const odd = mapInputs([cell('note', '15', { checkbox: true })]);
    assert.deepEqual(odd.entries, [{ code: '15' }]);
    assert.deepEqual(odd.findings.map((f) => [f.code, f.field]), [['cell-not-text-or-number', 'note']]);
    assert.deepEqual(mapInputs([cell('note', '15', { richText: [{ text: '  ' }] })]).findings, [], 'blank rich text is a blank cell');
  });

  it('a cell that is not there is listed as blank and reported where it was looked for', () => {
    const read = mapInputs([{ kind: 'documentDate', code: '2021-Q1.1', cell: null, expected: 'Văn bản!G9' }]);
    assert.deepEqual(read.documents, [{ code: '2021-Q1.1' }]);
    assert.equal(read.findings[0]!.code, 'input-not-found');
    assert.equal(read.findings[0]!.document, '2021-Q1.1');
    assert.equal(read.findings[0]!.message.vi, 'Không tìm thấy ô văn bản 2021-Q1.1 — ngày ban hành (Văn bản!G9); ô này được coi là để trống');
  });

  it('data outside the template rows: one finding a row, at most 20 a sheet and then one for the rest', () => {
    const inputs = [
      { row: 8, col: 7 },
      { row: 9, col: 7 },
      { row: 9, col: 10 },
    ];
    const grid = new Map<string, unknown>([
      ['12:0', '99'],
      ['12:7', 5],
      ['13:10', 'ghi chú lạc dòng'],
      ['14:3', 'ngoài các cột nhập liệu'],
      ['5:7', 'tiêu đề phía trên'],
    ]);
    const found = strayRowFindings('Chỉ tiêu', inputs, 20, (r, c) => grid.get(`${r}:${c}`) ?? '');
    assert.deepEqual(found.map((f) => f.details), [{ sheet: 'Chỉ tiêu', row: 13, code: '99' }, { sheet: 'Chỉ tiêu', row: 14 }]);
    assert.equal(found[0]!.message.en, 'Row 13 of sheet "Chỉ tiêu" (code "99") holds data outside the template\'s rows, so it was not read');
    const many = strayRowFindings('Chỉ tiêu', inputs, 60, (r, c) => (r > 9 && c === 7 ? 1 : ''));
    assert.equal(many.length, 21);
    assert.match(many[20]!.message.vi, /còn 31 dòng khác/);
  });

  it('readingFindingsOf keeps only reading findings from a stored list, whatever its shape', () => {
    const kept = readingFindingsOf([{ code: 'formula-cell' }, { code: 'required' }, null, 'x', { code: 'row-not-read' }]);
    assert.deepEqual(kept.map((f) => f.code), ['formula-cell', 'row-not-read']);
    assert.deepEqual(readingFindingsOf({ code: 'formula-cell' }), []);
    assert.ok(READING_FINDING_CODES.has('unexpected-sheet'));
  });
});

describe('textForExcel protects text Excel would read as a number, a date or a time', () => {
  for (const typed of ['1e3', '(12)', '12:30', '$5', '1/2', '85%', ' 1.036 ', 'TRUE', ' false ']) {
    it(`"${typed}" gets the text prefix`, () => assert.equal(textForExcel(typed, false), `'${typed}`));
  }
  for (const typed of ['2,5 triệu', 'khoảng 5', 'Đạt', 'e', '']) {
    it(`"${typed}" is left as it is`, () => assert.equal(textForExcel(typed, false), typed));
  }
  it('in a text-formatted cell only a formula prefix is protected', () => {
    assert.equal(textForExcel('1e3', true), '1e3');
    assert.equal(textForExcel('=1+1', true), "'=1+1");
  });
});
