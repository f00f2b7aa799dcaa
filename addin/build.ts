import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the task pane into addin/dist/ (served by the sync server under /addin/):
 *   taskpane.js (+ .map)  addin/src/main.ts bundled with the shared engine and the Fluent UI
 *                         Web Components it uses, minified
 *   taskpane.html         office.js from Microsoft's CDN (production) or /addin/office/office.js
 *   taskpane.css, assets/ copied; addin/static/* (help.html, …) copied to the top level
 *   testing/fake-excel.js only with --with-fake (browser tests; refused in production)
 *
 *   tsx addin/build.ts [--mode production|development] [--with-fake] [--out DIR]
 *
 * OFFICE_JS in the environment overrides the office.js address ("local" and "cdn" name the
 * two defaults).
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export const OFFICE_JS_URLS = {
  production: 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js',
  development: '/addin/office/office.js',
} as const;

export type BuildMode = keyof typeof OFFICE_JS_URLS;

export interface BuildAddinOptions {
  mode?: BuildMode;
  /** Output folder (default addin/dist). */
  outDir?: string;
  /** office.js address; default from OFFICE_JS or the mode. */
  officeJs?: string;
  /** Also bundle addin/testing/fake-excel.ts as testing/fake-excel.js (not in production). */
  withFake?: boolean;
  /** Where progress lines go (default console.log); pass () => {} for silence. */
  log?: (line: string) => void;
  /** Environment to read OFFICE_JS from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface BuildAddinResult {
  mode: BuildMode;
  outDir: string;
  officeJs: string;
  files: string[];
  /** taskpane.js, raw and gzipped. */
  bytes: number;
  gzipBytes: number;
  /** What the pane downloads besides office.js: taskpane.js and taskpane.css, each gzipped, added up. */
  paneGzipBytes: number;
  fake: 'built' | 'missing' | 'skipped';
  /** The largest inputs of the bundle, for keeping it small. */
  largestInputs: Array<{ path: string; bytes: number }>;
}

export const SRC_DIR = path.join(here, 'src');
export const DEFAULT_OUT_DIR = path.join(here, 'dist');
const ASSETS_DIR = path.join(here, 'assets');
const STATIC_DIR = path.join(here, 'static');
const FAKE_EXCEL = path.join(here, 'testing', 'fake-excel.ts');
const OUTPUTS = ['taskpane.js', 'taskpane.js.map', 'taskpane.html', 'taskpane.css', 'taskpane.js.LEGAL.txt', 'assets', 'testing'];
const TARGET = ['es2020', 'chrome100', 'safari15', 'edge100', 'firefox100'];

