/**
 * The agency register (shared/agencies/hanoi.json + register.ts) and the commune CSV
 * importer (shared/agencies/communes-csv.ts): names in the catalogs resolve, the districts
 * and the 2025 reorganisation are encoded, and communes imported by an administrator slot
 * into groups, lineage and assignments. Commune names here are fictional on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createRegister } from '../../shared/agencies/register';
import { parseCommuneCsv } from '../../shared/agencies/communes-csv';
import type { CommuneCsvResult } from '../../shared/agencies/communes-csv';
import { assignmentFor } from '../../shared/assignment';
import { parsePeriod } from '../../shared/periods';
import { Agency } from '../../shared/schema/agency';
import { DISTRICT_COUNT, fixtureCommunes, fixturePath, plan, register, registerFile, registerWithCommunes } from '../fixtures/hanoi';

const HEADER = 'name,type,validFrom,predecessors';
const opts = () => ({ city: 'hanoi', idPrefix: 'hn', register: register() });
const codes = (r: CommuneCsvResult) => r.findings.map((f) => f.code);
const districts = () => register().agencies.filter((a) => a.kind === 'district');

function assertFindingsReadable(r: CommuneCsvResult): void {
  for (const f of r.findings) {
    assert.ok(Number.isInteger(f.line) && f.line >= 0, `line ${f.line}`);
    assert.ok(f.code.length > 0);
    assert.ok(f.message.vi.trim().length > 0 && f.message.en.trim().length > 0, `${f.code}: empty message`);
    assert.notEqual(f.message.vi, f.message.en, `${f.code}: the message is not translated`);
  }
}

function assertAgenciesValid(r: CommuneCsvResult): void {
  const ids = new Set<string>();
  for (const a of r.agencies) {
    assert.ok(Agency.safeParse(a).success, `${a.id} does not validate`);
    assert.equal(a.kind, 'commune');
    assert.ok(['xã', 'phường', 'thị trấn'].includes(a.subtype ?? ''), `${a.id}: subtype ${a.subtype}`);
    assert.ok(!ids.has(a.id), `duplicate id ${a.id}`);
    ids.add(a.id);
  }
}

describe('agency register (hanoi.json)', () => {
  describe('agency cells of the catalogs', () => {
    /** resolveNames of a cell, plus the ids a recorded correction adds for the unresolved rest. */
    function expected(source: string, where: string, corrections: ReadonlyArray<{ where: string; source: string; corrected: string }>): string[] {
      const r = register().resolveNames(source);
      const correction = corrections.find((c) => c.where === where);
      if (r.unresolved.length === 0) {
        assert.equal(correction, undefined, `${where}: a correction is recorded but "${source}" resolves`);
        return r.ids;
      }
      assert.ok(correction, `${where}: "${source}" leaves ${JSON.stringify(r.unresolved)} unresolved and no correction is recorded`);
      assert.ok(source.includes(correction.source), `${where}: the correction quotes "${correction.source}", not in "${source}"`);
      return [...r.ids, ...correction.corrected.split(/,\s*/).filter((id) => !r.ids.includes(id))];
    }

    it('plan 207: every lead and coordinator cell of appendices 1 and 2 re-resolves to the stored ids', () => {
      const p = plan('hn-kh207-2021').plan;
      let cells = 0;
      for (const i of p.indicators) {
        assert.ok(i.leadSource, `indicator ${i.code}: no leadSource`);
        assert.deepEqual(expected(i.leadSource, `indicators[${i.code}].lead`, p.corrections), [i.lead], `indicator ${i.code}: lead`);
        assert.deepEqual(expected(i.coordinatorsSource ?? '', `indicators[${i.code}].coordinators`, p.corrections), i.coordinators, `indicator ${i.code}: coordinators`);
        cells += 2;
      }
      for (const d of p.documents) {
        assert.deepEqual(expected(d.issuerSource ?? '', `documents[${d.code}].issuer`, p.corrections), [d.issuer], `document ${d.code}: issuer`);
        assert.deepEqual(expected(d.leadSource ?? '', `documents[${d.code}].lead`, p.corrections), [d.lead], `document ${d.code}: lead`);
        assert.deepEqual(expected(d.coordinatorsSource ?? '', `documents[${d.code}].coordinators`, p.corrections), d.coordinators, `document ${d.code}: coordinators`);
        cells += 3;
      }
      assert.equal(cells, 29 * 2 + 38 * 3);
      // The one agency correction of the catalog is the unnamed "5 districts".
      assert.deepEqual(
        p.corrections.filter((c) => /^(indicators|documents)\[.*\]\.(lead|coordinators|issuer)$/.test(c.where)).map((c) => c.where),
        ['documents[2021-Q1.4].coordinators'],
      );
    });

    it('plan 181: every lead names the agency of the quoted section IV sentence; unassigned rows have no lead', () => {
      const p = plan('hn-kh181-2024').plan;
      let assigned = 0;
      for (const i of p.indicators) {
        assert.deepEqual(i.coordinators, [], `indicator ${i.code}: the plan publishes no coordinators`);
        if (i.lead === null) {
          assert.equal(i.leadSource, undefined, `indicator ${i.code}: a leadSource without a lead`);
          continue;
        }
        const m = /^(.+?) \((IV\.\d+)\): “.+”$/.exec(i.leadSource ?? '');
        assert.ok(m, `indicator ${i.code}: leadSource "${i.leadSource}" is not "Agency (IV.n): “sentence”"`);
        const r = register().resolveNames(m[1]!);
        assert.deepEqual(r, { ids: [i.lead], unresolved: [] }, `indicator ${i.code}: "${m[1]}"`);
        assigned++;
      }
      assert.ok(assigned > 0);
    });

    it('every agency id used by either catalog exists in the register', () => {
      for (const id of ['hn-kh207-2021', 'hn-kh181-2024'] as const) {
        const p = plan(id).plan;
        const used = new Set<string>([p.reporting.standingAgency]);
        for (const i of p.indicators) {
          if (i.lead) used.add(i.lead);
          for (const c of i.coordinators) used.add(c);
          if (i.aggregation.kind !== 'lead') for (const c of i.aggregation.contributors ?? []) used.add(c);
        }
        for (const d of p.documents) for (const a of [d.issuer, d.lead, ...d.coordinators]) used.add(a);
        for (const pr of p.projects) if (pr.lead) used.add(pr.lead);
        for (const a of used) assert.ok(register().has(a), `${id}: unknown agency ${a}`);
      }
    });

    it('resolves abbreviations and group names, and leaves unknown names to the caller', () => {
      const r = register();
      assert.deepEqual(r.resolveNames('Sở LĐTBXH'), { ids: ['hn-sldtbxh'], unresolved: [] });
      assert.deepEqual(r.resolveNames('Sở KHĐT, Sở Tài chính; UBND quận, huyện, thị xã'), { ids: ['hn-skhdt', 'hn-stc', 'hn-g-districts'], unresolved: [] });
      assert.deepEqual(r.resolveNames('Quận Hoàn Kiếm').ids, ['hn-q-hoan-kiem']);
      assert.deepEqual(r.resolveNames('UBND quan Hoan Kiem').ids, ['hn-q-hoan-kiem'], 'typed without diacritics');
      const unknown = r.resolveNames('Sở Y tế, Sở Không Tồn Tại');
      assert.deepEqual(unknown.ids, ['hn-syt']);
      assert.equal(unknown.unresolved.length, 1);
    });
  });

  describe('districts until 30 June 2025', () => {
    it('has the 30 districts: 12 quận, 1 thị xã, 17 huyện, all ending 2025-06-30 with the communes as successors', () => {
      const all = districts();
      assert.equal(all.length, DISTRICT_COUNT);
      const bySubtype = (s: string) => all.filter((d) => d.subtype === s).length;
      assert.deepEqual([bySubtype('quận'), bySubtype('thị xã'), bySubtype('huyện')], [12, 1, 17]);
      for (const d of all) {
        assert.equal(d.validTo, '2025-06-30', d.id);
        assert.equal(d.city, 'hanoi');
        assert.deepEqual(d.successors.map((s) => s.id), ['hn-g-communes'], d.id);
        assert.ok(register().isActiveOn(d.id, '2025-06-30') && !register().isActiveOn(d.id, '2025-07-01'), d.id);
        const prefix = { quận: 'hn-q-', 'thị xã': 'hn-tx-', huyện: 'hn-h-' }[d.subtype as 'quận' | 'thị xã' | 'huyện'];
        assert.ok(d.id.startsWith(prefix), `${d.id} vs ${d.subtype}`);
      }
      assert.equal(new Set(all.map((d) => d.name)).size, DISTRICT_COUNT);
    });

    it('expand("hn-g-districts") is the 30 districts while they exist, nothing after 1 July 2025 without communes', () => {
      const r = register();
      const ids = districts().map((d) => d.id).sort();
      assert.deepEqual([...r.expand('hn-g-districts', '2023-06-14')].sort(), ids);
      assert.deepEqual([...r.expand('hn-g-districts', '2025-06-30')].sort(), ids);
      assert.deepEqual(r.expand('hn-g-districts', '2025-07-01'), []);
      assert.deepEqual(r.expand('hn-g-communes', '2024-06-14'), []);
    });

    it('expand of a concrete agency is itself; of an explicit group its members; unknown ids expand to nothing', () => {
      const r = register();
      assert.deepEqual(r.expand('hn-syt', '2023-06-14'), ['hn-syt']);
      assert.deepEqual(r.expand('hn-g-sociopolitical', '2023-06-14'), ['hn-hlhpn', 'hn-ldld', 'hn-hnd', 'hn-tdtn', 'hn-hccb']);
      assert.deepEqual(r.expand('hn-nope', '2023-06-14'), []);
      const departments2024 = r.expand('hn-g-departments', '2024-06-14');
      const departments2025 = r.expand('hn-g-departments', '2025-06-14');
      assert.ok(departments2024.includes('hn-sldtbxh'));
      assert.ok(!departments2025.includes('hn-sldtbxh'), 'Sở LĐTBXH is gone after the merger');
      assert.ok(departments2025.includes('hn-snv') && departments2025.includes('hn-syt'));
    });
  });

  describe('the 2025 merger of Sở LĐTBXH', () => {
    it('Sở LĐTBXH exists until 28 February 2025', () => {
      assert.ok(register().isActiveOn('hn-sldtbxh', '2025-02-28'));
      assert.ok(!register().isActiveOn('hn-sldtbxh', '2025-03-01'));
    });

    it('after the merger its work goes by field: Sở Y tế, Sở GD&ĐT, otherwise Sở Nội vụ', () => {
      const r = register();
      const on = (date: string, field?: string) => r.responsibleOn('hn-sldtbxh', date, field);
      for (const field of ['social-protection', 'children', 'social-evils']) {
        assert.deepEqual(on('2025-06-14', field), { kind: 'agency', id: 'hn-syt', via: ['hn-sldtbxh'] }, field);
      }
      assert.deepEqual(on('2025-06-14', 'vocational-education'), { kind: 'agency', id: 'hn-sgddt', via: ['hn-sldtbxh'] });
      for (const field of ['employment', 'poverty', 'merit', 'not-a-field', undefined]) {
        assert.deepEqual(on('2025-06-14', field), { kind: 'agency', id: 'hn-snv', via: ['hn-sldtbxh'] }, String(field));
      }
      assert.equal((on('2025-03-01', 'children') as { id: string }).id, 'hn-syt', 'from the first day');
    });

    it('before the merger Sở LĐTBXH is responsible for itself, whatever the field', () => {
      const r = register();
      for (const date of ['2024-06-14', '2024-12-14', '2025-02-28']) {
        for (const field of ['social-protection', 'children', 'social-evils', 'vocational-education', 'employment', undefined]) {
          assert.deepEqual(r.responsibleOn('hn-sldtbxh', date, field), { kind: 'agency', id: 'hn-sldtbxh', via: [] }, `${date} ${field}`);
        }
      }
    });

    it('an unknown agency, a split without a rule and a dissolution without successor are unresolved, never guessed', () => {
      assert.deepEqual(register().responsibleOn('hn-nope', '2024-01-01'), { kind: 'unresolved', reason: 'unknown-agency', from: 'hn-nope', candidates: [] });
      const file = {
        city: 'test',
        agencies: [
          { id: 't-a', name: 'Sở Thử Nghiệm A', kind: 'department', city: 'test', validTo: '2020-12-31', successors: [{ id: 't-b' }, { id: 't-c' }] },
          { id: 't-b', name: 'Sở Thử Nghiệm B', kind: 'department', city: 'test' },
          { id: 't-c', name: 'Sở Thử Nghiệm C', kind: 'department', city: 'test' },
          { id: 't-d', name: 'Sở Thử Nghiệm D', kind: 'department', city: 'test', validTo: '2020-12-31' },
        ],
      };
      const r = createRegister(file);
      assert.deepEqual(r.responsibleOn('t-a', '2021-01-01'), { kind: 'unresolved', reason: 'ambiguous-successor', from: 't-a', candidates: ['t-b', 't-c'] });
      assert.deepEqual(r.responsibleOn('t-d', '2021-01-01'), { kind: 'unresolved', reason: 'no-successor', from: 't-d', candidates: [] });
      assert.deepEqual(r.responsibleOn('t-a', '2020-12-31'), { kind: 'agency', id: 't-a', via: [] });
    });

    it('sameLineage links Sở LĐTBXH with its successors both ways, never siblings', () => {
      const r = register();
      for (const s of ['hn-snv', 'hn-syt', 'hn-sgddt']) {
        assert.ok(r.sameLineage('hn-sldtbxh', s), `hn-sldtbxh → ${s}`);
        assert.ok(r.sameLineage(s, 'hn-sldtbxh'), `${s} → hn-sldtbxh`);
      }
      assert.ok(r.sameLineage('hn-syt', 'hn-syt'));
      assert.ok(!r.sameLineage('hn-syt', 'hn-snv'), 'siblings are not one lineage');
      assert.ok(!r.sameLineage('hn-syt', 'hn-bhxh'));
      assert.ok(r.sameLineage('hn-q-ba-dinh', 'hn-g-communes'));
      assert.ok(!r.sameLineage('hn-q-ba-dinh', 'hn-q-hoan-kiem'));
      assert.ok(!r.sameLineage('hn-nope', 'hn-syt'));
    });
  });

  describe('communes imported after 1 July 2025', () => {
    it('the fixture imports cleanly and the register accepts it', () => {
      const communes = fixtureCommunes();
      assert.deepEqual(
        communes.map((c) => [c.id, c.subtype, c.validFrom, c.predecessors]),
        [
          ['hn-p-thu-nghiem-mot', 'phường', '2025-07-01', ['hn-q-hoan-kiem', 'hn-q-ba-dinh']],
          ['hn-x-thu-nghiem-hai', 'xã', '2025-07-01', ['hn-h-ba-vi']],
          ['hn-tt-thu-nghiem-ba', 'thị trấn', '2025-07-01', ['hn-q-dong-da', 'hn-q-hai-ba-trung']],
          ['hn-p-thu-nghiem-bon', 'phường', '2025-07-01', ['hn-h-gia-lam']],
        ],
      );
      const withCommunes = createRegister(registerFile(), communes);
      for (const c of communes) assert.equal(withCommunes.get(c.id)?.name, c.name, c.id);
      assert.equal(withCommunes.agencies.length, createRegister(registerFile()).agencies.length + communes.length);
    });

    it('expand("hn-g-districts") after 1 July 2025 yields the imported communes', () => {
      const r = registerWithCommunes();
      const ids = fixtureCommunes().map((c) => c.id).sort();
      assert.deepEqual([...r.expand('hn-g-districts', '2025-07-01')].sort(), ids);
      assert.deepEqual([...r.expand('hn-g-districts', '2025-12-14')].sort(), ids);
      assert.deepEqual([...r.expand('hn-g-communes', '2025-12-14')].sort(), ids);
      assert.equal(r.expand('hn-g-districts', '2025-06-30').length, DISTRICT_COUNT, 'the districts until the end of June');
    });

    it('a commune valid from a later date joins the group from that date', () => {
      const csv = `${HEADER}\nXã Thử Nghiệm Muộn,xã,2025-09-01,Huyện Ba Vì\n`;
      const late = parseCommuneCsv(csv, opts());
      assert.deepEqual(late.findings, []);
      const r = createRegister(registerFile(), [...fixtureCommunes(), ...late.agencies]);
      assert.ok(!r.expand('hn-g-districts', '2025-08-31').includes('hn-x-thu-nghiem-muon'));
      assert.ok(r.expand('hn-g-districts', '2025-09-01').includes('hn-x-thu-nghiem-muon'));
    });

    it('sameLineage links a commune and its predecessor districts both ways', () => {
      const r = registerWithCommunes();
      for (const d of ['hn-q-hoan-kiem', 'hn-q-ba-dinh']) {
        assert.ok(r.sameLineage('hn-p-thu-nghiem-mot', d), `commune → ${d}`);
        assert.ok(r.sameLineage(d, 'hn-p-thu-nghiem-mot'), `${d} → commune`);
      }
      assert.ok(!r.sameLineage('hn-p-thu-nghiem-mot', 'hn-h-ba-vi'));
      assert.ok(!r.sameLineage('hn-p-thu-nghiem-mot', 'hn-x-thu-nghiem-hai'));
    });

    it('names of imported communes resolve like the districts', () => {
      const r = registerWithCommunes();
      assert.deepEqual(r.resolveNames('Phường Thử Nghiệm Một').ids, ['hn-p-thu-nghiem-mot']);
      assert.deepEqual(r.resolveNames('UBND xã Thử Nghiệm, Hai').ids, ['hn-x-thu-nghiem-hai']);
    });

    it('communes take over the district rows of plan 207 in 2025, districts keep them before', () => {
      const r = registerWithCommunes();
      const p = plan('hn-kh207-2021');
      const rows = (agency: string, period: string) => assignmentFor(p, r, agency, parsePeriod(period)!).indicators.map((x) => `${x.code}:${x.role}`);
      assert.deepEqual(rows('hn-p-thu-nghiem-mot', '2025'), ['2:contributor', '21:contributor', '27:contributor']);
      assert.deepEqual(rows('hn-q-ba-dinh', '2025'), []);
      assert.deepEqual(rows('hn-q-ba-dinh', '2025-6M'), ['2:contributor', '21:contributor', '27:contributor']);
      assert.deepEqual(rows('hn-p-thu-nghiem-mot', '2025-6M'), []);
    });
  });
});

