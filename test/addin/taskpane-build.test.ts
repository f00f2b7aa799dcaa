import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { OFFICE_JS_URLS, buildAddin, officeJsFor, parseArgs } from '../../addin/build';
import type { BuildAddinResult } from '../../addin/build';

const FAKE_ASSIGNMENT = /__ASR_FAKE_EXCEL__\s*=(?!=)/;
const root = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = path.join(root, 'addin/assets');

describe('task pane build (esbuild)', function () {
  this.timeout(120_000);
  let dir: string;
  let prod: BuildAddinResult;
  const lines: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'asr-addin-build-'));
    prod = await buildAddin({ mode: 'production', outDir: path.join(dir, 'prod'), env: {}, log: (l) => lines.push(l) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('production: taskpane.js is minified and under 300 KB gzipped', () => {
    const js = readFileSync(path.join(prod.outDir, 'taskpane.js'));
    const gz = gzipSync(js, { level: 9 }).length;
    console.log(`      taskpane.js: ${(js.length / 1024).toFixed(1)} KB, gzipped ${(gz / 1024).toFixed(1)} KB`);
    assert.equal(prod.gzipBytes, gz);
    assert.ok(gz < 300 * 1024, `gzipped ${gz} bytes`);
    // Minified: the pane's own functions lose their names. (Line length is no measure: the
    // Fluent components' CSS and HTML templates are strings that keep their line breaks.)
    const text = js.toString('utf8');
    for (const name of ['findingKeys', 'longestIncreasing', 'submissionStatusKind', 'validateInputs']) assert.ok(!text.includes(name), `minified (${name} still named)`);
    assert.ok(lines.some((l) => /gzipped \d+(\.\d)? KB/.test(l)), 'the build prints the gzipped size');
  });

  it('production: taskpane.js and taskpane.css together stay under 300 KB gzipped (Fluent UI included)', () => {
    const gz = (name: string) => gzipSync(readFileSync(path.join(prod.outDir, name)), { level: 9 }).length;
    const total = gz('taskpane.js') + gz('taskpane.css');
    console.log(`      taskpane.js + taskpane.css: gzipped ${(total / 1024).toFixed(1)} KB of 300 KB`);
    assert.equal(prod.paneGzipBytes, total);
    assert.ok(total < 300 * 1024, `gzipped ${total} bytes`);
    assert.ok(lines.some((l) => /taskpane\.js \+ taskpane\.css gzipped: \d+(\.\d)? KB/.test(l)), 'the build prints the total');
    const sources: string[] = JSON.parse(readFileSync(path.join(prod.outDir, 'taskpane.js.map'), 'utf8')).sources;
    assert.ok(sources.some((s) => s.includes('@fluentui/web-components/')), 'the Fluent UI Web Components are in the bundle');
  });

  it('production: no eval in the bundle (Office’s rules; the CSP has no unsafe-eval)', () => {
    const js = readFileSync(path.join(prod.outDir, 'taskpane.js'), 'utf8');
    assert.doesNotMatch(js, /\beval\(/);
    // zod can compile parsers with new Function; the pane turns that off before any schema exists.
    assert.match(readFileSync(path.join(root, 'addin/src/main.ts'), 'utf8'), /^import '\.\/no-eval';/m);
    assert.match(readFileSync(path.join(root, 'addin/src/no-eval.ts'), 'utf8'), /jitless: true/);
  });

  it('production: a source map exists and the bundle links it', () => {
    const map = JSON.parse(readFileSync(path.join(prod.outDir, 'taskpane.js.map'), 'utf8'));
    assert.equal(map.version, 3);
    assert.ok(map.sources.some((s: string) => s.endsWith('addin/src/controller.ts')));
    assert.ok(map.sources.some((s: string) => s.endsWith('shared/validate.ts')), 'the shared engine runs in the pane');
    assert.match(readFileSync(path.join(prod.outDir, 'taskpane.js'), 'utf8'), /\/\/# sourceMappingURL=taskpane\.js\.map\s*$/);
  });

  it('production: taskpane.html loads office.js from Microsoft’s CDN before the bundle', () => {
    const html = readFileSync(path.join(prod.outDir, 'taskpane.html'), 'utf8');
    assert.equal(prod.officeJs, OFFICE_JS_URLS.production);
    const office = html.indexOf('<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>');
    const bundle = html.indexOf('<script defer src="taskpane.js"></script>');
    assert.ok(office > 0 && bundle > office);
    assert.ok(!html.includes('%OFFICE_JS%') && !html.includes('/addin/office/office.js'));
    assert.ok(!html.includes('fake-excel'));
    assert.ok(/<link rel="stylesheet" href="taskpane.css"/.test(html));
    assert.ok(!/<script>[^<]/.test(html), 'no inline script (the server’s CSP forbids it)');
  });

  it('production: no fake Excel host, and nothing assigns __ASR_FAKE_EXCEL__', () => {
    const js = readFileSync(path.join(prod.outDir, 'taskpane.js'), 'utf8');
    assert.doesNotMatch(js, FAKE_ASSIGNMENT);
    assert.ok(!js.includes('createFakeExcel') && !js.includes('FakeWorkbook'));
    assert.ok(!existsSync(path.join(prod.outDir, 'testing')));
    assert.equal(prod.fake, 'skipped');
  });

  it('copies the stylesheet, the icons and the static pages (help.html)', () => {
    assert.ok(existsSync(path.join(prod.outDir, 'taskpane.css')));
    const icons = readdirSync(ASSETS);
    assert.ok(icons.includes('icon-32.png') && icons.includes('icon-80.png'), 'the icons the manifest names');
    for (const icon of icons) assert.ok(prod.files.includes(`assets/${icon}`), icon);
    const pages = readdirSync(path.join(root, 'addin/static'));
    assert.ok(pages.includes('help.html'));
    for (const page of pages) assert.ok(prod.files.includes(page), page);
  });

  it('development: office.js from the server (/addin/office/office.js); --with-fake adds the fake host first', async () => {
    const dev = await buildAddin({ mode: 'development', withFake: true, outDir: path.join(dir, 'dev'), env: {}, log: () => undefined });
    const html = readFileSync(path.join(dev.outDir, 'taskpane.html'), 'utf8');
    assert.ok(html.includes('<script src="/addin/office/office.js"></script>'));
    assert.ok(!html.includes('appsforoffice.microsoft.com'));
    assert.equal(dev.fake, 'built');
    assert.match(readFileSync(path.join(dev.outDir, 'testing', 'fake-excel.js'), 'utf8'), FAKE_ASSIGNMENT);
    assert.ok(html.indexOf('testing/fake-excel.js') < html.indexOf('taskpane.js'), 'the fake host is there before the pane boots');
    // A production build into the same folder leaves no fake host behind.
    const again = await buildAddin({ mode: 'production', outDir: dev.outDir, env: {}, log: () => undefined });
    assert.ok(!existsSync(path.join(again.outDir, 'testing')));
    assert.ok(!readFileSync(path.join(again.outDir, 'taskpane.html'), 'utf8').includes('fake-excel'));
  });

  it('refuses the fake host in a production build', async () => {
    await assert.rejects(buildAddin({ mode: 'production', withFake: true, outDir: path.join(dir, 'bad'), log: () => undefined }), /never production/);
  });

  it('OFFICE_JS may override the office.js address; arguments parse', () => {
    assert.equal(officeJsFor('production', {}), OFFICE_JS_URLS.production);
    assert.equal(officeJsFor('development', {}), OFFICE_JS_URLS.development);
    assert.equal(officeJsFor('production', { OFFICE_JS: 'local' }), OFFICE_JS_URLS.development);
    assert.equal(officeJsFor('development', { OFFICE_JS: 'cdn' }), OFFICE_JS_URLS.production);
    assert.equal(officeJsFor('production', { OFFICE_JS: 'https://cdn.example/office.js' }), 'https://cdn.example/office.js');
    assert.deepEqual(parseArgs(['--mode', 'development', '--with-fake']), { mode: 'development', withFake: true });
    assert.deepEqual(parseArgs(['--mode=production', '--out', 'x']), { mode: 'production', outDir: 'x' });
    assert.throws(() => parseArgs(['--mode', 'staging']));
  });
});
