import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { excelApiUses, problemOf, programOver } from './excel-api-usage';

/**
 * Every Office.js member the adapter uses belongs to ExcelApi 1.8 or lower — the set the
 * manifest requires (manifest/manifest.xml) — as @types/office-js annotates it.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const HIGHEST: [number, number] = [1, 8];
/** The one adapter file allowed ExcelApi 1.9, behind Office.context.requirements.isSetSupported. */
const GUARDED_1_9 = 'addin/excel/office/page-layout.ts';

/** The adapter: every file under addin/excel/. */
function adapterFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) out.push(resolve(path));
    }
  };
  walk(join(root, 'addin/excel'));
  return out.sort();
}

describe('ExcelApi requirement set: the adapter uses nothing above ExcelApi 1.8', function () {
  this.timeout(120_000);

  it('holds for every Office.js member used under addin/excel/ (read from the [Api set] annotations)', () => {
    const files = adapterFiles();
    const program = programOver(files, root);
    const uses = excelApiUses(program, files, root);
    const members = new Set(uses.map((u) => u.member));
    const unannotated = [...new Set(uses.filter((u) => !u.apiSet).map((u) => u.member))];
    console.log(`      unannotated, allowed as ExcelApi 1.1: ${unannotated.join(', ')}`);
    console.log(`      ${uses.length} uses of ${members.size} Excel members in ${files.length} files; highest: ${[...new Set(uses.map((u) => u.apiSet?.version?.join('.') ?? 'none'))].sort().join(', ')}`);
    // The check sees the adapter's work: values, validation, names, protection, charts.
    for (const expected of ['Excel.Range.values', 'Excel.DataValidation.rule', 'Excel.NamedItemCollection.add', 'Excel.WorksheetProtection.protect', 'Excel.ChartCollection.add', 'Excel.WorksheetProtectionOptions.allowEditObjects', 'Excel.ConditionalFormatType.custom', 'Excel.SheetVisibility.hidden', 'Excel.BorderIndex.edgeTop']) {
      assert.ok(members.has(expected), `${expected} is seen`);
    }
    // The page layout (ExcelApi 1.9) is set only where the host says it supports 1.9: that file alone may use 1.9.
    const guarded = (u: (typeof uses)[number]) => u.where.startsWith(`${GUARDED_1_9}:`);
    assert.deepEqual(uses.filter((u) => !guarded(u)).map((u) => problemOf(u, HIGHEST)).filter(Boolean), []);
    assert.deepEqual(uses.filter(guarded).map((u) => problemOf(u, [1, 9])).filter(Boolean), [], `${GUARDED_1_9} uses nothing above ExcelApi 1.9`);
    assert.ok(uses.some((u) => guarded(u) && u.member === 'Excel.PageLayout.setPrintTitleRows'), 'the page layout is seen');
    const guard = readFileSync(join(root, GUARDED_1_9), 'utf8');
    assert.match(guard, /isSetSupported\('ExcelApi', PAGE_LAYOUT_API_SET\)/);
    assert.match(guard, /PAGE_LAYOUT_API_SET = '1\.9'/);
    assert.match(guard, /if \(!page \|\| !supported\) return false;/, 'nothing is queued without the guard');
  });

  it('reports a newer member, an enum value of a newer set and an unannotated member, with file and line', () => {
    const file = resolve(root, 'addin/excel/__api-set-probe.ts');
    const source = [
      '/// <reference types="office-js" />',
      'export function probe(range: Excel.Range, sheet: Excel.Worksheet): void {',
      '  range.format.indentLevel = 2;', // ExcelApi 1.9
      "  sheet.autoFilter.apply(range, 0, { criterion1: '>5', filterOn: 'Custom' as Excel.FilterOn });", // 1.9
      "  range.values = [[1]];", // 1.1: fine
      "  void ('Icon' as Excel.ConditionalFormatType);", // 1.6: fine
      "  void ('Boxwhisker' as Excel.ChartType);", // an enum value of ExcelApi 1.9
      "  sheet.charts.add('Boxwhisker', range);", // the same, written where the enum is expected
      '}',
    ].join('\n');
    const program = programOver([], root, new Map([[file, source]]));
    const problems = excelApiUses(program, [file], root)
      .map((u) => problemOf(u, HIGHEST))
      .filter((p): p is string => p !== null);
    assert.ok(problems.some((p) => p.startsWith('Excel.RangeFormat.indentLevel (addin/excel/__api-set-probe.ts:3) needs ExcelApi 1.9')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('Excel.Worksheet.autoFilter (addin/excel/__api-set-probe.ts:4) needs ExcelApi 1.9')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('Excel.ChartType.boxwhisker (addin/excel/__api-set-probe.ts:7) needs ExcelApi 1.9')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('Excel.ChartType.boxwhisker (addin/excel/__api-set-probe.ts:8) needs ExcelApi 1.9')), problems.join('\n'));
    assert.ok(problems.every((p) => !/values|\.icon/.test(p)), problems.join('\n'));
    // An unannotated member outside the known base members is not assumed to be old.
    assert.match(String(problemOf({ member: 'Excel.Made.up', where: 'x.ts:1', apiSet: null }, HIGHEST)), /has no \[Api set\] annotation/);
    assert.equal(problemOf({ member: 'Excel.run', where: 'x.ts:1', apiSet: null }, HIGHEST), null);
    assert.match(String(problemOf({ member: 'Excel.X.y', where: 'x.ts:1', apiSet: { set: 'ExcelApiOnline', version: [1, 1], text: '[Api set: ExcelApiOnline 1.1]' } }, HIGHEST)), /not ExcelApi/);
  });

  it('reads the manifest requirement it enforces', () => {
    const manifest = readFileSync(join(root, 'manifest/manifest.xml'), 'utf8');
    assert.match(manifest, /<Set Name="ExcelApi" MinVersion="1\.8"\s*\/>/);
  });
});
