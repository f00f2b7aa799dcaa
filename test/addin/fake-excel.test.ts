import assert from 'node:assert/strict';
import { REQUEST_LIMIT_BYTES, createFakeExcel } from '../../addin/testing/fake-excel';
import type { FakeRequestContext } from '../../addin/testing/fake-excel';

/** Runs a batch against a fresh fake host. */
function host() {
  const fake = createFakeExcel();
  const run = <T>(batch: (context: FakeRequestContext) => Promise<T>) => fake.Excel.run(batch);
  return { fake, run };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal((error as { code?: string }).code, code, String(error));
    return true;
  });
}

describe('fake Excel host: the rules it enforces', () => {
  it('refuses a 2-D array whose shape differs from the range, at sync, with InvalidArgument', async () => {
    const { fake, run } = host();
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1:B2').values = [[1, 2, 3], [4, 5, 6]];
        await context.sync();
      }),
      'InvalidArgument',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1:B2').numberFormat = [['0.0', '0.0']];
        await context.sync();
      }),
      'InvalidArgument',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1:A3').formulas = [['=1'], ['=2']];
        await context.sync();
      }),
      'InvalidArgument',
    );
    // A ragged array is refused too, and nothing was written.
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1:B2').values = [[1, 2], [3]];
        await context.sync();
      }),
      'InvalidArgument',
    );
    assert.equal(fake.workbook.sheet('Sheet1')!.cells.size, 0);
  });

  it('throws PropertyNotLoaded when a property is read before load() and sync()', async () => {
    const { run } = host();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      const range = sheet.getRange('A1:B1');
      range.values = [['a', 2]];
      await context.sync();
      assert.throws(() => range.address, (e: { code?: string }) => e.code === 'PropertyNotLoaded');
      assert.throws(() => sheet.name, (e: { code?: string }) => e.code === 'PropertyNotLoaded');
      range.load('address,values');
      // Loaded only once synced.
      assert.throws(() => range.address, (e: { code?: string }) => e.code === 'PropertyNotLoaded');
      await context.sync();
      assert.equal(range.address, 'Sheet1!A1:B1');
      assert.deepEqual(range.values, [['a', 2]]);
      const items = context.workbook.worksheets;
      assert.throws(() => items.items, (e: { code?: string }) => e.code === 'PropertyNotLoaded');
    });
  });

  it('resolves *OrNullObject after a sync: isNullObject is unreadable before', async () => {
    const { run } = host();
    await run(async (context) => {
      const missing = context.workbook.worksheets.getItemOrNullObject('Nowhere');
      const present = context.workbook.worksheets.getItemOrNullObject('sheet1');
      const setting = context.workbook.settings.getItemOrNullObject('k');
      assert.throws(() => missing.isNullObject, (e: { code?: string }) => e.code === 'PropertyNotLoaded');
      await context.sync();
      assert.equal(missing.isNullObject, true);
      assert.equal(present.isNullObject, false);
      assert.equal(setting.isNullObject, true);
    });
  });

  it('fails a request over 5 MB with RequestPayloadSizeLimitExceeded and applies none of it', async () => {
    const { fake, run } = host();
    const big = Array.from({ length: 3000 }, (_, r) => [`${'x'.repeat(1900)}${r}`]);
    await rejectsWith(
      run(async (context) => {
        const sheet = context.workbook.worksheets.getItem('Sheet1');
        sheet.getRange('B1').values = [['written first']];
        sheet.getRange('A1:A3000').values = big;
        await context.sync();
      }),
      'RequestPayloadSizeLimitExceeded',
    );
    const stats = fake.stats();
    assert.equal(stats.syncs, 1);
    assert.ok(stats.requestBytes[0]! > REQUEST_LIMIT_BYTES);
    assert.equal(fake.workbook.sheet('Sheet1')!.cells.size, 0, 'nothing of the refused request is applied');
    // The same data in two requests goes through.
    fake.reset();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      sheet.getRange('A1:A1500').values = big.slice(0, 1500);
      await context.sync();
      sheet.getRange('A1501:A3000').values = big.slice(1500);
      await context.sync();
    });
    assert.equal(fake.stats().syncs, 2);
    assert.ok(fake.stats().requestBytes.every((b) => b < REQUEST_LIMIT_BYTES));
    assert.equal(fake.workbook.sheet('Sheet1')!.values('A3000')[0]![0], `${'x'.repeat(1900)}2999`);
    // Reading it all back in one request is too large an answer.
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1:A3000').load('values');
        await context.sync();
      }),
      'ResponsePayloadSizeLimitExceeded',
    );
    assert.ok(fake.stats().responseBytes.at(-1)! > REQUEST_LIMIT_BYTES);
  });

  it('stops a request at the failing operation: earlier operations stay applied', async () => {
    const { fake, run } = host();
    await rejectsWith(
      run(async (context) => {
        const sheet = context.workbook.worksheets.getItem('Sheet1');
        sheet.getRange('A1').values = [['before']];
        context.workbook.worksheets.getItem('Missing').getRange('A1').values = [['x']];
        sheet.getRange('A2').values = [['after']];
        await context.sync();
      }),
      'ItemNotFound',
    );
    const sheet = fake.workbook.sheet('Sheet1')!;
    assert.deepEqual(sheet.values('A1:A2'), [['before'], ['']]);
  });

  it('counts one request per sync with operations, and Excel.run syncs what is left', async () => {
    const { fake, run } = host();
    await run(async (context) => {
      await context.sync(); // nothing queued: no request
      context.workbook.worksheets.getItem('Sheet1').getRange('A1').values = [[1]];
    });
    assert.equal(fake.stats().syncs, 1);
    assert.equal(fake.workbook.sheet('Sheet1')!.values('A1')[0]![0], 1);
  });

  it('interprets values like Excel: formulas from = + - @, an apostrophe keeps text, a text format keeps numbers as text, null leaves a cell, "" clears it', async () => {
    const { fake, run } = host();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      sheet.getRange('A1:A2').numberFormat = [['@'], [null]];
      sheet.getRange('A1:F2').values = [
        ['11', '=SUM(1,2)', '-abc', "'=SUM(1,2)", '-5', '@x'],
        ['11', '+84 24', 'text', "''lead", 'TRUE', 'x'],
      ];
      await context.sync();
      sheet.getRange('F1:F2').values = [[null], ['']];
    });
    const s = fake.workbook.sheet('Sheet1')!;
    assert.equal(s.cell('A1')!.value, '11', 'text format keeps "11" as text');
    assert.equal(s.cell('A2')!.value, 11, 'General turns "11" into a number');
    assert.equal(s.cell('B1')!.formula, '=SUM(1,2)');
    assert.equal(s.cell('C1')!.formula, '=-abc');
    assert.equal(s.cell('B2')!.formula, '=+84 24');
    assert.equal(s.cell('D1')!.value, '=SUM(1,2)');
    assert.equal(s.cell('D1')!.formula, null);
    assert.equal(s.cell('D1')!.quotePrefix, true);
    assert.equal(s.cell('D2')!.value, "'lead");
    assert.equal(s.cell('E1')!.value, -5);
    assert.equal(s.cell('E2')!.value, true);
    assert.equal(s.cell('F1')!.formula, '=x', '"@x" is a formula');
    assert.equal(s.values('F2')[0]![0], '', '"" clears');
  });

  it('protects sheets: locked cells refuse writes, unlocked ones take them; protect() twice fails', async () => {
    const { fake, run } = host();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      sheet.getRange('B2').format.protection.locked = false;
      sheet.protection.protect({ allowFormatColumns: true });
      sheet.getRange('B2').values = [[5]];
      await context.sync();
    });
    assert.equal(fake.workbook.sheet('Sheet1')!.values('B2')[0]![0], 5);
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('A1').values = [[1]];
        await context.sync();
      }),
      'AccessDenied',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').getRange('B2').format.fill.color = '#FF0000';
        await context.sync();
      }),
      'AccessDenied',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').protection.protect();
        await context.sync();
      }),
      'InvalidOperation',
    );
    await run(async (context) => {
      const protection = context.workbook.worksheets.getItem('Sheet1').protection.load('protected,options');
      await context.sync();
      assert.equal(protection.protected, true);
      assert.equal(protection.options.allowFormatColumns, true);
      assert.equal(protection.options.allowInsertRows, false);
    });
  });

  it('keeps sheet-scoped names on their cells when rows are inserted and the sheet renamed', async () => {
    const { fake, run } = host();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      sheet.getRange('H9').values = [[42]];
      sheet.names.add('asr.value.11', sheet.getRange('H9'));
      sheet.getRange('A5:C5').merge(false);
      await context.sync();
      sheet.getRange('3:4').insert('Down');
      sheet.name = 'Chỉ tiêu';
      const item = sheet.names.getItem('asr.value.11');
      item.load('formula');
      const range = item.getRange().load('address,values');
      await context.sync();
      assert.equal(item.formula, "='Chỉ tiêu'!$H$11");
      assert.equal(range.address, "'Chỉ tiêu'!H11");
      assert.deepEqual(range.values, [[42]]);
    });
    const sheet = fake.workbook.sheet('Chỉ tiêu')!;
    assert.equal(sheet.nameAddress('asr.value.11'), 'H11');
    assert.ok(sheet.mergedAt('A7:C7'), 'merges move with the rows');
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Chỉ tiêu').names.add('asr.value.11', 'H1');
        await context.sync();
      }),
      'ItemAlreadyExists',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Chỉ tiêu').names.add('A1', 'H1');
        await context.sync();
      }),
      'InvalidArgument',
    );
  });

  it('follows Excel on sheets: unique valid names, at least one visible sheet, very hidden sheets', async () => {
    const { fake, run } = host();
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.add('SHEET1');
        await context.sync();
      }),
      'ItemAlreadyExists',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.add('a/b');
        await context.sync();
      }),
      'InvalidArgument',
    );
    await rejectsWith(
      run(async (context) => {
        context.workbook.worksheets.getItem('Sheet1').visibility = 'VeryHidden';
        await context.sync();
      }),
      'InvalidOperation',
    );
    await run(async (context) => {
      const meta = context.workbook.worksheets.add('_meta');
      meta.visibility = 'VeryHidden';
      meta.load('id');
      await context.sync();
      const sheets = context.workbook.worksheets.load('items/name,items/visibility');
      await context.sync();
      assert.deepEqual(sheets.items.map((s) => [s.name, s.visibility]), [['Sheet1', 'Visible'], ['_meta', 'VeryHidden']]);
      assert.match(meta.id, /^\{[0-9A-F-]+\}$/);
    });
    assert.equal(fake.workbook.sheets.length, 2);
  });

  it('keeps tables unique and off merged cells, and settings as JSON', async () => {
    const { fake, run } = host();
    await run(async (context) => {
      const sheet = context.workbook.worksheets.getItem('Sheet1');
      sheet.getRange('A1:B3').values = [['h1', 'h2'], [1, 2], [3, 4]];
      const table = sheet.tables.add(sheet.getRange('A1:B3'), true);
      table.name = 'PhuLuc1';
      table.style = 'TableStyleLight9';
      context.workbook.settings.add('asr.x', JSON.stringify([{ a: 1 }]));
      await context.sync();
    });
    assert.deepEqual(fake.workbook.allTables().map((t) => [t.table.name, t.table.style]), [['PhuLuc1', 'TableStyleLight9']]);
    assert.equal(fake.workbook.setting('asr.x'), '[{"a":1}]');
    await rejectsWith(
      run(async (context) => {
        const sheet = context.workbook.worksheets.getItem('Sheet1');
        sheet.getRange('D1:E3').values = [['h1', 'h2'], [1, 2], [3, 4]];
        const t = sheet.tables.add('D1:E3', true);
        t.name = 'phuluc1';
        await context.sync();
      }),
      'ItemAlreadyExists',
    );
    await rejectsWith(
      run(async (context) => {
        const sheet = context.workbook.worksheets.getItem('Sheet1');
        sheet.getRange('G1:H1').merge(false);
        sheet.tables.add('G1:H3', true);
        await context.sync();
      }),
      'InvalidOperation',
    );
  });
});
