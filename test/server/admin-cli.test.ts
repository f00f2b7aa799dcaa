import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAdmin } from '../../server/admin';
import { hashToken } from '../../server/auth';
import { CatalogService } from '../../server/catalog-service';
import { takeLock } from '../../server/lock';
import { openLowdbStore } from '../../server/storage/lowdb-store';
import { examplePlanFile } from '../shared/plan-check-corpus';

describe('admin CLI (npm run admin -- …)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let saved: string | undefined;
  let out: string[];
  const run = async (...args: string[]) => {
    out = [];
    return runAdmin(args, (line) => out.push(line));
  };
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'asr-admin-'));
    saved = process.env.DATA_DIR;
    process.env.DATA_DIR = dataDir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('issues, lists and revokes tokens; the secret is printed once and stored as a hash', async () => {
    assert.equal(await run('token', 'issue', '--role', 'agency', '--agency', 'hn-syt', '--label', 'Sở Y tế'), 0);
    const secret = out.at(-1)!;
    assert.match(secret, /^asr_/);
    const store = await openLowdbStore({ dataDir });
    const record = await store.findTokenByHash(hashToken(secret));
    await store.close();
    assert.deepEqual([record?.role, record?.agencyId], ['agency', 'hn-syt']);
    assert.equal(await run('token', 'list'), 0);
    assert.ok(out.some((l) => l.startsWith(record!.id) && l.includes('active')));
    assert.equal(await run('token', 'revoke', record!.id), 0);
    await run('token', 'list');
    assert.ok(out.some((l) => l.startsWith(record!.id) && l.includes('revoked')));
    assert.equal(await run('token', 'issue', '--role', 'agency', '--agency', 'hn-nobody', '--label', 'x'), 1);
  });

  it('imports communes from CSV and adds agencies; the register then knows them', async () => {
    const csv = path.join(dataDir, 'communes.csv');
    writeFileSync(csv, 'name,type,validFrom,predecessors\nPhường Thử Nghiệm Một,phường,2025-07-01,Quận Hoàn Kiếm\nXã Hỏng,làng,2025-07-01,\n');
    assert.equal(await run('communes', 'import', csv), 0);
    assert.ok(out.some((l) => l.includes('line 3')), out.join('\n'));
    const file = path.join(dataDir, 'agency.json');
    writeFileSync(file, JSON.stringify({ id: 'hn-so-thu-nghiem', name: 'Sở Thử Nghiệm', kind: 'department', city: 'hanoi' }));
    assert.equal(await run('agency', 'add', file), 0);
    const store = await openLowdbStore({ dataDir });
    const catalog = await CatalogService.open(store);
    await store.close();
    assert.ok(catalog.snapshot.register.has('hn-p-thu-nghiem-mot'));
    assert.ok(catalog.snapshot.register.has('hn-so-thu-nghiem'));
    assert.deepEqual(catalog.snapshot.register.expand('hn-g-districts', '2025-12-14'), ['hn-p-thu-nghiem-mot']);
  });

  it('moves an indicator lead from a date', async () => {
    assert.equal(await run('lead', 'move', '--plan', 'hn-kh207-2021', '--indicator', '23', '--agency', 'hn-sxd', '--from', '2025-03-01'), 0);
    const store = await openLowdbStore({ dataDir });
    assert.deepEqual((await store.listLeadChanges()).map((c) => [c.indicator, c.agencyId, c.from]), [['23', 'hn-sxd', '2025-03-01']]);
    await store.close();
    assert.equal(await run('lead', 'move', '--plan', 'hn-kh207-2021', '--indicator', '99', '--agency', 'hn-sxd', '--from', '2025-03-01'), 1);
  });

  it('checks a plan file: every problem in both languages and each target read, --json as the API answers, exit 1 on errors', async () => {
    const file = path.join(dataDir, 'plan.json');
    const plan = examplePlanFile();
    plan.indicators[0].targets['2027'] = { text: 'Theo lộ trình của Trung ương' };
    plan.indicators[1].lead = 'hn-so-khong-co';
    writeFileSync(file, JSON.stringify(plan));
    assert.equal(await run('plan', 'check', file), 1);
    const text = out.join('\n');
    assert.match(text, /cannot be added: 2 lỗi \/ errors/);
    assert.match(text, /LỖI \/ ERROR {2}indicators\[2\]\.lead {2}\[agency-unknown\]/);
    assert.match(text, /Không đọc được chỉ tiêu "Theo lộ trình của Trung ương"/);
    assert.match(text, /1 {2}2026 {2}"Dưới 3%" {2}→ Dưới 3% \/ below 3%/);
    assert.equal(await run('plan', 'check', file, '--json'), 1);
    const answer = JSON.parse(out.join('\n'));
    assert.deepEqual(answer.problems.map((p: { code: string }) => p.code), ['agency-unknown', 'target-unreadable']);
    assert.equal(answer.targets.length, 4);
    writeFileSync(file, JSON.stringify(examplePlanFile()));
    assert.equal(await run('plan', 'check', file), 0);
    const store = await openLowdbStore({ dataDir });
    assert.deepEqual(await store.listPlanFiles(), [], 'a check stores nothing');
    await store.close();
  });

  it('adds, lists, retires and restores plans; a retired plan shows with why only under --retired', async () => {
    const file = path.join(dataDir, 'plan.json');
    writeFileSync(file, JSON.stringify(examplePlanFile()));
    assert.equal(await run('plan', 'add', file), 0);
    assert.equal(await run('plan', 'add', file), 1, 'revision 1 exists');
    assert.match(out.join('\n'), /revision-exists/);
    assert.equal(await run('plan', 'retire', '--plan', 'hn-example-2026'), 1, 'a reason is required');
    assert.equal(await run('plan', 'retire', '--plan', 'hn-example-2026', '--reason', 'Tệp thử'), 0);
    assert.match(out[0]!, /Retired hn-example-2026; the plan takes no new reports/);
    await run('plan', 'list');
    assert.ok(!out.some((l) => l.startsWith('hn-example-2026')), out.join('\n'));
    await run('plan', 'list', '--retired');
    assert.ok(out.some((l) => l.startsWith('hn-example-2026\tr1\tngừng áp dụng / retired') && l.includes('by admin-cli: Tệp thử')), out.join('\n'));
    assert.equal(await run('plan', 'retire', '--plan', 'hn-example-2026', '--reason', 'lần nữa'), 1);
    assert.equal(await run('plan', 'restore', '--plan', 'hn-example-2026', '--reason', 'Dùng lại'), 0);
    assert.match(out[0]!, /revision 1 is in force/);
    assert.equal(await run('plan', 'retire', '--plan', 'hn-example-2026', '--revision', '4', '--reason', 'x'), 1);
  });

  it('checks a plan while a server holds the data folder, against the shipped catalog', async () => {
    const file = path.join(dataDir, 'plan.json');
    writeFileSync(file, JSON.stringify(examplePlanFile()));
    const release = takeLock(dataDir);
    try {
      assert.equal(await run('plan', 'check', file), 0);
      assert.match(out[0]!, /checked against the shipped catalog and register only/);
      assert.equal(await run('plan', 'add', file), 3);
    } finally {
      release();
    }
  });

  it('refuses to write while a server holds the data folder', async () => {
    const release = takeLock(dataDir);
    try {
      assert.equal(await run('token', 'list'), 3);
      assert.match(out[0]!, /Stop it, or do this through the API/);
    } finally {
      release();
    }
  });
});