export function officeJsFor(mode: BuildMode, env: Record<string, string | undefined> = process.env, explicit?: string): string {
  if (explicit) return explicit;
  const fromEnv = env.OFFICE_JS?.trim();
  if (fromEnv === 'local') return OFFICE_JS_URLS.development;
  if (fromEnv === 'cdn') return OFFICE_JS_URLS.production;
  if (fromEnv) return fromEnv;
  return OFFICE_JS_URLS[mode];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The mode, checked at run time: scripts/build.js and other JavaScript callers are not type-checked. */
function checkedMode(mode: unknown): BuildMode {
  if (mode !== 'production' && mode !== 'development') throw new Error(`unknown mode "${String(mode)}": use production or development`);
  return mode;
}

export async function buildAddin(options: BuildAddinOptions = {}): Promise<BuildAddinResult> {
  const mode = checkedMode(options.mode ?? 'production');
  const withFake = options.withFake ?? false;
  if (withFake && mode === 'production') throw new Error('--with-fake is for development and test builds only, never production');
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const log = options.log ?? ((line: string) => console.log(line));
  const officeJs = officeJsFor(mode, options.env ?? process.env, options.officeJs);

  // Only what this build writes is removed, so a stale fake host never survives into production.
  await mkdir(outDir, { recursive: true });
  const statics = existsSync(STATIC_DIR) ? await readdir(STATIC_DIR) : [];
  for (const name of [...OUTPUTS, ...statics]) await rm(path.join(outDir, name), { recursive: true, force: true });

  const result = await build({
    entryPoints: [path.join(SRC_DIR, 'main.ts')],
    outfile: path.join(outDir, 'taskpane.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: TARGET,
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    charset: 'utf8',
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    logLevel: 'silent',
  });
  for (const warning of result.warnings) log(`esbuild: ${warning.text}`);

  let fake: BuildAddinResult['fake'] = 'skipped';
  if (withFake) {
    if (existsSync(FAKE_EXCEL)) {
      await build({
        stdin: {
          contents: "import { createFakeExcel } from './fake-excel';\n(globalThis as { __ASR_FAKE_EXCEL__?: unknown }).__ASR_FAKE_EXCEL__ = createFakeExcel();\n",
          resolveDir: path.dirname(FAKE_EXCEL),
          sourcefile: 'fake-excel-entry.ts',
          loader: 'ts',
        },
        outfile: path.join(outDir, 'testing', 'fake-excel.js'),
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: TARGET,
        sourcemap: 'linked',
        charset: 'utf8',
        logLevel: 'silent',
      });
      fake = 'built';
    } else {
      fake = 'missing';
      log(`fake Excel host not found (${path.relative(process.cwd(), FAKE_EXCEL)}): testing/fake-excel.js not built`);
    }
  }

  const template = await readFile(path.join(SRC_DIR, 'taskpane.html'), 'utf8');
  if (!template.includes('%OFFICE_JS%')) throw new Error('taskpane.html lost its %OFFICE_JS% placeholder');
  const html = template
    .replace('%OFFICE_JS%', escapeAttr(officeJs))
    .replace('<!--%FAKE_EXCEL%-->', fake === 'built' ? '<script src="testing/fake-excel.js"></script>' : '');
  await writeFile(path.join(outDir, 'taskpane.html'), html);
  await cp(path.join(SRC_DIR, 'taskpane.css'), path.join(outDir, 'taskpane.css'));
  if (existsSync(ASSETS_DIR)) await cp(ASSETS_DIR, path.join(outDir, 'assets'), { recursive: true });
  for (const name of statics) await cp(path.join(STATIC_DIR, name), path.join(outDir, name), { recursive: true });

  const js = await readFile(path.join(outDir, 'taskpane.js'));
  const gzipBytes = gzipSync(js, { level: 9 }).length;
  const paneGzipBytes = gzipBytes + gzipSync(await readFile(path.join(outDir, 'taskpane.css')), { level: 9 }).length;
  const files = await listFiles(outDir);
  const largestInputs = Object.entries(result.metafile.outputs[path.relative(process.cwd(), path.join(outDir, 'taskpane.js'))]?.inputs ?? {})
    .map(([p, v]) => ({ path: p, bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);

  log(`addin build (${mode}) → ${path.relative(process.cwd(), outDir) || '.'}`);
  log(`  office.js: ${officeJs}`);
  log(`  taskpane.js: ${(js.length / 1024).toFixed(1)} KB, gzipped ${(gzipBytes / 1024).toFixed(1)} KB`);
  log(`  taskpane.js + taskpane.css gzipped: ${(paneGzipBytes / 1024).toFixed(1)} KB (budget 300 KB)`);
  if (fake === 'built') log('  testing/fake-excel.js: built (test builds only)');
  log(`  files: ${files.join(', ')}`);
  return { mode, outDir, officeJs, files, bytes: js.length, gzipBytes, paneGzipBytes, fake, largestInputs };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const full = path.join(dir, entry);
    if ((await stat(full)).isDirectory()) out.push(...(await listFiles(full, `${prefix}${entry}/`)));
    else out.push(`${prefix}${entry}`);
  }
  return out;
}

export function parseArgs(argv: readonly string[]): BuildAddinOptions {
  const options: BuildAddinOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) break;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--mode') {
      const mode = value();
      if (mode !== 'production' && mode !== 'development') throw new Error(`--mode takes production or development, not "${mode}"`);
      options.mode = mode;
    } else if (flag === '--with-fake') options.withFake = true;
    else if (flag === '--out') options.outDir = value();
    else if (flag === '--office-js') options.officeJs = value();
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  buildAddin(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
