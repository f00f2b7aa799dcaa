import assert from 'node:assert/strict';
import { changeText, reportDiff } from '../../shared/report-diff';

describe('reportDiff: what a send changes against the server’s revision', () => {
  const server = {
    entries: [
      { code: '11', value: '28,7', note: null },
      { code: '12', value: 14.3, note: 'Đạt' },
      { code: '13', value: '100' },
    ],
    documents: [{ code: '2021-Q1.1', status: 'notIssued', reference: null }],
    projects: [{ code: 'P1', disbursed: 1200 }],
    tasks: [],
  };

  it('lists each changed, added and removed field with its old and new value', () => {
    const sheet = {
      entries: [
        { code: '11', value: '29,1', note: null },
        { code: '12', value: '14.3', note: 'Đạt', numberFormat: '0.0' },
        { code: '14', value: 95 },
      ],
      documents: [{ code: '2021-Q1.1', status: 'issued', reference: 'QĐ 12/QĐ-UBND' }],
      projects: [{ code: 'P1', disbursed: 1200 }],
    };
    assert.deepEqual(reportDiff(server, sheet), [
      { section: 'entries', code: '11', field: 'value', change: 'changed', from: '28,7', to: '29,1' },
      { section: 'entries', code: '14', field: 'value', change: 'added', from: undefined, to: 95 },
      { section: 'entries', code: '13', field: 'value', change: 'removed', from: '100', to: undefined },
      { section: 'documents', code: '2021-Q1.1', field: 'status', change: 'changed', from: 'notIssued', to: 'issued' },
      { section: 'documents', code: '2021-Q1.1', field: 'reference', change: 'added', from: null, to: 'QĐ 12/QĐ-UBND' },
    ]);
  });

  it('finds nothing when the sheet holds what the server holds (number formats and blanks aside)', () => {
    assert.deepEqual(reportDiff(server, { ...server, entries: [...server.entries.map((e) => ({ ...e, numberFormat: '#,##0.#' })), { code: '15', value: '  ', note: null }] }), []);
  });

  it('treats every filled field as added when nothing is on the server yet', () => {
    const changes = reportDiff(null, { entries: [{ code: '11', value: 28.7, note: 'Số liệu Sở' }] });
    assert.deepEqual(changes.map((c) => [c.field, c.change]), [['value', 'added'], ['note', 'added']]);
  });

  it('reads as the clerk expects, in Vietnamese and English', () => {
    const [value, note, added, removed] = [
      changeText({ section: 'entries', code: '11', field: 'value', change: 'changed', from: 28.7, to: 29.1 }),
      changeText({ section: 'entries', code: '12', field: 'note', change: 'added', from: null, to: 'Đạt kế hoạch' }),
      changeText({ section: 'projects', code: 'P1', field: 'disbursed', change: 'added', from: undefined, to: 1250.5 }),
      changeText({ section: 'tasks', code: 'IV.1.1', field: 'account', change: 'removed', from: 'x'.repeat(80), to: null }),
    ];
    assert.deepEqual(value, { vi: 'Chỉ tiêu 11: 28,7 → 29,1', en: 'Indicator 11: 28.7 → 29.1' });
    assert.deepEqual(note, { vi: 'Chỉ tiêu 12 — ghi chú: (trống) → Đạt kế hoạch', en: 'Indicator 12 — note: (blank) → Đạt kế hoạch' });
    assert.equal(added.vi, 'Dự án P1: (trống) → 1.250,5');
    assert.equal(removed.en, `Task IV.1.1 — account: ${'x'.repeat(39)}… → (blank)`);
  });
});
