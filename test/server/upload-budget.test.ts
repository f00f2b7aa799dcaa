import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import { cellAddress } from '../../shared/layout/a1';
import { agencyTemplate } from '../../shared/layout/template';
import { UPLOAD_LIMITS, configFromEnv } from '../../server/config';
import { Slots } from '../../server/slots';
import { readTemplateUpload } from '../../server/xlsx/read';
import { renderWorkbook } from '../../server/xlsx/render';
import { inflateWithinBudget, storedZip, unsafeName } from '../../server/xlsx/zip-budget';
import { freePort } from './child-server';

/**
 * Uploads on a hard budget (issue 9, item 1): zip bombs whose headers lie are stopped on
 * the inflated stream, only the parts an .xlsx needs are inflated, and the real server,
 * under concurrent bombs from one agency, stays alive, stays under a memory bound and still
 * answers another agency's PUT.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));
const plan207 = compilePlan(load('shared/plans/hn-kh207-2021.json'));
const register = createRegister(load('shared/agencies/hanoi.json'));
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Zips as a forger writes them

interface RawEntry {
  name: string;
  method: number;
  crc: number;
  /** The bytes as stored in the zip (deflated or not). */
  data: Buffer;
  /** The uncompressed size both headers claim: whatever the forger likes. */
  claimed: number;
}

/** The entries of a zip as they are stored (the test's own reader, trusting the file: it made it). */
function entriesOf(zip: Buffer): RawEntry[] {
  let eocd = zip.length - 22;
  while (zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const out: RawEntry[] = [];
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const nameLength = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      data: zip.subarray(start, start + zip.readUInt32LE(p + 20)),
      claimed: zip.readUInt32LE(p + 24),
    });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return out;
}

/** A zip of the entries, local and central headers both claiming `claimed` as the size. */
function writeZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.claimed, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.claimed, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const deflated = (name: string, content: Buffer): RawEntry => ({ name, method: 8, crc: zlib.crc32(content), data: zlib.deflateRawSync(content), claimed: content.length });
const stored = (name: string, content: Buffer): RawEntry => ({ name, method: 0, crc: zlib.crc32(content), data: content, claimed: content.length });

/**
 * Raw deflate data that inflates to `megabytes` MB of spaces, built without ever holding
 * them: one megabyte deflated and flushed (byte-aligned, history reset) is repeated, then
 * a final empty block closes the stream. About 1 KB of zip per MB inflated.
 */
function deflateBomb(megabytes: number): Buffer {
  const segment = zlib.deflateRawSync(Buffer.alloc(MB, 0x20), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array<Buffer>(megabytes).fill(segment), Buffer.from([0x03, 0x00])]);
}

/** The file with one part's content replaced by `data`, both headers still claiming the old size. */
function forge(file: Buffer, name: string, data: Buffer, method = 8): Buffer {
  const entries = entriesOf(file);
  const at = entries.findIndex((e) => e.name === name);
  assert.ok(at >= 0, `the file has ${name}`);
  entries[at] = { ...entries[at]!, method, data };
  return writeZip(entries);
}

function inflateAll(file: Buffer): Map<string, Buffer> {
  return new Map(entriesOf(file).filter((e) => !e.name.endsWith('/')).map((e) => [e.name, e.method === 8 ? zlib.inflateRawSync(e.data) : e.data]));
}

// ---------------------------------------------------------------------------------------

