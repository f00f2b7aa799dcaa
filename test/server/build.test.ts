import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, kill, waitHealthy, type Running } from './child-server';

/**
 * The production build (scripts/build.js) as `npm start` uses it: plain node builds it, plain
 * node runs it, and what it imports is installed by `npm ci --omit=dev`.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Imports of packages (not node: built-ins, not relative) in a bundle's text. */
function packageImports(code: string): string[] {
  const names = new Set<string>();
  // esbuild writes each static import on a line of its own; dynamic ones as import("name").
  const found = [...code.matchAll(/^import\s(?:[^;"]*?\sfrom\s)?"([^"]+)";$/gm), ...code.matchAll(/\bimport\("([@a-z][\w@/.-]*)"\)/g)];
  for (const match of found) {
    const spec = match[1]!;
    if (spec.startsWith('node:') || spec.startsWith('.')) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return [...names].sort();
}

describe('the production build (npm start)', function () {
  this.timeout(120_000);
  let out = '';
  let dataDir = '';
  let firstBuild = '';

  before(async () => {
    // Inside the project (.tmp/ is ignored), so that the bundles find node_modules and package.json.
    await run('mkdir', ['-p', path.join(ROOT, '.tmp')]);
    out = await mkdtemp(path.join(ROOT, '.tmp', 'build-test-'));
    dataDir = await mkdtemp(path.join(tmpdir(), 'build-test-data-'));
    firstBuild = (await run(process.execPath, ['scripts/build.js', '--out', out], { cwd: ROOT })).stdout;
  });

  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('builds the server and the pane with plain node, saying what it built', async () => {
    assert.match(firstBuild, /server\/main\.js [\d.]+ KB/);
    assert.match(firstBuild, /addin\/taskpane\.js [\d.]+ KB \(gzipped [\d.]+ KB\)/);
    for (const file of ['server/main.js', 'server/admin.js', 'addin/taskpane.html', 'addin/taskpane.js', 'build-info.json']) {
      assert.ok((await stat(path.join(out, file))).size > 0, file);
    }
  });

  it('imports only production dependencies (office-addin-dev-certs only for HTTPS=1, a development tool)', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const entry of ['main', 'admin']) {
      const imports = packageImports(await readFile(path.join(out, 'server', `${entry}.js`), 'utf8'));
      assert.ok(imports.includes('express') || entry === 'admin', `${entry}: ${imports.join(', ')}`);
      const undeclared = imports.filter((name) => !(name in pkg.dependencies) && name !== 'office-addin-dev-certs');
      assert.deepEqual(undeclared, [], `${entry}.js imports packages that npm ci --omit=dev does not install`);
      assert.ok(!imports.includes('tsx') && !imports.includes('typescript'), `${entry}.js needs no TypeScript at run time`);
    }
  });

  it('--if-stale leaves a current build alone (npm start does not rebuild)', async () => {
    const before = (await stat(path.join(out, 'server', 'main.js'))).mtimeMs;
    const { stdout } = await run(process.execPath, ['scripts/build.js', '--if-stale', '--out', out], { cwd: ROOT });
    assert.match(stdout, /is current/);
    assert.equal((await stat(path.join(out, 'server', 'main.js'))).mtimeMs, before);
  });

  it('node <build>/server/main.js serves /api/health and the pane', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(out, 'server', 'main.js')], {
      cwd: tmpdir(),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    const running: Running = { child, base: `http://127.0.0.1:${port}`, output, exited: new Promise((resolve) => child.once('exit', resolve)) };
    try {
      await waitHealthy(running, 30_000);
      const health = await fetch(`${running.base}/api/health`);
      assert.equal(health.status, 200);
      const pane = await fetch(`${running.base}/addin/taskpane.html`);
      assert.equal(pane.status, 200);
      const html = await pane.text();
      assert.match(html, /<script[^>]+src="taskpane\.js"/);
      assert.match(html, /appsforoffice\.microsoft\.com/, 'the production pane loads office.js from the CDN');
      assert.equal((await fetch(`${running.base}/addin/taskpane.js`)).status, 200);
      assert.match(output.join(''), /3 plans/, 'the catalog is found from the build');
    } finally {
      await kill(running);
    }
  });
});