describe('commune CSV importer (parseCommuneCsv)', () => {
  it('reads a BOM, CRLF, blank lines, quoted commas and doubled quotes', () => {
    const r = parseCommuneCsv(readFileSync(fixturePath('communes-hanoi.csv'), 'utf8'), opts());
    assert.deepEqual(r.findings, []);
    assertAgenciesValid(r);
    assert.deepEqual(
      r.agencies.map((a) => [a.name, a.aliases, a.nameEn]),
      [
        ['UBND phường Thử Nghiệm Một', ['Phường Thử Nghiệm Một'], 'Test Ward One'],
        ['UBND xã Thử Nghiệm, Hai', ['Xã Thử Nghiệm, Hai'], 'Test Commune Two'],
        ['UBND thị trấn Thử Nghiệm Ba', ['Thị trấn Thử Nghiệm Ba'], undefined],
        ['UBND phường "Thử Nghiệm" Bốn', ['Phường "Thử Nghiệm" Bốn'], undefined],
      ],
    );
    for (const a of r.agencies) {
      assert.equal(a.city, 'hanoi');
      assert.deepEqual(a.successors, []);
      assert.equal(a.validTo, undefined);
    }
  });

  it('accepts types typed without diacritics or in English, and names with or without the type word', () => {
    const csv = [HEADER, 'Thử Nghiệm Mười,Phuong,,', 'UBND xã Thử Nghiệm Mười Một,XA,,', 'Thử Nghiệm Mười Hai,thị trấn,,', 'Thử Nghiệm Mười Ba,ward,,', 'Thử Nghiệm Mười Bốn,thi-tran,,'].join('\n');
    const r = parseCommuneCsv(csv, opts());
    assert.deepEqual(r.findings, []);
    assert.deepEqual(
      r.agencies.map((a) => [a.id, a.subtype]),
      [
        ['hn-p-thu-nghiem-muoi', 'phường'],
        ['hn-x-thu-nghiem-muoi-mot', 'xã'],
        ['hn-tt-thu-nghiem-muoi-hai', 'thị trấn'],
        ['hn-p-thu-nghiem-muoi-ba', 'phường'],
        ['hn-tt-thu-nghiem-muoi-bon', 'thị trấn'],
      ],
    );
  });

  it('defaults validFrom to 2025-07-01, or to the option', () => {
    const csv = `${HEADER}\nXã Thử Nghiệm Mặc Định,xã,,\n`;
    assert.equal(parseCommuneCsv(csv, opts()).agencies[0]!.validFrom, '2025-07-01');
    assert.equal(parseCommuneCsv(csv, { ...opts(), defaultValidFrom: '2025-08-15' }).agencies[0]!.validFrom, '2025-08-15');
    assert.equal(parseCommuneCsv('name,type\nXã Thử Nghiệm Không Cột,xã\n', opts()).agencies[0]!.validFrom, '2025-07-01', 'no validFrom column');
  });

  it('takes optional id and nameEn columns, in any column order, and a semicolon-separated file', () => {
    const r = parseCommuneCsv('predecessors,nameEn,type,id,name,validFrom\nhn-q-tay-ho,Test Ward,phường,hn-p-thu-nghiem-rieng,Phường Thử Nghiệm Riêng,2025-07-01\n', opts());
    assert.deepEqual(r.findings, []);
    assert.deepEqual([r.agencies[0]!.id, r.agencies[0]!.nameEn, r.agencies[0]!.predecessors], ['hn-p-thu-nghiem-rieng', 'Test Ward', ['hn-q-tay-ho']]);
    const semi = parseCommuneCsv('name;type;validFrom;predecessors\nXã Thử Nghiệm Chấm Phẩy;xã;2025-07-01;Huyện Ba Vì\n', opts());
    assert.deepEqual(semi.findings, []);
    assert.deepEqual(semi.agencies[0]!.predecessors, ['hn-h-ba-vi']);
  });

  it('uses the prefix it is given (a second city)', () => {
    const r = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Cảng,xã,2025-07-01,\n`, { city: 'haiphong', idPrefix: 'hp' });
    assert.deepEqual([r.agencies[0]!.id, r.agencies[0]!.city], ['hn-x-thu-nghiem-cang'.replace('hn-', 'hp-'), 'haiphong']);
  });

  it('turns every bad row of a file into a finding and imports the rest', () => {
    const r = parseCommuneCsv(readFileSync(fixturePath('communes-bad.csv'), 'utf8'), opts());
    assertFindingsReadable(r);
    assertAgenciesValid(r);
    assert.deepEqual(r.agencies.map((a) => a.id), ['hn-p-thu-nghiem-nam']);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.code]),
      [
        [3, 'missing-name'],
        [4, 'unknown-type'],
        [5, 'bad-date'],
        [6, 'unresolved-predecessor'],
        [7, 'formula-like-text'],
        [8, 'predecessor-not-local'],
        [9, 'duplicate-commune'],
      ],
    );
    assert.match(r.findings[6]!.message.vi, /dòng 2/);
  });

  it('rejects impossible dates, not only badly written ones', () => {
    for (const date of ['2025-02-30', '2025-13-01', '2025-7-1', '01/07/2025', '2025-07-01T00:00']) {
      const r = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Ngày,xã,${date},\n`, opts());
      assert.deepEqual(codes(r), ['bad-date'], date);
      assert.equal(r.agencies.length, 0);
    }
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Nhuận,xã,2028-02-29,\n`, opts())), []);
  });

  it('flags formula-like text in any column, even after spaces', () => {
    for (const cell of ['=cmd', '+1+1', '-2', '@SUM(A1)', '\t=1', ' =HYPERLINK("http://x","y")']) {
      const quoted = `"${cell.replace(/"/g, '""')}"`;
      for (const row of [`${quoted},xã,2025-07-01,`, `Xã Thử Nghiệm Công Thức,xã,2025-07-01,${quoted}`]) {
        const r = parseCommuneCsv(`${HEADER}\n${row}\n`, opts());
        assert.deepEqual(codes(r), ['formula-like-text'], row);
        assert.equal(r.agencies.length, 0);
      }
    }
  });

  it('makes ids unique: a duplicate name and type is a finding, a different name with the same slug gets a suffix', () => {
    const csv = [HEADER, 'Phường Thử Nghiệm,phường,,', 'phường thử nghiệm,phường,,', 'Phường Thu Nghiem,phường,,', 'Xã Thử Nghiệm,xã,,'].join('\n');
    const r = parseCommuneCsv(csv, opts());
    assert.deepEqual(r.findings.map((f) => [f.line, f.code]), [[3, 'duplicate-commune']]);
    assert.deepEqual(r.agencies.map((a) => a.id), ['hn-p-thu-nghiem', 'hn-p-thu-nghiem-2', 'hn-x-thu-nghiem']);
  });

  it('checks explicit ids: the slug form, repeats, and clashes with non-commune agencies', () => {
    const csv = [
      'name,type,id',
      'Xã Thử Nghiệm A,xã,Bad Id',
      'Xã Thử Nghiệm B,xã,hn-x-thu-b',
      'Xã Thử Nghiệm C,xã,hn-x-thu-b',
      'Xã Thử Nghiệm D,xã,hn-syt',
    ].join('\n');
    const r = parseCommuneCsv(csv, opts());
    assert.deepEqual(r.findings.map((f) => [f.line, f.code]), [[2, 'bad-id'], [4, 'duplicate-id'], [5, 'duplicate-id']]);
    assert.deepEqual(r.agencies.map((a) => a.id), ['hn-x-thu-b']);
  });

  it('a re-import of communes already in the register keeps their ids', () => {
    const r = parseCommuneCsv(readFileSync(fixturePath('communes-hanoi.csv'), 'utf8'), { ...opts(), register: registerWithCommunes() });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.agencies.map((a) => a.id), fixtureCommunes().map((a) => a.id));
  });

  it('a name that says another type than the type column is a finding', () => {
    const r = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Lệch,phường,,\nPhường,phường,,\n`, opts());
    assert.deepEqual(r.findings.map((f) => [f.line, f.code]), [[2, 'type-mismatch'], [3, 'missing-name']]);
  });

  it('resolves predecessors by id or by name, several per cell; ambiguous or unknown ones are findings', () => {
    const ok = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Tiền Thân,xã,,"hn-h-ba-vi; UBND huyện Phúc Thọ;Quận Hoàn Kiếm, Quận Ba Đình"\n`, opts());
    assert.deepEqual(ok.findings, []);
    assert.deepEqual(ok.agencies[0]!.predecessors, ['hn-h-ba-vi', 'hn-h-phuc-tho', 'hn-q-hoan-kiem', 'hn-q-ba-dinh']);
    for (const cell of ['Hoàn Kiếm', 'hn-q-khong-co', 'UBND quận, huyện, thị xã', 'Sở Y tế', 'Quận Hoàn Kiếm, Sở Không Có']) {
      const r = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Tiền Thân,xã,,"${cell}"\n`, opts());
      assert.equal(r.agencies.length, 0, cell);
      assert.ok(['unresolved-predecessor', 'predecessor-not-local'].includes(codes(r)[0]!), `${cell}: ${codes(r).join(', ')}`);
    }
  });

  it('without a register takes predecessor ids as written and cannot resolve names', () => {
    const noRegister = { city: 'hanoi', idPrefix: 'hn' };
    assert.deepEqual(parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm,xã,,hn-q-ba-dinh\n`, noRegister).agencies[0]!.predecessors, ['hn-q-ba-dinh']);
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm,xã,,Quận Ba Đình\n`, noRegister)), ['unresolved-predecessor']);
  });

  it('reports file-level problems: empty file, missing columns, unknown columns, extra fields, an open quote', () => {
    assert.deepEqual(codes(parseCommuneCsv('', opts())), ['empty-file']);
    assert.deepEqual(codes(parseCommuneCsv('\ufeff\r\n\r\n', opts())), ['empty-file']);
    assert.deepEqual(codes(parseCommuneCsv('name,validFrom\nXã Thử Nghiệm,2025-07-01\n', opts())), ['missing-column']);
    const extra = parseCommuneCsv(`${HEADER},ghi chú\nXã Thử Nghiệm,xã,,,một ghi chú\n`, opts());
    assert.deepEqual(codes(extra), ['unknown-column']);
    assert.equal(extra.agencies.length, 1);
    const shifted = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm, Có Phẩy,xã,2025-07-01,Huyện Ba Vì\n`, opts());
    assert.deepEqual(codes(shifted), ['too-many-fields']);
    const open = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm Đầu,xã,,\n"Xã Thử Nghiệm Mở,xã,,\nXã Thử Nghiệm Sau,xã,,\n`, opts());
    assert.deepEqual(open.findings.map((f) => [f.line, f.code]), [[3, 'unterminated-quote']]);
    assert.deepEqual(open.agencies.map((a) => a.id), ['hn-x-thu-nghiem-dau']);
  });

  it('bounds what it reads: huge files, too many rows, long fields, control characters, repeated columns', () => {
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\n${'x'.repeat(2_000_001)}`, opts())), ['too-large']);
    const many = parseCommuneCsv(`${HEADER}\n${Array.from({ length: 5_001 }, (_, i) => `Xã Thử Nghiệm Số ${i + 1},xã,,`).join('\n')}\n`, opts());
    assert.deepEqual(many.findings.map((f) => [f.line, f.code]), [[5_002, 'too-many-rows']]);
    assert.equal(many.agencies.length, 5_000);
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\nXã ${'Thử '.repeat(200)},xã,,\n`, opts())), ['field-too-long']);
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\nXã Thử\u0000Nghiệm,xã,,\n`, opts())), ['invalid-characters']);
    assert.deepEqual(codes(parseCommuneCsv(`${HEADER}\nXã Thử \ud800Nghiệm,xã,,\n`, opts())), ['invalid-characters']);
    const twice = parseCommuneCsv('name,type,name\nXã Thử Nghiệm Đúp,xã,Khác\n', opts());
    assert.deepEqual(codes(twice), ['duplicate-column']);
    assert.equal(twice.agencies[0]!.name, 'UBND xã Thử Nghiệm Đúp');
  });

  it('reports bad options instead of throwing', () => {
    for (const bad of [
      { city: '', idPrefix: 'hn' },
      { city: 'hanoi', idPrefix: 'HN!' },
      { city: 'hanoi', idPrefix: 'hn', defaultValidFrom: '1/7/2025' },
      null,
    ]) {
      const r = parseCommuneCsv(`${HEADER}\nXã Thử Nghiệm,xã,,\n`, bad as never);
      assert.deepEqual(codes(r), ['bad-options'], JSON.stringify(bad));
      assert.equal(r.agencies.length, 0);
    }
    assert.deepEqual(codes(parseCommuneCsv(42 as never, opts())), ['empty-file']);
  });

  it('never throws on arbitrary text; what it imports always validates, with unique ids (property)', () => {
    const csvChar = fc.constantFrom(',', ';', '"', '\n', '\r', '\r\n', ' ', '=', '-', '+', '@', '\t', '\ufeff', 'x', 'ã', 'Phường', 'xã', 'thị trấn', '2025-07-01', 'Quận Ba Đình', 'hn-q-ba-dinh', 'Thử Nghiệm');
    const csvLike = fc.array(csvChar, { maxLength: 60 }).map((parts) => parts.join(''));
    const withHeader = csvLike.map((body) => `${HEADER},id,nameEn\n${body}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), csvLike, withHeader), (text) => {
        const r = parseCommuneCsv(text, opts());
        assertAgenciesValid(r);
        assertFindingsReadable(r);
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const f of r.findings) assert.ok(f.line <= lines, `line ${f.line} of ${lines}`);
      }),
      { numRuns: 1_000 },
    );
  });

  it('imports every well-formed row whatever the quoting and line ends (property)', () => {
    const row = fc.record({
      n: fc.integer({ min: 1, max: 400 }),
      type: fc.constantFrom('xã', 'phường', 'thị trấn', 'Xa', 'PHUONG'),
      quote: fc.boolean(),
      eol: fc.constantFrom('\n', '\r\n'),
      predecessors: fc.subarray(['hn-q-ba-dinh', 'Quận Hoàn Kiếm', 'UBND huyện Ba Vì']),
    });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => r.n, maxLength: 25 }), fc.boolean(), (rows, bom) => {
        const q = (s: string, force: boolean) => (force || /[",;\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const text = (bom ? '\ufeff' : '') + HEADER + '\r\n' + rows.map((r) => `${q(`Thử Nghiệm Số ${r.n}`, r.quote)},${r.type},,${q(r.predecessors.join('; '), r.quote)}${r.eol}`).join('');
        const result = parseCommuneCsv(text, opts());
        assert.deepEqual(result.findings, []);
        assert.equal(result.agencies.length, rows.length);
        assertAgenciesValid(result);
        result.agencies.forEach((a, i) => assert.equal(a.predecessors.length, rows[i]!.predecessors.length));
      }),
      { numRuns: 200 },
    );
  });
});
