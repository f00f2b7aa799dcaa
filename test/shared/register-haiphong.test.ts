/**
 * Hải Phòng's agency register (shared/agencies/haiphong.json) alone and beside Hà Nội's, as
 * the server loads every register of the folder: ids, the districts of 2022 and their 2025
 * changes, the reorganisation, and names and groups that stay within their own city. Commune
 * names here are fictional on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegister } from '../../shared/agencies/register';
import { parseCommuneCsv } from '../../shared/agencies/communes-csv';
import { AgencyRegisterFile } from '../../shared/schema/agency';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (name: string): AgencyRegisterFile =>
  AgencyRegisterFile.parse(JSON.parse(readFileSync(path.join(repoRoot, 'shared', 'agencies', name), 'utf8')));
const haiphong = () => read('haiphong.json');
const both = () => createRegister({ city: 'all', agencies: [...read('hanoi.json').agencies, ...haiphong().agencies] });

const QUAN_2022 = ['Hồng Bàng', 'Ngô Quyền', 'Lê Chân', 'Hải An', 'Kiến An', 'Đồ Sơn', 'Dương Kinh'];
const HUYEN_2022 = ['Thủy Nguyên', 'An Dương', 'An Lão', 'Kiến Thụy', 'Tiên Lãng', 'Vĩnh Bảo', 'Cát Hải', 'Bạch Long Vĩ'];

describe('agency register (haiphong.json)', () => {
  it('validates, with unique hp- ids of city haiphong, English names, and ids that differ from every Hà Nội id', () => {
    const file = haiphong();
    assert.equal(file.city, 'haiphong');
    assert.match(file.source ?? '', /Communes are imported from CSV by an admin, never invented/);
    const ids = file.agencies.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
    const hanoi = new Set(read('hanoi.json').agencies.map((a) => a.id));
    for (const a of file.agencies) {
      assert.match(a.id, /^hp-/, a.id);
      assert.equal(a.city, 'haiphong', a.id);
      assert.ok(a.nameEn && a.nameEn.length > 0, `${a.id}: no English name`);
      assert.ok(!hanoi.has(a.id), `${a.id} is also a Hà Nội id`);
    }
    assert.equal(file.agencies.filter((a) => a.kind === 'commune').length, 0, 'communes are imported, never listed');
  });

  it('expands "UBND các quận, huyện" to the 15 district-level units of 2022 (7 quận, 8 huyện)', () => {
    const r = both();
    const members = r.expand('hp-g-districts', '2022-06-01').map((id) => r.get(id)!);
    assert.equal(members.length, 15);
    assert.deepEqual(members.filter((a) => a.subtype === 'quận').map((a) => a.name), QUAN_2022.map((n) => `UBND quận ${n}`));
    assert.deepEqual(members.filter((a) => a.subtype === 'huyện').map((a) => a.name), HUYEN_2022.map((n) => `UBND huyện ${n}`));
    assert.deepEqual(r.resolveNames('Ủy ban nhân dân các quận, huyện', 'haiphong').ids, ['hp-g-districts']);
  });

  it('has Thủy Nguyên a city and An Dương a quận from 1 January 2025, still 15 units, each succeeding its huyện', () => {
    const r = both();
    const members = r.expand('hp-g-districts', '2025-03-01');
    assert.equal(members.length, 15);
    assert.ok(members.includes('hp-tp-thuy-nguyen') && members.includes('hp-q-an-duong'));
    assert.ok(!members.includes('hp-h-thuy-nguyen') && !members.includes('hp-h-an-duong'));
    assert.equal(r.get('hp-tp-thuy-nguyen')?.subtype, 'thành phố');
    assert.deepEqual(r.responsibleOn('hp-h-thuy-nguyen', '2025-03-01'), { kind: 'agency', id: 'hp-tp-thuy-nguyen', via: ['hp-h-thuy-nguyen'] });
    assert.ok(r.sameLineage('hp-h-an-duong', 'hp-q-an-duong'));
  });

  it('ends the district level on 30 June 2025: the group then stands for the imported communes of Hải Phòng only', () => {
    assert.deepEqual(both().expand('hp-g-districts', '2025-07-01'), [], 'no communes imported yet');
    const csv = 'name,type,validFrom,predecessors\nPhường Thử Nghiệm Cảng,phường,2025-07-01,UBND quận Hồng Bàng\nXã Thử Nghiệm Đảo,xã,2025-07-01,hp-h-cat-hai\n';
    const r0 = both();
    const result = parseCommuneCsv(csv, { city: 'haiphong', idPrefix: 'hp', register: r0 });
    assert.deepEqual(result.findings, []);
    const r = createRegister({ city: 'all', agencies: [...read('hanoi.json').agencies, ...haiphong().agencies] }, result.agencies);
    assert.deepEqual(r.expand('hp-g-districts', '2025-07-01').sort(), result.agencies.map((a) => a.id).sort());
    assert.deepEqual(r.expand('hn-g-districts', '2025-07-01'), [], 'Hải Phòng communes are not Hà Nội\'s');
    assert.ok(r.sameLineage('hp-q-hong-bang', result.agencies[0]!.id));
  });

  it('keeps groups and names within their city when both registers are loaded', () => {
    const r = both();
    assert.equal(r.expand('hn-g-districts', '2022-06-01').length, 30);
    assert.ok(r.expand('hn-g-districts', '2022-06-01').every((id) => id.startsWith('hn-')));
    assert.ok(r.expand('hn-g-departments', '2022-06-01').every((id) => id.startsWith('hn-')));
    assert.ok(r.expand('hp-g-departments', '2022-06-01').every((id) => id.startsWith('hp-')));
    assert.deepEqual(r.resolveNames('Sở Y tế', 'haiphong').ids, ['hp-syt']);
    assert.deepEqual(r.resolveNames('Sở Y tế', 'hanoi').ids, ['hn-syt']);
    assert.deepEqual(r.resolveNames('Sở Lao động - Thương binh và Xã hội; Bảo hiểm xã hội thành phố', 'haiphong').ids, ['hp-sldtbxh', 'hp-bhxh']);
    for (const a of haiphong().agencies) {
      for (const name of [a.name, ...a.aliases]) {
        const inHanoi = r.resolveNames(name, 'hanoi').ids;
        assert.ok(inHanoi.every((id) => id.startsWith('hn-')), `"${name}" resolves to ${inHanoi.join(', ')} within Hà Nội`);
        assert.ok(r.resolveNames(name, 'haiphong').ids.every((id) => id.startsWith('hp-')), `"${name}" within Hải Phòng`);
      }
    }
  });

  it('follows the 1 March 2025 mergers by field: Sở LĐTBXH to Sở Nội vụ, Sở Y tế, Sở GD&ĐT and Sở NN&MT; the others to their merged department', () => {
    const r = both();
    const on = (id: string, field?: string) => r.responsibleOn(id, '2025-03-01', field);
    assert.deepEqual(on('hp-sldtbxh'), { kind: 'agency', id: 'hp-snv', via: ['hp-sldtbxh'] });
    assert.deepEqual(on('hp-sldtbxh', 'social-protection'), { kind: 'agency', id: 'hp-syt', via: ['hp-sldtbxh'] });
    assert.deepEqual(on('hp-sldtbxh', 'vocational-education'), { kind: 'agency', id: 'hp-sgddt', via: ['hp-sldtbxh'] });
    assert.deepEqual(on('hp-sldtbxh', 'poverty'), { kind: 'agency', id: 'hp-snnmt', via: ['hp-sldtbxh'] });
    assert.deepEqual(on('hp-skhdt'), { kind: 'agency', id: 'hp-stc', via: ['hp-skhdt'] });
    assert.deepEqual(on('hp-snnptnt'), { kind: 'agency', id: 'hp-snnmt', via: ['hp-snnptnt'] });
    assert.deepEqual(on('hp-stttt'), { kind: 'agency', id: 'hp-skhcn', via: ['hp-stttt'] });
    assert.deepEqual(r.responsibleOn('hp-sldtbxh', '2024-12-01'), { kind: 'agency', id: 'hp-sldtbxh', via: [] });
    const departments = r.expand('hp-g-departments', '2025-03-01');
    assert.ok(departments.includes('hp-snv') && !departments.includes('hp-sldtbxh'));
  });
});