describe('uploads on a hard budget', () => {
  const layout = agencyTemplate(plan207, register, { agencyId: 'hn-syt', period: '2023-6M' });
  /** A small budget, so the unit tests stay quick: 1 MB a part, 2 MB in all. */
  const small = { maxPartBytes: MB, maxUnpackedBytes: 2 * MB };
  let template: Buffer;
  let filledFile: Buffer;
  before(async () => {
    template = await renderWorkbook(layout);
    // Filled as a person would: a number, a formula with its cached result, a note.
    const at = new Map<string, { sheet: string; address: string }>();
    for (const sheet of layout.sheets) sheet.grid.forEach((row, r) => row.forEach((cell, c) => cell.input && at.set(`${cell.input.kind}:${cell.input.code}`, { sheet: sheet.name, address: cellAddress(r, c) })));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template as unknown as ExcelJS.Buffer);
    const cell = (key: string) => book.getWorksheet(at.get(key)!.sheet)!.getCell(at.get(key)!.address);
    cell('value:11').value = 28.7;
    cell('value:16').value = { formula: 'H7*2', result: 57.4 };
    cell('note:11').value = 'Đạt kế hoạch năm';
    filledFile = Buffer.from(await book.xlsx.writeBuffer());
  });

  describe('inflateWithinBudget', () => {
    const budget = { maxEntries: 100, maxPartBytes: MB, maxTotalBytes: 2 * MB };
    const every = () => true;

    it('gives every wanted part of a normal template byte for byte, and only those', async () => {
      const result = await inflateWithinBudget(template, (name) => name.startsWith('xl/'), budget);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.problem));
      const expected = inflateAll(template);
      assert.deepEqual([...result.parts.keys()], [...expected.keys()].filter((n) => n.startsWith('xl/')));
      for (const [name, data] of result.parts) assert.ok(data.equals(expected.get(name)!), name);
      assert.equal(result.entries, entriesOf(template).length);
    });

    it('stops a part whose headers claim a small size as soon as it inflates past the part budget', async () => {
      const bomb = forge(template, 'xl/worksheets/sheet1.xml', deflateBomb(64));
      const claimed = entriesOf(bomb).find((e) => e.name === 'xl/worksheets/sheet1.xml')!.claimed;
      assert.ok(claimed < 20_000, 'both headers claim the template size');
      const result = await inflateWithinBudget(bomb, every, budget);
      assert.deepEqual(!result.ok && result.problem, { kind: 'part-too-large', name: 'xl/worksheets/sheet1.xml', limit: MB });
    });

    it('stops parts that each fit but together inflate past the total budget', async () => {
      const honest = [0, 1, 2].map((i) => deflated(`xl/worksheets/sheet${i + 1}.xml`, Buffer.alloc(MB - 10, 0x20)));
      assert.deepEqual(await problemOf(writeZip(honest)), { kind: 'total-too-large', limit: 2 * MB }, 'refused on the declared sizes');
      // Two honest parts fill the budget but for 20 bytes; the third claims 10 bytes and holds 1 MB.
      const lying = [honest[0]!, honest[1]!, { ...honest[2]!, claimed: 10 }];
      assert.deepEqual(await problemOf(writeZip(lying)), { kind: 'total-too-large', limit: 2 * MB }, 'and on the inflated bytes');
      async function problemOf(zip: Buffer) {
        const result = await inflateWithinBudget(zip, every, budget);
        return !result.ok && result.problem;
      }
    });

    it('refuses a part whose declared size is over the budget before inflating it', async () => {
      const zip = writeZip([{ ...deflated('xl/styles.xml', Buffer.from('<styleSheet/>')), claimed: 5 * MB }]);
      const result = await inflateWithinBudget(zip, every, budget);
      assert.deepEqual(!result.ok && result.problem, { kind: 'part-too-large', name: 'xl/styles.xml', limit: MB });
    });

    it('counts stored parts too, and refuses a part that is not the size its headers claim', async () => {
      const big = stored('xl/sharedStrings.xml', Buffer.alloc(MB + 1, 0x20));
      let result = await inflateWithinBudget(writeZip([{ ...big, claimed: 10 }]), every, budget);
      assert.equal(!result.ok && result.problem.kind, 'part-too-large', 'a stored part is counted on its bytes, not its header');
      const content = Buffer.from('<sst>xin chào</sst>');
      for (const entry of [stored('xl/sharedStrings.xml', content), deflated('xl/sharedStrings.xml', content)]) {
        result = await inflateWithinBudget(writeZip([entry]), every, budget);
        assert.ok(result.ok && result.parts.get('xl/sharedStrings.xml')!.equals(content), `method ${entry.method} reads back`);
        result = await inflateWithinBudget(writeZip([{ ...entry, claimed: content.length - 1 }]), every, budget);
        assert.equal(!result.ok && result.problem.kind, 'damaged', `method ${entry.method}: a lie within budget is still a lie`);
        result = await inflateWithinBudget(writeZip([{ ...entry, crc: (entry.crc ^ 1) >>> 0 }]), every, budget);
        assert.equal(!result.ok && result.problem.kind, 'damaged', `method ${entry.method}: a wrong checksum`);
      }
    });

    it('never inflates a part it was not asked for, however large it is', async () => {
      const bomb = deflateBomb(256);
      const zip = writeZip([...entriesOf(template), { name: 'xl/media/image1.png', method: 8, crc: 0, data: bomb, claimed: 1000 }]);
      const result = await inflateWithinBudget(zip, (name) => !name.startsWith('xl/media/'), budget);
      assert.ok(result.ok);
      assert.equal(result.parts.has('xl/media/image1.png'), false);
    });

    it('refuses too many entries, and names no spreadsheet writer produces', async () => {
      const many = writeZip(Array.from({ length: 101 }, (_, i) => stored(`xl/media/image${i}.png`, Buffer.from('x'))));
      let result = await inflateWithinBudget(many, every, budget);
      assert.deepEqual(!result.ok && result.problem, { kind: 'too-many-entries', entries: 101, limit: 100 });
      for (const name of ['../evil.xml', 'xl/../../etc/passwd', '//xl/workbook.xml', 'xl\\workbook.xml', 'xl/a\u0000.xml', 'a/b/c/d/e/f/g/h/i.xml', `xl/${'a'.repeat(300)}.xml`, 'xl/./styles.xml']) {
        result = await inflateWithinBudget(writeZip([stored(name, Buffer.from('x'))]), every, budget);
        assert.equal(!result.ok && result.problem.kind, 'unsafe-name', JSON.stringify(name));
      }
      result = await inflateWithinBudget(writeZip([stored('xl/styles.xml', Buffer.from('a')), stored('XL/Styles.xml', Buffer.from('b'))]), every, budget);
      assert.equal(!result.ok && result.problem.kind, 'unsafe-name', 'two parts with one name');
      assert.equal(unsafeName('/xl/workbook.xml'.slice(1)), false);
      assert.equal(unsafeName('xl/worksheets/_rels/sheet1.xml.rels'), false);
    });

    it('is total on damaged zips: cut, shifted offsets, an unknown method, encryption', async () => {
      const results = await Promise.all([
        inflateWithinBudget(template.subarray(0, template.length - 30), every, budget),
        inflateWithinBudget(Buffer.concat([Buffer.alloc(7), template]), every, budget),
        inflateWithinBudget(writeZip([{ ...stored('xl/styles.xml', Buffer.from('x')), method: 12 }]), every, budget),
        inflateWithinBudget(Buffer.from('PK not a zip'), every, budget),
      ]);
      for (const r of results) assert.equal(!r.ok && r.problem.kind, 'damaged');
      const encrypted = writeZip([stored('xl/styles.xml', Buffer.from('x'))]);
      encrypted.writeUInt16LE(0x0801, encrypted.readUInt32LE(encrypted.length - 6) + 8);
      const r = await inflateWithinBudget(encrypted, every, budget);
      assert.equal(!r.ok && r.problem.kind, 'damaged');
    });

    it('storedZip packs the parts without compression, with true sizes, as jszip reads them', async () => {
      const parts = new Map([...inflateAll(template)]);
      const packed = storedZip(parts);
      const entries = entriesOf(packed);
      assert.ok(entries.every((e) => e.method === 0 && e.claimed === e.data.length));
      const zip = await JSZip.loadAsync(packed, { checkCRC32: true });
      for (const [name, data] of parts) assert.ok((await zip.file(name)!.async('nodebuffer')).equals(data), name);
    });
  });

  describe('readTemplateUpload on the budget', () => {
    it('reads a filled template as before: its figures, the cached result of a formula, reported in both languages', async () => {
      const reading = await readTemplateUpload(filledFile, small);
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.entries.find((e) => e.code === '11')?.value, 28.7);
      assert.equal(reading.entries.find((e) => e.code === '11')?.note, 'Đạt kế hoạch năm');
      assert.equal(reading.entries.find((e) => e.code === '16')?.value, 57.4, 'the cached result, not the formula');
      const formula = reading.findings.find((f) => f.code === 'formula-cell');
      assert.ok(formula);
      assert.match(formula.message.vi, /công thức =H7\*2; đã đọc kết quả "57,4" lưu trong tệp/);
      assert.match(formula.message.en, /formula =H7\*2; its stored result "57.4" was read/);
    });

    it('reads a template stored without compression the same as the deflated one', async () => {
      const asStored = writeZip(entriesOf(filledFile).map((e) => (e.method === 8 ? stored(e.name, zlib.inflateRawSync(e.data)) : e)));
      assert.deepEqual(await readTemplateUpload(asStored, small), await readTemplateUpload(filledFile, small));
    });

    it('refuses a forged bomb with 413 too-large-inflated, naming the part and the budget, in both languages', async () => {
      const reading = await readTemplateUpload(forge(filledFile, 'xl/sharedStrings.xml', deflateBomb(200)), small);
      assert.equal(reading.ok, false);
      if (reading.ok) return;
      assert.equal(reading.code, 'too-large-inflated');
      assert.equal(reading.status, 413);
      assert.match(reading.message.vi, /giải nén ra quá lớn \(xl\/sharedStrings\.xml > 1\.0 MB\)/);
      assert.match(reading.message.en, /unpacks to too much data \(xl\/sharedStrings\.xml > 1\.0 MB\)/);
    });

    it('reads a template whose pictures, properties or look-alike names hold bombs: those parts are never inflated', async () => {
      const bomb = deflateBomb(64);
      const extra = ['xl/media/image1.png', 'docProps/custom.xml', 'xl/worksheets/sheet1.xml.bak', 'customXml/xl/worksheets/sheet9.xml', 'xl/theme/theme2.xml'];
      const zip = writeZip([...entriesOf(filledFile), ...extra.map((name) => ({ name, method: 8, crc: 0, data: bomb, claimed: 10 }))]);
      const reading = await readTemplateUpload(zip, small);
      assert.ok(reading.ok, JSON.stringify(reading));
      assert.equal(reading.entries.find((e) => e.code === '11')?.value, 28.7);
    });

    it('refuses too many parts with 413 and an unsafe name with 422', async () => {
      const crowded = writeZip([...entriesOf(filledFile), ...Array.from({ length: UPLOAD_LIMITS.maxZipEntries }, (_, i) => stored(`xl/media/i${i}.png`, Buffer.from('x')))]);
      let reading = await readTemplateUpload(crowded, small);
      assert.deepEqual(!reading.ok && [reading.code, reading.status], ['too-many-parts', 413]);
      reading = await readTemplateUpload(writeZip([...entriesOf(filledFile), stored('../../server.pid', Buffer.from('1'))]), small);
      assert.deepEqual(!reading.ok && [reading.code, reading.status], ['unsafe-zip', 422]);
      assert.match(!reading.ok ? reading.message.en : '', /unusual name \(\.\.\/\.\.\/server\.pid\)/);
    });
  });

  describe('Slots', () => {
    it('runs at most `concurrent` tasks, queues up to `queue`, refuses the rest at once, then serves the queue in order', async () => {
      const slots = new Slots(2, 1);
      let running = 0;
      let most = 0;
      const order: number[] = [];
      const gates: Array<() => void> = [];
      const task = (n: number) => () =>
        new Promise<number>((resolve) => {
          running++;
          most = Math.max(most, running);
          order.push(n);
          gates.push(() => {
            running--;
            resolve(n);
          });
        });
      const runs = [1, 2, 3, 4].map((n) => slots.run(task(n)));
      assert.deepEqual(await runs[3], { busy: true });
      assert.deepEqual(slots.load, { running: 2, waiting: 1 });
      gates.shift()!();
      assert.deepEqual(await runs[0], { busy: false, value: 1 });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(order, [1, 2, 3]);
      while (gates.length > 0) gates.shift()!();
      assert.deepEqual(await Promise.all(runs.slice(1, 3)), [{ busy: false, value: 2 }, { busy: false, value: 3 }]);
      assert.equal(most, 2);
      assert.deepEqual(slots.load, { running: 0, waiting: 0 });
      // A task that throws gives its slot back.
      await assert.rejects(slots.run(() => Promise.reject(new Error('boom'))), /boom/);
      assert.deepEqual(slots.load, { running: 0, waiting: 0 });
    });

    it('takes its limits from the environment, and refuses a nonsense value at start-up', () => {
      assert.deepEqual(configFromEnv({}).uploads, UPLOAD_LIMITS);
      assert.equal(configFromEnv({ UPLOAD_CONCURRENT: '3', UPLOAD_MAX_PART_BYTES: '1000' }).uploads?.concurrent, 3);
      assert.throws(() => configFromEnv({ UPLOAD_QUEUE: 'lots' }), /UPLOAD_QUEUE must be a whole number/);
      assert.throws(() => configFromEnv({ UPLOAD_CONCURRENT: '0' }), /UPLOAD_CONCURRENT/);
    });
  });

  describe('the real server under concurrent hostile uploads from one agency', function () {
    this.timeout(180_000);
    /**
     * The bounds. The server starts near 180 MB (tsx compiling included). A bomb is stopped
     * at 4 MB inflated, so ten of them, two read at a time, must leave the peak far from
     * what one unbudgeted bomb took (1.3 GB each): 450 MB (measured: about 180). A file that
     * fills the budget (8 MB of sheet XML) costs exceljs about 150 MB while it is read; two at
     * once, with what the collector has not yet taken back: 800 MB (measured: 530 to 640).
     */
    const BOMB_BOUND_MB = 450;
    const HEAVY_BOUND_MB = 800;
    const BOMBS = 10;
    const plan = 'hn-kh207-2021';
    const period = '2023-6M';
    let dataDir: string;
    let child: ChildProcess;
    let base: string;
    let attacker: string;
    let other: string;
    let templateFile: Buffer;
    const output: string[] = [];

    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'asr-bombs-'));
      const port = await freePort();
      child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
      base = `http://127.0.0.1:${port}`;
      await waitForHealth(base, child, output);
      const admin = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const issue = async (agencyId: string) => {
        const res = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'agency', agencyId, label: agencyId }) });
        assert.equal(res.status, 201);
        return ((await res.json()) as { token: string }).token;
      };
      attacker = await issue('hn-syt');
      other = await issue('hn-bhxh');
      const res = await fetch(`${base}/api/plans/${plan}/templates/hn-syt.xlsx?period=${period}`, { headers: { Authorization: `Bearer ${attacker}` } });
      assert.equal(res.status, 200);
      templateFile = Buffer.from(await res.arrayBuffer());
    });
    after(async () => {
      // before() may have failed before the server was spawned.
      const running = child as ChildProcess | undefined;
      if (running?.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    const alive = () => child.exitCode === null && child.signalCode === null;
    const upload = (file: Buffer) =>
      fetch(`${base}/api/plans/${plan}/periods/${period}/reports/hn-syt/xlsx`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${attacker}`, 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        body: file,
      }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { error?: { code: string; message: { vi: string; en: string } } } }));
    /** A new report of another agency (each test its own period). */
    const putOfOtherAgency = (reportPeriod: string) =>
      fetch(`${base}/api/plans/${plan}/periods/${reportPeriod}/reports/hn-bhxh`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${other}`, 'Content-Type': 'application/json', 'If-None-Match': '*' },
        body: JSON.stringify({ entries: [{ code: '2', value: '12' }] }),
      });

    it(`answers ${BOMBS} forged bombs of 1 GB each with 413 or 503, under ${BOMB_BOUND_MB} MB, and another agency's PUT meanwhile`, async () => {
      // The app's own template, its first sheet replaced by 1 GB of spaces in about 1 MB, both headers claiming the old size.
      const bomb = forge(templateFile, 'xl/worksheets/sheet1.xml', deflateBomb(1024));
      assert.ok(bomb.length < 1.5 * MB, `${bomb.length} bytes`);
      const memory = new PeakMemory(child.pid!);
      const bombs = Array.from({ length: BOMBS }, () => upload(bomb));
      const put = putOfOtherAgency('2023-6M');
      const answers = await Promise.all(bombs);
      const putAnswer = await put;
      memory.stop();

      assert.ok(alive(), `the server is alive: ${output.join('')}`);
      assert.equal(putAnswer.status, 201, "the other agency's PUT");
      for (const a of answers) {
        if (a.status === 503) {
          assert.equal(a.body.error?.code, 'upload-busy');
          assert.ok(Number(a.retryAfter) > 0, 'Retry-After');
        } else {
          assert.equal(a.status, 413, JSON.stringify(a.body));
          assert.equal(a.body.error?.code, 'upload-too-large-inflated');
          assert.match(a.body.error.message.en, /xl\/worksheets\/sheet1\.xml > 4\.0 MB/);
        }
      }
      assert.ok(answers.filter((a) => a.status === 413).length >= 2, 'the bombs that got a slot were read, and stopped');
      assert.ok((await fetch(`${base}/api/health`)).ok, 'still answering');
      assert.equal((await upload(bomb)).status, 413, 'the slots were all given back');
      const peak = memory.peakMb();
      assert.ok(peak > 0, 'memory was measured');
      assert.ok(peak < BOMB_BOUND_MB, `peak RSS ${peak} MB, bound ${BOMB_BOUND_MB} MB`);
    });

    it(`reads files that fill the budget two at a time, under ${HEAVY_BOUND_MB} MB, and another agency's PUT meanwhile`, async () => {
      // Two sheets of dense numbers, each just under 4 MB: 8 MB of XML for exceljs, honestly declared.
      const sheet = denseSheet(4 * MB - 128 * 1024);
      const entries = entriesOf(templateFile).map((e) => (e.name === 'xl/worksheets/sheet2.xml' || e.name === 'xl/worksheets/sheet3.xml' ? deflated(e.name, sheet) : e));
      const file = writeZip(entries);
      const memory = new PeakMemory(child.pid!);
      const uploads = Array.from({ length: 4 }, () => upload(file));
      const put = putOfOtherAgency('2023-9M');
      const answers = await Promise.all(uploads);
      const putAnswer = await put;
      memory.stop();
      assert.ok(alive(), `the server is alive: ${output.join('')}`);
      assert.equal(putAnswer.status, 201, "the other agency's PUT");
      for (const a of answers) assert.ok([200, 201, 422, 503].includes(a.status) && a.body !== null, `${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
      assert.ok(answers.some((a) => a.status !== 503), 'read, not only refused');
      const peak = memory.peakMb();
      assert.ok(peak < HEAVY_BOUND_MB, `peak RSS ${peak} MB, bound ${HEAVY_BOUND_MB} MB`);
    });
  });
});

/** Sheet XML of `bytes` bytes or a little less: rows of 15 small numbers, the densest cells there are. */
function denseSheet(bytes: number): Buffer {
  const head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const tail = '</sheetData></worksheet>';
  const rows: string[] = [];
  let size = head.length + tail.length;
  for (let r = 1; ; r++) {
    let row = `<row r="${r}">`;
    for (let c = 0; c < 15; c++) row += `<c r="${String.fromCharCode(65 + c)}${r}"><v>${c}</v></c>`;
    row += '</row>';
    if (size + row.length > bytes) break;
    rows.push(row);
    size += row.length;
  }
  return Buffer.from(head + rows.join('') + tail);
}


async function waitForHealth(base: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output.join('')}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${output.join('')}`);
}

/**
 * The peak resident memory of a process: the kernel's high-water mark (VmHWM, from the
 * start of the process) when it can be read, and polled VmRSS besides.
 */
class PeakMemory {
  private polledKb = 0;
  private readonly timer: NodeJS.Timeout;
  private hwmKb = 0;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 25);
    this.timer.unref(); // a failed test must not keep mocha waiting
  }

  private read(field: 'VmRSS' | 'VmHWM'): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  private sample(): void {
    this.polledKb = Math.max(this.polledKb, this.read('VmRSS'));
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
    this.hwmKb = this.read('VmHWM');
  }

  peakMb(): number {
    return Math.round(Math.max(this.polledKb, this.hwmKb) / 1024);
  }
}

