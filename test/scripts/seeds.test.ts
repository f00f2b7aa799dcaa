import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEEDS_DIR, requireSeeds, seedPath, seedsDir } from '../../scripts/seeds';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A stand-in for mocha's `this` that records whether the suite was skipped. */
function fakeContext() {
  const context = { skipped: false, skip: () => void (context.skipped = true) };
  return context;
}

describe('seed texts (scripts/seeds.ts): one setting, SEEDS_DIR', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seeds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to ../shared/seeds beside the repository; a relative SEEDS_DIR is read from the repository root', () => {
    assert.equal(DEFAULT_SEEDS_DIR, '../shared/seeds');
    assert.equal(seedsDir({}), path.resolve(repoRoot, '..', 'shared', 'seeds'));
    assert.equal(seedsDir({ SEEDS_DIR: '  ' }), path.resolve(repoRoot, '..', 'shared', 'seeds'));
    assert.equal(seedsDir({ SEEDS_DIR: 'texts' }), path.resolve(repoRoot, 'texts'));
    assert.equal(seedPath('a.txt', { SEEDS_DIR: dir }), path.join(dir, 'a.txt'));
  });

  it('lets the suite run when every seed is there', () => {
    writeFileSync(path.join(dir, 'a.txt'), 'x');
    const context = fakeContext();
    requireSeeds(context, ['a.txt'], { SEEDS_DIR: dir });
    assert.equal(context.skipped, false);
  });

  it('marks the suite pending with one line naming the missing file and the setting', () => {
    writeFileSync(path.join(dir, 'a.txt'), 'x');
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    const context = fakeContext();
    try {
      requireSeeds(context, ['a.txt', 'b.txt'], { SEEDS_DIR: dir });
    } finally {
      console.log = log;
    }
    assert.equal(context.skipped, true);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes(path.join(dir, 'b.txt')), lines[0]);
    assert.match(lines[0]!, /SEEDS_DIR=/);
  });

  it('fails instead with CI=true, with the same words', () => {
    const context = fakeContext();
    assert.throws(
      () => requireSeeds(context, ['b.txt'], { SEEDS_DIR: dir, CI: 'true' }),
      (error: Error) => error.message.includes(path.join(dir, 'b.txt')) && error.message.includes('SEEDS_DIR') && error.message.includes('CI=true'),
    );
    assert.equal(context.skipped, false);
  });

  it('says when the default is used because SEEDS_DIR is not set', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      requireSeeds(fakeContext(), ['no-such-seed.txt'], {});
    } finally {
      console.log = log;
    }
    assert.match(lines[0]!, /SEEDS_DIR is not set, so the default \.\.\/shared\/seeds/);
  });
});
